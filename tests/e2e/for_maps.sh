#!/bin/sh
# for ($kv : @m) through one bpf_for_each_map_elem callback, and ranges, on
# the live kernel, with exact results computed from what the program and the
# fixtures do: 'ppidloop N P' makes exactly N getppid() calls in each of P
# processes, process i pinned to CPU i.
. "$TOP/tests/lib.sh"
need_root for_maps

# ---- 10,000 keys: each visited once (count, sum of keys, sum of values) ----
out=$(BPFTRACE_MAP_KEYS_MAX=10000 "$SCRY" -e 'BEGIN { for ($i : 0..10000) { @m[$i] = $i * 3; } }
BEGIN { $n = 0; $ks = 0; $vs = 0;
	for ($kv : @m) { $n++; $ks += $kv.0; $vs += $kv.1; @seen[$kv.0] = count(); }
	$once = 0;
	for ($kv : @seen) { if ($kv.1 == 1) { $once++; } }
	printf("%d %d %d %d\n", $n, $ks, $vs, $once); clear(@m); clear(@seen); exit(); }' 2>&1)
expect_eq "10,000 keys, each visited once" "Attaching 2 probes...
10000 49995000 149985000 10000" "$out"

# ---- the elements, break, continue, the enclosing scope, nested loops, map writes ----
out=$("$SCRY" -e 'BEGIN { @a["foo"] = 1; @a["bar"] = 2; @a["baz"] = 4; $s = "str"; $x = 0;
	for ($kv : @a) { if ($kv.0 == "bar") { continue; } $x += $kv.1; }
	$y = 0; for ($kv : @a) { $y++; break; }
	for ($kv : @a) { for ($kw : @a) { @pairs[$kv.0, $kw.0] = $kv.1 * $kw.1; } }
	$p = 0; $ps = 0; for ($kv : @pairs) { $p++; $ps += $kv.1; }
	for ($kv : @a) { @a[$kv.0] = $kv.1 + 10; }
	@t[1, "one"] = (7, "seven"); for ($kv : @t) { print($kv); printf("%d %s\n", $kv.1.0, $kv.0.1); }
	printf("%s %d %d %d %d\n", $s, $x, $y, $p, $ps); clear(@pairs); clear(@t); exit(); }' 2>&1)
expect_eq "continue, break, nested loops, captured variables" "Attaching 1 probe...
((1, one), (7, seven))
7 one
str 5 1 9 49


@a[foo]: 11
@a[bar]: 12
@a[baz]: 14" "$out"

# ---- a counter the body changes and branches on, and the probe after the loop ----
out=$("$SCRY" -e 'BEGIN { for ($i : 0..100) { @m[$i] = $i; } $n = 0;
	for ($kv : @m) { $n++; if ($n >= 5) { break; } }
	$k = 0; $hi = 50; for ($i : 0..$hi) { $k += 2; if ($k > 20) { break; } }
	if ($n == 5 && $k == 22) { printf("%d %d\n", $n, $k); } clear(@m); exit(); }' 2>&1)
expect_eq "counters branched on inside and after the loop" "Attaching 1 probe...
5 22" "$out"

# ---- exit() inside the body stops the loop and the probe ----
out=$("$SCRY" -e 'BEGIN { @a[1] = 1; @a[2] = 2; for ($kv : @a) { printf("in\n"); exit(); } printf("after\n"); }
END { clear(@a); }' 2>&1)
expect_eq "exit() in the body" "Attaching 2 probes...
in" "$out"

# ---- per-CPU aggregations: every CPU's share, as printing the map shows ----
# (a copy of the fixture under a name of its own: other tests run ppidloop too)
if [ "$(nproc)" -ge 2 ]; then
	cp "$FIXTURES/ppidloop" "$T_TMP/forloop_cpus"
	out=$("$SCRY" -e 'tracepoint:syscalls:sys_enter_getppid /comm == "forloop_cpus"/ {
	@c[comm] = count(); @s[comm] = sum(2); @lo[comm] = min(cpu); @hi[comm] = max(cpu);
	@av[comm] = avg(cpu * 10); }
END { for ($kv : @c) { printf("count %s %d\n", $kv.0, $kv.1); }
	for ($kv : @s) { printf("sum %d\n", $kv.1); }
	for ($kv : @lo) { printf("min %d\n", $kv.1); }
	for ($kv : @hi) { printf("max %d\n", $kv.1); }
	for ($kv : @av) { printf("avg %d\n", $kv.1); }
	clear(@c); clear(@s); clear(@lo); clear(@hi); clear(@av); }' -c "$T_TMP/forloop_cpus 1000 2" 2>&1 |
		grep -v '^calls=')
	expect_eq "per-CPU count/sum/min/max/avg added up over CPUs" "Attaching 2 probes...
count forloop_cpus 2000
sum 4000
min 0
max 1
avg 5" "$out"
else
	skip "per-CPU values" "needs two CPUs"
fi

# ---- hist/lhist/stats maps: refused, as bpftrace refuses them ----
out=$("$SCRY" -e 'BEGIN { @h[1] = hist(5); for ($kv : @h) { print($kv); } }' 2>&1)
rc=$?
expect_eq "a hist map is refused, exit 1" "stdin:1:37: error: a loop cannot iterate over '@h': a hist() map has several values per key
BEGIN { @h[1] = hist(5); for (\$kv : @h) { print(\$kv); } }
                                    ^~
exit 1" "$out
exit $rc"

# ---- ranges: constant bounds inline, others through bpf_loop ----
out=$("$SCRY" -e 'BEGIN { $lo = 2; $hi = 7; for ($i : $lo..$hi) { printf("%d ", $i); } printf("\n");
	for ($i : (1+1)..(2*4)) { printf("%d ", $i); } printf("\n");
	@b = 10; $z = 0; for ($i : 0..@b) { @b += 1; $z++; } printf("%d %d\n", @b, $z);
	for ($i : (-3)..3) { printf("%d ", $i); } printf("\n");
	$sum = 0; for ($i : 1..$hi) { if ($i == 3) { continue; } if ($i == 6) { break; } $sum += $i; }
	for ($i : 5..$lo) { printf("never\n"); }
	printf("%d\n", $sum); exit(); }' 2>&1)
expect_eq "ranges with variable, expression and map bounds" "Attaching 1 probe...
2 3 4 5 6 
2 3 4 5 6 7 
20 10
-3 -2 -1 0 1 2 
12


@b: 20" "$out"
