// SPDX-License-Identifier: GPL-2.0
/*
 * The ftrace data path: a private tracefs instance, instances/scry_rec_<pid>,
 * with its own ring buffer (not overwriting: when it is full the kernel
 * drops new events and counts them), its own events, filters, pid filter
 * (set_event_pid with event-fork) and tracer.  Each CPU's trace_pipe_raw
 * hands over whole ring-buffer pages, spliced through a pipe into that
 * CPU's file without a copy; at the end, with tracing off, the last partial
 * pages are read().  The lost counts are the kernel's own: "overrun" and
 * "dropped events" of per_cpu/cpuN/stats.
 *
 * A kernel whose instances do not offer the tracer asked for (function_graph
 * before 6.12) gets it in the top-level buffer, when nobody uses that
 * (current_tracer is nop): everything then goes there, the instance is
 * renamed scry_rectop_<pid> to mark it (cleanup.c resets the tracer of a
 * killed run), and what was changed is put back at the end.  Tracepoints a
 * killed run enabled at the top level stay enabled.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mech/record.h"
#include "mech/tracefs.h"
#include "util/log.h"
#include "util/strbuf.h"

#define SPLICE_PAGES 16
#define STATS_MAX 4096

struct ftrace_rec {
	char dir[4096];		/* where the buffer is: the instance, or tracefs itself (top) */
	char inst[4096];	/* the instance's directory */
	bool made;
	bool top;		/* the tracer runs in the top-level buffer (see below) */
	char saved_on[8], saved_overwrite[8], saved_kb[32];
	int *raw;		/* per CPU trace_pipe_raw, -1 when absent */
	int pipe[2];
	bool use_read;		/* splice refused: read() and write() instead */
	uint8_t *buf;		/* one page for read() */
	long page;
	uint64_t entries;
};

const char *ftrace_record_unusable(void)
{
	char path[4096];

	if (tracefs_path(path, sizeof(path), "instances"))
		return "there is no tracefs";
	if (access(path, W_OK))
		return "tracefs 'instances' is not writable";
	return NULL;
}

/* Writes s to the instance's file rel.  Returns 0 or -errno, not reported. */
static int inst_write(struct ftrace_rec *f, const char *rel, const char *s)
{
	char path[8192];

	snprintf(path, sizeof(path), "%s/%s", f->dir, rel);
	return tracefs_write(path, s, false);
}

static int inst_write_report(struct ftrace_rec *f, const char *rel, const char *s)
{
	int err = inst_write(f, rel, s);

	if (err)
		pr_err("cannot write '%s' to %s/%s: %s", s, f->dir, rel, strerror(-err));
	return err;
}

static bool offers_tracer(const char *dir, const char *tracer)
{
	struct strbuf avail = STRBUF_INIT;
	char path[8192];
	const char *p;
	size_t n = strlen(tracer);
	bool found = false;

	snprintf(path, sizeof(path), "%s/available_tracers", dir);
	if (strbuf_read_file(&avail, path, 4096))
		return false;
	for (p = strbuf_str(&avail); (p = strstr(p, tracer)); p += n)
		if ((p == avail.buf || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || !p[n]))
			found = true;
	strbuf_release(&avail);
	return found;
}

static void read_small(const char *dir, const char *rel, char *buf, size_t len)
{
	struct strbuf sb = STRBUF_INIT;
	char path[8192];

	buf[0] = 0;
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if (!strbuf_read_file(&sb, path, 256)) {
		snprintf(buf, len, "%s", strbuf_str(&sb));
		buf[strcspn(buf, "\n")] = 0;
	}
	strbuf_release(&sb);
}

