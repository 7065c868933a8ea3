// SPDX-License-Identifier: GPL-2.0
/* tracepoint:syscalls:sys_enter_read { @bytes = sum(args->count); } */
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} bytes SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_read")
int hand_sum(struct syscall_trace_enter *ctx)
{
	add_array(&bytes, 0, ctx->args[2]);
	return 0;
}
