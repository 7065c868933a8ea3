#!/usr/bin/env python3
# The measuring half of bench/serve.sh (see there).  Talks to 127.0.0.1 only.
import os, re, subprocess, sys, threading, time, urllib.request

SCRY, TMP, LOAD_S, CONC = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
PROG = os.path.join(TMP, "bench.bt")
with open(PROG, "w") as f:
    f.write('tracepoint:syscalls:sys_enter_write /comm == "keyfix"/ { @keys[args->count, pid] = count(); }\n'
            'tracepoint:syscalls:sys_enter_getppid /comm == "servespin"/ { @calls[comm] = count(); }\n')

def start():
    log = open(os.path.join(TMP, "serve.log"), "w+")
    env = dict(os.environ, BPFTRACE_MAP_KEYS_MAX="120000")
    p = subprocess.Popen([SCRY, "serve", "--listen", "127.0.0.1:0", "--max-scrapes", str(CONC + 14), PROG],
                         stderr=log, env=env)
    for _ in range(200):
        log.seek(0)
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)/metrics", log.read())
        if m:
            return p, int(m.group(1))
        time.sleep(0.05)
    p.kill()
    sys.exit("scry serve did not start: " + open(log.name).read())

def scrape(port, timeout=10):
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=timeout) as r:
        if r.status != 200:
            raise RuntimeError("status %d" % r.status)
        return r.read()

def populate(keys):
    # keyfix N writes sizes 1..N (N <= 65536): one key per (size, pid)
    left = keys
    while left > 0:
        n = min(left, 50000)
        subprocess.run([os.path.join(TMP, "keyfix"), str(n)], check=True)
        left -= n

def rss_kb(pid):
    d = {}
    for l in open("/proc/%d/status" % pid):
        k, _, v = l.partition(":")
        if k in ("VmRSS", "VmHWM"):
            d[k] = int(v.split()[0])
    return d

def bpf_getppid(port):
    body = scrape(port).decode()
    t = c = 0
    for l in body.splitlines():
        if 'probe="tracepoint:syscalls:sys_enter_getppid"' in l:
            v = float(l.rsplit(" ", 1)[1])
            if l.startswith("scry_serve_bpf_run_time_seconds_total"):
                t = v
            elif l.startswith("scry_serve_bpf_run_count_total"):
                c = v
    return t, c

def spin(n=2000000):
    out = subprocess.run([os.path.join(TMP, "servespin"), str(n)], check=True, capture_output=True,
                         text=True).stdout.split()
    return int(out[0]) / n, int(out[1]) / n	# wall ns, cpu ns per call

def pct(v, q):
    v = sorted(v)
    return v[min(len(v) - 1, int(q * len(v)))]

# ---- 1. latency by map size
print("scrape latency, sequential, %s" % time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))
print("%8s %10s %10s %10s %10s" % ("keys", "median ms", "p90 ms", "MB", "series"))
for keys in (1000, 10000, 100000):
    p, port = start()
    try:
        populate(keys)
        body = scrape(port)
        series = sum(1 for l in body.splitlines() if l.startswith(b"scry_bench_keys_total{"))
        lat = []
        for _ in range(30 if keys < 100000 else 15):
            t = time.monotonic()
            scrape(port, 60)
            lat.append((time.monotonic() - t) * 1e3)
        print("%8d %10.2f %10.2f %10.2f %10d" % (keys, pct(lat, 0.5), pct(lat, 0.9), len(body) / 1e6, series))
    finally:
        p.terminate()
        p.wait()

# ---- 2. load test at 10k keys
p, port = start()
try:
    populate(10000)
    scrape(port)
    rss0 = rss_kb(p.pid)
    # idle: the workload alone (scry serving, nobody scraping)
    t0, c0 = bpf_getppid(port)
    idle = [spin() for _ in range(3)]
    t1, c1 = bpf_getppid(port)
    idle_bpf = (t1 - t0) / max(c1 - c0, 1) * 1e9

    fails, lat, rss_max = [0], [], [0]
    lock = threading.Lock()
    stop = time.monotonic() + LOAD_S

    def one():
        t = time.monotonic()
        try:
            b = scrape(port)
            ok = b"scry_serve_scrapes_total" in b
        except Exception:
            ok = False
        with lock:
            lat.append((time.monotonic() - t) * 1e3)
            if not ok:
                fails[0] += 1

    def loader():
        tick = time.monotonic()
        while tick < stop:
            ts = [threading.Thread(target=one) for _ in range(CONC)]
            for t in ts:
                t.start()
            for t in ts:
                t.join()
            rss_max[0] = max(rss_max[0], rss_kb(p.pid)["VmRSS"])
            tick += 1
            time.sleep(max(0, tick - time.monotonic()))

    lt = threading.Thread(target=loader)
    t0, c0 = bpf_getppid(port)
    lt.start()
    loaded = []
    while time.monotonic() < stop - 2:
        loaded.append(spin())
    lt.join()
    t1, c1 = bpf_getppid(port)
    load_bpf = (t1 - t0) / max(c1 - c0, 1) * 1e9
    rss1 = rss_kb(p.pid)
finally:
    p.terminate()
    p.wait()

n = len(lat)
print()
print("load test: %d concurrent scrapes every second for %d s, 10,000 keys" % (CONC, LOAD_S))
print("scrapes %d, failed %d, latency median %.1f ms, p99 %.1f ms, max %.1f ms"
      % (n, fails[0], pct(lat, 0.5), pct(lat, 0.99), max(lat)))
print("scry RSS: %.1f MB before, %.1f MB highest sampled during, %.1f MB after, peak (VmHWM) %.1f MB"
      % (rss0["VmRSS"] / 1024, rss_max[0] / 1024, rss1["VmRSS"] / 1024, rss1["VmHWM"] / 1024))
iw = min(x[0] for x in idle); ic = min(x[1] for x in idle)
lw = min(x[0] for x in loaded); lc = min(x[1] for x in loaded)
print("cost per event, getppid() probe (bpf_stats run_time/run_cnt): idle %.1f ns, under load %.1f ns, ratio %.3f"
      % (idle_bpf, load_bpf, load_bpf / idle_bpf))
print("workload ns per getppid() call (best of runs): idle wall %.1f cpu %.1f; under load wall %.1f cpu %.1f;"
      " cpu ratio %.3f" % (iw, ic, lw, lc, lc / ic))
