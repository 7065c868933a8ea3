// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "codegen/program.h"
#include "lang/lang.h"
#include "mech/bpf.h"
#include "mech/timer.h"
#include "mech/tracefs.h"
#include "out/json.h"
#include "out/stack.h"
#include "sym/ksyms.h"
#include "sym/usyms.h"
#include "runtime/child.h"
#include "runtime/decode.h"
#include "runtime/loop.h"
#include "runtime/session.h"
#include "util/log.h"
#include "util/strbuf.h"

struct session {
	struct compiled_program *cp;
	struct decode_env env;
	struct ksyms *ks;
	struct usyms *us;
	const struct session_opts *o;
	int *map_fds;
	int *prog_fds;
	struct attachment *att;		/* per program */
	struct scry_ringbuf *rb;
	struct loop *loop;
	bool own_loop;		/* false: session_opts.loop, the caller's */
	struct child child;
	bool have_child;
	int pidfd;
	int trace_fd;		/* debugf(): tracefs' trace_pipe, or -1 */
	struct strbuf trace_line;	/* a line of it not yet complete */
	double trace_since;	/* lines stamped earlier (s, trace clock) are older than scry's */
	bool printk_event_off;	/* bpf_trace:bpf_trace_printk was disabled before our load */
	int poll_tfd;		/* session_opts.poll_ms's timer, or -1 */
	uint64_t lost_reported;
	bool exiting;
	bool discard;		/* events queued after exit() are dropped until END runs */
	bool polled;		/* the ring buffer was read once (SCRY_PHASES) */
	int exit_code;
	int ended;		/* enum session_end once the program ended, else 0 */
	bool stopped;		/* session_stop() ran */
	size_t nr_probes;	/* attached, as "Attaching N probes..." counts them */
	int err;
};

/* What the loop's callbacks stop it with: enum session_end, or an error. */
enum { STOP_EXIT = SESSION_EXIT, STOP_SIGNAL = SESSION_SIGNAL, STOP_CHILD = SESSION_CHILD, STOP_ERROR };

/* ---- output ---- */

/* {"type": TYPE, "data": {KEY: N}} on a line, through the one JSON writer. */
static void json_event_uint(FILE *f, const char *type, const char *key, uint64_t n)
{
	struct json_writer w;

	json_init(&w, f);
	json_obj_begin(&w);
	json_kv_str(&w, "type", type);
	json_key(&w, "data");
	json_obj_begin(&w);
	json_kv_uint(&w, key, n);
	json_obj_end(&w);
	json_obj_end(&w);
	fputc('\n', f);
}

static void out_message(struct session *s, const char *type, const char *text, size_t len)
{
	FILE *f = s->o->out;

	if (s->o->json) {
		struct json_writer w;

		json_init(&w, f);
		json_obj_begin(&w);
		json_kv_str(&w, "type", type);
		json_key(&w, "data");
		json_strn(&w, text, len);
		json_obj_end(&w);
		fputc('\n', f);
	} else {
		fwrite(text, 1, len, f);
	}
}

/* Stack reads that failed (counted by the programs in slot 1 of the "lost" map). */
static void report_stack_failures(struct session *s)
{
	uint64_t n = 0;
	uint32_t one = 1;

	if (s->cp->lost_map < 0 || s->cp->stack_map < 0)
		return;
	if (!scry_map_percpu_sum_u64(s->map_fds[s->cp->lost_map], &one, &n) && n)
		pr_warn("%llu stack reads failed (stack map full or a hash collision): those stacks "
			"print empty", (unsigned long long)n);
}

uint64_t session_lost_events(const struct session *s)
{
	uint64_t lost = 0;
	uint32_t zero = 0;

	if (s->cp->lost_map >= 0)
		scry_map_percpu_sum_u64(s->map_fds[s->cp->lost_map], &zero, &lost);
	return lost;
}

static void report_lost(struct session *s)
{
	uint64_t lost = session_lost_events(s);

	if (lost <= s->lost_reported)
		return;
	if (s->o->json)
		json_event_uint(s->o->out, "lost_events", "events", lost - s->lost_reported);
	else
		fprintf(s->o->out, "Lost %llu events\n", (unsigned long long)(lost - s->lost_reported));
	s->lost_reported = lost;
}

/* ---- events ---- */

/* "\n<the script's line>\n" and '~' under len columns from col (none without the source). */
static int source_context(const struct session *s, uint32_t lineno, uint32_t col, uint32_t len,
			  struct strbuf *sb)
{
	const char *src = s->cp->source, *line = src, *end;
	uint32_t i;
	int err;

	for (i = 1; src && i < lineno && line; i++) {
		line = memchr(line, '\n', s->cp->source_len - (size_t)(line - src));
		line = line ? line + 1 : NULL;
	}
	if (!src || !line)
		return 0;
	end = memchr(line, '\n', s->cp->source_len - (size_t)(line - src));
	end = end ? end : src + s->cp->source_len;
	err = strbuf_addf(sb, "\n%.*s\n", (int)(end - line), line);
	for (i = 1; !err && i < col && line + i - 1 < end; i++)
		err = strbuf_addch(sb, line[i - 1] == '\t' ? '\t' : ' ');
	for (i = 0; !err && i < (len ? len : 1); i++)
		err = strbuf_addch(sb, '~');
	return err;
}

/*
 * join(argv[, sep]): args[0] is how many strings the program read, the
 * strings follow; as bpftrace: joined by sep, a newline after them in text.
 */
