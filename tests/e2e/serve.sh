#!/bin/sh
# scry serve against the live kernel and a real Prometheus (Debian's): a
# program counts the sysfix fixture's getppid() calls and histograms its
# write() sizes; Prometheus scrapes scry on 127.0.0.1 and its HTTP API must
# give back the exact count and the expected histogram_quantile; promtool
# accepts scry's output; bad requests get a 400; SIGTERM and SIGKILL leave
# nothing attached.  Prometheus 2.42 asks for OpenMetrics first (its Accept
# header), so it parses scry's OpenMetrics; promtool checks the text format.
# Network: 127.0.0.1 only.
. "$TOP/tests/lib.sh"
need_root serve

F="$FIXTURES/sysfix"
if [ ! -x "$F" ]; then
	fail "fixture" "$F was not built"
	exit 0
fi
# A copy under a name of its own: other runs of sysfix (other tests, other users) do not count.
cp "$F" "$T_TMP/servefix"
F=$T_TMP/servefix
for t in python3 curl bpftool; do
	if ! command -v $t >/dev/null; then
		skip "all" "needs $t"
		exit 0
	fi
done

PROM_PID= SERVE_PID=
cleanup() {
	[ -n "$SERVE_PID" ] && kill -TERM "$SERVE_PID" 2>/dev/null && wait "$SERVE_PID" 2>/dev/null
	[ -n "$PROM_PID" ] && kill -TERM "$PROM_PID" 2>/dev/null && wait "$PROM_PID" 2>/dev/null
	rm -rf "$T_TMP"
}
trap cleanup EXIT

