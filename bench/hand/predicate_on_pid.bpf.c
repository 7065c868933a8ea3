// SPDX-License-Identifier: GPL-2.0
/* tracepoint:syscalls:sys_enter_write /pid == 1/ { @ = count(); } */
#include "common.h"

PERCPU_ARRAY(count, 1);

SEC("tracepoint/syscalls/sys_enter_write")
int hand_pred(void *ctx)
{
	if (bpf_get_current_pid_tgid() >> 32 != 1)
		return 0;
	add_array(&count, 0, 1);
	return 0;
}