static int join_render(struct strbuf *sb, const struct cprintf *pf, const struct pvalue *args,
		       bool json)
{
	uint64_t n = pf->nr_args ? args[0].u : 0, i;
	int err = 0;

	for (i = 0; i < n && i + 1 < pf->nr_args && !err; i++) {
		if (i)
			err = strbuf_addstr(sb, pf->fmt);
		err = err ?: strbuf_add(sb, args[i + 1].str, strnlen(args[i + 1].str, args[i + 1].len));
	}
	return err ?: json ? 0 : strbuf_addch(sb, '\n');
}

/* system(): the command's output, as bpftrace runs it (through the shell, like popen()). */
static int on_system(struct session *s, const char *cmd)
{
	struct strbuf out = STRBUF_INIT;
	char buf[4096];
	size_t n;
	FILE *f;
	int err = 0;

	fflush(s->o->out);
	f = popen(cmd, "r");
	if (!f) {
		pr_err("system(): cannot run '%s': %s", cmd, strerror(errno));
		return 0;
	}
	while (!err && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		err = strbuf_add(&out, buf, n);
	pclose(f);
	if (!err)
		out_message(s, "syscall", strbuf_str(&out), out.len);
	strbuf_release(&out);
	return err;
}

/* cat(): at most BPFTRACE_CAT_BYTES_MAX bytes of the file (10240, bpftrace's default). */
static int on_cat(struct session *s, const char *path)
{
	const char *env = getenv("BPFTRACE_CAT_BYTES_MAX");
	size_t max = env && *env ? strtoul(env, NULL, 10) : 10240, n = 0, got;
	char *buf;
	FILE *f = fopen(path, "r");

	if (!f) {
		fflush(s->o->out);
		pr_err("failed to open file '%s': %s", path, strerror(errno));
		return 0;
	}
	buf = malloc(max + 1);
	if (!buf) {
		fclose(f);
		return -ENOMEM;
	}
	while (n < max && (got = fread(buf + n, 1, max - n, f)) > 0)
		n += got;
	fclose(f);
	out_message(s, "cat", buf, n);
	free(buf);
	return 0;
}

/* errorf()/warnf(): on stderr as bpftrace's located messages, the call underlined. */
static int on_located(struct session *s, const struct cprintf *pf, const struct strbuf *msg)
{
	struct strbuf sb = STRBUF_INIT;
	size_t len = msg->len;
	int err;

	if (len && msg->buf[len - 1] == '\n')
		len--;
	err = strbuf_addf(&sb, "%s:%u:%u-%u: %s: %.*s", s->cp->source_name, pf->line, pf->col,
			  pf->col + (pf->len ? pf->len : 1), pf->action == PF_ERRORF ? "ERROR" : "WARNING",
			  (int)len, strbuf_str(msg));
	err = err ?: source_context(s, pf->line, pf->col, pf->len, &sb);
	fflush(s->o->out);
	if (!err)
		fprintf(stderr, "%s\n", strbuf_str(&sb));
	strbuf_release(&sb);
	return err;
}

/* The kernel enables bpf_trace:bpf_trace_printk when it loads a program calling the helper. */
static int printk_event_enabled(void)
{
	char path[512], c = 0;
	int fd;

	if (tracefs_path(path, sizeof(path), "events/bpf_trace/bpf_trace_printk/enable"))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (read(fd, &c, 1) != 1)
		c = 0;
	close(fd);
	return c == '1' ? 1 : c == '0' ? 0 : -1;
}

static void printk_event_disable(void)
{
	char path[512];

	if (!tracefs_path(path, sizeof(path), "events/bpf_trace/bpf_trace_printk/enable"))
		tracefs_write(path, "0", false);
}

/*
 * Now on the trace buffer's clock, in seconds, when it is one that counts
 * from boot as CLOCK_MONOTONIC does (local, global, mono: the default is
 * local); else 0, and no line is taken for older than scry.
 */
static double trace_clock_now(void)
{
	char path[512], buf[256];
	struct timespec ts;
	ssize_t n = -1;
	int fd;

	if (!tracefs_path(path, sizeof(path), "trace_clock")) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			n = read(fd, buf, sizeof(buf) - 1);
			close(fd);
		}
	}
	if (n <= 0)
		return 0;
	buf[n] = 0;
	if (!strstr(buf, "[local]") && !strstr(buf, "[global]") && !strstr(buf, "[mono]") &&
	    !strstr(buf, "[mono_raw]"))
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Was this trace_pipe line ("... 123.456789: bpf_trace_printk: ...", tag at m) there before scry? */
static bool trace_line_old(const struct session *s, const char *line, const char *m)
{
	const char *p = m;

	if (s->trace_since <= 0 || p - line < 3)
		return false;
	p -= 2;		/* on the ':' after the time stamp */
	while (p > line && p[-1] != ' ')
		p--;
	return strtod(p, NULL) < s->trace_since;
}

/*
 * debugf()'s lines in trace_pipe, "  comm-pid  [cpu] flags  ts: bpf_trace_printk: MSG":
 * each MSG printed as printf() prints; other lines are not scry's.
 */
/* One complete line of trace_pipe: its message if it is debugf()'s and not older than scry. */
static void trace_line(struct session *s, const char *line)
{
	static const char tag[] = "bpf_trace_printk: ";
	const char *m = strstr(line, tag);
	struct strbuf msg = STRBUF_INIT;

	if (!m || trace_line_old(s, line, m))
		return;
	m += sizeof(tag) - 1;
	if (!strbuf_add(&msg, m, strlen(m)) && !strbuf_addch(&msg, '\n'))
		out_message(s, "printf", strbuf_str(&msg), msg.len);
	strbuf_release(&msg);
}

