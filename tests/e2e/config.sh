#!/bin/sh
# config = { ... } keys and bpftrace's environment variables, applied, with
# exact results from fixtures: 'sysfix N' is dynamically linked, so the
# loader's openat() calls name /etc/ld.so.cache and /lib/... before main().
. "$TOP/tests/lib.sh"
need_root config
FIX="$FIXTURES/sysfix"
O='tracepoint:syscalls:sys_enter_openat /comm == "sysfix"/'

# ---- max_strlen: from the block, from the environment (which wins, as in bpftrace) ----
out=$("$SCRY" -e "config = { max_strlen = 5 } $O { printf(\"<%s>\\n\", str(args->filename)); }" \
	-c "$FIX 3" 2>&1 | grep -v '^<[^/]')
expect_eq "config max_strlen = 5" "</etc>
</lib>
Attaching 1 probe..." "$(printf '%s\n' "$out" | grep -v '^$' | sort -u)"
out=$(BPFTRACE_MAX_STRLEN=3 "$SCRY" -e "config = { max_strlen = 5 } $O { printf(\"<%s>\\n\", str(args->filename)); }" \
	-c "$FIX 3" 2>&1 | grep -c '^</e>$')
expect_eq "BPFTRACE_MAX_STRLEN=3 wins over the block" "1" "$out"
out=$(BPFTRACE_STRLEN=4 "$SCRY" -e "$O { printf(\"<%s>\\n\", str(args->filename)); }" -c "$FIX 3" 2>&1 |
	grep -c '^</et>$')
expect_eq "BPFTRACE_STRLEN (bpftrace 0.17's name)" "1" "$out"

# ---- max_map_keys: a map of 3 keys takes 3 of 10 ----
out=$("$SCRY" -e 'config = { max_map_keys = 3 } BEGIN { for ($i : 0..10) { @m[$i] = $i; } exit(); }' 2>&1)
expect_eq "config max_map_keys = 3" "Attaching 1 probe...


@m[0]: 0
@m[1]: 1
@m[2]: 2" "$out"
out=$(BPFTRACE_MAX_MAP_KEYS=2 "$SCRY" -e 'config = { max_map_keys = 3 } BEGIN { for ($i : 0..10) { @m[$i] = $i; } exit(); }' 2>&1 | grep -c '^@m')
expect_eq "BPFTRACE_MAX_MAP_KEYS=2 wins" "2" "$out"

# ---- print_maps_on_exit = false: END runs, no maps ----
out=$("$SCRY" -e 'config = { print_maps_on_exit = false } BEGIN { @a = 1; @b[2] = 3; exit(); } END { printf("end %d\n", @a); }' 2>&1)
expect_eq "config print_maps_on_exit = false" "Attaching 2 probes...
end 1" "$out"
out=$(BPFTRACE_PRINT_MAPS_ON_EXIT=0 "$SCRY" -e 'BEGIN { @a = 1; exit(); }' 2>&1)
expect_eq "BPFTRACE_PRINT_MAPS_ON_EXIT=0" "Attaching 1 probe..." "$out"

# ---- stack_mode: kstack printed in perf's layout (tab, address, symbol) ----
out=$("$SCRY" -e 'config = { stack_mode = raw } BEGIN { print(kstack); exit(); }' 2>&1 | sed -n 3p)
case $out in
*[!0-9a-f]*|'') fail "config stack_mode = raw" "frame line: '$out'" ;;
*) pass "config stack_mode = raw" ;;
esac
out=$(BPFTRACE_STACK_MODE=perf "$SCRY" -e 'BEGIN { print(kstack); exit(); }' 2>&1 | sed -n 3p)
case $out in
"	"[0-9a-f]*" "*) pass "BPFTRACE_STACK_MODE=perf" ;;
*) fail "BPFTRACE_STACK_MODE=perf" "frame line: '$out'" ;;
esac

# ---- bad values: one located error, exit 1 ----
out=$("$SCRY" -e 'config = { missing_probes = maybe } BEGIN { exit(); }' 2>&1)
rc=$?
expect_eq "missing_probes = maybe is refused" "stdin:1:29: error: invalid value for config key 'missing_probes'
config = { missing_probes = maybe } BEGIN { exit(); }
                            ^~~~~
hint: missing_probes is error, warn or ignore
exit 1" "$out
exit $rc"
out=$("$SCRY" -e 'config = { max_strlen = 9000 } BEGIN { exit(); }' 2>&1 | head -1)
expect_eq "max_strlen = 9000 is refused" "stdin:1:25: error: max_strlen must be from 1 to 8192" "$out"
