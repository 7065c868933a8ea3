#!/bin/sh
# scry serve under load (bench/serve.py does the measuring):
#   1. scrape latency of /metrics for a map of 1k, 10k and 100k keys
#      (sequential scrapes, median and p90, bytes per answer);
#   2. the load test: 50 concurrent scrapes every second for 30 s against
#      the 10k-key map: failed scrapes, scry's RSS over the run, and the
#      traced program's cost per event (bpf_stats run time / run count of
#      a getppid() probe, and the workload's own ns per call) with no
#      scrapes and under the load.
# There is no peer in Debian for this (ebpf_exporter is not packaged), so
# the figures compare scry with itself: idle against loaded.
# Needs root; run 'make fixtures' first.  127.0.0.1 only.
#
#   sh bench/serve.sh [LOAD_SECONDS] [CONCURRENCY]
set -eu
cd "$(dirname "$0")/.."
O=${O:-build}
SCRY=$O/scry
[ -x "$SCRY" ] && [ -x "$O/fixtures/sysfix" ] || { echo "run 'make fixtures' first" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cp "$O/fixtures/sysfix" "$TMP/keyfix"		# comm "keyfix": writes of sizes 1..N
${CC:-cc} -O2 -Wall -Wextra -o "$TMP/servespin" bench/spin.c	# comm "servespin"
exec python3 bench/serve.py "$SCRY" "$TMP" "${1:-30}" "${2:-50}"
