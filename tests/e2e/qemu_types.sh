#!/bin/sh
# Kernel struct pointers where this machine's kernel has no kprobes or
# fentry: under a stock Debian 6.1 kernel in qemu (scripts/qemu-kernel.sh),
# a kprobe casts its argument to 'struct file *' and a fentry probe follows
# its BTF-typed argument, both to the dentry name and inode size of the
# file dd reads 100 times.  Expensive (TCG): one boot for all of it.
. "$TOP/tests/lib.sh"

dd_cmd='dd if=/tmp/typesf of=/dev/null bs=1 count=100'
out=$(SCRY="$SCRY" O="${O:-$TOP/build}" sh "$TOP/scripts/qemu-kernel.sh" -t 80 sh -c "
	dd if=/dev/zero of=/tmp/typesf bs=100 count=1 2>/dev/null
	scry -e 'kprobe:vfs_read /comm == \"dd\"/ { \$f = (struct file *)arg0;
		@k[str(\$f->f_path.dentry->d_name.name)] = count(); @ksz = max(\$f->f_inode->i_size); }' \
		-c '$dd_cmd' 2>&1; echo rc=\$?
	scry -e 'fentry:vfs_read /comm == \"dd\"/ { @f[str(args.file->f_path.dentry->d_name.name)] = count();
		@fsz = max(args.file->f_inode->i_size); @ppid = max(curtask->real_parent->tgid > 0); }' \
		-c '$dd_cmd' 2>&1; echo rc=\$?
	echo left=\$(cat /sys/kernel/tracing/kprobe_events | grep -c scry)" 2> "$T_TMP/err")
rc=$?
if [ $rc -eq 125 ]; then
	skip "kernel struct pointers under Debian 6.1 in qemu" "$(tail -n 1 "$T_TMP/err")"
	exit 0
fi
has() { printf '%s\n' "$out" | grep -q "$1"; }
has '^@k\[typesf\]: 100$' && has '^@ksz: 100$' &&
	pass "kprobe: (struct file *)arg0 followed to the dentry name and inode size under 6.1" ||
	fail "kprobe: (struct file *)arg0 followed to the dentry name and inode size under 6.1" "$out"
has '^@f\[typesf\]: 100$' && has '^@fsz: 100$' && has '^@ppid: 1$' &&
	pass "fentry: args.file (struct file *, from BTF) followed by name under 6.1" ||
	fail "fentry: args.file (struct file *, from BTF) followed by name under 6.1" "$out"
expect_eq "both runs exit 0" "rc=0 rc=0" "$(printf '%s\n' "$out" | grep '^rc=' | tr '\n' ' ' | sed 's/ $//')"
expect_eq "no kprobe event left" "left=0" "$(printf '%s\n' "$out" | grep '^left=')"
