// SPDX-License-Identifier: GPL-2.0
/*
 * scry serve [--listen ADDR:PORT] [--interval SECONDS] PROGRAM.bt...
 *
 * Runs programs in scry's language for as long as it runs, and serves
 * their maps as Prometheus metrics: GET /metrics (text 0.0.4, or
 * OpenMetrics when the Accept header asks for it), GET / (what runs),
 * GET /healthz.
 *
 * One thread and one epoll loop (runtime/loop.c): the ring buffers and
 * interval timers of every program, the HTTP server's own epoll fd, and the
 * signals.  A scrape reads the maps between two events, so nothing is
 * shared between threads and the symbolizers need no locks; a scrape of
 * 10,000 keys takes milliseconds (bench/serve.sh), which the event loop
 * can afford.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "codegen/codegen.h"
#include "lang/lang.h"
#include "mech/bpf.h"
#include "net/http.h"
#include "out/prometheus.h"
#include "runtime/decode.h"
#include "runtime/loop.h"
#include "runtime/session.h"
#include "util/log.h"
#include "util/strbuf.h"

#define MAX_PROGRAM (16 << 20)
#define MAX_LABELS 16

/* How one map of a program is served. */
struct metric {
	size_t map_idx;		/* in the compiled program */
	char *name;		/* base name */
	enum prom_type type;
	char *help;
	char *labels[MAX_LABELS];
	size_t nr_labels;
	uint64_t dropped;	/* keys left out at the last scrape */
	const char *skipped;	/* why it is not exported, or NULL */
};

struct served {
	char *path;
	int nr_params;		/* $1, $2, ...: the arguments after the path (in argv) */
	char *const *params;
	char *name;		/* the program's name in metric names */
	struct strbuf src;
	struct lang_env lenv;	/* what the compiler asks of the system (cli_env()) */
	struct lang_program *lp;
	struct compiled_program *cp;
	struct session_opts so;
	struct session *s;
	struct metric *metrics;
	size_t nr_metrics;
	char **probes;		/* per cprog: its probe as written */
};

struct serve {
	struct served *progs;
	size_t nr_progs;
	struct loop *loop;
	struct http_server *http;
	int stats_fd;
	size_t max_keys;
	double interval;	/* seconds a rendering is reused; 0: every scrape reads */
	struct strbuf cache[2];	/* per format */
	double cache_time[2];
	double last_scrape_s;
	uint64_t scrapes;
	const char *listen;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: scry serve [OPTIONS] PROGRAM.bt [ARG...]...\n"
		"\n"
		"Runs the programs and serves their maps as Prometheus metrics on\n"
		"http://ADDR:PORT/metrics (also / and /healthz).  END and map printing do\n"
		"not happen; printf output goes to standard error.  The arguments after a\n"
		"program, up to the next NAME.bt, are its $1, $2, ... (after '--' when one\n"
		"starts with '-').\n"
		"\n"
		"  --listen ADDR:PORT   where to listen (default 127.0.0.1:9435; port 0 picks one)\n"
		"  --interval SECONDS   reuse a scrape's answer for this long (default 0: every\n"
		"                       scrape reads the maps)\n"
		"  --max-keys N         keys exported per map, the largest kept (default 100000)\n"
		"  --max-scrapes N      concurrent connections; more get 503 (default 64)\n"
		"  --no-bpf-stats       do not turn on the kernel's BPF run-time statistics\n"
		"  -v                   log more (each scrape with -vv)\n"
		"  -h, --help           this text\n"
		"\n"
		"A map is named scry_PROGRAM_MAP, or by a comment on the line above its first use:\n"
		"  // metric: NAME TYPE \"HELP\" [LABEL,LABEL...]\n"
		"TYPE is counter, gauge, histogram or summary; LABELs name the keys.\n"
		"'// metric: none' keeps a map (timestamps, ...) out of the metrics.\n");
}

/* ---- the programs ---- */

