#!/bin/sh
# self:signal:SIGUSR1: the programs run when scry gets the signal, in the
# order of the script, as often as it is sent; SIGUSR1 without such a probe
# prints every map (bpftrace 0.17 does the same); a signal a self probe
# cannot wait for is refused at its place.
. "$TOP/tests/lib.sh"
need_root signal

# start PROG: runs scry in the background (output in $T_TMP/out), waits until attached
start() {
	"$SCRY" -e "$1" > "$T_TMP/out" 2> "$T_TMP/err" &
	SPID=$!
	i=0
	while ! grep -q '^Attaching' "$T_TMP/out" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

# usr1 N: sends SIGUSR1 N times, each once the previous one's output is out
usr1() {
	k=0
	while [ $k -lt "$1" ]; do
		kill -USR1 $SPID
		k=$((k + 1))
		i=0
		while [ "$(grep -c 'second' "$T_TMP/out")" -lt $k ] && [ $i -lt 100 ]; do
			sleep 0.05
			i=$((i + 1))
		done
	done
}

start 'self:signal:SIGUSR1 { printf("first"); } self:signal:SIGUSR1 { printf(" second\n"); @n = count(); }'
usr1 3
kill -INT $SPID
wait $SPID
expect_eq "three SIGUSR1: both probes each time, in script order, then the map" \
	"Attaching 2 probes...
first second
first second
first second


@n: 3" "$(cat "$T_TMP/out")"

start 'BEGIN { @a = 1; @b["x"] = 2; } self:signal:SIGUSR1 { @a = 5; printf(" second\n"); }'
usr1 1
kill -INT $SPID
wait $SPID
expect_eq "the probe's map writes are seen at the end" "Attaching 2 probes...
 second


@a: 5
@b[x]: 2" "$(cat "$T_TMP/out")"

# Without a self probe, SIGUSR1 prints the maps there and then (bpftrace 0.17)
start 'BEGIN { @a = 1; @b["x"] = 2; } interval:ms:100 { @t = count(); }'
kill -USR1 $SPID
i=0
while [ "$(wc -l < "$T_TMP/out")" -lt 4 ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
kill -INT $SPID
wait $SPID
got=$(sed -n '2,3p' "$T_TMP/out")
expect_eq "SIGUSR1 without a self probe prints every map" "@a: 1
@b[x]: 2" "$got"

"$SCRY" -e 'self:signal:SIGUSR2 { }' > "$T_TMP/out" 2>&1
expect_eq "SIGUSR2 is refused with status 1" 1 $?
expect_eq "... at its place" "stdin:1:1: error: self probes cannot wait for 'SIGUSR2'" \
	"$(head -1 "$T_TMP/out")"
"$SCRY" -e 'self:timer:SIGUSR1 { }' > "$T_TMP/out" 2>&1
expect_eq "self:timer is refused with status 1" 1 $?
expect_eq "self probes are listed" "self:signal:SIGUSR1" "$("$SCRY" -l 'self:*')"
