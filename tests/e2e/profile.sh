#!/bin/sh
# scry profile against the live kernel: the prof_chain fixture (main ->
# prof_a -> prof_b -> prof_c spinning) must show up as that chain in the
# folded output, the SVG and the JSON; kernel stacks of a getppid() loop
# must go through the syscall entry path; nothing may stay loaded.
. "$TOP/tests/lib.sh"
need_root profile

F="$FIXTURES/prof_chain"
if [ ! -x "$F" ]; then
	fail "fixture" "$F was not built"
	exit 0
fi
if ! command -v python3 >/dev/null; then
	skip "all" "needs python3"
	exit 0
fi

loaded() { bpftool prog show 2>/dev/null | grep -o 'name scry_profile' | sort; }
before=$(loaded)

# --help and bad arguments
if "$SCRY" profile --help | grep -q '^usage: scry profile'; then pass "--help"; else fail "--help"; fi
"$SCRY" profile -F 0 >/dev/null 2>&1
expect_eq "-F 0 is refused with status 1" 1 $?
"$SCRY" profile -p 1 -a >/dev/null 2>&1
expect_eq "-p and -a exclude each other" 1 $?
"$SCRY" profile --format dot >/dev/null 2>&1
expect_eq "unknown format refused" 1 $?

# share SHARE_CHAIN FILE: percentage of the samples whose stack holds the chain, and the total
share() {
	python3 - "$1" <<'PY'
import sys
total = hit = 0
for line in open(sys.argv[1]):
    stack, _, n = line.rstrip("\n").rpartition(" ")
    total += int(n)
    if "main;prof_a;prof_b;prof_c" in stack:
        hit += int(n)
print(total, 100 * hit // max(total, 1))
PY
}

# 1. folded to a .folded file, -c, ~2 s at 99 Hz
"$SCRY" profile -F 99 -c "$F 2" -o "$T_TMP/p.folded" 2>"$T_TMP/err"
st=$?
expect_eq "-c exits 0 when the command ends" 0 $st
set -- $(share "$T_TMP/p.folded")
if [ "${1:-0}" -ge 40 ] && [ "${2:-0}" -ge 90 ]; then
	pass "folded: $2% of $1 samples in main;prof_a;prof_b;prof_c"
else
	fail "folded: main;prof_a;prof_b;prof_c in >= 90% of >= 40 samples" \
		"samples ${1:-?}, share ${2:-?}%" "$(head -5 "$T_TMP/p.folded")" "$(cat "$T_TMP/err")"
fi
if grep -q '^scry profile: lost stacks: ' "$T_TMP/err"; then
	pass "losses printed to stderr"
else
	fail "losses printed to stderr" "$(cat "$T_TMP/err")"
fi
if grep -q '^prof_chain;' "$T_TMP/p.folded" && ! grep -qv '^prof_chain;' "$T_TMP/p.folded"; then
	pass "-c: only the command's samples, rooted at its comm"
else
	fail "-c: only the command's samples" "$(grep -v '^prof_chain;' "$T_TMP/p.folded" | head -3)"
fi

# 2. SVG (format from the extension): parsed as XML, the chain found by geometry
"$SCRY" profile -F 99 -c "$F 2" -o "$T_TMP/p.svg" 2>"$T_TMP/err"
got=$(python3 - "$T_TMP/p.svg" <<'PY'
import sys
import xml.etree.ElementTree as ET
NS = "{http://www.w3.org/2000/svg}"
frames = []
for g in ET.parse(sys.argv[1]).getroot().iter(NS + "g"):
    if g.get("class") == "f":
        frames.append((g.get("data-n"), float(g.get("data-x")), float(g.get("data-w")),
                       int(g.get("data-d"))))
def parent(f):
    for p in frames:
        if p[3] == f[3] - 1 and p[1] <= f[1] + 1e-9 and f[1] + f[2] <= p[1] + p[2] + 1e-9:
            return p
    return None
root = sum(f[2] for f in frames if f[0] == "prof_chain")
hit = 0.0
for f in frames:
    if f[0] != "prof_c":
        continue
    chain, p = [f[0]], parent(f)
    while p and len(chain) < 4:
        chain.insert(0, p[0])
        p = parent(p)
    if chain == ["main", "prof_a", "prof_b", "prof_c"]:
        hit += f[2]
print("ok" if root > 0 and hit / root >= 0.9 else "share %.2f of %.2f" % (hit, root))
PY
)
expect_eq "svg: well-formed, main;prof_a;prof_b;prof_c >= 90% of the width" ok "$got"

# 3. JSON: totals agree with the stacks, frames in order
"$SCRY" profile -F 99 -d 5 -c "$F 1" --format json -o "$T_TMP/p.out" 2>"$T_TMP/err"
got=$(python3 - "$T_TMP/p.out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
t, lost = d["totals"], d["lost"]
ok = t["counted"] == sum(s["count"] for s in d["stacks"])
ok = ok and t["samples"] == t["counted"] + lost["counts_map_full"]
ok = ok and t["distinct_stacks"] == len(d["stacks"])
ok = ok and d["profile"]["target"] == "command" and d["profile"]["frequency_hz"] == 99
chain = 0
for s in d["stacks"]:
    names = [f.get("name") for f in s["frames"] if not f["kernel"]]
    if "main;prof_a;prof_b;prof_c" in ";".join(n or "?" for n in names):
        chain += s["count"]
print("ok" if ok and chain * 10 >= t["counted"] * 9 else "bad: %s chain=%d" % (t, chain))
PY
)
expect_eq "json: totals = sum of stacks, chain >= 90%" ok "$got"

# 4. kernel stacks of a getppid() loop: the syscall entry path
"$SCRY" profile --kernel-only -c "$F 2 syscalls" -o "$T_TMP/k.folded" 2>"$T_TMP/err"
got=$(python3 - "$T_TMP/k.folded" <<'PY'
import sys
kern = sysc = 0
user_frames = False
for line in open(sys.argv[1]):
    stack, _, n = line.rstrip("\n").rpartition(" ")
    frames = stack.split(";")[1:]
    if "main" in frames or "prof_c" in frames:
        user_frames = True
    if frames:
        kern += int(n)
        if "entry_SYSCALL_64_after_hwframe" in frames and "do_syscall_64" in frames:
            sysc += int(n)
print("ok" if kern >= 10 and sysc * 2 >= kern and not user_frames else "kern=%d syscall=%d user=%s" % (kern, sysc, user_frames))
PY
)
expect_eq "--kernel-only: kernel stacks through entry_SYSCALL_64 -> do_syscall_64, no user frames" ok "$got"

# 5. --user-only: no kernel frame
"$SCRY" profile --user-only -c "$F 1 syscalls" -o "$T_TMP/u.folded" 2>"$T_TMP/err"
if grep -q 'getppid' "$T_TMP/u.folded" && ! grep -q 'do_syscall_64\|entry_SYSCALL' "$T_TMP/u.folded"; then
	pass "--user-only: user frames, no kernel frame"
else
	fail "--user-only" "$(head -5 "$T_TMP/u.folded")"
fi

# 6. -p PID for -d 1 s, then a SIGINT-ended system-wide run
"$F" 3 &
tp=$!
sleep 0.3
"$SCRY" profile -p "$tp" -d 1 > "$T_TMP/pid.folded" 2>"$T_TMP/err"
st=$?
set -- $(share "$T_TMP/pid.folded")
if [ $st = 0 ] && [ "${1:-0}" -ge 20 ] && [ "${2:-0}" -ge 90 ]; then
	pass "-p: $2% of $1 samples in the chain"
else
	fail "-p" "status $st samples ${1:-?} share ${2:-?}%" "$(cat "$T_TMP/err")"
fi
"$SCRY" profile -a > "$T_TMP/all.folded" 2>"$T_TMP/err" &
sp=$!
sleep 1.5
kill -INT $sp
wait $sp
st=$?
wait $tp
if [ $st = 0 ] && grep -q 'main;prof_a;prof_b;prof_c' "$T_TMP/all.folded"; then
	pass "-a ended by SIGINT: exit 0, output written, the fixture in it"
else
	fail "-a ended by SIGINT" "status $st" "$(head -3 "$T_TMP/all.folded")" "$(cat "$T_TMP/err")"
fi

# 7. -p of a process that ends by itself: the run ends with it, its frames still symbolized
# (a process that just ended reads as no maps: its snapshot must not be replaced by that)
"$F" 2 &
tp=$!
"$SCRY" profile -p "$tp" > "$T_TMP/pend.folded" 2>"$T_TMP/err"
st=$?
wait $tp
set -- $(share "$T_TMP/pend.folded")
if [ $st = 0 ] && [ "${1:-0}" -ge 5 ] && [ "${2:-0}" -ge 90 ]; then
	pass "-p until the process ends: $2% of $1 samples in the chain"
else
	fail "-p until the process ends" "status $st samples ${1:-?} share ${2:-?}%" \
		"$(head -3 "$T_TMP/pend.folded")" "$(cat "$T_TMP/err")"
fi

# 8. -f json (short for --format) on stdout; the accounting comes from the stacks' keys: a
# user-space spinner has no kernel stack in most samples (exec and page faults have one),
# and the lost stacks printed to stderr are the JSON's
"$SCRY" profile -f json -c "$F 1" > "$T_TMP/f.json" 2>"$T_TMP/err"
got=$(python3 - "$T_TMP/f.json" "$T_TMP/err" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
t, lost, none = d["totals"], d["lost"], d["no_stack"]
err = open(sys.argv[2]).read()
m = re.search(r"lost stacks: (\d+) .*samples dropped \(counts map full\): (\d+)", err)
lost_sum = sum(v for k, v in lost.items() if k != "counts_map_full")
ok = m and int(m.group(1)) == lost_sum and int(m.group(2)) == lost["counts_map_full"]
ok = ok and t["counted"] >= 10 and none["kernel"] * 2 >= t["counted"]
ok = ok and none["kernel"] + lost["kernel_stack_collisions"] <= t["counted"]
print("ok" if ok else "bad: %s %s %s | %s" % (t, lost, none, err.strip()))
PY
)
expect_eq "-f json: no kernel stack for a user-space spinner; stderr's losses are the JSON's" ok "$got"

wait_released
expect_eq "nothing left loaded" "$before" "$(loaded)"