static void metric_release(struct metric *m)
{
	size_t i;

	free(m->name);
	free(m->help);
	for (i = 0; i < m->nr_labels; i++)
		free(m->labels[i]);
}

static void served_release(struct served *p)
{
	size_t i;

	session_free(p->s);
	for (i = 0; i < p->nr_metrics; i++)
		metric_release(&p->metrics[i]);
	free(p->metrics);
	for (i = 0; p->probes && p->cp && i < p->cp->nr_progs; i++)
		free(p->probes[i]);
	free(p->probes);
	compiled_program_free(p->cp);
	lang_program_free(p->lp);
	strbuf_release(&p->src);
	free(p->name);
}

/* "syscalls" from "/x/tools/serve/syscalls.bt": the name in metric names. */
static char *program_name(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	const char *b = strrchr(path, '/');

	b = b ? b + 1 : path;
	if (prom_add_sanitized(&sb, b))
		return NULL;
	if (sb.len > 3 && !strcmp(sb.buf + sb.len - 3, "_bt"))
		sb.buf[sb.len -= 3] = '\0';
	return strbuf_detach(&sb);
}

/* The probe of program i as written: "tracepoint:syscalls:sys_enter_write" (+N more). */
static char *probe_text(const struct cprog *p)
{
	struct strbuf sb = STRBUF_INIT;
	const struct probe_point *pp = p->nr_points ? &p->points[0] : NULL;

	if (!pp) {
		strbuf_addstr(&sb, p->provider ? p->provider->name : p->name);
	} else {
		strbuf_addstr(&sb, pp->provider ? pp->provider : "?");
		if (pp->target && *pp->target)
			strbuf_addf(&sb, ":%s", pp->target);
		if (pp->func && *pp->func)
			strbuf_addf(&sb, ":%s", pp->func);
		if (pp->rate)
			strbuf_addf(&sb, ":%llu", (unsigned long long)pp->rate);
		if (p->nr_points > 1)
			strbuf_addf(&sb, " (+%zu)", p->nr_points - 1);
	}
	return strbuf_detach(&sb);
}

/* Line n (1-based) of src: *start and its length, or false. */
static bool source_line(const struct strbuf *src, uint32_t n, const char **start, size_t *len)
{
	const char *p = strbuf_str(src), *end = p + src->len, *nl;
	uint32_t line = 1;

	while (line < n) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return false;
		p = nl + 1;
		line++;
	}
	nl = memchr(p, '\n', (size_t)(end - p));
	*start = p;
	*len = nl ? (size_t)(nl - p) : (size_t)(end - p);
	return true;
}

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* The next blank-separated word after *p: *w and its length; *p moves past it. */
static size_t next_word(const char **p, const char *end, const char **w)
{
	const char *q = skip_ws(*p, end);

	*w = q;
	while (q < end && *q != ' ' && *q != '\t')
		q++;
	*p = q;
	return (size_t)(q - *w);
}

/*
 * "// metric: NAME TYPE "HELP" [LABEL,LABEL...]" (line of len bytes) into m.
 * Returns 1 when the line is such a comment, 0 when it is not one, or
 * -EINVAL after reporting at path:line.
 */
