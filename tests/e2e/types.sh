#!/bin/sh
# Types written in the script, used on the types_fix fixture
# (tests/fixtures/types_fix.c: one function per kind of C type, each called
# once with known values): members, array elements with constant and
# variable indexes, unions, bitfields, pointers to pointers, arrays of
# structs, char[N] as strings, string pointers; whole structs and arrays
# printed in text and JSON, as map keys and values and in tuples, compared
# with == and !=; and the kernel's types from BTF: curtask->parent->tgid
# against the fixture's getppid(), a tracepoint's struct pointer followed to
# a member, sizeof(struct task_struct) against bpftool.
. "$TOP/tests/lib.sh"
need_root types

BIN=$FIXTURES/types_fix
if [ ! -x "$BIN" ]; then
	skip "types" "fixture types_fix not built"
	exit 0
fi
DEFS=$(cat "$TOP/tests/fixtures/types_fix.bt")

# run NAME EXPECTED PROG [FLAGS]: scry -c types_fix; the fixture's first line (its ppid) dropped
run() {
	out=$("$SCRY" ${4:-} -e "$DEFS
$3" -c "$BIN" 2>&1 |
		grep -v -e '^Attaching' -e '^$' -e '"attached_probes"' | awk '!p && /^[0-9]+$/ { p = 1; next } 1')
	expect_eq "$1" "$2" "$out"
}
U="uprobe:$BIN"

