#!/bin/sh
# uprobe / uretprobe on the uprobe_fix fixture (tests/fixtures/build-uprobe.sh):
# exact hit counts, arguments and return values; FUNC+OFF and 0xADDR; a
# shared library by path and, with -p, by short name; libc by short name;
# wildcards (uprobe_multi where the kernel has it); -p ignores a second
# process; -c catches main; the errors, one line each, leaving nothing.
. "$TOP/tests/lib.sh"
need_root uprobe

F=$FIXTURES
BIN=$F/uprobe_fix
if [ ! -x "$BIN" ]; then
	skip "uprobe" "fixtures not built (no <sys/sdt.h>: install systemtap-sdt-dev)"
	exit 0
fi
# Ours only: other engineers' tests may load other scry programs meanwhile.
loaded() { bpftool prog show 2>/dev/null | grep -o 'name scry_u[a-z]*' | sort; }
TR=/sys/kernel/tracing
[ -f $TR/uprobe_events ] || TR=/sys/kernel/debug/tracing
before=$(loaded)

# run NAME EXPECTED PROG CMD: scry -c CMD, maps only (the command's output and "Attaching" dropped)
run() {
	out=$("$SCRY" -q -e "$3" -c "$4" 2>&1 | grep -v -e '^semaphore: ' -e '^$')
	expect_eq "$1" "$2" "$out"
}

run "uprobe: 5 calls, sums of arg0 and arg1" "@a: 10
@b: 5010
@n: 5" "uprobe:$BIN:ufix_add { @n = count(); @a = sum(arg0); @b = sum(arg1); }" "$BIN 5"

run "uretprobe: return values" "@max: 1008
@r: 5020" "uretprobe:$BIN:ufix_add { @r = sum(retval); @max = max(retval); }" "$BIN 5"

run "str(arg0) reads a user string" "hello-scry" \
	"uprobe:$BIN:ufix_str { printf(\"%s\\n\", str(arg0)); }" "$BIN 2"

run "-c: a probe in main fires" "@: 1" "uprobe:$BIN:main { @ = count(); }" "$BIN 1"

