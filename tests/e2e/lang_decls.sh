#!/bin/sh
# Block expressions, 'let' declarations, bool, macros and map declarations
# (current bpftrace's language) on the live kernel, with the results
# bpftrace's own runtime cases give; maps declared with a size take no more.
. "$TOP/tests/lib.sh"
need_root lang_decls

# ---- block expressions, let, bool ----
out=$("$SCRY" -e 'BEGIN { $x = { $a = 2; $a * 3 }; let $y; $y = $x + 1; let $s: string; $s = "str";
	let $z = { let $t = 5; $t + $x }; $b = true; let $c: bool = false;
	printf("%d %d %s %d %d %d\n", $x, $y, $s, $z, $b, $c);
	print($b); print(($c, (bool)7, (bool)0)); @m[true] = false; if ($b) { printf("yes\n"); }
	exit(); }' 2>&1)
expect_eq "block expressions, let, bool" "Attaching 1 probe...
6 7 str 11 1 0
true
(false, true, false)
yes


@m[true]: false" "$out"

# ---- macros: bpftrace's cases, one program ----
out=$("$SCRY" -e 'macro inc($x) { $x += 1; $x }
macro set(@x) { @x[1] = 2; }
macro get(@x) { 1 + @x[1] }
macro add3($z) { $z + add2($z) } macro add2($y) { $y + add1($y) } macro add1($x) { $x + 1 }
macro hyg($x) { $y = $x + 1; $y }
macro one() { $x = 1; $x }
macro twice($x) { $y = $x + 1; $z = $x + 2; $y + $z }
macro sum_map(@a) { let $x = 1; for ($kv : @a) { $x += $kv.1; } $x }
macro early() { exit(); }
BEGIN { $a = 1; $b = inc($a); print(($a, $b)); @a[1] = 1; set(@a); print(get(@a)); print(add3(1));
	$y = 2; $z = hyg(5); print(($y, $z)); $o = one; print($o); print(twice({ $y += 1; $y }));
	@x[1] = 5; @x[2] = 10; print(sum_map(@x)); clear(@x); early(); print(99); }' 2>&1)
expect_eq "macros: aliases, values, hygiene, nesting, exit" "Attaching 1 probe...
(2, 2)
3
4
(2, 6)
1
10
16


@a[1]: 2" "$out"

out=$("$SCRY" -e 'macro a($x) { b($x) } macro b($x) { a($x) } BEGIN { print(a(1)); }' 2>&1)
rc=$?
expect_eq "a recursive macro is refused, located" "stdin:1:37: error: recursive macro call: a > b > a
macro a(\$x) { b(\$x) } macro b(\$x) { a(\$x) } BEGIN { print(a(1)); }
                                    ^~~~~
hint: a macro cannot expand to itself
exit 1" "$out
exit $rc"

# ---- map declarations: the kind and the size are the map's ----
out=$("$SCRY" -e 'let @h = hash(3); let @l = lruhash(3); let @c = percpuhash(4); let @p = percpulruhash(2);
BEGIN { for ($i : 0..10) { @h[$i] = $i; @l[$i] = $i; @c[$i % 4] = count(); @p[$i % 2] = sum($i); }
	for ($kv : @l) { @n[0] += 1; }
	printf("lru at most 3: %d, newest kept: %d\n", @n[0] <= 3, has_key(@l, 9));
	clear(@l); clear(@n); exit(); }' 2>&1)
expect_eq "hash(3), lruhash(3), percpuhash, percpulruhash" "Attaching 1 probe...
lru at most 3: 1, newest kept: 1


@c[2]: 2
@c[3]: 2
@c[0]: 3
@c[1]: 3
@h[0]: 0
@h[1]: 1
@h[2]: 2


@p[0]: 20
@p[1]: 25" "$out"
out=$("$SCRY" -e 'let @a = hash(3); BEGIN { @a[1] = count(); }' 2>&1)
rc=$?
expect_eq "an aggregation in a hash map is refused" "stdin:1:10: error: map '@a' is declared 'hash' but holds 'count'
let @a = hash(3); BEGIN { @a[1] = count(); }
         ^~~~
hint: aggregations (count(), sum()...) live in percpuhash and percpulruhash maps
exit 1" "$out
exit $rc"
