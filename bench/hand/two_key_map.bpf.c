// SPDX-License-Identifier: GPL-2.0
/* tracepoint:syscalls:sys_enter_read { @[pid, comm] = count(); } */
#include "common.h"

struct pid_comm {
	__u64 pid;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, MAX_KEYS);
	__type(key, struct pid_comm);
	__type(value, __u64);
} counts SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_read")
int hand_two_key(void *ctx)
{
	struct pid_comm k;

	k.pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(k.comm, sizeof(k.comm));
	add_hash(&counts, &k, 1);
	return 0;
}