static int parse_metric_comment(const char *path, uint32_t lineno, const char *l, size_t len,
				struct metric *m)
{
	const char *p = l, *end = l + len, *w;
	char word[128];
	size_t n;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if ((size_t)(end - p) < 10 || memcmp(p, "//", 2))
		return 0;
	for (p += 2; p < end && (*p == ' ' || *p == '\t'); p++)
		;
	if ((size_t)(end - p) < 7 || memcmp(p, "metric:", 7))
		return 0;
	p += 7;
	n = next_word(&p, end, &w);
	if (n == 4 && !memcmp(w, "none", 4) && skip_ws(p, end) == end) {
		m->skipped = "not exported (metric: none)";
		return 1;
	}
	if (!n || n >= sizeof(word))
		goto bad_name;
	memcpy(word, w, n);
	word[n] = '\0';
	if (!prom_metric_name_ok(word))
		goto bad_name;
	if (n > 6 && !strcmp(word + n - 6, "_total"))
		word[n - 6] = '\0';	/* the base name; "_total" comes back on counters */
	m->name = strdup(word);
	n = next_word(&p, end, &w);
	if (!n || n >= sizeof(word))
		goto bad_type;
	memcpy(word, w, n);
	word[n] = '\0';
	if (prom_type_parse(word, &m->type))
		goto bad_type;
	p = skip_ws(p, end);
	if (p < end && *p == '"') {
		const char *q = memchr(p + 1, '"', (size_t)(end - p - 1));

		if (!q) {
			pr_err("%s:%u: metric comment: the help text has no closing '\"'", path, lineno);
			return -EINVAL;
		}
		m->help = dup_n(p + 1, (size_t)(q - p - 1));
		p = q + 1;
	}
	n = next_word(&p, end, &w);
	while (n) {
		const char *c = memchr(w, ',', n), *e = c ? c : w + n;

		if (m->nr_labels == MAX_LABELS || (size_t)(e - w) >= sizeof(word)) {
			pr_err("%s:%u: metric comment: too many or too long labels", path, lineno);
			return -EINVAL;
		}
		memcpy(word, w, (size_t)(e - w));
		word[e - w] = '\0';
		if (!prom_label_name_ok(word) || !strcmp(word, "le") || !strcmp(word, "quantile")) {
			pr_err("%s:%u: metric comment: '%s' is not a label name that can be used", path,
			       lineno, word);
			return -EINVAL;
		}
		m->labels[m->nr_labels++] = strdup(word);
		if (!c)
			break;
		n -= (size_t)(c + 1 - w);
		w = c + 1;
	}
	p = skip_ws(p, end);
	if (p < end) {
		pr_err("%s:%u: metric comment: unexpected '%.*s'", path, lineno, (int)(end - p), p);
		return -EINVAL;
	}
	return 1;
bad_name:
	pr_err("%s:%u: metric comment: '%.*s' is not a metric name", path, lineno, (int)n, w);
	return -EINVAL;
bad_type:
	pr_err("%s:%u: metric comment: '%.*s' is not counter, gauge, histogram or summary", path,
	       lineno, (int)n, w);
	return -EINVAL;
}

static const char *cmap_agg_name(enum cmap_kind k)
{
	static const char *const names[] = {
		[CMAP_VALUE] = "value", [CMAP_COUNT] = "count()", [CMAP_SUM] = "sum()",
		[CMAP_MIN] = "min()", [CMAP_MAX] = "max()", [CMAP_AVG] = "avg()",
		[CMAP_STATS] = "stats()", [CMAP_HIST] = "hist()", [CMAP_LHIST] = "lhist()",
	};
	return names[k];
}

static enum pmap_kind pmap_kind_of_cmap(enum cmap_kind k)
{
	switch (k) {
	case CMAP_AVG: return PM_AVG;
	case CMAP_STATS: return PM_STATS;
	case CMAP_HIST: return PM_HIST;
	case CMAP_LHIST: return PM_LHIST;
	default: return PM_VALUE;
	}
}