# FUNC+OFF: the second instruction of ufix_add, as objdump decodes it
addr=$(nm "$BIN" | awk '$3 == "ufix_add" { print $1 }')
second=$(objdump -d --no-show-raw-insn "$BIN" | awk -v a="$(printf '%x' 0x$addr):" '
	$1 == a { f = 1; next } f && /^ *[0-9a-f]+:/ { sub(":", "", $1); print $1; exit }')
if [ -n "$addr" ] && [ -n "$second" ]; then
	off=$(( 0x$second - 0x$addr ))
	run "uprobe FUNC+$off (second instruction)" "@: 4" "uprobe:$BIN:ufix_add+$off { @ = count(); }" "$BIN 4"
	run "uprobe 0xADDR (ufix_add's address)" "@: 3
@n: 3" "uprobe:$BIN:0x$addr { @ = sum(arg0); @n = count(); }" "$BIN 3"
else
	skip "FUNC+OFF, 0xADDR" "no nm/objdump output for ufix_add"
fi

run "shared library by path: args and retval" "@a: 6
@r: 10" "uprobe:$F/libufix.so:ufix_lib { @a = sum(arg0); } uretprobe:$F/libufix.so:ufix_lib { @r = sum(retval); }" "$BIN 4"

run "libc by short name, -c restricts to the command" "@: 1" "uprobe:libc:printf { @ = count(); }" "$BIN 3"

run "wildcard with probe: one count per function" "@[uprobe:$BIN:ufix_str]: 1
@[uprobe:$BIN:ufix_add]: 3
@[uprobe:$BIN:ufix_sema]: 3" "uprobe:$BIN:ufix_[as]* { @[probe] = count(); }" "$BIN 3"

run "wildcard (uprobe_multi when available): 3+3+1 hits" "@: 7" \
	"uprobe:$BIN:ufix_[as]* { @ = count(); }" "$BIN 3"

run "uretprobe wildcard" "@: 3" "uretprobe:$BIN:ufix_ad? { @ = count(); }" "$BIN 3"

# -p: two processes of the same binary, only the first one counted.
mkfifo "$T_TMP/in1" "$T_TMP/in2"
"$BIN" 4 wait < "$T_TMP/in1" > "$T_TMP/o1" &
p1=$!
"$BIN" 6 wait < "$T_TMP/in2" > "$T_TMP/o2" &
p2=$!
exec 7>"$T_TMP/in1" 8>"$T_TMP/in2"
for i in $(seq 50); do grep -q ready "$T_TMP/o1" && grep -q ready "$T_TMP/o2" && break; sleep 0.1; done
"$SCRY" -p $p1 -e "uprobe:$BIN:ufix_add { @n = count(); } uprobe:libufix:ufix_lib { @l = sum(arg0); }
	uprobe:$BIN:ufix_[as]* { @w = count(); }" > "$T_TMP/p.out" 2>&1 &
sp=$!
for i in $(seq 50); do grep -q Attaching "$T_TMP/p.out" && break; sleep 0.1; done
multi=$(bpftool link show 2>/dev/null | grep -c 'uprobe_multi\|type 12')
echo go >&7
echo go >&8
exec 7>&- 8>&-
wait $p1 $p2
kill -INT $sp
wait $sp
expect_eq "-p: only the first process (4 calls, not 6), libufix by short name through its mappings" \
	"Attaching 3 probes...


@l: 6
@n: 4
@w: 9" "$(cat "$T_TMP/p.out")"
if "$SCRY" info 2>/dev/null | grep -q "uprobe_multi: yes"; then
	if [ "$multi" -ge 1 ]; then pass "the wildcard used a uprobe_multi link"; else fail "the wildcard used a uprobe_multi link" "bpftool link show: no uprobe_multi link"; fi
else
	skip "uprobe_multi link" "this kernel has no uprobe_multi"
fi

# Errors: one line, exit 1, nothing attached.
err() {	# name prog expected-line
	"$SCRY" -e "$2" > "$T_TMP/e.out" 2> "$T_TMP/e.err"
	st=$?
	expect_eq "$1: exit 1" 1 $st
	expect_eq "$1: one line" "$3" "$(cat "$T_TMP/e.err")"
}
err "no such function, did you mean" "uprobe:$BIN:ufix_adx { @ = count(); }" \
	"scry: error: stdin:1:1: no function 'ufix_adx' in '$BIN': did you mean 'ufix_add'?"
err "no such binary" "BEGIN { } uprobe:/nonexistent/prog:f { @ = count(); }" \
	"scry: error: stdin:1:11: '/nonexistent/prog': no such file"
err "no such library" "uprobe:libnosuchlib:f { @ = count(); }" \
	"scry: error: stdin:1:1: 'libnosuchlib': no such file, program in \$PATH or library"
err "stripped binary" "uprobe:${BIN}_stripped:ufix_add { @ = count(); }" \
	"scry: error: stdin:1:1: '${BIN}_stripped' has no function symbols (stripped?): probe an address instead, uprobe:${BIN}_stripped:0xADDR"
err "offset past the function" "uprobe:$BIN:ufix_add+100000 { @ = count(); }" \
	"$(printf "scry: error: stdin:1:1: offset 0x186a0 is past the end of 'ufix_add' (%d bytes)" \
		$(( 0x$(nm -S "$BIN" | awk '$4 == "ufix_add" { print $2 }') )) )"
err "wildcard matching nothing" "uprobe:$BIN:nope_* { @ = count(); }" \
	"scry: error: stdin:1:1: no function matches 'nope_*' in '$BIN'"

# A closed uprobe_multi link frees its program after an RCU grace period: give it time.
for i in $(seq 50); do
	[ "$(loaded)" = "$before" ] && ! bpftool prog show 2>/dev/null | grep -q scry_feat_um && break
	sleep 0.1
done
wait_released
expect_eq "nothing left loaded" "$before" "$(loaded)"
expect_eq "no uprobe event left in tracefs" "" "$(grep -i scry $TR/uprobe_events 2>/dev/null)"
