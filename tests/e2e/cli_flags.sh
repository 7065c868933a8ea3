#!/bin/sh
# Every flag of bpftrace 0.17 (the list `bpftrace --help` prints), one row
# each: scry accepts it with bpftrace's behaviour, or refuses it with
# bpftrace's message.  Rows marked "same" run scry and the installed
# bpftrace with the same arguments and compare exit status, stdout, and for
# errors the first lines of stderr (program names aside); the other rows
# check scry's own behaviour exactly.
. "$TOP/tests/lib.sh"
need_root "bpftrace's flags"

P='BEGIN { printf("hi\n"); exit(); }'
if command -v bpftrace >/dev/null 2>&1; then
	BT=bpftrace
else
	BT=
	skip "comparisons with bpftrace" "bpftrace is not installed (scripts/setup.sh installs it)"
fi

# Every flag bpftrace --help lists is in scry's --help too.
if [ -n "$BT" ]; then
	$BT --help 2>&1 | sed -n 's/^    \(-[-A-Za-z]*\).*/\1/p' | sort -u > "$T_TMP/bt_flags"
	"$SCRY" --help > "$T_TMP/help" 2>&1
	missing=$(while read -r f; do grep -q -- "^    $f\b" "$T_TMP/help" || echo "$f"; done < "$T_TMP/bt_flags")
	expect_eq "scry --help lists every flag of bpftrace --help ($(wc -l < "$T_TMP/bt_flags") flags)" \
		"--emit-elf
--emit-llvm" "$missing"
fi

# run NAME TOOL ARGS...: status, stdout, first $LINES lines of stderr
LINES=1
run() {
	tool=$1
	shift
	timeout 20 "$tool" "$@" > "$T_TMP/o" 2> "$T_TMP/e"
	echo "rc=$?"
	cat "$T_TMP/o"
	# Errors only: a successful bpftrace run warns about RLIMIT_MEMLOCK here.
	if [ -s "$T_TMP/e" ] && ! grep -q RLIMIT_MEMLOCK "$T_TMP/e"; then
		head -n "$LINES" "$T_TMP/e" | sed 's/^bpftrace: /scry: /'
	fi
}

same() {	# name args...
	name=$1
	shift
	if [ -z "$BT" ]; then
		skip "$name" "no bpftrace to compare with"
		return
	fi
	want=$(run $BT "$@")
	got=$(run "$SCRY" "$@")
	expect_eq "$name: as bpftrace" "$want" "$got"
}

sleep 30 & LIVE=$!
sh -c 'exit 0' & DEAD=$!
wait $DEAD

# -B MODE
same "-B line" -B line -e "$P"
same "-B full" -B full -e "$P"
same "-B none" -B none -e "$P"
same "-B bad mode refused" -B foo -e "$P"
# -f FORMAT
same "-f text" -f text -e "$P"
same "-f json" -f json -e "$P"
LINES=2 same "-f bad format refused" -f yaml -e "$P"
# -o file
if [ -n "$BT" ]; then
	$BT -o "$T_TMP/bt.out" -e "$P" > /dev/null 2>&1
	"$SCRY" -o "$T_TMP/scry.out" -e "$P" > "$T_TMP/o" 2>&1
	expect_eq "-o file: as bpftrace's file, nothing on stdout" "$(cat "$T_TMP/bt.out")" \
		"$(cat "$T_TMP/scry.out")$(cat "$T_TMP/o")"
fi
# -e 'program'
same "-e program" -e "$P"
same "-e without a program refused" -e
# -h, --help
"$SCRY" -h > "$T_TMP/o" 2> "$T_TMP/e"
expect_eq "-h: USAGE on stderr, exit 0" "0 USAGE: 0" "$? $(head -1 "$T_TMP/e") $(wc -c < "$T_TMP/o")"
"$SCRY" --help > /dev/null 2> "$T_TMP/e"
expect_eq "--help: USAGE, exit 0" "0 USAGE:" "$? $(head -1 "$T_TMP/e")"
# -I DIR, --include FILE (headers are not compiled: their types come from BTF)
same "-I DIR" -I /usr/include -e "$P"
same "--include FILE" --include stddef.h -e "$P"
# -l [search]
same "-l search" -l 'tracepoint:sched:sched_switch'
same "-l wildcard search" -l 'tracepoint:sched:sched_wak*'
LINES=3 same "-l invalid search expression refused" -l 'uprobe'
LINES=3 same "-l wrong field count refused" -l 'tracepoint:sched'
# -p PID
same "-p PID" -p $LIVE -e "$P"
same "-p non-numeric refused" -p abc -e "$P"
same "-p out of range refused" -p 99999999 -e "$P"
same "-p 0 refused" -p 0 -e "$P"
same "-p negative refused" -p -5 -e "$P"
"$SCRY" -p $DEAD -e "$P" > /dev/null 2> "$T_TMP/e"
expect_eq "-p dead pid refused (bpftrace: 'ERROR: : No such process')" \
	"1 ERROR: pid '$DEAD': No such process" "$? $(cat "$T_TMP/e")"
