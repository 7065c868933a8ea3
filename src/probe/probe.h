/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Data sources.  Each probe type (provider) lives in its own file in
 * src/probe/ behind struct provider, and is registered by one line in
 * registry.c.  Adding a probe type is adding one file plus that line.
 */
#ifndef SCRY_PROBE_PROBE_H
#define SCRY_PROBE_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct probe_arg {
	const char *type;	/* "const char *", "int32" */
	const char *name;	/* "filename", "arg0" */
	const char *spec;	/* NULL, or where it comes from: "-4@%edi" */
};

/* One listed probe.  The sink copies what it keeps: all pointers are borrowed. */
struct probe_entry {
	const char *name;	/* full name: "tracepoint:sched:sched_switch" */
	bool available;		/* false: exists, but this kernel cannot attach it */
	const char *reason;	/* why not available, or NULL */
	/* Filled only when the query is verbose: */
	size_t nr_args;
	const struct probe_arg *args;
	bool has_semaphore;	/* USDT */
	uint64_t semaphore;	/* file offset of the USDT semaphore */
};

struct list_query {
	const char *pattern;	/* fnmatch() over full names; NULL matches all */
	pid_t pid;		/* > 0: the uprobes/USDT of what this process maps */
	bool verbose;		/* fill args */
	const char *where;	/* the script's place for warnings ("stdin:1:1"), or NULL */
};

struct list_sink {
	int (*emit)(struct list_sink *sink, const struct probe_entry *e);
};

/* A resolved attach point: what a probe of the program attaches to. */
struct probe_point {
	const char *provider;	/* canonical name */
	const char *target;	/* tracepoint category, binary, unit ("hz", "ms") */
	const char *func;	/* event, function, USDT name, software/hardware event name */
	uint64_t offset;	/* "+OFF" of kprobe/uprobe */
	uint64_t rate;		/* profile/interval rate, software/hardware sample period */
	pid_t pid;		/* > 0: only this process (uprobe, usdt, software, hardware) */
	uint64_t cookie;	/* bpf_get_attach_cookie() in the program, where supported */
};

/*
 * What attaching created: perf event fds, link fds, a timer.  Everything
 * dies with its fd, so detaching is closing; attachment_release() does it.
 * A zeroed struct is empty and valid.
 */
struct scry_interval;
struct attachment {
	int *fds;
	size_t nr_fds, alloc;
	struct scry_interval *timer;	/* interval: ticks run the program from user space */
};

/* Keeps fd (closed by attachment_release).  Returns 0 or -ENOMEM (fd is then closed). */
int attachment_add_fd(struct attachment *a, int fd);
/*
 * Attaches prog_fd to the perf event pfd (or -errno from opening it, which
 * is passed through) and keeps the event and its link in a.  Returns 0 or
 * -errno, reported.
 */
int attachment_add_perf(struct attachment *a, int pfd, int prog_fd, uint64_t cookie);
/* Closes everything, frees, and zeroes a.  Accepts a zeroed struct. */
void attachment_release(struct attachment *a);

struct provider {
	const char *name;	/* "tracepoint" */
	const char *alias;	/* "t", or NULL */
	/*
	 * The BPF program type a probe of this kind is compiled to, and how its
	 * context is read; 0 (BPF_PROG_TYPE_UNSPEC) for types scry cannot
	 * attach (yet).
	 */
	int prog_type;
	/*
	 * Attach prog_fd at pp, adding what it creates to a.  Returns 0 or
	 * -errno after one clear pr_err() naming the probe and, when the kernel
	 * lacks what is needed, what to use instead.  NULL for BEGIN and END,
	 * which the session runs itself.
	 */
	int (*attach)(const struct provider *self, const struct probe_point *pp, int prog_fd,
		      struct attachment *a);
	/*
	 * Can this kernel attach probes of this type at all?  0, or -errno with
	 * one sentence in why saying what is missing and what to use instead
	 * (the caller reports it with the probe's place).  Asked before anything
	 * is loaded.  NULL: always.
	 */
	int (*usable)(const struct provider *self, char *why, size_t len);
	/*
	 * Emit every probe of this type that matches q.  Returns 0 or -errno
	 * (reported with pr_err: a missing binary, a file that is not ELF).
	 * NULL when the probe type has nothing to list.
	 */
	int (*list)(const struct provider *self, const struct list_query *q,
		    struct list_sink *sink);
};

/* NULL-terminated, in listing order. */
extern const struct provider *const providers[];

/* By name or alias ("t", "kfunc"), or NULL. */
const struct provider *provider_find(const char *name);

/*
 * Does q match the probe full_name?  A pattern without ':' matches against
 * the last fields too, as bpftrace does ('sys_enter_open*').
 */
bool list_query_match(const struct list_query *q, const char *full_name);

/*
 * Should provider p be asked at all?  Compares the first field of the
 * pattern with p's name and alias.
 */
bool list_query_wants(const struct list_query *q, const struct provider *p);

/*
 * Field i (0-based) of the pattern split on ':' into buf, "" when the pattern
 * has fewer fields.  Returns the number of fields of the pattern.
 */
int list_query_field(const struct list_query *q, int i, char *buf, size_t len);

#endif
