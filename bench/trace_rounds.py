# SPDX-License-Identifier: GPL-2.0
"""Shared by bench/trace.sh and bench/stat.sh: run a getppid loop under each
tool in turn, round after round, and collect the loop's own time per call."""
import os
import re
import subprocess

ENV = dict(os.environ, GETPPID_LOOP_TIME="1")


def run_rounds(tools, rounds, n, after=None):
    """tools: [(label, argv)]; after(label, completed process) per run.
    Returns ({label: [wall ns per call]}, {label: [cpu ns per call]})."""
    wall = {t: [] for t, _ in tools}
    cpu = {t: [] for t, _ in tools}
    for _ in range(rounds):
        for t, cmd in tools:
            p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV, check=True)
            w = re.findall(rb"^ns (\d+)$", p.stderr, re.M)
            c = re.findall(rb"^cpu_ns (\d+)$", p.stderr, re.M)
            wall[t].append(int(w[-1]) / n)
            cpu[t].append(int(c[-1]) / n)
            if after:
                after(t, p)
    return wall, cpu


def bpf_stats(cmd):
    """The BPF programs that appeared while cmd ran: [(id, name, run_cnt,
    run_time_ns)], from the kernel's statistics (BPF_ENABLE_STATS, bench/run.py's
    way: on while the fd is open).  cmd should outlive its load a little (the
    fixture's sleep argument) so that the last look sees the whole run.
    None when the statistics cannot be enabled."""
    import ctypes
    import json
    import time
    # bpf(BPF_ENABLE_STATS = 32, {type = BPF_STATS_RUN_TIME}, 16): __NR_bpf is 321 on x86_64
    fd = ctypes.CDLL(None, use_errno=True).syscall(321, 32, ctypes.create_string_buffer(16), 16)
    if fd < 0:
        return None
    try:
        ls = lambda: {p["id"]: p for p in json.loads(subprocess.run(
            ["bpftool", "prog", "show", "-j"], capture_output=True, text=True).stdout or "[]")}
        before = set(ls())
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
        last = {}
        while p.poll() is None:
            now = ls()
            cur = {i: x for i, x in now.items() if i not in before and x.get("run_cnt")}
            if cur:
                last = cur
            time.sleep(0.05)
        return [(i, x.get("name"), x["run_cnt"], x["run_time_ns"]) for i, x in sorted(last.items())]
    finally:
        os.close(fd)
