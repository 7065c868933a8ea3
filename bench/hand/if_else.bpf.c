// SPDX-License-Identifier: GPL-2.0
/* tracepoint:syscalls:sys_exit_read { if (args->ret < 0) { @err = count(); } else { @ok = count(); } } */
#include "common.h"

PERCPU_ARRAY(err, 1);
PERCPU_ARRAY(ok, 1);

SEC("tracepoint/syscalls/sys_exit_read")
int hand_if_else(struct syscall_trace_exit *ctx)
{
	if (ctx->ret < 0)
		add_array(&err, 0, 1);
	else
		add_array(&ok, 0, 1);
	return 0;
}