# start_serve LOG ARGS...: starts scry serve on a free port; sets SERVE_PID and PORT
start_serve() {
	log=$1
	shift
	"$SCRY" serve --listen 127.0.0.1:0 "$@" 2>"$log" &
	SERVE_PID=$!
	PORT=
	for _ in $(seq 100); do
		PORT=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/metrics|\1|p' "$log")
		[ -n "$PORT" ] && return 0
		kill -0 "$SERVE_PID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# raw REQUEST-BYTES: the status line scry answers to exactly these bytes
raw() {
	python3 - "$PORT" "$1" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(sys.argv[2].encode().decode("unicode_escape").encode("latin-1"))
data = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    data += b
print(data.split(b"\r\n", 1)[0].decode())
PY
}

cat > "$T_TMP/e2e.bt" <<'EOF'
BEGIN { @esc["a\"b\\c"] = 7; printf("e2e begins, pid %d\n", 1); }
// metric: sysfix_getppid_calls_total counter "getppid() calls of the sysfix fixture"
tracepoint:syscalls:sys_enter_getppid /comm == "servefix"/ { @calls = count(); }
tracepoint:syscalls:sys_enter_write /comm == "servefix"/ {
	@wsize = hist(args->count);
	// metric: sysfix_writes counter "writes by process" comm,pid
	@w[comm, pid] = count();
	@by[comm, pid] = count();
}
EOF

# --- bad command lines and scripts: one error, status 1, nothing attached
"$SCRY" serve --help | grep -q '^usage: scry serve' && pass "--help" || fail "--help"
"$SCRY" serve >/dev/null 2>&1
expect_eq "no program: status 1" 1 $?
"$SCRY" serve --listen nonsense "$T_TMP/e2e.bt" >/dev/null 2>&1
expect_eq "bad --listen: status 1" 1 $?
printf '// metric: 9bad counter "x"\nBEGIN { @x = count(); }\n' > "$T_TMP/bad.bt"
out=$("$SCRY" serve --listen 127.0.0.1:0 "$T_TMP/bad.bt" 2>&1)
st=$?
expect_eq "bad metric comment: status 1 and the place" "1 $T_TMP/bad.bt:1:" \
	"$st $(printf '%s' "$out" | grep -o "^scry: error: $T_TMP/bad.bt:1:" | sed 's/^scry: error: //')"
printf '// metric: m histogram "x"\nBEGIN { @x = count(); }\n' > "$T_TMP/bad2.bt"
"$SCRY" serve --listen 127.0.0.1:0 "$T_TMP/bad2.bt" >/dev/null 2>&1
expect_eq "a histogram comment over count(): status 1" 1 $?

# --- scry serve and Prometheus
if ! start_serve "$T_TMP/serve.log" "$T_TMP/e2e.bt"; then
	fail "scry serve starts" "$(cat "$T_TMP/serve.log")"
	exit 0
fi
pass "scry serve listens on 127.0.0.1:$PORT"
if grep -q '^e2e begins, pid 1$' "$T_TMP/serve.log"; then
	pass "printf output goes to the log"
else
	fail "printf output goes to the log" "$(cat "$T_TMP/serve.log")"
fi

PPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$T_TMP/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: scry
    static_configs:
      - targets: ['127.0.0.1:$PORT']
EOF
have_prom=false
if command -v prometheus >/dev/null && command -v promtool >/dev/null; then
	have_prom=true
	prometheus --config.file="$T_TMP/prometheus.yml" --storage.tsdb.path="$T_TMP/tsdb" \
		--web.listen-address="127.0.0.1:$PPORT" >"$T_TMP/prom.log" 2>&1 &
	PROM_PID=$!
else
	skip "prometheus" "the prometheus package is not installed (scripts/setup.sh)"
fi

"$F" 100 &
fix=$!
wait $fix

# query EXPR: the value Prometheus gives for the instant query EXPR (or "")
query() {
	python3 - "$PPORT" "$1" <<'PY'
import json, sys, urllib.parse, urllib.request
url = "http://127.0.0.1:%s/api/v1/query?%s" % (sys.argv[1], urllib.parse.urlencode({"query": sys.argv[2]}))
try:
    r = json.load(urllib.request.urlopen(url, timeout=5))
    print(r["data"]["result"][0]["value"][1])
except Exception:
    print("")
PY
}

curl -s "http://127.0.0.1:$PORT/metrics" > "$T_TMP/metrics.txt"
expect_eq "counter from the metric comment" "sysfix_getppid_calls_total 50" \
	"$(grep '^sysfix_getppid_calls_total' "$T_TMP/metrics.txt")"
expect_eq "keys as labels" "scry_e2e_by_total{key0=\"servefix\",key1=\"$fix\"} 100" \
	"$(grep '^scry_e2e_by_total' "$T_TMP/metrics.txt")"
expect_eq "label names from the comment" "sysfix_writes_total{comm=\"servefix\",pid=\"$fix\"} 100" \
	"$(grep '^sysfix_writes_total' "$T_TMP/metrics.txt")"
expect_eq "label values escaped" 'scry_e2e_esc{key0="a\"b\\c"} 7' \
	"$(grep '^scry_e2e_esc' "$T_TMP/metrics.txt")"
expect_eq "histogram buckets (sizes 1..100)" 'scry_e2e_wsize_bucket{le="1"} 1
scry_e2e_wsize_bucket{le="3"} 3
scry_e2e_wsize_bucket{le="7"} 7
scry_e2e_wsize_bucket{le="15"} 15
scry_e2e_wsize_bucket{le="31"} 31
scry_e2e_wsize_bucket{le="63"} 63
scry_e2e_wsize_bucket{le="127"} 100
scry_e2e_wsize_bucket{le="+Inf"} 100
scry_e2e_wsize_sum 5050
scry_e2e_wsize_count 100' "$(grep '^scry_e2e_wsize' "$T_TMP/metrics.txt")"
if grep -q '^scry_serve_bpf_run_count_total{program="e2e",probe="tracepoint:syscalls:sys_enter_getppid"} [1-9]' \
	"$T_TMP/metrics.txt"; then
	pass "bpf_stats run count per probe"
else
	fail "bpf_stats run count per probe" "$(grep scry_serve_bpf "$T_TMP/metrics.txt")"
fi
om=$(curl -s -H 'Accept: application/openmetrics-text; version=1.0.0,text/plain;q=0.5' \
	"http://127.0.0.1:$PORT/metrics")
expect_eq "OpenMetrics when asked: counter family without _total, # EOF at the end" \
	"# TYPE sysfix_getppid_calls counter|# EOF" \
	"$(printf '%s\n' "$om" | grep '^# TYPE sysfix_getppid_calls ')|$(printf '%s\n' "$om" | tail -n 1)"

if $have_prom; then
	if promtool check metrics < "$T_TMP/metrics.txt" > "$T_TMP/promtool.out" 2>&1; then
		pass "promtool check metrics accepts scry's output"
	else
		fail "promtool check metrics accepts scry's output" "$(cat "$T_TMP/promtool.out")"
	fi
	v=
	for _ in $(seq 60); do
		v=$(query 'sysfix_getppid_calls_total')
		[ "$v" = 50 ] && break
		sleep 0.5
	done
	expect_eq "Prometheus: the counter is the exact number of getppid() calls" 50 "$v"
	for _ in $(seq 20); do
		q=$(query 'histogram_quantile(1, scry_e2e_wsize_bucket)')
		[ -n "$q" ] && break
		sleep 0.5
	done
	expect_eq "Prometheus: histogram_quantile(1) is the top bucket's bound" 127 "$q"
	expect_eq "Prometheus: histogram_quantile(0.5) between 31 and 63" 50 \
		"$(query 'histogram_quantile(0.5, scry_e2e_wsize_bucket)')"
	expect_eq "Prometheus: the target is up" 1 "$(query 'up{job="scry"}')"
	expect_eq "Prometheus: _sum / _count is the mean write size" 50.5 \
		"$(query 'scry_e2e_wsize_sum / scry_e2e_wsize_count')"
fi

# --- HTTP: bad requests get a clean 400 (and are logged), other paths
expect_eq "garbage: 400" "HTTP/1.1 400 Bad Request" "$(raw 'GARBAGE\r\n\r\n')"
expect_eq "a request body: 400" "HTTP/1.1 400 Bad Request" \
	"$(raw 'GET /metrics HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello')"
expect_eq "HTTP/2 preface: 400" "HTTP/1.1 400 Bad Request" "$(raw 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n')"
expect_eq "POST: 405" "HTTP/1.1 405 Method Not Allowed" "$(raw 'POST /metrics HTTP/1.1\r\n\r\n')"
expect_eq "a 9 KiB header: 431" "HTTP/1.1 431 Request Header Fields Too Large" \
	"$(raw "GET / HTTP/1.1\\r\\nX: $(head -c 9000 /dev/zero | tr '\0' a)\\r\\n\\r\\n")"
expect_eq "/healthz" "ok" "$(curl -s "http://127.0.0.1:$PORT/healthz")"
expect_eq "unknown path: 404" 404 "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/x")"
if curl -s "http://127.0.0.1:$PORT/" | grep -q '<code>tracepoint:syscalls:sys_enter_getppid</code>'; then
	pass "/ lists the probes"
