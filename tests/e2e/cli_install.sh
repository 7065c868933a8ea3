#!/bin/sh
# make install PREFIX=...: the binary, the man pages (rendered without a
# warning by man itself) and the bash completion, driven as bash drives it:
# a subcommand and a tracepoint name of the live kernel completed.
. "$TOP/tests/lib.sh"

for page in "$TOP"/docs/man/*.8; do
	w=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 > "$T_TMP/page")
	expect_eq "man --warnings -l $(basename "$page"): no warning" "" "$w"
	grep -q '^NAME' "$T_TMP/page" && pass "$(basename "$page") renders" || fail "$(basename "$page") renders"
done

P=$T_TMP/prefix
make -s -C "$TOP" O="$O" install PREFIX="$P" > "$T_TMP/install.log" 2>&1
expect_eq "make install PREFIX=: exit 0" 0 "$?"
got=$(cd "$P" && find . -type f | LC_ALL=C sort)
want="./bin/scry
./include/scry_usdt.h
./lib/libscry-usdt.a
./lib/libscry-usdt.so.0
./lib/python3/dist-packages/scry_usdt.py
./share/bash-completion/completions/scry
$([ -f /usr/include/node/node_api.h ] && for f in binding.gyp index.js package.json scry_usdt.node; do echo "./lib/node_modules/scry_usdt/$f"; done)
$(cd "$TOP/docs/man" && for f in *.8; do echo "./share/man/man8/$f"; done | LC_ALL=C sort)"
expect_eq "it installs the binary, every man page, the completion and libscry-usdt" "$(echo "$want" | LC_ALL=C sort)" "$got"
expect_eq "the installed binary runs" "$("$SCRY" --version)" "$("$P/bin/scry" --version)"
MANWIDTH=80 man -M "$P/share/man" scry-list > "$T_TMP/page" 2>&1
expect_eq "man -M PREFIX/share/man scry-list finds the installed page" "SCRY-LIST(8)" "$(head -1 "$T_TMP/page" | cut -d' ' -f1)"

BC=/usr/share/bash-completion/bash_completion
if [ ! -f "$BC" ] || ! command -v bash >/dev/null 2>&1; then
	skip "bash completion" "no bash-completion (scripts/setup.sh installs it)"
	exit 0
fi
# complete LINE WORD...: what _scry offers for the last word, as bash splits
# words (at ':' too); the first word is the scry under test.
complete_line() {
	line=$1
	shift
	(cd "$T_TMP" && bash -c '. "$1"; . "$2"; complete -p scry; line=$3; shift 3
		COMP_LINE=$line; COMP_POINT=${#line}; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_scry; printf "%s\n" "${COMPREPLY[@]}"' bash "$BC" "$P/share/bash-completion/completions/scry" "$line" "$@")
}
got=$(complete_line "$SCRY li" "$SCRY" li)
expect_eq "complete -p scry; a subcommand: li -> list" "complete -F _scry scry
list" "$got"
got=$(complete_line "$SCRY --no-w" "$SCRY" --no-w)
expect_eq "a flag: --no-w -> --no-warnings" "complete -F _scry scry
--no-warnings" "$got"
got=$(complete_line "$SCRY -l trac" "$SCRY" -l trac)
expect_eq "a probe type: trac -> tracepoint:" "complete -F _scry scry
tracepoint:" "$got"
if [ "$(id -u)" = 0 ]; then
	want=$("$SCRY" -l 'tracepoint:sched:sched_sw*' | sed 's/^tracepoint:sched://')
	got=$(complete_line "$SCRY -l tracepoint:sched:sched_sw" "$SCRY" -l tracepoint : sched : sched_sw)
	expect_eq "a tracepoint of the live kernel: tracepoint:sched:sched_sw" "complete -F _scry scry
$want" "$got"
	case "$want" in *sched_switch*) pass "sched_switch is among them" ;; *) fail "sched_switch is among them" "$want" ;; esac
	got=$(complete_line "$SCRY list tracepoint:sched:sched_wakeup_n" "$SCRY" list tracepoint : sched : sched_wakeup_n)
	expect_eq "scry list completes probe names too" "complete -F _scry scry
sched_wakeup_new" "$got"
else
	skip "tracepoint completion" "needs root to read tracefs"
fi
