// SPDX-License-Identifier: GPL-2.0
/*
 * scry stat: count events with perf_event_open (no sampling) while a
 * command runs, for a process or for the whole system, and print them as
 * perf stat does: counts, units, derived ratios, elapsed time; -I rows,
 * -r repeats with the spread, -f json one object per counter.
 *
 * Events are spelled as perf spells them (page-faults, cycles:u, r01c2,
 * sched:sched_switch, syscalls:sys_enter_*) or as bpftrace does
 * (software:faults, hardware:cycles, tracepoint:sched:sched_switch).
 * Without hardware counters (ENOENT) an explicit cycles falls back to
 * cpu-clock, as perf does, with one sentence saying so.
 */
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "mech/perf_event.h"
#include "mech/tracefs.h"
#include "out/json.h"
#include "probe/perf_events.h"
#include "runtime/child.h"
#include "util/log.h"
#include "util/strbuf.h"

#define MAX_COUNTERS 4096

enum ckind {
	CK_CLOCK,	/* task-clock, cpu-clock: nanoseconds, shown in msec */
	CK_SOFTWARE,
	CK_HARDWARE,
	CK_RAW,
	CK_TRACEPOINT,
};

struct counter {
	char *name;			/* as printed; owned */
	enum ckind kind;
	struct perf_event_attr attr;
	int *fds;			/* nr_fds; -1 where closed */
	int nr_fds;
	bool unsupported;		/* ENOENT/EOPNOTSUPP: "<not supported>" */
	double value;			/* this run (scaled), or the mean over runs */
	double prev;			/* -I: the value at the previous row */
	double enabled, running;
	double m2;			/* -r: running variance (Welford) */
};

enum target { T_CMD, T_PID, T_ALL };

struct stat_run {
	struct counter *c;
	size_t nr;
	enum target target;
	pid_t pid;			/* -p */
	const char *cmd;		/* -c or the words after -- (joined) */
	char *cmd_owned;
	unsigned int interval_ms;	/* -I */
	unsigned int repeat;		/* -r */
	bool json;
	FILE *out;
	int ncpus;
	double elapsed_ns, elapsed_m2;	/* mean over runs, its variance */
	double user_s, sys_s;
	int child_status;
};

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	stop_flag = 1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: scry stat [-e EVENT[,EVENT...]]... [-a | -p PID | -c 'CMD' | -- CMD ARGS...]\n"
		"                 [-I MS] [-r N] [-f text|json] [-o FILE]\n"
		"\n"
		"Counts events while CMD runs (or PID, or the whole system until Ctrl-C)\n"
		"and prints them as perf stat does.\n"
		"\n"
		"  -e EVENTS     events, comma-separated: perf names (task-clock, page-faults,\n"
		"                cycles:u, r01c2, sched:sched_switch, 'syscalls:sys_enter_*')\n"
		"                or bpftrace's (software:faults, tracepoint:sched:sched_switch);\n"
		"                default: perf stat's set\n"
		"  -a            the whole system\n"
		"  -p PID        process PID (and the children it starts)\n"
		"  -c CMD        run CMD (split into words like a shell) and count it\n"
		"  -I MS         print the counts of every MS milliseconds\n"
		"  -r N          run CMD N times, print the means and their spread\n"
		"  -f text|json  output format (json: one object per counter, as perf stat -j)\n"
		"  -o FILE       write to FILE (default: stderr, as perf)\n"
		"  -h, --help    this text\n");
}

/* ---- events ---- */

static void counter_release(struct counter *c)
{
	int i;

	for (i = 0; i < c->nr_fds; i++)
		if (c->fds[i] >= 0)
			close(c->fds[i]);
	free(c->fds);
	c->fds = NULL;
	c->nr_fds = 0;
}

static int counter_add(struct stat_run *r, const char *name, enum ckind kind, uint32_t type,
		       uint64_t config)
{
	struct counter *c;

	if (r->nr >= MAX_COUNTERS) {
		fprintf(stderr, "scry stat: error: more than %d events\n", MAX_COUNTERS);
		return -E2BIG;
	}
	if (!(r->nr & (r->nr + 1))) {	/* grow at 0, 1, 3, 7, ... */
		struct counter *n = realloc(r->c, (r->nr * 2 + 2) * sizeof(*n));

		if (!n)
			return -ENOMEM;
		r->c = n;
	}
	c = &r->c[r->nr];
	memset(c, 0, sizeof(*c));
	c->name = strdup(name);
	if (!c->name)
		return -ENOMEM;
	c->kind = kind;
	c->attr.type = type;
	c->attr.config = config;
	r->nr++;
	return 0;
}

