#!/bin/sh
# What counting costs the counted program: scry stat against perf stat, in
# one run, on a getppid() loop, above the noise.
#
#   sh bench/stat.sh                 (as root; N=1000000 calls, R=15 rounds)
#   N=2000000 R=30 sh bench/stat.sh
#
# Part 1, the loop's own clock (tests/fixtures/getppid_loop with
# GETPPID_LOOP_TIME: its loop's wall and CPU time, start-up and the tool's
# reading left out): R rounds of each of bare / scry stat / perf stat,
# interleaved so that a change in the machine's load hits all three; the
# median and the spread (min-max) per call, and the added cost as median
# minus the bare median.  Counted events: one tracepoint counter
# (syscalls:sys_enter_getppid, which fires on every call), then the default
# set (software counters, which do not).
# Part 2, hyperfine over the whole command (start-up, counting, printing).
# Ratios are perf / scry: higher is better for scry.
set -eu
N=${N:-1000000}
R=${R:-15}
O=${O:-build}
[ -x "$O/scry" ] || make -j2 >/dev/null
[ -x "$O/fixtures/getppid_loop" ] || make fixtures >/dev/null
SCRY=$(cd "$O" && pwd)/scry
F=$(cd "$O" && pwd)/fixtures/getppid_loop
command -v perf >/dev/null || { echo "bench/stat.sh: needs perf" >&2; exit 1; }

echo "scry stat vs perf stat, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$N" "$R" "$SCRY" "$F" "$(cd "$(dirname "$0")" && pwd)" <<'PY'
import re, statistics, sys
sys.path.insert(0, sys.argv[-1])
from trace_rounds import run_rounds
n, rounds, scry, fix = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
tp = "syscalls:sys_enter_getppid"
tools = [
    ("bare", [fix, str(n)]),
    ("scry stat -e " + tp, [scry, "stat", "-e", tp, "-o", "/dev/null", "--", fix, str(n)]),
    ("perf stat -e " + tp, ["perf", "stat", "-e", tp, "-o", "/dev/null", "--", fix, str(n)]),
    ("scry stat (default set)", [scry, "stat", "-o", "/dev/null", "--", fix, str(n)]),
    ("perf stat (default set)", ["perf", "stat", "-o", "/dev/null", "--", fix, str(n)]),
]
wall, cpu = run_rounds(tools, rounds, n)
med = lambda v: statistics.median(v)
print(f"getppid() loop of {n} calls, {rounds} interleaved rounds; ns per call, median (min-max)")
print(f"{'':40} {'wall':>22} {'cpu':>22} {'added wall':>11} {'added cpu':>10}")
for t, _ in tools:
    aw = med(wall[t]) - med(wall["bare"])
    ac = med(cpu[t]) - med(cpu["bare"])
    print(f"{t:40} {med(wall[t]):7.1f} ({min(wall[t]):5.1f}-{max(wall[t]):6.1f}) "
          f"{med(cpu[t]):7.1f} ({min(cpu[t]):5.1f}-{max(cpu[t]):6.1f}) {aw:11.1f} {ac:10.1f}")
def ratio(a, b):
    return "n/a" if b <= 0 else f"{a / b:.2f}x"
for what in ("-e " + tp, "(default set)"):
    s, p = "scry stat " + what, "perf stat " + what
    # the spread of the bare loop: what an added cost must exceed to be seen
    noise = statistics.pstdev(cpu["bare"])
    print(f"ratio perf/scry, added cpu per call, {what}: "
          f"{ratio(med(cpu[p]) - med(cpu['bare']), med(cpu[s]) - med(cpu['bare']))} "
          f"(scry +{med(cpu[s]) - med(cpu['bare']):.1f} ns, perf +{med(cpu[p]) - med(cpu['bare']):.1f} ns, "
          f"bare loop's stdev {noise:.1f} ns)")
PY
if command -v hyperfine >/dev/null 2>&1; then
	echo
	echo "whole command (start-up, counting, output), hyperfine:"
	hyperfine -N -w 2 -r "$R" -u millisecond --style basic \
		"$F $N" \
		"$SCRY stat -e syscalls:sys_enter_getppid -o /dev/null -- $F $N" \
		"perf stat -e syscalls:sys_enter_getppid -o /dev/null -- $F $N" 2>&1 |
		grep -E 'Benchmark|Time|±' | sed 's/^ *//'
fi
