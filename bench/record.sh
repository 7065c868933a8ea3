#!/bin/sh
# scry record against perf record (and trace-cmd record where it runs) on the
# same tracepoint in the same run: syscalls:sys_enter_getppid while the
# fixture build/fixtures/ppidloop N makes exactly N getppid() calls on one
# CPU.  For each tool: whether all N events were recorded (zero loss), the
# events per second recorded (N / the workload's time), and the cost per
# event to the workload (its ns per call traced minus alone, as the fixture
# itself measures it: the tools' start and file writing are not counted).
# Rounds alternate between the tools; the best (minimum) of each is kept.
# Needs root; run 'make fixtures' first.
#
# A BPF program another process attaches through perf to the same
# tracepoint makes the kernel drop perf samples (perf_syscall_enter): the
# script says so when it sees one.
#
#   sh bench/record.sh [ROUNDS] [N]
set -eu
cd "$(dirname "$0")/.."
O=${O:-build}
ROUNDS=${1:-3}
N=${2:-1000000}
SCRY=$(pwd)/$O/scry
W=$(pwd)/$O/fixtures/ppidloop
EV=syscalls:sys_enter_getppid
[ -x "$W" ] && [ -x "$SCRY" ] || { echo "run 'make fixtures' first" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
BUF_KB=65536	# per CPU: N events of ~16 bytes fit, so a loss is the consumer's

min() { sort -g | head -1; }
nspc() { sed -n 's/.*ns_per_call=\([0-9.]*\).*/\1/p' "$1"; }

# run NAME CMD...: one traced run; appends "ns_per_call recorded" to $TMP/NAME
run() {
	name=$1
	shift
	"$@" > "$TMP/out" 2> "$TMP/err" || { echo "$name failed: $(tail -n 2 "$TMP/err")" >&2; return 1; }
	case $name in
	scry_*) rec=$(sed -n 's/^scry record: \([0-9]*\) events, .*/\1/p' "$TMP/err") ;;
	perf) rec=$(perf report -i "$TMP/p.data" --stats 2>/dev/null | sed -n 's/^ *SAMPLE events: *\([0-9]*\).*/\1/p' | head -1) ;;
	trace-cmd) rec=$(trace-cmd report -i "$TMP/t.dat" 2>/dev/null | grep -c sys_enter_getppid) ;;
	esac
	echo "$(nspc "$TMP/out") ${rec:-0}" >> "$TMP/$name"
}

tc_ok=false
if command -v trace-cmd > /dev/null; then
	if trace-cmd record -e $EV -o "$TMP/t.dat" -- true > "$TMP/tc" 2>&1; then
		tc_ok=true
	else
		echo "trace-cmd record cannot run here: $(tail -n 1 "$TMP/tc" | sed 's/^ *//')"
	fi
fi
if bpftool perf show 2>/dev/null | grep -q "tracepoint  sys_enter_getppid\$"; then
	echo "warning: another process has a BPF program on sys_enter_getppid: perf samples are dropped"
fi
: > "$TMP/alone"
for r in $(seq "$ROUNDS"); do
	"$W" "$N" > "$TMP/out" && nspc "$TMP/out" >> "$TMP/alone"
	run scry_ftrace "$SCRY" record --backend ftrace -b $BUF_KB -e $EV -o "$TMP/s.dat" -- "$W" "$N"
	run scry_perf "$SCRY" record --backend perf -b $BUF_KB -e $EV -o "$TMP/s.dat" -- "$W" "$N"
	run perf perf record -q -m $((BUF_KB / 4)) -e $EV -o "$TMP/p.data" -- "$W" "$N"
	if $tc_ok; then
		run trace-cmd trace-cmd record -q -b $BUF_KB -e $EV -o "$TMP/t.dat" -- "$W" "$N"
	fi
	rm -f "$TMP/s.dat" "$TMP/p.data" "$TMP/t.dat"
done
a=$(min < "$TMP/alone")
printf 'ppidloop %d getppid() calls, alone: %.1f ns per call (best of %d)\n' "$N" "$a" "$ROUNDS"
printf '%-12s %10s %14s %16s %12s\n' tool recorded "zero loss" "events/s" "ns/event"
for t in scry_ftrace scry_perf perf trace-cmd; do
	[ -s "$TMP/$t" ] || continue
	best=$(sort -g "$TMP/$t" | head -1)
	ns=${best% *}
	rec=$(sort -g "$TMP/$t" | awk '{ print $2 }' | sort -n | head -1)
	zero=no
	[ "$rec" = "$N" ] && zero=yes
	eps=$(echo "1000000000 / $ns" | bc)
	cost=$(echo "$ns - $a" | bc -l)
	printf '%-12s %10s %14s %16s %12.1f\n' "$t" "$rec" "$zero" "$eps" "$cost"
	echo "$cost" > "$TMP/cost_$t"
done
p=$(cat "$TMP/cost_perf" 2>/dev/null || echo 0)
for t in scry_ftrace scry_perf; do
	[ -s "$TMP/cost_$t" ] || continue
	if [ "$(echo "$p > 0" | bc)" = 1 ]; then
		printf '%s / perf record, cost per event: %.2f\n' "$t" "$(echo "$(cat "$TMP/cost_$t") / $p" | bc -l)"
	fi
done
