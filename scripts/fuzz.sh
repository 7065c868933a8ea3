#!/bin/sh
# Build the libFuzzer targets (make fuzz) and run each for N seconds over its
# seed corpus (fuzz/corpus/NAME), new inputs going to a scratch directory.
# Exits non-zero when a target crashes; the crashing input is kept in
# $O/fuzz-out/NAME/ (crash-*, leak-*, timeout-*).
#
#   sh scripts/fuzz.sh [SECONDS] [TARGET...]       default: 60 s, every target
set -eu
cd "$(dirname "$0")/.."
O=${O:-build}
secs=${1:-60}
[ $# -gt 0 ] && shift
make -s O="$O" fuzz
targets=${*:-$(ls fuzz/*.c | sed 's|fuzz/||; s|\.c$||')}
status=0
for t in $targets; do
	out=$O/fuzz-out/$t
	mkdir -p "$out/corpus" fuzz/corpus/"$t"
	if "$O/fuzz/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$out/" "$out/corpus" fuzz/corpus/"$t" > "$out/log" 2>&1; then
		echo "fuzz: $t: $(grep -E '^#[0-9]+' "$out/log" | tail -n 1 | awk '{ print $1, $3, $4, $5, $6, $7 }')"
	else
		echo "fuzz: $t: CRASHED, see $out/log and $out/crash-*" >&2
		grep -E 'ERROR|SUMMARY' "$out/log" | head -5 >&2
		status=1
	fi
done
exit $status
