#!/bin/sh
# scry stat against the live kernel: a fixture making exactly N getppid()
# calls must be counted exactly N times through the syscall tracepoint; the
# default set prints perf stat's layout (compared line by line with perf's
# own output, numbers masked); -I rows come at the interval; -f json parses;
# cycles without a PMU is said in one sentence and falls back to cpu-clock.
. "$TOP/tests/lib.sh"
need_root stat

F="$FIXTURES/getppid_loop"
if [ ! -x "$F" ]; then
	fail "fixture" "$F was not built"
	exit 0
fi

if "$SCRY" stat --help | grep -q '^usage: scry stat'; then pass "--help"; else fail "--help"; fi
"$SCRY" stat -e no-such-event -c true >/dev/null 2>"$T_TMP/err"
expect_eq "unknown event: status 1" 1 $?
expect_eq "unknown event: one sentence" "scry stat: error: unknown event 'no-such-event' (see 'scry list')" "$(cat "$T_TMP/err")"
"$SCRY" stat -a -p 1 >/dev/null 2>&1
expect_eq "-a and -p exclude each other" 1 $?
"$SCRY" stat >/dev/null 2>&1
expect_eq "no target refused" 1 $?

# exact count of the first counter, page faults counted too
"$SCRY" stat -e syscalls:sys_enter_getppid,page-faults -c "$F 777" 2>"$T_TMP/out"
n=$(awk '$2 == "syscalls:sys_enter_getppid" { print $1 }' "$T_TMP/out")
expect_eq "777 getppid calls counted" 777 "$n"
pf=$(awk '$2 == "page-faults" { print $1 }' "$T_TMP/out")
if [ "${pf:-0}" -gt 0 ]; then pass "page faults counted ($pf)"; else fail "page faults counted" "$(cat "$T_TMP/out")"; fi

# bpftrace's spelling, wildcard counted per event, inherited by children
"$SCRY" stat -e 'tracepoint:syscalls:sys_enter_getpp*' -c "sh -c '$F 300; $F 200'" 2>"$T_TMP/out"
n=$(awk '$2 == "syscalls:sys_enter_getppid" { print $1 }' "$T_TMP/out")
"$SCRY" stat -e 'tracepoint:syscalls:sys_enter_getpp*' -c "sh -c ':; :'" 2>"$T_TMP/out0"
n0=$(awk '$2 == "syscalls:sys_enter_getppid" { print $1 }' "$T_TMP/out0")
expect_eq "wildcard, bpftrace spelling, children inherited (sh calls getppid $n0 times)" $((500 + n0)) "$n"
"$SCRY" stat -e 'syscalls:sys_enter_*' -- "$F" 5 2>"$T_TMP/out"
n=$(grep -c 'syscalls:sys_enter_' "$T_TMP/out")
if [ "$n" -gt 300 ]; then pass "syscalls:sys_enter_* is one counter per event ($n)"; else fail "sys_enter_* per event" "$n lines"; fi
n=$(awk '$2 == "syscalls:sys_enter_getppid" { print $1 }' "$T_TMP/out")
expect_eq "sys_enter_* counts getppid exactly" 5 "$n"

# perf stat's layout: the same lines as perf's own, numbers masked
mask() { sed -E 's/[0-9]+(\.[0-9]+)?/N/g; s/ +/ /g; s/ (K|M|G)?\/sec/ \/sec/; s/ $//'; }
"$SCRY" stat -- "$F" 10 2>"$T_TMP/scry"
expect_eq "default set: exit status" 0 $?
if command -v perf >/dev/null 2>&1; then
	perf stat -- "$F" 10 2>"$T_TMP/perf" >/dev/null
	expect_eq "default set: perf stat's layout" "$(sed 's|getppid_loop|X|' "$T_TMP/perf" | mask)" "$(sed 's|getppid_loop|X|' "$T_TMP/scry" | mask)"
	perf stat -r 3 -e page-faults,task-clock -- "$F" 1000 2>"$T_TMP/perf" >/dev/null
	"$SCRY" stat -r 3 -e page-faults,task-clock -- "$F" 1000 2>"$T_TMP/scry"
	expect_eq "-r 3: perf stat's layout" "$(mask < "$T_TMP/perf" | sed 's/ ( +- N% )//')" "$(mask < "$T_TMP/scry" | sed 's/ ( +- N% )//')"
else
	skip "perf stat's layout" "no perf"
fi
widths=$(awk 'length($0) > 0 && /#/ { print index($0, "#") }' "$T_TMP/scry" | sort -u)
expect_eq "the '#' column (58th)" 58 "$widths"

# -I 100: rows at 100 ms steps, then the last partial one
"$SCRY" stat -I 100 -e page-faults -c "$F 0 450" 2>"$T_TMP/out"
expect_eq "-I header" "#           time             counts unit events" "$(head -1 "$T_TMP/out")"
steps=$(awk 'NR > 1 { print $1 }' "$T_TMP/out" | head -4)
expect_eq "-I 100 steps" "$(printf '0.100000000\n0.200000000\n0.300000000\n0.400000000')" "$steps"

# -f json: one object per counter, each parses
"$SCRY" stat -f json -e syscalls:sys_enter_getppid,task-clock -c "$F 42" 2>"$T_TMP/out"
if command -v python3 >/dev/null 2>&1; then
	got=$(python3 -c '
import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    print(o["event"], o["counter-value"].split(".")[0] if o["event"] != "task-clock" else "ms", o["unit"])
' "$T_TMP/out" 2>&1)
	expect_eq "-f json parses" "$(printf 'syscalls:sys_enter_getppid 42 \ntask-clock ms msec')" "$got"
else
	skip "-f json parses" "no python3"
fi

# cycles: one sentence, then cpu-clock, as perf does
if "$SCRY" stat -e cycles -c true 2>"$T_TMP/out"; then
	if grep -q 'no hardware counters' "$T_TMP/out"; then
		expect_eq "cycles: one sentence" 1 "$(grep -c 'not supported here' "$T_TMP/out")"
		if grep -q ' msec cpu-clock ' "$T_TMP/out"; then pass "cycles falls back to cpu-clock"; else fail "cycles falls back" "$(cat "$T_TMP/out")"; fi
	else
		if grep -q ' cycles ' "$T_TMP/out"; then pass "cycles counted (this machine has a PMU)"; else fail "cycles" "$(cat "$T_TMP/out")"; fi
	fi
else
	fail "cycles" "$(cat "$T_TMP/out")"
fi

# -a and -p
"$SCRY" stat -a -e context-switches -- sleep 0.1 2>"$T_TMP/out"
if grep -q "for 'system wide'" "$T_TMP/out" && awk '$2 == "context-switches" { exit !($1 > 0) }' "$T_TMP/out"; then
	pass "-a counts the system"; else fail "-a" "$(cat "$T_TMP/out")"; fi
"$F" 0 600 &
bg=$!
sleep 0.1
"$SCRY" stat -p $bg -e context-switches 2>"$T_TMP/out"
wait $bg
if grep -q "for process id '$bg'" "$T_TMP/out" && awk '$2 == "context-switches" { exit !($1 > 10) }' "$T_TMP/out"; then
	pass "-p PID until it ends"; else fail "-p" "$(cat "$T_TMP/out")"; fi
# the command's status is scry's
"$SCRY" stat -e page-faults -c false 2>/dev/null
expect_eq "the command's exit status" 1 $?
