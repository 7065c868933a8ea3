// SPDX-License-Identifier: GPL-2.0
/* tracepoint:syscalls:sys_enter_openat { @[str(args->filename)] = count(); } */
#include "common.h"

struct name_key {
	char name[64];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, MAX_KEYS);
	__type(key, struct name_key);
	__type(value, __u64);
} counts SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_openat")
int hand_str_key(struct syscall_trace_enter *ctx)
{
	struct name_key k = {};	/* a key's every byte counts: zeroed past the NUL */

	bpf_probe_read_user_str(k.name, sizeof(k.name), (const void *)ctx->args[1]);
	add_hash(&counts, &k, 1);
	return 0;
}
