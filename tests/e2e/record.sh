#!/bin/sh
# scry record / scry report on the live kernel, with both backends: exact
# getppid() counts of a fixture (also as trace-cmd report reads the file),
# uprobe trace events with fetch args giving exact values, filters,
# sched_switch system-wide as a Perfetto timeline, --stats, nothing left
# after success, Ctrl-C, SIGTERM and SIGKILL (removed at the next start),
# and the errors: one line, exit 1, nothing left.
. "$TOP/tests/lib.sh"
need_root record

F=$FIXTURES
TR=/sys/kernel/tracing
[ -d $TR/instances ] || TR=/sys/kernel/debug/tracing
# started FILE: wait (up to 5 s) until record said it is recording
started() {
	i=0
	while ! grep -q 'recording through' "$1" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
}
ours() { ls $TR/instances | grep "^scry_rec_$1\$"; grep "scry_rec_$1/" $TR/uprobe_events $TR/kprobe_events 2>/dev/null; }
D=$T_TMP
# A BPF program attached through perf to a tracepoint (another engineer's
# scry or bpftrace running now) decides for every perf event on it: the
# kernel drops the perf samples when the program returns 0
# (perf_syscall_enter, perf_trace_run_bpf_submit).  Then the perf backend's
# exact counts cannot hold, and the test says so instead of failing.
foreign_bpf() { bpftool perf show 2>/dev/null | grep -q "tracepoint  $1\$"; }