static int on_trace_pipe(int fd, void *ctx)
{
	struct session *s = ctx;
	char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		const char *p = buf, *end = buf + n, *nl;

		for (; p < end; p = nl + 1) {
			nl = memchr(p, '\n', (size_t)(end - p));
			if (strbuf_add(&s->trace_line, p, (size_t)((nl ? nl : end) - p)) || !nl)
				break;
			trace_line(s, strbuf_str(&s->trace_line));
			strbuf_reset(&s->trace_line);
		}
	}
	fflush(s->o->out);
	return 0;
}

/* What the built-in that sent a format site's event does with its text. */
static int on_action(struct session *s, const struct cprintf *pf, struct strbuf *text)
{
	switch (pf->action) {
	case PF_SYSTEM:
		return on_system(s, strbuf_str(text));
	case PF_CAT:
		return on_cat(s, strbuf_str(text));
	case PF_ERRORF:
	case PF_WARNF:
		return on_located(s, pf, text);
	case PF_JOIN:
		out_message(s, "join", strbuf_str(text), text->len);
		return 0;
	case PF_PRINTF:
	default:
		out_message(s, "printf", strbuf_str(text), text->len);
		return 0;
	}
}

static int on_printf(struct session *s, const struct cprintf *pf, const uint8_t *p, size_t len)
{
	struct pvalue args[FMT_MAX_ARGS];
	struct decode_pool pool = { 0 };
	struct strbuf sb = STRBUF_INIT;
	uint32_t i;
	int err = 0;

	for (i = 0; i < pf->nr_args && i < FMT_MAX_ARGS && !err; i++) {
		const struct vfield *a = &pf->args[i];

		if (a->offset > len)
			err = -EINVAL;
		else
			err = decode_value(&s->env, &a->type, p + a->offset, len - a->offset, &args[i], &pool);
	}
	if (pf->action == PF_JOIN)
		err = err ?: join_render(&sb, pf, args, s->o->json);
	else
		err = err ?: fmt_render(&sb, pf->fmt, &pf->parsed, args, pf->nr_args);
	if (!err)
		err = on_action(s, pf, &sb);
	strbuf_release(&sb);
	decode_pool_release(&pool);
	return err;
}

static int on_time(struct session *s, const struct cprintf *pf)
{
	char buf[512];
	struct tm tm;
	time_t now = time(NULL);
	size_t n;

	localtime_r(&now, &tm);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	n = strftime(buf, sizeof(buf), pf->fmt, &tm);
#pragma GCC diagnostic pop
	out_message(s, "time", buf, n);
	return 0;
}

/*
 * -k/-kk: a helper failed.  As bpftrace: a warning naming the helper, the
 * error and the place, with the source line underlined (stderr), or a
 * "helper_error" object among the JSON output.
 */
static void on_helper_error(struct session *s, const struct chelper_site *h, int64_t ret)
{
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;
	int err;

	if (s->o->json) {
		json_init(&w, s->o->out);
		json_obj_begin(&w);
		json_kv_str(&w, "type", "helper_error");
		json_kv_str(&w, "helper", h->helper);
		json_kv_int(&w, "retcode", ret);
		json_kv_int(&w, "line", h->line);
		json_kv_int(&w, "col", h->col);
		json_obj_end(&w);
		fputc('\n', s->o->out);
		return;
	}
	err = strbuf_addf(&sb, "%s:%u:%u", s->cp->source_name, h->line, h->col);
	if (h->len)
		err = err ?: strbuf_addf(&sb, "-%u", h->col + h->len);
	err = err ?: strbuf_addf(&sb, ": Failed to %s: %s (%lld)", h->helper,
				 strerror(ret < 0 && ret > -4096 ? (int)-ret : EINVAL), (long long)ret);
	err = err ?: source_context(s, h->line, h->col, h->len, &sb);
	fflush(s->o->out);
	pr_warn("%s", err ? "a helper failed (out of memory to say where)" : strbuf_str(&sb));
	strbuf_release(&sb);
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct session *s = ctx;
	const uint8_t *p = data;
	uint64_t hdr, a = 0, b = 0;
	uint32_t kind, id;

	if (size < 8 || s->discard)
		return 0;	/* after exit(), only END's output is printed, as in bpftrace */
	memcpy(&hdr, p, 8);
	kind = (uint32_t)(hdr >> 32);
	id = (uint32_t)hdr;
	p += 8;
	size -= 8;
	if (size >= 16) {
		memcpy(&a, p, 8);
		memcpy(&b, p + 8, 8);
	}
	switch (kind) {
	case CEV_PRINTF:
		if (id < s->cp->nr_printfs &&
		    !(s->o->on_printf && s->o->on_printf(s->o->on_printf_ctx, &s->cp->printfs[id], p, size)))
			on_printf(s, &s->cp->printfs[id], p, size);
		break;
	case CEV_PRINT_VALUE:
		if (id < s->cp->nr_printfs && s->cp->printfs[id].nr_args == 1) {
			const struct vfield *arg = &s->cp->printfs[id].args[0];
			struct decode_pool pool = { 0 };
			struct pvalue v;

			if (!decode_value(&s->env, &arg->type, p, size, &v, &pool))
				pvalue_print(s->o->out, &v, s->o->json ? PMAP_JSON : PMAP_TEXT);
			decode_pool_release(&pool);
		}
		break;
	case CEV_HELPER_ERROR:
		if (id < s->cp->nr_helper_sites && size >= 8) {
			int64_t ret;

			memcpy(&ret, p, 8);
			on_helper_error(s, &s->cp->helper_sites[id], ret);
		}
		break;
	case CEV_TIME:
		if (id < s->cp->nr_printfs)
			on_time(s, &s->cp->printfs[id]);
		break;
	case CEV_EXIT:
		if (size >= 8) {
			int64_t code;

			memcpy(&code, p, 8);
			s->exit_code = (int)code;
		}
		s->exiting = true;
		s->discard = true;
		if (!s->own_loop) {
			/* the caller's loop: the probes stop (exit flag), the maps stay readable */
			pr_warn("%s: exit() called: its probes do nothing from now on", s->cp->source_name);
			return 1;
		}
		loop_stop(s->loop, STOP_EXIT);
		return 1;	/* events after exit() are not printed, as in bpftrace */
	case CEV_PRINT_MAP:
		if (id < s->cp->nr_maps)
			map_print(&s->env, id, s->map_fds[id], s->o->out, s->o->json, (size_t)a, b ? b : 1);
		break;
	case CEV_CLEAR_MAP:
	case CEV_ZERO_MAP:
		if (id < s->cp->nr_maps) {
			const struct cmap *m = &s->cp->maps[id];

			/*
			 * bpftrace 0.17's clear() empties a map without keys
			 * too (it then prints as an empty map: a newline), but
			 * for count(), which it zeroes ("@c: 0")
			 */
			map_clear(s->map_fds[id],
				  kind == CEV_ZERO_MAP || (!m->has_keys && m->kind == CMAP_COUNT),
				  m->value_size,
				  m->type == BPF_MAP_TYPE_PERCPU_HASH ||
				  m->type == BPF_MAP_TYPE_LRU_PERCPU_HASH);
		}
		break;
	}
	return 0;
}

