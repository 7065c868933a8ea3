#!/bin/sh
# How long the front end (lex, parse, check) takes on a 2,000-line script:
# 'scry --dry-run' on a generated program, timed by hyperfine.  Needs no root:
# tracepoints are typed from the format files in tests/lang/tracefs.
#
#   sh bench/parse.sh [LINES]          (after 'make')
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
SCRY=${SCRY:-$top/build/scry}
lines=${1:-2000}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/scry-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export SCRY_TRACEFS="$top/tests/lang/tracefs"

sh "$top/bench/gen-script.sh" "$lines" > "$tmp/big.bt"
echo "script: $(wc -l < "$tmp/big.bt") lines, $(wc -c < "$tmp/big.bt") bytes"
"$SCRY" --dry-run "$tmp/big.bt"	# must check cleanly before it is timed
if command -v hyperfine >/dev/null 2>&1; then
	hyperfine -N --warmup 5 --runs 50 "$SCRY --dry-run $tmp/big.bt"
else
	time "$SCRY" --dry-run "$tmp/big.bt"
fi