else
	fail "/ lists the probes"
fi
if grep -q '^scry: warning: http: bad request from 127.0.0.1:[0-9]*: ' "$T_TMP/serve.log"; then
	pass "bad requests are logged"
else
	fail "bad requests are logged" "$(cat "$T_TMP/serve.log")"
fi
expect_eq "bad requests counted" "scry_serve_http_bad_requests_total 5" \
	"$(curl -s "http://127.0.0.1:$PORT/metrics" | grep '^scry_serve_http_bad_requests_total')"

# --- persistent connections: pipelined requests answered in order on one
# connection, which stays open until "Connection: close" (HTTP/1.0: unless
# asked to stay)
ka=$(python3 - "$PORT" <<'PY'
import socket, sys
def exchange(req):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
    s.sendall(req)
    data = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        data += b
    return data
one = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
last = b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
d = exchange(one + one + last)
print(d.count(b"HTTP/1.1 200 OK"), d.count(b"Connection: keep-alive"), d.count(b"Connection: close"),
      d.endswith(b"\r\n\r\nok\n"))
d = exchange(b"GET /healthz HTTP/1.0\r\n\r\n" + one)
print(d.count(b"HTTP/1.1 200 OK"), d.count(b"Connection: close"))
PY
)
expect_eq "keep-alive: 3 pipelined requests, 2 kept, the last closes; HTTP/1.0 closes after one" \
	"3 2 1 True
