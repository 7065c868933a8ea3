#!/bin/sh
# Probe lists and the order bpftrace guarantees (its *_order runtime cases):
# comma lists mixing probe types ('BEGIN,END', tracepoint + rawtracepoint),
# BEGIN before every other probe, BEGIN and END probes in script order, END
# after every other probe, two probes on one event in script order
# (tracepoint, rawtracepoint, uprobe, interval); rawtracepoint wildcards and
# the vmlinux module.  Fixtures: 'sysfix 50' (25 getppid calls), uprobe_fix.
. "$TOP/tests/lib.sh"
need_root probe_order
F="$FIXTURES/sysfix"

got=$("$SCRY" -e 'BEGIN,END { printf("Hello\n"); exit(); }' 2>&1)
expect_eq "BEGIN,END: one body, both probes" "Attaching 2 probes...
Hello
Hello" "$got"

got=$("$SCRY" -e 'BEGIN { printf("a\n"); } END { printf("c\n"); } BEGIN { printf("b\n"); }
	END { printf("d\n"); } BEGIN { exit(); }' 2>&1)
expect_eq "BEGIN and END probes run in script order" "Attaching 5 probes...
a
b
c
d" "$got"

got=$("$SCRY" -e 'tracepoint:syscalls:sys_enter_getppid,rawtracepoint:sched_process_exit,END
	/pid == cpid || probe == "END"/ { @[probe] = count(); }' -c "$F 50" 2>&1)
expect_eq "tracepoint, rawtracepoint and END in one list" "Attaching 3 probes...


@[END]: 1
@[rawtracepoint:sched_process_exit]: 1
@[tracepoint:syscalls:sys_enter_getppid]: 25" "$got"

# (getppid returns scry's pid, which is ppid in the fixture; it is nr 110 on x86-64)
# Every syscall of scry itself (the BPF_PROG_TEST_RUN that runs BEGIN too)
# would reach sys_enter before BEGIN if it were attached first.
got=$("$SCRY" -e 'rawtracepoint:sys_enter { if (@began == 0) { @early = count(); } @n = 1; }
	BEGIN { @began = 1; } interval:ms:100 { exit(); } END { printf("early %d\n", @early); }' 2>&1 |
	sed -n 2p)
expect_eq "BEGIN runs before any other probe fires" "early 0" "$got"

got=$("$SCRY" -e 'interval:ms:10 { printf("tick\n"); } interval:ms:105 { exit(); }
	END { printf("end\n"); }' 2>&1 | grep -v '^$' | tail -1)
expect_eq "END's output comes after every other probe's" "end" "$got"

got=$("$SCRY" -e 'tracepoint:syscalls:sys_enter_getppid /pid == cpid/ { printf("first"); }
	tracepoint:syscalls:sys_enter_getppid /pid == cpid/ { printf(" second\n"); }' \
	-c "$F 6" 2>&1)
expect_eq "tracepoint_order: two probes on one tracepoint, in script order" "Attaching 2 probes...
first second
first second
first second" "$got"

got=$("$SCRY" -e 'rawtracepoint:sys_exit /pid == cpid && arg1 == 1000/ { printf("first"); }
	rawtracepoint:sys_exit /pid == cpid && arg1 == 1000/ { printf(" second\n"); }' \
	-c "$F 1000" 2>&1)
expect_eq "rawtracepoint_order: in script order" "Attaching 2 probes...
first second" "$got"

got=$("$SCRY" -e 'interval:ms:50 { printf("first"); } interval:ms:50 { printf(" second\n"); exit(); }' 2>&1)
case "$got" in
"Attaching 2 probes...
first second"*) pass "interval_order: in script order" ;;
*) fail "interval_order: in script order" "$got" ;;
esac

if [ -x "$FIXTURES/uprobe_fix" ]; then
	got=$("$SCRY" -e "uprobe:$FIXTURES/uprobe_fix:ufix_add { printf(\"first\"); }
		uprobe:$FIXTURES/uprobe_fix:ufix_add { printf(\" second\\n\"); }" \
		-c "$FIXTURES/uprobe_fix 2" 2>&1 | grep -v -e semaphore -e '^$')
	expect_eq "uprobe_order: in script order" "Attaching 2 probes...
first second
first second" "$got"
else
	skip "uprobe_order" "uprobe_fix not built"
fi

# rawtracepoint wildcards and the vmlinux module
got=$("$SCRY" -e 'rawtracepoint:sys_* /pid == cpid && (arg1 == 110 || arg1 == ppid)/ { @[probe] = count(); }' \
	-c "$F 50" 2>&1)
expect_eq "rawtracepoint:sys_* is sys_enter and sys_exit" "Attaching 2 probes...


@[rawtracepoint:sys_enter]: 25
@[rawtracepoint:sys_exit]: 25" "$got"
got=$("$SCRY" -e 'rawtracepoint:vmlinu*:sys_exit /pid == cpid && arg1 == ppid/ { @ = count(); }' -c "$F 50" 2>&1)
expect_eq "rawtracepoint:vmlinu*:sys_exit" "Attaching 1 probe...


@: 25" "$got"
got=$("$SCRY" -e 'rawtracepoint:vmlinux:sys_exit /pid == cpid && arg1 == ppid/ { @ = count(); }' -c "$F 50" 2>&1)
expect_eq "rawtracepoint:vmlinux:sys_exit" "Attaching 1 probe...


@: 25" "$got"
"$SCRY" -e 'rawtracepoint:nonsense:sys_exit { exit(); }' > "$T_TMP/out" 2>&1
expect_eq "an unknown module is refused with status 1" "1" "$?"
expect_eq "... in one line" "1" "$(wc -l < "$T_TMP/out")"
"$SCRY" -e 'rawtracepoint:nonsense* { exit(); }' > "$T_TMP/out" 2>&1
expect_eq "a wildcard matching nothing is refused with status 1" "1" "$?"
