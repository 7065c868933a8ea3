#!/bin/sh
# Programs that run, with exact expectations computed here from what the
# fixture does: 'sysfix N' writes 1, 2, ..., N bytes to /dev/null, then
# calls getppid() N/2 times.
. "$TOP/tests/lib.sh"
need_root lang_run
FIX="$FIXTURES/sysfix"
W='tracepoint:syscalls:sys_enter_write /comm == "sysfix"/'

# ---- aggregations: each has one right answer ----
out=$("$SCRY" -e "$W { @c = count(); @s = sum(args->count); @a = avg(args->count);
	@mn = min(args->count); @mx = max(args->count); @st = stats(args->count); }" -c "$FIX 100")
expect_eq "count, sum, avg, min, max, stats of 1..100" "Attaching 1 probe...


@a: 50

@c: 100
@mn: 1
@mx: 100
@s: 5050
@st: count 100, average 50, total 5050
" "$out
"

hist_expect() {	# the histogram of 1..N, computed here
	python3 - "$1" <<'PY'
import sys
n = int(sys.argv[1])
b = {}
for v in range(1, n + 1):
    i = v.bit_length() + 1
    b[i] = b.get(i, 0) + 1
def label(p):
    for s, k in ((40, 'T'), (30, 'G'), (20, 'M'), (10, 'K')):
        if p >= s:
            return str(1 << (p - s)) + k
    return str(1 << p)
mx = max(b.values())
lo, hi = min(b), max(b)
for i in range(lo, hi + 1):
    c = b.get(i, 0)
    h = '[1]' if i == 2 else '[%s, %s)' % (label(i - 2), label(i - 1))
    print('%-16s%8d |%-52s|' % (h, c, '@' * int(c / mx * 52)))
PY
}
out=$("$SCRY" -e "$W { @h = hist(args->count); }" -c "$FIX 1000" | sed -n '/^@h/,$p')
expect_eq "hist of 1..1000" "@h: 
$(hist_expect 1000)" "$out"

out=$("$SCRY" -e "$W { @l = lhist(args->count, 10, 60, 25); }" -c "$FIX 100" | sed -n '/^@l/,$p')
expect_eq "lhist of 1..100 in [10, 60) by 25" "@l: 
(..., 10)              9 |@@@@@@@@@@@                                         |
[10, 35)              25 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@                     |
[35, 60)              25 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@                     |
[60, ...)             41 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|" "$out"

# ---- printf, and the argument of another syscall ----
"$SCRY" -e "$W { if (args->count % 25 == 0) { printf(\"%s %d %5u|%-3x|\\n\", comm, args->count, args->count * 2, args->count); } }" -c "$FIX 100" > "$T_TMP/pf"
printf 'Attaching 1 probe...\nsysfix 25    50|19 |\nsysfix 50   100|32 |\nsysfix 75   150|4b |\nsysfix 100   200|64 |\n\n\n' > "$T_TMP/pf.want"
if cmp -s "$T_TMP/pf.want" "$T_TMP/pf"; then pass "printf lines"; else fail "printf lines" "$(diff "$T_TMP/pf.want" "$T_TMP/pf")"; fi
out=$("$SCRY" -e 'tracepoint:syscalls:sys_enter_getppid /comm == "sysfix"/ { @ = count(); }' -c "$FIX 30" | tail -1)
expect_eq "getppid calls" "@: 15" "$out"

# ---- exit codes ----
"$SCRY" -e 'BEGIN { exit(3); }' > /dev/null
expect_eq "exit(3) is the exit status" 3 "$?"
"$SCRY" -e "$W { @ = count(); if (args->count == 10) { exit(); } }" -c "$FIX 100" > "$T_TMP/out"
expect_eq "exit() stops at the tenth write" "0 @: 10" "$? $(tail -1 "$T_TMP/out")"
"$SCRY" -e 'BEGIN { printf("x\n"); } END { printf("end\n"); }' -c "$FIX 5 7" > "$T_TMP/out"
expect_eq "-c: the run ends when the command does; END runs" "0 Attaching 2 probes...
x
end" "$? $(head -3 "$T_TMP/out")"

