#!/bin/sh
# The command line itself: help, bad flags, exit statuses, -o.
. "$TOP/tests/lib.sh"

"$SCRY" --help > "$T_TMP/out" 2>&1
rc=$?
expect_eq "--help exits 0" 0 "$rc"
grep -q '^USAGE:' "$T_TMP/out" && pass "--help prints bpftrace's USAGE layout" || fail "--help prints bpftrace's USAGE layout"

for c in list info; do
	"$SCRY" $c --help > "$T_TMP/out" 2>&1
	expect_eq "scry $c --help exits 0" "0 usage: scry $c" "$? $(head -1 "$T_TMP/out" | cut -d' ' -f1-3)"
done

"$SCRY" list -f yaml > "$T_TMP/out" 2>&1
expect_eq "unknown format: one error, exit 1" "1 scry list: error: unknown output format 'yaml' (expected text or json)" \
	"$? $(head -1 "$T_TMP/out")"

"$SCRY" -p abc -l 'BEGIN' > "$T_TMP/out" 2>&1
expect_eq "bad pid: bpftrace's error, exit 1" "1 ERROR: pid 'abc' is not a valid decimal number" "$? $(head -1 "$T_TMP/out")"

"$SCRY" --no-such-flag > "$T_TMP/out" 2>&1
expect_eq "unknown flag: exit 1" 1 "$?"

"$SCRY" -o "$T_TMP/list.txt" -l 'BEGIN' > "$T_TMP/out" 2>&1
expect_eq "-o writes the listing to the file, nothing to stdout" "0 BEGIN " \
	"$? $(cat "$T_TMP/list.txt") $(cat "$T_TMP/out")"

"$SCRY" -o /nonexistent/dir/x -l 'BEGIN' > "$T_TMP/out" 2>&1
expect_eq "-o into a missing directory: one error, exit 1" \
	"1 scry: error: cannot write '/nonexistent/dir/x': No such file or directory" "$? $(head -1 "$T_TMP/out")"

"$SCRY" list a b > "$T_TMP/out" 2>&1
expect_eq "two patterns: exit 1" "1 scry list: error: one pattern at most" "$? $(head -1 "$T_TMP/out")"

if [ "$(id -u)" = 0 ]; then
	"$SCRY" list --summary > "$T_TMP/out" 2>&1
	n=$(awk '$1 == "tracepoint" { print $2 }' "$T_TMP/out")
	expect_eq "--summary counts the tracepoints" "$("$SCRY" -l 'tracepoint:*' | wc -l)" "$n"
	"$SCRY" list --summary -f json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["BEGIN"]["probes"], d["tracepoint"]["available"])' > "$T_TMP/out" 2>&1
	expect_eq "--summary -f json parses" "1 True" "$(cat "$T_TMP/out")"
else
	skip "--summary" "needs root"
fi