struct tp_glob {
	struct stat_run *r;
	const char *cat, *ev;
	int found, err;
};

static int tp_glob_one(const char *category, const char *event, void *ctx)
{
	struct tp_glob *g = ctx;
	char name[512];
	int id;

	if (fnmatch(g->cat, category, 0) || fnmatch(g->ev, event, 0))
		return 0;
	id = perf_tracepoint_id(category, event);
	if (id < 0)
		return 0;	/* listed but gone: skip, as perf does */
	snprintf(name, sizeof(name), "%s:%s", category, event);
	g->err = counter_add(g->r, name, CK_TRACEPOINT, PERF_TYPE_TRACEPOINT, (uint64_t)id);
	g->found++;
	return g->err ? 1 : 0;
}

/* CAT:EVENT with fnmatch wildcards: one counter per matching event, in tracefs' order. */
static int add_tracepoints(struct stat_run *r, const char *spec, const char *cat, const char *ev)
{
	struct tp_glob g = { .r = r, .cat = cat, .ev = ev };
	int err;

	if (!strpbrk(cat, "*?[") && !strpbrk(ev, "*?[")) {
		int id;

		id = perf_tracepoint_id(cat, ev);
		if (id < 0) {
			fprintf(stderr, "scry stat: error: unknown event '%s'\n", spec);
			return -ENOENT;
		}
		return counter_add(r, spec, CK_TRACEPOINT, PERF_TYPE_TRACEPOINT, (uint64_t)id);
	}
	err = tracefs_for_each_event(cat, tp_glob_one, &g);
	if (err < 0 && !g.err) {
		fprintf(stderr, "scry stat: error: '%s': no tracefs events here: %s\n", spec,
			strerror(-err));
		return err;
	}
	if (g.err)
		return g.err;
	if (!g.found) {
		fprintf(stderr, "scry stat: error: no tracepoint matches '%s'\n", spec);
		return -ENOENT;
	}
	return 0;
}

/* Strips a perf modifier suffix (:u :k :uk ...) into attr exclusions.  Returns the flags. */
static bool split_modifier(char *s, bool *excl_user, bool *excl_kernel)
{
	char *colon = strrchr(s, ':');
	const char *m;
	bool u = false, k = false;

	if (!colon || !colon[1])
		return false;
	for (m = colon + 1; *m; m++) {
		if (*m == 'u')
			u = true;
		else if (*m == 'k')
			k = true;
		else
			return false;
	}
	*colon = '\0';
	*excl_user = k && !u;
	*excl_kernel = u && !k;
	return true;
}