static int on_ringbuf(int fd, void *ctx)
{
	struct session *s = ctx;
	int n = scry_ringbuf_consume(s->rb);

	if (n < 0 && n != -EINTR && !s->exiting)
		return STOP_ERROR;
	report_lost(s);
	fflush(s->o->out);
	if (!s->polled && n > 0) {
		s->polled = true;
		log_phase("first events printed");
	}
	return s->exiting && s->own_loop ? STOP_EXIT : 0;
}

/* session_opts.poll_ms: the events that did not wake the reader. */
static int on_poll_timer(int fd, void *ctx)
{
	uint64_t n;

	if (read(fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		return STOP_ERROR;
	return on_ringbuf(fd, ctx);
}

static int on_interval(int fd, void *ctx)
{
	struct scry_interval *iv = ctx;

	return interval_dispatch(iv) < 0 ? STOP_ERROR : 0;
}

static int on_pid_exit(int fd, void *ctx)
{
	return STOP_CHILD;
}

static void print_maps(struct session *s);

/*
 * A signal scry's probes wait for (self:signal:SIGUSR1): their programs run,
 * in the order of the script.  SIGUSR1 without such a probe prints every
 * map, as bpftrace does.
 */
static int on_user_signal(struct session *s, int signo)
{
	bool ran = false;
	size_t i;
	int err;

	for (i = 0; s->att && i < s->cp->nr_progs; i++) {
		if (s->att[i].signo != signo || s->exiting)
			continue;
		err = scry_prog_run(s->prog_fds[i], NULL, 0, NULL);
		if (err)
			return STOP_ERROR;
		ran = true;
	}
	if (!ran && signo == SIGUSR1 && !s->exiting) {
		if (s->rb)
			scry_ringbuf_consume(s->rb);
		print_maps(s);
	}
	if (s->rb)
		return on_ringbuf(-1, s);
	fflush(s->o->out);
	return 0;
}

static int on_signal(int signo, void *ctx)
{
	struct session *s = ctx;

	if (signo == SIGUSR1)
		return on_user_signal(s, signo);
	if (signo == SIGCHLD) {
		if (s->have_child && child_reap(&s->child))
			return STOP_CHILD;
		return 0;
	}
	return STOP_SIGNAL;	/* SIGINT, SIGTERM: print the maps and leave, like bpftrace */
}

/* ---- set-up ---- */

/* Every probe type the program uses must be attachable here: say so before loading anything. */
static int check_usable(struct session *s)
{
	char why[512];
	size_t i;
	int err;

	for (i = 0; i < s->cp->nr_progs; i++) {
		const struct cprog *p = &s->cp->progs[i];

		if (!p->provider || !p->provider->usable)
			continue;
		why[0] = '\0';
		err = p->provider->usable(p->provider, why, sizeof(why));
		if (err) {
			pr_err("%s:%u:%u: %s", s->cp->source_name, p->loc.line, p->loc.col, why);
			return err;
		}
	}
	return 0;
}

static int create_maps(struct session *s)
{
	size_t i;

	for (i = 0; i < s->cp->nr_maps; i++) {
		const struct cmap *m = &s->cp->maps[i];
		struct scry_map_spec spec = {
			.type = m->type,
			.name = m->name[0] == '@' ? m->name + 1 : m->name,
			.key_size = m->key_size,
			.value_size = m->value_size,
			.max_entries = m->max_entries,
		};
		int fd = scry_map_create(&spec);

		if (fd < 0)
			return fd;
		s->map_fds[i] = fd;
	}
	return 0;
}

/* The source line of loc with a caret under its column, into sb. */
static void source_excerpt(const struct compiled_program *cp, struct ir_loc loc, struct strbuf *sb)
{
	const char *p = cp->source, *end = cp->source ? cp->source + cp->source_len : NULL, *eol;
	uint32_t line = 1, i;

	if (!p || !loc.line)
		return;
	while (p < end && line < loc.line) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			return;
		p = eol + 1;
		line++;
	}
	eol = memchr(p, '\n', (size_t)(end - p));
	if (!eol)
		eol = end;
	strbuf_add(sb, p, (size_t)(eol - p));
	strbuf_addch(sb, '\n');
	for (i = 1; i < loc.col && p + i - 1 < eol; i++)
		strbuf_addch(sb, p[i - 1] == '\t' ? '\t' : ' ');
	strbuf_addstr(sb, "^\n");
}

/*
 * The verifier refused a program: name the script's place that produced
 * the refused instruction, then the verifier's own last lines.
 */
static void report_rejection(struct session *s, const struct cprog *p,
			     const struct scry_verifier_error *verr)
{
	struct strbuf sb = STRBUF_INIT;
	struct ir_loc loc = p->loc;

	if (verr->insn >= 0 && (size_t)verr->insn < p->nr_insns && p->locs)
		loc = p->locs[verr->insn];
	strbuf_addf(&sb, "%s:%u:%u: the BPF verifier rejected the code made for this: %s\n",
		    s->cp->source_name, loc.line, loc.col, verr->msg);
	source_excerpt(s->cp, loc, &sb);
	strbuf_addf(&sb, "the verifier's last lines (scry -v prints its whole log):\n%s", verr->tail);
	pr_err("%s", strbuf_str(&sb));
	strbuf_release(&sb);
}

static int load_progs(struct session *s)
{
	size_t i, k;

	for (i = 0; i < s->cp->nr_progs; i++) {
		const struct cprog *p = &s->cp->progs[i];
		struct scry_verifier_error verr;
		int fds[256];
		struct scry_prog_spec spec = {
			.type = p->prog_type,
			.expected_attach_type = p->expected_attach_type,
			.name = p->name,
			.insns = p->insns,
			.nr_insns = p->nr_insns,
			.fd_array = fds,
			.attach_btf_id = p->attach_btf_id,
			.caller_reports = true,
		};
		struct bpf_func_info fi[64];
		uint32_t ids[64];
		int fd, btf_fd = -1;

		if (p->nr_map_idx > 256 || p->nr_funcs > 64)
			return -E2BIG;
		for (k = 0; k < p->nr_map_idx; k++)
			fds[k] = s->map_fds[p->map_idx[k]];
		if (p->nr_funcs) {	/* loop callbacks: the verifier wants BTF func_info */
			btf_fd = scry_btf_funcs_load(p->nr_funcs, ids);
			if (btf_fd < 0) {
				pr_err("%s:%u:%u: BPF_BTF_LOAD for the loop callbacks failed: %s",
				       s->cp->source_name, p->loc.line, p->loc.col, strerror(-btf_fd));
				return btf_fd;
			}
			for (k = 0; k < p->nr_funcs; k++)
				fi[k] = (struct bpf_func_info){ .insn_off = p->func_offs[k], .type_id = ids[k] };
			spec.prog_btf_fd = btf_fd;
			spec.func_info = fi;
			spec.func_info_cnt = (uint32_t)p->nr_funcs;
		}
		fd = scry_prog_load(&spec, &verr, NULL);
		if (btf_fd >= 0)
			close(btf_fd);
		if (fd < 0) {
			if (verr.msg[0])
				report_rejection(s, p, &verr);
			return fd;
		}
		s->prog_fds[i] = fd;
	}
	return 0;
}

static bool is_special(const struct cprog *p, const char *name)
{
	return p->provider && !strcmp(p->provider->name, name);
}

/* What "Attaching N probes" counts: BEGIN and END, every point, every syscall dispatched. */
static size_t count_probes(const struct session *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->cp->nr_progs; i++) {
		const struct cprog *p = &s->cp->progs[i];

		if (is_special(p, "BEGIN") || is_special(p, "END"))
			n++;
		else
			n += p->nr_stands_for > p->nr_points ? p->nr_stands_for : p->nr_points;
	}
	return n;
}

