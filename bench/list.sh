#!/bin/sh
# Probe listing: scry against bpftrace, in the same run, as ratios.
#
#   sh bench/list.sh            (as root; installs bpftrace and hyperfine if missing)
#
# Goals (issue: probe catalogue): all tracepoints under 100 ms, every
# function of libc under 200 ms.
set -eu
cd "$(dirname "$0")/.."
O=${O:-build}
SCRY=${SCRY:-$O/scry}
[ -x "$SCRY" ] || make -s -j"$(nproc)"
need=
command -v hyperfine >/dev/null || need="$need hyperfine"
command -v bpftrace >/dev/null || need="$need bpftrace"
if [ -n "$need" ]; then
	apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
fi
out=$O/bench
mkdir -p "$out"

run() {	# name, pattern
	name=$1
	pat=$2
	printf '\n== %s: -l %s\n' "$name" "$pat"
	printf '   probes: scry %s, bpftrace %s\n' \
		"$("$SCRY" -l "$pat" 2>/dev/null | wc -l)" "$(bpftrace -l "$pat" 2>/dev/null | wc -l)"
	hyperfine -N -w 3 -r 20 --export-json "$out/list-$name.json" \
		-n scry "$SCRY -l '$pat'" -n bpftrace "bpftrace -l '$pat'" 2>/dev/null |
		grep -E 'Time|±|faster|scry|bpftrace' || true
	python3 - "$out/list-$name.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
s, b = r["scry"]["median"] * 1000, r["bpftrace"]["median"] * 1000
print(f"   median: scry {s:.1f} ms, bpftrace {b:.1f} ms, ratio bpftrace/scry {b / s:.1f}x")
PY
}

run tracepoints 'tracepoint:*'
run libc 'uprobe:/lib/x86_64-linux-gnu/libc.so.6:*'
run sched 'tracepoint:sched:*'
