#!/bin/sh
# The tools bundled in tools/: each compiles, and a few run against fixtures.
. "$TOP/tests/lib.sh"
need_root tools

for t in "$TOP"/tools/*.bt; do
	if "$SCRY" --dry-run "$t" > "$T_TMP/out" 2>&1; then
		pass "$(basename "$t") compiles"
	else
		fail "$(basename "$t") compiles" "$(cat "$T_TMP/out")"
	fi
done

"$SCRY" "$TOP/tools/syscount.bt" -c "$FIXTURES/sysfix 40" > "$T_TMP/sc" 2>&1
n=$(sed -n 's/^@process\[sysfix\]: //p' "$T_TMP/sc")
# 40 writes and 20 getppid calls, plus the start-up and exit of the process
[ -n "$n" ] && [ "$n" -ge 60 ] && [ "$n" -lt 200 ] && pass "syscount: sysfix made $n syscalls (>= 60)" ||
	fail "syscount counts the fixture's syscalls" "$(cat "$T_TMP/sc")"

"$SCRY" "$TOP/tools/opensnoop.bt" -c "sh -c 'cat /etc/hostname > /dev/null'" > "$T_TMP/os" 2>&1
grep -Eq '^[0-9]+ +cat +[0-9]+ +0 /etc/hostname$' "$T_TMP/os" && pass "opensnoop: cat opened /etc/hostname" ||
	fail "opensnoop: cat opened /etc/hostname" "$(cat "$T_TMP/os")"

"$SCRY" "$TOP/tools/writesize.bt" -c "$FIXTURES/sysfix 3" > "$T_TMP/ws" 2>&1
expect_eq "writesize: the fixture's three writes" "@bytes[sysfix]: 
[1]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |
[2, 4)                 2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|" \
	"$(sed -n '/^@bytes\[sysfix\]/,/^$/p' "$T_TMP/ws" | sed '/^$/d')"