# ---- JSON lines, parsed ----
"$SCRY" -f json -e "$W { @c = count(); @h = hist(args->count); @k[args->count % 2] = sum(args->count);
	@st = stats(args->count); if (args->count == 3) { printf(\"three %d\\n\", args->count); } }" \
	-c "$FIX 10" > "$T_TMP/json"
got=$(python3 - "$T_TMP/json" <<'PY'
import json, sys
seen = []
for line in open(sys.argv[1]):
    if not line.strip():
        continue
    o = json.loads(line)
    t, d = o["type"], o["data"]
    if t == "attached_probes": seen.append("attached %d" % d["probes"])
    elif t == "printf": seen.append("printf %r" % d)
    elif t == "map": seen.append("map %s" % json.dumps(d, sort_keys=True))
    elif t == "hist": seen.append("hist %s" % ",".join("%s-%s:%d" % (b.get("min"), b.get("max"), b["count"]) for b in d["@h"]))
    elif t == "stats": seen.append("stats %s" % json.dumps(d, sort_keys=True))
print("\n".join(seen))
PY
)
expect_eq "-f json lines" "attached 1
printf 'three 3\n'
map {\"@c\": 10}
hist 1-1:1,2-3:2,4-7:4,8-15:3
map {\"@k\": {\"0\": 30, \"1\": 25}}
stats {\"@st\": {\"average\": 5, \"count\": 10, \"total\": 55}}" "$got"

# ---- -o FILE ----
"$SCRY" -o "$T_TMP/o.txt" -e 'BEGIN { printf("to file\n"); exit(); }' > "$T_TMP/stdout"
expect_eq "-o writes the output to the file" "Attaching 1 probe...
to file||" "$(cat "$T_TMP/o.txt")|$(cat "$T_TMP/stdout")|"

# ---- interval, on a clock that ticks on idle CPUs too ----
out=$("$SCRY" -e 'interval:ms:20 { @n++; if (@n == 5) { exit(); } }' | tail -1)
expect_eq "interval:ms:20 ticks five times" "@n: 5" "$out"

# ---- Ctrl-C and SIGTERM print the maps and exit 0; the notification word ----
for sig in INT TERM; do
	__BPFTRACE_NOTIFY_PROBES_ATTACHED=1 "$SCRY" -e \
		'tracepoint:syscalls:sys_enter_getppid /comm == "sysfix"/ { @ = count(); }' > "$T_TMP/sig" 2>&1 &
	pid=$!
	i=0
	while ! grep -q '^__BPFTRACE_NOTIFY_PROBES_ATTACHED$' "$T_TMP/sig" && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	"$FIX" 40
	kill -$sig $pid
	wait $pid
	rc=$?
	expect_eq "SIG$sig prints the maps and exits 0" "0 @: 20" "$rc $(tail -1 "$T_TMP/sig")"
done

# ---- lost events are counted, never silent ----
out=$("$SCRY" -e 'BEGIN { $i = 0; while ($i < 300) { printf("%s %s %s %s\n", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "b", "c", "d"); $i++; } exit(); }' 2>&1 | grep -c '^aaa')
expect_eq "300 printf events from one probe all arrive" 300 "$out"

# ---- cpid, and -p ends with its process ----
out=$("$SCRY" -e 'tracepoint:syscalls:sys_enter_write /pid == cpid/ { @ = count(); }' -c "$FIX 33" | tail -1)
expect_eq "cpid is the -c command's pid" "@: 33" "$out"
sleep 1 &
spid=$!
timeout 10 "$SCRY" -p $spid -e 'BEGIN { printf("on\n"); }' > "$T_TMP/p" 2>&1
expect_eq "-p: the run ends when the process does" "0 on" "$? $(sed -n 2p "$T_TMP/p")"

# ---- kernel stacks at a syscall tracepoint: the syscall entry path ----
"$SCRY" -e 'tracepoint:syscalls:sys_enter_getppid /comm == "sysfix"/ { @[kstack] = count(); }' \
	-c "$FIX 10" > "$T_TMP/ks"
if grep -q '^    do_syscall_64+[0-9]*$' "$T_TMP/ks" && grep -q '^    entry_SYSCALL_64_after_hwframe+[0-9]*$' "$T_TMP/ks" &&
	grep -q '^\]: 5$' "$T_TMP/ks"; then
	pass "kstack at a syscall tracepoint: do_syscall_64 and the entry path, 5 hits"
else
	fail "kstack at a syscall tracepoint" "$(cat "$T_TMP/ks")"
fi

# ---- other probe types: rawtracepoint, software events, profile; ppid ----
out=$("$SCRY" -e 'rawtracepoint:sys_enter /comm == "sysfix"/ { @[arg1] = count(); }' -c "$FIX 10" |
	grep -E '^@\[(1|110)\]:')
expect_eq "rawtracepoint:sys_enter: arg1 is the syscall number" "@[110]: 5
@[1]: 10" "$out"
n=$("$SCRY" -e 'software:page-faults:1 /comm == "sysfix"/ { @ = count(); }' -c "$FIX 10" | sed -n 's/^@: //p')
[ -n "$n" ] && [ "$n" -gt 0 ] && pass "software:page-faults: the fixture faulted $n times" ||
	fail "software:page-faults counts" "got '$n'"
n=$("$SCRY" -e 'profile:hz:99 { @ = count(); } interval:ms:500 { exit(); }' | sed -n 's/^@: //p')
[ -n "$n" ] && [ "$n" -gt 0 ] && pass "profile:hz:99 samples ($n in 0.5 s)" || fail "profile:hz:99 samples" "got '$n'"
out=$(sh -c 'echo $PPID; exec "$0" -e "BEGIN { printf(\"%d\\n\", ppid); exit(); }"' "$SCRY" | sed -n '1p;3p' | uniq | wc -l)
expect_eq "ppid is the parent's pid" 1 "$out"

# ---- uaddr() of a global in a position-dependent binary, as nm says ----
want=$(nm "$FIXTURES/nopie" | awk '$3 == "scry_global" { sub(/^0+/, "", $1); print $1 }')
got=$("$SCRY" -e "uprobe:$FIXTURES/nopie:np_func { printf(\"%lx\\n\", uaddr(\"scry_global\")); exit(); }" \
	-c "$FIXTURES/nopie" | sed -n 2p)
expect_eq "uaddr(\"scry_global\") is its address" "$want" "$got"

# ---- killed with SIGKILL while tracing: nothing stays in the kernel ----
wait_released
before=$(bpftool prog show 2>/dev/null | grep -c 'name scry')
__BPFTRACE_NOTIFY_PROBES_ATTACHED=1 "$SCRY" -e 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }
	uprobe:libc:getppid { @u = count(); } interval:ms:10 { @i = count(); }
	profile:hz:49 { @p = count(); }' > "$T_TMP/kill" 2>&1 &
kpid=$!
i=0
while ! grep -q '^__BPFTRACE_NOTIFY_PROBES_ATTACHED$' "$T_TMP/kill" && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
during=$(bpftool prog show 2>/dev/null | grep -c 'name scry')
kill -9 $kpid
wait $kpid 2>/dev/null
i=0
while [ "$(bpftool prog show 2>/dev/null | grep -c 'name scry')" != "$before" ] && [ $i -lt 40 ]; do
	sleep 0.05
	i=$((i + 1))
done
after=$(bpftool prog show 2>/dev/null | grep -c 'name scry')
[ "$during" -gt "$before" ] && [ "$after" = "$before" ] &&
	pass "SIGKILL while tracing: $((during - before)) programs were loaded, none remain" ||
	fail "SIGKILL while tracing leaves nothing" "before $before, during $during, after $after"
T=/sys/kernel/tracing
expect_eq "SIGKILL: no uprobe event and no tracefs instance of scry remain" "" \
	"$(cat $T/uprobe_events 2>/dev/null | grep -i scry; ls $T/instances 2>/dev/null | grep -i scry)"

# ---- strftime() of nsecs is the wall clock's date ----
out=$("$SCRY" -e 'BEGIN { printf("%s\n", strftime("%Y-%m-%d", nsecs)); exit(); }' | sed -n 2p)
expect_eq "strftime(\"%Y-%m-%d\", nsecs) is today" "$(date +%Y-%m-%d)" "$out"

# ---- len() counts a map's keys (the kernel's bpf_map_sum_elem_count) ----
out=$("$SCRY" -e "$W { @[args->count % 7] = count(); } END { printf(\"%d keys\\n\", len(@)); clear(@); }" \
	-c "$FIX 30" | sed -n 2p)
expect_eq "len(@) of a map with seven keys" "7 keys" "$out"
