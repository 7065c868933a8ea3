#!/bin/sh
# watchpoint: hardware breakpoints on the watch_fix fixture's variable,
# written exactly N times (and wfix_other once), through the breakpoint PMU:
# the absolute form with -p, the function-argument form of bpftrace 0.17
# with -c and -p (each address watched once, the process held at the
# function until it is), asyncwatchpoint, bad specs refused at their place.
. "$TOP/tests/lib.sh"
need_root watchpoint
F="$FIXTURES/watch_fix"
if [ ! -x "$F" ]; then
	fail "fixture" "$F was not built"
	exit 0
fi
# The breakpoint PMU: a write watchpoint on a variable of our own
if ! "$SCRY" -e 'watchpoint:wfix_set+arg1:8:w { }' -c "$F 0" > /dev/null 2>&1; then
	skip "all" "no hardware breakpoints here (PERF_TYPE_BREAKPOINT)"
	exit 0
fi

# start N: the fixture waiting for a line on fd 7 (pid in $FPID, &wfix_var in $ADDR, &wfix_other in $OTHER)
start() {
	rm -f "$T_TMP/fifo"
	mkfifo "$T_TMP/fifo"
	"$F" "$1" wait < "$T_TMP/fifo" > "$T_TMP/addr" &
	FPID=$!
	exec 7> "$T_TMP/fifo"
	i=0
	while [ ! -s "$T_TMP/addr" ] && [ $i -lt 100 ]; do sleep 0.02; i=$((i + 1)); done
	ADDR=$(cut -d' ' -f1 "$T_TMP/addr")
	OTHER=$(cut -d' ' -f2 "$T_TMP/addr")
}

# trace PROG: scry -p on the waiting fixture, released once attached; output in $got
trace() {
	"$SCRY" -p "$FPID" -e "$1" > "$T_TMP/out" 2>&1 &
	SPID=$!
	i=0
	while ! grep -q '^Attaching' "$T_TMP/out" && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	echo go >&7
	exec 7>&-
	wait $SPID
	got=$(cat "$T_TMP/out")
}

start 25
trace "watchpoint:$ADDR:8:w { @[comm] = count(); }"
expect_eq "watchpoint:ADDR:8:w -p: 25 writes, 25 hits" "Attaching 1 probe...


@[watch_fix]: 25" "$got"

start 10
trace "watchpoint:$ADDR:8:rw { @ = count(); }"
expect_eq "mode rw: 10 writes and 10 reads" "Attaching 1 probe...


@: 20" "$got"

start 10
trace "watchpoint:$OTHER:8:w { @ = count(); }"
expect_eq "the next variable (wfix_other): written once" "Attaching 1 probe...


@: 1" "$got"

got=$("$SCRY" -e 'watchpoint:wfix_set+arg1:8:w { @[comm] = count(); }' -c "$F 7" 2>&1 | sed 1,2d)
expect_eq "watchpoint:FUNC+arg1 -c: 7 writes of wfix_var and 1 of wfix_other" "

@[watch_fix]: 8" "$got"

ok=1
for k in 1 2 3 4 5; do
	got=$("$SCRY" -e 'watchpoint:wfix_set+arg1:8:w { @ = count(); }' -c "$F 40" 2>&1 | tail -1)
	[ "$got" = "@: 41" ] || { ok=0; break; }
done
[ $ok = 1 ] && pass "five runs of 40 writes: 41 hits each time" || fail "five runs of 40 writes" "$got"

start 12
trace 'watchpoint:wfix_set+arg1:8:w { @ = count(); }'
expect_eq "watchpoint:FUNC+arg1 -p: 12 + 1 hits" "Attaching 1 probe...


@: 13" "$got"

got=$("$SCRY" -e 'asyncwatchpoint:wfix_set+arg1:8:w { @ = count(); }' -c "$F 7" 2>&1)
n=$(printf '%s\n' "$got" | sed -n 's/^@: //p')
if [ -z "$n" ] || [ "$n" -le 8 ]; then
	pass "asyncwatchpoint: at most 8 hits (the process is not held), status 0"
else
	fail "asyncwatchpoint: at most 8 hits" "$got"
fi

got=$("$SCRY" -e 'watchpoint:wfix_set+arg1:8:w { }' 2>&1)
expect_eq "the function form without -p or -c is refused" \
	"scry: error: watchpoint:wfix_set+arg1: the function is the traced program's: give -p PID or -c CMD" \
	"$got"
"$SCRY" -e 'watchpoint:0x1000:3:w { }' > "$T_TMP/out" 2>&1
expect_eq "length 3 is refused with status 1" 1 $?
expect_eq "... at its place" "stdin:1:1: error: invalid length '3' in watchpoint 'watchpoint:0x1000:3:w'" \
	"$(head -1 "$T_TMP/out")"
"$SCRY" -e 'watchpoint:0x1000:8:wq { }' > "$T_TMP/out" 2>&1
expect_eq "mode q is refused" "stdin:1:1: error: invalid watchpoint mode 'wq'" "$(head -1 "$T_TMP/out")"
"$SCRY" -e 'watchpoint:nosuch+arg1:8:w { }' -c "$F 1" > "$T_TMP/out" 2>&1
expect_eq "a missing function is refused with status 1" 1 $?
