#!/bin/sh
# scry -l / scry list for the kernel's probes, checked against what tracefs,
# BTF and kallsyms say when the test reads them itself.
. "$TOP/tests/lib.sh"
need_root list

T=/sys/kernel/tracing
[ -f "$T/available_events" ] || T=/sys/kernel/debug/tracing
if [ ! -f "$T/available_events" ]; then
	# scry mounts tracefs itself when it has to; the test needs it too
	"$SCRY" -l 'BEGIN' >/dev/null 2>&1
	T=/sys/kernel/tracing
fi

# exactly the events tracefs has
want=$(ls -d "$T"/events/syscalls/sys_enter_open*/ | sed "s|$T/events/syscalls/||; s|/\$||" |
	sed 's/^/tracepoint:syscalls:/' | LC_ALL=C sort)
got=$("$SCRY" -l 'tracepoint:syscalls:sys_enter_open*')
expect_eq "tracepoint:syscalls:sys_enter_open* is what tracefs has" "$want" "$got"

got=$("$SCRY" list 't:syscalls:sys_enter_open*')
expect_eq "the alias t: lists the same" "$want" "$got"

got=$("$SCRY" -l 'sys_enter_open*' | grep '^tracepoint:')
expect_eq "a pattern without a provider matches the last fields" "$want" "$got"

want=$(sed 's/^/tracepoint:/' "$T/available_events" | LC_ALL=C sort)
got=$("$SCRY" -l 'tracepoint:*')
expect_eq "every tracepoint, sorted, once" "$want" "$got"
n=$(printf '%s\n' "$got" | wc -l)
[ "$n" -gt 100 ] && pass "more than 100 tracepoints ($n)" || fail "only $n tracepoints"

# -v: the fields of the format file, common_* left out, arrays as in C
want=$(grep 'field:' "$T/events/sched/sched_switch/format" | grep -v common_ |
	sed 's/.*field:\([^;]*\);.*/    \1/')
got=$("$SCRY" -lv 'tracepoint:sched:sched_switch' | tail -n +2)
expect_eq "-v shows the format file's fields" "$want" "$got"
got=$("$SCRY" -lv 'tracepoint:sched:sched_switch' | head -1)
expect_eq "-v starts with the probe name" "tracepoint:sched:sched_switch" "$got"

# JSON: one object a line, parsed
out=$("$SCRY" list -f json -v 'tracepoint:syscalls:sys_enter_openat')
got=$(printf '%s\n' "$out" | python3 -c '
import json, sys
for line in sys.stdin:
    o = json.loads(line)
    print(o["probe"], o["provider"], o["available"], ",".join(a["type"] + " " + a["name"] for a in o["args"]))
')
want="tracepoint:syscalls:sys_enter_openat tracepoint True $(grep 'field:' "$T/events/syscalls/sys_enter_openat/format" |
	grep -v common_ | sed 's/.*field:\([^;]*\);.*/\1/' | sed 's/\([^ ]*\)$/ \1/; s/  */ /g' | paste -sd, -)"
expect_eq "-f json -v gives the probe, its provider and typed fields" "$want" "$got"

# BEGIN/END, software, profile, interval
expect_eq "BEGIN and END" "BEGIN
END" "$("$SCRY" -l 'BEGIN'; "$SCRY" -l 'END')"
expect_eq "software events" "software:page-faults:" "$("$SCRY" -l 'software:page-faults*')"
expect_eq "profile units" "profile:hz:
profile:ms:
profile:s:
profile:us:" "$("$SCRY" -l 'profile:*')"

# rawtracepoints: the kernel's btf_trace_* typedefs (what raw_tp attaches to)
if [ -f /sys/kernel/btf/vmlinux ] && command -v bpftool >/dev/null; then
	want=$(bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null |
		sed -n "s/^\[[0-9]*\] TYPEDEF 'btf_trace_\(sched_[^']*\)'.*/rawtracepoint:\1/p" | LC_ALL=C sort -u)
	got=$("$SCRY" -l 'rawtracepoint:sched_*')
	expect_eq "rawtracepoints from BTF" "$want" "$got"
	want=$(bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null |
		sed -n "s/^\[[0-9]*\] FUNC 'vfs_rea\([^']*\)'.*/fentry:vfs_rea\1/p" | LC_ALL=C sort -u)
	got=$("$SCRY" -l 'fentry:vfs_rea*')
	expect_eq "fentry functions from BTF" "$want" "$got"
	expect_eq "kfunc: is fentry:" "$got" "$("$SCRY" -l 'kfunc:vfs_rea*')"
else
	skip "rawtracepoints from BTF" "no /sys/kernel/btf/vmlinux or no bpftool"
fi

# kprobes: kernel text symbols
want=$(awk '$2 ~ /^[tT]$/ && $3 ~ /^vfs_rea/ && NF == 3 { print "kprobe:" $3 }' /proc/kallsyms | LC_ALL=C sort -u)
got=$("$SCRY" -l 'kprobe:vfs_rea*')
if [ -r "$T/available_filter_functions" ] && cat "$T/available_filter_functions" >/dev/null 2>&1; then
	want=$(grep '^vfs_rea' "$T/available_filter_functions" | cut -d' ' -f1 | sed 's/^/kprobe:/' | LC_ALL=C sort -u)
fi
expect_eq "kprobe functions" "$want" "$got"

# a bad pattern lists nothing and still succeeds, as bpftrace does
got=$("$SCRY" -l 'tracepoint:nosuchcategory:*'; echo "rc=$?")
expect_eq "no match: nothing listed, exit 0" "rc=0" "$got"
