#!/bin/sh
# What tracing a system call costs the traced program: scry trace against
# strace -f and perf trace, and scry stat against perf stat, in one run.
#
#   sudo sh bench/trace.sh            N=200000 getppid() calls by default
#   N=1000000 sh bench/trace.sh
#
# The load is tests/fixtures/getppid_loop: N getppid() calls, nothing else,
# timing its own loop.  The cost per call is that loop's time per call under
# the tool minus the bare loop's (best of ROUNDS each).  Every tracer writes
# its output to a file in /tmp.  Prints one table; ratios are PEER / scry,
# higher is better for scry.
set -eu
N=${N:-200000}
export N
ROUNDS=${ROUNDS:-3}
O=${O:-build}
[ -x "$O/scry" ] || make -j2 >/dev/null
[ -x "$O/fixtures/getppid_loop" ] || make fixtures >/dev/null
SCRY=$(cd "$O" && pwd)/scry
F=$(cd "$O" && pwd)/fixtures/getppid_loop
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# cost TOOL-ARGS...: ns per call the load's own loop took under the tool (best of ROUNDS;
# {} is the call count).  The load measures itself (GETPPID_LOOP_TIME): start-up,
# attach and the tracer's drain after the load's end are not counted.
cost() {
	python3 - "$ROUNDS" "$N" "$@" <<'PY'
import os, re, subprocess, sys
rounds, n = int(sys.argv[1]), int(sys.argv[2])
cmd = [a.replace("{}", str(n)) for a in sys.argv[3:]]
env = dict(os.environ, GETPPID_LOOP_TIME="1")
best = None
for _ in range(rounds):
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, check=True)
    ns = [int(x) for x in re.findall(rb"^ns (\d+)$", p.stderr, re.M)]
    if ns:
        best = ns[-1] if best is None else min(best, ns[-1])
print("%.1f" % (best / n) if best is not None else "n/a")
PY
}
sub() { python3 -c "import sys; a,b=sys.argv[1],sys.argv[2]; print('n/a' if 'n/a' in (a,b) else '%.1f' % (float(a)-float(b)))" "$1" "$2"; }

bare=$(cost "$F" "{}")
c_st=$(sub "$(cost "$SCRY" trace -o "$TMP/scry.out" -- "$F" "{}")" "$bare")
c_strace=$(sub "$(cost strace -f -o "$TMP/strace.out" "$F" "{}")" "$bare")
if perf trace -o "$TMP/p.out" true >/dev/null 2>&1; then
	c_pt=$(sub "$(cost perf trace -o "$TMP/perf.out" "$F" "{}")" "$bare")
else
	c_pt=n/a
fi
c_ss=$(sub "$(cost "$SCRY" stat -e syscalls:sys_enter_getppid -o "$TMP/s.out" -- "$F" "{}")" "$bare")
c_ps=$(sub "$(cost perf stat -e syscalls:sys_enter_getppid -o "$TMP/ps.out" -- "$F" "{}")" "$bare")
ratio() { python3 -c "import sys; a,b=sys.argv[1],sys.argv[2]; print('n/a' if 'n/a' in (a,b) or float(b)<=0 else '%.1fx' % (float(a)/float(b)))" "$1" "$2"; }

echo "cost per traced getppid() call, N=$N, best of $ROUNDS ($(uname -r), $(nproc) CPUs)"
printf '%-28s %12s\n' "bare getppid()" "$bare"
printf '%-28s %12s\n' "tool (added cost)" "ns/call"
printf '%-28s %12s\n' "scry trace" "$c_st"
printf '%-28s %12s\n' "strace -f" "$c_strace"
printf '%-28s %12s\n' "perf trace" "$c_pt"
printf '%-28s %12s\n' "scry stat (tracepoint)" "$c_ss"
printf '%-28s %12s\n' "perf stat (tracepoint)" "$c_ps"
echo
printf '%-40s %10s  %s\n' "ratio" "value" "goal"
printf '%-40s %10s  %s\n' "strace -f / scry trace" "$(ratio "$c_strace" "$c_st")" ">= 100x"
printf '%-40s %10s  %s\n' "perf trace / scry trace" "$(ratio "$c_pt" "$c_st")" ">= 1x"
printf '%-40s %10s  %s\n' "perf stat / scry stat" "$(ratio "$c_ps" "$c_ss")" ">= 1x"
n=$(grep -c getppid "$TMP/scry.out" || true)
echo
echo "scry trace printed $n getppid lines of $N"
