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
	char dir[4096];		/* the instance's directory */
	bool made;
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

static int set_tracer(struct record *r, struct ftrace_rec *f)
{
	const struct record_opts *o = &r->opts;
	struct strbuf avail = STRBUF_INIT;
	char path[8192], pidstr[32];
	size_t i;
	int err;

	snprintf(path, sizeof(path), "%s/available_tracers", f->dir);
	if (strbuf_read_file(&avail, path, 4096) == 0) {
		const char *p = strbuf_str(&avail);
		size_t n = strlen(o->tracer);
		bool found = false;

		while ((p = strstr(p, o->tracer))) {
			if ((p == avail.buf || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || !p[n]))
				found = true;
			p += n;
		}
		strbuf_release(&avail);
		if (!found) {
			pr_err("the %s tracer is not available here: this kernel's instances do not offer it "
			       "(available_tracers)", o->tracer);
			return -EOPNOTSUPP;
		}
	}
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
		snprintf(pidstr, sizeof(pidstr), "%d", (int)o->pid);
		if ((err = inst_write_report(f, "set_ftrace_pid", pidstr)))
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
		snprintf(num, sizeof(num), "%d", (int)o->pid);
		if ((err = inst_write_report(f, "set_event_pid", num)))
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
	if (f->made) {
		inst_write(f, "tracing_on", "0");
		inst_write(f, "events/enable", "0");
		if (r->opts.tracer)
			inst_write(f, "current_tracer", "nop");
		if (rmdir(f->dir))
			pr_warn("cannot remove the tracefs instance '%s': %s", f->dir, strerror(errno));
	}
	free(f->raw);
	free(f->buf);
	free(f);
	r->priv = NULL;
}
