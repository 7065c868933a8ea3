#!/bin/sh
# Bad input gets one clear error naming the place, exit status 1, and
# leaves nothing loaded or attached (the runner compares the kernel's BPF
# and tracefs state before and after this file, too).
. "$TOP/tests/lib.sh"
need_root lang_errors

progs_before=$(bpftool prog show 2>/dev/null | grep -c 'name scry')

check_error() {	# name, expected first line of stderr (grep -E), scry args...
	name=$1
	want=$2
	shift 2
	"$SCRY" "$@" > "$T_TMP/out" 2> "$T_TMP/err"
	rc=$?
	first=$(head -1 "$T_TMP/err")
	if [ $rc -eq 1 ] && printf '%s\n' "$first" | grep -Eq "$want" && [ ! -s "$T_TMP/out" ]; then
		pass "$name"
	else
		fail "$name" "exit $rc, stdout $(wc -c < "$T_TMP/out") bytes, stderr:" "$(head -5 "$T_TMP/err")"
	fi
}

check_error "unknown tracepoint: its place and a hint" \
	"^stdin:1:1: error: tracepoint 'syscalls:sys_enter_nosuch' not found$" \
	-e 'tracepoint:syscalls:sys_enter_nosuch { @ = count(); }'
check_error "no tracepoint matches a wildcard" \
	"^scry: error: stdin:1:1: no tracepoint matches 'nosuch:\*'$" \
	-e 'tracepoint:nosuch:* { @ = count(); }'
check_error "bad positional parameter" \
	"^stdin:1:13: error: positional parameter \\\$1 is 'abc', not a number$" \
	-e 'BEGIN { @ = $1 + 1; exit(); }' abc
printf 'BEGIN {\n  @x = nosuchbuiltin;\n}\n' > "$T_TMP/bad.bt"
check_error "a script file: FILE:LINE:COL" \
	"^$T_TMP/bad.bt:2:8: error: unknown identifier 'nosuchbuiltin'$" \
	"$T_TMP/bad.bt"
check_error "kprobes missing from this kernel: one sentence and the alternative" \
	"^scry: error: stdin:1:1: kprobe probes cannot be used on this kernel \\(.*\\): use a tracepoint instead" \
	-e 'kprobe:vfs_read { @ = count(); }'
check_error "fentry missing from this kernel" \
	"^scry: error: stdin:1:1: fentry probes cannot be used on this kernel" \
	-e 'fentry:vfs_read { @ = count(); }'
check_error "hardware counters missing: use software events" \
	"^scry: error: stdin:1:1: hardware probes cannot be used on this machine \\(.*\\): use software events" \
	-e 'hardware:cycles:1000000 { @ = count(); }'
check_error "a verifier rejection names the source place" \
	"^scry: error: stdin:1:[0-9]+: the BPF verifier rejected the code made for this: " \
	-e 'tracepoint:syscalls:sys_enter_write { $n = args->count; while ($n > 5) { @ = count(); $n--; } }'
check_error "missing script file" \
	"^scry: error: cannot read '/nonexistent.bt': No such file or directory$" \
	/nonexistent.bt
check_error "syntax error" \
	"^stdin:1:9: error: " \
	-e 'BEGIN { ) }'

# The verifier's message comes with the source line and a caret.
"$SCRY" -e 'tracepoint:syscalls:sys_enter_write { $n = args->count; while ($n > 5) { @ = count(); $n--; } }' 2> "$T_TMP/err"
expect_eq "rejection: source line and caret" \
	"tracepoint:syscalls:sys_enter_write { \$n = args->count; while (\$n > 5) { @ = count(); \$n--; } }" \
	"$(sed -n 2p "$T_TMP/err")"
sed -n 3p "$T_TMP/err" | grep -q '^ *\^$' && pass "rejection: a caret under the place" ||
	fail "rejection: a caret under the place" "$(cat "$T_TMP/err")"

wait_released
progs_after=$(bpftool prog show 2>/dev/null | grep -c 'name scry')
expect_eq "no BPF program left loaded after the errors" "$progs_before" "$progs_after"
