// SPDX-License-Identifier: GPL-2.0
/* tracepoint:syscalls:sys_exit_read { @ = hist(args->ret); } */
#include "common.h"

PERCPU_ARRAY(buckets, 66);	/* < 0, 0, then powers of two */

SEC("tracepoint/syscalls/sys_exit_read")
int hand_hist(struct syscall_trace_exit *ctx)
{
	long v = ctx->ret;
	__u64 u = (__u64)v;
	__u32 i = 0;

	if (v < 0) {
		i = 0;
	} else if (v == 0) {
		i = 1;
	} else {
		/* 2 + floor(log2(v)), branch-free halving */
		__u32 l = 0, s;

		s = (u >= (1ull << 32)) << 5; u >>= s; l |= s;
		s = (u >= (1ull << 16)) << 4; u >>= s; l |= s;
		s = (u >= (1ull << 8)) << 3; u >>= s; l |= s;
		s = (u >= (1ull << 4)) << 2; u >>= s; l |= s;
		s = (u >= (1ull << 2)) << 1; u >>= s; l |= s;
		l |= (u >> 1);
		i = l + 2;
	}
	add_array(&buckets, i, 1);
	return 0;
}
