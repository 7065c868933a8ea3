#!/bin/sh
# The BPF mechanism layer (src/mech/bpf.c, perf_event.c, timer.c) with
# hand-assembled programs (src/codegen/bpf/insn.c) against the live kernel:
# exact counts, exact payloads, and nothing left loaded.
. "$TOP/tests/lib.sh"
need_root bpf_mech

C="$FIXTURES/bpf_check"
if [ ! -x "$C" ]; then
	fail "fixture" "$C was not built"
	exit 0
fi

loaded() { bpftool prog show 2>/dev/null | grep -o 'name scry_[A-Za-z0-9_.]*' | sort; }
before=$(loaded)

run() {	# name expected subcommand...
	name=$1
	want=$2
	shift 2
	got=$("$C" "$@" 2>"$T_TMP/err")
	expect_eq "$name" "$want" "$got"
	grep '^INFO: ' "$T_TMP/err"	# figures, for the log
}

run "per-CPU array counter on sys_enter_getppid via perf link: 1000 calls" \
	"percpu sum=1000 err=0 link=yes" percpu 1000
run "the same through PERF_EVENT_IOC_SET_BPF" \
	"legacy sum=1000 err=0 link=no" legacy 1000
run "hash keyed by pid, read by batch and by get_next_key: one key, 1000" \
	"hash batch: err=0 batched=yes entries=1 key_is_pid=yes value=1000
hash next_key: err=0 entries=1 key_is_pid=yes value=1000" hash 1000
# a ring of 4096 bytes holds 4095 bytes of 16-byte records: 255 fit, 45 are lost and counted
run "ring buffer: 100 events in order; a full ring counts what it lost" \
	"ringbuf 65536 bytes, 100 events: err=0 consumed=100 seen=100 in_order=1 bad_size=0 lost=0
ringbuf 4096 bytes, 300 events: err=0 consumed=255 seen=255 in_order=1 bad_size=0 lost=45" ringbuf
run "BEGIN-style BPF_PROG_TEST_RUN stores through a map-value pointer (fd_array index)" \
	"begin: err=0 retval=42 value=0x1122334455667788" begin
run "verifier rejection: message and failing instruction index" \
	"reject: err=EACCES insn=7 msg=invalid access to map value, value_size=8 off=8 size=8; R0 min value is outside of the allowed memory range" reject
grep -q "rejected 'scry_reject' at instruction 7" "$T_TMP/err" && pass "the rejection is reported with the verifier's lines" ||
	fail "the rejection is reported with the verifier's lines" "$(cat "$T_TMP/err")"
run "program types that BPF_PROG_TEST_RUN accepts" \
	"testrun raw_tracepoint: ok
testrun syscall: ok
testrun tracepoint: ENOTSUPP
testrun kprobe: ENOTSUPP
testrun perf_event: ENOTSUPP" testrun-types
run "interval: 10 ms timerfd ticks over 1 s on an idle CPU, exact within one tick" \
	"interval: ticks ok" interval 10 1000
run "bpf_timer in a SYSCALL program (the alternative, measured): 10 ms ticks over 1 s within 5%" \
	"timer-bpf: err=0 ticks ok" timer-bpf 10 1000

# uprobe: file offset of scry_target_fn = vaddr - p_vaddr + p_offset of its LOAD segment
T="$FIXTURES/bpf_target"
va=$(nm "$T" | awk '$3 == "scry_target_fn" { print $1 }')
off=
readelf -lW "$T" | grep '^ *LOAD' > "$T_TMP/load"
while read -r _ o v _ s _; do
	if [ $((0x$va)) -ge $((v)) ] && [ $((0x$va)) -lt $((v + s)) ]; then
		off=$(printf '0x%x' $((0x$va - v + o)))
	fi
done < "$T_TMP/load"
if [ -z "$off" ]; then
	fail "uprobe offset" "cannot find scry_target_fn in $T"
else
	run "uprobe on a fixture function, per pid: count and first argument from pt_regs" \
		"uprobe: hits=50 arg0=4242 target_exit=0" uprobe "$T" "$off" 50
fi

run "profile: cpu-clock 100 Hz on every CPU + PERF_EVENT program: 500 ms busy on CPU 0 gives 40..60" \
	"profile: err=0 cpus=all cpu0 samples ok" profile
run "our disassembly of a loaded program equals bpftool's" "disasm: same as bpftool" disasm
run "kprobe PMU absent: a clear error" "kprobe: EOPNOTSUPP" kprobe
run "a 64 MiB ring buffer" "rb64: err=0" rb64

wait_released
expect_eq "no scry program left loaded" "$before" "$(loaded)"
