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
	'tracepoint:syscalls:sys_enter_write /pid == cpid/ { @c = count(); @s = sum(args->count); @h = hist(args->count); @l = lhist(args->count, 0, 50, 10); @st = stats(args->count); @a = avg(args->count); }' \
	'tracepoint:syscalls:sys_enter_write /pid == cpid && args->count > 47/ { printf("%s %d\n", comm, args->count); @[comm, args->count > 48] = count(); }' \
	'BEGIN { print(5); print("str"); print((1, "a")); @t = (1, "two"); @m["k"] = "v"; exit(); }' \
	'tracepoint:syscalls:sys_enter_execve /pid == cpid/ { join(args->argv, ","); }' \
	'BEGIN { cat("/proc/sys/kernel/ostype"); exit(); }' \
	'tracepoint:syscalls:sys_enter_write /pid == cpid/ { @h[args->count / 20] = hist(args->count); @a[args->count / 20] = avg(args->count); @st[args->count / 20] = stats(args->count); @c[args->count / 20] = count(); } END { print(@h, 2, 3); print(@a, 2, 10); print(@st, 1, 10); print(@c, 2); delete(@c[1]); zero(@a); clear(@h); }' \
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

# uprobe arguments by name from the fixture's DWARF (tests/fixtures/dwarf_fix.c,
# built here -g -O0): -lv, then one-liners on 'dwarf_fix 3', byte for byte.
DW=$T_TMP/dwarf_fix
if cc -g -O0 -fno-omit-frame-pointer -o "$DW" "$TOP/tests/fixtures/dwarf_fix.c"; then
	n=$((n + 1))
	"$SCRY" -lv "uprobe:$DW:*" > "$T_TMP/scry" 2>&1
	bpftrace -lv "uprobe:$DW:*" > "$T_TMP/bpftrace" 2>&1
	if cmp -s "$T_TMP/bpftrace" "$T_TMP/scry"; then
		pass "dwarf $n: -lv uprobe:dwarf_fix:*"
	else
		fail "dwarf $n: -lv uprobe:dwarf_fix:*" "$(diff "$T_TMP/bpftrace" "$T_TMP/scry" | head -12)"
	fi
	for prog in \
		'uprobe:BIN:dw_ints { printf("%d %d %u %lu\n", args->n, args->m, args->c, args->t); }' \
		'uprobe:BIN:dw_ints { @[args->n] = sum(args->m); }' \
		'uprobe:BIN:dw_ints /args->c > 200/ { @c = count(); @s = sum(args->c); }' \
		'uprobe:BIN:dw_foo { printf("%s\n", str(args->s)); }' \
		'uprobe:BIN:dw_foo { printf("%d %s\n", args->foo1->a, str(args->foo1->name)); }' \
		'uprobe:BIN:dw_foo { print(args->foo1->in); print(args->foo1->tag); }' \
		'uprobe:BIN:dw_bar { @[args->k] = count(); }'; do
		n=$((n + 1))
		prog=$(printf '%s' "$prog" | sed "s|BIN|$DW|")
		"$SCRY" -e "$prog" -c "$DW 3" > "$T_TMP/scry" 2>"$T_TMP/scry.err"
		echo "exit $?" >> "$T_TMP/scry"
		if grep -q "not supported by scry's code generator" "$T_TMP/scry.err"; then
			skip "dwarf $n: $prog" "the code generator does not read struct fields through pointers yet"
			continue
		fi
		bpftrace -e "$prog" -c "$DW 3" > "$T_TMP/bpftrace" 2>/dev/null
		echo "exit $?" >> "$T_TMP/bpftrace"
		if cmp -s "$T_TMP/bpftrace" "$T_TMP/scry"; then
			pass "dwarf $n: $prog"
		else
			fail "dwarf $n: $prog" "$(diff "$T_TMP/bpftrace" "$T_TMP/scry" | head -12)" \
				"$(head -3 "$T_TMP/scry.err")"
		fi
	done
else
	skip "dwarf one-liners" "cannot build tests/fixtures/dwarf_fix.c"
fi