1 1" "$ka"
s=$(python3 - "$PORT" <<'PY'
import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=5)
got = []
for path in ("/metrics", "/healthz", "/metrics"):
    c.request("GET", path)
    r = c.getresponse()
    body = r.read()
    got.append("%d:%s" % (r.status, "scry_serve_scrapes_total" in body.decode() if path == "/metrics" else body.decode().strip()))
print(" ".join(got), c.sock is not None)
PY
)
expect_eq "keep-alive: three requests on one http.client connection" "200:True 200:ok 200:True True" "$s"

# --- SIGTERM detaches everything; SIGKILL then a new start leaves nothing of the first run
# prog_ids PID: the ids of the BPF programs whose fds PID holds (from /proc/PID/fdinfo)
prog_ids() {
	grep -h '^prog_id:' /proc/"$1"/fdinfo/* 2>/dev/null | awk '{ print $2 }' | sort -un | tr '\n' ' '
}
# loaded IDS...: how many of these program ids the kernel still has
loaded() {
	n=0
	for id in "$@"; do
		bpftool prog show id "$id" >/dev/null 2>&1 && n=$((n + 1))
	done
	echo $n
}
# still_loaded IDS...: how many of these programs the kernel holds after up
# to 5 s (it frees a dead process's programs, and those detached from busy
# tracepoints, after an RCU grace period)
still_loaded() {
	left=0
	for _ in $(seq 50); do
		left=$(loaded "$@")
		[ "$left" = 0 ] && break
		sleep 0.1
	done
	echo "$left"
}
first_ids=$(prog_ids "$SERVE_PID")
expect_eq "the first run holds its 3 programs (BEGIN and two tracepoints)" 3 "$(loaded $first_ids)"
kill -TERM "$SERVE_PID"
wait "$SERVE_PID"
expect_eq "SIGTERM: exit status 0" 0 $?
SERVE_PID=
expect_eq "SIGTERM: none of its programs stays loaded" 0 "$(loaded $first_ids)"

start_serve "$T_TMP/serve2.log" "$T_TMP/e2e.bt" || fail "second start" "$(cat "$T_TMP/serve2.log")"
second_ids=$(prog_ids "$SERVE_PID")
expect_eq "the second run holds 3 programs" 3 "$(loaded $second_ids)"
kill -KILL "$SERVE_PID"
wait "$SERVE_PID" 2>/dev/null
SERVE_PID=
start_serve "$T_TMP/serve3.log" "$T_TMP/e2e.bt" || fail "start after SIGKILL" "$(cat "$T_TMP/serve3.log")"
expect_eq "SIGKILL, then a new start: nothing of the killed run is loaded" 0 \
	"$(still_loaded $second_ids)"
expect_eq "the new run holds its own 3 programs" 3 "$(loaded $(prog_ids "$SERVE_PID"))"
"$F" 10
m=$(curl -s "http://127.0.0.1:$PORT/metrics")
expect_eq "the new run counts from zero" "sysfix_getppid_calls_total 5" \
	"$(printf '%s\n' "$m" | grep '^sysfix_getppid_calls_total')"
kill -TERM "$SERVE_PID"
wait "$SERVE_PID"
SERVE_PID=

# --- --max-scrapes: a connection beyond it gets 503; --interval: a scrape's answer is reused
if start_serve "$T_TMP/interval.log" --interval 60 "$T_TMP/e2e.bt"; then
	"$F" 10
	a=$(curl -s "http://127.0.0.1:$PORT/metrics" | grep '^sysfix_getppid_calls_total')
	expect_eq "--interval 60: the first scrape reads the map" "sysfix_getppid_calls_total 5" "$a"
	"$F" 20
	b=$(curl -s "http://127.0.0.1:$PORT/metrics" | grep '^sysfix_getppid_calls_total')
	expect_eq "--interval 60: the second scrape is the first's answer" "$a" "$b"
	kill -TERM "$SERVE_PID"
	wait "$SERVE_PID"
	SERVE_PID=
else
	fail "start with --interval 60" "$(cat "$T_TMP/interval.log")"
fi
if start_serve "$T_TMP/limits.log" --max-scrapes 1 "$T_TMP/e2e.bt"; then
	got=$(python3 - "$PORT" <<'PY'
import socket, sys, time, urllib.request, urllib.error
hold = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)	# takes the one slot
time.sleep(0.2)
try:
    urllib.request.urlopen("http://127.0.0.1:%s/healthz" % sys.argv[1], timeout=5)
    print("200")
except urllib.error.HTTPError as e:
    print(e.code)
hold.close()
PY
)
	expect_eq "--max-scrapes 1: a second connection gets 503" 503 "$got"
	sleep 0.3
	expect_eq "... and is counted" "scry_serve_http_rejected_total 1" \
		"$(curl -s "http://127.0.0.1:$PORT/metrics" | grep '^scry_serve_http_rejected_total')"
	kill -TERM "$SERVE_PID"
	wait "$SERVE_PID"
	SERVE_PID=
else
	fail "start with --max-scrapes 1" "$(cat "$T_TMP/limits.log")"
fi

# --- positional parameters: the arguments after a program, up to the next .bt, are its $1, $2
printf 'BEGIN { @param = $1 + $2; }\n' > "$T_TMP/params.bt"
printf 'BEGIN { @q = $1; @s[str($2)] = 1; }\n' > "$T_TMP/params2.bt"
if start_serve "$T_TMP/params.log" "$T_TMP/params.bt" 40 2 "$T_TMP/params2.bt" 7 x; then
	m=$(curl -s "http://127.0.0.1:$PORT/metrics")
	expect_eq "positional parameters of each program" 'scry_params_param 42
scry_params2_q 7
scry_params2_s{key0="x"} 1' "$(printf '%s\n' "$m" | grep '^scry_params')"
	kill -TERM "$SERVE_PID"
	wait "$SERVE_PID"
	SERVE_PID=
else
	fail "start with positional parameters" "$(cat "$T_TMP/params.log")"
fi

# --- the ready programs of tools/serve and the systemd unit
if start_serve "$T_TMP/tools.log" "$TOP"/tools/serve/*.bt; then
	dd if=/dev/zero of="$T_TMP/dd" bs=64k count=16 oflag=direct 2>/dev/null
	sleep 0.3
	curl -s "http://127.0.0.1:$PORT/metrics" > "$T_TMP/tools.txt"
	for m in scry_syscalls_total scry_runq_latency_usecs_bucket scry_page_faults_user_total; do
		if grep -q "^$m{" "$T_TMP/tools.txt"; then pass "tools/serve: $m"; else fail "tools/serve: $m"; fi
	done
	if grep -q '^scry_serve_programs_loaded 5$' "$T_TMP/tools.txt"; then
		pass "tools/serve: the 5 programs run together"
	else
		fail "tools/serve: the 5 programs run together" "$(cat "$T_TMP/tools.log")"
	fi
	if grep -q 'qtime\|@start' "$T_TMP/tools.txt"; then
		fail "tools/serve: '// metric: none' maps are not exported"
	else
		pass "tools/serve: '// metric: none' maps are not exported"
	fi
	if $have_prom; then
		if promtool check metrics < "$T_TMP/tools.txt" > "$T_TMP/promtool2.out" 2>&1; then
			pass "tools/serve: promtool check metrics"
		else
			fail "tools/serve: promtool check metrics" "$(cat "$T_TMP/promtool2.out")"
		fi
	fi
else
	fail "tools/serve/*.bt start" "$(cat "$T_TMP/tools.log")"
fi
# The kernel frees programs detached from busy tracepoints (sched_switch)
# after an RCU grace period: wait for that, so the runner's residue check
# sees the state after scry, not during its teardown.
tools_ids=$(prog_ids "$SERVE_PID")
kill -TERM "$SERVE_PID"
wait "$SERVE_PID"
expect_eq "tools/serve: SIGTERM, exit status 0" 0 $?
SERVE_PID=
expect_eq "tools/serve: SIGTERM, all $(echo $tools_ids | wc -w) programs unloaded" 0 \
	"$(still_loaded $tools_ids)"
# The packaged unit: systemd-analyze verify accepts it (and rejects a broken
# copy, so that the check can fail); where systemd runs the system, a copy
# pointing at this build serves a program, and stopping it detaches it.
UNIT=$TOP/dist/scry-serve.service
if command -v systemd-analyze >/dev/null; then
	if systemd-analyze verify "$UNIT" > "$T_TMP/sd.out" 2>&1; then
		pass "dist/scry-serve.service: systemd-analyze verify"
	else
		fail "dist/scry-serve.service: systemd-analyze verify" "$(cat "$T_TMP/sd.out")"
	fi
	sed 's|^ExecStart=/bin/sh|ExecStart=bin/sh|; s|^KillSignal=SIGTERM|KillSignal=SIGNOPE|' "$UNIT" \
		> "$T_TMP/scry-serve-broken.service"
	if systemd-analyze verify "$T_TMP/scry-serve-broken.service" > "$T_TMP/sd2.out" 2>&1; then
		fail "systemd-analyze verify rejects a broken copy of the unit" "$(cat "$T_TMP/sd2.out")"
	else
		pass "systemd-analyze verify rejects a broken copy of the unit"
	fi
else
	skip "dist/scry-serve.service: systemd-analyze verify" "systemd-analyze is not installed"
fi
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
	name=scry-serve-e2e-$$
	mkdir -p "$T_TMP/units"
	cp "$T_TMP/e2e.bt" "$T_TMP/units/e2e.bt"
	SPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	sed "s|/usr/local/bin/scry|$(readlink -f "$SCRY")|; s|/usr/local/share/scry/serve|$T_TMP/units|;
	     s|^Environment=SCRY_SERVE_LISTEN=.*|Environment=SCRY_SERVE_LISTEN=127.0.0.1:$SPORT|;
	     s|^ProtectHome=.*|ProtectHome=no|; s|^PrivateTmp=.*|PrivateTmp=no|" "$UNIT" \
		> "/run/systemd/system/$name.service"
	systemctl daemon-reload
	systemctl start "$name"
	got=
	for _ in $(seq 50); do
		got=$(curl -s "http://127.0.0.1:$SPORT/healthz")
		[ "$got" = ok ] && break
		sleep 0.1
	done
	expect_eq "systemd: the unit starts scry serve, which answers" ok "$got"
	unit_pid=$(systemctl show -p MainPID --value "$name")
	unit_ids=$(prog_ids "$unit_pid")
	systemctl stop "$name"
	expect_eq "systemd: systemctl stop detaches its programs" 0 "$(still_loaded $unit_ids)"
	rm -f "/run/systemd/system/$name.service"
	systemctl daemon-reload
else
	skip "systemd: the unit starts and stops scry serve" \
		"systemd does not run this system (PID 1 is '$(cat /proc/1/comm)')"
fi
