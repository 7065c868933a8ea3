#!/bin/sh
# tp_btf:EVENT: raw tracepoints typed by BTF, loaded with the event's BTF id.
# 'sysfix N' writes N times, then calls getppid() N/2 times.
. "$TOP/tests/lib.sh"
need_root probe_tp_btf
FIX="$FIXTURES/sysfix"
if ! "$SCRY" info 2>/dev/null | grep -q '^  prog_tp_btf: yes'; then
	skip "tp_btf" "this kernel cannot load tp_btf programs"
	exit 0
fi
out=$("$SCRY" -e 'tp_btf:sys_enter /pid == cpid/ { @[arg1] = count(); }' -c "$FIX 10" |
	grep -E '^@\[(1|110)\]:')
expect_eq "tp_btf:sys_enter: arg1 is the syscall number, 10 writes and 5 getppid" "@[110]: 5
@[1]: 10" "$out"
out=$("$SCRY" -e 'tp_btf:sched_process_exit /pid == cpid/ { @ = count(); }' -c "$FIX 3" |
	sed -n 's/^@: //p')
expect_eq "tp_btf:sched_process_exit: the fixture exits once" 1 "$out"
"$SCRY" -e 'tp_btf:no_such_event { @ = count(); }' > "$T_TMP/out" 2>&1
expect_eq "an unknown event: one error, exit 1" "1 1" "$? $(grep -c 'no raw tracepoint' "$T_TMP/out")"
n=$("$SCRY" -l 'tp_btf:sched_switch' | grep -c '^tp_btf:sched_switch$')
expect_eq "scry -l tp_btf:sched_switch lists it" 1 "$n"
# The kernel frees a tracing program's link and program after the fd closes,
# a moment later: wait for that, then nothing of ours is loaded.
if command -v bpftool >/dev/null 2>&1; then
	i=0
	while bpftool prog show 2>/dev/null | grep -q 'name scry_tp_btf' && [ $i -lt 40 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	expect_eq "no tp_btf program left loaded" 0 "$(bpftool prog show 2>/dev/null | grep -c 'name scry_tp_btf')"
fi