static int add_event(struct stat_run *r, const char *spec)
{
	char buf[512], *s = buf, *colon, *end;
	const struct perf_event_name *pe = NULL;
	bool xu = false, xk = false, mod = false;
	int err;

	if (strlen(spec) >= sizeof(buf) || !*spec) {
		fprintf(stderr, "scry stat: error: bad event name '%s'\n", spec);
		return -EINVAL;
	}
	strcpy(buf, spec);
	/* bpftrace's spellings: provider:... */
	colon = strchr(s, ':');
	if (colon) {
		size_t n = (size_t)(colon - s);

		if ((n == 10 && !strncmp(s, "tracepoint", n)) || (n == 1 && *s == 't')) {
			char *ev;

			s = colon + 1;
			ev = strchr(s, ':');
			if (!ev)
				goto bad;
			*ev++ = '\0';
			return add_tracepoints(r, spec, s, ev);
		}
		if ((n == 8 && !strncmp(s, "software", n)) || (n == 1 && *s == 's') ||
		    (n == 8 && !strncmp(s, "hardware", n)) || (n == 1 && *s == 'h')) {
			uint32_t type = (*s == 's') ? PERF_TYPE_SOFTWARE : PERF_TYPE_HARDWARE;

			s = colon + 1;
			colon = strchr(s, ':');
			if (colon)
				*colon = '\0';	/* the sampling period means nothing when counting */
			pe = perf_event_find(type, s);
			if (!pe)
				goto bad;
			goto named;
		}
	}
	mod = split_modifier(s, &xu, &xk);
	pe = perf_event_find(PERF_TYPE_SOFTWARE, s);
	if (!pe)
		pe = perf_event_find(PERF_TYPE_HARDWARE, s);
	if (pe)
		goto named;
	if (s[0] == 'r' && s[1] && !strchr(s, ':')) {
		uint64_t cfg;

		errno = 0;
		cfg = strtoull(s + 1, &end, 16);
		if (!errno && !*end) {
			err = counter_add(r, spec, CK_RAW, PERF_TYPE_RAW, cfg);
			goto flags;
		}
	}
	if (mod) {	/* not a modifier after all: CAT:EVENT */
		strcpy(buf, spec);
		xu = xk = false;
	}
	colon = strchr(s, ':');
	if (colon && colon[1] && colon != s) {
		*colon = '\0';
		return add_tracepoints(r, spec, s, colon + 1);
	}
bad:
	fprintf(stderr, "scry stat: error: unknown event '%s' (see 'scry list')\n", spec);
	return -ENOENT;
named:
	err = counter_add(r, strchr(spec, ':') && !mod ? s : spec,
			  pe->type == PERF_TYPE_HARDWARE ? CK_HARDWARE :
			  (pe->config == PERF_COUNT_SW_TASK_CLOCK || pe->config == PERF_COUNT_SW_CPU_CLOCK) ?
			  CK_CLOCK : CK_SOFTWARE, pe->type, pe->config);
flags:
	if (!err) {
		r->c[r->nr - 1].attr.exclude_user = xu;
		r->c[r->nr - 1].attr.exclude_kernel = xk;
	}
	return err;
}

static int add_events(struct stat_run *r, const char *list)
{
	char *copy = strdup(list), *save = NULL, *tok;
	int err = copy ? 0 : -ENOMEM;

	for (tok = copy ? strtok_r(copy, ",", &save) : NULL; tok && !err;
	     tok = strtok_r(NULL, ",", &save))
		err = add_event(r, tok);
	free(copy);
	return err;
}

/* perf stat's default set. */
static int add_default_events(struct stat_run *r)
{
	static const char *const def[] = {
		"task-clock", "context-switches", "cpu-migrations", "page-faults",
		"cycles", "instructions", "branches", "branch-misses",
	};
	size_t i;
	int err = 0;

	for (i = 0; i < sizeof(def) / sizeof(def[0]) && !err; i++)
		err = add_event(r, def[i]);
	return err;
}

/* ---- opening ---- */

/* The threads of pid (/proc/PID/task).  Returns how many went into tids, or -errno. */
static int list_threads(pid_t pid, pid_t *tids, int max)
{
	char path[64];
	struct dirent *d;
	DIR *dir;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((d = readdir(dir)) && n < max) {
		char *end;
		long t = strtol(d->d_name, &end, 10);

		if (*end || t <= 0)
			continue;
		tids[n++] = (pid_t)t;
	}
	closedir(dir);
	return n;
}

/*
 * Opens every counter for the target.  An event this machine lacks is
 * marked unsupported; an explicit cycles falls back to cpu-clock (said
 * once).  Returns 0 or -errno, reported.
 */
