#!/bin/sh
# Run one command under a stock Debian 6.1 kernel in qemu (TCG), to exercise
# the paths this machine's kernel lacks (kprobes, the function tracer, hist
# triggers):
#
#   scripts/qemu-kernel.sh [-t SECONDS] CMD [ARGS...]
#
# CMD runs as root in a busybox initramfs that also holds the scry binary
# ($SCRY, default build/scry, at /bin/scry inside) and the shared libraries
# it needs.  Its output is printed, and the script exits with its status.
# Exit 125 when the VM cannot be had (no qemu, no busybox-static, kernel
# package not downloadable, timeout), with the reason on stderr.
#
# The kernel (apt-get download of the package linux-image-amd64 depends on,
# or $QEMU_KERNEL_PKG) and the busybox+libraries part of the initramfs are
# cached in $O/qemu (O defaults to build).
set -eu

timeout_s=60
if [ "${1:-}" = -t ]; then
	timeout_s=$2
	shift 2
fi
[ $# -gt 0 ] || { echo "usage: $0 [-t SECONDS] CMD [ARGS...]" >&2; exit 2; }

O=${O:-build}
SCRY=${SCRY:-$O/scry}
cache="$O/qemu"
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

unavailable() {
	echo "qemu-kernel: $*" >&2
	exit 125
}

command -v qemu-system-x86_64 >/dev/null 2>&1 ||
	unavailable "no qemu-system-x86_64 (apt-get install qemu-system-x86)"
bb=$(command -v busybox 2>/dev/null) || unavailable "no busybox (apt-get install busybox-static)"
ldd "$bb" >/dev/null 2>&1 && unavailable "'$bb' is not static (apt-get install busybox-static)"
[ -x "$SCRY" ] || unavailable "no scry binary at '$SCRY' (make first)"

# ---- the kernel ----
kernel="$cache/vmlinuz"
if [ ! -s "$kernel" ]; then
	pkg=${QEMU_KERNEL_PKG:-$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-6\.1\.[^ ]*-amd64\)$/\1/p' | head -1)}
	[ -n "$pkg" ] || unavailable "cannot find a linux-image-6.1.*-amd64 package (apt-get update?)"
	rm -rf "$cache/dl" && mkdir -p "$cache/dl"
	(cd "$cache/dl" && apt-get download "$pkg" >/dev/null 2>&1) ||
		unavailable "apt-get download $pkg failed"
	deb=$(ls "$cache/dl"/*.deb | head -1)
	(cd "$cache/dl" && dpkg-deb --fsys-tarfile "$deb" | tar -x --wildcards './boot/vmlinuz-*') ||
		unavailable "no vmlinuz in $deb"
	mv "$cache/dl"/boot/vmlinuz-* "$kernel.tmp" && mv "$kernel.tmp" "$kernel"
	echo "$pkg" > "$cache/kernel-package"
	rm -rf "$cache/dl"
fi

# ---- the initramfs: a cached base (busybox, libraries, /init), plus scry and the command ----
base="$cache/base.cpio"
stamp="$cache/base.libs"
# scry's libraries, and libtracecmd, which scry report opens with dlopen() (src/cli/tracecmd_dl.c)
tcmd=$(ldconfig -p | sed -n 's/^[[:space:]]*libtracecmd\.so\.1 .*=> //p' | head -n 1)
libs=$({ ldd "$SCRY"; [ -z "$tcmd" ] || { echo " $tcmd (0)"; ldd "$tcmd"; }; } | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p' | sort -u)
if [ ! -s "$base" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$libs" ]; then
	root="$cache/root"
	rm -rf "$root"
	mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/tmp"
	cp "$bb" "$root/bin/busybox"
	for l in $libs; do
		mkdir -p "$root$(dirname "$l")"
		cp -L "$l" "$root$l"
	done
	cat > "$root/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
echo 1 > /proc/sys/kernel/printk 2>/dev/null
cd /tmp
echo "@@scry-qemu-begin@@"
sh /cmd > /tmp/out 2>&1
rc=$?
cat /tmp/out
echo "@@scry-qemu-end rc=$rc@@"
poweroff -f
EOF
	chmod +x "$root/init"
	(cd "$root" && find . | busybox cpio -o -H newc 2>/dev/null) > "$base.tmp"
	mv "$base.tmp" "$base"
	printf '%s\n' "$libs" > "$stamp"
	rm -rf "$root"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/scry-qemu.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/root/bin"
cp "$SCRY" "$work/root/bin/scry"
{
	for a in "$@"; do
		printf "'%s' " "$(printf '%s' "$a" | sed "s/'/'\\\\''/g")"
	done
	echo
} > "$work/root/cmd"
(cd "$work/root" && find . | busybox cpio -o -H newc 2>/dev/null) > "$work/top.cpio"
cat "$base" "$work/top.cpio" > "$work/initramfs.cpio"

# KVM is present on these machines but hangs: TCG only.
timeout "$timeout_s" qemu-system-x86_64 -accel tcg -m 512 -smp 1 -cpu max \
	-kernel "$kernel" -initrd "$work/initramfs.cpio" \
	-append "console=ttyS0 quiet loglevel=1 panic=-1 rdinit=/init" \
	-display none -serial "file:$work/console" -monitor none -no-reboot \
	> "$work/qemu.log" 2>&1 || true

out=$(tr -d '\r' < "$work/console" 2>/dev/null || true)
case "$out" in
*"@@scry-qemu-end rc="*) ;;
*)
	tail -n 20 "$work/console" "$work/qemu.log" >&2 2>/dev/null || true
	unavailable "the VM did not finish within ${timeout_s}s"
	;;
esac
printf '%s\n' "$out" | sed -n '/^@@scry-qemu-begin@@$/,/^@@scry-qemu-end rc=/p' | sed '1d;$d'
rc=$(printf '%s\n' "$out" | sed -n 's/^@@scry-qemu-end rc=\([0-9]*\)@@$/\1/p')
exit "${rc:-125}"