static int on_attach_poll(int fd, void *ctx)
{
	struct attach_poll *ap = ctx;
	int r = ap->fn(ap->ctx);

	return r < 0 ? STOP_ERROR : r > 0 ? STOP_EXIT : 0;
}

/*
 * The traced program's binary: -p's /proc/PID/exe, or -c's command (its
 * first word, through $PATH when it has no '/'); "" when there is none.
 */
static void traced_exe(const struct session *s, char *buf, size_t len)
{
	const char *path = getenv("PATH"), *e;
	char word[PATH_MAX];
	size_t n;

	buf[0] = '\0';
	if (s->o->pid > 0) {
		snprintf(buf, len, "/proc/%d/exe", (int)s->o->pid);
		return;
	}
	if (!s->have_child || !s->o->cmd)
		return;
	n = strcspn(s->o->cmd + strspn(s->o->cmd, " \t"), " \t");
	if (!n || n >= sizeof(word))
		return;
	memcpy(word, s->o->cmd + strspn(s->o->cmd, " \t"), n);
	word[n] = '\0';
	if (strchr(word, '/')) {
		snprintf(buf, len, "%s", word);
		return;
	}
	for (; path && *path; path = *e ? e + 1 : e) {
		e = strchrnul(path, ':');
		if (snprintf(buf, len, "%.*s/%s", (int)(e - path), path, word) < (int)len &&
		    !access(buf, X_OK))
			return;
	}
	buf[0] = '\0';
}

/*
 * Attaches every probe but BEGIN and END so that probes on one event run in
 * the order of the script: in that order, but those the kernel runs newest
 * first (PF_NEWEST_FIRST) in reverse.
 */
