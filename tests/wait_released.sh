# wait_released: scry hands the unregistering of perf-event probes (tens of
# ms of kernel waiting) to a child named scry-release that outlives it by a
# fraction of a second; this waits (at most 5 s) for every such child before
# one takes stock of what is loaded.  Sourced by tests/run.sh and tests/lib.sh.
wait_released() {
	_i=0
	while ps -C scry-release -o stat= 2>/dev/null | grep -qv '^Z' && [ $_i -lt 100 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
}
