// SPDX-License-Identifier: GPL-2.0
/* tracepoint:raw_syscalls:sys_enter { @[comm] = count(); } */
#include "common.h"

struct comm_key {
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, MAX_KEYS);
	__type(key, struct comm_key);
	__type(value, __u64);
} counts SEC(".maps");

SEC("raw_tracepoint/sys_enter")
int hand_count_comm(void *ctx)
{
	struct comm_key k;

	bpf_get_current_comm(&k, sizeof(k));
	add_hash(&counts, &k, 1);
	return 0;
}