static int open_counters(struct stat_run *r, pid_t child, bool explicit_events)
{
	pid_t tids[1024];
	int nt = 1, i;
	size_t k;

	if (r->target == T_PID) {
		nt = list_threads(r->pid, tids, 1024);
		if (nt <= 0) {
			fprintf(stderr, "scry stat: error: no process %d\n", (int)r->pid);
			return -ESRCH;
		}
	} else if (r->target == T_ALL) {
		nt = r->ncpus;
	} else {
		tids[0] = child;
	}
	for (k = 0; k < r->nr; k++) {
		struct counter *c = &r->c[k];

		c->fds = malloc((size_t)nt * sizeof(int));
		if (!c->fds)
			return -ENOMEM;
		c->nr_fds = nt;
		for (i = 0; i < nt; i++)
			c->fds[i] = -1;
		c->unsupported = false;
retry:
		for (i = 0; i < nt; i++) {
			struct perf_event_attr a = c->attr;
			int fd;

			a.inherit = r->target != T_ALL;
			if (r->target == T_CMD) {
				a.disabled = 1;
				a.enable_on_exec = 1;
			}
			fd = r->target == T_ALL ? perf_counter_open(&a, -1, i) :
						  perf_counter_open(&a, tids[i], -1);
			if (fd == -ENOENT || fd == -EOPNOTSUPP || fd == -ENODEV) {
				if (c->kind == CK_HARDWARE && c->attr.config == PERF_COUNT_HW_CPU_CYCLES &&
				    explicit_events) {
					fprintf(stderr,
						"scry stat: '%s' is not supported here (no hardware counters: %s); counting cpu-clock instead, as perf does\n",
						c->name, strerror(-fd));
					free(c->name);
					c->name = strdup("cpu-clock");
					if (!c->name)
						return -ENOMEM;
					c->kind = CK_CLOCK;
					c->attr.type = PERF_TYPE_SOFTWARE;
					c->attr.config = PERF_COUNT_SW_CPU_CLOCK;
					goto retry;
				}
				c->unsupported = true;
				break;
			}
			if (fd == -ESRCH && r->target == T_PID)
				continue;	/* the thread ended meanwhile */
			if (fd < 0) {
				fprintf(stderr, "scry stat: error: cannot count '%s': %s\n", c->name,
					strerror(-fd));
				return fd;
			}
			c->fds[i] = fd;
		}
	}
	return 0;
}

/* Sums a counter over its fds, scaled for multiplexing. */
static void read_counter(struct counter *c, double *value, double *enabled, double *running)
{
	double v = 0, e = 0, rn = 0;
	int i;

	for (i = 0; i < c->nr_fds; i++) {
		struct perf_count pc;

		if (c->fds[i] < 0 || perf_counter_read(c->fds[i], &pc))
			continue;
		if (pc.running && pc.running < pc.enabled)
			v += (double)pc.value * (double)pc.enabled / (double)pc.running;
		else
			v += (double)pc.value;
		e += (double)pc.enabled;
		rn += (double)pc.running;
	}
	*value = v;
	*enabled = e;
	*running = rn;
}

/* ---- printing ---- */

static const struct counter *find_kind(const struct stat_run *r, enum ckind kind, uint64_t config)
{
	size_t i;

	for (i = 0; i < r->nr; i++)
		if (!r->c[i].unsupported && r->c[i].attr.type == (kind == CK_HARDWARE ?
			PERF_TYPE_HARDWARE : PERF_TYPE_SOFTWARE) && r->c[i].attr.config == config)
			return &r->c[i];
	return NULL;
}

/*
 * The ratio perf stat prints after '#': CPUs utilized for clocks, events
 * per second of task-clock for software events, GHz, IPC, miss rates.
 * Returns false when there is none.  vals: each counter's value for this
 * row (mean, or interval delta) in the order of r->c.
 */
static bool metric(const struct stat_run *r, const double *vals, size_t i, double wall_ns,
		   double *mv, const char **unit)
{
	const struct counter *c = &r->c[i];
	const struct counter *tc = find_kind(r, CK_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK);
	double clock_ns = tc ? vals[tc - r->c] : 0;
	static char ubuf[32];
	const struct counter *o;

	if (c->kind == CK_CLOCK) {
		if (wall_ns <= 0)
			return false;
		*mv = vals[i] / wall_ns;
		*unit = "CPUs utilized";
		return true;
	}
	if (c->kind == CK_SOFTWARE && tc) {
		double rate = clock_ns > 0 ? vals[i] / (clock_ns / 1e9) : 0;
		const char *p = "";

		if (rate >= 1e9) {
			rate /= 1e9;
			p = "G";
		} else if (rate >= 1e6) {
			rate /= 1e6;
			p = "M";
		} else if (rate >= 1e3) {
			rate /= 1e3;
			p = "K";
		}
		snprintf(ubuf, sizeof(ubuf), "%s/sec", p);
		*mv = rate;
		*unit = ubuf;
		return true;
	}
	if (c->kind == CK_HARDWARE) {
		if (c->attr.config == PERF_COUNT_HW_CPU_CYCLES && tc && clock_ns > 0) {
			*mv = vals[i] / clock_ns;
			*unit = "GHz";
			return true;
		}
		o = find_kind(r, CK_HARDWARE, PERF_COUNT_HW_CPU_CYCLES);
		if (c->attr.config == PERF_COUNT_HW_INSTRUCTIONS && o && vals[o - r->c] > 0) {
			*mv = vals[i] / vals[o - r->c];
			*unit = "insn per cycle";
			return true;
		}
		o = find_kind(r, CK_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS);
		if (c->attr.config == PERF_COUNT_HW_BRANCH_MISSES && o && vals[o - r->c] > 0) {
			*mv = 100.0 * vals[i] / vals[o - r->c];
			*unit = "of all branches";
			return true;
		}
		if (tc && clock_ns > 0 && c->attr.config == PERF_COUNT_HW_BRANCH_INSTRUCTIONS) {
			*mv = vals[i] / (clock_ns / 1e9) / 1e6;
			*unit = "M/sec";
			return true;
		}
	}
	return false;
}

