#!/bin/sh
# The string, symbol and variable built-ins on the live kernel: exact values
# from constants, from sysfix (N writes of 1..N bytes) and from uprobe_fix
# (ufix_add(i, 1000 + i) for i < N, ufix_str("hello-scry") once).
. "$TOP/tests/lib.sh"
need_root funcs_strings

run() {	# program: its output without the "Attaching" line
	"$SCRY" -e "$1" 2>&1 | grep -v '^Attaching'
}

expect_eq "strncmp, strcontains" "1 0 0 1
1 0 1 1" "$(run 'BEGIN { printf("%d %d %d %d\n", strncmp("abc", "abd", 3), strncmp("abc", "abd", 2),
	strncmp("ab", "ab", 9), strncmp("ab", "abc", 3));
	$h = "hello world"; $n = "lo w";
	printf("%d %d %d %d\n", strcontains($h, $n), strcontains($h, "low"), strcontains($h, ""),
	strcontains(comm, "scry")); exit(); }')"

expect_eq "strerror: text, printf, map value" "No such file or directory
Permission denied|Unknown error 99999


@e[2]: No such file or directory" "$(run 'BEGIN { print(strerror(2)); printf("%s|%s\n", strerror(13), strerror(99999));
	@e[2] = strerror(2); exit(); }')"

expect_eq "bswap of each width, unsigned" "256 16777216 72057594037927936 5 4278190079" \
	"$(run 'BEGIN { printf("%llu %llu %llu %llu %llu\n", bswap((uint16)1), bswap((uint32)1), bswap(1),
	bswap((uint8)5), bswap((int32)-2)); exit(); }' | head -1)"

expect_eq "ntop: v4 from an integer, with the family, as a key" "127.0.0.1 192.168.1.2


@[10.0.0.1]: 2" "$(run 'BEGIN { printf("%s %s\n", ntop(0x0100007f), ntop(2, 0x0201a8c0));
	@[ntop(0x0100000a)] = count(); @[ntop(0x0100000a)] = count(); exit(); }')"

expect_eq "-f json: strerror, ntop, bswap, strncmp" '{"type": "value", "data": "No such file or directory"}
{"type": "value", "data": "127.0.0.1"}
{"type": "value", "data": 16777216}
{"type": "value", "data": 1}' "$("$SCRY" -f json -e 'BEGIN { print(strerror(2)); print(ntop(0x0100007f));
	print(bswap((uint32)1)); print(strncmp("a", "b", 1)); exit(); }' | grep '"value"')"

"$SCRY" -e 'tracepoint:syscalls:sys_enter_write /pid == cpid && strncmp(comm, "sysfix", 6) == 0/ {
	@n[strcontains(comm, "sysf")] = count(); @b = sum(bswap((uint16)args->count)); }' \
	-c "$FIXTURES/sysfix 10" > "$T_TMP/out" 2>&1
expect_eq "strncmp/strcontains on comm, bswap of a field (sysfix 10)" "@b: 14080
@n[1]: 10" "$(grep '^@' "$T_TMP/out" | sort)"

"$SCRY" -e 'tracepoint:syscalls:sys_enter_write /comm == "sysfix" && pid == cpid/ { @p[probe] = count();
	@e = max(elapsed > 0); @c = max(cpid == pid); @s[str(comm, 3)] = count(); }' -c "$FIXTURES/sysfix 7" > "$T_TMP/out" 2>&1
expect_eq "probe, elapsed, cpid, str(s, n) of comm (sysfix 7)" "@c: 1
@e: 1
@p[tracepoint:syscalls:sys_enter_write]: 7
@s[sys]: 7" "$(grep '^@' "$T_TMP/out" | sort)"

if [ -x "$FIXTURES/uprobe_fix" ]; then
	B=$FIXTURES/uprobe_fix
	"$SCRY" -e "uprobe:$B:ufix_add { @di = sum(reg(\"di\")); @si = sum(reg(\"si\")); }
		uprobe:$B:ufix_str { printf(\"%s %d %s\n\", str(reg(\"di\")), strcontains(str(arg0), \"scry\"),
		macaddr(arg0)); }" -c "$B 10" > "$T_TMP/out" 2>&1
	expect_eq "reg(), str/strcontains/macaddr of a user pointer (uprobe_fix 10)" "@di: 45
@si: 10045
hello-scry 1 68:65:6C:6C:6F:2D" "$(grep -E '^(@|hello)' "$T_TMP/out" | sort)"
else
	skip "reg() on a uprobe" "fixtures not built (no <sys/sdt.h>: install systemtap-sdt-dev)"
fi