# Types written in the script, on the types_fix fixture (tests/fixtures/types_fix.c): the same
# struct, union, array and pointer reads and prints as bpftrace's (its first line, the
# fixture's parent's pid, left out: the tracers differ).  bpftrace 0.17 reads bitfields wrong,
# and takes only constant indexes: neither is here.
if [ -x "$FIXTURES/types_fix" ]; then
	U="uprobe:$FIXTURES/types_fix"
	cat "$TOP/tests/fixtures/types_fix.bt" > "$T_TMP/types.bt"
	cat >> "$T_TMP/types.bt" <<EOT
$U:f_arr { \$a = (struct arr *)arg0; printf("arr %d %d %d\n", \$a->n, \$a->v[0], \$a->v[3]); print(\$a->v); print(*\$a); @m[*\$a] = 1; }
$U:f_nested { \$n = (struct nested *)arg0; printf("nested %d %d %ld %c\n", \$n->x, \$n->in.a, \$n->in.b, \$n->tag); print(\$n->in); \$s = *\$n; printf("%d\n", \$s.in.a); @v = \$n->in; }
$U:f_union { \$u = (union num *)arg0; printf("union %x %d %d\n", \$u->i, \$u->b[0], \$u->b[3]); }
$U:f_pp { \$pp = (struct node **)arg0; printf("pp %d %d %s %s\n", (*\$pp)->id, (*\$pp)->next->id, (*\$pp)->name, (*\$pp)->next->name); }
$U:f_parr { \$p = (struct pt *)arg0; printf("parr %d %d\n", \$p[1].y, (\$p + 2)->x); print(\$p[2]); }
$U:f_named { \$nm = (struct named *)arg0; printf("named %s %d\n", \$nm->name, \$nm->len); print(*\$nm); @k[\$nm->name] = \$nm->len; }
$U:f_str { \$w = (struct withstr *)arg0; printf("str %s %d\n", str(\$w->s), \$w->n); }
EOT
	for fmt in text json; do
		n=$((n + 1))
		"$SCRY" -f $fmt "$T_TMP/types.bt" -c "$FIXTURES/types_fix" 2>/dev/null | sed 2d > "$T_TMP/scry"
		bpftrace -f $fmt "$T_TMP/types.bt" -c "$FIXTURES/types_fix" 2>/dev/null | sed 2d > "$T_TMP/bpftrace"
		if cmp -s "$T_TMP/bpftrace" "$T_TMP/scry"; then
			pass "types $n: script structs on types_fix ($fmt)"
		else
			fail "types $n: script structs on types_fix ($fmt)" \
				"$(diff "$T_TMP/bpftrace" "$T_TMP/scry" | head -12)"
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

# Kernel types from BTF: listed and printed as bpftrace lists and prints them.
if [ -r /sys/kernel/btf/vmlinux ]; then
	for what in 'struct task_struct' 'struct sock' 'struct sk_buff' 'union bpf_attr' \
		'enum sock_type' 'struct file_lock*'; do
		n=$((n + 1))
		opt=-lv
		case $what in *\*) opt=-l ;; esac
		"$SCRY" $opt "$what" > "$T_TMP/scry" 2>&1
		bpftrace $opt "$what" > "$T_TMP/bpftrace" 2>/dev/null
		if [ -s "$T_TMP/bpftrace" ] && cmp -s "$T_TMP/bpftrace" "$T_TMP/scry"; then
			pass "types $n: scry $opt '$what'"
		else
			fail "types $n: scry $opt '$what'" "$(diff "$T_TMP/bpftrace" "$T_TMP/scry" | head -12)"
		fi
	done
fi

# bpftrace's environment variables (issue 11): the same variable set for both.
for case in \
	'BPFTRACE_STRLEN=6|tracepoint:syscalls:sys_enter_openat /pid == cpid/ { printf("%s\n", str(args->filename)); }' \
	'BPFTRACE_STRLEN=3|tracepoint:syscalls:sys_enter_openat /pid == cpid/ { printf("<%s>\n", str(args->filename)); }' \
	'BPFTRACE_MAP_KEYS_MAX=5|tracepoint:syscalls:sys_enter_write /pid == cpid/ { @[args->count] = sum(args->count); }' \
	'BPFTRACE_MAP_KEYS_MAX=4|tracepoint:syscalls:sys_enter_write /pid == cpid/ { @[args->count] = args->count; }'; do
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
