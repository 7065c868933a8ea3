#!/bin/sh
# Dynamic USDT (lib/usdt/, docs/usdt-dynamic.md): the bindings' own tests in
# their own runners (python3 -m unittest, node --test), then a Python and a
# Node.js program (lib/usdt/tests/app.*) declaring provider app, probe
# request(int64, str), traced by scry -p: the exact map of 1,000 known
# values, probe.enabled false before / true while / false after, scry listing
# the probe, usdt:/proc/PID/fd/N naming the object, two processes never
# confused, a probe added later seen by the next scry, SIGKILL of scry
# mid-run, bpftrace 0.17 on the same probe with the same numbers, and no file
# left behind, even when the program is killed.
. "$TOP/tests/lib.sh"

B=$(dirname "$FIXTURES")
export SCRY_USDT_LIB="$B/lib/libscry-usdt.so.0"
export PYTHONPATH="$TOP/lib/usdt/python"
export NODE_PATH="$B/lib/node"
APPS=$TOP/lib/usdt/tests
if [ ! -f "$SCRY_USDT_LIB" ]; then
	fail "libscry-usdt built" "missing $SCRY_USDT_LIB: run make"
	exit 0
fi
have_node=
[ -f "$B/lib/node/scry_usdt/scry_usdt.node" ] && command -v node >/dev/null 2>&1 && have_node=1

# ---- the bindings' tests, in their own runners ----
if python3 -m unittest -v "$TOP/lib/usdt/python/test_scry_usdt.py" > "$T_TMP/py.log" 2>&1; then
	pass "python3 -m unittest test_scry_usdt ($(grep -c ' ok$' "$T_TMP/py.log") tests)"
else
	fail "python3 -m unittest test_scry_usdt" "$(tail -30 "$T_TMP/py.log")"
fi
if [ -n "$have_node" ]; then
	if node --test "$TOP/lib/usdt/node/test/" > "$T_TMP/node.log" 2>&1; then
		pass "node --test scry_usdt ($(grep -c '^ok ' "$T_TMP/node.log") tests)"
	else
		fail "node --test scry_usdt" "$(tail -30 "$T_TMP/node.log")"
	fi
else
	skip "node --test scry_usdt" "no node or no addon (needs $NODE_INC/node_api.h at build)"
fi

need_root usdt_dynamic

# A scratch TMPDIR for the programs: the library must leave nothing in it.
mkdir -p "$T_TMP/tmpdir"
export TMPDIR="$T_TMP/tmpdir"
ls -A /tmp /dev/shm 2>/dev/null | grep -i 'scry-usdt' > "$T_TMP/files.before"