/* One metric per map of the script: names, types and labels from the comments. */
static int plan_metrics(struct served *p)
{
	const struct compiled_program *cp = p->cp;
	size_t i;
	int err = 0;

	p->metrics = calloc(cp->nr_maps + 1, sizeof(*p->metrics));
	if (!p->metrics)
		return -ENOMEM;
	for (i = 0; i < cp->nr_maps && !err; i++) {
		const struct cmap *cm = &cp->maps[i];
		struct metric *m = &p->metrics[p->nr_metrics];
		const struct map_info *mi;
		bool counter = cm->kind == CMAP_COUNT || cm->kind == CMAP_SUM;
		enum prom_type natural = prom_type_of(pmap_kind_of_cmap(cm->kind), counter);
		uint32_t line;

		if (cm->name[0] != '@')
			continue;	/* the ring buffer, the lost-events counter, ... */
		p->nr_metrics++;
		m->map_idx = i;
		m->type = natural;
		for (mi = p->lp->maps; mi && strcmp(mi->name, cm->name); mi = mi->next)
			;
		/* The comment lines right above the first use; the nearest "metric:" one counts. */
		for (line = mi ? mi->first.line : 0; line > 1; line--) {
			const char *l;
			size_t len, k;
			int r;

			if (!source_line(&p->src, line - 1, &l, &len))
				break;
			for (k = 0; k < len && (l[k] == ' ' || l[k] == '\t'); k++)
				;
			if (len - k < 2 || memcmp(l + k, "//", 2))
				break;
			r = parse_metric_comment(p->path, line - 1, l, len, m);
			if (r < 0)
				return r;
			if (r > 0)
				break;
		}
		if (m->name && !((natural == PROM_COUNTER || natural == PROM_GAUGE) ?
					 m->type == PROM_COUNTER || m->type == PROM_GAUGE :
					 m->type == natural)) {
			pr_err("%s:%u: metric '%s' is a %s, but %s of %s makes a %s", p->path,
			       mi ? mi->first.line : 0, m->name, prom_type_name(m->type),
			       cmap_agg_name(cm->kind), cm->name, prom_type_name(natural));
			return -EINVAL;
		}
		if (!m->name) {
			struct strbuf sb = STRBUF_INIT;

			err = strbuf_addf(&sb, "scry_%s", p->name);
			if (cm->name[1]) {
				err = err ?: strbuf_addch(&sb, '_');
				err = err ?: prom_add_sanitized(&sb, cm->name + 1);
			}
			m->name = strbuf_detach(&sb);
		}
		if (!m->help) {
			struct strbuf sb = STRBUF_INIT;

			err = err ?: strbuf_addf(&sb, "%s of %s: %s", cm->name, p->path, cmap_agg_name(cm->kind));
			m->help = strbuf_detach(&sb);
		}
		if (!m->name || !m->help)
			err = -ENOMEM;
		if (!m->skipped && cm->kind == CMAP_VALUE && cm->value.kind != VT_INT)
			m->skipped = "its values are not numbers";
	}
	return err;
}

static int load_program(struct served *p)
{
	struct strbuf text = STRBUF_INIT;
	struct lang_opts lo = { .filename = p->path, .env = &p->lenv, .nr_params = p->nr_params,
				.params = p->params };
	struct codegen_opts co = { .source_name = p->path, .nr_params = p->nr_params,
				   .params = p->params, .hist_sum = true };
	size_t i;
	int err;

	p->name = program_name(p->path);
	if (!p->name)
		return -ENOMEM;
	err = cli_env(&p->lenv, false);
	if (err)
		return err;
	err = strbuf_read_file(&p->src, p->path, MAX_PROGRAM);
	if (err) {
		pr_err("cannot read '%s': %s", p->path, strerror(-err));
		return err;
	}
	err = lang_compile(strbuf_str(&p->src), p->src.len, &lo, &p->lp);
	if (p->lp && diag_render(&p->lp->diags, &text) == 0)
		fputs(strbuf_str(&text), stderr);
	strbuf_release(&text);
	if (err)
		return err;
	err = codegen_program(p->lp, &co, &p->cp);
	if (err)
		return err;
	p->cp->source = strbuf_str(&p->src);
	p->cp->source_len = p->src.len;
	err = plan_metrics(p);
	if (err)
		return err;
	p->probes = calloc(p->cp->nr_progs + 1, sizeof(*p->probes));
	if (!p->probes)
		return -ENOMEM;
	for (i = 0; i < p->cp->nr_progs; i++)
		if (!(p->probes[i] = probe_text(&p->cp->progs[i])))
			return -ENOMEM;
	return 0;
}

/* ---- /metrics ---- */

