// SPDX-License-Identifier: GPL-2.0
/* tracepoint:syscalls:sys_enter_write /pid == 1/ { @ = count(); } */
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} count SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_write")
int hand_pred(void *ctx)
{
	if (bpf_get_current_pid_tgid() >> 32 != 1)
		return 0;
	add_array(&count, 0, 1);
	return 0;
}
