#!/bin/sh
# Constants are folded once, by the checker, with the values the generated
# program computes at run time and bpftrace 0.17 prints (unsigned division
# and modulo, logical >>): the folded program and the same arithmetic on
# variables print the same.
. "$TOP/tests/lib.sh"
need_root "const_fold"
want='@min_div: 0
@min_mod: -9223372036854775808
@neg_div: 9223372036854775804
@neg_mod: 1
@neg_shr: 9223372036854775804
@shl_63: -9223372036854775808
@wrap: -9223372036854775808'
out=$("$SCRY" "$TOP/tests/codegen/const_fold.bt" 2>&1 | grep '^@')
expect_eq "folded constants" "$want" "$out"
out=$("$SCRY" -e 'BEGIN { $m = -9223372036854775807 - 1; $n = -1; $a = -7; $b = 2; $c = -8;
	$one = 1; $s = 63; $s1 = 1; $max = 9223372036854775807;
	@min_div = $m / $n; @min_mod = $m % $n; @neg_div = $a / $b; @neg_mod = $a % $b;
	@neg_shr = $c >> $s1; @shl_63 = $one << $s; @wrap = $max + $one; exit(); }' 2>&1 | grep '^@')
expect_eq "the same arithmetic at run time" "$want" "$out"
