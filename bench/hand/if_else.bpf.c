// SPDX-License-Identifier: GPL-2.0
/* tracepoint:syscalls:sys_exit_read { if (args->ret < 0) { @err = count(); } else { @ok = count(); } } */
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} err SEC(".maps"), ok SEC(".maps");

SEC("tracepoint/syscalls/sys_exit_read")
int hand_if_else(struct syscall_trace_exit *ctx)
{
	if (ctx->ret < 0)
		add_array(&err, 0, 1);
	else
		add_array(&ok, 0, 1);
	return 0;
}
