#!/usr/bin/env python3
# The measurements of bench/run.sh (which installs the tools, builds scry and
# the spin fixture, then runs this as root):
#
#   python3 bench/run.py SCRY BPFTRACE SPIN OUT.json
#
# Every row pits scry against bpftrace in the same run; ratio = bpftrace/scry,
# so that higher is better for scry and each goal reads "ratio >= goal".
import json
import os
import pty
import re
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time

SCRY, BPFTRACE, SPIN, OUT = sys.argv[1:5]
BENCH = os.path.dirname(SPIN)		# the other helpers bench/run.sh built
FIRSTEV = os.path.join(BENCH, "firstev")
BIGMAP = os.path.join(BENCH, "bigmap")
TOOLS = {"scry": SCRY, "bpftrace": BPFTRACE}
EV = int(os.environ.get("EVENTS", "3000000"))	# getppid() calls per spin run
ROUNDS = int(os.environ.get("ROUNDS", "7"))
SPIN_CPU = os.environ.get("SPIN_CPU", "1")
rows = []
extra = {}


def log(msg):
	print(msg, file=sys.stderr, flush=True)


def row(section, what, s, b, unit, goal, note=""):
	"""goal: the ratio bpftrace/scry must reach (None: no goal)"""
	ratio = b / s if s is not None and b is not None and s > 0 else None
	met = None if goal is None or ratio is None else ratio >= goal
	rows.append(dict(section=section, what=what, scry=s, bpftrace=b, unit=unit,
			 ratio=ratio, goal=goal, met=met, note=note))


# ---- process helpers -------------------------------------------------------

def prog_ids(pid):
	"""ids of the BPF programs whose fds process pid holds (from fdinfo:
	this bpftool has no 'pids' field, and names are truncated)"""
	ids = set()
	try:
		fds = os.listdir(f"/proc/{pid}/fd")
	except OSError:
		return ids
	for fd in fds:
		try:
			with open(f"/proc/{pid}/fdinfo/{fd}") as f:
				m = re.search(r"^prog_id:\s*(\d+)", f.read(), re.M)
		except OSError:
			continue
		if m:
			ids.add(int(m.group(1)))
	return ids


def start_tool(tool, prog, *args):
	"""start a tool on prog; returns the Popen once its programs are loaded
	and have had time to be attached, or None if it died first"""
	return start_cmd([TOOLS[tool], "-e", prog, *map(str, args)], f"{tool}: {prog}")


def start_cmd(cmd, what):
	p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
	tool, prog = what.split(": ", 1)
	deadline = time.monotonic() + 15
	while time.monotonic() < deadline:
		if p.poll() is not None:
			extra.setdefault("errors", {})[f"{tool}: {prog}"] = \
				p.stderr.read().decode(errors="replace").strip()[-400:]
			return None
		ids = prog_ids(p.pid)
		if ids:
			time.sleep(0.3)	# loaded: attaching one probe takes far less
			if prog_ids(p.pid) == ids:
				return p
		time.sleep(0.02)
	stop_tool(p)
	return None


def stop_tool(p):
	if p.poll() is None:
		p.send_signal(signal.SIGINT)
		try:
			p.wait(timeout=15)
		except subprocess.TimeoutExpired:
			p.kill()
			p.wait()
	p.stderr.close()


def spin(n=EV):
	"""CPU time (ns) of n getppid() calls, pinned: CPU time rather than wall
	time, as other work on this 2-CPU machine preempts the loop"""
	out = subprocess.run(["taskset", "-c", SPIN_CPU, SPIN, str(n)], check=True,
			     capture_output=True, text=True).stdout
	return int(out.split()[1])


def median(xs):
	return statistics.median(xs) if xs else None


# ---- 1. wall time of BEGIN { exit(); } --------------------------------------

