#!/bin/sh
# -k / -kk: a BPF helper that fails is reported with the place in the
# script, as bpftrace reports it: a warning with the source line underlined,
# or with -f json a "helper_error" object (byte for byte bpftrace's, compared
# when bpftrace is installed).  -k leaves out the reads, -kk does not.
. "$TOP/tests/lib.sh"
need_root "helper errors"

DEL='BEGIN { @m[1] = 1; delete(@m[2]); exit(); }'
STR='BEGIN { printf("%s\n", str(0)); exit(); }'

"$SCRY" -e "$DEL" > /dev/null 2> "$T_TMP/e"
expect_eq "without -k a failed delete says nothing" "" "$(cat "$T_TMP/e")"
"$SCRY" -k -e "$DEL" > "$T_TMP/o" 2> "$T_TMP/e"
expect_eq "-k: a delete of a missing key (-ENOENT) at 1:20-33, underlined" \
"0 scry: warning: stdin:1:20-33: Failed to map_delete_elem: No such file or directory (-2)
BEGIN { @m[1] = 1; delete(@m[2]); exit(); }
                   ~~~~~~~~~~~~~" "$? $(cat "$T_TMP/e")"
expect_eq "-k: the program's output is unchanged" "Attaching 1 probe...
@m[1]: 1" "$(grep -v '^$' "$T_TMP/o")"

want='{"type": "attached_probes", "data": {"probes": 1}}
{"type": "helper_error", "helper": "map_delete_elem", "retcode": -2, "line": 1, "col": 20}
{"type": "map", "data": {"@m": {"1": 1}}}'
got=$("$SCRY" -f json -k -e "$DEL" 2>&1 | grep -v '^$')
expect_eq "-k -f json: a helper_error event" "$want" "$got"
if command -v bpftrace >/dev/null 2>&1; then
	bt=$(bpftrace -f json -k -e "$DEL" 2>/dev/null | grep -v '^$')
	expect_eq "-k -f json: as bpftrace" "$bt" "$got"
else
	skip "-k -f json: as bpftrace" "bpftrace is not installed"
fi

"$SCRY" -k -e "$STR" > /dev/null 2> "$T_TMP/e"
expect_eq "-k leaves out the reads (str(0) fails quietly)" "" "$(cat "$T_TMP/e")"
"$SCRY" -kk -e "$STR" > /dev/null 2> "$T_TMP/e"
expect_eq "-kk: the failed read, at the str() call (1:24-30)" \
"scry: warning: stdin:1:24-30: Failed to probe_read_user_str: Bad address (-14)
BEGIN { printf(\"%s\\n\", str(0)); exit(); }
                       ~~~~~~" "$(cat "$T_TMP/e")"
got=$("$SCRY" -kk -f json -e "$STR" 2>&1 | grep helper_error)
expect_eq "-kk -f json: the read's helper_error" \
	'{"type": "helper_error", "helper": "probe_read_user_str", "retcode": -14, "line": 1, "col": 24}' "$got"

# In a real probe, every failing hit is reported: sysfix 6 calls getppid() 3 times.
if [ -x "$FIXTURES/sysfix" ]; then
	got=$("$SCRY" -f json -k -e 'tracepoint:syscalls:sys_enter_getppid /pid == cpid/ { delete(@m[pid]); } END { @m[0] = 0; }' \
		-c "$FIXTURES/sysfix 6" 2>&1 | grep -c '"helper_error", "helper": "map_delete_elem", "retcode": -2, "line": 1, "col": 55')
	expect_eq "-k in a tracepoint: each of the 3 failing hits reported at its place" 3 "$got"
else
	skip "-k in a tracepoint" "fixtures not built"
fi
