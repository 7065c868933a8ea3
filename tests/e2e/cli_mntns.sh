#!/bin/sh
# A process in its own mount namespace (a container, in small): its binary is
# a private copy at a path that does not exist outside.  With -p PID scry
# opens its files through /proc/PID/root: it lists them by the paths the
# process sees and traces them, exact counts (uprobe_fix 7: ufix_add,
# ufix_lib and USDT ufix:plain 7 times each).
. "$TOP/tests/lib.sh"
need_root "mount namespaces"

need_uprobe_fixture "mount namespaces"
FIX=$FIXTURES/uprobe_fix
if ! command -v unshare >/dev/null 2>&1 || ! unshare -m true 2>/dev/null; then
	skip "mount namespaces" "unshare -m does not work here"
	exit 0
fi
NS=$T_TMP/ns
PRIV=$NS/priv
mkdir -p "$NS"
mkfifo "$T_TMP/go"
# The tmpfs is mounted only inside the new namespace (unshare -m makes mounts private).
unshare -m sh -c "mount -t tmpfs scry_ns '$NS' && mkdir '$PRIV' &&
	cp '$FIX' '$FIXTURES/libufix.so' '$PRIV/' && exec '$PRIV/uprobe_fix' 7 wait" \
	< "$T_TMP/go" > "$T_TMP/fix.out" 2>&1 &
NSPID=$!
exec 9> "$T_TMP/go"
for i in $(seq 50); do
	grep -q ready "$T_TMP/fix.out" 2>/dev/null && break
	sleep 0.1
done
PID=$(pgrep -f "^$PRIV/uprobe_fix 7 wait")
if [ -z "$PID" ]; then
	fail "the fixture starts in its own mount namespace" "$(cat "$T_TMP/fix.out")"
	exit 0
fi
expect_eq "the fixture's mount namespace is not scry's" 1 \
	"$([ "$(readlink /proc/$PID/ns/mnt)" != "$(readlink /proc/self/ns/mnt)" ] && echo 1)"
expect_eq "its binary's path does not exist outside" "no" "$([ -e "$PRIV/uprobe_fix" ] && echo yes || echo no)"

got=$("$SCRY" -p "$PID" -l "uprobe:$PRIV/uprobe_fix:ufix_a*" 2>&1)
expect_eq "-p -l uprobe: the path the process sees" "uprobe:$PRIV/uprobe_fix:ufix_add" "$got"
got=$("$SCRY" -p "$PID" -l 'usdt:*' 2>&1 | grep ':ufix:p')
expect_eq "-p -l usdt:*: its USDT probes by its paths" "usdt:$PRIV/uprobe_fix:ufix:plain" "$got"
got=$("$SCRY" -p "$PID" -l 'uprobe:libufix:ufix_*' 2>&1)
expect_eq "-p -l a bare library name: the one it maps" "uprobe:$PRIV/libufix.so:ufix_lib" "$got"
got=$("$SCRY" -l "uprobe:$PRIV/uprobe_fix:ufix_a*" 2>&1)
expect_eq "without -p the path names nothing here" "scry: error: '$PRIV/uprobe_fix': no such file" "$got"

"$SCRY" -p "$PID" -e "uprobe:$PRIV/uprobe_fix:ufix_add { @add = count(); }
	uretprobe:$PRIV/uprobe_fix:ufix_add { @ret = sum(retval); }
	usdt:$PRIV/uprobe_fix:ufix:plain { @plain = count(); }
	uprobe:libufix:ufix_lib { @lib = count(); }" > "$T_TMP/trace" 2>&1 &
SCRYPID=$!
for i in $(seq 50); do
	grep -q '^Attaching' "$T_TMP/trace" 2>/dev/null && break
	sleep 0.1
done
echo go >&9
exec 9>&-
wait $NSPID
wait $SCRYPID
expect_eq "-p traces it: exact counts (the run ends with the process)" "Attaching 4 probes...
@add: 7
@lib: 7
@plain: 7
@ret: 7042" "$(grep -v '^$' "$T_TMP/trace")"