run "int array member: constant and variable index, whole array, whole struct" "arr 4 10 40 30 20
[10,20,30,40]
{ .n = 4, .v = [10,20,30,40] }" "$U:f_arr { \$a = (struct arr *)arg0; \$i = 2;
	printf(\"arr %d %d %d %d %d\\n\", \$a->n, \$a->v[0], \$a->v[3], \$a->v[\$i], \$a->v[\$i - 1]);
	print(\$a->v); print(*\$a); }"

run "variable index out of bounds reads 0" "0 0" "$U:f_arr { \$a = (struct arr *)arg0; \$i = 4;
	printf(\"%d %d\\n\", \$a->v[\$i], \$a->v[\$i + 100]); }"

run "nested struct by value, copied into a variable" "nested 7 -3 1234567890123 Z
{ .a = -3, .b = 1234567890123 }
-3 1234567890123" "$U:f_nested { \$n = (struct nested *)arg0;
	printf(\"nested %d %d %ld %c\\n\", \$n->x, \$n->in.a, \$n->in.b, \$n->tag);
	print(\$n->in); \$s = *\$n; printf(\"%d %ld\\n\", \$s.in.a, \$s.in.b); }"

run "union: the same bytes as int and as bytes" "4030201 1 2 3 4" "$U:f_union { \$u = (union num *)arg0;
	printf(\"%x %d %d %d %d\\n\", \$u->i, \$u->b[0], \$u->b[1], \$u->b[2], \$u->b[3]); }"

run "bitfields, signed and unsigned, one by one and as a struct" "5 17 -9 100000
{ .a = 5, .b = 17, .c = -9, .d = 100000 }" "$U:f_bits { \$b = (struct bits *)arg0;
	printf(\"%d %d %d %d\\n\", \$b->a, \$b->b, \$b->c, \$b->d); print(*\$b); }"

run "pointer to pointer to struct, followed twice; char[N] members as strings" "1 2 first second 1 0" \
	"$U:f_pp { \$pp = (struct node **)arg0;
	printf(\"%d %d %s %s %d %d\\n\", (*\$pp)->id, (*\$pp)->next->id, (*\$pp)->name, (*\$pp)->next->name,
	       (*\$pp)->name == \"first\", (*\$pp)->next->name == \"first\"); }"

run "array of structs: index, pointer arithmetic scaled, variable index" "4 5 6 3
{ .x = 5, .y = 6 }" "$U:f_parr { \$p = (struct pt *)arg0;
	printf(\"%d %d %d %d\\n\", \$p[1].y, (\$p + 2)->x, \$p[arg1 - 1].y, (\$p + 1)->x); print(\$p[2]); }"

run "struct with a char[N]: printed, as a map key" "fixture-name 12
{ .name = fixture-name, .len = 12 }
@k[fixture-name]: 12" "$U:f_named { \$nm = (struct named *)arg0; printf(\"%s %d\\n\", \$nm->name, \$nm->len);
	print(*\$nm); @k[\$nm->name] = \$nm->len; }"

run "a string pointer member read with str()" "hello types 11" "$U:f_str { \$w = (struct withstr *)arg0;
	printf(\"%s %d\\n\", str(\$w->s), \$w->n); }"

run "structs as map keys and values, and in tuples" "@k[{.n=4,.v=[10,20,30,40]}]: 1
@t: (7, { .a = -3, .b = 1234567890123 })
@v: { .a = -3, .b = 1234567890123 }" "$U:f_arr { @k[*(struct arr *)arg0] = count(); }
	$U:f_nested { \$n = (struct nested *)arg0; @v = \$n->in; @t = (\$n->x, \$n->in); }"

run "struct and array values compare with == and !=" "1 0 0 1 1" "$U:f_parr { \$p = (struct pt *)arg0;
	\$a = \$p[1]; \$b = \$p[1]; \$c = \$p[2];
	printf(\"%d %d %d %d %d\\n\", \$a == \$b, \$a != \$b, \$a == \$c, \$a != \$c, (int8[4])(int32)0x01020304 == (int8[4])(int32)0x01020304); }"

run "-f json: structs as objects, arrays as arrays (bpftrace's spacing)" '{"type": "value", "data": { "n": 4, "v": [10,20,30,40] }}
{"type": "value", "data": { "x": 7, "in": { "a": -3, "b": 1234567890123 }, "tag": 90 }}' \
	"$U:f_arr { print(*(struct arr *)arg0); } $U:f_nested { print(*(struct nested *)arg0); }" "-f json"

run "casts: integer to array, pointer to integer and back" "[4,3,2,1]
1" \
	"$U:f_arr { \$x = (uint8[4])(uint32)0x01020304; print(\$x); \$q = (uint64)arg0; \$r = (struct arr *)\$q;
	printf(\"%d\\n\", \$r->n == 4); }"

out=$("$SCRY" -q -e 'enum color { RED, GREEN = 7, BLUE }
BEGIN { $c = GREEN; printf("%s %d %s %s %s\n", $c, $c, (enum color)8, (enum color)42, RED); exit(); }' 2>&1 | grep -v '^$')
expect_eq "%s of an enum prints its constant's name (the number when it has none)" "GREEN 7 BLUE 42 RED" "$out"

# -kk: a failed read is reported at its place in the source (as bpftrace, -k leaves reads out)
out=$("$SCRY" -kk -e "$DEFS
$U:f_arr { \$p = (struct arr *)0; printf(\"%d\\n\", \$p->n); }" -c "$BIN" 2>&1)
if printf '%s\n' "$out" | grep -q "warning: stdin:11:.*Failed to probe_read_user: Bad address"; then
	pass "-kk reports a failed read at its source line"
else
	fail "-kk reports a failed read at its source line" "$out"
fi

# ---- the kernel's types (BTF) ----
if [ ! -r /sys/kernel/btf/vmlinux ]; then
	skip "types: BTF" "no /sys/kernel/btf/vmlinux"
	exit 0
fi
out=$("$SCRY" -e "$U:f_arr { printf(\"%d\\n\", curtask->parent->tgid); }" -c "$BIN" 2>&1 | grep -v -e '^Attaching' -e '^$')
ppid=$(printf '%s\n' "$out" | sed -n 1p)
expect_eq "curtask->parent->tgid is the fixture's getppid()" "$ppid
$ppid" "$out"

want=$(bpftool btf dump file /sys/kernel/btf/vmlinux format raw 2>/dev/null |
	sed -n "s/^\[[0-9]*\] STRUCT 'task_struct' size=\([0-9]*\) .*/\1/p")
out=$("$SCRY" -q -e 'BEGIN { printf("%d\n", sizeof(struct task_struct)); exit(); }' 2>&1 | grep -v '^$')
expect_eq "sizeof(struct task_struct) is bpftool's size" "$want" "$out"

out=$("$SCRY" -q -e 'BEGIN { printf("%d %d\n", TASK_COMM_LEN, sizeof(curtask->comm)); exit(); }' 2>&1 | grep -v '^$')
expect_eq "kernel enum constants as identifiers" "16 16" "$out"

out=$("$SCRY" -q -e 'BEGIN { printf("%s %s %d\n", (enum sock_type)2, (enum sock_type)SOCK_RAW, SOCK_PACKET); exit(); }' 2>&1 | grep -v '^$')
expect_eq "%s of a kernel enum prints its name" "SOCK_DGRAM SOCK_RAW 10" "$out"

out=$("$SCRY" -lv 'struct file_lock_core' 2>&1 | grep -c -e '^	pid_t flc_pid;$' -e '^struct file_lock_core {$')
expect_eq "scry -lv 'struct file_lock_core' prints its members with their C types" "2" "$out"

if [ -d /sys/kernel/tracing/events/filelock/flock_lock_inode ] && command -v flock >/dev/null; then
	out=$("$SCRY" -e 'tracepoint:filelock:flock_lock_inode /comm == "flock"/ {
		printf("%d %d\n", args.fl->c.flc_pid, args.fl->c.flc_type == args.type); }' \
		-c "sh -c 'echo \$\$; exec flock $T_TMP/lock true'" 2>&1 | grep -v -e '^Attaching' -e '^$')
	me=$(printf '%s\n' "$out" | sed -n 1p)
	expect_eq "a tracepoint's struct pointer followed to members (args.fl->c.flc_pid)" "$me
$me 1
$me 1" "$out"
else
	skip "tracepoint struct pointer" "no filelock:flock_lock_inode or flock(1)"
fi