/* bpf_stats per probe: run time (time) or run count. */
static int write_bpf_stats(struct serve *sv, struct strbuf *sb, enum prom_format f, bool time)
{
	const char *name = time ? "scry_serve_bpf_run_time_seconds" : "scry_serve_bpf_run_count";
	struct prom_label l[2];
	size_t i, k;
	int err;

	err = prom_family(sb, f, name, PROM_COUNTER,
			  time ? "Time the kernel spent running each BPF program (bpf_stats)" :
				 "Times each BPF program ran (bpf_stats)");
	for (i = 0; i < sv->nr_progs && !err; i++) {
		struct served *p = &sv->progs[i];

		for (k = 0; k < p->cp->nr_progs && !err; k++) {
			uint64_t ns = 0, cnt = 0;

			scry_prog_stats(session_prog_fd(p->s, k), &ns, &cnt);
			l[0] = (struct prom_label){ "program", p->name, strlen(p->name) };
			l[1] = (struct prom_label){ "probe", p->probes[k], strlen(p->probes[k]) };
			err = prom_sample(sb, name, "_total", l, 2,
					  time ? (struct prom_value){ .is_float = true, .f = (double)ns / 1e9 } :
						 (struct prom_value){ .is_unsigned = true, .u = cnt });
		}
	}
	return err;
}

static int write_self_metrics(struct serve *sv, struct strbuf *sb, enum prom_format f)
{
	struct prom_label l[3];
	struct http_stats hs;
	size_t i, k;
	int err;

	http_server_stats(sv->http, &hs);
	err = prom_family(sb, f, "scry_serve_programs_loaded", PROM_GAUGE,
			  "Programs loaded and attached by scry serve");
	err = err ?: prom_sample(sb, "scry_serve_programs_loaded", "", NULL, 0,
				 (struct prom_value){ .i = (int64_t)sv->nr_progs });
	err = err ?: prom_family(sb, f, "scry_serve_events_lost", PROM_COUNTER,
				 "Events the BPF ring buffer refused, per program");
	for (i = 0; i < sv->nr_progs && !err; i++) {
		l[0] = (struct prom_label){ "program", sv->progs[i].name, strlen(sv->progs[i].name) };
		err = prom_sample(sb, "scry_serve_events_lost", "_total", l, 1,
				  (struct prom_value){ .is_unsigned = true,
						       .u = session_lost_events(sv->progs[i].s) });
	}
	err = err ?: write_bpf_stats(sv, sb, f, true);
	err = err ?: write_bpf_stats(sv, sb, f, false);
	err = err ?: prom_family(sb, f, "scry_serve_map_keys_dropped", PROM_GAUGE,
				 "Keys of a map left out of the last scrape (--max-keys)");
	for (i = 0; i < sv->nr_progs && !err; i++) {
		struct served *p = &sv->progs[i];

		for (k = 0; k < p->nr_metrics && !err; k++) {
			const char *map = p->cp->maps[p->metrics[k].map_idx].name;

			if (p->metrics[k].skipped)
				continue;
			l[0] = (struct prom_label){ "program", p->name, strlen(p->name) };
			l[1] = (struct prom_label){ "map", map, strlen(map) };
			err = prom_sample(sb, "scry_serve_map_keys_dropped", "", l, 2,
					  (struct prom_value){ .is_unsigned = true,
							       .u = p->metrics[k].dropped });
		}
	}
	err = err ?: prom_family(sb, f, "scry_serve_scrape_duration_seconds", PROM_GAUGE,
				 "How long the previous scrape took to read the maps and write the answer");
	err = err ?: prom_sample(sb, "scry_serve_scrape_duration_seconds", "", NULL, 0,
				 (struct prom_value){ .is_float = true, .f = sv->last_scrape_s });
	err = err ?: prom_family(sb, f, "scry_serve_scrapes", PROM_COUNTER, "Scrapes answered");
	err = err ?: prom_sample(sb, "scry_serve_scrapes", "_total", NULL, 0,
				 (struct prom_value){ .is_unsigned = true, .u = sv->scrapes });
	err = err ?: prom_family(sb, f, "scry_serve_http_bad_requests", PROM_COUNTER,
				 "Malformed or refused HTTP requests");
	err = err ?: prom_sample(sb, "scry_serve_http_bad_requests", "_total", NULL, 0,
				 (struct prom_value){ .is_unsigned = true, .u = hs.bad });
	err = err ?: prom_family(sb, f, "scry_serve_http_rejected", PROM_COUNTER,
				 "Connections turned away at --max-scrapes");
	err = err ?: prom_sample(sb, "scry_serve_http_rejected", "_total", NULL, 0,
				 (struct prom_value){ .is_unsigned = true, .u = hs.rejected });
	return err;
}

