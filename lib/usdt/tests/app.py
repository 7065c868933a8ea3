#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# The e2e tests' Python program (tests/e2e/usdt_dynamic.sh): provider "app",
# probe request(int64, str), driven by one command a line on stdin:
#   enabled        print "enabled: True|False"
#   fire N         fire request(i, KEYS[i % 3]) for i in 0..N-1, print "fired N"
#   spin           fire until the next command arrives (a thread), print "spinning"
#   add NAME       unload, add probe NAME(int32), load again, print "added NAME"
#   exit           unload, print "bye", exit 0
# It prints "ready PID PATH" once loaded.
import os
import sys
import threading

import scry_usdt

KEYS = ("GET /", "POST /api", "DELETE /x")

p = scry_usdt.Provider("app")
req = p.probe("request", int, str)
p.load()
print("ready", os.getpid(), p.path, flush=True)
spinning = None
stop = threading.Event()


def spin():
    i = 0
    while not stop.is_set():
        req.fire(i, KEYS[i % 3])
        i += 1


for line in sys.stdin:
    cmd = line.split()
    if spinning:
        stop.set()
        spinning.join()
        spinning = None
        stop.clear()
    if not cmd:
        continue
    if cmd[0] == "enabled":
        print("enabled:", req.enabled, flush=True)
    elif cmd[0] == "fire":
        n = int(cmd[1])
        for i in range(n):
            if req.enabled:
                req.fire(i, KEYS[i % 3])
        print("fired", n, flush=True)
    elif cmd[0] == "spin":
        spinning = threading.Thread(target=spin)
        spinning.start()
        print("spinning", flush=True)
    elif cmd[0] == "add":
        p.unload()
        p.probe(cmd[1], "int32")
        p.load()
        print("added", cmd[1], p.path, flush=True)
    elif cmd[0] == "exit":
        break
p.unload()
print("bye", flush=True)
