# SPDX-License-Identifier: GPL-2.0
# bench/usdt-dynamic.sh's Python side: the same rows as usdt-dynamic.c.
#   python3 usdt-dynamic.py N_UNTRACED N_TRACED ROUNDS
import os
import sys
import time

import scry_usdt

n, nt, rounds = (int(a) for a in sys.argv[1:4])
p = scry_usdt.Provider("app")
req = p.probe("request", int, str)
p.load()


def plain(a, s):
    pass


def best(label, fn, count):
    b = min(fn(count) for _ in range(rounds))
    print("%-32s %10.2f ns/call" % (label, b * 1e9 / count), flush=True)


def t_plain(count):
    t = time.perf_counter()
    for i in range(count):
        plain(i, "GET /")
    return time.perf_counter() - t


def t_guarded(count):
    t = time.perf_counter()
    for i in range(count):
        if req.enabled:
            req.fire(i, "GET /")
    return time.perf_counter() - t


def t_fire(count):
    t = time.perf_counter()
    for i in range(count):
        req.fire(i, "GET /")
    return time.perf_counter() - t


best("Python plain function call", t_plain, n)
best("Python disabled, if enabled: fire", t_guarded, n)
best("Python disabled, fire anyway", t_fire, n)
print("waiting", os.getpid(), flush=True)
sys.stdin.readline()
while not req.enabled:
    pass
best("Python enabled (traced), fire", t_guarded, nt)
p.unload()
