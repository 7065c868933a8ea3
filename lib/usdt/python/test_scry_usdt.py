# SPDX-License-Identifier: GPL-2.0
# python3 -m unittest test_scry_usdt (PYTHONPATH=lib/usdt/python,
# SCRY_USDT_LIB=build/lib/libscry-usdt.so.0).  No root needed: no tracer is
# attached here (tests/e2e/usdt_dynamic.sh traces these probes with scry).
import os
import subprocess
import sys
import threading
import unittest

import scry_usdt


def maps():
    with open("/proc/self/maps") as f:
        return f.read()


def notes(path):
    """readelf's view of the object, when readelf is installed."""
    try:
        return subprocess.run(["readelf", "-n", path], capture_output=True, text=True).stdout
    except FileNotFoundError:
        return None


class TestProvider(unittest.TestCase):
    def test_issue_snippet(self):
        p = scry_usdt.Provider("app")
        req = p.probe("request", int, str)   # int = int64; str = C string
        p.load()
        if req.enabled:
            req.fire(5, "GET /")
        p.unload()

    def test_load_fire_unload(self):
        with scry_usdt.Provider("t_load") as p:
            req = p.probe("request", int, str)
            self.assertIsNone(p.path)
            self.assertFalse(req.enabled)
            p.load()
            self.assertTrue(p.loaded)
            self.assertEqual(p.path, "/proc/%d/fd/%s" % (os.getpid(), p.path.rsplit("/", 1)[1]))
            self.assertIn("/memfd:scry-usdt-t_load (deleted)", maps())
            self.assertFalse(req.enabled)      # no tracer
            for i in range(1000):
                req.fire(i, "GET /")
            req.fire(-1, b"bytes too")
            p.unload()
            self.assertFalse(p.loaded)
            self.assertIsNone(p.path)
            self.assertNotIn("scry-usdt-t_load", maps())
            self.assertFalse(req.enabled)
            with self.assertRaises(scry_usdt.Error):
                req.fire(1, "x")

    def test_notes(self):
        with scry_usdt.Provider("t_notes") as p:
            p.probe("all", "int8", "uint8", "int16", "uint16", "int32", "uint32",
                    "int64", "uint64", "string", "int8", "int32", "int64")
            p.probe("none")
            p.load()
            out = notes(p.path)
            if out is None:
                self.skipTest("no readelf")
            self.assertIn("Provider: t_notes", out)
            self.assertIn("Name: none", out)
            self.assertIn("Arguments: -1@%rdi 1@%rsi -2@%rdx 2@%rcx -4@%r8 4@%r9 -8@8(%rsp) "
                          "8@16(%rsp) 8@24(%rsp) -1@32(%rsp) -4@40(%rsp) -8@48(%rsp)", out)

    def test_twelve_args_fire(self):
        with scry_usdt.Provider("t_twelve") as p:
            pr = p.probe("all", *(["int64"] * 11 + ["string"]))
            p.load()
            pr.fire(*(list(range(11)) + ["s"]))
            with self.assertRaises(TypeError):
                pr.fire(1)

    def test_errors(self):
        with self.assertRaises(scry_usdt.Error) as e:
            scry_usdt.Provider("bad name")
        self.assertEqual(e.exception.errno, 22)
        with scry_usdt.Provider("t_err") as p:
            p.probe("a", int)
            with self.assertRaisesRegex(scry_usdt.Error, "has a probe 'a' already"):
                p.probe("a")
            with self.assertRaisesRegex(scry_usdt.Error, "13 arguments, at most 12"):
                p.probe("b", *([int] * 13))
            with self.assertRaisesRegex(scry_usdt.Error, "not a probe name"):
                p.probe("1x")
            with self.assertRaises(TypeError):
                p.probe("c", float)
            p.load()
            with self.assertRaisesRegex(scry_usdt.Error, "is loaded already"):
                p.load()
            with self.assertRaisesRegex(scry_usdt.Error, "unload it to add"):
                p.probe("d")

    def test_reload_and_add(self):
        with scry_usdt.Provider("t_reload") as p:
            a = p.probe("a", int)
            for _ in range(20):
                p.load()
                a.fire(1)
                p.unload()
            b = p.probe("b", str)
            p.load()
            a.fire(2)
            b.fire("late")

    def test_threads(self):
        ps = [scry_usdt.Provider("t_thr%d" % i) for i in range(4)]
        errors = []

        def work(p):
            try:
                pr = p.probe("x", int, str)
                for _ in range(5):
                    p.load()
                    for i in range(2000):
                        pr.fire(i, "thread")
                    p.unload()
            except Exception as e:   # reported below
                errors.append(e)

        ts = [threading.Thread(target=work, args=(p,)) for p in ps]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        self.assertEqual(errors, [])
        shared = scry_usdt.Provider("t_shared")
        pr = shared.probe("x", int)
        shared.load()
        ts = [threading.Thread(target=lambda: [pr.fire(i) for i in range(5000)]) for _ in range(4)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        shared.close()
        for p in ps:
            p.close()

    def test_processes(self):
        """Several processes at once, each its own object; a fork child keeps a copy."""
        code = ("import scry_usdt, sys; p = scry_usdt.Provider('app'); r = p.probe('request', int, str);"
                "p.load(); [r.fire(i, 'x') for i in range(1000)]; print(p.path); p.unload()")
        procs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
                 for _ in range(4)]
        paths = [pr.communicate()[0].strip() for pr in procs]
        self.assertEqual([pr.returncode for pr in procs], [0] * 4)
        self.assertEqual(len(set(paths)), 4)
        with scry_usdt.Provider("t_fork") as p:
            r = p.probe("x", int)
            p.load()
            pid = os.fork()
            if pid == 0:
                r.fire(1)
                os._exit(0 if p.path == "/proc/%d/fd/%s" % (os.getpid(), p.path.rsplit("/", 1)[1])
                         else 1)
            self.assertEqual(os.waitpid(pid, 0)[1], 0)


if __name__ == "__main__":
    unittest.main()
