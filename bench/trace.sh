#!/bin/sh
# What tracing a system call costs the traced program: scry trace against
# strace -f and perf trace, and scry stat against perf stat, in one run.
#
#   sh bench/trace.sh                 (as root) N=200000 getppid() calls, R=5 rounds
#   N=1000000 R=9 sh bench/trace.sh
#   OLD=/path/to/old/scry sh bench/trace.sh   also an older scry trace, for an A/B
#
# The load is tests/fixtures/getppid_loop: N getppid() calls, nothing else,
# timing its own loop (GETPPID_LOOP_TIME: wall and CPU time of the loop;
# start-up, attach and the tracer's drain after the load's end are not
# counted).  The tools run in turn, round after round, so that a change in
# the machine's load hits them all.  The cost per call is the loop's median
# time per call under the tool minus the bare loop's median.  "wall" is what
# the traced program waits (strace's stops, the tracer's own CPU taking a
# CPU from the program on a small machine); "cpu" is the program's own CPU
# (the BPF programs run in it).  Every tracer writes its output to a file in
# /tmp.  Ratios are PEER / scry: higher is better for scry.
set -eu
N=${N:-200000}
R=${R:-${ROUNDS:-5}}
O=${O:-build}
[ -x "$O/scry" ] || make -j2 >/dev/null
[ -x "$O/fixtures/getppid_loop" ] || make fixtures >/dev/null
SCRY=$(cd "$O" && pwd)/scry
F=$(cd "$O" && pwd)/fixtures/getppid_loop
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
PT=perf
perf trace -o "$TMP/p.out" true >/dev/null 2>&1 || PT=

echo "cost per traced getppid() call, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$N" "$R" "$SCRY" "$F" "$TMP" "$PT" "$(cd "$(dirname "$0")" && pwd)" <<'PY'
import os, re, statistics, sys
sys.path.insert(0, sys.argv[-1])
from trace_rounds import bpf_stats, run_rounds
n, rounds, scry, fix, tmp, pt = int(sys.argv[1]), int(sys.argv[2]), *sys.argv[3:7]
tp = "syscalls:sys_enter_getppid"
tools = [
    ("bare", [fix, str(n)]),
    ("scry trace", [scry, "trace", "-o", tmp + "/scry.out", "--", fix, str(n)]),
    ("strace -f", ["strace", "-f", "-o", tmp + "/strace.out", fix, str(n)]),
]
if os.environ.get("OLD"):
    tools.append(("scry trace (OLD)", [os.environ["OLD"], "trace", "-o", tmp + "/old.out", "--", fix, str(n)]))
if pt:
    tools.append(("perf trace", ["perf", "trace", "-o", tmp + "/perf.out", fix, str(n)]))
tools += [
    ("scry stat -e " + tp, [scry, "stat", "-e", tp, "-o", tmp + "/s.out", "--", fix, str(n)]),
    ("perf stat -e " + tp, ["perf", "stat", "-e", tp, "-o", tmp + "/ps.out", "--", fix, str(n)]),
]
lines, lost = [], []
def count(t, p):
    if t == "scry trace":
        lines.append(sum(1 for l in open(tmp + "/scry.out") if " getppid()" in l))
        m = re.findall(rb"(\d+) events lost in all", p.stderr)
        lost.append(int(m[-1]) if m else 0)
wall, cpu = run_rounds(tools, rounds, n, count)
med = statistics.median
add = lambda d, t: med(d[t]) - med(d["bare"])
print(f"N={n} calls, {rounds} rounds; ns per call, median (min-max)")
print(f"{'':40} {'wall':>22} {'cpu':>22} {'added wall':>11} {'added cpu':>10}")
for t, _ in tools:
    print(f"{t:40} {med(wall[t]):7.1f} ({min(wall[t]):6.1f}-{max(wall[t]):7.1f}) "
          f"{med(cpu[t]):7.1f} ({min(cpu[t]):6.1f}-{max(cpu[t]):7.1f}) {add(wall, t):11.1f} {add(cpu, t):10.1f}")
def ratio(d, a, b):
    if a not in d or b not in d or add(d, b) <= 0:
        return "n/a"
    return f"{add(d, a) / add(d, b):.1f}x"
print()
print(f"{'ratio of added cost (peer / scry)':44} {'wall':>8} {'cpu':>8}  goal")
for peer, us, goal in (("strace -f", "scry trace", ">= 100x"), ("perf trace", "scry trace", ">= 1x"),
                       ("perf stat -e " + tp, "scry stat -e " + tp, ">= 1x")):
    print(f"{peer + ' / ' + us:44} {ratio(wall, peer, us):>8} {ratio(cpu, peer, us):>8}  {goal}")
print()
print(f"scry trace: getppid lines printed per round {lines} of {n}; events lost (reported) {lost}")
st = bpf_stats([scry, "trace", "-o", tmp + "/scry.out", "--", fix, str(n), "400"])
if st:
    # the two programs run most: raw_syscalls sys_enter and sys_exit (every process's calls)
    top = sorted(st, key=lambda x: -x[2])[:2]
    per = [ns / cnt for _, _, cnt, ns in top]
    print(f"scry trace's BPF programs (bpf_stats over one run, every call on the machine, "
          f"{n} of them traced): sys_enter/sys_exit {per[0]:.0f} + {per[1]:.0f} = {sum(per):.0f} ns per call "
          f"({top[0][2]} and {top[1][2]} runs)")
PY