static double noise_pct(const struct counter *c, unsigned int n)
{
	double sd;

	if (n < 2 || c->value == 0)
		return 0;
	sd = sqrt(c->m2 / (n - 1) / n);
	return 100.0 * sd / c->value;
}

/* One counter line of perf stat's text layout (without the newline). */
static void print_line(struct stat_run *r, const double *vals, size_t i, double wall_ns,
		       double noise, bool counted)
{
	const struct counter *c = &r->c[i];
	FILE *f = r->out;
	const char *unit;
	double mv;

	if (c->unsupported || !counted) {
		fprintf(f, "%18s      %-60s", c->unsupported ? "<not supported>" : "<not counted>",
			c->name);
		return;
	}
	if (c->kind == CK_CLOCK)
		fprintf(f, "%18.2f msec ", vals[i] / 1e6);
	else
		fprintf(f, "%18.0f      ", vals[i]);
	if (metric(r, vals, i, wall_ns, &mv, &unit)) {
		if (!strcmp(unit, "of all branches"))
			fprintf(f, "%-32s #  %7.2f%% %-22s", c->name, mv, unit);
		else
			fprintf(f, "%-32s # %8.3f %-23s", c->name, mv, unit);
	} else {
		fprintf(f, "%-67s", c->name);
	}
	if (noise)
		fprintf(f, "  ( +-%6.2f%% )", noise);
}

static void print_json(struct stat_run *r, const double *vals, size_t i, double wall_ns,
		       double t_s, bool interval)
{
	const struct counter *c = &r->c[i];
	struct json_writer w;
	const char *unit;
	char num[64];
	double mv;

	json_init(&w, r->out);
	json_obj_begin(&w);
	if (interval) {
		json_key(&w, "interval");
		json_double(&w, t_s, 9);
	}
	if (c->unsupported)
		snprintf(num, sizeof(num), "<not supported>");
	else
		snprintf(num, sizeof(num), "%f", c->kind == CK_CLOCK ? vals[i] / 1e6 : vals[i]);
	json_kv_str(&w, "counter-value", num);
	json_kv_str(&w, "unit", c->kind == CK_CLOCK ? "msec" : "");
	json_kv_str(&w, "event", c->name);
	json_kv_uint(&w, "event-runtime", (uint64_t)c->running);
	json_key(&w, "pcnt-running");
	json_double(&w, c->enabled > 0 ? 100.0 * c->running / c->enabled : 0, 2);
	if (r->repeat > 1) {
		json_key(&w, "variance");
		json_double(&w, noise_pct(c, r->repeat), 2);
	}
	if (!c->unsupported && metric(r, vals, i, wall_ns, &mv, &unit)) {
		json_key(&w, "metric-value");
		json_double(&w, mv, 6);
		json_kv_str(&w, "metric-unit", unit);
	}
	json_obj_end(&w);
	fputc('\n', r->out);
}

static int precision_of(double sd)
{
	if (sd > 1 || sd <= 0)
		return 2;
	return (int)lround(ceil(-log10(sd))) + 2;
}

