#!/bin/sh
# Installs the Debian packages scry needs to build and test.  Idempotent:
# when everything is there it only checks, quietly, in well under a second;
# otherwise it runs 'apt-get update' once and installs what is missing.
set -eu

PACKAGES="
make gcc libc6-dev pkg-config
libbpf-dev libelf-dev zlib1g-dev
clang libclang-rt-14-dev
systemtap-sdt-dev
bpftool
qemu-system-x86 busybox-static
python3
libdw-dev libtraceevent-dev libtracefs-dev libtracecmd-dev
bpftrace trace-cmd strace linux-perf
prometheus
nodejs
man-db groff-base bash-completion
time hyperfine
"

missing=
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "setup: missing packages:$missing (run this script as root to install them)" >&2
	exit 1
fi
echo "setup: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