static int attach_all(struct session *s)
{
	size_t n = s->cp->nr_progs, j, i, k;
	char exe[PATH_MAX];
	int err;

	traced_exe(s, exe, sizeof(exe));
	for (j = 0; j < 2 * n; j++) {
		const struct cprog *p = &s->cp->progs[j < n ? j : 2 * n - 1 - j];
		bool newest_first = p->provider && (p->provider->flags & PF_NEWEST_FIRST);

		i = j < n ? j : 2 * n - 1 - j;
		if (is_special(p, "BEGIN") || is_special(p, "END") || newest_first != (j >= n))
			continue;
		if (!p->provider || !p->provider->attach) {
			pr_err("%s:%u:%u: %s probes cannot be attached by scry yet", s->cp->source_name,
			       p->loc.line, p->loc.col, p->provider ? p->provider->name : "these");
			return -EOPNOTSUPP;
		}
		for (k = 0; k < p->nr_points; k++) {
			struct probe_point pp = p->points[k];

			if (!pp.pid && s->o->pid && !s->o->attach_everywhere)
				pp.pid = s->o->pid;
			if (!pp.pid && s->have_child && !s->o->attach_everywhere)
				pp.pid = s->child.pid;
			pp.exe = exe[0] ? exe : NULL;
			err = p->provider->attach(p->provider, &pp, s->prog_fds[i], &s->att[i]);
			if (err && s->o->missing_probes != LANG_MISSING_ERROR && err != -ENOMEM) {
				/* config missing_probes = warn|ignore: the other points still run */
				if (s->o->missing_probes == LANG_MISSING_WARN)
					pr_warn("%s:%u:%u: a probe of this was not attached (missing_probes "
						"= warn)", s->cp->source_name, p->loc.line, p->loc.col);
				continue;
			}
			if (err)
				return err;
		}
		if (s->att[i].poll.fn) {
			err = loop_add_fd(s->loop, s->att[i].poll.fd, on_attach_poll, &s->att[i].poll);
			if (err)
				return err;
		}
		if (s->att[i].timer) {
			err = loop_add_fd(s->loop, interval_fd(s->att[i].timer), on_interval,
					  s->att[i].timer);
			if (err)
				return err;
		}
	}
	return 0;
}

static int run_special(struct session *s, const char *which)
{
	size_t i;
	int err;

	for (i = 0; i < s->cp->nr_progs; i++) {
		if (!is_special(&s->cp->progs[i], which))
			continue;
		err = scry_prog_run(s->prog_fds[i], NULL, 0, NULL);
		if (err)
			return err;
	}
	return 0;
}

static const struct compiled_program *sort_cp;

static int cmp_map_name(const void *a, const void *b)
{
	return strcmp(sort_cp->maps[*(const size_t *)a].name, sort_cp->maps[*(const size_t *)b].name);
}

/* Every map in name order. */
static void print_maps(struct session *s)
{
	size_t *order = malloc((s->cp->nr_maps + 1) * sizeof(*order)), i, n = 0;

	if (!order)
		return;
	for (i = 0; i < s->cp->nr_maps; i++)
		if (s->cp->maps[i].name[0] == '@')	/* not the ring buffer and other internals */
			order[n++] = i;
	sort_cp = s->cp;
	qsort(order, n, sizeof(*order), cmp_map_name);
	for (i = 0; i < n; i++)
		map_print(&s->env, order[i], s->map_fds[order[i]], s->o->out, s->o->json, 0, 1);
	free(order);
}

/* At exit, bpftrace prints two newlines, then every map in name order. */
static void print_all_maps(struct session *s)
{
	fputs("\n\n", s->o->out);
	print_maps(s);
}

/*
 * Stops every probe through the exit flag that exit() sets (the probes
 * check it before anything else): true if the program has one, false if
 * the probes must be detached instead.  A probe already past the check on
 * another CPU finishes its run: microseconds, long before END's output.
 */
static bool raise_exit_flag(struct session *s)
{
	uint32_t zero = 0;
	uint64_t one = 1;

	if (s->cp->exit_map < 0)
		return false;
	return !bpf_map_update_elem(s->map_fds[s->cp->exit_map], &zero, &one, BPF_ANY);
}

static bool have_attachments(const struct session *s)
{
	size_t i;

	for (i = 0; s->att && i < s->cp->nr_progs; i++)
		if (s->att[i].nr_fds)
			return true;
	return false;
}

/*
 * Closing a tracepoint's perf event and its link waits for the kernel to
 * unregister the probe (RCU grace periods: 60-110 ms here), and process exit
 * waits the same way.  Once the output is complete the user has nothing
 * to wait for: a child that shares the open files closes them, after this
 * process has closed its own copies (so the child holds the last
 * references and does the waiting), with stdin, stdout and stderr on
 * /dev/null so that a pipe reading scry's output ends with scry.  The
 * kernel objects go when the child is done, or dies.  If the fork fails,
 * teardown() closes them here.
 */
static void release_deferred(struct session *s)
{
	int go[2], fd;
	pid_t pid;
	size_t i, k;
	char c;

	if (!have_attachments(s) || pipe2(go, O_CLOEXEC))
		return;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(go[0]);
		close(go[1]);
		return;
	}
	if (pid == 0) {
		close(go[1]);
		fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		prctl(PR_SET_NAME, "scry-release");
		/* EOF once the parent closed its copies (or died) */
		while (read(go[0], &c, 1) < 0 && errno == EINTR)
			;
		/*
		 * Links first, then the perf events they hold, as
		 * attachment_release() does; only close() and _exit() here,
		 * which are safe after fork() even in a threaded caller.
		 */
		for (i = 0; i < s->cp->nr_progs; i++)
			for (k = s->att[i].nr_fds; k > 0; k--)
				close(s->att[i].fds[k - 1]);
		_exit(0);
	}
	close(go[0]);
	for (i = 0; i < s->cp->nr_progs; i++)
		attachment_release(&s->att[i]);
	close(go[1]);
}

