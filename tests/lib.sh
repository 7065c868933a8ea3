# Helpers for end-to-end tests: sourced by tests/e2e/*.sh.
#
#   pass NAME | fail NAME [DETAIL...] | skip NAME REASON
#   expect_eq NAME EXPECTED ACTUAL       exact comparison, diff on failure
#   need_root NAME                       skip the rest of the file unless root
#   need_uprobe_fixture NAME             ... unless the uprobe fixture was built
#
# $SCRY is the binary under test, $FIXTURES the built fixtures, $TOP the tree.
set -u
: "${SCRY:?run through tests/run.sh}"
T_NAME=$(basename "$0" .sh)
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/scry-test.XXXXXX")
trap 'rm -rf "$T_TMP"' EXIT

pass() { echo "PASS: $T_NAME: $1"; }
skip() { echo "SKIP: $T_NAME: $1 ($2)"; }
fail() {
	echo "FAIL: $T_NAME: $1"
	shift
	for l in "$@"; do printf '%s\n' "$l" | sed 's/^/    /'; done
}

expect_eq() {	# name expected actual
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		printf '%s\n' "$2" > "$T_TMP/expected"
		printf '%s\n' "$3" > "$T_TMP/actual"
		fail "$1" "$(diff -u "$T_TMP/expected" "$T_TMP/actual" | head -30)"
	fi
}

. "$TOP/tests/wait_released.sh"

need_root() {
	if [ "$(id -u)" != 0 ]; then
		skip "$1" "needs root"
		exit 0
	fi
}

need_uprobe_fixture() {	# name: skip the rest of the file unless uprobe_fix was built
	if [ ! -x "$FIXTURES/uprobe_fix" ]; then
		skip "$1" "fixtures not built (no <sys/sdt.h>: install systemtap-sdt-dev)"
		exit 0
	fi
}