def wall_begin():
	log("wall time of BEGIN { exit(); } (hyperfine)")
	prog = "BEGIN { exit(); }"
	with tempfile.NamedTemporaryFile(suffix=".json") as js:
		r = subprocess.run(["hyperfine", "-N", "-w", "3", "-r", "20", "--style", "none",
				"--export-json", js.name,
				"-n", "scry", f"{SCRY} -e '{prog}'",
				"-n", "bpftrace", f"{BPFTRACE} -e '{prog}'"],
			       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
		if r.returncode:
			sys.exit(f"hyperfine failed: {r.stderr}")
		r = {x["command"]: x for x in json.load(open(js.name))["results"]}
	s, b = r["scry"]["median"] * 1e3, r["bpftrace"]["median"] * 1e3
	row("time", "wall time, BEGIN { exit(); } (hyperfine median)", s, b, "ms", 50)


# ---- 2. start to first event -------------------------------------------------

def read_until_x(fd, deadline):
	buf = b""
	while time.monotonic() < deadline:
		r, _, _ = select.select([fd], [], [], max(0, deadline - time.monotonic()))
		if not r:
			break
		try:
			chunk = os.read(fd, 4096)
		except OSError:
			break
		if not chunk:
			break
		buf += chunk
		if re.search(rb"^x\r?$", buf, re.M):
			return True
	return False


def firstev(cmd, env=None):
	"""one run of bench/firstev.c: (exec to the line, exec to exit, t0) in
	ms, ms, ns; None if the line did not come"""
	r = subprocess.run([FIRSTEV, *cmd], capture_output=True, text=True, env=env)
	if r.returncode:
		return None
	a, b, _, t0 = map(int, r.stdout.split())
	return a / 1e6, b / 1e6, t0


def spread(xs):
	return f"{min(xs):.2f}-{max(xs):.2f}" if xs else "n/a"


FIRST_PROG = 'tracepoint:syscalls:sys_enter_getppid /pid == $1/ { printf("x\\n"); exit(); }'


def first_event():
	"""exec to the first event's line on a pty, and to exit, timed by
	bench/firstev.c (C, posix_spawn) so that the harness's own share is
	small; /bin/echo x timed the same way is the floor"""
	log("start to first event")
	prog = FIRST_PROG
	target = subprocess.Popen(["taskset", "-c", SPIN_CPU, SPIN, "loop"])
	cmds = {t: [TOOLS[t], "-e", prog, str(target.pid)] for t in TOOLS}
	cmds["floor"] = ["/bin/echo", "x"]
	res = {t: ([], []) for t in cmds}
	try:
		for _ in range(int(os.environ.get("FIRST_RUNS", "21"))):
			for tool, cmd in cmds.items():
				r = firstev(cmd)
				if r:
					res[tool][0].append(r[0])
					res[tool][1].append(r[1])
	finally:
		target.kill()
		target.wait()
	extra["first_event_ms"] = res
	n = len(res["scry"][0])
	s, b = median(res["scry"][0]), median(res["bpftrace"][0])
	f = median(res["floor"][0])
	row("time", f"exec to first event line (getppid tracepoint, median of {n})", s, b, "ms", 50,
	    f"spread scry {spread(res['scry'][0])}, bpftrace {spread(res['bpftrace'][0])}")
	row("time", "  harness floor: exec of /bin/echo x to its line", f, f, "ms", None,
	    f"spread {spread(res['floor'][0])}")
	row("time", "  net of the floor", s - f, b - f, "ms", 50)
	s, b = median(res["scry"][1]), median(res["bpftrace"][1])
	row("time", "  same, exec to exit", s, b, "ms", None)
	d = {t: median([x - y for x, y in zip(res[t][1], res[t][0])]) for t in TOOLS}
	row("time", "  from the event's line to exit", d["scry"], d["bpftrace"], "ms", None)


def startup_phases():
	"""where scry's start-up and exit go: SCRY_PHASES=1 makes scry log
	each step's end on CLOCK_MONOTONIC; firstev gives the exec's time on
	the same clock.  Medians of the steps' durations over the runs."""
	log("scry start-up and exit, step by step (SCRY_PHASES=1)")
	prog = FIRST_PROG
	target = subprocess.Popen(["taskset", "-c", SPIN_CPU, SPIN, "loop"])
	steps = {}
	order = []
	errf = os.path.join(BENCH, "phases.txt")
	env = dict(os.environ, SCRY_PHASES="1", FIRSTEV_STDERR=errf)
	try:
		for _ in range(int(os.environ.get("FIRST_RUNS", "21"))):
			r = firstev([SCRY, "-e", prog, str(target.pid)], env)
			if not r:
				continue
			prev = r[2]
			with open(errf) as f:
				for line in f:
					m = re.match(r"scry: warning: phase (.*) (\d+)$", line.strip())
					if not m:
						continue
					name = "exec to main()" if m.group(1) == "main" else m.group(1)
					if name not in steps:
						order.append(name)
					steps.setdefault(name, []).append((int(m.group(2)) - prev) / 1e6)
					prev = int(m.group(2))
			steps.setdefault("process end (as the harness sees it)", []).append(
				r[1] - (prev - r[2]) / 1e6)
	finally:
		target.kill()
		target.wait()
	order.append("process end (as the harness sees it)")
	extra["startup_phases_ms"] = {k: steps[k] for k in order}
	extra["startup_order"] = order


# ---- big maps ---------------------------------------------------------------------

BIG_OPS = [
	("print at exit", ""),
	("clear() in END", " END { clear(@); }"),
	("print(@, 10) in END", " END { print(@, 10); clear(@); }"),
]


def bigmap_one(tool, n, end):
	"""one run: the time from the load's end to the tool's (detaching,
	END, reading, sorting and printing the map, exiting) in ms, and the
	tool's peak RSS in MB; stdout to /dev/null"""
	prog = "tracepoint:syscalls:sys_enter_openat /pid == cpid/ " \
	       "{ @[args->flags, str(args->filename)] = count(); }" + end
	keys = 1 << (int(n * 1.02) - 1).bit_length()	# the same room for both tools
	env = dict(os.environ, BPFTRACE_MAP_KEYS_MAX=str(keys))
	stamp = os.path.join(BENCH, "bigmap.end")
	with tempfile.NamedTemporaryFile(mode="r") as tv:
		subprocess.run(["/usr/bin/time", "-v", "-o", tv.name, TOOLS[tool], "-e", prog,
				"-c", f"{BIGMAP} {n} {stamp}"], env=env, stdout=subprocess.DEVNULL,
			       stderr=subprocess.DEVNULL)
		t = time.monotonic_ns()
		m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", tv.read())
	try:
		with open(stamp) as f:
			t_end = int(f.read())
		os.unlink(stamp)
	except (OSError, ValueError):
		return None, None
	return (t - t_end) / 1e6, int(m.group(1)) / 1024 if m else None


def big_maps():
	sizes = [int(x) for x in os.environ.get("BIG_SIZES", "10000 100000 1000000").split()]
	log(f"big maps: {sizes} keys of (int, string)")
	extra["bigmap"] = {}
	for n in sizes:
		reps = 3 if n < 1000000 else int(os.environ.get("BIG_REPS_1M", "1"))
		for what, end in BIG_OPS:
			res = {t: [] for t in TOOLS}
			for _ in range(reps):
				for tool in TOOLS:
					res[tool].append(bigmap_one(tool, n, end))
			extra["bigmap"][f"{n} {what}"] = res
			ms = {t: median([x[0] for x in res[t] if x[0] is not None]) for t in TOOLS}
			mb = {t: median([x[1] for x in res[t] if x[1] is not None]) for t in TOOLS}
			label = f"{n // 1000}k" if n < 1000000 else f"{n // 1000000}M"
			row("bigmap", f"{label} keys, {what}: load's end to exit (median of {reps})",
			    ms["scry"], ms["bpftrace"], "ms", 10 if n == 1000000 and not end else None)
			row("bigmap", f"  peak RSS", mb["scry"], mb["bpftrace"], "MB", None)


# ---- 3. peak RSS ---------------------------------------------------------------

def rss(tool, prog):
	vals = []
	for _ in range(3):
		with tempfile.NamedTemporaryFile(mode="r") as f:
			subprocess.run(["/usr/bin/time", "-v", "-o", f.name, TOOLS[tool], "-e", prog],
				       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
			m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", f.read())
			if m:
				vals.append(int(m.group(1)) / 1024)
	return median(vals)


def peak_rss():
	log("peak RSS")
	for what, prog in [
		("BEGIN { exit(); }", "BEGIN { exit(); }"),
		("raw_syscalls:sys_enter @[comm] = count(), 100 ms",
		 "tracepoint:raw_syscalls:sys_enter { @[comm] = count(); } "
		 "interval:ms:100 { exit(); }"),
	]:
		row("rss", f"peak RSS, {what}", rss("scry", prog), rss("bpftrace", prog), "MB", 20)


# ---- 4. per-event overhead -----------------------------------------------------

def foreign_sys_enter():
	"""other processes' BPF programs on sys_enter: they add their cost to
	every run, alone or not, and make the numbers noisier"""
	out = []
	r = subprocess.run(["bpftool", "perf", "show", "--json"], capture_output=True, text=True)
	for x in json.loads(r.stdout or "[]"):
		if x.get("tracepoint") == "sys_enter":
			out.append(f"pid {x.get('pid')} prog {x.get('prog_id')}")
	r = subprocess.run(["bpftool", "link", "show", "--json"], capture_output=True, text=True)
	for x in json.loads(r.stdout or "[]"):
		if x.get("type") == "raw_tracepoint" and x.get("tp_name") == "sys_enter":
			out.append(f"raw_tp link {x.get('id')} prog {x.get('prog_id')}")
	extra["other_sys_enter_tracers"] = out
	return out


def bpf_stats_fd():
	"""BPF_ENABLE_STATS: the kernel keeps run_time_ns and run_cnt of every
	program while the returned fd is open; closing it restores the setting
	(unlike the kernel.bpf_stats_enabled sysctl).  None if refused."""
	import ctypes
	libc = ctypes.CDLL(None, use_errno=True)
	attr = ctypes.create_string_buffer(16)	# union bpf_attr: enable_stats.type = 0
	fd = libc.syscall(321, 32, attr, 16)	# __NR_bpf, BPF_ENABLE_STATS, RUN_TIME
	return fd if fd >= 0 else None


def run_time(tool, prog):
	"""ns per run of the tool's programs, from the kernel's own statistics,
	over one spin run (the programs run for every process's syscalls)"""
	r = prog_run_time([TOOLS[tool], "-e", prog], f"{tool}: {prog}", "getppid", EV)
	return r[0] / r[1] if r else None


def overhead():
	log(f"per-event overhead ({EV} getppid() per run, {ROUNDS} rounds of 2 runs per case)")
	cases = [
		("empty", "tracepoint", "tracepoint:raw_syscalls:sys_enter { }"),
		("count", "tracepoint", "tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }"),
		("empty", "rawtracepoint", "rawtracepoint:sys_enter { }"),
		("count", "rawtracepoint", "rawtracepoint:sys_enter { @[comm] = count(); }"),
	]
	others = foreign_sys_enter()
	if others:
		log(f"warning: other tracers on sys_enter during the run: {others}")
	alone = []
	per = {}
	# rounds interleave the cases (and runs alone), so that the drift of
	# other work on the machine spreads over all of them
	for _ in range(ROUNDS):
		for kind, ptype, prog in cases:
			for tool in TOOLS:
				key = (tool, kind, ptype)
				if key in per and per[key] is None:
					continue	# the tool rejected it: no use retrying
				a = spin()
				alone.append(a)
				p = start_tool(tool, prog)
				if p is None:
					per[key] = None
					continue
				try:
					w = [spin() for _ in range(2)]
				finally:
					stop_tool(p)
				# paired with the run alone just before it: slow drift
				# in the machine's load cancels out
				per.setdefault(key, []).append((a, w))
	base = median(alone)
	extra["overhead"] = {"events": EV, "alone_ns": alone,
			     "pairs_ns": {f"{t} {k} {pt}": v for (t, k, pt), v in per.items()}}

	def ns(tool, kind, ptype, best=False):
		"""added ns per event: median over rounds of (with - alone), or
		the best runs' difference (least disturbed by other work)"""
		v = per.get((tool, kind, ptype))
		if v is None:
			return None
		if best:
			return (min(x for _, w in v for x in w) - min(alone)) / EV
		return median([median(w) - a for a, w in v]) / EV

	# the programs' own run time, which the kernel measures itself: free of
	# the noise of this shared machine, but blind to the attach path's cost
	rt = {}
	for kind, ptype, prog in cases:
		for tool in TOOLS:
			rt[(tool, kind, ptype)] = None if per.get((tool, kind, ptype)) is None \
				else run_time(tool, prog)
	extra["bpf_run_time_ns"] = {f"{t} {k} {pt}": v for (t, k, pt), v in rt.items()}

	row("overhead", "getppid() alone (no tracer), per call", base / EV, base / EV, "ns", None)
	for ptype, short in [("tracepoint", "tracepoint:raw_syscalls:sys_enter"),
			     ("rawtracepoint", "rawtracepoint:sys_enter")]:
		for kind, body, goal in [("empty", "{ }", None), ("count", "{ @[comm] = count(); }", 2)]:
			s, b = ns("scry", kind, ptype), ns("bpftrace", kind, ptype)
			note = "" if b is not None or s is None else "bpftrace 0.17 rejects this probe"
			if ptype == "rawtracepoint" and kind == "count" and b is None:
				# what the kernel offers beyond perf-event tracepoints,
				# against bpftrace's best: its tracepoint
				b2 = ns("bpftrace", "count", "tracepoint")
				row("overhead", f"added per event, {short} {body}", s, None, "ns", None,
				    note)
				row("overhead", "  scry rawtracepoint vs bpftrace tracepoint, count()",
				    s, b2, "ns", 2)
				row("overhead", "  same, best run of each", ns("scry", kind, ptype, True),
				    ns("bpftrace", "count", "tracepoint", True), "ns", None)
				row("overhead", "  BPF program alone (kernel bpf_stats run_time_ns/run_cnt)",
				    rt.get(("scry", kind, ptype)), None, "ns", None)
				continue
			row("overhead", f"added per event, {short} {body}", s, b, "ns", goal, note)
			if kind == "count" and b is not None:
				row("overhead", "  same, best run of each", ns("scry", kind, ptype, True),
				    ns("bpftrace", kind, ptype, True), "ns", None)
			row("overhead", "  BPF program alone (kernel bpf_stats run_time_ns/run_cnt)",
			    rt.get(("scry", kind, ptype)), rt.get(("bpftrace", kind, ptype)), "ns",
			    None)
			if kind == "count":
				# the empty program's figure is mostly the clock reads
				# of the statistics themselves
				d = [None if rt.get((t, "count", ptype)) is None or
				     rt.get((t, "empty", ptype)) is None else
				     rt[(t, "count", ptype)] - rt[(t, "empty", ptype)] for t in TOOLS]
				row("overhead", "  the same minus the empty program's: count() body",
				    d[0], d[1], "ns", None)


# ---- 5. BPF instruction counts --------------------------------------------------

ONE_LINERS = [
	("count by comm", "tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }"),
	("sum of an arg", "tracepoint:syscalls:sys_enter_read { @bytes = sum(args->count); }"),
	("hist", "tracepoint:syscalls:sys_exit_read { @ = hist(args->ret); }"),
	("lhist", "tracepoint:syscalls:sys_exit_read { @ = lhist(args->ret, 0, 1000, 100); }"),
	("printf, 3 args", 'tracepoint:syscalls:sys_enter_openat '
	 '{ printf("%d %s %s\\n", pid, comm, str(args->filename)); }'),
	("predicate on pid", "tracepoint:syscalls:sys_enter_write /pid == 1/ { @ = count(); }"),
	("str(filename) key", "tracepoint:syscalls:sys_enter_openat "
	 "{ @[str(args->filename)] = count(); }"),
	("avg", "tracepoint:syscalls:sys_enter_write { @[comm] = avg(args->count); }"),
	("two-key map", "tracepoint:syscalls:sys_enter_read { @[pid, comm] = count(); }"),
	("if/else", "tracepoint:syscalls:sys_exit_read "
	 "{ if (args->ret < 0) { @err = count(); } else { @ok = count(); } }"),
]


def xlated(tool, prog, dumpdir, name):
	"""total xlated instructions of the programs tool loads for prog"""
	p = start_tool(tool, prog)
	if p is None:
		return None, []
	try:
		info = []
		for i in sorted(prog_ids(p.pid)):
			js = json.loads(subprocess.run(["bpftool", "prog", "show", "id", str(i), "--json"],
						       check=True, capture_output=True, text=True).stdout)
			info.append({"id": i, "name": js.get("name"), "insns": js["bytes_xlated"] // 8})
			dump = subprocess.run(["bpftool", "prog", "dump", "xlated", "id", str(i)],
					      capture_output=True, text=True).stdout
			with open(os.path.join(dumpdir, f"{name}.{tool}.{i}.txt"), "w") as f:
				f.write(f"; {prog}\n{dump}")
	finally:
		stop_tool(p)
	return sum(x["insns"] for x in info), info


def insn_counts():
	log("BPF instruction counts (bpftool prog show: xlated bytes / 8)")
	dumpdir = os.path.join(os.path.dirname(OUT), "xlated")
	os.makedirs(dumpdir, exist_ok=True)
	for f in os.listdir(dumpdir):
		os.unlink(os.path.join(dumpdir, f))
	extra["insns"] = {}
	for what, prog in ONE_LINERS:
		name = re.sub(r"[^a-z0-9]+", "_", what).strip("_")
		s, si = xlated("scry", prog, dumpdir, name)
		b, bi = xlated("bpftrace", prog, dumpdir, name)
		extra["insns"][what] = {"program": prog, "scry": si, "bpftrace": bi}
		row("insns", f"insns, {what}", s, b, "", 1)


# ---- 6. the limit: hand-written BPF C for the same jobs ---------------------------

HAND = [	# one-liner (as in ONE_LINERS), its object in bench/hand/, the load that fires it
	("count by comm", "count_by_comm", "getppid"),
	("sum of an arg", "sum_of_an_arg", "read"),
	("hist", "hist", "read"),
	("lhist", "lhist", "read"),
	("printf, 3 args", "printf_3_args", "openat"),
	("predicate on pid", "predicate_on_pid", "write"),
	("str(filename) key", "str_filename_key", "openat"),
	("avg", "avg", "write"),
	("two-key map", "two_key_map", "read"),
	("if/else", "if_else", "read"),
]


def prog_run_time(cmd, what, load, n):
	"""(run_time_ns, run_cnt) summed over the programs cmd loads, over one
	pinned load run of n events, from the kernel's statistics"""
	fd = bpf_stats_fd()
	if fd is None:
		return None
	try:
		p = start_cmd(cmd, what)
		if p is None:
			return None
		try:
			ids = prog_ids(p.pid)
			before = {}
			for i in ids:
				js = json.loads(subprocess.run(["bpftool", "prog", "show", "id", str(i), "--json"],
							       capture_output=True, text=True).stdout)
				before[i] = (js.get("run_time_ns", 0), js.get("run_cnt", 0))
			subprocess.run(["taskset", "-c", SPIN_CPU, SPIN, str(n), load], check=True,
				       capture_output=True)
			t = c = 0
			for i in ids:
				js = json.loads(subprocess.run(["bpftool", "prog", "show", "id", str(i), "--json"],
							       capture_output=True, text=True).stdout)
				t += js.get("run_time_ns", 0) - before[i][0]
				c += js.get("run_cnt", 0) - before[i][1]
		finally:
			stop_tool(p)
	finally:
		os.close(fd)
	return (t, c) if c else None


def hand_limit():
	n = int(os.environ.get("LIMIT_EVENTS", "300000"))
	rounds = int(os.environ.get("LIMIT_ROUNDS", "5"))
	log(f"the limit: scry, bpftrace and hand-written BPF C, bpf_stats over {n} events, "
	    f"{rounds} rounds")
	progs = dict(ONE_LINERS)
	loader = os.path.join(BENCH, "hand-loader")
	res = {}
	for _ in range(rounds):
		for what, obj, load in HAND:
			cmds = {"scry": [SCRY, "-e", progs[what]], "bpftrace": [BPFTRACE, "-e", progs[what]],
				"hand": [loader, os.path.join(BENCH, obj + ".bpf.o")]}
			for who, cmd in cmds.items():
				r = prog_run_time(cmd, f"{who}: {progs[what]}", load, n)
				if r:
					res.setdefault((what, who), []).append(r[0] / r[1])
	extra["limit_ns"] = {f"{w} {who}": v for (w, who), v in res.items()}
	for what, obj, load in HAND:
		s = median(res.get((what, "scry"), []))
		h = median(res.get((what, "hand"), []))
		b = median(res.get((what, "bpftrace"), []))
		sp = spread(res.get((what, "scry"), []))
		hp = spread(res.get((what, "hand"), []))
		# goal: scry within 1.2x of the hand-written program: hand/scry >= 1/1.2
		row("limit", f"BPF ns/run, {what}: scry | hand-written C in the bpftrace column "
		    f"(bpftrace {fmt(b, 'ns')})", s, h, "ns", 0.83, f"spread scry {sp}, hand {hp}")


# ---- output ----------------------------------------------------------------------

def fmt(v, unit):
	if v is None:
		return "n/a"
	if unit == "":
		return f"{v:.0f}"
	if unit == "ns" or unit == "ms" and v >= 100:
		return f"{v:.0f} {unit}" if v >= 10 else f"{v:.1f} {unit}"
	return f"{v:.1f} {unit}"


def table():
	head = ("measure", "scry", "bpftrace", "ratio", "goal", "met")
	lines = []
	for r in rows:
		ratio = "n/a" if r["ratio"] is None else f"{r['ratio']:.2f}x" if r["ratio"] < 10 \
			else f"{r['ratio']:.0f}x"
		goal = "" if r["goal"] is None else f">= {r['goal']:g}x"
		met = "" if r["met"] is None else ("met" if r["met"] else "NOT MET")
		what = r["what"] + (f" ({r['note']})" if r["note"] else "")
		lines.append((what, fmt(r["scry"], r["unit"]), fmt(r["bpftrace"], r["unit"]),
			      ratio, goal, met))
	w = [max(len(x[i]) for x in lines + [head]) for i in range(len(head))]
	out = ["| " + " | ".join(h.ljust(w[i]) for i, h in enumerate(head)) + " |",
	       "|" + "|".join("-" * (x + 2) for x in w) + "|"]
	for x in lines:
		out.append("| " + " | ".join(x[0].ljust(w[0]) if i == 0 else x[i].rjust(w[i])
					     for i in range(len(x))) + " |")
	return "\n".join(out)


def main():
	t = time.monotonic()
	sections = {"time": [wall_begin, first_event], "startup": [startup_phases],
		    "rss": [peak_rss], "overhead": [overhead], "insns": [insn_counts],
		    "bigmap": [big_maps], "limit": [hand_limit]}
	only = os.environ.get("ONLY", "").split()
	for name, fns in sections.items():
		if not only or name in only:
			for fn in fns:
				fn()
	uname = os.uname()
	meta = {"date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
		"machine": f"{uname.nodename} {uname.release} {uname.machine}, "
			   f"{os.cpu_count()} CPUs",
		"bpftrace": subprocess.run([BPFTRACE, "--version"], capture_output=True,
					   text=True).stdout.strip(),
		"seconds": round(time.monotonic() - t, 1)}
	print(f"scry vs {meta['bpftrace']}, {meta['date']}, {meta['machine']}")
	print("ratio = bpftrace / scry (higher is better for scry); goal: ratio >= goal")
	if extra.get("other_sys_enter_tracers"):
		print("warning: other tracers were on sys_enter during the overhead runs: "
		      + ", ".join(extra["other_sys_enter_tracers"]))
	print()
	print(table())
	if extra.get("startup_order"):
		print("\nscry's start-up and exit step by step (SCRY_PHASES=1; ms, median and spread "
		      f"of {len(extra['startup_phases_ms'][extra['startup_order'][0]])} runs):\n")
		print("| step | median | min | max |\n|---|---|---|---|")
		for k in extra["startup_order"]:
			v = extra["startup_phases_ms"][k]
			print(f"| {k} | {median(v):.3f} | {min(v):.3f} | {max(v):.3f} |")
	print(f"\n(took {meta['seconds']} s; JSON in {OUT})")
	with open(OUT, "w") as f:
		json.dump({"meta": meta, "rows": rows, "details": extra}, f, indent=1)


main()
