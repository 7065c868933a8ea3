/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What this kernel can do, each item found by trying it (load a tiny
 * program, open an event), never by reading config files or other tools'
 * reports.  Results are cached for the life of the process.
 */
#ifndef SCRY_MECH_FEATURES_H
#define SCRY_MECH_FEATURES_H

#include <stdbool.h>

enum feature_id {
	FEAT_TRACEFS,		/* tracefs mounted (or mountable) with events/ */
	FEAT_BPF,		/* the bpf() syscall works for us */
	FEAT_JIT,		/* BPF JIT enabled */
	FEAT_BTF,		/* /sys/kernel/btf/vmlinux loads */
	FEAT_PROG_TRACEPOINT,	/* BPF_PROG_TYPE_TRACEPOINT loads */
	FEAT_PROG_RAW_TP,	/* BPF_PROG_TYPE_RAW_TRACEPOINT loads */
	FEAT_PROG_TP_BTF,	/* BPF_PROG_TYPE_TRACING / BPF_TRACE_RAW_TP loads */
	FEAT_PROG_PERF_EVENT,	/* BPF_PROG_TYPE_PERF_EVENT loads */
	FEAT_PROG_KPROBE,	/* BPF_PROG_TYPE_KPROBE loads (used by uprobes too) */
	FEAT_KPROBE,		/* kprobes attach: kprobe PMU or kprobe_events */
	FEAT_UPROBE,		/* uprobe PMU opens */
	FEAT_UPROBE_MULTI,	/* BPF_TRACE_UPROBE_MULTI links */
	FEAT_FENTRY,		/* fentry/fexit programs load (trampolines) */
	FEAT_RINGBUF,		/* BPF_MAP_TYPE_RINGBUF */
	FEAT_PERCPU_MAPS,	/* PERCPU_HASH / PERCPU_ARRAY */
	FEAT_STACK_TRACE,	/* BPF_MAP_TYPE_STACK_TRACE */
	FEAT_PERF_SOFTWARE,	/* PERF_TYPE_SOFTWARE events open */
	FEAT_PERF_HARDWARE,	/* PERF_TYPE_HARDWARE events open (PMU counters) */
	FEAT_BREAKPOINT,	/* PERF_TYPE_BREAKPOINT (watchpoints) */
	FEAT_FTRACE_FUNCTION,	/* the function tracer */
	FEAT_LOCKDOWN,		/* "yes" means NOT locked down to confidentiality */
	FEAT__COUNT,
};

struct feature {
	const char *key;	/* stable, for JSON: "kprobe" */
	const char *desc;	/* "kprobes (kprobe PMU or kprobe_events)" */
	bool ok;
	int err;		/* positive errno when !ok, 0 otherwise */
	char detail[160];	/* what was tried and what happened, or a value */
	const char *instead;	/* when !ok: what scry uses instead, or NULL */
};

/* Probe (once) and return the result.  Never NULL. */
const struct feature *feature_get(enum feature_id id);

static inline bool feature_has(enum feature_id id)
{
	return feature_get(id)->ok;
}

#endif
