// SPDX-License-Identifier: GPL-2.0
/* tracepoint:syscalls:sys_enter_read { @bytes = sum(args->count); } */
#include "common.h"

PERCPU_ARRAY(bytes, 1);

SEC("tracepoint/syscalls/sys_enter_read")
int hand_sum(struct syscall_trace_enter *ctx)
{
	add_array(&bytes, 0, ctx->args[2]);
	return 0;
}
