#!/bin/sh
# The differential test: one-liners whose stdout must equal bpftrace's,
# byte for byte, on the same fixture.  bpftrace is installed by
# scripts/setup.sh; without it the test is skipped and says why.
. "$TOP/tests/lib.sh"
need_root bpftrace_diff

if ! command -v bpftrace >/dev/null 2>&1; then
	skip "bpftrace_diff" "bpftrace is not installed (scripts/setup.sh installs it)"
	exit 0
fi

n=0
grep -v '^#' "$TOP/tests/e2e/bpftrace_diff.txt" | grep -v '^$' > "$T_TMP/list"
while IFS= read -r prog; do
	n=$((n + 1))
	"$SCRY" -e "$prog" -c "$FIXTURES/sysfix 50" > "$T_TMP/scry" 2>"$T_TMP/scry.err"
	echo "exit $?" >> "$T_TMP/scry"
	bpftrace -e "$prog" -c "$FIXTURES/sysfix 50" > "$T_TMP/bpftrace" 2>/dev/null
	echo "exit $?" >> "$T_TMP/bpftrace"
	if cmp -s "$T_TMP/bpftrace" "$T_TMP/scry"; then
		pass "one-liner $n: $prog"
	else
		fail "one-liner $n: $prog" "$(diff "$T_TMP/bpftrace" "$T_TMP/scry" | head -12)" \
			"$(head -3 "$T_TMP/scry.err")"
	fi
done < "$T_TMP/list"

# The same for -f json: bpftrace's JSON lines, byte for byte.
for prog in \
	'tracepoint:syscalls:sys_enter_write /comm == "sysfix"/ { @c = count(); @s = sum(args->count); @h = hist(args->count); @l = lhist(args->count, 0, 50, 10); @st = stats(args->count); @a = avg(args->count); }' \
	'tracepoint:syscalls:sys_enter_write /comm == "sysfix" && args->count > 47/ { printf("%s %d\n", comm, args->count); @[comm, args->count > 48] = count(); }' \
	'BEGIN { print(5); print("str"); print((1, "a")); @t = (1, "two"); @m["k"] = "v"; exit(); }' \
	'BEGIN { print(ntop(0x0100007f)); print(bswap((uint32)1)); print(strncmp("a", "b", 1)); print(strcontains("ab", "b")); @n[ntop(pton("10.0.0.1"))] = 1; exit(); }' \
	'BEGIN { print(buf("ab\x01c", 4)); printf("%rx %rh\n", buf("ab", 2), buf("ab", 2)); @[buf("k\x02", 2)] = buf("v", 1); exit(); }' \
	'tracepoint:syscalls:sys_enter_write /pid == cpid/ { @[args->count / 20] = hist(args->count); @s[args->count / 20] = stats(args->count); } END { print(@, 2, 2); print(@s, 1, 10); clear(@); clear(@s); }' \
	'tracepoint:syscalls:sys_enter_write /pid == cpid/ { @c[args->count / 20] = count(); @m = min(args->count); } END { print(@c, 2, 3); clear(@m); }'; do
	n=$((n + 1))
	"$SCRY" -f json -e "$prog" -c "$FIXTURES/sysfix 50" > "$T_TMP/scry" 2>/dev/null
	bpftrace -f json -e "$prog" -c "$FIXTURES/sysfix 50" > "$T_TMP/bpftrace" 2>/dev/null
	if cmp -s "$T_TMP/bpftrace" "$T_TMP/scry"; then
		pass "json $n: $prog"
	else
		fail "json $n: $prog" "$(diff "$T_TMP/bpftrace" "$T_TMP/scry" | head -12)"
	fi
done

# Watchpoints (issue 11) on the watch_fix fixture (7 writes of one variable,
# 1 of another), bpftrace 0.17's function-argument form with -c.
if [ -x "$FIXTURES/watch_fix" ]; then
	for prog in \
		'watchpoint:wfix_set+arg1:8:w { @[comm] = count(); }' \
		'watchpoint:wfix_set+arg1:8:rw { @ = count(); } END { printf("end\n"); }'; do
		n=$((n + 1))
		"$SCRY" -e "$prog" -c "$FIXTURES/watch_fix 7" 2>/dev/null | grep -v '^0x' > "$T_TMP/scry"
		bpftrace -e "$prog" -c "$FIXTURES/watch_fix 7" 2>/dev/null | grep -v '^0x' > "$T_TMP/bpftrace"
		if cmp -s "$T_TMP/bpftrace" "$T_TMP/scry"; then
			pass "watchpoint $n: $prog"
		else
			fail "watchpoint $n: $prog" "$(diff "$T_TMP/bpftrace" "$T_TMP/scry" | head -12)"
		fi
	done
fi

# SIGUSR1 prints every map there and then (bpftrace 0.17), then the run goes on.
# usr1_run TOOL OUT: the program until 'Attaching', SIGUSR1, then SIGINT.
usr1_run() {
	"$1" -e 'BEGIN { @a = 1; @b["x"] = 2; @c[1, "y"] = 3; }' > "$2" 2>/dev/null &
	_p=$!
	_i=0
	while ! grep -q '^Attaching' "$2" && [ $_i -lt 200 ]; do sleep 0.05; _i=$((_i + 1)); done
	sleep 0.2
	kill -USR1 $_p
	_i=0
	while [ "$(wc -l < "$2")" -lt 4 ] && [ $_i -lt 100 ]; do sleep 0.05; _i=$((_i + 1)); done
	kill -INT $_p
	wait $_p
}
n=$((n + 1))
usr1_run "$SCRY" "$T_TMP/scry"
usr1_run bpftrace "$T_TMP/bpftrace"
if cmp -s "$T_TMP/bpftrace" "$T_TMP/scry"; then
	pass "SIGUSR1 $n: every map printed, then again at the end"
else
	fail "SIGUSR1 $n: every map printed" "$(diff "$T_TMP/bpftrace" "$T_TMP/scry" | head -12)"
fi

# bpftrace's environment variables (issue 11): the same variable set for both.
for case in \
	'BPFTRACE_STRLEN=6|tracepoint:syscalls:sys_enter_openat /comm == "sysfix"/ { printf("%s\n", str(args->filename)); }' \
	'BPFTRACE_STRLEN=3|tracepoint:syscalls:sys_enter_openat /comm == "sysfix"/ { printf("<%s>\n", str(args->filename)); }' \
	'BPFTRACE_MAP_KEYS_MAX=5|tracepoint:syscalls:sys_enter_write /comm == "sysfix"/ { @[args->count] = sum(args->count); }' \
	'BPFTRACE_MAP_KEYS_MAX=4|tracepoint:syscalls:sys_enter_write /comm == "sysfix"/ { @[args->count] = args->count; }'; do
	n=$((n + 1))
	var=${case%%|*}
	prog=${case#*|}
	env "$var" "$SCRY" -e "$prog" -c "$FIXTURES/sysfix 50" > "$T_TMP/scry" 2>/dev/null
	env "$var" bpftrace -e "$prog" -c "$FIXTURES/sysfix 50" > "$T_TMP/bpftrace" 2>/dev/null
	if cmp -s "$T_TMP/bpftrace" "$T_TMP/scry"; then
		pass "env $n: $var $prog"
	else
		fail "env $n: $var $prog" "$(diff "$T_TMP/bpftrace" "$T_TMP/scry" | head -12)"
	fi
done
