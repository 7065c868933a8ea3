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
# Also: scry's start-up step by step (SCRY_PHASES=1), each one-liner's BPF
# run time against a hand-written BPF C program for the same job
# (bench/hand/), and reading, sorting and printing maps of 10k-1M keys.
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
${CC:-cc} -O2 -Wall -Wextra -o "$out/firstev" bench/firstev.c
${CC:-cc} -O2 -Wall -Wextra -o "$out/bigmap" bench/bigmap.c
# the hand-written programs: vmlinux.h from this kernel's BTF, made here and
# not committed; clang -O2 -target bpf; one libbpf loader for all
bpftool btf dump file /sys/kernel/btf/vmlinux format c > "$out/vmlinux.h"
for f in bench/hand/*.bpf.c; do
	clang -O2 -g -target bpf -D__TARGET_ARCH_x86 -I"$out" -c "$f" -o "$out/$(basename "$f" .c).o"
done
${CC:-cc} -O2 -Wall -Wextra -o "$out/hand-loader" bench/hand/loader.c -lbpf
exec python3 bench/run.py "$SCRY" "$(command -v bpftrace)" "$out/spin" "$out/run.json"
