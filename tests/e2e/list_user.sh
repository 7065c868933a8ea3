#!/bin/sh
# scry -l for uprobes and USDT probes, checked against what readelf and nm
# say about the fixtures (tests/fixtures/build-user.sh).
. "$TOP/tests/lib.sh"

PROG=$FIXTURES/user_prog
LIB=$FIXTURES/libscryuser.so
if [ ! -x "$PROG" ] || [ ! -f "$LIB" ]; then
	skip "user probes" "fixtures not built (no <sys/sdt.h>: install systemtap-sdt-dev)"
	exit 0
fi
for t in readelf nm python3; do
	if ! command -v $t >/dev/null 2>&1; then
		skip "user probes" "no $t to check against"
		exit 0
	fi
done

# What readelf says, as scry -lv should print it: the first site of each
# probe, its semaphore as a file offset (through the LOAD program headers),
# each argument typed by its size prefix.
readelf_usdt() {	# binary -> expected 'scry -lv' text, sorted
	{ readelf -n "$1"; echo "@@LOAD"; readelf -lW "$1"; } | python3 -c '
import sys
path = sys.argv[1]
notes, loads, cur, in_loads = [], [], None, False
for line in sys.stdin:
    w = line.split()
    if line.startswith("@@LOAD"):
        in_loads = True
    elif in_loads:
        if w and w[0] == "LOAD":
            loads.append((int(w[1], 16), int(w[2], 16), int(w[5], 16)))
    elif line.strip().startswith("Provider:"):
        cur = {"provider": w[1]}
    elif line.strip().startswith("Name:") and cur is not None:
        cur["name"] = w[1]
    elif line.strip().startswith("Location:") and cur is not None:
        cur["sema"] = int(line.split("Semaphore:")[1].strip().rstrip(","), 16)
    elif line.strip().startswith("Arguments:") and cur is not None:
        cur["args"] = w[1:]
        notes.append(cur)
        cur = None
def file_off(v):
    for off, vaddr, memsz in loads:
        if vaddr <= v < vaddr + memsz:
            return v - vaddr + off
    raise SystemExit("no segment for 0x%x" % v)
def typ(spec):
    size = spec.split("@")[0] if "@" in spec else "8"
    return ("int" if size.startswith("-") else "uint") + str(8 * abs(int(size)))
seen, out = set(), []
for n in notes:
    key = (n["provider"], n["name"])
    if key in seen:
        continue
    seen.add(key)
    lines = ["usdt:%s:%s:%s" % (path, n["provider"], n["name"])]
    if n["sema"]:
        lines.append("    semaphore: 0x%x" % file_off(n["sema"]))
    for i, a in enumerate(n.get("args", [])):
        lines.append("    %s arg%d: %s" % (typ(a), i, a))
    out.append(lines)
for lines in sorted(out):
    print("\n".join(lines))
' "$1"
}

want=$(readelf_usdt "$PROG")
got=$("$SCRY" -lv "usdt:$PROG:*")
expect_eq "usdt -v: probes, argument specs and semaphore offset as readelf -n says" "$want" "$got"
case "$got" in
*"scry_test:plain"*"scry_test:sema"*"    semaphore: 0x"*) pass "the fixture has the plain and the semaphore probe" ;;
*) fail "the fixture has the plain and the semaphore probe" "$got" ;;
esac
case "$got" in
*"-8@(%rax,%rdi,8)"* | *"(%r"*) pass "a memory-operand argument is listed" ;;
*) fail "a memory-operand argument is listed" "$got" ;;
esac

want=$(readelf_usdt "$LIB")
got=$("$SCRY" -lv "usdt:$LIB:*")
expect_eq "usdt -v in a shared library" "$want" "$got"
expect_eq "the library probe's name" "usdt:$LIB:scry_lib:lib_probe" "$("$SCRY" -l "usdt:$LIB:*")"

sites=$(readelf -n "$PROG" | grep -c 'Name: multi$')
got=$("$SCRY" -l "usdt:$PROG:scry_test:multi")
if [ "$sites" -ge 2 ]; then
	expect_eq "a probe at $sites sites is listed once" "usdt:$PROG:scry_test:multi" "$got"
else
	fail "the fixture has a probe at several sites" "readelf counts $sites"
fi

expect_eq "usdt:BIN:NAME matches the name under any provider" \
	"usdt:$PROG:scry_test:sema" "$("$SCRY" -l "usdt:$PROG:sema")"
expect_eq "usdt:BIN:PROVIDER:NAME with wildcards" \
	"usdt:$PROG:scry_test:mem
usdt:$PROG:scry_test:multi" "$("$SCRY" -l "usdt:$PROG:scry_*:m*")"
expect_eq "U: is usdt:" "$("$SCRY" -l "usdt:$PROG:*")" "$("$SCRY" -l "U:$PROG:*")"

