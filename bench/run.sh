#!/bin/sh
# scry against bpftrace, all from one run, as a table of ratios: wall time
# of 'BEGIN { exit(); }', exec to first event, peak RSS, overhead per event
# on raw_syscalls:sys_enter under a getppid() loop, and BPF instruction
# counts of ten one-liners.  Prints the table and writes build/bench/run.json
# (and build/bench/xlated/: both tools' programs as the kernel holds them).
# Not part of 'make check'; takes about two minutes.  Needs root.
#
#   sh bench/run.sh             (installs bpftrace, hyperfine, time if missing)
#   ONLY='time rss overhead insns' EVENTS=3000000 ROUNDS=7 sh bench/run.sh
#
# Goals (issue: bench): 50x faster to start and to the first event, a
# twentieth of the RSS, half of bpftrace's overhead per event, no more
# instructions than bpftrace one-liner by one-liner.
set -eu
cd "$(dirname "$0")/.."
O=${O:-build}
SCRY=${SCRY:-$O/scry}
[ "$(id -u)" = 0 ] || { echo "bench/run.sh needs root" >&2; exit 1; }
[ -x "$SCRY" ] || make -s -j"$(nproc)"
need=
command -v hyperfine >/dev/null || need="$need hyperfine"
command -v bpftrace >/dev/null || need="$need bpftrace"
command -v bpftool >/dev/null || need="$need bpftool"
[ -x /usr/bin/time ] || need="$need time"
if [ -n "$need" ]; then
	apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
fi
out=$O/bench
mkdir -p "$out"
${CC:-cc} -O2 -Wall -Wextra -o "$out/spin" bench/spin.c
exec python3 bench/run.py "$SCRY" "$(command -v bpftrace)" "$out/spin" "$out/run.json"
