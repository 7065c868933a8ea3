#!/bin/sh
# numaid: the NUMA node of the CPU, as bpftrace 0.17 prints it, text and JSON.
. "$TOP/tests/lib.sh"
need_root builtin_numaid
nodes=$(ls -d /sys/devices/system/node/node[0-9]* 2>/dev/null | wc -l)
if [ "$nodes" -gt 1 ]; then
	skip "numaid" "$nodes NUMA nodes: the node of BEGIN's CPU is not known here"
	exit 0
fi
prog='BEGIN { printf("node %d\n", numaid); @n = numaid; exit(); }'
expect_eq "numaid in printf and a map (text)" "node 0
@n: 0" "$("$SCRY" -e "$prog" | grep -E '^(node|@n)')"
expect_eq "numaid (-f json)" '{"type": "printf", "data": "node 0\n"}
{"type": "map", "data": {"@n": 0}}' "$("$SCRY" -f json -e "$prog" | grep -E 'printf|map')"
if command -v bpftrace >/dev/null 2>&1; then
	expect_eq "the same text as bpftrace" "$(bpftrace -e "$prog" 2>/dev/null | grep -E '^(node|@n)')" \
		"$("$SCRY" -e "$prog" | grep -E '^(node|@n)')"
	expect_eq "the same JSON as bpftrace" "$(bpftrace -f json -e "$prog" 2>/dev/null | grep -E 'printf|map')" \
		"$("$SCRY" -f json -e "$prog" | grep -E 'printf|map')"
else
	skip "numaid against bpftrace" "bpftrace is not installed (scripts/setup.sh installs it)"
fi
