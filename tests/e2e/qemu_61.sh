#!/bin/sh
# The paths this machine's kernel lacks, for real: scry info under a stock
# Debian 6.1 kernel in qemu (scripts/qemu-kernel.sh) must find kprobes, fentry,
# the function tracer and hist triggers there, agree with what the VM's own
# files and a tracefs instance say, and leave nothing behind in that kernel.
. "$TOP/tests/lib.sh"

vm_cmd='
scry info -f json > /tmp/json 2> /tmp/err
rc=$?
T=/sys/kernel/tracing
echo "@@rc=$rc"
echo "@@stderr=$(cat /tmp/err)"
echo "@@json=$(cat /tmp/json)"
[ -d /sys/bus/event_source/devices/kprobe ] || [ -e $T/kprobe_events ] && echo "@@kprobe=True" || echo "@@kprobe=False"
mkdir $T/instances/scrytest_qemu
(echo function > $T/instances/scrytest_qemu/current_tracer) 2>/dev/null && echo "@@ftrace=True" || echo "@@ftrace=False"
echo nop > $T/instances/scrytest_qemu/current_tracer
rmdir $T/instances/scrytest_qemu
echo "@@left=$(ls $T/instances) $(cat $T/kprobe_events $T/uprobe_events)"
'
out=$(SCRY="$SCRY" O="${O:-$TOP/build}" sh "$TOP/scripts/qemu-kernel.sh" -t 50 sh -c "$vm_cmd" 2> "$T_TMP/err")
rc=$?
if [ $rc -eq 125 ]; then
	skip "scry info under Debian 6.1 in qemu" "$(tail -n 1 "$T_TMP/err")"
	exit 0
fi
if [ $rc -ne 0 ]; then
	fail "the VM ran the command" "exit $rc" "$(tail -n 20 "$T_TMP/err")"
	exit 0
fi
pass "a Debian 6.1 kernel booted in qemu and ran scry info"
field() { printf '%s\n' "$out" | sed -n "s/^@@$1=//p"; }

expect_eq "scry info -f json exits 0 there" 0 "$(field rc)"
expect_eq "and says nothing on stderr" "" "$(field stderr)"
printf '%s\n' "$(field json)" > "$T_TMP/json"
answers=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print("kernel=" + d["kernel"])
for f in d["features"]:
    print("%s=%s" % (f["key"], f["ok"]))
' "$T_TMP/json") || { fail "the JSON from the VM parses" "$(head -c 500 "$T_TMP/json")"; exit 0; }
got() { printf '%s\n' "$answers" | sed -n "s/^$1=//p"; }

case "$(got kernel)" in
6.1.*) pass "the kernel is 6.1 ($(got kernel))" ;;
*) fail "the kernel is 6.1" "it is '$(got kernel)'" ;;
esac
expect_eq "kprobe: yes, as the VM's kprobe PMU / kprobe_events say" "True $(field kprobe)" \
	"$(got kprobe) True"
expect_eq "ftrace_function: yes, as current_tracer=function in an instance says" \
	"True $(field ftrace)" "$(got ftrace_function) True"
expect_eq "fentry: yes on 6.1" True "$(got fentry)"
expect_eq "hist_trigger: yes on 6.1" True "$(got hist_trigger)"
expect_eq "tracepoint, raw_tp and tp_btf programs load there too" "True True True" \
	"$(got prog_tracepoint) $(got prog_raw_tp) $(got prog_tp_btf)"
expect_eq "scry left no instance, kprobe or uprobe event in the VM" " " "$(field left)"

# kprobes and kretprobes running for real there: a wildcard expanded from the
# kernel's functions, func symbolized, a return probe, then nothing left.
out=$(SCRY="$SCRY" O="${O:-$TOP/build}" sh "$TOP/scripts/qemu-kernel.sh" -t 50 sh -c \
	"scry -e 'kprobe:vfs_rea* { @k[func] = count(); } kretprobe:vfs_read { @r = count(); }
	  interval:ms:300 { exit(); }'; echo rc=\$?; cat /sys/kernel/tracing/kprobe_events | grep -c scry" \
	2> "$T_TMP/err")
rc=$?
if [ $rc -eq 125 ]; then
	skip "kprobes under Debian 6.1 in qemu" "$(tail -n 1 "$T_TMP/err")"
	exit 0
fi
printf '%s\n' "$out" | grep -q '^@k\[vfs_read\]: [1-9][0-9]*$' &&
	printf '%s\n' "$out" | grep -q '^@r: [1-9][0-9]*$' && printf '%s\n' "$out" | grep -q '^rc=0$' &&
	printf '%s\n' "$out" | tail -1 | grep -q '^0$' &&
	pass "kprobe wildcard and kretprobe count vfs_read under 6.1, exit 0, no kprobe event left" ||
	fail "kprobes under Debian 6.1 in qemu" "$out"

# fentry/fexit running for real there (BPF trampolines): dd reads a 100-byte
# file one byte at a time, so vfs_read runs 100 times for it, returns 1 each
# time, at positions 0..99; afterwards no trampoline is left on vfs_read.
dd_cmd='dd if=/tmp/f of=/dev/null bs=1 count=100'
out=$(SCRY="$SCRY" O="${O:-$TOP/build}" sh "$TOP/scripts/qemu-kernel.sh" -t 80 sh -c "
	dd if=/dev/zero of=/tmp/f bs=100 count=1 2>/dev/null
	scry -e 'fentry:vfs_read /comm == \"dd\"/ { @ = count(); }' -c '$dd_cmd' 2>&1; echo rc=\$?
	scry -e 'kretfunc:vfs_read /comm == \"dd\"/ { @ = hist(retval); }' -c '$dd_cmd' 2>&1; echo rc=\$?
	scry -e 'fentry:vfs_read /comm == \"dd\"/ { @s = sum(*args.pos); @m = max(*args.pos);
		@n = sum(args.count); }' -c '$dd_cmd' 2>&1; echo rc=\$?
	echo left=\$(grep -c vfs_read /sys/kernel/tracing/enabled_functions)" 2> "$T_TMP/err")
rc=$?
if [ $rc -eq 125 ]; then
	skip "fentry under Debian 6.1 in qemu" "$(tail -n 1 "$T_TMP/err")"
	exit 0
fi
has() { printf '%s\n' "$out" | grep -q "$1"; }
has '^@: 100$' && pass "fentry:vfs_read counts dd's 100 reads under 6.1" ||
	fail "fentry:vfs_read counts dd's 100 reads under 6.1" "$out"
has '^\[1\] *100 |@*|$' && pass "fexit (kretfunc) hist(retval): 100 reads of 1 byte" ||
	fail "fexit (kretfunc) hist(retval): 100 reads of 1 byte" "$out"
has '^@s: 4950$' && has '^@m: 99$' && has '^@n: 100$' &&
	pass "args.pos (a loff_t pointer) and args.count typed from BTF: positions 0..99, count 1 each" ||
	fail "args.pos and args.count typed from BTF" "$out"
expect_eq "every fentry run exits 0" "rc=0 rc=0 rc=0" "$(printf '%s\n' "$out" | grep '^rc=' | tr '\n' ' ' | sed 's/ $//')"
expect_eq "no trampoline left on vfs_read" "left=0" "$(printf '%s\n' "$out" | grep '^left=')"
