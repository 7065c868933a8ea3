#!/bin/sh
# The output and map functions on the live kernel, with exact output from
# fixtures: join, system (--unsafe), cat, errorf/warnf, delete, len, has_key,
# print/clear/zero.  sysfix N writes N times with sizes 1..N (tests/fixtures).
. "$TOP/tests/lib.sh"
need_root funcs_output
SYSFIX="$FIXTURES/sysfix"

# ---- join ----
prog='tracepoint:syscalls:sys_enter_execve /pid == cpid/ { join(args->argv); join(args->argv, "-"); }'
expect_eq "join(argv) and join(argv, sep) of the -c command's execve" "$SYSFIX 3 0
$SYSFIX-3-0" "$("$SCRY" -q -e "$prog" -c "$SYSFIX 3 0" 2>&1 | grep sysfix)"
expect_eq "join (-f json)" "{\"type\": \"join\", \"data\": \"$SYSFIX 3 0\"}
{\"type\": \"join\", \"data\": \"$SYSFIX-3-0\"}" \
	"$("$SCRY" -f json -e "$prog" -c "$SYSFIX 3 0" 2>&1 | grep '"join"')"

# ---- system ----
out=$("$SCRY" -e 'BEGIN { system("echo %d", 1); exit(); }' 2>&1)
expect_eq "system() without --unsafe: refused, exit 1" "1 stdin:1:9: error: system() is an unsafe function being used in safe mode
BEGIN { system(\"echo %d\", 1); exit(); }
        ^~~~~~~~~~~~~~~~~~~~" "$? $out"
expect_eq "system() with --unsafe runs the command, its arguments formatted" "42-x" \
	"$("$SCRY" --unsafe -e 'BEGIN { system("echo %d-%s", 42, "x"); exit(); }' 2>&1 | grep -v '^Attach' | grep .)"
# bpftrace runs it as popen() does: through /bin/sh -c
expect_eq "system() goes through the shell, as bpftrace's" "a
b" "$("$SCRY" --unsafe -e 'BEGIN { system("echo a; echo b"); exit(); }' 2>&1 | grep -v '^Attach' | grep .)"
expect_eq "system() (-f json): a syscall message" '{"type": "syscall", "data": "42\n"}' \
	"$("$SCRY" --unsafe -f json -e 'BEGIN { system("echo %d", 42); exit(); }' 2>&1 | grep syscall)"

# ---- cat ----
printf 'first line\nsecond\n' > "$T_TMP/two"
head -c 20000 /dev/zero | tr '\0' 'x' > "$T_TMP/big"
expect_eq "cat(FILE) prints it" "first line
second" "$("$SCRY" -e "BEGIN { cat(\"$T_TMP/two\"); exit(); }" 2>&1 | grep -v '^Attach' | grep .)"
expect_eq "cat(FORMAT, ...) names the file with a format" "first line
second" "$("$SCRY" -e "BEGIN { cat(\"%s/%s\", \"$T_TMP\", \"two\"); exit(); }" 2>&1 | grep -v '^Attach' | grep .)"
expect_eq "cat() prints at most 10240 bytes, as bpftrace" 10240 \
	"$("$SCRY" -q -e "BEGIN { cat(\"$T_TMP/big\"); exit(); }" 2>/dev/null | tr -d '\n' | wc -c)"
expect_eq "cat() with BPFTRACE_CAT_BYTES_MAX=5" "xxxxx" \
	"$(BPFTRACE_CAT_BYTES_MAX=5 "$SCRY" -q -e "BEGIN { cat(\"$T_TMP/big\"); exit(); }" 2>/dev/null | grep .)"
expect_eq "cat() (-f json)" '{"type": "cat", "data": "first line\nsecond\n"}' \
	"$("$SCRY" -f json -e "BEGIN { cat(\"$T_TMP/two\"); exit(); }" 2>&1 | grep '"cat"')"
expect_eq "cat() of a missing file says so and goes on" "scry: error: failed to open file '$T_TMP/none': No such file or directory
0" "$("$SCRY" -q -e "BEGIN { cat(\"$T_TMP/none\"); exit(); }" 2>&1 >/dev/null; echo $?)"

# ---- errorf / warnf ----
expect_eq "errorf() and warnf(): located messages on stderr, as bpftrace's" "stdin:1:9-28: ERROR: bad 5
BEGIN { errorf(\"bad %d\", 5); warnf(\"odd %s\", \"x\"); exit(); }
        ~~~~~~~~~~~~~~~~~~~
stdin:1:30-50: WARNING: odd x
BEGIN { errorf(\"bad %d\", 5); warnf(\"odd %s\", \"x\"); exit(); }
                             ~~~~~~~~~~~~~~~~~~~~" \
	"$("$SCRY" -q -e 'BEGIN { errorf("bad %d", 5); warnf("odd %s", "x"); exit(); }' 2>&1 >/dev/null)"

# ---- delete, len, has_key, print, clear, zero ----
prog='tracepoint:syscalls:sys_enter_write /comm == "sysfix"/ { @c[args->count % 3] = count(); @s[args->count % 2] = sum(args->count); @v[args->count] = 1; }
END { delete(@c[0]); delete(@s, 1); printf("len %d %d has %d %d\n", len(@v), len(@c), has_key(@v, 7), has_key(@v, 99)); clear(@v); }'
expect_eq "delete of count and sum elements, len, has_key, clear (sysfix 50)" "len 50 2 has 1 0
@c[1]: 17
@c[2]: 17
@s[0]: 650" "$("$SCRY" -q -e "$prog" -c "$SYSFIX 50" 2>&1 | grep .)"
prog='tracepoint:syscalls:sys_enter_write /comm == "sysfix"/ { @c[args->count % 4] = count(); @z[1] = sum(args->count); @last[args->count % 4] = args->count; }
END { print(@c, 2); print(@last[3]); zero(@z); print(@z); clear(@c); clear(@last); }'
expect_eq "print(@m, top), print(@m[k]), zero() (sysfix 50)" "@c[1]: 13
@c[2]: 13
47
@z[1]: 0
@z[1]: 0" "$("$SCRY" -q -e "$prog" -c "$SYSFIX 50" 2>&1 | grep .)"

# ---- signal ----
prog='tracepoint:syscalls:sys_enter_write /comm == "sysfix"/ { @ = count(); if (args->count == 5) { signal("SIGKILL"); } }'
expect_eq "signal(\"SIGKILL\") at sysfix's 5th write: it makes no 6th" "@: 5" \
	"$("$SCRY" -q --unsafe -e "$prog" -c "$SYSFIX 50" 2>&1 | grep .)"
expect_eq "signal() by number and the child's end: SIGTERM (15) at the 1st write" "@: 1" \
	"$("$SCRY" -q --unsafe -e 'tracepoint:syscalls:sys_enter_write /comm == "sysfix"/ { @ = count(); signal(15); }' -c "$SYSFIX 50" 2>&1 | grep .)"
out=$("$SCRY" -e "$prog" -c "$SYSFIX 3" 2>&1)
expect_eq "signal() without --unsafe: refused, exit 1" "1 stdin:1:95: error: signal() is an unsafe function being used in safe mode" \
	"$? $(printf '%s\n' "$out" | head -1)"

# ---- debugf ----
prog='tracepoint:syscalls:sys_enter_write /comm == "sysfix"/ { debugf("write %d of %s\n", args->count, comm); }'
printk_before=$(cat /sys/kernel/tracing/events/bpf_trace/bpf_trace_printk/enable 2>/dev/null)
expect_eq "debugf(): bpf_trace_printk's lines, read from trace_pipe and printed (sysfix 3)" "write 1 of sysfix
write 2 of sysfix
write 3 of sysfix" "$("$SCRY" -q --no-warnings -e "$prog" -c "$SYSFIX 3" 2>&1 | grep .)"
expect_eq "debugf(): the bpf_trace_printk event the kernel enabled at the load is put back" \
	"$printk_before" "$(cat /sys/kernel/tracing/events/bpf_trace/bpf_trace_printk/enable 2>/dev/null)"
expect_eq "debugf() warns as bpftrace does" "stdin:1:9: warning: The debugf() builtin is not recommended for production use. For more information see bpf_trace_printk in bpf-helpers(7)." \
	"$("$SCRY" --dry-run -e 'BEGIN { debugf("x %d\n", 1); }' 2>&1 | head -1)"

# ---- len of every map kind it can count ----
expect_eq "len() of count, sum, avg, stats, value maps and of maps without keys" "c2 s1 a3 st1 v2 n1 w1 e0" \
	"$("$SCRY" -q -e 'BEGIN { @c[1] = count(); @c[2] = count(); @s[1] = sum(1); @a[1] = avg(1); @a[2] = avg(2); @a[3] = avg(3); @st[1] = stats(1); @v["a"] = 1; @v["b"] = 2; @n = count(); @w = 5; @e[1] = 1; delete(@e[1]); printf("c%d s%d a%d st%d v%d n%d w%d e%d\n", len(@c), len(@s), len(@a), len(@st), len(@v), len(@n), len(@w), len(@e)); clear(@c); clear(@s); clear(@a); clear(@st); clear(@v); clear(@e); exit(); }' 2>&1 | head -1)"

# ---- delete of a histogram's element: every bucket of its key ----
prog='tracepoint:syscalls:sys_enter_write /comm == "sysfix"/ { @h[args->count / 20] = hist(args->count); @l[args->count / 20] = lhist(args->count, 0, 60, 10); }
END { delete(@h[0]); delete(@l, 2); }'
expect_eq "delete(@h[k]) and delete(@l, k) remove the key with all its buckets (sysfix 50)" "@h[1]
@h[2]
@l[0]
@l[1]" "$("$SCRY" -q -e "$prog" -c "$SYSFIX 50" 2>&1 | grep -o '^@[a-z]*\[[0-9]\]' | sort)"
