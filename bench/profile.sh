#!/bin/sh
# What profiling costs the profiled workload: a fixed amount of CPU work
# (build/fixtures/prof_chain WORK work: WORK x 10^8 loop iterations) timed
# alone, under 'scry profile -a -F 99', and under 'perf record -F 99 -g -a'.
# Runs alternate, ROUNDS times; the best (minimum) of each is compared, as
# the machine may be busy with other work.  Wall time and the workload's
# own CPU time (user + sys, where the sampling interrupt is charged) are
# both shown.  Needs root; run 'make fixtures' first.
#
#   sh bench/profile.sh [ROUNDS] [WORK]
set -eu
cd "$(dirname "$0")/.."
O=${O:-build}
ROUNDS=${1:-5}
WORK=${2:-4}
W=$O/fixtures/prof_chain
SCRY=$O/scry
[ -x "$W" ] && [ -x "$SCRY" ] || { echo "run 'make fixtures' first" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# prints "wall cpu" of one run of the workload
timed() {
	python3 - "$W" "$WORK" <<'PY'
import os, resource, subprocess, sys, time
t = time.monotonic()
subprocess.run([sys.argv[1], sys.argv[2], "work"], check=True)
wall = time.monotonic() - t
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.4f %.4f" % (wall, r.ru_utime + r.ru_stime))
PY
}

under() {	# command...: the workload timed while the profiler runs system-wide
	"$@" >/dev/null 2>"$TMP/err" &
	pid=$!
	sleep 1
	timed
	kill -INT $pid
	wait $pid || true
}

has_perf=no
command -v perf >/dev/null && has_perf=yes
: > "$TMP/base"; : > "$TMP/scry"; : > "$TMP/perf"
i=0
while [ $i -lt "$ROUNDS" ]; do
	timed >> "$TMP/base"
	under "$SCRY" profile -a -F 99 -o "$TMP/out.folded" >> "$TMP/scry"
	if [ $has_perf = yes ]; then
		under perf record -F 99 -g -a -o "$TMP/perf.data" >> "$TMP/perf"
	fi
	i=$((i + 1))
done

python3 - "$TMP" "$has_perf" "$ROUNDS" "$WORK" <<'PY'
import sys
d, has_perf, rounds, work = sys.argv[1], sys.argv[2] == "yes", sys.argv[3], sys.argv[4]
def rows(name):
    return [tuple(map(float, l.split())) for l in open(d + "/" + name) if l.strip()]
def best(name):
    r = rows(name)
    return min(x[0] for x in r), min(x[1] for x in r)
def median_cpu(name):
    v = sorted(x[1] for x in rows(name))
    return v[len(v) // 2]
b = best("base")
print("workload: prof_chain %s work (%s x 10^8 iterations), best of %s rounds" % (work, work, rounds))
print("%-28s %8s %8s %10s %10s" % ("", "wall s", "cpu s", "wall ratio", "cpu ratio"))
print("%-28s %8.3f %8.3f %10s %10s" % ("alone", b[0], b[1], "1.000", "1.000"))
res = [("scry profile -a -F 99", best("scry"))]
if has_perf:
    res.append(("perf record -F 99 -g -a", best("perf")))
for name, r in res:
    print("%-28s %8.3f %8.3f %10.3f %10.3f" % (name, r[0], r[1], r[0] / b[0], r[1] / b[1]))
for name, f in [("alone", "base"), ("scry", "scry")] + ([("perf", "perf")] if has_perf else []):
    print("median cpu s, %-5s %.3f" % (name, median_cpu(f)))
s = res[0][1]
print("scry profile overhead on the workload: %+.2f%% wall, %+.2f%% cpu (goal: under 1%%)"
      % (100 * (s[0] / b[0] - 1), 100 * (s[1] / b[1] - 1)))
PY
