#!/bin/sh
# USDT probes on the uprobe_fix fixture (tests/fixtures/build-uprobe.sh):
# arguments of every kind (registers of several widths, immediates, memory
# operands with base/index/scale, rip-relative globals, signed and unsigned
# sizes), a probe at three sites with different argument locations, a
# probe in a shared library, usdt:BIN:NAME, usdt:*:PROV:NAME with -p, -p
# ignoring a second process, the semaphore raised only while traced, and
# a probe that does not exist.
. "$TOP/tests/lib.sh"
need_root usdt

F=$FIXTURES
BIN=$F/uprobe_fix
if [ ! -x "$BIN" ]; then
	skip "usdt" "fixtures not built (no <sys/sdt.h>: install systemtap-sdt-dev)"
	exit 0
fi
loaded() { bpftool prog show 2>/dev/null | grep -o 'name scry_u[a-z]*' | sort; }
before=$(loaded)

# run NAME EXPECTED PROG CMD: the output of scry -q -c CMD, blank lines dropped, the
# command's own "semaphore: N" line last (it races with scry's output)
run() {
	out=$("$SCRY" -q -e "$3" -c "$4" 2>&1 | grep -v '^$')
	out=$(printf '%s\n' "$out" | grep -v '^semaphore: '; printf '%s\n' "$out" | grep '^semaphore: ')
	expect_eq "$1" "$2" "$out"
}

run "plain: -4@%ebx -8@%rax 1@\$-56 (signed, 64-bit, unsigned byte immediate)" "0 0 200
1 -1 200
2 -2 200
semaphore: 0" "usdt:$BIN:ufix:plain { printf(\"%d %d %d\\n\", arg0, arg1, arg2); }" "$BIN 3"

run "mem (-O2): base+index*8, rip-relative short and signed char" "10 -300 -5 -20
-20 -300 -5 30
30 -300 -5 -40
-40 -300 -5 10
semaphore: 0" "usdt:$BIN:ufix:mem { printf(\"%d %d %d %d\\n\", arg0, arg1, arg2, arg3); }" "$BIN 4"

run "three sites, three argument places (i, 2i, \$7)" "@[1]: 1
@[4]: 1
@[0]: 2
@[2]: 2
@[7]: 3
semaphore: 0" "usdt:$BIN:ufix:multi { @[arg0] = count(); }" "$BIN 3"

run "three sites without arguments: one program" "@: 12
semaphore: 0" "usdt:$BIN:ufix:multi { @ = count(); }" "$BIN 4"

run "usdt:BIN:NAME (any provider)" "@: 3
semaphore: 0" "usdt:$BIN:plain { @ = count(); }" "$BIN 3"

run "shared library probe" "@: 303
semaphore: 0" "usdt:$F/libufix.so:ufixlib:lib_probe { @ = sum(arg0); }" "$BIN 3"

# Semaphore: down before, up (and the probe firing) while traced, down after.
expect_eq "semaphore down before tracing" "semaphore: 0" "$("$BIN" 3)"
run "semaphore up while traced; the probe's args" "0 0
1 3
2 6
semaphore: 3" "usdt:$BIN:ufix:sema { printf(\"%d %d\\n\", arg0, arg1); }" "$BIN 3"
expect_eq "semaphore down after scry exits" "semaphore: 0" "$("$BIN" 3)"

# System-wide (no -p, no -c): a process started later sees the semaphore up.
"$SCRY" -e "usdt:$BIN:ufix:sema { @ = count(); }" > "$T_TMP/sw.out" 2>&1 &
sp=$!
for i in $(seq 50); do grep -q Attaching "$T_TMP/sw.out" && break; sleep 0.1; done
expect_eq "system-wide: a new process sees the semaphore up" "semaphore: 2" "$("$BIN" 2)"
kill -INT $sp
wait $sp
expect_eq "system-wide: counted" "@: 2" "$(grep '^@' "$T_TMP/sw.out")"
expect_eq "system-wide: semaphore down after" "semaphore: 0" "$("$BIN" 2)"

# -p with a wildcard binary: the executable and its library; a second process ignored.
mkfifo "$T_TMP/in1" "$T_TMP/in2"
"$BIN" 3 wait < "$T_TMP/in1" > "$T_TMP/o1" &
p1=$!
"$BIN" 5 wait < "$T_TMP/in2" > "$T_TMP/o2" &
p2=$!
exec 7>"$T_TMP/in1" 8>"$T_TMP/in2"
for i in $(seq 50); do grep -q ready "$T_TMP/o1" && grep -q ready "$T_TMP/o2" && break; sleep 0.1; done
"$SCRY" -p $p1 -e "usdt:*:ufix:plain { @p = count(); } usdt:*:ufixlib:lib_probe { @l = sum(arg0); }
	usdt:*:ufix:sema { @s = count(); }" > "$T_TMP/p.out" 2>&1 &
sp=$!
for i in $(seq 50); do grep -q Attaching "$T_TMP/p.out" && break; sleep 0.1; done
echo go >&7
echo go >&8
exec 7>&- 8>&-
wait $p1 $p2
kill -INT $sp
wait $sp
expect_eq "-p usdt:*: only the traced process, library included" "Attaching 3 probes...


@l: 303
@p: 3
@s: 3" "$(cat "$T_TMP/p.out")"
expect_eq "-p: the traced process saw its semaphore" "semaphore: 3" "$(grep semaphore "$T_TMP/o1")"
expect_eq "-p: the other process did not" "semaphore: 0" "$(grep semaphore "$T_TMP/o2")"

# Errors
"$SCRY" -e "usdt:$BIN:ufix:plian { @ = count(); }" > /dev/null 2> "$T_TMP/e.err"
expect_eq "no such probe: exit 1" 1 $?
expect_eq "no such probe: one line, did you mean" \
	"scry: error: stdin:1:1: no USDT probe 'ufix:plian' in '$BIN': did you mean 'ufix:plain'?" \
	"$(cat "$T_TMP/e.err")"
prefix="usdt:$BIN:ufix:plain { @ = "
"$SCRY" -e "${prefix}arg5; }" > /dev/null 2> "$T_TMP/e.err"
expect_eq "argument the site does not have: exit 1" 1 $?
expect_eq "argument the site does not have: one line" \
	"scry: error: stdin:1:$(( ${#prefix} + 1 )): 'arg5': usdt probe 'ufix:plain' has 3 arguments at this site" \
	"$(cat "$T_TMP/e.err")"
"$SCRY" -e "usdt:*:ufix:plain { @ = count(); }" > /dev/null 2> "$T_TMP/e.err"
expect_eq "usdt:* without -p: exit 1" 1 $?
expect_eq "usdt:* without -p: one line" \
	"scry: error: stdin:1:1: a wildcard binary '*' needs -p PID (the binaries that process maps)" \
	"$(cat "$T_TMP/e.err")"
expect_eq "no semaphore left raised" "semaphore: 0" "$("$BIN" 1)"
wait_released
expect_eq "nothing left loaded" "$before" "$(loaded)"