/* The instance lacks the tracer: move to the top-level buffer if it is free. */
static int go_top(struct record *r, struct ftrace_rec *f)
{
	char top[4096], cur[64], rel[128];
	const char *root = tracefs_dir(false);

	snprintf(top, sizeof(top), "%s", root ? root : "");
	if (!root || !offers_tracer(top, r->opts.tracer)) {
		pr_err("the %s tracer is not available here: this kernel does not offer it "
		       "(available_tracers)", r->opts.tracer);
		return -EOPNOTSUPP;
	}
	read_small(top, "current_tracer", cur, sizeof(cur));
	if (strcmp(cur, "nop")) {
		pr_err("the %s tracer runs only in the top-level buffer on this kernel, and that one is "
		       "in use (current_tracer is '%s')", r->opts.tracer, cur);
		return -EBUSY;
	}
	if (rmdir(f->inst))
		return -errno;
	f->made = false;
	snprintf(rel, sizeof(rel), "instances/scry_rectop_%d", (int)getpid());
	if (tracefs_path(f->inst, sizeof(f->inst), rel) || mkdir(f->inst, 0750))
		return -errno;
	f->made = true;
	f->top = true;
	r->top_buffer = true;
	snprintf(f->dir, sizeof(f->dir), "%s", top);
	read_small(top, "tracing_on", f->saved_on, sizeof(f->saved_on));
	read_small(top, "options/overwrite", f->saved_overwrite, sizeof(f->saved_overwrite));
	if (r->opts.buffer_kb)
		read_small(top, "buffer_size_kb", f->saved_kb, sizeof(f->saved_kb));
	inst_write(f, "tracing_on", "0");
	inst_write(f, "trace", "");	/* empties the buffer */
	return 0;
}

/* Every thread of -p into a pid filter file. */
static int write_pids(struct record *r, struct ftrace_rec *f, const char *rel)
{
	char path[8192], num[32];
	size_t i;
	int err;

	snprintf(path, sizeof(path), "%s/%s", f->dir, rel);
	for (i = 0; i < r->nr_tids; i++) {
		snprintf(num, sizeof(num), "%d", (int)r->tids[i]);
		err = tracefs_write(path, num, i > 0);
		if (err) {
			pr_err("cannot write '%s' to %s: %s", num, path, strerror(-err));
			return err;
		}
	}
	return 0;
}

static int set_tracer(struct record *r, struct ftrace_rec *f)
{
	const struct record_opts *o = &r->opts;
	char path[8192];
	size_t i;
	int err;

	for (i = 0; i < o->nr_funcs; i++) {
		snprintf(path, sizeof(path), "%s/set_ftrace_filter", f->dir);
		err = tracefs_write(path, o->funcs[i], true);
		if (err == -EPERM || err == -EACCES) {
			pr_err("the %s tracer is not available here: this kernel refuses function tracing "
			       "(set_ftrace_filter: %s)", o->tracer, strerror(-err));
			return err;
		}
		if (err) {
			pr_err("-l '%s': no traceable kernel function matches (set_ftrace_filter: %s)",
			       o->funcs[i], strerror(-err));
			return err;
		}
	}
	if (o->pid) {
		if ((err = write_pids(r, f, "set_ftrace_pid")))
			return err;
		if (o->follow_fork)
			inst_write(f, "options/function-fork", "1");
	}
	err = inst_write(f, "current_tracer", o->tracer);
	if (err) {
		pr_err("the %s tracer is not available here: current_tracer refused it (%s)", o->tracer,
		       strerror(-err));
		return err;
	}
	return 0;
}

