#!/bin/sh
# Every subcommand in src/cli/main.c's table has its page in docs/man/,
# which man renders without a warning, naming the subcommand.
. "$TOP/tests/lib.sh"

if ! command -v man >/dev/null 2>&1; then
	skip "all" "no man"
	exit 0
fi
subs=$(grep -oE '^	\{ "[a-z]+", cmd_[a-z_]+,' "$TOP/src/cli/main.c" | cut -d'"' -f2)
n=$(echo "$subs" | grep -c .)
if [ "$n" -lt 5 ]; then
	fail "subcommand table" "found $n subcommands in src/cli/main.c"
	exit 0
fi
for s in $subs; do
	page="$TOP/docs/man/scry-$s.8"
	if [ ! -f "$page" ]; then
		fail "scry-$s.8 exists"
		continue
	fi
	w=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 > "$T_TMP/page")
	expect_eq "scry-$s.8: no warning" "" "$w"
	expect_eq "scry-$s.8: its NAME" "scry-$s" "$(sed -n '/^NAME/{n;p;q}' "$T_TMP/page" | awk '{ print $1 }')"
done
