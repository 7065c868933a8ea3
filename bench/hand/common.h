/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the hand-written programs of bench/hand/ share: vmlinux.h (made at
 * bench time by bpftool from /sys/kernel/btf/vmlinux, not committed) and
 * libbpf's helpers.  Each program does one job of bench/run.sh's
 * one-liners as a careful BPF programmer would write it: per-CPU maps, an
 * array where there are no keys, keys built where they go, one helper call
 * where one does.
 */
#ifndef BENCH_HAND_COMMON_H
#define BENCH_HAND_COMMON_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define MAX_KEYS 4096	/* bpftrace's and scry's default */

/* a per-CPU array of n u64 counters: what a map without keys needs */
#define PERCPU_ARRAY(name, n)					\
	struct {						\
		__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);	\
		__uint(max_entries, n);				\
		__type(key, __u32);				\
		__type(value, __u64);				\
	} name SEC(".maps")

/* *v += d, inserting d when key is new (per-CPU values: no atomics) */
static __always_inline void add_hash(void *map, const void *key, __u64 d)
{
	__u64 *v = bpf_map_lookup_elem(map, key);

	if (v)
		*v += d;
	else
		bpf_map_update_elem(map, key, &d, BPF_NOEXIST);
}

static __always_inline void add_array(void *map, __u32 idx, __u64 d)
{
	__u64 *v = bpf_map_lookup_elem(map, &idx);

	if (v)
		*v += d;
}

char LICENSE[] SEC("license") = "GPL";

#endif
