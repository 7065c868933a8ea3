#!/bin/sh
# Every subcommand in src/cli/main.c's table has its page in docs/man/,
# which man renders without a warning, naming the subcommand; scry list
# --summary counts every provider, the ones listed only by name too.
. "$TOP/tests/lib.sh"

if [ "$(id -u)" = 0 ]; then
	"$SCRY" list --summary > "$T_TMP/sum" 2>&1
	expect_eq "list --summary: tp_btf counted as 'list tp_btf:*' lists them" \
		"$("$SCRY" list 'tp_btf:*' | wc -l)" "$(awk '$1 == "tp_btf" { print $2 }' "$T_TMP/sum")"
	expect_eq "list --summary: BEGIN still there" "BEGIN 1" "$(awk '$1 == "BEGIN" { print $1, $2 }' "$T_TMP/sum")"
else
	skip "list --summary" "needs root"
fi
if ! command -v man >/dev/null 2>&1; then
	skip "man pages" "no man"
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
