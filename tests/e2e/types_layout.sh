#!/bin/sh
# C layout of types written in the script: ten struct layouts generated here
# (bitfields, nested, anonymous and by-value members, arrays of arrays,
# pointers to pointers, function pointers), compiled by the C compiler and
# by scry; sizeof, alignment (through a wrapper struct) and offsetof must
# agree.  Tuples laid out as bpftrace lays them out, against the C struct of
# the same members.
. "$TOP/tests/lib.sh"
need_root types_layout

CC=${CC:-cc}
if ! command -v "$CC" >/dev/null 2>&1; then
	skip "types_layout" "no C compiler"
	exit 0
fi
cd "$T_TMP" || exit 1
awk 'BEGIN {
	n = split("char|short|int|long|unsigned char|unsigned short|unsigned int|unsigned long|" \
		"char @[3]|int @[2][3]|short @[5]|struct in1 @|union un1 @|int @:3|unsigned @:13|" \
		"long @:40|unsigned char @:1|char *@|struct in1 **@|void (*@)(int, char *)|" \
		"struct { char a; long b; } @|union { int a; char b[7]; } @|struct in1 @[2]|" \
		"unsigned @:0|union { int ua@; char ub@[5]; }|struct { short sa@; char sb@[3]; }|" \
		"unsigned short @:9|unsigned char @:7", pool, "|")
	seed = 12345
	print "struct in1 { char a; int b; short c; };"
	print "union un1 { char a; long b; int c[3]; };"
	for (s = 0; s < 10; s++) {
		line = "struct L" s " {"
		k = 3 + s % 6
		for (m = 0; m < k; m++) {
			seed = (seed * 1103515245 + 12345) % 2147483648
			t = pool[int(seed / 65536) % n + 1]
			if (index(t, "@") == 0)
				t = t " @"
			if (t == "unsigned @:0" && m == 0)
				t = "int @"
			gsub("@", (t == "unsigned @:0") ? "" : "m" m, t)
			line = line " " t ";"
		}
		print line " int last; };"
		print "struct W" s " { char c; struct L" s " x; };"
	}
	print "struct T0 { signed char a; long b; signed char c; long d; };"
	print "struct T1 { signed char a; short b; };"
	print "struct T2 { int a; signed char b; };"
	print "struct T3 { short a; long b; signed char c; };"
	print "struct T4 { signed char a; signed char b; signed char c; };"
}' > defs.h

{
	echo '#include <stdio.h>'
	echo '#include <stddef.h>'
	cat defs.h
	echo 'int main(void) {'
	for i in 0 1 2 3 4 5 6 7 8 9; do
		printf '%s\n' "printf(\"L$i %zu %zu %zu\\n\", sizeof(struct L$i), sizeof(struct W$i), offsetof(struct L$i, last));"
	done
	for i in 0 1 2 3 4; do
		printf '%s\n' "printf(\"T$i %zu\\n\", sizeof(struct T$i));"
	done
	echo 'return 0; }'
} > layout.c
if ! "$CC" -o layout layout.c 2> cc.err; then
	fail "types_layout: the generated C compiles" "$(cat cc.err)"
	exit 0
fi
{
	cat defs.h
	echo 'BEGIN {'
	for i in 0 1 2 3 4 5 6 7 8 9; do
		printf '%s\n' "printf(\"L$i %d %d %d\\n\", sizeof(struct L$i), sizeof(struct W$i), offsetof(struct L$i, last));"
	done
	printf '%s\n' 'printf("T0 %d\n", sizeof(((int8)1, (int64)1, (int8)1, (int64)1)));'
	printf '%s\n' 'printf("T1 %d\n", sizeof(((int8)1, (int16)1)));'
	printf '%s\n' 'printf("T2 %d\n", sizeof(((int32)1, (int8)1)));'
	printf '%s\n' 'printf("T3 %d\n", sizeof(((int16)1, (int64)1, (int8)1)));'
	printf '%s\n' 'printf("T4 %d\n", sizeof(((int8)1, (int8)1, (int8)1)));'
	echo 'exit(); }'
} > layout.bt
want=$(./layout)
got=$("$SCRY" -q layout.bt 2>&1 | grep -v '^$')
expect_eq "sizeof, alignment, offsetof of ten generated layouts and five tuples agree with the C compiler" "$want" "$got"
expect_eq "sizeof(((int8)1, (int64)1, (int8)1, (int64)1)) is 32 (bpftrace's tuple layout)" "T0 32" \
	"$(printf '%s\n' "$got" | grep '^T0')"
