#!/bin/sh
# --dry-run touches no kernel, and the code generator is pure:
#  1. 'scry --dry-run -d bpf' over every golden of tests/codegen and
#     tests/lang/ok, under strace: not one bpf() or perf_event_open() call,
#     with the goldens' fake environment and with this machine's.
#  2. the codegen goldens give the same bytes as root and as nobody.
. "$TOP/tests/lib.sh"

if ! command -v strace >/dev/null 2>&1; then
	skip "strace" "strace is not installed (scripts/setup.sh installs it)"
	exit 0
fi

calls() {	# trace file: the number of bpf/perf_event_open calls in it
	grep -cE '(^|[0-9] +)(bpf|perf_event_open)\(' "$1"
}

run_traced() {	# label env-setting file [args...]: adds the calls seen to $T_TMP/bad
	label=$1 envset=$2 bt=$3
	shift 3
	# shellcheck disable=SC2086
	env $envset strace -f -qq -e trace=bpf,perf_event_open -o "$T_TMP/trace" \
		"$SCRY" --dry-run -d bpf "$bt" "$@" > /dev/null 2>&1
	n=$(calls "$T_TMP/trace")
	if [ "$n" != 0 ]; then
		echo "$label $bt: $n calls: $(grep -E 'bpf|perf_event_open' "$T_TMP/trace" | head -1 | cut -c1-120)" \
			>> "$T_TMP/bad"
	fi
	nr=$((nr + 1))
}

: > "$T_TMP/bad"
nr=0
for bt in "$TOP"/tests/codegen/*.bt; do
	run_traced fake "SCRY_FAKE_ENV=$TOP/tests/codegen/fake.env" "$bt"
	run_traced live "SCRY_NOTHING=1" "$bt"
done
for bt in "$TOP"/tests/lang/ok/*.bt; do
	args=${bt%.bt}.args
	if [ -f "$args" ]; then
		# shellcheck disable=SC2046
		run_traced fake "SCRY_FAKE_ENV=$TOP/tests/lang/fake.env" "$bt" $(cat "$args")
		# shellcheck disable=SC2046
		run_traced live "SCRY_NOTHING=1" "$bt" $(cat "$args")
	else
		run_traced fake "SCRY_FAKE_ENV=$TOP/tests/lang/fake.env" "$bt"
		run_traced live "SCRY_NOTHING=1" "$bt"
	fi
done
if [ "$nr" -lt 400 ]; then
	fail "dry-run corpus" "only $nr runs: the golden corpus was not found"
elif [ -s "$T_TMP/bad" ]; then
	fail "dry-run makes no bpf/perf_event_open call" "$(head -20 "$T_TMP/bad")"
else
	pass "dry-run makes no bpf/perf_event_open call ($nr runs)"
fi

# The check itself can fail: a real run does call bpf().
if [ "$(id -u)" = 0 ]; then
	strace -f -qq -e trace=bpf -o "$T_TMP/trace" "$SCRY" -e 'BEGIN { exit(); }' > /dev/null 2>&1
	if [ "$(calls "$T_TMP/trace")" -gt 0 ]; then
		pass "the strace check sees the bpf() calls of a real run"
	else
		fail "the strace check sees the bpf() calls of a real run" "no call seen: the check is blind"
	fi
fi

# 2. root and nobody, byte for byte, against the goldens.
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null 2>&1; then
	skip "codegen goldens as nobody" "needs root and setpriv"
	exit 0
fi
mkdir -p "$T_TMP/nobody"
chmod 777 "$T_TMP/nobody"
chmod 755 "$T_TMP"
diffs=""
nb=0
cd "$TOP/tests/codegen" || exit 1
for bt in *.bt; do
	for stage in ir bpf; do
		SCRY_FAKE_ENV="$TOP/tests/codegen/fake.env" "$SCRY" --dry-run -d $stage "$bt" \
			> "$T_TMP/root.out" 2>&1
		setpriv --reuid=nobody --regid=nogroup --clear-groups env \
			SCRY_FAKE_ENV="$TOP/tests/codegen/fake.env" "$SCRY" --dry-run -d $stage "$bt" \
			> "$T_TMP/nobody/out" 2>&1
		name=${bt%.bt}.$stage
		cmp -s "$T_TMP/root.out" "$name" || diffs="$diffs $name(root)"
		cmp -s "$T_TMP/nobody/out" "$name" || diffs="$diffs $name(nobody)"
		nb=$((nb + 1))
	done
done
if [ -n "$diffs" ]; then
	fail "codegen goldens identical as root and as nobody" "differ:$diffs"
else
	pass "codegen goldens identical as root and as nobody ($nb goldens)"
fi
