// SPDX-License-Identifier: GPL-2.0
/*
 * The part of recording both data paths share: which events, the kprobe and
 * uprobe trace events scry creates for them, the per-CPU files, the
 * trace.dat at the end.  See record.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <dirent.h>
#include <unistd.h>

#include "mech/cleanup.h"
#include "mech/record.h"
#include "mech/tracefs.h"
#include "probe/user_resolve.h"
#include "util/log.h"
#include "util/strbuf.h"

#define FORMAT_MAX (1u << 20)
#define CMDLINES_MAX (4u << 20)

const char *record_backend_unusable(enum record_backend b)
{
	return b == REC_PERF ? perf_record_unusable() : ftrace_record_unusable();
}

/* Adds system:name with its format file; duplicates are skipped. */
static int add_event(struct record *r, const char *system, const char *name)
{
	struct strbuf f = STRBUF_INIT;
	struct tracedat_event *e;
	char rel[512], path[4096];
	size_t i;
	char *dc;
	int err;

	for (i = 0; i < r->nr_events; i++)
		if (!strcmp(r->events[i].system, system) && !strcmp(r->events[i].name, name))
			return 0;
	if (snprintf(rel, sizeof(rel), "events/%s/%s/format", system, name) >= (int)sizeof(rel))
		return -ENAMETOOLONG;
	if ((err = tracefs_path(path, sizeof(path), rel)))
		return err;
	if ((err = strbuf_read_file(&f, path, FORMAT_MAX))) {
		pr_err("event '%s:%s': cannot read its format: %s", system, name, strerror(-err));
		return err;
	}
	e = realloc(r->events, (r->nr_events + 1) * sizeof(*e));
	if (!e)
		goto nomem;
	r->events = e;
	dc = realloc(r->dyn_created, (r->nr_events + 1) * sizeof(*dc));
	if (!dc)
		goto nomem;
	r->dyn_created = dc;
	e = &r->events[r->nr_events];
	memset(e, 0, sizeof(*e));
	e->system = strdup(system);
	e->name = strdup(name);
	e->len = f.len;
	e->format = strbuf_detach(&f);
	r->dyn_created[r->nr_events] = 0;
	r->nr_events++;
	if (!e->system || !e->name)
		return -ENOMEM;
	return 0;
nomem:
	strbuf_release(&f);
	return -ENOMEM;
}

struct match_ctx {
	struct record *r;
	const char *sys_glob, *ev_glob;
	size_t found;
	int err;
};

static int match_one(const char *category, const char *event, void *ctx)
{
	struct match_ctx *m = ctx;

	if (fnmatch(m->sys_glob, category, 0) || fnmatch(m->ev_glob, event, 0))
		return 0;
	m->found++;
	m->err = add_event(m->r, category, event);
	return m->err ? 1 : 0;
}

static int add_tracepoints(struct record *r, const char *spec, const char *sys, const char *ev)
{
	struct match_ctx m = { .r = r, .sys_glob = sys, .ev_glob = ev };
	int err;

	err = tracefs_for_each_event(sys, match_one, &m);
	if (m.err)
		return m.err;
	if (err < 0) {
		pr_err("event '%s': no tracefs events: %s", spec, strerror(-err));
		return err;
	}
	if (!m.found) {
		pr_err("event '%s': no such tracepoint (see 'scry list tracepoint:%s:%s')", spec, sys, ev);
		return -ENOENT;
	}
	return 0;
}

/* An event name from a function name: [A-Za-z0-9_], at most 48 characters. */
static void event_name(char *buf, size_t len, const char *func, const char *suffix)
{
	size_t i, n = 0;

	for (i = 0; func[i] && n + 1 < len && n < 48; i++) {
		char c = func[i];

		buf[n++] = ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9')) ? c : '_';
	}
	buf[n] = 0;
	if (n && buf[0] >= '0' && buf[0] <= '9')
		buf[0] = '_';
	strncat(buf, suffix, len - strlen(buf) - 1);
}

/*
 * Creates a kprobe or uprobe trace event (kind 'p' or 'r') named name in
 * the group and adds it.  where is "func" or "path:0xOFF".
 */
