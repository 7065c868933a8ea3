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
