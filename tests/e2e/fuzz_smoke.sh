#!/bin/sh
# The fuzz targets build, and each survives its seed corpus plus a few
# seconds of fuzzing (scripts/fuzz.sh runs them for longer).
. "$TOP/tests/lib.sh"

if ! command -v clang >/dev/null 2>&1; then
	skip "fuzz targets" "no clang"
	exit 0
fi
if ! printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' |
	clang -fsanitize=fuzzer -x c -o "$T_TMP/probe" - >/dev/null 2>&1; then
	skip "fuzz targets" "clang has no libFuzzer (install libclang-rt-14-dev)"
	exit 0
fi
if ! make -s -C "$TOP" O="$O" fuzz > "$T_TMP/build" 2>&1; then
	fail "fuzz targets build" "$(tail -n 20 "$T_TMP/build")"
	exit 0
fi
pass "fuzz targets build"
secs=${FUZZ_SMOKE_SECONDS:-10}
for src in "$TOP"/fuzz/*.c; do
	t=$(basename "$src" .c)
	bin=$TOP/$O/fuzz/$t
	corpus=$TOP/fuzz/corpus/$t
	n=$(ls "$corpus" 2>/dev/null | wc -l)
	if [ "$n" -eq 0 ]; then
		fail "$t has a seed corpus" "fuzz/corpus/$t is empty"
		continue
	fi
	mkdir -p "$T_TMP/$t"
	if "$bin" -runs=0 "$corpus" > "$T_TMP/$t.seeds" 2>&1; then
		pass "$t: its $n seeds"
	else
		fail "$t: its $n seeds" "$(grep -E 'ERROR|SUMMARY|#' "$T_TMP/$t.seeds" | tail -n 5)"
		continue
	fi
	if "$bin" -max_total_time="$secs" -timeout=10 -artifact_prefix="$T_TMP/$t/" \
		"$T_TMP/$t" "$corpus" > "$T_TMP/$t.log" 2>&1; then
		pass "$t: ${secs}s of fuzzing ($(grep -E '^#[0-9]+' "$T_TMP/$t.log" | tail -n 1 | awk '{ print $1, "runs,", $3, $4 }'))"
	else
		fail "$t: ${secs}s of fuzzing" "$(grep -E 'ERROR|SUMMARY' "$T_TMP/$t.log" | head -n 5)"
	fi
done