static int add_dynamic(struct record *r, const char *spec, bool uprobe, char kind,
		       const char *name, const char *where, const char *args)
{
	struct strbuf cmd = STRBUF_INIT;
	const char *file = uprobe ? "uprobe_events" : "kprobe_events";
	char path[4096];
	int err;

	if ((err = tracefs_path(path, sizeof(path), file)))
		return err;
	if (access(path, W_OK)) {
		err = -errno;
		if (uprobe)
			pr_err("event '%s': this kernel has no uprobe_events (CONFIG_UPROBE_EVENTS is off)", spec);
		else
			pr_err("event '%s': this kernel has no kprobe_events (CONFIG_KPROBES is off)", spec);
		return err;
	}
	err = strbuf_addf(&cmd, "%c:%s/%s %s%s%s", kind, r->group, name, where, args ? " " : "",
			  args ? args : "");
	if (err)
		return err;
	err = tracefs_write(path, strbuf_str(&cmd), true);
	if (err) {
		pr_err("event '%s': the kernel refused '%s': %s", spec, strbuf_str(&cmd), strerror(-err));
		goto out;
	}
	err = add_event(r, r->group, name);
	if (!err)
		r->dyn_created[r->nr_events - 1] = uprobe ? 'u' : 'k';
	else {
		strbuf_reset(&cmd);
		strbuf_addf(&cmd, "-:%s/%s", r->group, name);
		tracefs_write(path, strbuf_str(&cmd), true);
	}
out:
	strbuf_release(&cmd);
	return err;
}

static int resolve_one(struct record *r, const char *spec_in)
{
	char *spec = strdup(spec_in), *args, *c1, *c2, *rest;
	char name[64];
	int err = 0;

	if (!spec)
		return -ENOMEM;
	args = spec + strcspn(spec, " \t");
	if (*args) {
		*args++ = 0;
		args += strspn(args, " \t");
		if (!*args)
			args = NULL;
	} else {
		args = NULL;
	}
	rest = spec;
	c1 = strchr(rest, ':');
	if (!c1) {
		pr_err("event '%s': expected SYSTEM:EVENT, kprobe:FUNC or uprobe:PATH:FUNC", spec_in);
		err = -EINVAL;
		goto out;
	}
	*c1 = 0;
	if (!strcmp(rest, "kprobe") || !strcmp(rest, "kretprobe") || !strcmp(rest, "k") ||
	    !strcmp(rest, "kr")) {
		bool ret = rest[1] == 'r' || !strcmp(rest, "kretprobe");
		const char *func = c1 + 1;

		if (!*func || strpbrk(func, "*?[ ")) {
			pr_err("event '%s': a kprobe event needs one function name", spec_in);
			err = -EINVAL;
			goto out;
		}
		event_name(name, sizeof(name), func, ret ? "_ret" : "");
		err = add_dynamic(r, spec_in, false, ret ? 'r' : 'p', name, func, args);
	} else if (!strcmp(rest, "uprobe") || !strcmp(rest, "uretprobe") || !strcmp(rest, "u") ||
		   !strcmp(rest, "ur")) {
		bool ret = !strcmp(rest, "ur") || !strcmp(rest, "uretprobe");
		struct user_sites sites = { 0 };
		char where[4200];

		c2 = strrchr(c1 + 1, ':');
		if (!c2 || c2 == c1 + 1 || !c2[1]) {
			pr_err("event '%s': expected uprobe:PATH:FUNC", spec_in);
			err = -EINVAL;
			goto out;
		}
		*c2 = 0;
		err = user_resolve_uprobe(spec_in, c1 + 1, c2 + 1, 0, 0, &sites);
		if (err)
			goto out;
		if (sites.nr != 1) {
			pr_err("event '%s': matches %zu functions; a uprobe event takes one", spec_in,
			       sites.nr);
			user_sites_release(&sites);
			err = -EINVAL;
			goto out;
		}
		snprintf(where, sizeof(where), "%s:0x%" PRIx64, sites.v[0].path, sites.v[0].offset);
		event_name(name, sizeof(name), c2 + 1, ret ? "_ret" : "");
		user_sites_release(&sites);
		err = add_dynamic(r, spec_in, true, ret ? 'r' : 'p', name, where, args);
	} else {
		const char *sys = rest, *ev = c1 + 1;

		if (!strcmp(rest, "tracepoint") || !strcmp(rest, "t")) {
			c2 = strchr(c1 + 1, ':');
			if (!c2) {
				pr_err("event '%s': expected tracepoint:SYSTEM:EVENT", spec_in);
				err = -EINVAL;
				goto out;
			}
			*c2 = 0;
			sys = c1 + 1;
			ev = c2 + 1;
		}
		if (args || !*sys || !*ev) {
			pr_err("event '%s': a tracepoint takes no arguments", spec_in);
			err = -EINVAL;
			goto out;
		}
		err = add_tracepoints(r, spec_in, sys, ev);
	}
out:
	free(spec);
	return err;
}

