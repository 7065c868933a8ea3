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
	'tracepoint:syscalls:sys_enter_execve /pid == cpid/ { join(args->argv, ","); }' \
	'BEGIN { cat("/proc/sys/kernel/ostype"); exit(); }' \
	'tracepoint:syscalls:sys_enter_write /comm == "sysfix"/ { @h[args->count / 20] = hist(args->count); @a[args->count / 20] = avg(args->count); @st[args->count / 20] = stats(args->count); @c[args->count / 20] = count(); } END { print(@h, 2, 3); print(@a, 2, 10); print(@st, 1, 10); print(@c, 2); delete(@c[1]); zero(@a); clear(@h); }' \
	'BEGIN { print(ntop(0x0100007f)); print(bswap((uint32)1)); print(strncmp("a", "b", 1)); print(strcontains("ab", "b")); @n[ntop(pton("10.0.0.1"))] = 1; exit(); }' \
	'BEGIN { print(buf("ab\x01c", 4)); printf("%rx %rh\n", buf("ab", 2), buf("ab", 2)); @[buf("k\x02", 2)] = buf("v", 1); exit(); }'; do
	n=$((n + 1))
	"$SCRY" -f json -e "$prog" -c "$FIXTURES/sysfix 50" > "$T_TMP/scry" 2>/dev/null
	bpftrace -f json -e "$prog" -c "$FIXTURES/sysfix 50" > "$T_TMP/bpftrace" 2>/dev/null
	if cmp -s "$T_TMP/bpftrace" "$T_TMP/scry"; then
		pass "json $n: $prog"
	else
		fail "json $n: $prog" "$(diff "$T_TMP/bpftrace" "$T_TMP/scry" | head -12)"
	fi
done
