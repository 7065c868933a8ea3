// SPDX-License-Identifier: GPL-2.0
/*
 * scry report: a trace.dat file (scry record's or trace-cmd's) as text lines
 * like trace-cmd report, JSON lines, a Perfetto timeline, or statistics.
 *
 * The file is read with libtracecmd and its events decoded and printed with
 * libtraceevent (the format files and print fmts in the file).  Before that,
 * mech/tracedat.c walks the header by hand (bounded) for the lost counts of
 * the CPUSTAT options and to refuse a truncated file with one clear error.
 *
 * -f json, one object a line:
 *   {"cpu": 1, "ts": 12345678901, "comm": "sysfix", "pid": 42,
 *    "event": "syscalls:sys_enter_getppid", "fields": {"__syscall_nr": 110, ...},
 *    "info": "the print fmt's text"}
 * (a record preceded by a gap has "missed_events": N, -1 when the count is unknown)
 * -f perfetto: Chrome trace-event JSON: sched_switch as "X" slices of the
 * running task on one track per CPU (process "CPUs"), function_graph entry/
 * exit as "B"/"E" slices on the task's thread, other events as instants;
 * every pid and tid used is named.
 * --stats (-f json too): events per event and per task, lost per CPU.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event-parse.h>
#include <trace-cmd.h>
#include <trace-seq.h>

#include "cli/cli.h"
#include "mech/tracedat.h"
#include "out/json.h"
#include "out/perfetto.h"
#include "util/strbuf.h"

#define CPU_TRACKS_PID 0x7fff0000	/* above any pid_max: the CPU tracks' process */

enum report_fmt { R_TEXT, R_JSON, R_PERFETTO };

struct count {
	char *key;
	int pid;
	uint64_t n;
};

struct counts {
	struct count *v;
	size_t nr, alloc;
};

struct task {
	int tid;
	char *name;
	int open;	/* function_graph slices open */
};

struct report {
	struct tep_handle *tep;
	enum report_fmt fmt;
	bool stats;
	FILE *out;
	struct trace_seq seq;
	struct json_writer w;
	struct perfetto pf;
	struct counts by_event, by_task;
	uint64_t total, missed;
	/* perfetto */
	struct task *tasks;
	size_t nr_tasks;
	int nr_cpus;
	int *cpu_tid;		/* per CPU: the task running since cpu_since, -1 unknown */
	uint64_t *cpu_since;
	uint64_t last_ts;
	bool first;
	int err;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: scry report [-i FILE] [-f text|json|perfetto] [--stats]\n"
		"\n"
		"Prints a trace.dat recording (scry record's or trace-cmd's).\n"
		"\n"
		"  -i FILE         the recording (default trace.dat)\n"
		"  -f text         lines as trace-cmd report prints them (default)\n"
		"  -f json         one JSON object per event\n"
		"  -f perfetto     a trace the Perfetto UI opens (Chrome trace-event JSON)\n"
		"  --stats         events per event and per task, lost events per CPU\n");
}

static struct count *count_add(struct counts *c, const char *key, int pid)
{
	size_t i;

	for (i = 0; i < c->nr; i++)
		if (c->v[i].pid == pid && !strcmp(c->v[i].key, key)) {
			c->v[i].n++;
			return &c->v[i];
		}
	if (c->nr == c->alloc) {
		size_t n = c->alloc ? c->alloc * 2 : 64;
		struct count *v = realloc(c->v, n * sizeof(*v));

		if (!v)
			return NULL;
		c->v = v;
		c->alloc = n;
	}
	c->v[c->nr].key = strdup(key);
	if (!c->v[c->nr].key)
		return NULL;
	c->v[c->nr].pid = pid;
	c->v[c->nr].n = 1;
	return &c->v[c->nr++];
}

static int cmp_count(const void *a, const void *b)
{
	const struct count *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return strcmp(x->key, y->key);
}

static void counts_release(struct counts *c)
{
	size_t i;

	for (i = 0; i < c->nr; i++)
		free(c->v[i].key);
	free(c->v);
}

static struct task *task_get(struct report *r, int tid)
{
	struct task *t;
	size_t i;

	for (i = 0; i < r->nr_tasks; i++)
		if (r->tasks[i].tid == tid)
			return &r->tasks[i];
	t = realloc(r->tasks, (r->nr_tasks + 1) * sizeof(*t));
	if (!t)
		return NULL;
	r->tasks = t;
	t = &r->tasks[r->nr_tasks++];
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	return t;
}

