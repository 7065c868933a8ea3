/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Recording trace events to trace.dat through one of two data paths:
 *
 *   ftrace  a private tracefs instance (instances/scry_rec_<pid>) whose
 *           per-CPU trace_pipe_raw pages are spliced to per-CPU files
 *           (ftrace_record.c);
 *   perf    per-CPU perf_event_open ring buffers of the same tracepoints
 *           (PERF_SAMPLE_RAW | TID | TIME | CPU, callchains on request),
 *           re-packed into ring-buffer pages (perf_record.c).
 *
 * Both produce the same file (mech/tracedat.h).  The events are resolved
 * here: tracepoints (with wildcards), and kprobe/uprobe trace events that
 * scry creates in the group scry_rec_<pid> and removes in record_release()
 * (mech/cleanup.c removes those of a killed run at the next start).
 *
 * Library code: 0 / -errno, diagnostics through pr_err().
 */
#ifndef SCRY_MECH_RECORD_H
#define SCRY_MECH_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "mech/tracedat.h"
#include "util/strbuf.h"

enum record_backend {
	REC_AUTO,
	REC_FTRACE,
	REC_PERF,
};

struct record_opts {
	const char *const *events;	/* -e specs, as written */
	size_t nr_events;
	const char *tracer;	/* "function", "function_graph" or NULL */
	const char *const *funcs;	/* -l patterns for the tracer */
	size_t nr_funcs;
	const char *filter;	/* --filter, the kernel's event filter syntax */
	pid_t pid;		/* 0: every process */
	bool follow_fork;	/* children of pid too */
	unsigned int buffer_kb;	/* per CPU; 0: the default */
	bool callchain;		/* -g */
	const char *tmpdir;	/* where the per-CPU files go (the output's directory) */
};

struct record_cpu {
	int fd;			/* per-CPU data file (unlinked), owned */
	struct tracedat_page pages;	/* perf backend: the page builder */
	uint64_t lost;
	char *stats;		/* ftrace: per_cpu/cpuN/stats at the end, owned */
};

struct record {
	enum record_backend backend;
	struct record_opts opts;
	char group[64];		/* scry_rec_<pid>: instance and dynamic event group */
	struct tracedat_event *events;	/* resolved events with their formats, owned */
	size_t nr_events;
	char *dyn_created;	/* per event: 'k'/'u' for a kprobe/uprobe event scry created, else 0 */
	int nr_cpus;		/* possible CPUs */
	struct record_cpu *cpus;
	void *priv;		/* the backend's state */
	struct strbuf comms;	/* "tid comm" lines the backend learnt, stored first */
	bool started;
	bool top_buffer;	/* ftrace: the tracer needed the top-level buffer */
	pid_t *tids;		/* -p: the threads of opts.pid now, owned */
	size_t nr_tids;
};

/* One short sentence on why the backend cannot run here, or NULL when it can. */
const char *record_backend_unusable(enum record_backend b);

/*
 * Resolves opts->events (creating the dynamic events), sets up the backend
 * (b REC_AUTO: ftrace where it works, else perf) and starts recording.
 * On error everything created is removed again.  Returns 0 or -errno,
 * reported; r is released with record_release() in both cases.
 */
int record_start(struct record *r, const struct record_opts *opts, enum record_backend b);

/* Moves data from the kernel to the per-CPU files, waiting up to timeout_ms.  0 or -errno. */
int record_poll(struct record *r, int timeout_ms);

/* Stops, drains, collects the lost counts.  0 or -errno, reported. */
int record_stop(struct record *r);

/* Writes the trace.dat to fd.  0 or -errno, reported. */
int record_write(struct record *r, int fd);

/* Events recorded and lost, summed over CPUs. */
uint64_t record_entries(const struct record *r);
uint64_t record_lost(const struct record *r);

/* Removes the instance and dynamic events, closes and frees; accepts a zeroed r. */
void record_release(struct record *r);

/*
 * --filter EXPR for event e in the kernel's filter syntax: bpftrace's
 * spellings become the kernel's (args.f / args->f -> f, pid / tid ->
 * common_pid), and every field must be one of e's (or comm, cpu).  Returns
 * 0 or -EINVAL, reported naming the field and the event.
 */
int record_filter_compile(const char *expr, const struct tracedat_event *e, struct strbuf *out);

/* Backends (record.c dispatches). */
int ftrace_record_start(struct record *r);
int ftrace_record_poll(struct record *r, int timeout_ms);
int ftrace_record_stop(struct record *r);
void ftrace_record_release(struct record *r);
uint64_t ftrace_record_entries(const struct record *r);
const char *ftrace_record_unusable(void);

int perf_record_start(struct record *r);
int perf_record_poll(struct record *r, int timeout_ms);
int perf_record_stop(struct record *r);
void perf_record_release(struct record *r);
const char *perf_record_unusable(void);

#endif
