#!/bin/sh
# Probe specs that name files as people type them: ./relative, ../relative,
# dir/relative, wildcards in the path, bare names through $PATH.  Traced
# with exact counts from the uprobe fixture (uprobe_fix N: ufix_add(i, 1000
# + i) N times returning 1000 + 2i, USDT ufix:plain N times); listed with the
# user's spelling, as bpftrace lists them (compared when it is installed).
. "$TOP/tests/lib.sh"
need_root "relative paths"

need_uprobe_fixture "relative paths"
FIX=$FIXTURES/uprobe_fix
mkdir -p "$T_TMP/testprogs" "$T_TMP/sub" "$T_TMP/other"
cp "$FIX" "$T_TMP/testprogs/uprobe_a"
cp "$FIX" "$T_TMP/testprogs/uprobe_b"
cp "$FIX" "$T_TMP/other/uprobe_a"
cp "$FIXTURES/libufix.so" "$T_TMP/testprogs/"
cp "$FIXTURES/libufix.so" "$T_TMP/other/"
chmod 644 "$T_TMP/testprogs/libufix.so"	# a shared object without the x bit
cd "$T_TMP" || exit 1

count() {	# expected name program -c-command
	got=$("$SCRY" -q -e "$3" -c "$4" 2>&1 | grep -v '^$' | grep -v '^semaphore: ')
	expect_eq "$2" "$1" "$got"
}

# Tracing
count "@: 5" "uprobe:./testprogs/prog: 5 calls" \
	'uprobe:./testprogs/uprobe_a:ufix_add { @ = count(); }' './testprogs/uprobe_a 5'
count "@: 5" "uprobe:testprogs/prog (dir/name): 5 calls" \
	'uprobe:testprogs/uprobe_a:ufix_add { @ = count(); }' './testprogs/uprobe_a 5'
(cd sub && count "@: 5020" "uretprobe:../testprogs/prog from sub/: the 5 return values summed" \
	'uretprobe:../testprogs/uprobe_a:ufix_add { @ = sum(retval); }' "$T_TMP/testprogs/uprobe_a 5")
count "@: 4" "usdt:./testprogs/prog:ufix:plain: 4 hits" \
	'usdt:./testprogs/uprobe_a:ufix:plain { @ = count(); }' './testprogs/uprobe_a 4'
(cd sub && count "@: 6" "usdt:../testprogs/prog:ufix:plain from sub/: 6 hits" \
	'usdt:../testprogs/uprobe_a:ufix:plain { @ = count(); }' '../testprogs/uprobe_a 6')
count "@: 3" "uprobe:./testprogs/uprobe_*: the wildcard path attaches each binary (3 calls in one)" \
	'uprobe:./testprogs/uprobe_*:ufix_add { @ = count(); }' './testprogs/uprobe_b 3'
count "@: 4" "uprobe:./testprogs/*: binaries without the function (libufix.so) are left out" \
	'uprobe:./testprogs/*:ufix_add { @ = count(); }' './testprogs/uprobe_a 4'
count "@: 7" "uprobe:./testprogs/libufix.so (not executable): 7 calls" \
	'uprobe:./testprogs/libufix.so:ufix_lib { @ = count(); }' './testprogs/uprobe_a 7'

# Bare names through $PATH
PATH="$T_TMP/testprogs:$PATH" count "@: 2" "uprobe:prog found in \$PATH: 2 calls" \
	'uprobe:uprobe_b:ufix_add { @ = count(); }' 'uprobe_b 2'
got=$(PATH="$T_TMP/testprogs:$T_TMP/other:$PATH" "$SCRY" -q -e 'uprobe:uprobe_a:ufix_add { @ = count(); }' \
	-c "$T_TMP/testprogs/uprobe_a 3" 2>&1 | grep -v '^$' | grep -v '^semaphore: ')
expect_eq "a bare name in two \$PATH directories: bpftrace's warning, the first one traced" \
	"scry: warning: stdin:1:1: attaching to uprobe target file '$T_TMP/testprogs/uprobe_a' but matched 2 binaries
@: 3" "$got"
got=$("$SCRY" -e 'uprobe:no_such_prog_xyz:f { }' 2>&1)
expect_eq "a bare name found nowhere: one error, exit 1" \
	"1 scry: error: stdin:1:1: 'no_such_prog_xyz': no such file, program in \$PATH or library" "$? $got"

# Listing keeps the spelling
list() {	# name pattern expected [dir]
	got=$(cd "${4:-.}" && "$SCRY" -l "$2" 2>&1)
	expect_eq "-l $1" "$3" "$got"
	if command -v bpftrace >/dev/null 2>&1; then
		want=$(cd "${4:-.}" && bpftrace -l "$2" 2>&1)
		expect_eq "-l $1: as bpftrace" "$want" "$got"
	fi
}
list "./relative" 'uprobe:./testprogs/uprobe_a:ufix_a*' "uprobe:./testprogs/uprobe_a:ufix_add"
list "../relative" 'uprobe:../testprogs/uprobe_a:ufix_a*' "uprobe:../testprogs/uprobe_a:ufix_add" sub
list "dir/relative" 'uprobe:testprogs/uprobe_a:ufix_a*' "uprobe:testprogs/uprobe_a:ufix_add"
list "a wildcard path" 'uprobe:./testprogs/uprobe*:ufix_add' "uprobe:./testprogs/uprobe_a:ufix_add
uprobe:./testprogs/uprobe_b:ufix_add"
list "usdt ./relative" 'usdt:./testprogs/uprobe_a:ufix:*' "usdt:./testprogs/uprobe_a:ufix:mem
usdt:./testprogs/uprobe_a:ufix:multi
usdt:./testprogs/uprobe_a:ufix:plain
usdt:./testprogs/uprobe_a:ufix:sema"
list "usdt ../relative" 'usdt:../testprogs/uprobe_b:*:plain' "usdt:../testprogs/uprobe_b:ufix:plain" sub
list "a shared object without the x bit" 'uprobe:./testprogs/libufix.so:ufix_*' \
	"uprobe:./testprogs/libufix.so:ufix_lib"
PATH="$T_TMP/other:$PATH" list "a bare program name through \$PATH" 'uprobe:uprobe_a:ufix_a*' \
	"uprobe:$T_TMP/other/uprobe_a:ufix_add" /
got=$("$SCRY" -lv 'usdt:./testprogs/uprobe_a:ufix:plain' | head -1)
expect_eq "-lv keeps the spelling" "usdt:./testprogs/uprobe_a:ufix:plain" "$got"
got=$("$SCRY" -e 'uprobe:./testprogs/nothing*:f { }' 2>&1)
expect_eq "a wildcard path that matches nothing: one error, exit 1" \
	"1 scry: error: stdin:1:1: './testprogs/nothing*' matches no executable or shared library" "$? $got"