/* Remembers a name for tid; the first real one wins over the file's cmdlines. */
static void task_name(struct report *r, int tid, const char *name)
{
	struct task *t = task_get(r, tid);

	if (t && !t->name && name && *name && strcmp(name, "<...>"))
		t->name = strdup(name);
}

static void json_fields(struct report *r, struct tep_event *ev, struct tep_record *rec)
{
	struct tep_format_field *f;

	json_key(&r->w, "fields");
	json_obj_begin(&r->w);
	for (f = ev->format.fields; f; f = f->next) {
		json_key(&r->w, f->name);
		if (f->flags & TEP_FIELD_IS_STRING) {
			int off = f->offset, len = f->size;

			if (f->flags & TEP_FIELD_IS_DYNAMIC) {
				unsigned long long v;

				if (tep_read_number_field(f, rec->data, &v)) {
					json_null(&r->w);
					continue;
				}
				off = (int)(v & 0xffff);
				len = (int)(v >> 16);
				if (f->flags & TEP_FIELD_IS_RELATIVE)
					off += f->offset + f->size;
			}
			if (off < 0 || len < 0 || off + len > rec->size) {
				json_null(&r->w);
				continue;
			}
			json_strn(&r->w, (const char *)rec->data + off,
				  strnlen((const char *)rec->data + off, (size_t)len));
		} else if ((f->flags & TEP_FIELD_IS_ARRAY) || f->size > 8 || f->size <= 0) {
			unsigned int i, es = f->elementsize ? f->elementsize : 1;

			json_arr_begin(&r->w);
			for (i = 0; f->size > 0 && (f->flags & TEP_FIELD_IS_ARRAY) && i < f->arraylen &&
				    f->offset + (int)((i + 1) * es) <= rec->size && es <= 8; i++) {
				unsigned long long v = tep_read_number(r->tep, (char *)rec->data + f->offset +
								      i * es, (int)es);
				json_uint(&r->w, v);
			}
			json_arr_end(&r->w);
		} else {
			unsigned long long v;

			if (f->offset + f->size > rec->size || tep_read_number_field(f, rec->data, &v)) {
				json_null(&r->w);
			} else if (f->flags & TEP_FIELD_IS_SIGNED) {
				int64_t sv = f->size == 1 ? (int8_t)v : f->size == 2 ? (int16_t)v :
					     f->size == 4 ? (int32_t)v : (int64_t)v;

				json_int(&r->w, sv);
			} else {
				json_uint(&r->w, v);
			}
		}
	}
	json_obj_end(&r->w);
}

static const char *info_text(struct report *r, struct tep_record *rec)
{
	trace_seq_reset(&r->seq);
	tep_print_event(r->tep, &r->seq, rec, "%s", TEP_PRINT_INFO);
	trace_seq_terminate(&r->seq);
	return r->seq.buffer;
}

static unsigned long long field_num(struct tep_event *ev, struct tep_record *rec, const char *name,
				    bool *ok)
{
	struct tep_format_field *f = tep_find_field(ev, name);
	unsigned long long v = 0;

	*ok = f && f->offset + f->size <= rec->size && !tep_read_number_field(f, rec->data, &v);
	return v;
}

static const char *field_str(struct tep_event *ev, struct tep_record *rec, const char *name,
			     char *buf, size_t len)
{
	struct tep_format_field *f = tep_find_field(ev, name);
	size_t n;

	if (!f || f->offset + f->size > rec->size || f->size <= 0)
		return NULL;
	n = strnlen((const char *)rec->data + f->offset, (size_t)f->size);
	if (n >= len)
		n = len - 1;
	memcpy(buf, (const char *)rec->data + f->offset, n);
	buf[n] = 0;
	return buf;
}

