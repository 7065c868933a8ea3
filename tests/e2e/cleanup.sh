#!/bin/sh
# Stale tracefs objects: what a killed scry leaves behind is removed by the
# next scry, and what a live scry owns is not.
#
# 1. Fake stale objects named scry_<what>_<deadpid> (an instance, uprobe
#    events enabled at the top level, with a trigger, and inside a live
#    instance), next to a live scry's objects and to lookalike names; one
#    'scry list BEGIN'; then exactly the stale ones must be gone.
# 2. 'scry info' killed with SIGKILL at random moments, 30 times; one more
#    scry; then nothing of a dead scry may remain, and the top level must be
#    as it was.
. "$TOP/tests/lib.sh"
need_root cleanup

T=/sys/kernel/tracing
[ -d "$T/instances" ] || T=/sys/kernel/debug/tracing
if [ ! -d "$T/instances" ] || [ ! -f "$T/uprobe_events" ]; then
	skip cleanup "no tracefs instances or uprobe_events"
	exit 0
fi

live=
cleanup_all() {	# works whatever scry did or did not remove
	[ -n "$live" ] || return 0
	for i in "scry_t_$live" "scry_t_$dead" "scryx_t_$dead" "scry_t_${dead}x"; do
		rmdir "$T/instances/$i" 2>/dev/null
	done
	{
		echo '!traceoff:count=5 if common_pid == 1' >> "$T/events/scry_t_$dead/stale/trigger"
		for e in "scry_t_$live/live" "scry_t_$dead/stale" "scrytest/scry_t_$dead"; do
			echo 0 > "$T/events/$e/enable"
			echo '-:'"$e" >> "$T/uprobe_events"
		done
	} 2>/dev/null
	kill "$live" 2>/dev/null
	wait "$live" 2>/dev/null
	live=
}
trap 'cleanup_all; rm -rf "$T_TMP"' EXIT

