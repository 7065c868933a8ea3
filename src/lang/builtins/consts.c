// SPDX-License-Identifier: GPL-2.0
/*
 * Constants that bpftrace scripts take from kernel headers (#include
 * <net/sock.h>, <linux/sched.h>) or BTF enums, and that scry cannot read
 * without them: the few the classic tools use, with their kernel values.
 * A script's own enum or #define of the same name wins.
 */
#include <string.h>

#include "lang/sema.h"

static const struct {
	const char *name;
	int64_t value;
} consts[] = {
	{ "AF_UNIX", 1 }, { "AF_INET", 2 }, { "AF_INET6", 10 },
	{ "TASK_RUNNING", 0 }, { "TASK_INTERRUPTIBLE", 1 }, { "TASK_UNINTERRUPTIBLE", 2 },
	{ "TCP_ESTABLISHED", 1 }, { "TCP_SYN_SENT", 2 }, { "TCP_SYN_RECV", 3 },
	{ "TCP_FIN_WAIT1", 4 }, { "TCP_FIN_WAIT2", 5 }, { "TCP_TIME_WAIT", 6 },
	{ "TCP_CLOSE", 7 }, { "TCP_CLOSE_WAIT", 8 }, { "TCP_LAST_ACK", 9 },
	{ "TCP_LISTEN", 10 }, { "TCP_CLOSING", 11 }, { "TCP_NEW_SYN_RECV", 12 },
	{ "SKB_NOT_DROPPED_YET", 0 }, { "SKB_CONSUMED", 1 }, { "SKB_DROP_REASON_NOT_SPECIFIED", 2 },
	/* errno.h, for strerror() and comparisons of retval */
	{ "EPERM", 1 }, { "ENOENT", 2 }, { "ESRCH", 3 }, { "EINTR", 4 }, { "EIO", 5 },
	{ "ENXIO", 6 }, { "E2BIG", 7 }, { "ENOEXEC", 8 }, { "EBADF", 9 }, { "ECHILD", 10 },
	{ "EAGAIN", 11 }, { "ENOMEM", 12 }, { "EACCES", 13 }, { "EFAULT", 14 }, { "EBUSY", 16 },
	{ "EEXIST", 17 }, { "EXDEV", 18 }, { "ENODEV", 19 }, { "ENOTDIR", 20 }, { "EISDIR", 21 },
	{ "EINVAL", 22 }, { "ENFILE", 23 }, { "EMFILE", 24 }, { "ENOTTY", 25 }, { "EFBIG", 27 },
	{ "ENOSPC", 28 }, { "ESPIPE", 29 }, { "EROFS", 30 }, { "EMLINK", 31 }, { "EPIPE", 32 },
	{ "ERANGE", 34 }, { "EDEADLK", 35 }, { "ENAMETOOLONG", 36 }, { "ENOSYS", 38 },
	{ "ENOTEMPTY", 39 }, { "ELOOP", 40 }, { "ENODATA", 61 }, { "EOVERFLOW", 75 },
	{ "ENOTSOCK", 88 }, { "EOPNOTSUPP", 95 }, { "EADDRINUSE", 98 }, { "ECONNRESET", 104 },
	{ "ETIMEDOUT", 110 }, { "ECONNREFUSED", 111 },
};

bool lang_const_find(const char *name, int64_t *value)
{
	size_t i;

	for (i = 0; i < sizeof(consts) / sizeof(consts[0]); i++) {
		if (!strcmp(consts[i].name, name)) {
			*value = consts[i].value;
			return true;
		}
	}
	return false;
}