wait_for() {	# FILE PATTERN: up to 10 s
	for i in $(seq 100); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# start NAME CMD...: the program on a fifo (fd 7 for app 1, 8 for app 2), output in $T_TMP/NAME.out
start_app() {
	n=$1
	shift
	rm -f "$T_TMP/$n.in"
	mkfifo "$T_TMP/$n.in"
	"$@" < "$T_TMP/$n.in" > "$T_TMP/$n.out" 2> "$T_TMP/$n.err" &
	echo $! > "$T_TMP/$n.pid"
}

# until_enabled N FD: "Attaching" comes before the attach; wait for the semaphore (5 s)
until_enabled() {
	for i in $(seq 50); do
		r=$(cmd "$1" "$2" enabled '^enabled')
		[ "$r" = "enabled: True" ] && break
		sleep 0.1
	done
	echo "$r"
}

# cmd N FD "command" PATTERN: send, wait for the reply, print the last line matching it
cmd() {
	c=$(grep -c "$4" "$T_TMP/$1.out" 2>/dev/null)
	echo "$3" >&"$2"
	for i in $(seq 200); do
		[ "$(grep -c "$4" "$T_TMP/$1.out" 2>/dev/null)" -gt "$c" ] && break
		sleep 0.05
	done
	grep "$4" "$T_TMP/$1.out" | tail -n 1
}

EXPECTED="Attaching 1 probe...


@[POST /api]: 166167
@[DELETE /x]: 166500
@[GET /]: 166833"
PROG='usdt:*:app:request { @[str(arg1)] = sum(arg0); }'

one_language() {	# LANG CMD...
	lang=$1
	shift
	start_app a "$@"
	exec 7>"$T_TMP/a.in"
	if ! wait_for "$T_TMP/a.out" '^ready'; then
		fail "$lang: program starts" "$(cat "$T_TMP/a.out" "$T_TMP/a.err")"
		exec 7>&-
		return
	fi
	pid=$(awk '/^ready/ { print $2 }' "$T_TMP/a.out")
	obj=$(awk '/^ready/ { print $3 }' "$T_TMP/a.out")
	expect_eq "$lang: the object is a memfd, named for tracers $obj" \
		"/proc/$pid/fd /memfd:scry-usdt-app (deleted)" \
		"$(dirname "$obj") $(awk '$2 ~ /x/ && /memfd:scry-usdt/ { print $6, $7 }' /proc/$pid/maps)"
	expect_eq "$lang: scry list -p shows provider, name and argument types" \
		"usdt:$obj:app:request
    semaphore: 0x2070
    int64 arg0: -8@%rdi
    string arg1: 8@%rsi" "$("$SCRY" list -v -p "$pid" 'usdt:*:app:*' 2>&1)"
	expect_eq "$lang: enabled before scry attaches" "enabled: False" "$(cmd a 7 enabled '^enabled')"

	"$SCRY" -p "$pid" -e "$PROG" > "$T_TMP/s.out" 2>&1 &
	sp=$!
	wait_for "$T_TMP/s.out" Attaching
	expect_eq "$lang: enabled while scry is attached" "enabled: True" "$(until_enabled a 7)"
	cmd a 7 "fire 1000" '^fired' > /dev/null
	kill -INT $sp
	wait $sp
	expect_eq "$lang: scry -p PID '$PROG' (1,000 fires)" "$EXPECTED" "$(cat "$T_TMP/s.out")"
	expect_eq "$lang: enabled after scry exits" "enabled: False" "$(cmd a 7 enabled '^enabled')"

	# By the object's path, the integer and string args each
	"$SCRY" -p "$pid" -e "usdt:$obj:app:request /arg0 < 3/ { printf(\"%d %s\\n\", arg0, str(arg1)); }" \
		> "$T_TMP/s.out" 2>&1 &
	sp=$!
	wait_for "$T_TMP/s.out" Attaching
	until_enabled a 7 > /dev/null
	cmd a 7 "fire 10" '^fired' > /dev/null
	kill -INT $sp
	wait $sp
	expect_eq "$lang: usdt:$obj:app:request, printf of both args" "Attaching 1 probe...
0 GET /
1 POST /api
2 DELETE /x" "$(grep -v '^$' "$T_TMP/s.out")"

	# SIGKILL of scry while the program fires as fast as it can
	"$SCRY" -p "$pid" -e "$PROG" > "$T_TMP/s.out" 2>&1 &
	sp=$!
	wait_for "$T_TMP/s.out" Attaching
	until_enabled a 7 > /dev/null
	cmd a 7 spin '^spinning' > /dev/null
	sleep 0.5
	kill -KILL $sp
	wait $sp 2>/dev/null
	sleep 0.2
	expect_eq "$lang: scry SIGKILLed mid-run: the program lives on, probe disabled" \
		"enabled: False" "$(cmd a 7 enabled '^enabled')"
	expect_eq "$lang: ... and keeps firing" "fired 100" "$(cmd a 7 'fire 100' '^fired')"

	# A probe added after scry started: the next scry sees it
	"$SCRY" -p "$pid" -e 'usdt:*:app:late { @ = sum(arg0); }' > /dev/null 2> "$T_TMP/late.err"
	expect_eq "$lang: a probe not declared yet: exit 1" 1 $?
	obj2=$(cmd a 7 "add late" '^added' | awk '{ print $3 }')
	expect_eq "$lang: added later, listed by the next scry" "usdt:$obj2:app:late
usdt:$obj2:app:request" "$("$SCRY" list -p "$pid" 'usdt:*:app:*' 2>&1)"

	echo exit >&7
	exec 7>&-
	wait "$(cat "$T_TMP/a.pid")"
	expect_eq "$lang: the program exits cleanly" "0 bye" "$? $(tail -n 1 "$T_TMP/a.out")"
}

one_language python python3 "$APPS/app.py"
if [ -n "$have_node" ]; then
	one_language node node "$APPS/app.js"
else
	skip "node: traced by scry" "no node or no addon"
fi

# ---- two processes: scry -p traces only its own, even with usdt:* ----
start_app a python3 "$APPS/app.py"
start_app b python3 "$APPS/app.py"
exec 7>"$T_TMP/a.in" 8>"$T_TMP/b.in"
wait_for "$T_TMP/a.out" '^ready'
wait_for "$T_TMP/b.out" '^ready'
pa=$(awk '/^ready/ { print $2 }' "$T_TMP/a.out")
"$SCRY" -p "$pa" -e 'usdt:*:app:request { @[pid == '"$pa"'] = count(); }' > "$T_TMP/s.out" 2>&1 &
sp=$!
wait_for "$T_TMP/s.out" Attaching
expect_eq "two processes: the traced one is enabled" "enabled: True" "$(until_enabled a 7)"
expect_eq "two processes: the other one is not" "enabled: False" "$(cmd b 8 enabled '^enabled')"
cmd a 7 "fire 30" '^fired' > /dev/null
cmd b 8 "fire 30" '^fired' > /dev/null
kill -INT $sp
wait $sp
expect_eq "two processes: only the traced process's fires" "@[1]: 30" "$(grep '^@' "$T_TMP/s.out")"

# ---- bpftrace 0.17 on the same dynamic probe: the same numbers ----
if command -v bpftrace > /dev/null 2>&1; then
	bpftrace -p "$pa" -e "$PROG" > "$T_TMP/bt.out" 2>&1 &
	bp=$!
	if wait_for "$T_TMP/bt.out" Attaching; then
		expect_eq "bpftrace: enabled while attached" "enabled: True" "$(until_enabled a 7)"
		cmd a 7 "fire 1000" '^fired' > /dev/null
		sleep 0.2
		kill -INT $bp
		wait $bp
		expect_eq "bpftrace 0.17 -p PID '$PROG': the map scry printed" \
			"$(printf '%s\n' "$EXPECTED" | grep '^@')" "$(grep '^@' "$T_TMP/bt.out")"
		expect_eq "bpftrace: enabled after it exits" "enabled: False" "$(cmd a 7 enabled '^enabled')"
	else
		kill -INT $bp 2>/dev/null
		wait $bp
		fail "bpftrace attaches" "$(cat "$T_TMP/bt.out")"
	fi
else
	skip "bpftrace differential" "bpftrace not installed"
fi

# ---- killed while loaded: nothing left anywhere ----
kill -KILL "$(cat "$T_TMP/b.pid")"
echo exit >&7
exec 7>&- 8>&-
wait "$(cat "$T_TMP/a.pid")"
wait "$(cat "$T_TMP/b.pid")" 2>/dev/null
ls -A /tmp /dev/shm 2>/dev/null | grep -i 'scry-usdt' > "$T_TMP/files.after"
expect_eq "no file left in /tmp or /dev/shm, one program killed" "$(cat "$T_TMP/files.before")" \
	"$(cat "$T_TMP/files.after")"
expect_eq "no file left in the programs' TMPDIR" "" "$(ls -A "$TMPDIR")"