static void perfetto_event(struct report *r, struct tep_event *ev, struct tep_record *rec, int pid)
{
	bool ok1, ok2;

	task_get(r, pid);
	if (!strcmp(ev->name, "sched_switch") && rec->cpu >= 0 && rec->cpu < r->nr_cpus) {
		int prev = (int)field_num(ev, rec, "prev_pid", &ok1);
		int next = (int)field_num(ev, rec, "next_pid", &ok2);
		char pc[32], nc[32];

		if (ok1 && ok2) {
			int cpu = rec->cpu;

			task_name(r, prev, field_str(ev, rec, "prev_comm", pc, sizeof(pc)));
			task_name(r, next, field_str(ev, rec, "next_comm", nc, sizeof(nc)));
			if (r->cpu_tid[cpu] == prev && rec->ts >= r->cpu_since[cpu]) {
				char name[64];

				snprintf(name, sizeof(name), "%s %d", pc[0] ? pc : "?", prev);
				perfetto_complete(&r->pf, CPU_TRACKS_PID, CPU_TRACKS_PID + 1 + cpu, name,
						  "sched", r->cpu_since[cpu], rec->ts - r->cpu_since[cpu]);
			}
			r->cpu_tid[cpu] = next;
			r->cpu_since[cpu] = rec->ts;
			return;
		}
	}
	if (!strcmp(ev->system, "ftrace") && !strcmp(ev->name, "funcgraph_entry")) {
		unsigned long long fn = field_num(ev, rec, "func", &ok1);
		const char *name = ok1 ? tep_find_function(r->tep, fn) : NULL;
		struct task *t = task_get(r, pid);
		char buf[32];

		if (!name) {
			snprintf(buf, sizeof(buf), "0x%llx", fn);
			name = buf;
		}
		if (t)
			t->open++;
		perfetto_slice_begin(&r->pf, pid, pid, name, "function_graph", rec->ts);
		return;
	}
	if (!strcmp(ev->system, "ftrace") && !strcmp(ev->name, "funcgraph_exit")) {
		struct task *t = task_get(r, pid);

		if (t && t->open > 0) {	/* an exit whose entry came before the recording: dropped */
			t->open--;
			perfetto_slice_end(&r->pf, pid, pid, rec->ts);
		}
		return;
	}
	{
		char name[256];

		snprintf(name, sizeof(name), "%s:%s", ev->system, ev->name);
		perfetto_instant(&r->pf, pid, pid, name, ev->system, rec->ts, info_text(r, rec));
	}
}

static int on_record(struct tracecmd_input *h, struct tep_record *rec, int cpu, void *data)
{
	struct report *r = data;
	struct tep_event *ev = tep_find_event_by_record(r->tep, rec);
	char key[512];
	int pid = tep_data_pid(r->tep, rec);
	const char *comm = tep_data_comm_from_pid(r->tep, pid);

	(void)h;
	(void)cpu;
	r->total++;
	if (rec->missed_events > 0)
		r->missed += (uint64_t)rec->missed_events;
	if (rec->ts > r->last_ts)
		r->last_ts = rec->ts;
	if (r->stats) {
		snprintf(key, sizeof(key), "%s:%s", ev ? ev->system : "?", ev ? ev->name : "unknown");
		if (!count_add(&r->by_event, key, 0) || !count_add(&r->by_task, comm, pid)) {
			r->err = -ENOMEM;
			return -1;
		}
		return 0;
	}
	if (r->fmt == R_TEXT) {
		trace_seq_reset(&r->seq);
		tep_print_event(r->tep, &r->seq, rec, "%16s-%-5d [%03d] %6.1000d: %s: %s\n",
				TEP_PRINT_COMM, TEP_PRINT_PID, TEP_PRINT_CPU, TEP_PRINT_TIME,
				TEP_PRINT_NAME, TEP_PRINT_INFO);
		trace_seq_terminate(&r->seq);
		fputs(r->seq.buffer, r->out);
	} else if (r->fmt == R_JSON) {
		json_init(&r->w, r->out);
		json_obj_begin(&r->w);
		json_kv_int(&r->w, "cpu", rec->cpu);
		json_kv_uint(&r->w, "ts", rec->ts);
		json_kv_str(&r->w, "comm", comm);
		json_kv_int(&r->w, "pid", pid);
		if (ev) {
			snprintf(key, sizeof(key), "%s:%s", ev->system, ev->name);
			json_kv_str(&r->w, "event", key);
			json_fields(r, ev, rec);
			json_kv_str(&r->w, "info", info_text(r, rec));
		} else {
			json_kv_str(&r->w, "event", NULL);
		}
		if (rec->missed_events)
			json_kv_int(&r->w, "missed_events", rec->missed_events);
		json_obj_end(&r->w);
		fputc('\n', r->out);
	} else if (ev) {
		perfetto_event(r, ev, rec, pid);
	}
	return 0;
}

