#!/bin/sh
# Golden tests of the language front end: no root, no kernel.
#
#   ok/NAME.bt   must check: 'scry --dry-run -d ast' prints NAME.ast (stdout, then stderr)
#   err/NAME.bt  must fail: 'scry --dry-run' exits 1 and prints NAME.err on stderr
#   NAME.args    optional: positional parameters, one line
#
# Tracepoints are typed from the fake tracefs in tests/lang/tracefs
# (format files copied from a real kernel), through $SCRY_FAKE_ENV (tests/lang/fake.env).
#
#   sh tests/lang/run.sh [--update]      --update rewrites the expectations: review the diff
set -u
here=$(cd "$(dirname "$0")" && pwd)
SCRY=${SCRY:-$here/../../build/scry}
export SCRY_FAKE_ENV="$here/fake.env"
update=0
[ "${1:-}" = "--update" ] && update=1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/scry-lang.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
status=0

check() {	# kind name expected-file actual-file rc want-rc
	if [ "$update" = 1 ]; then
		cp "$4" "$3"
		echo "PASS: lang/$1/$2 (updated)"
	elif [ "$5" != "$6" ]; then
		echo "FAIL: lang/$1/$2"
		echo "    exit status $5, expected $6"
		sed 's/^/    /' "$4" | head -20
		status=1
	elif ! cmp -s "$3" "$4"; then
		echo "FAIL: lang/$1/$2"
		diff -u "$3" "$4" | head -30 | sed 's/^/    /'
		status=1
	else
		echo "PASS: lang/$1/$2"
	fi
}

for kind in ok err; do
	cd "$here/$kind" || exit 1
	for f in *.bt; do
		name=${f%.bt}
		args=
		[ -f "$name.args" ] && args=$(cat "$name.args")
		if [ $kind = ok ]; then
			# shellcheck disable=SC2086
			"$SCRY" --dry-run -d ast "$f" $args > "$tmp/out" 2> "$tmp/err"
			rc=$?
			cat "$tmp/err" >> "$tmp/out"
			check ok "$name" "$name.ast" "$tmp/out" $rc 0
		else
			# shellcheck disable=SC2086
			"$SCRY" --dry-run "$f" $args > "$tmp/stdout" 2> "$tmp/out"
			rc=$?
			cat "$tmp/stdout" >> "$tmp/out"
			check err "$name" "$name.err" "$tmp/out" $rc 1
		fi
	done
done

# -e programs are named 'stdin', as bpftrace does.
cd "$here" || exit 1
"$SCRY" --dry-run -e 'BEGIN { printf("%d\n", pdi) }' > "$tmp/out" 2>&1
rc=$?
printf '%s\n' "stdin:1:24: error: unknown identifier 'pdi'" 'BEGIN { printf("%d\n", pdi) }' \
	'                       ^~~' "hint: did you mean 'pid'?" > "$tmp/exp"
if [ $update = 0 ]; then check cli e-is-stdin "$tmp/exp" "$tmp/out" $rc 1; fi
# Without --dry-run: the program is checked, then one clear error.
# Without --dry-run the program runs (as root; the end-to-end tests cover it).
if [ "$(id -u)" = 0 ]; then
	"$SCRY" -e 'BEGIN { exit() }' > "$tmp/out" 2>&1
	rc=$?
	printf 'Attaching 1 probe...\n\n\n' > "$tmp/exp"
	if [ $update = 0 ]; then check cli runs "$tmp/exp" "$tmp/out" $rc 0; fi
fi
# --dry-run without -d prints nothing.
"$SCRY" --dry-run -e 'BEGIN { exit() }' > "$tmp/out" 2>&1
rc=$?
: > "$tmp/exp"
if [ $update = 0 ]; then check cli dry-run-quiet "$tmp/exp" "$tmp/out" $rc 0; fi
exit $status
