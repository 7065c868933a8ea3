#!/bin/sh
# iter:task, iter:task_file, iter:task_vma (BPF iterators, ctx typed from
# the kernel's BTF) on the iter_fix fixture (3 threads besides main, fds 3
# and 4 on /dev/null), -p filtering, and iter:task:PIN: the pinned
# iterator runs on every read of the pin and is removed when scry ends.
. "$TOP/tests/lib.sh"
need_root iter
F="$FIXTURES/iter_fix"
if [ ! -x "$F" ]; then
	fail "fixture" "$F was not built"
	exit 0
fi
if ! "$SCRY" -e 'iter:task { }' > /dev/null 2>&1; then
	skip "all" "this kernel has no BPF task iterator"
	exit 0
fi

rm -f "$T_TMP/fifo"
mkfifo "$T_TMP/fifo"
"$F" 3 2 < "$T_TMP/fifo" > "$T_TMP/ready" &
FPID=$!
exec 7> "$T_TMP/fifo"
i=0
while ! grep -q ready "$T_TMP/ready" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.02; i=$((i + 1)); done

got=$("$SCRY" -p $FPID -e 'iter:task { printf("%s %d\n", ctx->task->comm, ctx->task->tgid); }' 2>&1)
expect_eq "iter:task -p: the fixture's four tasks" "Attaching 1 probe...
iter_fix $FPID
iter_fix $FPID
iter_fix $FPID
iter_fix $FPID" "$got"

got=$("$SCRY" -p $FPID -e 'iter:task { @[ctx->task->tgid == ctx->task->pid] = count(); }' 2>&1)
expect_eq "... one main thread, three others" "Attaching 1 probe...


@[1]: 1
@[0]: 3" "$got"

tids=$(ls /proc/$FPID/task | sort -n | tr '\n' ' ')
got=$("$SCRY" -p $FPID -e 'iter:task { printf("%d ", ctx->task->pid); }' 2>&1 | sed -n 2p)
expect_eq "... their thread ids, in order" "$tids" "$got"

got=$("$SCRY" -p $FPID -e 'iter:task_file { printf("%d %d\n", ctx->task->pid, ctx->fd); }' 2>&1)
fds=$(ls /proc/$FPID/fd | sort -n | sed "s/^/$FPID /")
expect_eq "iter:task_file -p: every fd once (threads share the table)" "$fds" \
	"$(printf '%s\n' "$got" | sed 1d | sort -k2 -n)"
got=$("$SCRY" -p $FPID -e 'iter:task_file /ctx->fd == 3 || ctx->fd == 4/ {
	@[ctx->fd, ctx->file->f_inode->i_ino] = count(); }' 2>&1 | sed 1,3d)
ino=$(stat -L -c %i /dev/null)
expect_eq "ctx->file->f_inode->i_ino of fds 3 and 4 is /dev/null's" "@[3, $ino]: 1
@[4, $ino]: 1" "$got"

got=$("$SCRY" -p $FPID -e 'iter:task_vma { printf("%lx-%lx\n", ctx->vma->vm_start, ctx->vma->vm_end); }' 2>&1 |
	sed 1d)
maps=$(awk '$NF != "[vsyscall]" { print $1 }' /proc/$FPID/maps)
expect_eq "iter:task_vma -p: every mapping of /proc/PID/maps" "$maps" "$got"

got=$("$SCRY" -e 'iter:task { @ = count(); }' 2>&1 | sed -n 's/^@: //p')
[ -n "$got" ] && [ "$got" -ge 4 ] && pass "iter:task without -p: every task ($got)" ||
	fail "iter:task without -p" "$got"

# iter:task:PIN: pinned; each read of the pin runs the program; removed at the end
if [ -d /sys/fs/bpf ] && [ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" = "bpf_fs" ]; then
	PIN="scry_test_iter_$$"
	"$SCRY" -p $FPID -e "iter:task:$PIN { printf(\"%d\\n\", ctx->task->tgid); }" > "$T_TMP/out" 2>&1 &
	SPID=$!
	i=0
	while [ ! -e "/sys/fs/bpf/$PIN" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	expect_eq "the pin exists while scry runs" "yes" "$([ -e /sys/fs/bpf/$PIN ] && echo yes)"
	cat "/sys/fs/bpf/$PIN" > /dev/null
	cat "/sys/fs/bpf/$PIN" > /dev/null
	sleep 0.3
	kill -INT $SPID
	wait $SPID
	expect_eq "two reads of the pin: the program ran twice for the four tasks" "8" \
		"$(grep -c "^$FPID\$" "$T_TMP/out")"
	expect_eq "the pin is gone after scry" "gone" "$([ -e /sys/fs/bpf/$PIN ] || echo gone)"
else
	skip "iter:task:PIN" "no bpf file system at /sys/fs/bpf"
fi

"$SCRY" -e 'iter:nosuch { }' > "$T_TMP/out" 2>&1
expect_eq "an unknown iterator is refused with status 1" 1 $?
"$SCRY" -e 'iter:task { @ = ctx->task->nosuch; }' > "$T_TMP/out" 2>&1
expect_eq "an unknown field is refused with status 1" 1 $?
expect_eq "... at its place" "stdin:1:28: error: 'struct task_struct' has no field 'nosuch'" \
	"$(head -1 "$T_TMP/out")"
echo go >&7
exec 7>&-
wait $FPID
