#!/bin/sh
# uprobe arguments by name and uretprobe return values, typed from the
# traced binary's DWARF (sym/dwarf.c), on tests/fixtures/dwarf_fix.c built
# here (-g -O0, frame pointers): -lv lists each parameter with its C type,
# args.N / args->N print the exact values the fixture passed, retval has the
# function's type; the same with the fixture stripped and its debug
# information found by build id (a root given in $SCRY_DEBUG_ROOT, and
# /usr/lib/debug itself), by .gnu_debuglink (next to it and in .debug/), and
# as split DWARF (.dwo, .dwp).  A corrupted DWARF gets one error naming the
# file, exit status 1.
. "$TOP/tests/lib.sh"
need_root uprobe_dwarf

SRC=$TOP/tests/fixtures/dwarf_fix.c
CFLAGS_FIX="-g -O0 -fno-omit-frame-pointer"
D=$T_TMP
if ! cc $CFLAGS_FIX -Wl,--build-id -o "$D/dwarf_fix" "$SRC"; then
	skip "uprobe_dwarf" "cannot build the fixture"
	exit 0
fi
BIN=$D/dwarf_fix

# run NAME EXPECTED PROG BIN: scry -q -c "BIN 3", empty lines dropped
run() {
	# (another helper's killed scry may leave a warning behind: not ours)
	out=$(SCRY_DEBUG_ROOT=${ROOT:-} "$SCRY" -q -e "$3" -c "$4 3" 2>"$D/run.err" | grep -v '^$'
	      grep -v '^scry: warning: cannot remove' "$D/run.err")
	expect_eq "$1" "$2" "$out"
}

listing() {	# BIN: what -lv prints for its dw_* functions
	printf '%s\n' "uprobe:$1:dw_bar" "    struct dw_bar** bb" "    int k" \
		"uprobe:$1:dw_foo" "    struct dw_foo* foo1" "    const char* s" \
		"uprobe:$1:dw_ints" "    int n" "    long int m" "    unsigned char c" "    dw_ulong t" \
		"uprobe:$1:dw_short" "    short int v" "uprobe:$1:dw_void"
}

ints() {	# BIN: the program reading dw_ints' arguments by name
	printf 'uprobe:%s:dw_ints { printf("%%d %%d %%u %%lu\\n", args.n, args->m, args.c, args.t); }' "$1"
}
INTS_OUT="0 -5 200 1000000000000
1 -6 201 1000000000001
2 -7 202 1000000000002"

# check LABEL BIN: the listing, args by name, a string argument
check() {
	out=$(SCRY_DEBUG_ROOT=${ROOT:-} "$SCRY" -lv "uprobe:$2:dw_*" 2>&1)
	expect_eq "$1: -lv lists the parameters with their C types" "$(listing "$2")" "$out"
	run "$1: args.n, args->m of dw_ints" "$INTS_OUT" "$(ints "$2")" "$2"
}

check "in the binary" "$BIN"

run "print(args.n)" "0
1
2" "uprobe:$BIN:dw_ints { print(args.n); }" "$BIN"

