#!/bin/sh
# scry info: every answer is checked against what this test finds by other
# means (sysfs/procfs files, python3 perf_event_open, bpftool loading
# clang-built objects, a tracefs instance of its own), never against a
# hard-coded list.
. "$TOP/tests/lib.sh"
need_root info

json="$T_TMP/info.json"
if ! "$SCRY" info -f json > "$json" 2> "$T_TMP/err"; then
	fail "scry info -f json exits 0" "$(cat "$T_TMP/err")"
	exit 0
fi
pass "scry info -f json exits 0"
expect_eq "scry info writes nothing to stderr" "" "$(cat "$T_TMP/err")"

# key=True|False, one a line, from scry's JSON
py_get() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for f in d["features"]:
    print("%s=%s" % (f["key"], f["ok"]))
' "$json"
}
if ! answers=$(py_get); then
	fail "-f json is one JSON document with features"
	exit 0
fi
pass "-f json is one JSON document with features"
got() { printf '%s\n' "$answers" | sed -n "s/^$1=//p"; }

# the document's own consistency: not ok means a reason and what to use instead
bad=$(python3 -c '
import json, sys, errno
d = json.load(open(sys.argv[1]))
for k in ("kernel", "arch", "version", "features"):
    if k not in d: print("missing", k)
keys = [f["key"] for f in d["features"]]
if len(keys) != len(set(keys)): print("duplicate keys")
for f in d["features"]:
    for k in ("key", "group", "desc", "ok", "errno", "detail", "instead"):
        if k not in f: print(f.get("key"), "lacks", k)
    if f["ok"]:
        if f["errno"] != 0 or f["instead"] is not None: print(f["key"], "ok but errno/instead set")
    else:
        if not f["detail"] or not f["instead"]: print(f["key"], "not ok without detail or instead")
        if f["errno"] and errno.errorcode.get(f["errno"], "?") not in f["detail"]:
            print(f["key"], "detail does not name", errno.errorcode.get(f["errno"]))
' "$json")
expect_eq "every item: key, ok, errno, detail; a reason and an alternative when not ok" "" "$bad"

expect_eq "kernel release is uname -r" "$(uname -r)" \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["kernel"])' "$json")"
expect_eq "version is scry -V's" "$("$SCRY" -V | sed 's/^scry //')" \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$json")"

check() {	# key expected(True|False) how
	g=$(got "$1")
	if [ -z "$g" ]; then
		fail "$1: scry info has no such item"
	elif [ "$g" = "$2" ]; then
		pass "$1 = $2, as $3 says"
	else
		fail "$1: scry says $g, $3 says $2" "$(grep "\"key\": \"$1\"" "$json" | head -1)"
	fi
}
truth() { if "$@" >/dev/null 2>&1; then echo True; else echo False; fi; }

# ---- files the kernel shows ----
check tracefs "$(truth grep -q ' tracefs ' /proc/mounts)" "/proc/mounts"
T=$(awk '$3 == "tracefs" { print $2; exit }' /proc/mounts)
check jit "$(truth test "$(cat /proc/sys/net/core/bpf_jit_enable 2>/dev/null || echo 0)" != 0)" \
	"/proc/sys/net/core/bpf_jit_enable"
check btf "$(truth test -s /sys/kernel/btf/vmlinux)" "/sys/kernel/btf/vmlinux"
kp=False
{ [ -d /sys/bus/event_source/devices/kprobe ] || [ -e "$T/kprobe_events" ]; } && kp=True
check kprobe "$kp" "the kprobe PMU / kprobe_events"
check uprobe "$(truth test -d /sys/bus/event_source/devices/uprobe)" "the uprobe PMU in sysfs"
mode=none
if [ -r /sys/kernel/security/lockdown ]; then
	mode=$(sed 's/.*\[\(.*\)\].*/\1/' /sys/kernel/security/lockdown)
fi
check lockdown "$(truth test "$mode" != confidentiality)" "the lockdown file ($mode)"

# ---- perf_event_open from python3 ----
cat > "$T_TMP/perf.py" <<'EOF'
import ctypes, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
NR_perf_event_open = 298
def try_open(typ, config, bp_type=0, bp_addr=0, bp_len=0):
    attr = ctypes.create_string_buffer(112)
    # type, size, config, sample_period, sample_type, read_format, flags (disabled),
    # wakeup_events, bp_type, bp_addr, bp_len
    struct.pack_into("IIQQQQQIIQQ", attr, 0, typ, 112, config, 1, 0, 0, 1, 0, bp_type,
                     bp_addr, bp_len)
    fd = libc.syscall(NR_perf_event_open, attr, 0, -1, -1, 8)
    if fd < 0:
        return False
    libc.close(fd)
    return True
watched = ctypes.c_uint64(0)
what = sys.argv[1]
if what == "software":
    print(try_open(1, 1))		# PERF_TYPE_SOFTWARE, task-clock
elif what == "hardware":
    print(try_open(0, 0))		# PERF_TYPE_HARDWARE, cycles
