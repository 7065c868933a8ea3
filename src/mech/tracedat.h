/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trace-cmd's trace.dat file (version 6, "flyrecord"): written by hand, because
 * libtracecmd 3.1.6 exports no writer in its public header (trace-cmd.h has
 * only tracecmd_open*, tracecmd_read_*, tracecmd_iterate_events*); it is
 * read back with libtracecmd.  Layout, from trace-cmd.dat.v6(5):
 *
 *   "\027\010\104tracing" "6\0" endian(1) long_size(1) page_size(u32)
 *   "header_page\0" u64 size, text   "header_event\0" u64 size, text
 *   u32 nr ftrace formats, each u64 size + text
 *   u32 nr systems, each "name\0" u32 nr, each u64 size + text
 *   u32 size + kallsyms   u32 size + printk_formats   u64 size + cmdlines
 *   u32 nr_cpus   "options  \0" {u16 id, u32 size, data}... u16 0
 *   "flyrecord\0" nr_cpus * {u64 offset, u64 size}, pad to a page, pages
 *
 * The per-CPU data are ring-buffer pages as the kernel's trace_pipe_raw gives
 * them; tracedat_page_*() build such pages from records of another source
 * (the perf ring buffer).  Lost events are kept per CPU in CPUSTAT options
 * ("CPU: N" then the kernel's per_cpu/cpuN/stats lines), which trace-cmd
 * report --stat prints and tracedat_stats() reads back.
 */
#ifndef SCRY_MECH_TRACEDAT_H
#define SCRY_MECH_TRACEDAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One event format stored in the file. */
struct tracedat_event {
	char *system;	/* "sched", "scry_rec_123" */
	char *name;	/* "sched_switch" */
	char *format;	/* the text of its format file */
	size_t len;
};

struct tracedat_cpu {
	int fd;			/* a file holding this CPU's pages (read from offset 0) */
	uint64_t size;		/* bytes in it, a multiple of the page size */
	uint64_t entries;	/* events recorded */
	uint64_t lost;		/* events lost (overrun, dropped, perf LOST) */
	char *stats;		/* the kernel's per_cpu stats text, or NULL */
};

struct tracedat_info {
	const struct tracedat_event *events;	/* not the ftrace system: those are all stored */
	size_t nr_events;
	bool kallsyms;		/* store /proc/kallsyms (the function tracers need it) */
	const char *cmdlines;	/* "pid comm\n" lines */
	size_t cmdlines_len;
	int nr_cpus;
	const struct tracedat_cpu *cpus;
	const char *uname;	/* or NULL */
};

/*
 * Writes the whole file to fd (at its current offset, which must be 0),
 * copying every CPU's data.  The header pieces (header_page, header_event,
 * ftrace formats, printk_formats, kallsyms) are read from tracefs now.
 * Returns 0 or -errno, reported.
 */
int tracedat_write(int fd, const struct tracedat_info *in);

/* Per-CPU figures read back from a file. */
struct tracedat_stats {
	int nr_cpus;
	uint64_t lost[256];	/* per CPU; CPUs past 255 are summed into the last */
	uint64_t lost_total;
	bool have_cpustat;	/* the file had CPUSTAT options */
};

/*
 * Walks the header of the file in buf[0..len) to its options and flyrecord
 * table: the version must be 6, every section inside the buffer, every
 * CPU's data inside the file.  Untrusted input: every read is bounded.
 * Returns 0, or -EINVAL with *where naming the part that is short or wrong
 * ("header_page", "options", "cpu 1 data"...); nothing is reported.
 */
int tracedat_stats(const void *buf, size_t len, struct tracedat_stats *st, const char **where);

/*
 * Building ring-buffer pages (the layout of events/header_page and
 * header_event: u64 timestamp, u64 commit, then events each with a 32-bit
 * header {type_len:5, time_delta:27}).  Full pages are written to fd.
 */
struct tracedat_page {
	int fd;
	uint32_t page_size;
	uint8_t *page;		/* page_size bytes, owned */
	uint32_t used;		/* bytes of event data in the page */
	uint64_t last_ts;
	uint64_t written;	/* bytes written to fd */
	uint64_t entries;
	int err;		/* the first write error, sticky */
};

/* Returns 0 or -ENOMEM.  Release with tracedat_page_release() (accepts a zeroed struct). */
int tracedat_page_init(struct tracedat_page *p, int fd, uint32_t page_size);

/*
 * Appends one event's data (the trace event record, starting with
 * common_type) at time ts.  Records larger than a page are dropped
 * (-E2BIG).  Returns 0 or -errno (the sticky write error).
 */
int tracedat_page_add(struct tracedat_page *p, uint64_t ts, const void *data, uint32_t len);

/* Writes the partly filled page, if any.  Returns 0 or the sticky -errno. */
int tracedat_page_flush(struct tracedat_page *p);

void tracedat_page_release(struct tracedat_page *p);

void tracedat_event_release(struct tracedat_event *e);

#endif