static void teardown(struct session *s)
{
	size_t i;

	for (i = 0; s->att && i < s->cp->nr_progs; i++)
		attachment_release(&s->att[i]);
	for (i = 0; s->prog_fds && i < s->cp->nr_progs; i++)
		if (s->prog_fds[i] >= 0)
			close(s->prog_fds[i]);
	scry_ringbuf_free(s->rb);
	for (i = 0; s->map_fds && i < s->cp->nr_maps; i++)
		if (s->map_fds[i] >= 0)
			close(s->map_fds[i]);
	if (s->have_child)
		child_kill(&s->child);
	if (s->pidfd >= 0)
		close(s->pidfd);
	if (s->trace_fd >= 0) {
		on_trace_pipe(s->trace_fd, s);	/* the last lines of the programs, now detached */
		close(s->trace_fd);
	}
	strbuf_release(&s->trace_line);
	if (s->printk_event_off)
		printk_event_disable();
	if (s->poll_tfd >= 0)
		close(s->poll_tfd);
	if (s->own_loop)
		loop_free(s->loop);
	ksyms_free(s->ks);
	usyms_free(s->us);
	free(s->att);
	free(s->prog_fds);
	free(s->map_fds);
}

void session_free(struct session *s)
{
	if (!s)
		return;
	teardown(s);
	free(s);
}

/* Everything up to the running program; on error the caller tears down. */
static int start(struct session *s)
{
	struct compiled_program *cp = s->cp;
	const struct session_opts *o = s->o;
	size_t i;
	int err;

	s->map_fds = malloc((cp->nr_maps + 1) * sizeof(int));
	s->prog_fds = malloc((cp->nr_progs + 1) * sizeof(int));
	s->att = calloc(cp->nr_progs + 1, sizeof(*s->att));
	if (!s->map_fds || !s->prog_fds || !s->att)
		return -ENOMEM;
	for (i = 0; i < cp->nr_maps; i++)
		s->map_fds[i] = -1;
	for (i = 0; i < cp->nr_progs; i++)
		s->prog_fds[i] = -1;

	if (o->loop) {
		s->loop = o->loop;
		err = 0;
	} else {
		s->own_loop = true;
		err = loop_new(on_signal, s, &s->loop);
	}
	err = err ?: check_usable(s);
	log_phase("feature checks");
	err = err ?: create_maps(s);
	log_phase("maps");
	s->env.cp = cp;
	s->env.stack_fd = !err && cp->stack_map >= 0 ? s->map_fds[cp->stack_map] : -1;
	s->env.indent = STACK_INDENT_PRINTF;
	/* loading a bpf_trace_printk() user enables this event: it is put back at the end */
	if (!err && cp->trace_pipe)
		s->printk_event_off = printk_event_enabled() == 0;
	err = err ?: load_progs(s);
	if (err)
		return err;
	log_phase("load (verifier)");
	if (cp->ringbuf_map >= 0) {
		err = scry_ringbuf_open(s->map_fds[cp->ringbuf_map], on_event, s, &s->rb);
		err = err ?: loop_add_fd(s->loop, scry_ringbuf_epoll_fd(s->rb), on_ringbuf, s);
		if (err)
			return err;
	}
	if (cp->ringbuf_map >= 0 && o->poll_ms) {
		struct itimerspec its = { 0 };

		its.it_interval.tv_sec = o->poll_ms / 1000;
		its.it_interval.tv_nsec = (long)(o->poll_ms % 1000) * 1000000L;
		its.it_value = its.it_interval;
		s->poll_tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
		if (s->poll_tfd < 0 || timerfd_settime(s->poll_tfd, 0, &its, NULL))
			return -errno;
		err = loop_add_fd(s->loop, s->poll_tfd, on_poll_timer, s);
		if (err)
			return err;
	}
	if (o->cmd) {
		err = child_spawn(o->cmd, &s->child);
		if (err)
			return err;
		s->have_child = true;
		if (cp->cpid_map >= 0) {
			uint32_t zero = 0;
			uint64_t pid = (uint64_t)s->child.pid;

			if (bpf_map_update_elem(s->map_fds[cp->cpid_map], &zero, &pid, BPF_ANY)) {
				err = -errno;
				pr_err("cannot store the command's pid: %s", strerror(errno));
				return err;
			}
		}
	}
	if (o->pid > 0) {
		/* -p: the session ends when that process does, as bpftrace's does */
		s->pidfd = (int)syscall(SYS_pidfd_open, o->pid, 0);
		if (s->pidfd < 0) {
			err = -errno;
			pr_err("process %d: %s", (int)o->pid, strerror(errno));
			return err;
		}
		err = loop_add_fd(s->loop, s->pidfd, on_pid_exit, s);
		if (err)
			return err;
	}
	if (cp->trace_pipe) {
		/*
		 * debugf(): the lines bpf_trace_printk() writes, read from the top
		 * instance's trace_pipe while the programs run (reading consumes
		 * them: other readers of trace_pipe miss these meanwhile).
		 */
		char path[512];

		err = tracefs_path(path, sizeof(path), "trace_pipe");
		s->trace_fd = err ? -1 : open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (!err && s->trace_fd < 0)
			err = -errno;
		if (err) {
			pr_err("debugf(): cannot read the kernel's trace_pipe: %s", strerror(-err));
			return err;
		}
		s->trace_since = trace_clock_now() - 0.25;
		err = loop_add_fd(s->loop, s->trace_fd, on_trace_pipe, s);
		if (err)
			return err;
	}
	log_phase("ring buffer, child, pid");
	s->nr_probes = count_probes(s);
	/*
	 * BEGIN runs before any other probe is attached, so that nothing fires
	 * before it (bpftrace's guarantee), BEGIN probes in the order of the
	 * script.  Its events wait in the ring buffer, ahead of every other
	 * probe's, until "Attaching N probes..." is out.  After an exit() in
	 * BEGIN the other probes find the exit flag up and do nothing.
	 */
	err = run_special(s, "BEGIN");
	if (err)
		return err;
	log_phase("BEGIN");
	err = attach_all(s);
	if (err)
		return err;
	log_phase("attach");
	/* The symbolizers load before anything decodes an event: BEGIN's come next. */
	if (cp->needs_syms) {
		if (ksyms_load(&s->ks))
			s->ks = NULL;	/* kernel addresses print in hex */
		if (usyms_new(&s->us))
			s->us = NULL;
		s->env.ks = s->ks;
		s->env.us = s->us;
		log_phase("symbols");
	}

	if (!o->no_attach_message) {
		if (o->json)
			json_event_uint(o->out, "attached_probes", "probes", s->nr_probes);
		else
			fprintf(o->out, "Attaching %zu probe%s...\n", s->nr_probes,
				s->nr_probes == 1 ? "" : "s");
	}
	if (getenv("__BPFTRACE_NOTIFY_PROBES_ATTACHED"))
		fprintf(o->out, "__BPFTRACE_NOTIFY_PROBES_ATTACHED\n");
	fflush(o->out);
	if (s->rb)
		on_ringbuf(-1, s);
	if (s->have_child && !s->exiting)
		err = child_release(&s->child, o->cmd);
	return err;
}