run "str(args.s): a const char * argument" "str-arg
str-arg
str-arg" "uprobe:$BIN:dw_foo { printf(\"%s\\n\", str(args.s)); }" "$BIN"

run "retval has the function's type (short: -1, not 65535)" "-1
-2
-3" "uretprobe:$BIN:dw_short { print(retval); }" "$BIN"

run "args in a map key and a filter" "@[201]: 1" \
	"uprobe:$BIN:dw_ints /args.n == 1/ { @[args.c] = count(); }" "$BIN"

# Through pointers: the struct-access code generator (lang/types, codegen).
deref() {	# NAME EXPECTED PROG
	out=$("$SCRY" -q -e "$3" -c "$BIN 3" 2>"$D/deref.err" | grep -v '^$'
	      grep -v '^scry: warning: cannot remove' "$D/deref.err")
	case $out in
	*"not supported by scry's code generator"*)
		skip "$1" "the code generator does not read struct fields through pointers yet" ;;
	*) expect_eq "$1" "$2" "$out" ;;
	esac
}
deref "args.foo1->a" "42
43
44" "uprobe:$BIN:dw_foo { print(args.foo1->a); }"
deref "str(args.foo1->name): a string member" "dwarf-name
dwarf-name
dwarf-name" "uprobe:$BIN:dw_foo { printf(\"%s\\n\", str(args.foo1->name)); }"
deref "args.foo1->in.y: a nested struct" "-6
-6
-6" "uprobe:$BIN:dw_foo { print(args.foo1->in.y); }"
deref "print(args.foo1->tag): a char[N] member" "tagged
tagged
tagged" "uprobe:$BIN:dw_foo { print(args.foo1->tag); }"
deref "print(args.foo1->in): a whole struct" "{ .x = 5, .y = -6 }
{ .x = 5, .y = -6 }
{ .x = 5, .y = -6 }" "uprobe:$BIN:dw_foo { print(args.foo1->in); }"
deref "(*args.bb)->u: a pointer to a pointer" "3
3
3" "uprobe:$BIN:dw_bar { print((*args.bb)->u); }"
deref "(struct dw_foo *)arg0: the binary's struct, not defined in the script" "-7
-7
-7" "uprobe:$BIN:dw_foo { print(((struct dw_foo *)arg0)->b); }"

# Stripped, the debug information in a separate file found by build id.
mkdir -p "$D/bid" "$D/root"
cp "$BIN" "$D/bid/dwarf_fix"
id=$(readelf -n "$BIN" | awk '/Build ID/ { print $3 }')
idd=$(echo "$id" | cut -c1-2)
idf=$(echo "$id" | cut -c3-)
mkdir -p "$D/root/.build-id/$idd"
objcopy --only-keep-debug "$BIN" "$D/root/.build-id/$idd/$idf.debug"
strip -g "$D/bid/dwarf_fix"
if readelf -S "$D/bid/dwarf_fix" | grep -q debug_info; then
	fail "strip -g left .debug_info"
fi
out=$("$SCRY" -e "uprobe:$D/bid/dwarf_fix:dw_ints { print(args.n); }" 2>&1)
expect_eq "stripped, no debug file: one located error" "stdin:1:$(( ${#D} + 39 )): error: 'args' needs the debug information of '$D/bid/dwarf_fix': none found (in the binary, by build id, by debuglink)
uprobe:$D/bid/dwarf_fix:dw_ints { print(args.n); }
$(printf "%$(( ${#D} + 38 ))s" '')^~~~
hint: build it with -g, or install its debug package" "$out"
ROOT=$D/root check "by build id (SCRY_DEBUG_ROOT)" "$D/bid/dwarf_fix"

# ... and in /usr/lib/debug itself, removed afterwards (never over a file that is there).
sys=/usr/lib/debug/.build-id/$idd/$idf.debug
if [ -e "$sys" ]; then
	skip "by build id in /usr/lib/debug" "$sys exists already"
else
	made_dir=
	[ -d "/usr/lib/debug/.build-id/$idd" ] || made_dir=/usr/lib/debug/.build-id/$idd
	if mkdir -p "/usr/lib/debug/.build-id/$idd" && cp "$D/root/.build-id/$idd/$idf.debug" "$sys"; then
		trap 'rm -f "$sys"; [ -n "$made_dir" ] && rmdir "$made_dir" 2>/dev/null; rm -rf "$T_TMP"' EXIT
		ROOT= check "by build id in /usr/lib/debug" "$D/bid/dwarf_fix"
		rm -f "$sys"
		[ -n "$made_dir" ] && rmdir "$made_dir" 2>/dev/null
		trap 'rm -rf "$T_TMP"' EXIT
	else
		skip "by build id in /usr/lib/debug" "cannot write there"
	fi
fi

# By .gnu_debuglink (no build id): next to the binary, then in .debug/.
mkdir -p "$D/dl"
cc $CFLAGS_FIX -Wl,--build-id=none -o "$D/dl/dwarf_fix" "$SRC"
objcopy --only-keep-debug "$D/dl/dwarf_fix" "$D/dl/dwarf_fix.debug"
strip -g "$D/dl/dwarf_fix"
objcopy --add-gnu-debuglink="$D/dl/dwarf_fix.debug" "$D/dl/dwarf_fix"
check "by debuglink, next to it" "$D/dl/dwarf_fix"
mkdir -p "$D/dl/.debug"
mv "$D/dl/dwarf_fix.debug" "$D/dl/.debug/"
check "by debuglink, in .debug/" "$D/dl/dwarf_fix"
# a debug file whose CRC does not match is not taken
printf 'x' >> "$D/dl/.debug/dwarf_fix.debug"
out=$("$SCRY" -lv "uprobe:$D/dl/dwarf_fix:dw_short" 2>&1)
expect_eq "by debuglink: a file with another CRC is ignored" "uprobe:$D/dl/dwarf_fix:dw_short" "$out"

# Split DWARF: the skeleton in the binary, the rest in a .dwo, then a .dwp.
mkdir -p "$D/split"
if (cd "$D/split" && cc $CFLAGS_FIX -gsplit-dwarf -o dwarf_fix "$SRC") &&
   [ -n "$(ls "$D/split"/*.dwo 2>/dev/null)" ]; then
	check "split DWARF (.dwo)" "$D/split/dwarf_fix"
	# binutils' dwp reads DWARF 4 (llvm-dwp 14 can hang on gcc's output)
	mkdir -p "$D/dwp"
	if command -v dwp > /dev/null &&
	   (cd "$D/dwp" && cc $CFLAGS_FIX -gdwarf-4 -gsplit-dwarf -o dwarf_fix "$SRC" &&
	    timeout 30 dwp -e dwarf_fix -o dwarf_fix.dwp); then
		rm -f "$D/dwp"/*.dwo
		check "split DWARF (.dwp)" "$D/dwp/dwarf_fix"
	else
		skip "split DWARF (.dwp)" "no binutils dwp"
	fi
else
	skip "split DWARF" "the compiler makes no .dwo"
fi

# A corrupted .debug_info: one error naming the file, exit 1, nothing attached.
cp "$BIN" "$D/bad"
off=$(readelf -SW "$D/bad" | sed -n 's/^ *\[ *[0-9]*\] \.debug_info  *[A-Z]*  *[0-9a-f]*  *\([0-9a-f]*\) .*/\1/p')
printf '\377\377\377\377\377\377\377\377\377\377\377\377' |
	dd of="$D/bad" bs=1 seek=$((0x$off)) conv=notrunc 2>/dev/null
"$SCRY" -lv "uprobe:$D/bad:dw_ints" > "$D/out" 2> "$D/err"
expect_eq "corrupted DWARF: -lv" "rc=1 stdout=0 scry: error: '$D/bad': corrupted DWARF: invalid DWARF version" \
	"rc=$? stdout=$(wc -c < "$D/out") $(cat "$D/err")"
"$SCRY" -e "uprobe:$D/bad:dw_ints { print(args.n); }" > "$D/out" 2> "$D/err"
rc=$?
expect_eq "corrupted DWARF: a program using args" "rc=1 scry: error: '$D/bad': corrupted DWARF: invalid DWARF version" \
	"rc=$rc $(head -1 "$D/err")"