static int open_tmp(const char *dir)
{
	char path[4096];
	int fd;

	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	snprintf(path, sizeof(path), "%s/.scry-record-XXXXXX", dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	unlink(path);
	return fd;
}

/* The threads of pid now (a pid alone when its task directory cannot be read). */
static int collect_tids(struct record *r, pid_t pid)
{
	char path[64];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	while (d && (de = readdir(d))) {
		pid_t *t;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		t = realloc(r->tids, (r->nr_tids + 1) * sizeof(*t));
		if (!t) {
			closedir(d);
			return -ENOMEM;
		}
		r->tids = t;
		r->tids[r->nr_tids++] = (pid_t)strtol(de->d_name, NULL, 10);
	}
	if (d)
		closedir(d);
	if (!r->nr_tids) {
		r->tids = malloc(sizeof(*r->tids));
		if (!r->tids)
			return -ENOMEM;
		r->tids[r->nr_tids++] = pid;
	}
	return 0;
}

int record_start(struct record *r, const struct record_opts *opts, enum record_backend b)
{
	size_t i;
	int cpu, err;

	memset(r, 0, sizeof(*r));
	r->opts = *opts;
	if (!tracefs_dir(true))
		return -ENOENT;
	if ((err = tracefs_scry_name(r->group, sizeof(r->group), "rec")))
		return err;
	if (b == REC_AUTO)
		b = ftrace_record_unusable() ? REC_PERF : REC_FTRACE;
	r->backend = b;
	if (record_backend_unusable(b)) {
		pr_err("the %s backend cannot run here: %s", b == REC_PERF ? "perf" : "ftrace",
		       record_backend_unusable(b));
		return -EOPNOTSUPP;
	}
	if (opts->tracer && b == REC_PERF) {
		pr_err("the %s tracer records through ftrace only (use --backend ftrace)", opts->tracer);
		return -EINVAL;
	}
	for (i = 0; i < opts->nr_events; i++)
		if ((err = resolve_one(r, opts->events[i])))
			return err;
	if (!r->nr_events && !opts->tracer) {
		pr_err("nothing to record: name events with -e or a tracer with -p");
		return -EINVAL;
	}
	if (opts->pid && (err = collect_tids(r, opts->pid)))
		return err;
	r->nr_cpus = (int)sysconf(_SC_NPROCESSORS_CONF);
	if (r->nr_cpus < 1)
		r->nr_cpus = 1;
	r->cpus = calloc((size_t)r->nr_cpus, sizeof(*r->cpus));
	if (!r->cpus)
		return -ENOMEM;
	for (cpu = 0; cpu < r->nr_cpus; cpu++)
		r->cpus[cpu].fd = -1;
	for (cpu = 0; cpu < r->nr_cpus; cpu++) {
		r->cpus[cpu].fd = open_tmp(opts->tmpdir ? opts->tmpdir : "/tmp");
		if (r->cpus[cpu].fd < 0) {
			err = r->cpus[cpu].fd;
			pr_err("cannot create a file in '%s': %s", opts->tmpdir ? opts->tmpdir : "/tmp",
			       strerror(-err));
			return err;
		}
	}
	err = b == REC_PERF ? perf_record_start(r) : ftrace_record_start(r);
	if (!err)
		r->started = true;
	return err;
}

int record_poll(struct record *r, int timeout_ms)
{
	return r->backend == REC_PERF ? perf_record_poll(r, timeout_ms) :
					ftrace_record_poll(r, timeout_ms);
}

int record_stop(struct record *r)
{
	return r->backend == REC_PERF ? perf_record_stop(r) : ftrace_record_stop(r);
}

/* "pid comm" lines: the kernel's saved_cmdlines, then every task in /proc now. */
static int collect_cmdlines(struct strbuf *sb)
{
	char path[4096];
	struct dirent *de;
	DIR *d, *t;
	int err = 0;

	if (!tracefs_path(path, sizeof(path), "saved_cmdlines"))
		strbuf_read_file(sb, path, CMDLINES_MAX);
	if (sb->len && sb->buf[sb->len - 1] != '\n')
		strbuf_addch(sb, '\n');
	d = opendir("/proc");
	if (!d)
		return 0;
	while (!err && (de = readdir(d))) {
		struct dirent *te;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/task", de->d_name);
		t = opendir(path);
		if (!t)
			continue;
		while (!err && (te = readdir(t))) {
			struct strbuf comm = STRBUF_INIT;

			if (te->d_name[0] < '1' || te->d_name[0] > '9')
				continue;
			snprintf(path, sizeof(path), "/proc/%s/task/%s/comm", de->d_name, te->d_name);
			if (!strbuf_read_file(&comm, path, 64) && comm.len) {
				if (comm.buf[comm.len - 1] == '\n')
					comm.buf[--comm.len] = 0;
				err = strbuf_addf(sb, "%s %s\n", te->d_name, comm.buf);
			}
			strbuf_release(&comm);
		}
		closedir(t);
	}
	closedir(d);
	return err;
}

int record_write(struct record *r, int fd)
{
	struct tracedat_cpu *cpus = calloc((size_t)r->nr_cpus, sizeof(*cpus));
	struct tracedat_info in = { 0 };
	struct strbuf cmdlines = STRBUF_INIT;
	char uname_buf[512];
	struct utsname u;
	int cpu, err;

	if (!cpus)
		return -ENOMEM;
	for (cpu = 0; cpu < r->nr_cpus; cpu++) {
		off_t end = lseek(r->cpus[cpu].fd, 0, SEEK_END);

		cpus[cpu].fd = r->cpus[cpu].fd;
		cpus[cpu].size = end > 0 ? (uint64_t)end : 0;
		cpus[cpu].lost = r->cpus[cpu].lost;
		cpus[cpu].stats = r->cpus[cpu].stats;
		cpus[cpu].entries = r->backend == REC_PERF ? r->cpus[cpu].pages.entries : 0;
	}
	err = strbuf_add(&cmdlines, strbuf_str(&r->comms), r->comms.len);
	err = err ? : collect_cmdlines(&cmdlines);
	if (err)
		goto out;
	in.events = r->events;
	in.nr_events = r->nr_events;
	in.kallsyms = r->opts.tracer != NULL || r->opts.callchain;
	for (cpu = 0; (size_t)cpu < r->nr_events; cpu++)
		if (r->dyn_created[cpu] == 'k')
			in.kallsyms = true;	/* kprobe events print their address as a symbol */
	in.cmdlines = strbuf_str(&cmdlines);
	in.cmdlines_len = cmdlines.len;
	in.nr_cpus = r->nr_cpus;
	in.cpus = cpus;
	if (!uname(&u)) {
		snprintf(uname_buf, sizeof(uname_buf), "%s %s %s %s", u.sysname, u.nodename, u.release,
			 u.machine);
		in.uname = uname_buf;
	}
	err = tracedat_write(fd, &in);
out:
	strbuf_release(&cmdlines);
	free(cpus);
	return err;
}

uint64_t record_entries(const struct record *r)
{
	uint64_t n = 0;
	int cpu;

	if (r->backend == REC_FTRACE)
		return ftrace_record_entries(r);
	for (cpu = 0; cpu < r->nr_cpus; cpu++)
		n += r->cpus[cpu].pages.entries;
	return n;
}

uint64_t record_lost(const struct record *r)
{
	uint64_t n = 0;
	int cpu;

	for (cpu = 0; r->cpus && cpu < r->nr_cpus; cpu++)
		n += r->cpus[cpu].lost;
	return n;
}

void record_release(struct record *r)
{
	char path[4096];
	size_t i;
	int cpu;

	if (!r)
		return;
	if (r->backend == REC_PERF)
		perf_record_release(r);
	else
		ftrace_record_release(r);
	for (i = 0; i < r->nr_events; i++) {
		if (r->dyn_created && r->dyn_created[i]) {
			struct strbuf cmd = STRBUF_INIT;
			const char *file = r->dyn_created[i] == 'u' ? "uprobe_events" : "kprobe_events";

			/* the removal goes to the file that made the event */
			strbuf_addf(&cmd, "-:%s/%s", r->group, r->events[i].name);
			if (tracefs_path(path, sizeof(path), file) ||
			    tracefs_write(path, strbuf_str(&cmd), true))
				pr_warn("cannot remove the event '%s/%s'", r->group, r->events[i].name);
			strbuf_release(&cmd);
		}
		tracedat_event_release(&r->events[i]);
	}
	free(r->events);
	free(r->dyn_created);
	for (cpu = 0; r->cpus && cpu < r->nr_cpus; cpu++) {
		if (r->cpus[cpu].fd >= 0)
			close(r->cpus[cpu].fd);
		tracedat_page_release(&r->cpus[cpu].pages);
		free(r->cpus[cpu].stats);
	}
	free(r->cpus);
	free(r->tids);
	strbuf_release(&r->comms);
	memset(r, 0, sizeof(*r));
}

static bool ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool ident_char(char c)
{
	return ident_start(c) || (c >= '0' && c <= '9');
}

/* Whether the format text has a field named name (a "field:" line whose declaration ends in it). */
static bool format_has_field(const char *fmt, const char *name, size_t nlen)
{
	const char *p = fmt;

	while ((p = strstr(p, "field:"))) {
		const char *semi = strchr(p, ';'), *e;

		if (!semi)
			break;
		e = semi;
		if (e > p && e[-1] == ']') {	/* "char comm[16]" */
			while (e > p && *e != '[')
				e--;
		}
		if ((size_t)(e - p) > nlen && !memcmp(e - nlen, name, nlen) && !ident_char(e[-(long)nlen - 1]))
			return true;
		p = semi;
	}
	return false;
}

int record_filter_compile(const char *expr, const struct tracedat_event *e, struct strbuf *out)
{
	const char *p = expr;
	int err = 0;

	strbuf_reset(out);
	while (*p && !err) {
		if (*p == '"' || *p == '\'') {
			const char *q = p + 1;

			while (*q && *q != *p)
				q += q[0] == '\\' && q[1] ? 2 : 1;
			if (!*q) {
				pr_err("filter '%s': unterminated string", expr);
				return -EINVAL;
			}
			err = strbuf_add(out, p, (size_t)(q + 1 - p));
			p = q + 1;
		} else if (ident_start(*p)) {
			const char *q = p;
			size_t n;

			while (ident_char(*q))
				q++;
			n = (size_t)(q - p);
			/* bpftrace's spellings: args.f / args->f, pid, tid */
			if ((n == 4 && !memcmp(p, "args", 4)) && (q[0] == '.' || (q[0] == '-' && q[1] == '>'))) {
				p = q + (q[0] == '.' ? 1 : 2);
				continue;
			}
			if ((n == 3 && (!memcmp(p, "pid", 3) || !memcmp(p, "tid", 3))) &&
			    !format_has_field(e->format, p, n)) {
				err = strbuf_addstr(out, "common_pid");
			} else {
				bool special = (n == 4 && (!memcmp(p, "comm", 4) || !memcmp(p, "COMM", 4))) ||
					       (n == 3 && (!memcmp(p, "cpu", 3) || !memcmp(p, "CPU", 3)));

				if (!special && !format_has_field(e->format, p, n)) {
					pr_err("filter '%s': event '%s:%s' has no field '%.*s'", expr, e->system,
					       e->name, (int)n, p);
					return -EINVAL;
				}
				err = strbuf_add(out, p, n);
			}
			p = q;
		} else {
			err = strbuf_addch(out, *p++);
		}
	}
	return err;
}