static void perfetto_finish(struct report *r)
{
	size_t i;
	int cpu;

	for (cpu = 0; cpu < r->nr_cpus; cpu++) {
		char name[32];

		if (r->cpu_tid[cpu] >= 0) {
			struct task *t = task_get(r, r->cpu_tid[cpu]);
			char sl[64];

			snprintf(sl, sizeof(sl), "%s %d", t && t->name ? t->name : "?", r->cpu_tid[cpu]);
			perfetto_complete(&r->pf, CPU_TRACKS_PID, CPU_TRACKS_PID + 1 + cpu, sl, "sched",
					  r->cpu_since[cpu], r->last_ts - r->cpu_since[cpu]);
		}
		snprintf(name, sizeof(name), "CPU %d", cpu);
		perfetto_thread_name(&r->pf, CPU_TRACKS_PID, CPU_TRACKS_PID + 1 + cpu, name);
	}
	perfetto_process_name(&r->pf, CPU_TRACKS_PID, "CPUs");
	for (i = 0; i < r->nr_tasks; i++) {
		struct task *t = &r->tasks[i];
		const char *name = t->name;
		char buf[64];

		while (t->open > 0) {	/* still running at the end of the recording */
			perfetto_slice_end(&r->pf, t->tid, t->tid, r->last_ts);
			t->open--;
		}
		if (!name || !*name) {
			const char *c = tep_data_comm_from_pid(r->tep, t->tid);

			name = c && strcmp(c, "<...>") ? c : NULL;
		}
		if (!name) {
			snprintf(buf, sizeof(buf), t->tid ? "pid %d" : "swapper", t->tid);
			name = buf;
		}
		perfetto_process_name(&r->pf, t->tid, name);
		perfetto_thread_name(&r->pf, t->tid, t->tid, name);
	}
}

static void print_stats(struct report *r, const struct tracedat_stats *st)
{
	size_t i;
	int cpu, ncpu = st->nr_cpus > 256 ? 256 : st->nr_cpus;

	qsort(r->by_event.v, r->by_event.nr, sizeof(struct count), cmp_count);
	qsort(r->by_task.v, r->by_task.nr, sizeof(struct count), cmp_count);
	if (r->fmt != R_TEXT) {
		json_init(&r->w, r->out);
		json_obj_begin(&r->w);
		json_kv_uint(&r->w, "events", r->total);
		json_kv_uint(&r->w, "lost", st->lost_total);
		json_key(&r->w, "lost_per_cpu");
		json_arr_begin(&r->w);
		for (cpu = 0; cpu < ncpu; cpu++)
			json_uint(&r->w, st->lost[cpu]);
		json_arr_end(&r->w);
		json_key(&r->w, "per_event");
		json_obj_begin(&r->w);
		for (i = 0; i < r->by_event.nr; i++)
			json_kv_uint(&r->w, r->by_event.v[i].key, r->by_event.v[i].n);
		json_obj_end(&r->w);
		json_key(&r->w, "per_task");
		json_arr_begin(&r->w);
		for (i = 0; i < r->by_task.nr; i++) {
			json_obj_begin(&r->w);
			json_kv_str(&r->w, "comm", r->by_task.v[i].key);
			json_kv_int(&r->w, "pid", r->by_task.v[i].pid);
			json_kv_uint(&r->w, "events", r->by_task.v[i].n);
			json_obj_end(&r->w);
		}
		json_arr_end(&r->w);
		json_obj_end(&r->w);
		fputc('\n', r->out);
		return;
	}
	fprintf(r->out, "events: %" PRIu64 "\n", r->total);
	fprintf(r->out, "lost: %" PRIu64 " (", st->lost_total);
	for (cpu = 0; cpu < ncpu; cpu++)
		fprintf(r->out, "%scpu%d %" PRIu64, cpu ? ", " : "", cpu, st->lost[cpu]);
	fprintf(r->out, ")%s\n", st->have_cpustat ? "" : " (the file has no per-CPU statistics)");
	fprintf(r->out, "\nper event:\n");
	for (i = 0; i < r->by_event.nr; i++)
		fprintf(r->out, "  %-40s %10" PRIu64 "\n", r->by_event.v[i].key, r->by_event.v[i].n);
	fprintf(r->out, "\nper task:\n");
	for (i = 0; i < r->by_task.nr; i++) {
		char t[64];

		snprintf(t, sizeof(t), "%s-%d", r->by_task.v[i].key, r->by_task.v[i].pid);
		fprintf(r->out, "  %-40s %10" PRIu64 "\n", t, r->by_task.v[i].n);
	}
}

