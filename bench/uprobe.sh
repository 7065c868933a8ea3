#!/bin/sh
# Uprobes: (1) how long attaching a wildcard over every libc function takes
# (one uprobe_multi link where the kernel has it), start to exit, for
#     scry -e 'uprobe:libc:* { @ = count(); } BEGIN { exit(); }'
# and (2) what one uprobe hit costs the traced program, scry next to
# bpftrace: build/fixtures/uprobe_fix N calls ufix_add() N times; it is
# timed alone and while each tool counts ufix_add system-wide
# ('uprobe:BIN:ufix_add { @ = count(); }').  The per-hit cost is the extra
# time over N.  Rounds alternate; the best (minimum) of each is kept.
# Needs root; run 'make fixtures' first.
#
#   sh bench/uprobe.sh [ROUNDS] [N]
set -eu
cd "$(dirname "$0")/.."
O=${O:-build}
ROUNDS=${1:-3}
N=${2:-1000000}
SCRY=$(pwd)/$O/scry
W=$(pwd)/$O/fixtures/uprobe_fix
[ -x "$W" ] && [ -x "$SCRY" ] || { echo "run 'make fixtures' first" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

now() { date +%s.%N; }
min() { sort -g | head -1; }

# ---- 1. attaching a wildcard over libc ----
nfun=$("$SCRY" -l 'uprobe:libc:*' | wc -l)
for r in $(seq "$ROUNDS"); do
	t0=$(now)
	"$SCRY" -e 'uprobe:libc:* { @ = count(); } BEGIN { exit(); }' > "$TMP/a.out" 2>&1
	t1=$(now)
	echo "$t1 - $t0" | bc
done | min > "$TMP/attach"
grep -q '^Attaching' "$TMP/a.out" || { echo "scry failed:"; cat "$TMP/a.out"; exit 1; }
printf 'attach uprobe:libc:* (%d functions, %s): %.3f s start to exit (best of %d)\n' "$nfun" \
	"$("$SCRY" info 2>/dev/null | grep -o 'uprobe_multi: [a-z]*' || echo 'uprobe_multi: ?')" \
	"$(cat "$TMP/attach")" "$ROUNDS"

# ---- 2. cost of a hit ----
alone() { t0=$(now); "$W" "$N" > /dev/null; t1=$(now); echo "$t1 - $t0" | bc; }

# traced TOOL...: time the workload while TOOL counts ufix_add
traced() {
	"$@" > "$TMP/t.out" 2>&1 &
	tp=$!
	for i in $(seq 300); do grep -q '^Attaching' "$TMP/t.out" && break; sleep 0.1; done
	grep -q '^Attaching' "$TMP/t.out" || { kill -INT $tp; wait $tp; echo "failed: $*" >&2; cat "$TMP/t.out" >&2; return 1; }
	sleep 0.2
	alone
	kill -INT $tp
	wait $tp || true
	grep -q "^@: $N\$" "$TMP/t.out" || { echo "wrong count from $1:" >&2; cat "$TMP/t.out" >&2; return 1; }
}

PROG="uprobe:$W:ufix_add { @ = count(); }"
: > "$TMP/alone"; : > "$TMP/scry"; : > "$TMP/bpftrace"
have_bt=false
command -v bpftrace > /dev/null && have_bt=true
for r in $(seq "$ROUNDS"); do
	alone >> "$TMP/alone"
	traced "$SCRY" -e "$PROG" >> "$TMP/scry"
	if $have_bt; then traced bpftrace -e "$PROG" >> "$TMP/bpftrace" || have_bt=false; fi
done
a=$(min < "$TMP/alone")
s=$(min < "$TMP/scry")
printf 'uprobe_fix %d alone:          %.3f s\n' "$N" "$a"
ps=$(echo "($s - $a) * 1000000000 / $N" | bc -l)
printf 'under scry:     %.3f s  -> %.0f ns per hit\n' "$s" "$ps"
if $have_bt && [ -s "$TMP/bpftrace" ]; then
	b=$(min < "$TMP/bpftrace")
	pb=$(echo "($b - $a) * 1000000000 / $N" | bc -l)
	printf 'under bpftrace: %.3f s  -> %.0f ns per hit\n' "$b" "$pb"
	printf 'scry / bpftrace per-hit cost: %.2f\n' "$(echo "$ps / $pb" | bc -l)"
else
	echo "bpftrace: not installed or failed, no comparison"
fi