static void print_summary(struct stat_run *r)
{
	double *vals = calloc(r->nr ? r->nr : 1, sizeof(double));
	FILE *f = r->out;
	size_t i;

	if (!vals)
		return;
	for (i = 0; i < r->nr; i++)
		vals[i] = r->c[i].value;
	if (r->json) {
		for (i = 0; i < r->nr; i++)
			print_json(r, vals, i, r->elapsed_ns, 0, false);
		free(vals);
		return;
	}
	fputs("\n Performance counter stats for ", f);
	if (r->target == T_ALL)
		fputs("'system wide'", f);
	else if (r->target == T_PID)
		fprintf(f, "process id '%d'", (int)r->pid);
	else
		fprintf(f, "'%s'", r->cmd);
	if (r->repeat > 1)
		fprintf(f, " (%u runs)", r->repeat);
	fputs(":\n\n", f);
	for (i = 0; i < r->nr; i++) {
		print_line(r, vals, i, r->elapsed_ns, noise_pct(&r->c[i], r->repeat),
			   r->c[i].enabled > 0 || r->c[i].value > 0);
		fputc('\n', f);
	}
	fputc('\n', f);
	if (r->repeat > 1) {
		double sd = sqrt(r->elapsed_m2 / (r->repeat - 1) / r->repeat) / 1e9;
		double mean = r->elapsed_ns / 1e9;
		int p = precision_of(sd);

		fprintf(f, "%18.*f +- %.*f seconds time elapsed", p, mean, p, sd);
		if (mean > 0)
			fprintf(f, "  ( +-%6.2f%% )", 100.0 * sd / mean);
		fputs("\n\n", f);
	} else {
		fprintf(f, "%18.9f seconds time elapsed\n\n", r->elapsed_ns / 1e9);
		if (r->target == T_CMD)
			fprintf(f, "%18.9f seconds user\n%18.9f seconds sys\n\n\n", r->user_s, r->sys_s);
	}
	free(vals);
}

/* -I: one row per counter with what happened since the last row. */
static void print_interval(struct stat_run *r, double t_s, double step_ns, bool first)
{
	double *vals = calloc(r->nr ? r->nr : 1, sizeof(double));
	size_t i;

	if (!vals)
		return;
	for (i = 0; i < r->nr; i++) {
		struct counter *c = &r->c[i];
		double v, e, rn;

		read_counter(c, &v, &e, &rn);
		vals[i] = v - c->prev;
		c->prev = v;
		c->enabled = e;
		c->running = rn;
	}
	if (first && !r->json)
		fputs("#           time             counts unit events\n", r->out);
	for (i = 0; i < r->nr; i++) {
		if (r->json) {
			print_json(r, vals, i, step_ns, t_s, true);
			continue;
		}
		fprintf(r->out, "%16.9f ", t_s);
		print_line(r, vals, i, step_ns, 0, true);
		fputc('\n', r->out);
	}
	fflush(r->out);
	free(vals);
}

/* ---- running ---- */

static int pidfd_of(pid_t pid)
{
	long fd = syscall(SYS_pidfd_open, pid, 0);

	return fd < 0 ? -errno : (int)fd;
}

/*
 * One measurement: starts the command (held until the counters are open),
 * waits for its end (or PID's, or Ctrl-C), printing -I rows on the way.
 * Leaves each counter's value in c->value of this run.  Returns 0 or -errno.
 */
