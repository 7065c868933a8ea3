#!/bin/sh
# A PNG of scry profile's SVG flame graph, rendered by headless Chromium:
# profiles the prof_chain fixture (with a getppid() phase, so that kernel
# frames show) and a few seconds of the whole system, then screenshots the
# SVG.  Not part of the test suite (needs chromium).  Needs root.
#
#   sh bench/flamegraph-shot.sh [OUT.png]     (default build/flamegraph.png)
set -eu
cd "$(dirname "$0")/.."
O=${O:-build}
PNG=${1:-$O/flamegraph.png}
command -v chromium >/dev/null || { echo "needs chromium (apt-get install chromium)" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
"$O/fixtures/prof_chain" 3 syscalls &
"$O/fixtures/prof_chain" 3 &
"$O/scry" profile -a -d 2 -o "$TMP/profile.svg"
wait
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	--disable-background-networking --disable-component-update --disable-sync \
	--user-data-dir="$TMP/chrome" --screenshot="$PNG" --window-size=1200,600 \
	"file://$TMP/profile.svg" 2>"$TMP/chrome.log" || { cat "$TMP/chrome.log" >&2; exit 1; }
cp "$TMP/profile.svg" "${PNG%.png}.svg"
echo "wrote $PNG (and ${PNG%.png}.svg)"
