// SPDX-License-Identifier: GPL-2.0
/* tracepoint:syscalls:sys_enter_write { @[comm] = avg(args->count); } */
#include "common.h"

struct comm_key {
	char comm[16];
};

struct avg {
	__u64 total, count;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, MAX_KEYS);
	__type(key, struct comm_key);
	__type(value, struct avg);
} avgs SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_write")
int hand_avg(struct syscall_trace_enter *ctx)
{
	struct comm_key k;
	struct avg *a, first;

	bpf_get_current_comm(&k, sizeof(k));
	a = bpf_map_lookup_elem(&avgs, &k);
	if (a) {
		a->total += ctx->args[2];
		a->count++;
		return 0;
	}
	first.total = ctx->args[2];
	first.count = 1;
	bpf_map_update_elem(&avgs, &k, &first, BPF_NOEXIST);
	return 0;
}
