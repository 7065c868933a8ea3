// SPDX-License-Identifier: GPL-2.0
/* tracepoint:syscalls:sys_exit_read { @ = lhist(args->ret, 0, 1000, 100); } */
#include "common.h"

PERCPU_ARRAY(buckets, 12);	/* < 0, ten steps, >= 1000 */

SEC("tracepoint/syscalls/sys_exit_read")
int hand_lhist(struct syscall_trace_exit *ctx)
{
	long v = ctx->ret;
	__u32 i;

	if (v < 0)
		i = 0;
	else if (v >= 1000)
		i = 11;
	else
		i = (__u32)(v / 100) + 1;
	add_array(&buckets, i, 1);
	return 0;
}