# -c 'CMD'
same "-c CMD" -c /bin/true -e "$P"
"$SCRY" -c /no/such/cmd -e "$P" > /dev/null 2> "$T_TMP/e"
expect_eq "-c missing program refused with bpftrace's message (exit 1, bpftrace 255)" \
	"1 ERROR: Failed to fork child: path '/no/such/cmd' does not exist or is not executable" \
	"$? $(cat "$T_TMP/e")"
same "-c with -p refused" -c /bin/true -p $LIVE -e "$P"
# --usdt-file-activation, --unsafe, -q
same "--usdt-file-activation" --usdt-file-activation -e "$P"
same "--unsafe" --unsafe -e "$P"
same "-q" -q -e "$P"
# --info: bpftrace's headings and names
"$SCRY" --info > "$T_TMP/o" 2>&1
expect_eq "--info: bpftrace's headings, exit 0" "0 System Build Kernel helpers Kernel features Map types Probe types" \
	"$? $(grep -x '[A-Z][a-z]*\( [a-z]*\)\?' "$T_TMP/o" | head -6 | tr '\n' ' ' | sed 's/ $//')"
grep -q '^  tracepoint: yes$' "$T_TMP/o" && pass "--info: 'tracepoint: yes' as bpftrace names it" ||
	fail "--info: 'tracepoint: yes' as bpftrace names it" "$(head -40 "$T_TMP/o")"
# -k, -kk (the helper errors themselves: tests/e2e/cli_helper_errors.sh)
same "-k" -k -e "$P"
same "-kk" -kk -e "$P"
same "-kkk refused" -kkk -e "$P"
# -V, --version
v=$(git -C "$TOP" describe --tags --always --dirty 2>/dev/null)
if [ -n "$v" ]; then
	expect_eq "-V: git describe" "scry $v" "$("$SCRY" -V)"
	expect_eq "--version: git describe" "scry $v" "$("$SCRY" --version)"
else
	skip "--version" "not a git checkout"
fi
# --no-warnings
W='#pragma nothing
BEGIN { exit(); }'
"$SCRY" -e "$W" > /dev/null 2> "$T_TMP/e"
expect_eq "a warning without --no-warnings" "0 stdin:1:1: warning: preprocessor line ignored" "$? $(head -1 "$T_TMP/e")"
"$SCRY" --no-warnings -e "$W" > /dev/null 2> "$T_TMP/e"
expect_eq "--no-warnings: none" "0 " "$? $(cat "$T_TMP/e")"
# -v
"$SCRY" -e "$P" > /dev/null 2> "$T_TMP/e0"
"$SCRY" -v -e "$P" > "$T_TMP/o" 2> "$T_TMP/e"
expect_eq "-v: same output, more messages" "hi 0 1" \
	"$(grep -v '^$' "$T_TMP/o" | tail -1) $(wc -l < "$T_TMP/e0") $([ "$(wc -l < "$T_TMP/e")" -gt 0 ] && echo 1)"
# -d, -dd: every stage, a dry run (nothing runs: no "hi")
"$SCRY" -d -e "$P" > "$T_TMP/o" 2>&1
expect_eq "-d: AST, IR and BPF, nothing run" "0 1 1 1 0" \
	"$? $(grep -c '^  probe$' "$T_TMP/o") $(grep -c '^; probe at stdin:1:1$' "$T_TMP/o" | cut -c1) $(grep -c 'instructions$' "$T_TMP/o") $(grep -c '^hi$' "$T_TMP/o")"
"$SCRY" -dd -e "$P" > "$T_TMP/o" 2>&1
expect_eq "-dd: the same, nothing run" "0 1 0" "$? $(grep -c '^  probe$' "$T_TMP/o") $(grep -c '^hi$' "$T_TMP/o")"
"$SCRY" -d ast -e "$P" > "$T_TMP/o" 2>&1
expect_eq "-d ast (scry's stage form) still works" "0 1 0" "$? $(grep -c '^  probe$' "$T_TMP/o") $(grep -c 'instructions$' "$T_TMP/o")"
# --emit-elf FILE, --emit-llvm FILE: scry has no LLVM: refused in one sentence
for f in --emit-elf --emit-llvm; do
	"$SCRY" $f "$T_TMP/x" -e "$P" > /dev/null 2> "$T_TMP/e"
	rc=$?
	expect_eq "$f refused, nothing written" "1 1 no file" "$rc $(grep -c "^ERROR: $f: scry compiles to BPF without LLVM" "$T_TMP/e") $([ -e "$T_TMP/x" ] && echo file || echo no file)"
done
# Unknown flags and no program: bpftrace's first line and status
same "an unknown flag refused" --no-such-flag
same "no program: usage" 
kill $LIVE 2>/dev/null
wait 2>/dev/null
