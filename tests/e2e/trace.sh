#!/bin/sh
# scry trace against strace on the same fixture: trace_fix opens a missing
# file, writes, reads and closes a real one, maps a page, forks a child that
# execs /bin/true.  Every line of both processes must match strace -f's
# (addresses and pids masked; strace's <unfinished ...>/<... resumed> pairs
# joined, as scry prints each call whole when it ends).  -s gives strace -c's
# calls and errors, -e trace=%file only the file calls.
. "$TOP/tests/lib.sh"
need_root trace

F="$FIXTURES/trace_fix"
if [ ! -x "$F" ]; then
	fail "fixture" "$F was not built"
	exit 0
fi
if ! command -v strace >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1; then
	skip "all" "needs strace and python3"
	exit 0
fi
D="$T_TMP/d"
mkdir -p "$D"

if "$SCRY" trace --help | grep -q '^usage: scry trace'; then pass "--help"; else fail "--help"; fi
"$SCRY" trace -e trace=nosuchcall -c true >/dev/null 2>"$T_TMP/err"
expect_eq "bad set: status 1" 1 $?
expect_eq "bad set: one sentence" "scry trace: error: invalid system call 'nosuchcall'" "$(head -1 "$T_TMP/err")"
"$SCRY" trace >/dev/null 2>&1
expect_eq "no target refused" 1 $?

# norm FILE: one line per call, per process (P = the first process, C = its child)
norm() {
	python3 - "$1" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
lines, pending = [], {}
for l in text.split("\n"):
    m = re.match(r"(\d+) +(.*)", l)	# strace -f -o FILE: "PID call..."
    if not m:
        continue
    pid, body = m.group(1), m.group(2)
    if body.endswith("<unfinished ...>"):
        pending[pid] = body[: -len("<unfinished ...>")]
        continue
    r = re.match(r"<\.\.\. \S+ resumed>(.*)", body)
    if r and pid in pending:
        head = pending.pop(pid).rstrip()
        body = head + (" " if head.endswith(",") else "") + r.group(1)
    lines.append((pid, body))
main = lines[0][0] if lines else None
child = next((p for p, _ in lines if p != main), None)
for who in ("P", "C"):
    for pid, body in lines:
        if (pid == main) != (who == "P"):
            continue
        b = re.sub(r"\s+=\s+", " = ", body)
        b = re.sub(r"0x[0-9a-f]+", "0xX", b)
        if child:
            b = re.sub(r"\b%s\b" % child, "CHILD", b)
        b = re.sub(r"\b%s\b" % main, "MAIN", b)
        print(who, b)
PY
}

cd "$D" || exit 1
strace -f -o "$T_TMP/strace.out" "$F" "$D"
expect_eq "strace ran the fixture" 0 $?
"$SCRY" trace -o "$T_TMP/scry.out" -c "$F $D"
expect_eq "scry trace ran the fixture" 0 $?
norm "$T_TMP/strace.out" > "$T_TMP/strace.norm"
norm "$T_TMP/scry.out" > "$T_TMP/scry.norm"
expect_eq "parent: every line as strace's" "$(grep '^P' "$T_TMP/strace.norm")" "$(grep '^P' "$T_TMP/scry.norm")"
expect_eq "child: every line as strace's" "$(grep '^C' "$T_TMP/strace.norm")" "$(grep '^C' "$T_TMP/scry.norm")"
# the calls the fixture makes itself, exactly
for l in 'openat(AT_FDCWD, "/nonexistent/trace_fix", O_RDONLY) = -1 ENOENT (No such file or directory)' \
	 "openat(AT_FDCWD, \"$D/trace_fix.txt\", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 3" \
	 'write(3, "hello from trace_fix, a line lon"..., 50) = 50' \
	 'read(3, "hello from trace_fix, a line lon"..., 128) = 50' \
	 'mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0xX' \
	 'clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0xX) = CHILD' \
	 'execve("/bin/true", ["true"], 0xX /* N vars */) = 0'; do
	if sed -E 's|/\* [0-9]+ vars \*/|/* N vars */|' "$T_TMP/scry.norm" | grep -qxF "P $l" ||
	   sed -E 's|/\* [0-9]+ vars \*/|/* N vars */|' "$T_TMP/scry.norm" | grep -qxF "C $l"; then
		pass "line: $l"
	else
		fail "line: $l" "$(cat "$T_TMP/scry.out" | head -60)"
	fi
done

# -s: strace -c's calls and errors per call
strace -c -f -o "$T_TMP/strace.c" "$F" "$D"
"$SCRY" trace -s -o "$T_TMP/scry.c" -c "$F $D"
counts() { awk 'NR > 2 && !/^-/ { if (NF == 6) print $6, $4, $5; else print $5, $4, 0 }' "$1" | sort; }
expect_eq "-s: calls and errors as strace -c" "$(counts "$T_TMP/strace.c")" "$(counts "$T_TMP/scry.c")"
expect_eq "-s: header" "% time     seconds  usecs/call     calls    errors syscall" "$(head -1 "$T_TMP/scry.c")"