elif what == "breakpoint":
    print(try_open(5, 0, 2, ctypes.addressof(watched), 8))	# write, 8 bytes
EOF
if [ "$(uname -m)" = x86_64 ]; then
	check perf_software "$(python3 "$T_TMP/perf.py" software)" "python3 perf_event_open(task-clock)"
	check perf_hardware "$(python3 "$T_TMP/perf.py" hardware)" "python3 perf_event_open(cycles)"
	check breakpoint "$(python3 "$T_TMP/perf.py" breakpoint)" "python3 perf_event_open(watchpoint)"
else
	skip "perf events from python3" "the syscall number is x86_64's"
fi

# ---- a tracefs instance of the test's own ----
inst="$T/instances/scrytest_info_$$"
cleanup() {
	[ -d "$inst" ] && { echo nop > "$inst/current_tracer"; rmdir "$inst"; } 2>/dev/null
	[ -n "${bpffs:-}" ] && { rm -f "$bpffs/p" "$bpffs/m"; umount "$bpffs"; } 2>/dev/null
	rm -rf "$T_TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
if [ -n "$T" ] && mkdir "$inst" 2>/dev/null; then
	ft=False
	if (echo function > "$inst/current_tracer") 2>/dev/null; then
		ft=True
		echo nop > "$inst/current_tracer"
	fi
	hist=False
	trig="$inst/events/sched/sched_switch/trigger"
	if (echo 'hist:keys=common_pid' >> "$trig") 2>/dev/null; then
		hist=True
		echo '!hist:keys=common_pid' >> "$trig"
	fi
	rmdir "$inst"
	check ftrace_function "$ft" "current_tracer=function in an instance"
	check hist_trigger "$hist" "a hist trigger in an instance"
else
	skip "function tracer and hist triggers" "cannot create a tracefs instance"
fi

# ---- bpftool: maps, and clang-built programs ----
if ! command -v bpftool >/dev/null 2>&1; then
	skip "maps and program types via bpftool" "no bpftool"
	exit 0
fi
bpffs="$T_TMP/bpffs"
mkdir -p "$bpffs"
if ! mount -t bpf bpf "$bpffs" 2>/dev/null; then
	bpffs=
	skip "maps and program types via bpftool" "cannot mount a private bpffs"
	exit 0
fi
mapok() {	# type key value entries
	if bpftool map create "$bpffs/m" type "$1" key "$2" value "$3" entries "$4" \
		name scrytest_m >/dev/null 2>&1; then
		rm -f "$bpffs/m"
		echo True
	else
		echo False
	fi
}
check bpf "$(mapok array 4 8 1)" "bpftool map create array"
check ringbuf "$(mapok ringbuf 0 0 "$(getconf PAGESIZE)")" "bpftool map create ringbuf"
pc=False
[ "$(mapok percpu_hash 4 8 1)" = True ] && [ "$(mapok percpu_array 4 8 1)" = True ] && pc=True
check percpu_maps "$pc" "bpftool map create percpu_hash/percpu_array"
check stack_trace "$(mapok stack_trace 4 256 1)" "bpftool map create stack_trace"

objs="$FIXTURES/info"
n=0
for o in "$objs"/*.o; do
	[ -f "$o" ] || continue
	key=$(basename "$o" .o)
	if bpftool prog load "$o" "$bpffs/p" >/dev/null 2>&1; then
		rm -f "$bpffs/p"
		want=True
	else
		want=False
	fi
	check "$key" "$want" "bpftool prog load of a clang-built object"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || skip "program types and helpers via bpftool" "no BPF objects built (clang -target bpf)"
umount "$bpffs" && bpffs=

# ---- text output ----
"$SCRY" info > "$T_TMP/text"
rc=$?
expect_eq "scry info exits 0" 0 "$rc"
"$SCRY" --info > "$T_TMP/text2"
expect_eq "scry --info ends with what scry info prints (bpftrace's names before it)" \
	"$(cat "$T_TMP/text")" "$(awk '/^System$/ { n++ } n == 2' "$T_TMP/text2")"
want=$(printf '%s\n' "$answers" | sed 's/=True$/=yes/; s/=False$/=no/' | LC_ALL=C sort)
got=$(sed -n 's/^  \([a-z_0-9]*\): \(yes\|no\)\b.*/\1=\2/p' "$T_TMP/text" | LC_ALL=C sort)
expect_eq "text: one line per item, saying what the JSON says" "$want" "$got"
expect_eq "text: starts with the kernel release" "  kernel: $(uname -s) $(uname -r)" \
	"$(sed -n 2p "$T_TMP/text")"
bad=$(grep '^  [a-z_0-9]*: no' "$T_TMP/text" | grep -v '; instead: ')
expect_eq "text: every 'no' says what scry uses instead" "" "$bad"
"$SCRY" info -o "$T_TMP/text3"
expect_eq "-o FILE writes the same" "$(cat "$T_TMP/text")" "$(cat "$T_TMP/text3")"