int ftrace_record_start(struct record *r)
{
	const struct record_opts *o = &r->opts;
	struct strbuf filter = STRBUF_INIT;
	struct ftrace_rec *f;
	char rel[1024], num[32], path[8192];
	size_t i;
	int cpu, err;

	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	r->priv = f;
	f->pipe[0] = f->pipe[1] = -1;
	f->page = sysconf(_SC_PAGESIZE);
	f->buf = malloc((size_t)f->page);
	f->raw = malloc((size_t)r->nr_cpus * sizeof(*f->raw));
	if (!f->buf || !f->raw)
		return -ENOMEM;
	for (cpu = 0; cpu < r->nr_cpus; cpu++)
		f->raw[cpu] = -1;
	snprintf(rel, sizeof(rel), "instances/%s", r->group);
	if ((err = tracefs_path(f->dir, sizeof(f->dir), rel)))
		return err;
	if (mkdir(f->dir, 0750)) {
		err = -errno;
		pr_err("cannot create the tracefs instance '%s': %s", f->dir, strerror(errno));
		return err;
	}
	f->made = true;
	snprintf(f->inst, sizeof(f->inst), "%s", f->dir);
	if (o->tracer && !offers_tracer(f->dir, o->tracer) && (err = go_top(r, f)))
		return err;
	inst_write(f, "tracing_on", "0");
	if (o->buffer_kb) {
		snprintf(num, sizeof(num), "%u", o->buffer_kb);
		if ((err = inst_write_report(f, "buffer_size_kb", num)))
			return err;
	}
	if ((err = inst_write_report(f, "options/overwrite", "0")))
		return err;
	if (o->callchain)
		inst_write_report(f, "options/stacktrace", "1");
	if (o->pid) {
		if ((err = write_pids(r, f, "set_event_pid")))
			return err;
		if (o->follow_fork)
			inst_write(f, "options/event-fork", "1");
	}
	for (i = 0; i < r->nr_events; i++) {
		const struct tracedat_event *e = &r->events[i];

		if (!o->filter)
			continue;
		if ((err = record_filter_compile(o->filter, e, &filter)))
			goto out;
		snprintf(rel, sizeof(rel), "events/%s/%s/filter", e->system, e->name);
		err = inst_write(f, rel, strbuf_str(&filter));
		if (err) {
			pr_err("filter '%s': the kernel refused '%s' for '%s:%s': %s", o->filter,
			       strbuf_str(&filter), e->system, e->name, strerror(-err));
			goto out;
		}
	}
	if (o->tracer && (err = set_tracer(r, f)))
		goto out;
	if (pipe2(f->pipe, O_CLOEXEC)) {
		err = -errno;
		goto out;
	}
	for (cpu = 0; cpu < r->nr_cpus; cpu++) {
		snprintf(path, sizeof(path), "%s/per_cpu/cpu%d/trace_pipe_raw", f->dir, cpu);
		f->raw[cpu] = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (f->raw[cpu] < 0 && errno != ENOENT) {
			err = -errno;
			pr_err("cannot open '%s': %s", path, strerror(errno));
			goto out;
		}
	}
	for (i = 0; i < r->nr_events; i++) {
		snprintf(rel, sizeof(rel), "events/%s/%s/enable", r->events[i].system, r->events[i].name);
		if ((err = inst_write_report(f, rel, "1")))
			goto out;
	}
	err = inst_write_report(f, "tracing_on", "1");
out:
	strbuf_release(&filter);
	return err;
}