static int render_metrics(struct serve *sv, struct strbuf *sb, enum prom_format f)
{
	double t0 = now_s();
	size_t i, k;
	int err = 0;

	for (i = 0; i < sv->nr_progs && !err; i++) {
		struct served *p = &sv->progs[i];

		for (k = 0; k < p->nr_metrics && !err; k++) {
			struct metric *m = &p->metrics[k];
			struct prom_map_desc d = {
				.name = m->name,
				.type = m->type,
				.help = m->help,
				.labels = (const char *const *)m->labels,
				.nr_labels = m->nr_labels,
				.max_keys = sv->max_keys,
			};
			struct map_snapshot snap;
			size_t dropped = 0;
			int r;

			if (m->skipped)
				continue;
			r = session_map_snapshot(p->s, m->map_idx, &snap);
			if (r)
				continue;	/* reported; the other maps are still served */
			r = prom_write_map(sb, f, &d, &snap.pm, &dropped);
			map_snapshot_release(&snap);
			if (r == -ENOMEM)
				err = r;
			m->dropped = dropped;
		}
	}
	err = err ?: write_self_metrics(sv, sb, f);
	err = err ?: prom_end(sb, f);
	sv->scrapes++;
	sv->last_scrape_s = now_s() - t0;
	pr_debug("scrape: %zu bytes in %.3f ms", sb->len, sv->last_scrape_s * 1e3);
	return err;
}

/* ---- / ---- */

static void html_text(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			strbuf_addstr(sb, "&lt;");
		else if (*s == '>')
			strbuf_addstr(sb, "&gt;");
		else if (*s == '&')
			strbuf_addstr(sb, "&amp;");
		else if (*s == '"')
			strbuf_addstr(sb, "&quot;");
		else
			strbuf_addch(sb, *s);
	}
}

static void render_index(struct serve *sv, struct strbuf *sb)
{
	size_t i, k;

	strbuf_addstr(sb, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>scry serve</title>"
			  "</head><body>\n<h1>scry serve</h1>\n<p><a href=\"/metrics\">/metrics</a> "
			  "&middot; <a href=\"/healthz\">/healthz</a></p>\n");
	for (i = 0; i < sv->nr_progs; i++) {
		struct served *p = &sv->progs[i];

		strbuf_addstr(sb, "<h2>");
		html_text(sb, p->path);
		strbuf_addstr(sb, "</h2>\n<p>probes:</p>\n<ul>\n");
		for (k = 0; k < p->cp->nr_progs; k++) {
			strbuf_addstr(sb, "<li><code>");
			html_text(sb, p->probes[k]);
			strbuf_addstr(sb, "</code></li>\n");
		}
		strbuf_addstr(sb, "</ul>\n<p>metrics:</p>\n<ul>\n");
		for (k = 0; k < p->nr_metrics; k++) {
			struct metric *m = &p->metrics[k];

			strbuf_addstr(sb, "<li><code>");
			html_text(sb, m->name);
			strbuf_addf(sb, "</code> (%s, from <code>", prom_type_name(m->type));
			html_text(sb, p->cp->maps[m->map_idx].name);
			strbuf_addstr(sb, "</code>)");
			if (m->skipped) {
				strbuf_addstr(sb, ": not exported: ");
				html_text(sb, m->skipped);
			}
			strbuf_addstr(sb, "</li>\n");
		}
		strbuf_addstr(sb, "</ul>\n");
	}
	strbuf_addstr(sb, "</body></html>\n");
}