# a real instruction to probe: /bin/true's entry point, as a file offset
entry=$(readelf -hW /bin/true | sed -n 's/^ *Entry point address: *//p')
set -- $(readelf -lW /bin/true | grep ' LOAD ' | grep ' R E ')
if [ -z "$entry" ] || [ $# -lt 3 ]; then
	skip cleanup "cannot find the text of /bin/true with readelf"
	exit 0
fi
off=$(printf '0x%x' $((entry - $3 + $2)))

# a pid that is no process: a child that has exited and been reaped
true &
dead=$!
wait $dead
if kill -0 "$dead" 2>/dev/null; then
	skip cleanup "pid $dead was reused at once"
	exit 0
fi

# a live scry: any process whose comm is "scry" (the kernel takes comm from
# the name the program was run by)
ln -s "$(command -v sleep)" "$T_TMP/scry"
"$T_TMP/scry" 300 &
live=$!
n=0
while [ "$(cat /proc/$live/comm 2>/dev/null)" != scry ] && [ $n -lt 100 ]; do
	sleep 0.01
	n=$((n + 1))
done
if [ "$(cat /proc/$live/comm 2>/dev/null)" != scry ]; then
	fail "a process named scry to stand for a live run" "comm: $(cat /proc/$live/comm)"
	exit 0
fi

setup_ok=1
mk() { "$@" 2>"$T_TMP/err" || { setup_ok=; fail "setup: $*" "$(cat "$T_TMP/err")"; }; }
mk mkdir "$T/instances/scry_t_$dead"
mk mkdir "$T/instances/scry_t_$live"
mk mkdir "$T/instances/scryx_t_$dead"
mk mkdir "$T/instances/scry_t_${dead}x"
mk sh -c "echo 'p:scry_t_$dead/stale /bin/true:$off' >> $T/uprobe_events"
mk sh -c "echo 'p:scrytest/scry_t_$dead /bin/true:$off' >> $T/uprobe_events"
mk sh -c "echo 'p:scry_t_$live/live /bin/true:$off' >> $T/uprobe_events"
# busy the stale event every way the kernel refuses removal for
mk sh -c "echo 1 > $T/events/scry_t_$dead/stale/enable"
mk sh -c "echo 'traceoff:5 if common_pid == 1' > $T/events/scry_t_$dead/stale/trigger"
mk sh -c "echo 1 > $T/instances/scry_t_$live/events/scry_t_$dead/stale/enable"
mk sh -c "echo 1 > $T/instances/scry_t_$dead/events/scrytest/scry_t_$dead/enable"
[ -n "$setup_ok" ] || exit 0
if echo "-:scry_t_$dead/stale" >> "$T/uprobe_events" 2>/dev/null; then
	fail "setup: an enabled event cannot be removed as it is"
	exit 0
fi

out=$("$SCRY" list BEGIN 2>"$T_TMP/err")
rc=$?
expect_eq "scry list BEGIN still works after cleaning up" "0 BEGIN" "$rc $out"
expect_eq "cleaning up warns of nothing" "" "$(cat "$T_TMP/err")"

instances=$(ls "$T/instances" | grep -e "_t_$dead" -e "_t_$live" | sort)
expect_eq "the stale instance is removed; the live one and lookalikes are kept" \
	"$(printf '%s\n' "scry_t_$live" "scry_t_${dead}x" "scryx_t_$dead" | sort)" "$instances"
events=$(grep -e "_t_$dead" -e "_t_$live" "$T/uprobe_events" | sed 's/ .*//')
expect_eq "stale uprobe events are removed (by group and by event name); the live one is kept" \
	"p:scry_t_$live/live" "$events"
expect_eq "the live instance no longer has the stale event" "" \
	"$(ls "$T/instances/scry_t_$live/events" | grep "_t_$dead")"
cleanup_all

# ---- 2. SIGKILL at random moments ----

# a random number in [0, $1)
rnd() { echo $(( $(od -An -N4 -tu4 /dev/urandom) % $1 )); }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# everything of a scry that is not running: instances, dynamic events, and
# the programs of 'scry info' that no process holds (only those: other scry
# runs on this machine may be between closing and freeing theirs)
orphans() {
	for n in $(ls "$T/instances"; sed 's/^[^:]*:\([^ ]*\) .*/\1/; s,/, ,' \
	    "$T/dynamic_events" "$T/uprobe_events" "$T/kprobe_events" 2>/dev/null); do
		case "$n" in scry_*_[0-9]*) ;; *) continue ;; esac
		p=${n##*_}
		[ "$(cat /proc/$p/comm 2>/dev/null)" = scry ] || echo "tracefs: $n"
	done
	if command -v bpftool >/dev/null 2>&1; then
		bpftool -j prog show 2>/dev/null | python3 -c '
import json, sys
for p in json.load(sys.stdin):
    if p.get("name", "").startswith("scry_feat") and not p.get("pids"):
        print("bpf program: %s (id %d)" % (p["name"], p["id"]))
'
	fi
}

top_before=$(cat "$T/set_event" "$T/tracing_on")
# programs pinned by others stay; everything in tracefs must go
keep=$(orphans | grep '^bpf program')
t0=$(now_ms)
"$SCRY" info > /dev/null 2>&1
span=$(( $(now_ms) - t0 + 1 ))

# kill anywhere in the life of one run
hits=0
i=0
while [ $i -lt 30 ]; do
	"$SCRY" info > /dev/null 2>&1 &
	p=$!
	ms=$(rnd "$span")
	sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
	kill -KILL $p 2>/dev/null
	wait $p 2>/dev/null
	[ -d "$T/instances/scry_feat_$p" ] && hits=$((hits + 1))
	grep -q "scry_feat_$p/" "$T/dynamic_events" 2>/dev/null && hits=$((hits + 1))
	i=$((i + 1))
done
echo "note: one run takes ${span}ms; $hits of 30 kills left a tracefs object behind"

"$SCRY" list BEGIN > /dev/null 2>&1
# a killed process's programs are freed after it is gone: give the kernel a moment
n=0
while [ "$(orphans)" != "$keep" ] && [ $n -lt 20 ]; do
	sleep 0.1
	n=$((n + 1))
done
expect_eq "nothing of 30 killed 'scry info' runs remains after the next scry" \
	"$keep" "$(orphans)"
expect_eq "top-level set_event and tracing_on are as before" "$top_before" \
	"$(cat "$T/set_event" "$T/tracing_on")"