/* Moves the whole pages of one CPU.  Returns 0 or -errno. */
static int drain_cpu(struct record *r, struct ftrace_rec *f, int cpu, bool final)
{
	int out = r->cpus[cpu].fd, in = f->raw[cpu];

	if (in < 0)
		return 0;
	while (!f->use_read && !final) {
		ssize_t n = splice(in, NULL, f->pipe[1], NULL, (size_t)f->page * SPLICE_PAGES,
				   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (n < 0 && errno == EINVAL) {
			f->use_read = true;
			break;
		}
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		while (n > 0) {
			ssize_t m = splice(f->pipe[0], NULL, out, NULL, (size_t)n, SPLICE_F_MOVE);

			if (m < 0 && errno == EINTR)
				continue;
			if (m <= 0)
				return m < 0 ? -errno : -EIO;
			n -= m;
		}
	}
	for (;;) {
		ssize_t n = read(in, f->buf, (size_t)f->page);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		if (n < f->page)
			memset(f->buf + n, 0, (size_t)(f->page - n));
		if (write(out, f->buf, (size_t)f->page) != f->page)
			return -EIO;
	}
}

int ftrace_record_poll(struct record *r, int timeout_ms)
{
	struct ftrace_rec *f = r->priv;
	struct pollfd pfd[256];
	int cpu, n = 0, err;

	for (cpu = 0; cpu < r->nr_cpus && n < 256; cpu++) {
		if (f->raw[cpu] < 0)
			continue;
		pfd[n].fd = f->raw[cpu];
		pfd[n].events = POLLIN;
		n++;
	}
	if (timeout_ms > 0 && poll(pfd, (nfds_t)n, timeout_ms) < 0 && errno != EINTR)
		return -errno;
	for (cpu = 0; cpu < r->nr_cpus; cpu++)
		if ((err = drain_cpu(r, f, cpu, false))) {
			pr_err("cannot move the data of CPU %d: %s", cpu, strerror(-err));
			return err;
		}
	return 0;
}

static uint64_t stat_value(const char *stats, const char *key)
{
	const char *p = strstr(stats, key);

	return p ? strtoull(p + strlen(key), NULL, 10) : 0;
}

int ftrace_record_stop(struct record *r)
{
	struct ftrace_rec *f = r->priv;
	int cpu, err = 0;

	if (!f || !f->made)
		return 0;
	inst_write(f, "tracing_on", "0");
	for (cpu = 0; cpu < r->nr_cpus && !err; cpu++) {
		err = drain_cpu(r, f, cpu, false);
		err = err ? : drain_cpu(r, f, cpu, true);
	}
	if (err)
		pr_err("cannot move the last data: %s", strerror(-err));
	for (cpu = 0; cpu < r->nr_cpus; cpu++) {
		struct strbuf sb = STRBUF_INIT;
		char path[8192];

		snprintf(path, sizeof(path), "%s/per_cpu/cpu%d/stats", f->dir, cpu);
		if (strbuf_read_file(&sb, path, STATS_MAX))
			continue;
		r->cpus[cpu].lost = stat_value(sb.buf, "overrun: ") + stat_value(sb.buf, "dropped events: ");
		f->entries += stat_value(sb.buf, "read events: ");
		r->cpus[cpu].stats = strbuf_detach(&sb);
	}
	return err;
}

uint64_t ftrace_record_entries(const struct record *r)
{
	const struct ftrace_rec *f = r->priv;

	return f ? f->entries : 0;
}

void ftrace_record_release(struct record *r)
{
	struct ftrace_rec *f = r->priv;
	int cpu;

	if (!f)
		return;
	for (cpu = 0; f->raw && cpu < r->nr_cpus; cpu++)
		if (f->raw[cpu] >= 0)
			close(f->raw[cpu]);
	if (f->pipe[0] >= 0)
		close(f->pipe[0]);
	if (f->pipe[1] >= 0)
		close(f->pipe[1]);
	if (f->made && f->top) {
		size_t i;
		char rel[1024];

		inst_write(f, "tracing_on", "0");
		for (i = 0; i < r->nr_events; i++) {
			snprintf(rel, sizeof(rel), "events/%s/%s/enable", r->events[i].system,
				 r->events[i].name);
			inst_write(f, rel, "0");
			snprintf(rel, sizeof(rel), "events/%s/%s/filter", r->events[i].system,
				 r->events[i].name);
			if (r->opts.filter)
				inst_write(f, rel, "0");
		}
		inst_write(f, "current_tracer", "nop");
		inst_write(f, "set_ftrace_filter", "");
		inst_write(f, "set_ftrace_pid", "");
		inst_write(f, "set_event_pid", "");
		inst_write(f, "options/event-fork", "0");
		inst_write(f, "options/function-fork", "0");
		if (f->saved_overwrite[0])
			inst_write(f, "options/overwrite", f->saved_overwrite);
		if (f->saved_kb[0])
			inst_write(f, "buffer_size_kb", f->saved_kb);
		inst_write(f, "trace", "");
		inst_write(f, "tracing_on", f->saved_on[0] ? f->saved_on : "1");
	} else if (f->made) {
		inst_write(f, "tracing_on", "0");
		inst_write(f, "events/enable", "0");
		if (r->opts.tracer)
			inst_write(f, "current_tracer", "nop");
	}
	if (f->made && rmdir(f->inst))
		pr_warn("cannot remove the tracefs instance '%s': %s", f->inst, strerror(errno));
	free(f->raw);
	free(f->buf);
	free(f);
	r->priv = NULL;
}
