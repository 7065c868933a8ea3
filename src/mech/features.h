/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What this kernel can do, each item found by trying it (load a tiny
 * program, create a map, open an event), never by reading config files or
 * other tools' reports.  Each item is probed on its first feature_get() and
 * cached for the life of the process; a probe takes a few milliseconds and
 * leaves nothing behind: every fd is closed, every tracefs instance or
 * kprobe event it made is removed (with signals blocked meanwhile).
 * Not thread-safe: call it from one thread (the results are plain statics).
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
	FEAT_PROG_SYSCALL,	/* BPF_PROG_TYPE_SYSCALL (sleepable) loads: BEGIN/timers */
	FEAT_PROG_ITER,		/* BPF_TRACE_ITER on bpf_iter_task loads */
	FEAT_UPROBE_SLEEPABLE,	/* sleepable KPROBE-type program with bpf_copy_from_user */
	FEAT_PERF_LINK,		/* bpf_link_create(BPF_PERF_EVENT) instead of IOC_SET_BPF */
	FEAT_HELPER_GET_STACKID, /* bpf_get_stackid in a tracepoint program */
	FEAT_HELPER_GET_STACK,	/* bpf_get_stack in a tracepoint program */
	FEAT_HELPER_LOOP,	/* bpf_loop in a tracepoint program */
	FEAT_HELPER_TIMER_TP,	/* bpf_timer in a (classic) tracepoint program */
	FEAT_HELPER_TIMER_TP_BTF, /* bpf_timer in a tp_btf program */
	FEAT_HELPER_TIMER_SYSCALL, /* bpf_timer in a syscall program */
	FEAT_HELPER_SEND_SIGNAL, /* bpf_send_signal in a tracepoint program */
	FEAT_HELPER_OVERRIDE_RETURN, /* bpf_override_return in a kprobe program */
	FEAT_HELPER_PROBE_WRITE_USER, /* bpf_probe_write_user in a tracepoint program */
	FEAT_HELPER_ATTACH_COOKIE, /* bpf_get_attach_cookie in a tracepoint program */
	FEAT_HIST_TRIGGER,	/* tracefs hist: triggers */
	FEAT__COUNT,
};

struct feature {
	const char *key;	/* stable, for JSON: "kprobe" */
	const char *desc;	/* "kprobes (kprobe PMU or kprobe_events)" */
	const char *group;	/* heading it is listed under: "Attach" */
	bool ok;
	int err;		/* positive errno of the call that failed; 0 when ok or no call failed */
	char detail[256];	/* what was tried and what happened, or a value */
	const char *instead;	/* when !ok: what scry uses instead, or NULL */
};

/*
 * Probe (once) and return the result.  Never NULL; an id out of range gives
 * an item that is not ok.  The result lives as long as the process.
 */
const struct feature *feature_get(enum feature_id id);

/* The id of the feature whose key is key ("prog_raw_tp"), without probing; -ENOENT. */
int feature_find(const char *key);

static inline bool feature_has(enum feature_id id)
{
	return feature_get(id)->ok;
}

#endif
