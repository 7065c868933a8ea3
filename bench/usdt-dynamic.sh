#!/bin/sh
# Dynamic USDT (lib/usdt/): what firing a probe costs, per call, from C and
# from Python, next to a plain function call in the same run: a disabled
# probe behind its semaphore (the documented idiom), a disabled probe fired
# anyway, and an enabled one while scry traces it with
#     scry -p PID -e 'usdt:*:app:request { @ = count(); }'
# (each traced call is a uprobe hit and a BPF program run).  Every row is
# the best of ROUNDS; ratios are to the plain call of the same language.
# Needs root for the traced row; run 'make' first.
#
#   sh bench/usdt-dynamic.sh [ROUNDS] [N_UNTRACED] [N_TRACED]
set -eu
cd "$(dirname "$0")/.."
O=${O:-build}
ROUNDS=${1:-3}
N=${2:-5000000}
NT=${3:-200000}
SCRY=$(pwd)/$O/scry
LIB=$(pwd)/$O/lib
[ -x "$SCRY" ] && [ -f "$LIB/libscry-usdt.a" ] || { echo "run 'make' first" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
${CC:-cc} -O2 -Ilib/usdt -o "$TMP/usdt-dynamic" bench/usdt-dynamic.c "$LIB/libscry-usdt.a" -ldl

# run LABEL CMD...: the untraced rows, then the traced row under scry
run() {
	shift
	mkfifo "$TMP/in"
	"$@" < "$TMP/in" > "$TMP/out" 2>&1 &
	bp=$!
	exec 7>"$TMP/in"
	for i in $(seq 600); do grep -q '^waiting' "$TMP/out" && break; sleep 0.1; done
	pid=$(awk '/^waiting/ { print $2 }' "$TMP/out")
	"$SCRY" -p "$pid" -e 'usdt:*:app:request { @ = count(); }' > "$TMP/scry" 2>&1 &
	sp=$!
	for i in $(seq 100); do grep -q Attaching "$TMP/scry" && break; sleep 0.1; done
	echo go >&7
	exec 7>&-
	wait $bp
	kill -INT $sp
	wait $sp || true
	rm -f "$TMP/in"
	base=$(awk '/plain function call/ { print $(NF-1) }' "$TMP/out")
	grep -v '^waiting' "$TMP/out" | awk -v b="$base" '{ printf "%s  %6.1fx the plain call\n", $0, $(NF-1) / b }'
	echo "  (scry counted $(grep '^@' "$TMP/scry" | awk '{ print $2 }') traced fires)"
}

echo "# $(date -u +%FT%TZ) $(uname -r), best of $ROUNDS, $N untraced / $NT traced calls"
run C "$TMP/usdt-dynamic" "$N" "$NT" "$ROUNDS"
PYTHONPATH=$(pwd)/lib/usdt/python SCRY_USDT_LIB=$LIB/libscry-usdt.so.0 \
	run Python python3 bench/usdt-dynamic.py "$((N / 10))" "$((NT / 2))" "$ROUNDS"