static void on_request(const struct http_request *req, struct http_response *resp, void *ctx)
{
	struct serve *sv = ctx;

	if (!strcmp(req->path, "/metrics")) {
		enum prom_format f = prom_negotiate(req->accept);
		double now = now_s();

		resp->content_type = prom_content_type(f);
		if (sv->interval > 0 && sv->cache[f].len && now - sv->cache_time[f] < sv->interval) {
			strbuf_add(&resp->body, sv->cache[f].buf, sv->cache[f].len);
			return;
		}
		if (render_metrics(sv, &resp->body, f)) {
			resp->status = 500;
			strbuf_reset(&resp->body);
			strbuf_addstr(&resp->body, "out of memory\n");
			return;
		}
		if (sv->interval > 0) {
			strbuf_reset(&sv->cache[f]);
			if (strbuf_add(&sv->cache[f], resp->body.buf, resp->body.len))
				strbuf_reset(&sv->cache[f]);
			sv->cache_time[f] = now;
		}
	} else if (!strcmp(req->path, "/healthz")) {
		strbuf_addstr(&resp->body, "ok\n");
	} else if (!strcmp(req->path, "/")) {
		resp->content_type = "text/html; charset=utf-8";
		render_index(sv, &resp->body);
	} else {
		resp->status = 404;
		strbuf_addstr(&resp->body, "not found: try /metrics, / or /healthz\n");
	}
}

/* ---- the loop ---- */

static int on_http(int fd, void *ctx)
{
	struct serve *sv = ctx;
	int err = http_server_dispatch(sv->http);

	if (err)
		pr_err("http server: %s", strerror(-err));
	return 0;	/* one bad wake-up does not stop the service */
}

static int on_signal(int signo, void *ctx)
{
	if (signo == SIGCHLD)
		return 0;
	return signo;	/* SIGINT, SIGTERM: detach everything and leave */
}

static int parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || !*s || *s == '-')
		return -EINVAL;
	*out = (size_t)v;
	return 0;
}

/* A program's path ends in .bt; other arguments are the parameters of the one before. */
static bool is_program(const char *arg)
{
	size_t n = strlen(arg);

	return n > 3 && !strcmp(arg + n - 3, ".bt");
}