int session_start(struct compiled_program *cp, const struct session_opts *o, struct session **out)
{
	struct session *s = calloc(1, sizeof(*s));
	int err;

	*out = NULL;
	if (!s)
		return -ENOMEM;
	s->cp = cp;
	s->o = o;
	s->pidfd = -1;
	s->trace_fd = -1;
	s->poll_tfd = -1;
	err = start(s);
	if (err) {
		session_free(s);
		return err;
	}
	*out = s;
	return 0;
}

int session_wait(struct session *s, int timeout_ms)
{
	int stop;

	if (s->ended)
		return s->ended;
	if (!s->own_loop)
		return -EINVAL;	/* the caller runs its loop */
	stop = s->exiting ? STOP_EXIT : loop_run(s->loop, timeout_ms);
	if (stop < 0)
		return stop;
	if (stop == STOP_ERROR)
		return -EIO;
	if (stop)
		log_phase("stop event");
	s->ended = stop;	/* 0: the time passed */
	return stop;
}

int session_stop(struct session *s)
{
	size_t i;
	int err;

	if (s->stopped)
		return 0;
	s->stopped = true;
	if (!s->ended)
		s->ended = SESSION_SIGNAL;	/* stopped from outside, as by Ctrl-C */
	/*
	 * Stop the probes before END and the final read, as bpftrace does.
	 * When the program has an exit flag, raising it stops them at once
	 * (every probe checks it first); the probes are unregistered later,
	 * by release_deferred() in session_run() or by session_free().
	 * Otherwise they are detached now, which waits for the kernel.
	 */
	if (!raise_exit_flag(s)) {
		for (i = 0; i < s->cp->nr_progs; i++)
			attachment_release(&s->att[i]);
	}
	log_phase("probes stopped");
	if (s->rb)
		scry_ringbuf_consume(s->rb);	/* what was queued before exit(), or discarded after it */
	s->discard = false;
	err = run_special(s, "END");
	if (s->rb)
		scry_ringbuf_consume(s->rb);
	report_lost(s);
	fflush(s->o->out);
	return err;
}

int session_find_map(const struct compiled_program *cp, const char *name)
{
	size_t i;

	for (i = 0; i < cp->nr_maps; i++)
		if (!strcmp(cp->maps[i].name, name))
			return (int)i;
	return -ENOENT;
}

int session_map_fd(const struct session *s, size_t idx)
{
	return idx < s->cp->nr_maps ? s->map_fds[idx] : -EINVAL;
}

int session_map_read(const struct session *s, size_t idx, struct map_entries *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	if (idx >= s->cp->nr_maps)
		return -EINVAL;
	err = map_read(&s->cp->maps[idx], s->map_fds[idx], out);
	if (err)
		pr_err("cannot read map '%s': %s", s->cp->maps[idx].name, strerror(-err));
	return err;
}

int session_map_snapshot(const struct session *s, size_t idx, struct map_snapshot *snap)
{
	memset(snap, 0, sizeof(*snap));
	if (idx >= s->cp->nr_maps)
		return -EINVAL;
	return map_snapshot_read(&s->env, idx, s->map_fds[idx], snap);
}

const struct decode_env *session_decode_env(const struct session *s)
{
	return &s->env;
}

int session_exit_code(const struct session *s)
{
	return s->exit_code;
}

pid_t session_child_pid(const struct session *s)
{
	return s->have_child ? s->child.pid : 0;
}

const struct compiled_program *session_program(const struct session *s)
{
	return s->cp;
}

size_t session_nr_probes(const struct session *s)
{
	return s->nr_probes;
}

int session_prog_fd(const struct session *s, size_t i)
{
	return i < s->cp->nr_progs ? s->prog_fds[i] : -1;
}

int session_run(struct compiled_program *cp, const struct session_opts *o, int *exit_code)
{
	struct session *s = NULL;
	int err;

	*exit_code = 0;
	err = session_start(cp, o, &s);
	if (err)
		return err;
	err = session_wait(s, -1);
	if (err < 0)
		goto out;
	err = session_stop(s);
	if (!o->no_map_print)
		print_all_maps(s);
	report_stack_failures(s);
	fflush(o->out);
	log_phase("END, maps printed");
	*exit_code = s->exit_code;
	release_deferred(s);
out:
	session_free(s);
	log_phase("teardown");
	return err;
}
