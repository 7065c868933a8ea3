/* SPDX-License-Identifier: GPL-2.0 */
/*
 * perf_event_open() wrappers for the events BPF programs attach to, and the
 * attachment itself.
 *
 * Every function returning an fd returns it O_CLOEXEC, owned by the caller
 * (close() it), or -errno after reporting with pr_err().  Attachments are
 * links or perf fds: they die with the process, nothing is left behind.
 *
 * pid/cpu follow perf_event_open(2): pid -1 with cpu 0 is "every process";
 * for a BPF program one such fd covers every CPU (the program runs
 * wherever the event fires).  pid P with cpu -1 follows one process.
 */
#ifndef SCRY_MECH_PERF_EVENT_H
#define SCRY_MECH_PERF_EVENT_H

#include <linux/perf_event.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* perf_event_open(2) with PERF_FLAG_FD_CLOEXEC.  Returns an fd or -errno, NOT reported. */
int perf_event_open_raw(struct perf_event_attr *attr, pid_t pid, int cpu, int group_fd);

/*
 * The type number of a dynamic PMU (/sys/bus/event_source/devices/NAME/type):
 * "uprobe", "kprobe".  Returns it or -ENOENT (no such PMU), not reported.
 */
int perf_pmu_type(const char *pmu);

/* The id of tracepoint CATEGORY:EVENT from tracefs.  Returns it or -errno, reported. */
int perf_tracepoint_id(const char *category, const char *event);

/* A tracepoint event (sample_period 1).  Returns an fd or -errno, reported. */
int perf_tracepoint_open(const char *category, const char *event, pid_t pid, int cpu);

/*
 * A software event (PERF_TYPE_SOFTWARE, config PERF_COUNT_SW_*).
 * period: sample every period events, or with freq at period Hz.
 * Returns an fd or -errno, reported.
 */
int perf_software_open(uint64_t config, uint64_t period, bool freq, pid_t pid, int cpu);

/*
 * cpu-clock sampling at hz on every online CPU (profile:hz:N): fills
 * fds[0..n) (n = the return value), the others are -1.  max is the size of
 * fds.  Returns n > 0 or -errno, reported; on error no fd stays open.
 */
int perf_profile_open(unsigned int hz, int *fds, int max);

/*
 * A uprobe (retprobe false) or uretprobe through the uprobe PMU.  offset is
 * a FILE offset into path; ref_ctr_offset the file offset of a USDT
 * semaphore or 0.  pid -1: every process mapping path.  Returns an fd or
 * -errno, reported.
 */
int perf_uprobe_open(const char *path, uint64_t offset, bool retprobe, uint32_t ref_ctr_offset,
		     pid_t pid);

/*
 * A kprobe / kretprobe on func+offset through the kprobe PMU.  Returns an
 * fd or -errno, reported; -EOPNOTSUPP when this kernel has no kprobe PMU
 * (CONFIG_KPROBES off).
 */
int perf_kprobe_open(const char *func, uint64_t offset, bool retprobe);

/*
 * Attaches a BPF program to a perf event fd: a BPF_PERF_EVENT link carrying
 * cookie (read by bpf_get_attach_cookie()), else PERF_EVENT_IOC_SET_BPF +
 * IOC_ENABLE (no cookie: a non-zero cookie then fails with -EOPNOTSUPP).
 * *link_fd gets the link fd (caller closes it) or -1 when the legacy
 * ioctls were used (closing perf_fd detaches).  Returns 0 or -errno, reported.
 */
int perf_attach_bpf(int perf_fd, int prog_fd, uint64_t cookie, int *link_fd);

/* The legacy route alone: PERF_EVENT_IOC_SET_BPF + IOC_ENABLE.  Returns 0 or -errno, reported. */
int perf_attach_bpf_ioctl(int perf_fd, int prog_fd);

/* Raw tracepoint: attaches a RAW_TRACEPOINT program to name ("sched_switch");
 * name NULL for tp_btf programs.  Returns the link fd or -errno, reported. */
int perf_raw_tp_attach(const char *name, int prog_fd);

/*
 * A hardware breakpoint (PERF_TYPE_BREAKPOINT, sample_period 1) on len
 * bytes at addr; bp_type HW_BREAKPOINT_R|W|X.  Returns an fd or -errno,
 * NOT reported: the caller names the probe (ENOSPC: no debug register left).
 */
int perf_breakpoint_open(uint64_t addr, uint64_t len, unsigned int bp_type, pid_t pid, int cpu);

/*
 * A uprobe that records a sample of the thread's user registers in mask
 * (PERF_SAMPLE_TID | PERF_SAMPLE_REGS_USER, one wakeup per sample) into
 * its ring, read with perf_sample_ring_map()/perf_sample_ring_drain().  Returns an fd or
 * -errno, reported.
 */
int perf_uprobe_regs_open(const char *path, uint64_t offset, uint64_t mask, pid_t pid);

/* The mmap()ed ring of a sampling event: the metadata page and 2^n data pages. */
struct perf_sample_ring {
	void *base;
	size_t len;	/* of the mapping */
};

/* Maps the ring of fd with data_pages (a power of 2) pages.  0 or -errno, not reported. */
int perf_sample_ring_map(int fd, size_t data_pages, struct perf_sample_ring *r);

/*
 * Calls fn(sample, len, ctx) for every PERF_RECORD_SAMPLE in the ring (the
 * bytes after the header, at most 256 of them, contiguous even when the
 * record wraps), and consumes them.  Returns 0 or fn's first non-zero value.
 */
int perf_sample_ring_drain(struct perf_sample_ring *r, int (*fn)(const void *sample, size_t len, void *ctx),
		    void *ctx);

/* Unmaps; accepts a zeroed ring. */
void perf_sample_ring_unmap(struct perf_sample_ring *r);

/* ---- counting (perf stat): no sampling, read() gives the totals ---- */

/* One read of a counting event: the value and how long it was enabled/running. */
struct perf_count {
	uint64_t value;
	uint64_t enabled;	/* ns */
	uint64_t running;	/* ns: less than enabled when the counter was multiplexed */
};

/*
 * Opens attr as a counter (sample_period 0, read_format with the enabled
 * and running times) for pid on cpu.  Returns an fd or -errno, NOT reported:
 * the caller decides what an absent event means (ENOENT: no such PMU here).
 */
int perf_counter_open(struct perf_event_attr *attr, pid_t pid, int cpu);

/* Reads a counter opened by perf_counter_open().  Returns 0 or -errno, not reported. */
int perf_counter_read(int fd, struct perf_count *c);

#endif
