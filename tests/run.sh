#!/bin/sh
# The test runner: unit tests, language golden tests, end-to-end tests.
#
# Every test prints lines "PASS: name", "FAIL: name" (details indented below)
# or "SKIP: name (reason)"; this script counts them and ends with
# "N passed, N failed, N skipped".  It exits non-zero on any failure.
#
# Around every end-to-end file it checks that nothing was left behind in the
# kernel: BPF programs named scry*, tracefs instances, uprobe events, enabled
# top-level events.
#
#   O=build sh tests/run.sh [FILTER]     FILTER: substring of test file names
set -u
O=${O:-build}
export O
export SCRY="${SCRY:-$(cd "$O" && pwd)/scry}"
export TOP="$(pwd)"
export FIXTURES="$(cd "$O" && pwd)/fixtures"
filter=${1:-}
log="$O/test.log"
: > "$log"

. tests/wait_released.sh

trace_state() {
	wait_released
	T=/sys/kernel/tracing
	[ -d "$T/instances" ] || T=/sys/kernel/debug/tracing
	{
		if command -v bpftool >/dev/null 2>&1; then
			bpftool prog show 2>/dev/null | grep -o 'name scry[A-Za-z0-9_]*' | sort
		fi
		ls "$T/instances" 2>/dev/null | grep -i scry
		cat "$T/uprobe_events" "$T/kprobe_events" 2>/dev/null | grep -i scry
		cat "$T/set_event" 2>/dev/null
	} 2>/dev/null
}

run_one() {	# $1: what, $2...: command
	what=$1
	shift
	case "$what" in *"$filter"*) ;; *) return ;; esac
	echo "== $what" >> "$log"
	"$@" > "$O/test.out" 2>&1
	rc=$?
	cat "$O/test.out" >> "$log"
	grep -E '^(PASS|FAIL|SKIP): |^    ' "$O/test.out" | head -400
	if [ $rc -ne 0 ] && ! grep -q '^FAIL: ' "$O/test.out"; then
		echo "FAIL: $what (exited $rc without saying why)"
		tail -n 20 "$O/test.out" | sed 's/^/    /'
	fi
}

run_all() {
	for t in "$O"/tests/unit/*; do
		case "$t" in *.d) continue ;; esac
		[ -x "$t" ] && run_one "unit/$(basename "$t")" "$t"
	done
	for t in tests/lang/run.sh; do
		[ -f "$t" ] && run_one "lang" sh "$t"
	done
	[ -f tests/codegen/run.sh ] && run_one "codegen" sh tests/codegen/run.sh
	for t in tests/e2e/*.sh; do
		[ -f "$t" ] || continue
		case "$t" in *"$filter"*) ;; *) continue ;; esac
		before=$(trace_state)
		run_one "e2e/$(basename "$t" .sh)" sh "$t"
		after=$(trace_state)
		# the kernel frees a closed program after a grace period (seconds
		# on a loaded machine): what is left for good is still there 10 s on
		i=0
		while [ "$before" != "$after" ] && [ $i -lt 20 ]; do
			sleep 0.5
			after=$(trace_state)
			i=$((i + 1))
		done
		if [ "$before" != "$after" ]; then
			echo "FAIL: e2e/$(basename "$t" .sh): left something behind in the kernel"
			printf '%s\n' "$after" | sed 's/^/    after: /'
		fi
	done
}

run_all | tee "$O/test.summary"
p=$(grep -c '^PASS: ' "$O/test.summary")
f=$(grep -c '^FAIL: ' "$O/test.summary")
s=$(grep -c '^SKIP: ' "$O/test.summary")
echo
echo "full log: $log"
echo "$p passed, $f failed, $s skipped"
[ "$f" -eq 0 ] && [ "$p" -gt 0 ]