expect_eq "reg(): an unknown register, with a suggestion" "stdin:1:19: error: reg(): unknown register 'dii'
BEGIN { print(reg(\"dii\")); }
                  ^~~~~
hint: did you mean 'di'?" "$("$SCRY" -e 'BEGIN { print(reg("dii")); }' 2>&1)"
expect_eq "kaddr(): an unknown symbol" "stdin:1:21: error: no kernel symbol 'no_such_symbol_x' in /proc/kallsyms
BEGIN { print(kaddr(\"no_such_symbol_x\")); }
                    ^~~~~~~~~~~~~~~~~~" \
	"$("$SCRY" -e 'BEGIN { print(kaddr("no_such_symbol_x")); }' 2>&1)"

expect_eq "pton: v4 and v6 back through ntop, as a key" "127.0.0.1 fe80::1 ::1


@[10.1.2.3]: 1" "$(run 'BEGIN { printf("%s %s %s\n", ntop(pton("127.0.0.1")), ntop(pton("fe80::1")),
	ntop(10, pton("::1"))); @[ntop(pton("10.1.2.3"))] = count(); exit(); }')"

# nsecs(CLOCK): boot time against /proc/uptime, TAI against the wall clock (TAI-UTC is 0..37 s)
out=$(run 'BEGIN { printf("%d %d %d\n", nsecs(boot) / 1000000000, nsecs(tai) / 1000000000,
	nsecs(monotonic) <= nsecs); exit(); }' | head -1)
up=$(cut -d. -f1 /proc/uptime); now=$(date +%s)
set -- $out
if [ "$#" = 3 ] && [ $(($1 - up)) -ge -2 ] && [ $(($1 - up)) -le 2 ] && [ $(($2 - now)) -ge -2 ] &&
	[ $(($2 - now)) -le 40 ] && [ "$3" = 1 ]; then
	pass "nsecs(boot), nsecs(tai), nsecs(monotonic)"
else
	fail "nsecs(boot), nsecs(tai), nsecs(monotonic)" "got '$out', uptime $up, date $now"
fi

# pid(curr_ns) in a new pid namespace is the pid scry forked (cpid); pid(init) is not
if command -v unshare >/dev/null 2>&1 && unshare -pf --mount-proc true 2>/dev/null; then
	unshare -pf --mount-proc "$SCRY" -e 'tracepoint:syscalls:sys_enter_write /comm == "sysfix" && pid(curr_ns) == cpid/ {
		@[pid(curr_ns) == cpid, pid(init) == cpid, tid(curr_ns) == pid(curr_ns), pid(init) == pid] = count(); }' \
		-c "$FIXTURES/sysfix 6" > "$T_TMP/out" 2>&1
	expect_eq "pid(curr_ns), pid(init), tid(curr_ns) in a pid namespace (sysfix 6)" "@[1, 0, 1, 1]: 6" \
		"$(grep '^@' "$T_TMP/out")"
else
	skip "pid(curr_ns) in a pid namespace" "unshare -p is not available here"
fi

cg=/sys/fs/cgroup/unified
[ -d "$cg" ] || cg=/sys/fs/cgroup
expect_eq "cgroupid() of the root cgroup is the root's id" "1" \
	"$(run "BEGIN { printf(\"%d\n\", cgroupid(\"$cg\") == $(stat -c %i "$cg")); exit(); }" | head -1)"
expect_eq "cgroupid(): a missing path" \
	"stdin:1:24: error: cgroupid(): no cgroup id for '/no/such/cgroup': No such file or directory
BEGIN { print(cgroupid(\"/no/such/cgroup\")); }
                       ^~~~~~~~~~~~~~~~~" \
	"$("$SCRY" -e 'BEGIN { print(cgroupid("/no/such/cgroup")); }' 2>&1)"

expect_eq "buf: print, %r %rx %rh, map key and value" 'ab\x01c\xab~
ab\x01c|\x61\x62\x01\x63|61 62 01 63|xy


@[k\x02]: v
@v: hello' "$(run 'BEGIN { print(buf("ab\x01c\xab~", 6)); printf("%r|%rx|%rh|%r\n", buf("ab\x01c", 4),
	buf("ab\x01c", 4), buf("ab\x01c", 4), buf("xyz", 2)); @[buf("k\x02", 2)] = buf("v", 1);
	@v = buf("hello", 5); exit(); }')"
expect_eq "buf: -f json" '{"type": "value", "data": "ab\\x01c"}
{"type": "map", "data": {"@": {"k\\x02": "v"}}}' "$("$SCRY" -f json -e 'BEGIN { print(buf("ab\x01c", 4));
	@[buf("k\x02", 2)] = buf("v", 1); exit(); }' | grep -E '"(value|map)"')"
"$SCRY" -e 'tracepoint:syscalls:sys_enter_write /pid == cpid/ { @[buf(args->buf, 3)] = count();
	@n[buf(args->buf, args->count)] = count(); }' -c "$FIXTURES/sysfix 3" > "$T_TMP/out" 2>&1
expect_eq "buf of a user pointer, constant and run-time lengths (sysfix 3)" '@[\x00\x00\x00]: 3
@n[\x00\x00\x00]: 1
@n[\x00\x00]: 1
@n[\x00]: 1' "$(grep "^@" "$T_TMP/out" | LC_ALL=C sort)"
if [ -x "$FIXTURES/uprobe_fix" ]; then
	expect_eq "buf of a uprobe argument, %r and %rh" "hello 68 65 6c" "$("$SCRY" -e "uprobe:$FIXTURES/uprobe_fix:ufix_str {
		printf(\"%r %rh\n\", buf(arg0, 5), buf(arg0, 3)); }" -c "$FIXTURES/uprobe_fix 1" 2>&1 | grep hello)"
fi

# Values past the 512-byte BPF stack live in a per-CPU scratch map: a 4096-byte
# str() of a uprobe argument, and a 2048-byte str() of a 604-byte path cat opens
if [ -x "$FIXTURES/uprobe_fix" ]; then
	expect_eq "str(arg0, 4096) in a scratch map" "hello-scry|" "$("$SCRY" -e "uprobe:$FIXTURES/uprobe_fix:ufix_str {
		\$s = str(arg0, 4096); printf(\"%s|\n\", \$s); }" -c "$FIXTURES/uprobe_fix 1" 2>&1 | grep hello)"
fi
long=$T_TMP/$(printf 'a%.0s' $(seq 200))/$(printf 'b%.0s' $(seq 200))/$(printf 'c%.0s' $(seq 180))
mkdir -p "$(dirname "$long")" && echo hi > "$long"
"$SCRY" -e 'tracepoint:syscalls:sys_enter_openat /pid == cpid/ { $p = str(args->filename, 2048);
	if (strncmp($p, "/tmp", 4) == 0) { printf("%s\n", $p); } }' -c "/bin/cat $long" > "$T_TMP/out" 2>&1
expect_eq "str(args->filename, 2048) of a ${#long}-byte path" "$long" "$(grep '^/tmp' "$T_TMP/out")"

if [ -x "$FIXTURES/uprobe_fix" ]; then
	"$SCRY" -e "uprobe:$FIXTURES/uprobe_fix:ufix_add { @s[sarg0 == *(uint64 *)uptr(reg(\"sp\") + 8),
		sarg1 == *(uint64 *)uptr(reg(\"sp\") + 16)] = count(); @u[usermode, ctx != 0] = count(); }" \
		-c "$FIXTURES/uprobe_fix 4" > "$T_TMP/out" 2>&1
	expect_eq "sarg0/sarg1 are the stack words past the return address; usermode, ctx (uprobe_fix 4)" \
		"@s[1, 1]: 4
@u[1, 1]: 4" "$(grep '^@' "$T_TMP/out")"
fi

expect_eq "buf past a string's end, in a tuple key; %rx; strerror(EPERM); ntop byte order" 'Operation not permitted
\x48\x65\x6c\x6c\x6f\x00
IP: 1.0.0.0, 127.0.0.1, 0.0.255.255, 255.255.0.0


@[ok_key\x00\x00, 1]: 1
@v: ok_value' "$(run 'BEGIN { @[buf("ok_key", 8), 1] = count(); @v = buf("ok_value", 8); print(strerror(EPERM));
	printf("%rx\n", buf("Hello\0", 6)); printf("IP: %s, %s, %s, %s\n", ntop(1), ntop(0x0100007f), ntop(0xffff0000),
	ntop(0x0000ffff)); exit(); }')"

expect_eq "getopt: named arguments after --, their defaults" "42 hello-world 1 0 1 pos|7 def 0 0" \
	"$("$SCRY" -e 'BEGIN { printf("%d %s %d %d %d %s|", getopt("n", 7), getopt("s", "def"), getopt("flag"),
	getopt("off"), getopt("b", false), str($1)); exit(); }' pos -- --n=42 --s=hello-world --flag --b=true |
	grep pos)$("$SCRY" -e 'BEGIN { printf("%d %s %d %d\n", getopt("n", 7), getopt("s", "def"), getopt("flag"),
	getopt("b", false)); exit(); }' | grep def)"
expect_eq "getopt: a value that is not an integer" "stdin:1:31: error: getopt(): '--n' needs an integer value
BEGIN { printf(\"%d\n\", getopt(\"n\", 7)); }
                              ^~~" "$("$SCRY" -e 'BEGIN { printf("%d\n", getopt("n", 7)); }' -- --n=abc 2>&1)"

root=$(run 'BEGIN { printf("%s\n", cgroup_path(1)); exit(); }' | head -1)
if command -v bpftrace >/dev/null 2>&1; then
	expect_eq "cgroup_path of the root cgroup: every hierarchy, as bpftrace names them" \
		"$(bpftrace -e 'BEGIN { printf("%s\n", cgroup_path(1)); exit(); }' 2>/dev/null | sed -n 2p)" "$root"
fi
if [ -d /sys/fs/cgroup/unified ] && [ -w /sys/fs/cgroup/unified ]; then
	cg=/sys/fs/cgroup/unified/scry_test_cgp_$$
	if mkdir "$cg" 2>/dev/null; then
		"$SCRY" -e "tracepoint:syscalls:sys_enter_write /pid == cpid/ { @[cgroup_path(cgroup)] = count();
			@i = max(cgroup == cgroupid(\"$cg\")); }" \
			-c "sh -c 'echo \$\$ > $cg/cgroup.procs; exec $FIXTURES/sysfix 3'" > "$T_TMP/out" 2>&1
		# the shell's write into cgroup.procs still runs in the root cgroup
		expect_eq "cgroup_path and cgroupid of a fixture in its own cgroup (sysfix 3)" \
			"@[$root]: 1
@[unified:/scry_test_cgp_$$]: 3
@i: 1" "$(grep '^@' "$T_TMP/out")"
		n=0
		while ! rmdir "$cg" 2>/dev/null && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
	fi
else
	skip "cgroup_path of a new cgroup" "no writable /sys/fs/cgroup/unified"
fi

# percpu_kaddr needs the variable in kallsyms (CONFIG_KALLSYMS_ALL): the verifier resolves it there
if grep -q ' runqueues$' /proc/kallsyms 2>/dev/null; then
	expect_eq "percpu_kaddr: this CPU's and CPU n's copies of runqueues" "1 1 1" \
		"$(run 'BEGIN { $a = percpu_kaddr("runqueues"); printf("%d %d %d\n", $a != 0,
		$a == percpu_kaddr("runqueues", cpu), percpu_kaddr("runqueues", 0) != percpu_kaddr("runqueues", 1)); exit(); }' |
		head -1)"
else
	expect_eq "percpu_kaddr: one clear error without the variable in kallsyms" \
		"stdin:1:28: error: percpu_kaddr(): 'runqueues' is not in /proc/kallsyms (the kernel needs CONFIG_KALLSYMS_ALL)
BEGIN { print(percpu_kaddr(\"runqueues\")); }
                           ^~~~~~~~~~~" \
		"$("$SCRY" -e 'BEGIN { print(percpu_kaddr("runqueues")); }' 2>&1)"
	skip "percpu_kaddr on the live kernel" "runqueues is not in /proc/kallsyms (no CONFIG_KALLSYMS_ALL)"
fi

# str()'s default size from BPFTRACE_STRLEN (0.17) / BPFTRACE_MAX_STRLEN; 2048 puts the frame in the scratch map
BPFTRACE_MAX_STRLEN=2048 "$SCRY" -e 'tracepoint:syscalls:sys_enter_openat /pid == cpid/ { $p = str(args->filename);
	if (strncmp($p, "/tmp", 4) == 0) { printf("%s\n", $p); } }' -c "/bin/cat $long" > "$T_TMP/out" 2>&1
expect_eq "BPFTRACE_MAX_STRLEN=2048: str() of a ${#long}-byte path" "$long" "$(grep '^/tmp' "$T_TMP/out")"
BPFTRACE_STRLEN=12 "$SCRY" -e 'tracepoint:syscalls:sys_enter_openat /pid == cpid/ { $p = str(args->filename);
	if (strncmp($p, "/tmp", 4) == 0) { printf("%s|\n", $p); } }' -c "/bin/cat $long" > "$T_TMP/out" 2>&1
expect_eq "BPFTRACE_STRLEN=12: 11 bytes and the NUL" "$(printf '%.11s|' "$long")" "$(grep '^/tmp' "$T_TMP/out")"
if [ -x "$FIXTURES/uprobe_fix" ]; then
	expect_eq "a 712-byte tuple (scratch map) printed and as a map key" "(hello-scry, 7, hello-scry)


@[hello-scry, 7, hello-scry]: 1" "$("$SCRY" -e "uprobe:$FIXTURES/uprobe_fix:ufix_str { \$t = (str(arg0, 400), 7,
		str(arg0, 300)); print(\$t); @[\$t] = count(); }" -c "$FIXTURES/uprobe_fix 1" 2>&1 | grep -v '^semaphore' | sed -n '/^(/,$p')"
fi