/* Maps the file and walks its header.  Returns 0 or 1 after printing the one error. */
static int check_file(const char *path, struct tracedat_stats *st)
{
	const char *where = NULL;
	struct stat sb;
	void *map;
	int fd, ret = 1;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "scry report: error: cannot open '%s': %s\n", path, strerror(errno));
		return 1;
	}
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode) || sb.st_size == 0) {
		fprintf(stderr, "scry report: error: '%s': %s\n", path,
			sb.st_size == 0 ? "empty file, not a trace.dat recording" : "not a regular file");
		goto out;
	}
	map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		fprintf(stderr, "scry report: error: cannot read '%s': %s\n", path, strerror(errno));
		goto out;
	}
	if (tracedat_stats(map, (size_t)sb.st_size, st, &where))
		fprintf(stderr, "scry report: error: '%s': not a trace.dat file, or truncated (at the %s)\n",
			path, where ? where : "header");
	else
		ret = 0;
	munmap(map, (size_t)sb.st_size);
out:
	close(fd);
	return ret;
}

int cmd_report(int argc, char **argv, struct cli_opts *o)
{
	enum { OPT_STATS = 256 };
	static const struct option longopts[] = {
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct report r = { .out = o->out, .fmt = R_TEXT };
	struct tracedat_stats st;
	struct tracecmd_input *h = NULL;
	const char *input = "trace.dat";
	int c, status = 1, cpu;
	size_t i;

	optind = 1;
	while ((c = getopt_long(argc, argv, "i:f:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			input = optarg;
			break;
		case 'f':
			if (!strcmp(optarg, "text"))
				r.fmt = R_TEXT;
			else if (!strcmp(optarg, "json"))
				r.fmt = R_JSON;
			else if (!strcmp(optarg, "perfetto"))
				r.fmt = R_PERFETTO;
			else {
				cli_usage_error("report", "unknown format '%s' (expected text, json or perfetto)",
						optarg);
				return 1;
			}
			break;
		case OPT_STATS:
			r.stats = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr, "Try 'scry report --help'.\n");
			return 1;
		}
	}
	if (optind < argc) {
		cli_usage_error("report", "unexpected argument '%s'", argv[optind]);
		return 1;
	}
	if (check_file(input, &st))
		return 1;
	tracecmd_set_loglevel(TEP_LOG_NONE);
	h = tracecmd_open(input, TRACECMD_FL_LOAD_NO_SYSTEM_PLUGINS);
	if (!h) {
		fprintf(stderr, "scry report: error: '%s': libtracecmd cannot read it (not a trace.dat file, "
			"or damaged)\n", input);
		return 1;
	}
	r.tep = tracecmd_get_tep(h);
	tep_set_loglevel(TEP_LOG_NONE);
	trace_seq_init(&r.seq);
	r.nr_cpus = st.nr_cpus > 0 ? st.nr_cpus : 1;
	r.cpu_tid = malloc((size_t)r.nr_cpus * sizeof(*r.cpu_tid));
	r.cpu_since = calloc((size_t)r.nr_cpus, sizeof(*r.cpu_since));
	if (!r.cpu_tid || !r.cpu_since)
		goto out;
	for (cpu = 0; cpu < r.nr_cpus; cpu++)
		r.cpu_tid[cpu] = -1;
	if (r.fmt == R_PERFETTO && !r.stats)
		perfetto_begin(&r.pf, r.out);
	if (tracecmd_iterate_events(h, NULL, 0, on_record, &r) < 0 && r.err) {
		fprintf(stderr, "scry report: error: out of memory\n");
		goto out;
	}
	if (r.stats)
		print_stats(&r, &st);
	else if (r.fmt == R_PERFETTO) {
		perfetto_finish(&r);
		perfetto_end(&r.pf);
	}
	status = 0;
out:
	trace_seq_destroy(&r.seq);
	counts_release(&r.by_event);
	counts_release(&r.by_task);
	for (i = 0; i < r.nr_tasks; i++)
		free(r.tasks[i].name);
	free(r.tasks);
	free(r.cpu_tid);
	free(r.cpu_since);
	tracecmd_close(h);
	return status;
}