# JSON -v: the semaphore as a number, typed arguments with their spec
got=$("$SCRY" list -f json -v "usdt:$PROG:scry_test:sema" | python3 -c '
import json, sys
for line in sys.stdin:
    o = json.loads(line)
    print(o["provider"], hex(o["semaphore"]), " ".join("%s:%s:%s" % (a["name"], a["type"], a["spec"]) for a in o["args"]))
')
want=$(readelf_usdt "$PROG" | sed -n '/:scry_test:sema$/,/^usdt:/p' | grep -v '^usdt:' |
	sed 's/^    //' | python3 -c '
import sys
sema, args = None, []
for l in sys.stdin.read().splitlines():
    if l.startswith("semaphore: "):
        sema = l.split()[1]
    else:
        t, rest = l.split(" ", 1)
        name, spec = rest.split(": ", 1)
        args.append("%s:%s:%s" % (name, t, spec))
print("usdt", sema, " ".join(args))
')
expect_eq "-f json -v: semaphore and arguments" "$want" "$got"

# uprobes: the functions nm and readelf know
want=$(nm --defined-only "$PROG" | awk '$2 ~ /^[TtWi]$/ && $3 ~ /^user_fn/ { print "uprobe:'"$PROG"':" $3 }' |
	LC_ALL=C sort -u)
got=$("$SCRY" -l "uprobe:$PROG:user_fn*")
expect_eq "uprobe functions are what nm lists" "$want" "$got"
case "$want" in *user_fn_local*) pass "a static function is there too" ;; *) fail "a static function is there too" "$want" ;; esac
want=$(readelf -sW "$PROG" | awk '($4 == "FUNC" || $4 == "IFUNC") && $7 != "UND" && $8 != "" { sub(/@.*/, "", $8); print "uprobe:'"$PROG"':" $8 }' |
	LC_ALL=C sort -u)
got=$("$SCRY" -l "uprobe:$PROG:*")
expect_eq "every defined function, as readelf -s has them" "$want" "$got"
expect_eq "uretprobe: lists the same functions" "$(printf '%s\n' "$got" | sed 's/^uprobe:/uretprobe:/')" \
	"$("$SCRY" -l "uretprobe:$PROG:*")"
got=$("$SCRY" -l "*:$PROG:user_fn_alpha")
expect_eq "uretprobes only when asked for by name" "uprobe:$PROG:user_fn_alpha" "$got"

# names: a relative path keeps its spelling (as bpftrace), $PATH gives the
# path found, short library names resolve
got=$(cd "$FIXTURES" && "$SCRY" -l 'uprobe:./user_prog:user_fn_alpha')
expect_eq "a relative path is listed as written" "uprobe:./user_prog:user_fn_alpha" "$got"
got=$(PATH="$FIXTURES:$PATH" "$SCRY" -l 'uprobe:user_prog:user_fn_alpha')
expect_eq "a program name is found in \$PATH" "uprobe:$PROG:user_fn_alpha" "$got"
libc=$(ldconfig -p 2>/dev/null | awk '$1 == "libc.so.6" && /x86-64/ { print $NF; exit }')
if [ -n "$libc" ]; then
	expect_eq "libc resolves as ldconfig -p says" "uprobe:$libc:malloc" "$("$SCRY" -l 'uprobe:libc:malloc')"
	# and, as bpftrace lists them, those of its debug file's symbol table (by build id)
	id=$(readelf -n "$libc" | awk '/Build ID/ { print $3 }')
	dbg=/usr/lib/debug/.build-id/$(echo "$id" | cut -c1-2)/$(echo "$id" | cut -c3-).debug
	[ -n "$id" ] && [ -f "$dbg" ] || dbg=
	want=$(for f in "$libc" $dbg; do readelf -sW --dyn-syms "$f" 2>/dev/null; done | awk '($4 == "FUNC" || $4 == "IFUNC") && $7 != "UND" && $8 ~ /^mall/ { sub(/@@.*/, "", $8); print "uprobe:'"$libc"':" $8 }' | LC_ALL=C sort -u)
	expect_eq "libc's mall* functions" "$want" "$("$SCRY" -l 'uprobe:libc:mall*')"
else
	skip "libc resolves as ldconfig -p says" "no libc.so.6 in ldconfig -p"
fi

# no binary and no -p: nothing, silently
got=$("$SCRY" -l 'uprobe:*:malloc' 2>&1; echo "rc=$?")
expect_eq "no binary and no -p lists nothing" "rc=0" "$got"
got=$("$SCRY" -l 'usdt:*' 2>&1; echo "rc=$?")
expect_eq "usdt:* without -p lists nothing" "rc=0" "$got"

# -p PID: what the process maps, the library included
need_root "-p PID"
fifo=$T_TMP/fifo
mkfifo "$fifo"
"$PROG" wait < "$fifo" > "$T_TMP/ready" &
pid=$!
exec 3> "$fifo"
i=0
while [ ! -s "$T_TMP/ready" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
want=$( ("$SCRY" -l "usdt:$PROG:*"; "$SCRY" -l "usdt:$LIB:*") | LC_ALL=C sort)
got=$("$SCRY" -p "$pid" -l 'usdt:*' | grep -e "$PROG" -e "$LIB")
expect_eq "-p PID lists the USDT probes of the program and its library" "$want" "$got"
got=$("$SCRY" -p "$pid" -l 'usdt:*' | grep -c '^usdt:/')
[ "$got" -ge 5 ] && pass "-p PID: $got usdt probes" || fail "-p PID: only $got usdt probes"
got=$("$SCRY" -p "$pid" -l 'uprobe:*:scry_lib_fn')
expect_eq "-p PID uprobe:*:FUNC finds the function in the library" "uprobe:$LIB:scry_lib_fn" "$got"
got=$("$SCRY" -p "$pid" -l 'uprobe:*:malloc' | grep -c ':malloc$')
[ "$got" -ge 1 ] && pass "-p PID uprobe:*:malloc finds libc's" || fail "-p PID uprobe:*:malloc finds libc's"
got=$("$SCRY" -p "$pid" -l 'uprobe:libscryuser:scry_lib_fn')
expect_eq "-p PID: a short library name is the one the process maps" "uprobe:$LIB:scry_lib_fn" "$got"
exec 3>&-
wait $pid