# -e trace=%file: only the file calls, as strace's
strace -f -e trace=%file -o "$T_TMP/strace.f" "$F" "$D"
"$SCRY" trace -e trace=%file -o "$T_TMP/scry.f" -c "$F $D"
norm "$T_TMP/strace.f" > "$T_TMP/strace.fn"
norm "$T_TMP/scry.f" > "$T_TMP/scry.fn"
expect_eq "-e trace=%file: the same lines as strace's" "$(cat "$T_TMP/strace.fn")" "$(cat "$T_TMP/scry.fn")"
n=$(grep -cvE ' (openat|access|newfstatat|execve)\(|\+\+\+|---' "$T_TMP/scry.fn")
expect_eq "-e trace=%file: nothing else" 0 "$n"
# negation and lists
"$SCRY" trace -e 'trace=!%file,%memory' -o "$T_TMP/scry.n" -c "$F $D"
sed -i 's/^[0-9]* *//' "$T_TMP/scry.n"
if grep -qE '^(openat|mmap|brk)\(' "$T_TMP/scry.n" || ! grep -q '^write(' "$T_TMP/scry.n"; then
	fail "-e trace=!%file,%memory" "$(head -20 "$T_TMP/scry.n")"
else
	pass "-e trace=!%file,%memory"
fi
# -T and -tt
"$SCRY" trace -T -tt -e trace=write -o "$T_TMP/scry.t" -c "$F $D"
if grep -qE '^[0-9]+ +[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} write\(3, .* = 50 <[0-9]+\.[0-9]{6}>$' "$T_TMP/scry.t"; then
	pass "-T -tt"; else fail "-T -tt" "$(cat "$T_TMP/scry.t")"; fi
# -t, -ttt and -r: strace's columns, exactly
W='write(3, "hello from trace_fix, a line lon"..., 50) = 50'
for o in t ttt r; do
	"$SCRY" trace -$o -e trace=write -o "$T_TMP/scry.$o" -c "$F $D"
	case $o in
	t) re='^[0-9]+ +[0-9]{2}:[0-9]{2}:[0-9]{2} ' ;;
	ttt) re='^[0-9]+ +[0-9]{10}\.[0-9]{6} ' ;;
	r) re='^[0-9]+ +[0-9]+\.[0-9]{6} ' ;;
	esac
	got=$(grep -E "$re" "$T_TMP/scry.$o" | sed -E "s/$re//" | grep -F 'write(')
	expect_eq "-$o: the column, then the call as strace's" "$W" "$got"
done
# -f json parses, one object per call
"$SCRY" trace -f json -e trace=openat -o "$T_TMP/scry.j" -c "$F $D"
got=$(python3 -c '
import json, sys
for l in open(sys.argv[1]):
    if l.startswith("{"):
        o = json.loads(l)
        if o["syscall"] == "openat" and o.get("errno"):
            print(o["errno"], o["return"])
' "$T_TMP/scry.j" 2>&1 | tail -1)
expect_eq "-f json" "ENOENT -2" "$got"

# The language: syscalls:sys_enter_* runs as one raw sys_enter program (not ~370 perf
# events attached one by one) and counts the same: every getppid of the fixture.
G="$FIXTURES/getppid_loop"
for w in enter exit; do
	"$SCRY" -e "tracepoint:syscalls:sys_${w}_* /pid == cpid/ { @[probe] = count(); }" -c "$G 777" > "$T_TMP/lang.$w" 2>&1
	n=$(ls /sys/kernel/tracing/events/syscalls | grep -c "^sys_${w}_")
	expect_eq "sys_${w}_*: bpftrace's count of probes" "Attaching $n probes..." "$(head -1 "$T_TMP/lang.$w")"
	got=$("$SCRY" --dry-run -d bpf -e "tracepoint:syscalls:sys_${w}_* /pid == cpid/ { @[probe] = count(); }" | grep '^;   attach ')
	expect_eq "sys_${w}_*: one program, on raw_syscalls:sys_${w}" ";   attach rawtracepoint:raw_syscalls:sys_${w} offset 0x0 rate 0" "$got"
	expect_eq "sys_${w}_*: getppid counted" "@[tracepoint:syscalls:sys_${w}_getppid]: 777" "$(grep "sys_${w}_getppid" "$T_TMP/lang.$w")"
done
# each call counted under its own name, as the perf counters of scry stat count it
"$SCRY" stat -e "syscalls:sys_enter_*" -- "$G" 5 2>"$T_TMP/stat.out"
grep -q "5 *syscalls:sys_enter_getppid" "$T_TMP/stat.out" || cat "$T_TMP/stat.out" | head -5
"$SCRY" -e 'tracepoint:syscalls:sys_enter_* /comm == "getppid_loop"/ { @[probe] = count(); }' -c "$G 5" > "$T_TMP/lang.c" 2>&1
want=$(awk '$1 ~ /^[0-9]+$/ && $1 > 0 && $2 != "syscalls:sys_enter_execve" { print "@[tracepoint:" $2 "]: " $1 }' "$T_TMP/stat.out" | sort)
got=$(grep '^@' "$T_TMP/lang.c" | grep -v 'sys_enter_execve' | sort)
expect_eq "sys_enter_*: the same counts as scry stat's counters" "$want" "$got"