# ---- exact getppid counts: sysfix 40 makes 20 getppid() calls ----
for b in ftrace perf; do
	if [ $b = perf ] && foreign_bpf sys_enter_getppid; then
		skip "perf: exact getppid counts" "another process has a BPF program on sys_enter_getppid now"
		continue
	fi
	"$SCRY" record --backend $b -e syscalls:sys_enter_getppid -o "$D/$b.dat" -c "$F/sysfix 40" \
		> "$D/out" 2> "$D/err"
	rc=$?
	expect_eq "$b: record exits 0" 0 $rc
	expect_eq "$b: says which backend once" 1 "$(grep -c "recording through the $b ring buffer" "$D/err")"
	"$SCRY" report -i "$D/$b.dat" -f json > "$D/$b.json" 2>&1
	got=$(python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
pids = {e["pid"] for e in ev}
print(len([e for e in ev if e["event"] == "syscalls:sys_enter_getppid" and e["comm"] == "sysfix"]),
      len(pids))' "$D/$b.json" 2>&1)
	expect_eq "$b: report shows exactly 20 getppid events, all of one pid (sysfix)" "20 1" "$got"
	n=$("$SCRY" report -i "$D/$b.dat" | grep -c ' sys_enter_getppid: ')
	expect_eq "$b: report's text lines: 20" 20 "$n"
	if command -v trace-cmd > /dev/null; then
		n=$(trace-cmd report -i "$D/$b.dat" 2>/dev/null | grep -c 'sysfix-[0-9]* .* sys_enter_getppid:')
		expect_eq "$b: trace-cmd report -i reads the same 20" 20 "$n"
	else
		skip "$b: trace-cmd report -i" "no trace-cmd"
	fi
	st=$("$SCRY" report -i "$D/$b.dat" --stats | sed -n 's/^events: //p; s/^lost: \([0-9]*\).*/\1/p;
		/sys_enter_getppid/s/ *syscalls:sys_enter_getppid *//p' | tr '\n' ' ')
	expect_eq "$b: report --stats: 20 events, 0 lost, 20 getppid" "20 0 20 " "$st"
done

# ---- uprobe trace events with fetch args: exact values (uprobe_fix 5: ufix_add(i, 1000 + i)) ----
U=$F/uprobe_fix
if [ -x "$U" ]; then
	for b in ftrace perf; do
		"$SCRY" record -q --backend $b -e "uprobe:$U:ufix_add a=%di:s32 b=%si:s64" \
			-e "uretprobe:$U:ufix_add ret=\$retval:s64" -o "$D/u.dat" -c "$U 5" > /dev/null 2>&1
		got=$("$SCRY" report -i "$D/u.dat" | sed -n 's/.* ufix_add: .* a=\([-0-9]*\) b=\([-0-9]*\)$/\1,\2/p;
			s/.* ufix_add_ret: .* ret=\([-0-9]*\)$/r\1/p' | tr '\n' ' ')
		expect_eq "$b: uprobe event args a=i b=1000+i and uretprobe ret=1000+2i" \
			"0,1000 r1000 1,1001 r1002 2,1002 r1004 3,1003 r1006 4,1004 r1008 " "$got"
		got=$("$SCRY" report -i "$D/u.dat" -f json | python3 -c '
import json, sys
print(" ".join(str(json.loads(l)["fields"].get("a")) for l in sys.stdin if "ufix_add\"" in l))')
		expect_eq "$b: -f json carries the fetch arg as a number" "0 1 2 3 4" "$got"
	done
	# -p PID: a running process (uprobe_fix waits for a line), until it exits
	for b in ftrace perf; do
		rm -f "$D/ff"
		mkfifo "$D/ff"
		"$U" 5 wait < "$D/ff" > "$D/uo" &
		up=$!
		exec 7> "$D/ff"
		i=0
		while ! grep -q ready "$D/uo" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
		"$SCRY" record --backend $b -p $up -e "uprobe:$U:ufix_add a=%di:s32" -o "$D/p.dat" \
			> /dev/null 2> "$D/perr" &
		rp=$!
		started "$D/perr"
		sleep 0.5	# perf: seen to miss a process released at once (not understood yet)
		echo go >&7
		exec 7>&-
		wait $up
		wait $rp
		rc=$?
		got=$("$SCRY" report -i "$D/p.dat" | sed -n "s/^ *uprobe_fix-$up .* ufix_add: .* a=\([0-9]*\)\$/\1/p" |
			tr '\n' ' ')
		expect_eq "$b: -p PID records that process until it exits (exit $rc)" "0 1 2 3 4 0" "$got$rc"
	done
else
	skip "uprobe events" "uprobe_fix not built (no <sys/sdt.h>)"
fi

# ---- filters compiled to the kernel's syntax: bpftrace's spellings too ----
for b in ftrace perf; do
	if [ $b = perf ] && foreign_bpf sys_enter_write; then
		skip "perf: --filter on sys_enter_write" "another process has a BPF program on sys_enter_write now"
		continue
	fi
	# sysfix 20 writes 1, 2, ..., 20 bytes: ten writes of more than 10, system-wide
	"$SCRY" record -q --backend $b -e syscalls:sys_enter_write -a \
		--filter 'args.count > 10 && comm == "sysfix"' -o "$D/f.dat" -- "$F/sysfix" 20 > /dev/null 2>&1
	got=$("$SCRY" report -i "$D/f.dat" | sed -n 's/.*sysfix-.* sys_enter_write: .*count: 0x\([0-9a-f]*\)$/\1/p' |
		tr '\n' ' ')
	expect_eq "$b: --filter 'args.count > 10 && comm == \"sysfix\"' -a: only those ten writes" \
		"0000000b 0000000c 0000000d 0000000e 0000000f 00000010 00000011 00000012 00000013 00000014 " "$got"
done

# ---- sched_switch system-wide for 2 s as a Perfetto timeline ----
"$SCRY" record -q -a -e sched:sched_switch -o "$D/s.dat" -- sleep 2 > /dev/null 2>&1
"$SCRY" report -i "$D/s.dat" -f perfetto > "$D/s.json" 2> "$D/err"
got=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
ev = d["traceEvents"]
pname = {e["pid"] for e in ev if e["ph"] == "M" and e["name"] == "process_name"}
tname = {(e["pid"], e["tid"]) for e in ev if e["ph"] == "M" and e["name"] == "thread_name"}
used = [e for e in ev if e["ph"] != "M"]
slices = [e for e in used if e["ph"] == "X"]
bad = [e for e in slices if e["dur"] < 0]
open_ = {}
for e in used:
    if e["ph"] == "B": open_[e["tid"]] = open_.get(e["tid"], 0) + 1
    if e["ph"] == "E":
        if open_.get(e["tid"], 0) <= 0: bad.append(e)
        else: open_[e["tid"]] -= 1
unp = {e["pid"] for e in used} - pname
unt = {(e["pid"], e["tid"]) for e in used} - tname
print("ok" if slices and not bad and not unp and not unt and not any(open_.values()) else
      "slices=%d bad=%d unnamed_pids=%d unnamed_tids=%d" % (len(slices), len(bad), len(unp), len(unt)))
' "$D/s.json" 2>&1)
expect_eq "perfetto: JSON parses, slices begin <= end, every pid and tid named" ok "$got"

# ---- nothing left: success, Ctrl-C, SIGTERM, SIGKILL (the next start removes it) ----
for sig in INT TERM KILL; do
	"$SCRY" record -e "uprobe:$U:ufix_add a=%di:s32" -e sched:sched_switch -a -o "$D/k.dat" \
		> /dev/null 2> "$D/kerr" &
	p=$!
	started "$D/kerr"
	during=$(ours $p | wc -l)
	sleep 0.3
	kill -$sig $p
	wait $p 2> /dev/null
	if [ $sig = KILL ]; then
		left=$(ours $p | wc -l)
		"$SCRY" list 'tracepoint:sched:sched_switch' > /dev/null 2>&1
		expect_eq "SIGKILL: the instance and uprobe event stay ($left), the next start removes them" \
			"2 0" "$during $(ours $p | wc -l)"
	else
		expect_eq "SIG$sig: instance and uprobe event existed, none left" "2 0" "$during $(ours $p | wc -l)"
		"$SCRY" report -i "$D/k.dat" > /dev/null 2>&1
		expect_eq "SIG$sig: the recording is complete and readable" 0 $?
	fi
done

# ---- errors: one line, exit 1, nothing left ----
err_case() {	# name expected-substring args...
	name=$1 want=$2
	shift 2
	"$SCRY" "$@" > "$D/out" 2> "$D/err"
	rc=$?
	lines=$(grep -c . "$D/err")
	if [ $rc = 1 ] && [ "$lines" = 1 ] && grep -q -- "$want" "$D/err"; then
		pass "$name"
	else
		fail "$name" "rc=$rc, stderr:" "$(cat "$D/err")"
	fi
}
err_case "no such tracepoint" "no such tracepoint" record -e sched:nope -o "$D/x.dat" -- true
err_case "a filter on a field the event lacks" "has no field 'bogus'" \
	record -e sched:sched_switch --filter 'bogus == 1' -o "$D/x.dat" -- true
if [ ! -e $TR/kprobe_events ]; then
	err_case "kprobe events where the kernel has none" "no kprobe_events" \
		record -e kprobe:vfs_read -o "$D/x.dat" -- true
fi
if ! (mkdir $TR/instances/scrytest_rec_$$ && echo function > $TR/instances/scrytest_rec_$$/current_tracer) 2>/dev/null; then
	err_case "the function tracer where the kernel refuses it" "function tracer is not available here" \
		record -p function -l 'vfs_*' -o "$D/x.dat" -- true
fi
echo nop > $TR/instances/scrytest_rec_$$/current_tracer 2>/dev/null
rmdir $TR/instances/scrytest_rec_$$ 2>/dev/null
err_case "report of a missing file" "cannot open" report -i "$D/none.dat"
printf 'not a trace' > "$D/junk.dat"
err_case "report of a file that is not trace.dat" "not a trace.dat file" report -i "$D/junk.dat"
size=$(stat -c %s "$D/ftrace.dat")
for cut in 5 100 3000 $((size - 100)); do
	head -c $cut "$D/ftrace.dat" > "$D/cut.dat"
	err_case "report of a recording cut at $cut bytes" "truncated" report -i "$D/cut.dat"
done
expect_eq "no scry_rec instance or dynamic event left" "" \
	"$(ls $TR/instances | grep scry_rec; grep scry_rec $TR/uprobe_events $TR/kprobe_events 2>/dev/null)"
