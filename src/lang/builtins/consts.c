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
