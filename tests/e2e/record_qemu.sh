#!/bin/sh
# scry record where the kernel has what this one lacks: a stock Debian 6.1
# kernel under qemu (scripts/qemu-kernel.sh).  A kprobe and a kretprobe
# trace event, then the function_graph tracer limited to vfs_read (6.1's
# instances lack it: the top-level buffer is used and put back), and the
# function tracer, each on busybox dd making exactly 7 reads: exact counts,
# entry/exit pairs, return values; nothing left behind, also after SIGKILL
# (the next start resets the top-level tracer).
. "$TOP/tests/lib.sh"

vm_cmd='
T=/sys/kernel/tracing
DD="dd if=/dev/zero of=/dev/null bs=512 count=7"
scry record -q -e kprobe:vfs_read -e "kretprobe:vfs_read ret=\$retval" -o /tmp/k.dat -- $DD 2>/dev/null
echo "@@krc=$?"
scry report -i /tmp/k.dat | sed -n "s/^ *dd-[0-9]* .* \(vfs_read[_ret]*\): .*ret=\(0x[0-9a-f]*\)\$/\1=\2/p; s/^ *dd-[0-9]* .* vfs_read: .*/entry/p" | tr "\n" " " | sed "s/^/@@k=/"; echo
scry record -p function_graph -l vfs_read -o /tmp/g.dat -- $DD 2>/tmp/gerr
echo "@@grc=$?"
echo "@@gerr=$(grep -c "recording through the ftrace ring buffer (the top-level one" /tmp/gerr)"
scry report -i /tmp/g.dat | sed -n "s/^ *dd-[0-9]* .* funcgraph_\(entry\|exit\): .* vfs_read .*/\1/p" | tr "\n" " " | sed "s/^/@@g=/"; echo
scry report -i /tmp/g.dat -f perfetto | grep -c "\"ph\": \"B\".*\"name\": \"vfs_read\"" | sed "s/^/@@gB=/"
scry report -i /tmp/g.dat -f perfetto | grep -c "\"ph\": \"E\"" | sed "s/^/@@gE=/"
scry record -q -p function -l vfs_read -o /tmp/f.dat -- $DD 2>/dev/null
scry report -i /tmp/f.dat | grep -c "^ *dd-[0-9]* .* function: *vfs_read <-- " | sed "s/^/@@f=/"
echo "@@left=$(ls $T/instances) $(cat $T/kprobe_events) $(cat $T/current_tracer) $(head -1 $T/set_ftrace_filter)"
scry record -q -a -p function_graph -l vfs_read -o /tmp/x.dat 2>/dev/null &
p=$!
sleep 3
echo "@@during=$(ls $T/instances) $(cat $T/current_tracer)"
kill -9 $p
wait $p 2>/dev/null
scry list "tracepoint:sched:sched_switch" >/dev/null 2>&1
echo "@@afterkill=$(ls $T/instances) $(cat $T/current_tracer) $(head -1 $T/set_ftrace_filter)"
'
out=$(SCRY="$SCRY" O="${O:-$TOP/build}" sh "$TOP/scripts/qemu-kernel.sh" -t 80 sh -c "$vm_cmd" 2> "$T_TMP/err")
rc=$?
if [ $rc -eq 125 ]; then
	skip "scry record under Debian 6.1 in qemu" "$(tail -n 1 "$T_TMP/err")"
	exit 0
fi
field() { printf '%s\n' "$out" | sed -n "s/^@@$1=//p"; }
expect_eq "kprobe + kretprobe events record exit 0" 0 "$(field krc)"
expect_eq "kprobe:vfs_read 7 entries, kretprobe ret=0x200 (512 bytes) 7 times, in pairs" \
	"$(printf 'entry vfs_read_ret=0x200 %.0s' 1 2 3 4 5 6 7)" "$(field k)"
expect_eq "function_graph record exits 0" 0 "$(field grc)"
expect_eq "and says once it used the top-level buffer (6.1's instances lack function_graph)" 1 \
	"$(field gerr)"
expect_eq "function_graph -l vfs_read: 7 entry/exit pairs" \
	"$(printf 'entry exit %.0s' 1 2 3 4 5 6 7)" "$(field g)"
expect_eq "report -f perfetto: 7 vfs_read B slices and 7 E" "7 7" "$(field gB) $(field gE)"
expect_eq "function -l vfs_read: 7 calls" 7 "$(field f)"
expect_eq "nothing left: no instance, no kprobe event, tracer nop, no function filter" \
	"  nop #### all functions enabled ####" "$(field left)"
case "$(field during)" in
scry_rectop_*" function_graph") pass "a running top-level record is marked scry_rectop_<pid>" ;;
*) fail "a running top-level record is marked scry_rectop_<pid>" "$(field during)" ;;
esac
expect_eq "after SIGKILL, the next scry start removes the mark and resets the tracer" \
	" nop #### all functions enabled ####" "$(field afterkill)"