int cmd_serve(int argc, char **argv, struct cli_opts *o)
{
	enum { OPT_LISTEN = 256, OPT_INTERVAL, OPT_MAX_KEYS, OPT_MAX_SCRAPES, OPT_NO_STATS };
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, OPT_LISTEN },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "max-keys", required_argument, NULL, OPT_MAX_KEYS },
		{ "max-scrapes", required_argument, NULL, OPT_MAX_SCRAPES },
		{ "no-bpf-stats", no_argument, NULL, OPT_NO_STATS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct serve sv = { .stats_fd = -1, .max_keys = 100000, .listen = "127.0.0.1:9435" };
	struct http_server_opts ho = { 0 };
	struct sockaddr_storage ss;
	socklen_t sl;
	bool loopback, stats = true;
	size_t i, n, nr_probes = 0;
	int c, err, status = 1, stop;
	char *end;

	optind = 1;
	while ((c = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_LISTEN:
			sv.listen = optarg;
			break;
		case OPT_INTERVAL:
			errno = 0;
			sv.interval = strtod(optarg, &end);
			if (errno || *end || !(sv.interval >= 0) || sv.interval > 86400) {
				cli_usage_error("serve", "'--interval %s' is not a number of seconds", optarg);
				return 1;
			}
			break;
		case OPT_MAX_KEYS:
			if (parse_size(optarg, &sv.max_keys) || !sv.max_keys) {
				cli_usage_error("serve", "'--max-keys %s' is not a positive number", optarg);
				return 1;
			}
			break;
		case OPT_MAX_SCRAPES:
			if (parse_size(optarg, &n) || !n || n > 4096) {
				cli_usage_error("serve", "'--max-scrapes %s' is not a number from 1 to 4096",
						optarg);
				return 1;
			}
			ho.max_conns = (unsigned int)n;
			break;
		case OPT_NO_STATS:
			stats = false;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr, "Try 'scry serve --help'.\n");
			return 1;
		}
	}
	log_set_level(o->verbose >= 2 ? LOG_DEBUG : LOG_INFO);
	if (optind >= argc) {
		cli_usage_error("serve", "no program to serve");
		return 1;
	}
	if (http_parse_listen(sv.listen, &ss, &sl, &loopback)) {
		cli_usage_error("serve", "'--listen %s' is not ADDR:PORT (127.0.0.1:9435, [::1]:9435)",
				sv.listen);
		return 1;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "scry serve: error: loading BPF programs needs root\n");
		return 1;
	}
	sv.progs = calloc((size_t)(argc - optind), sizeof(*sv.progs));
	if (!sv.progs)
		goto out;
	/* PROGRAM.bt ARG...: a program, then its positional parameters */
	for (c = optind; c < argc; c++) {
		if (c == optind || is_program(argv[c])) {
			sv.progs[sv.nr_progs++].path = argv[c];
			sv.progs[sv.nr_progs - 1].params = &argv[c + 1];
		} else {
			sv.progs[sv.nr_progs - 1].nr_params++;
		}
	}
	err = loop_new(on_signal, &sv, &sv.loop);
	if (err) {
		fprintf(stderr, "scry serve: error: event loop: %s\n", strerror(-err));
		goto out;
	}
	/* Compile everything before attaching anything: a bad script costs nothing. */
	for (i = 0; i < sv.nr_progs; i++) {
		if (load_program(&sv.progs[i]))
			goto out;
		for (n = 0; n < i; n++)
			if (!strcmp(sv.progs[n].name, sv.progs[i].name)) {
				fprintf(stderr, "scry serve: error: '%s' and '%s' have the same name\n",
					sv.progs[n].path, sv.progs[i].path);
				goto out;
			}
	}
	if (stats)
		sv.stats_fd = scry_bpf_enable_stats();
	err = http_server_new(&ss, sl, &ho, on_request, &sv, &sv.http);
	err = err ?: loop_add_fd(sv.loop, http_server_fd(sv.http), on_http, &sv);
	if (err)
		goto out;
	for (i = 0; i < sv.nr_progs; i++) {
		struct served *p = &sv.progs[i];

		p->so = (struct session_opts){ .out = stderr, .no_attach_message = true, .loop = sv.loop };
		if (session_start(p->cp, &p->so, &p->s))
			goto out;
		nr_probes += session_nr_probes(p->s);
	}
	if (!loopback)
		pr_warn("listening on %s, which is not a loopback address: anyone who reaches it "
			"reads the metrics", sv.listen);
	fprintf(stderr, "scry serve: %zu program%s, %zu probe%s, listening on http://%.*s:%d/metrics\n",
		sv.nr_progs, sv.nr_progs == 1 ? "" : "s", nr_probes, nr_probes == 1 ? "" : "s",
		(int)(strrchr(sv.listen, ':') - sv.listen), sv.listen, http_server_port(sv.http));
	fflush(stderr);
	stop = loop_run(sv.loop, -1);
	if (stop < 0) {
		fprintf(stderr, "scry serve: error: event loop: %s\n", strerror(-stop));
		goto out;
	}
	fprintf(stderr, "scry serve: %s: detaching\n", strsignal(stop));
	status = 0;
out:
	for (i = 0; sv.progs && i < sv.nr_progs; i++)
		served_release(&sv.progs[i]);
	http_server_free(sv.http);
	if (sv.stats_fd >= 0)
		close(sv.stats_fd);
	loop_free(sv.loop);
	strbuf_release(&sv.cache[0]);
	strbuf_release(&sv.cache[1]);
	free(sv.progs);
	return status;
}