static int run_once(struct stat_run *r, bool explicit_events, unsigned int run_no, double *wall)
{
	struct child ch = { .pid = -1, .go_fd = -1, .err_fd = -1 };
	struct rusage ru0, ru1;
	uint64_t t0, next = 0;
	int err, pfd = -1, rows = 0;
	size_t i;

	getrusage(RUSAGE_CHILDREN, &ru0);
	if (r->cmd) {
		err = child_spawn(r->cmd, &ch);
		if (err)
			return err;
	}
	err = open_counters(r, ch.pid, explicit_events);
	if (err)
		goto out;
	if (r->cmd)
		pfd = pidfd_of(ch.pid);
	else if (r->target == T_PID)
		pfd = pidfd_of(r->pid);
	t0 = now_ns();
	if (r->cmd) {
		err = child_release(&ch, r->cmd);
		if (err) {
			ch.exited = true;
			goto out;
		}
	}
	if (r->interval_ms)
		next = t0 + (uint64_t)r->interval_ms * 1000000ULL;
	for (;;) {
		struct pollfd p = { .fd = pfd, .events = POLLIN };
		int timeout = -1, n;
		uint64_t t = now_ns();

		if (stop_flag && !r->cmd)
			break;
		if (next) {
			if (t >= next) {
				print_interval(r, (double)(next - t0) / 1e9, r->interval_ms * 1e6, !rows++);
				next += (uint64_t)r->interval_ms * 1000000ULL;
				continue;
			}
			timeout = (int)((next - t + 999999) / 1000000);
		}
		n = poll(pfd >= 0 ? &p : NULL, pfd >= 0 ? 1 : 0, timeout);
		if (n > 0)
			break;	/* the process ended */
		if (n < 0 && errno != EINTR) {
			err = -errno;
			goto out;
		}
	}
	*wall = (double)(now_ns() - t0);
	if (r->cmd) {
		int status;

		if (waitpid(ch.pid, &status, 0) == ch.pid) {
			ch.exited = true;
			ch.status = status;
			r->child_status = child_exit_code(&ch);
		}
	}
	if (r->interval_ms) {
		print_interval(r, *wall / 1e9, *wall - (double)(next - t0) +
			       r->interval_ms * 1e6, !rows++);
	}
	for (i = 0; i < r->nr; i++) {
		struct counter *c = &r->c[i];
		double v, e, rn, d;

		read_counter(c, &v, &e, &rn);
		/* Welford: the mean and the spread over the runs */
		d = v - c->value;
		c->value += d / run_no;
		c->m2 += d * (v - c->value);
		c->enabled = e;
		c->running = rn;
	}
	getrusage(RUSAGE_CHILDREN, &ru1);
	r->user_s = (double)(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec) +
		    (double)(ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec) / 1e6;
	r->sys_s = (double)(ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) +
		   (double)(ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1e6;
out:
	if (pfd >= 0)
		close(pfd);
	for (i = 0; i < r->nr; i++)
		counter_release(&r->c[i]);
	if (ch.pid > 0 && !ch.exited)
		child_kill(&ch);
	if (ch.go_fd >= 0)
		close(ch.go_fd);
	if (ch.err_fd >= 0)
		close(ch.err_fd);
	return err;
}

char *cli_join_words(char **argv, int argc)
{
	struct strbuf sb = STRBUF_INIT;
	const char *s;
	int i, err = 0;

	for (i = 0; i < argc && !err; i++) {
		if (i)
			err = strbuf_addch(&sb, ' ');
		err = err ?: strbuf_addch(&sb, '\'');
		for (s = argv[i]; *s && !err; s++)
			err = *s == '\'' ? strbuf_addstr(&sb, "'\\''") : strbuf_addch(&sb, *s);
		err = err ?: strbuf_addch(&sb, '\'');
	}
	if (err) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb);
}

int cli_common_opt(const char *cmd, int c, const char *arg, struct cli_opts *o,
		   void (*help)(FILE *f), int *status)
{
	switch (c) {
	case 'f':
		if (!cli_parse_format(arg, &o->format))
			return 0;
		cli_usage_error(cmd, "unknown output format '%s' (expected text or json)", arg);
		*status = 1;
		return 1;
	case 'v':
		o->verbose++;
		return 0;
	case 'h':
		help(stdout);
		*status = 0;
		return 1;
	case '?':
		fprintf(stderr, "Try 'scry %s --help'.\n", cmd);
		*status = 1;
		return 1;
	default:
		return -1;
	}
}

int cli_take_command(const char *cmd, char **argv, int optind, int argc, const char *c_opt,
		     char **owned)
{
	*owned = NULL;
	if (optind >= argc)
		return 0;
	if (c_opt) {
		cli_usage_error(cmd, "-c and a command after -- are the same thing: give one");
		return 1;
	}
	*owned = cli_join_words(argv + optind, argc - optind);
	if (!*owned) {
		fprintf(stderr, "scry %s: error: out of memory\n", cmd);
		return 1;
	}
	return 0;
}

int cmd_stat(int argc, char **argv, struct cli_opts *o)
{
	static const struct option longopts[] = {
		{ "event", required_argument, NULL, 'e' },
		{ "all-cpus", no_argument, NULL, 'a' },
		{ "pid", required_argument, NULL, 'p' },
		{ "interval-print", required_argument, NULL, 'I' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct stat_run r = { .target = T_CMD, .repeat = 1, .out = stderr };
	const char *outfile = NULL, *pretty_cmd = NULL;
	bool explicit_events = false;
	int c, err = 0, status = 1, targets = 0;
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned int run;
	unsigned long v;
	char *end;
	size_t i;

	r.ncpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	while ((c = getopt_long(argc, argv, "+e:ap:c:I:r:f:o:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'e':
			explicit_events = true;
			if (add_events(&r, optarg))
				goto out;
			break;
		case 'a':
			r.target = T_ALL;
			targets++;
			break;
		case 'p':
			errno = 0;
			r.pid = (pid_t)strtol(optarg, &end, 10);
			if (errno || *end || r.pid <= 0) {
				cli_usage_error("stat", "'%s' is not a process id", optarg);
				goto out;
			}
			r.target = T_PID;
			targets++;
			break;
		case 'c':
			r.cmd = optarg;
			targets++;
			break;
		case 'I':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || v < 10 || v > 3600000) {
				cli_usage_error("stat", "'%s' is not an interval (10..3600000 ms)", optarg);
				goto out;
			}
			r.interval_ms = (unsigned int)v;
			break;
		case 'r':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || !v || v > 100000) {
				cli_usage_error("stat", "'%s' is not a repeat count", optarg);
				goto out;
			}
			r.repeat = (unsigned int)v;
			break;
		case 'o':
			outfile = optarg;
			break;
		default:
			if (cli_common_opt("stat", c, optarg, o, usage, &status))
				goto out;
			break;
		}
	}
	if (cli_take_command("stat", argv, optind, argc, r.cmd, &r.cmd_owned))
		goto out;
	if (r.cmd_owned) {
		r.cmd = r.cmd_owned;
		pretty_cmd = argv[optind];
	}
	if (r.target != T_CMD && r.cmd)
		targets--;	/* -a/-p with a command: count while the command runs */
	if (targets > 1) {
		cli_usage_error("stat", "give one of -a, -p PID, -c CMD");
		goto out;
	}
	if (r.target == T_CMD && !r.cmd) {
		cli_usage_error("stat", "nothing to count: give -a, -p PID, -c CMD or -- CMD ARGS");
		goto out;
	}
	if (r.repeat > 1 && !r.cmd) {
		cli_usage_error("stat", "-r repeats a command: give -c CMD or -- CMD ARGS");
		goto out;
	}
	if (!explicit_events && add_default_events(&r))
		goto out;
	r.json = o->format == FMT_JSON;
	if (outfile) {
		r.out = fopen(outfile, "we");
		if (!r.out) {
			fprintf(stderr, "scry stat: error: cannot write '%s': %s\n", outfile,
				strerror(errno));
			r.out = stderr;
			goto out;
		}
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	for (run = 1; run <= r.repeat && !err && !stop_flag; run++) {
		double wall = 0, d;

		err = run_once(&r, explicit_events, run, &wall);
		d = wall - r.elapsed_ns;
		r.elapsed_ns += d / run;
		r.elapsed_m2 += d * (wall - r.elapsed_ns);
		if (!err && run < r.repeat && r.repeat > 1 && r.interval_ms == 0)
			continue;
	}
	if (err)
		goto out;
	if (pretty_cmd) {
		/* perf shows the command as typed, not as quoted for the shell */
		struct strbuf sb = STRBUF_INIT;

		for (c = optind; c < argc; c++)
			if ((c > optind && strbuf_addch(&sb, ' ')) || strbuf_addstr(&sb, argv[c]))
				goto oom;
		free(r.cmd_owned);
		r.cmd_owned = strbuf_detach(&sb);
		r.cmd = r.cmd_owned;
	}
	if (!r.interval_ms)
		print_summary(&r);
	status = r.child_status;
	goto out;
oom:
	fprintf(stderr, "scry stat: error: out of memory\n");
out:
	if (r.out && r.out != stderr && fclose(r.out)) {
		fprintf(stderr, "scry stat: error: cannot write '%s': %s\n", outfile, strerror(errno));
		status = 1;
	}
	for (i = 0; i < r.nr; i++) {
		counter_release(&r.c[i]);
		free(r.c[i].name);
	}
	free(r.c);
	free(r.cmd_owned);
	return status;
}
