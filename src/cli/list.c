// SPDX-License-Identifier: GPL-2.0
/*
 * scry list [-v] [-p PID] [-f json] [PATTERN]     (also: scry -l [PATTERN])
 *
 * Every provider lists what matches; entries are collected, sorted by name
 * and printed once each, as bpftrace prints them.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "out/json.h"
#include "probe/probe.h"
#include "sym/dwarf.h"
#include "sym/btf.h"
#include "util/strbuf.h"
#include "util/log.h"

struct owned_entry {
	char *name;
	char *reason;
	bool available;
	bool has_semaphore;
	uint64_t semaphore;
	size_t nr_args;
	struct probe_arg *args;	/* strings owned */
};

struct collector {
	struct list_sink sink;
	struct owned_entry *v;
	size_t n, alloc;
	bool oom;
};

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void owned_release(struct owned_entry *e)
{
	size_t i;

	for (i = 0; i < e->nr_args; i++) {
		free((char *)e->args[i].type);
		free((char *)e->args[i].name);
		free((char *)e->args[i].spec);
	}
	free(e->args);
	free(e->name);
	free(e->reason);
}

static int collect(struct list_sink *sink, const struct probe_entry *pe)
{
	struct collector *c = (struct collector *)sink;
	struct owned_entry *e;
	size_t i;

	if (c->n == c->alloc) {
		size_t na = c->alloc ? c->alloc * 2 : 1024;
		struct owned_entry *nv = realloc(c->v, na * sizeof(*nv));

		if (!nv)
			goto oom;
		c->v = nv;
		c->alloc = na;
	}
	e = &c->v[c->n];
	memset(e, 0, sizeof(*e));
	e->name = strdup(pe->name);
	e->reason = dup_or_null(pe->reason);
	e->available = pe->available;
	e->has_semaphore = pe->has_semaphore;
	e->semaphore = pe->semaphore;
	if (pe->nr_args) {
		e->args = calloc(pe->nr_args, sizeof(*e->args));
		if (!e->args)
			goto oom_entry;
		e->nr_args = pe->nr_args;
		for (i = 0; i < pe->nr_args; i++) {
			e->args[i].type = dup_or_null(pe->args[i].type);
			e->args[i].name = dup_or_null(pe->args[i].name);
			e->args[i].spec = dup_or_null(pe->args[i].spec);
		}
	}
	if (!e->name)
		goto oom_entry;
	c->n++;
	return 0;
oom_entry:
	owned_release(e);
oom:
	c->oom = true;
	return -ENOMEM;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct owned_entry *)a)->name, ((const struct owned_entry *)b)->name);
}

static void print_text(FILE *f, const struct owned_entry *e, bool verbose)
{
	size_t i;

	fputs(e->name, f);
	fputc('\n', f);
	if (!verbose)
		return;
	if (!e->available)
		fprintf(f, "    (not available: %s)\n", e->reason ? e->reason : "unknown reason");
	if (e->has_semaphore)
		fprintf(f, "    semaphore: 0x%llx\n", (unsigned long long)e->semaphore);
	for (i = 0; i < e->nr_args; i++) {
		const struct probe_arg *a = &e->args[i];

		if (a->spec)
			fprintf(f, "    %s %s: %s\n", a->type ? a->type : "?", a->name, a->spec);
		else
			fprintf(f, "    %s %s\n", a->type ? a->type : "?", a->name);
	}
}

static void print_json(FILE *f, const struct owned_entry *e, bool verbose)
{
	struct json_writer w;
	const char *colon = strchr(e->name, ':');
	size_t i;

	json_init(&w, f);
	json_obj_begin(&w);
	json_kv_str(&w, "probe", e->name);
	json_key(&w, "provider");
	json_strn(&w, e->name, colon ? (size_t)(colon - e->name) : strlen(e->name));
	json_kv_bool(&w, "available", e->available);
	if (!e->available && e->reason)
		json_kv_str(&w, "reason", e->reason);
	if (verbose) {
		if (e->has_semaphore)
			json_kv_uint(&w, "semaphore", e->semaphore);
		json_key(&w, "args");
		json_arr_begin(&w);
		for (i = 0; i < e->nr_args; i++) {
			json_obj_begin(&w);
			json_kv_str(&w, "name", e->args[i].name);
			json_kv_str(&w, "type", e->args[i].type);
			if (e->args[i].spec)
				json_kv_str(&w, "spec", e->args[i].spec);
			json_obj_end(&w);
		}
		json_arr_end(&w);
	}
	json_obj_end(&w);
	fputc('\n', f);
}

/*
 * "t:sched:*" and "kfunc:vfs_*" name providers by alias: rewrite the first
 * field to the canonical name, which is what listed names carry.
 */
static const char *canonical_pattern(const char *pattern, char *buf, size_t len)
{
	const struct provider *p;
	const char *colon;
	char first[64];

	if (!pattern || !(colon = strchr(pattern, ':')) || (size_t)(colon - pattern) >= sizeof(first))
		return pattern;
	memcpy(first, pattern, (size_t)(colon - pattern));
	first[colon - pattern] = '\0';
	p = provider_find(first);
	if (!p || !strcmp(p->name, first))
		return pattern;
	if (snprintf(buf, len, "%s%s", p->name, colon) >= (int)len)
		return pattern;
	return buf;
}

/* --summary: how many probes each provider offers, and whether it can attach. */
static void print_summary(FILE *f, const struct owned_entry *v, size_t n, enum out_format fmt)
{
	struct json_writer w;
	size_t i, j, k;

	if (fmt == FMT_JSON) {
		json_init(&w, f);
		json_obj_begin(&w);
	}
	for (k = 0; providers[k]; k++) {
		const char *name = providers[k]->name;
		size_t len = strlen(name), count = 0;
		const struct owned_entry *first = NULL;

		for (i = 0; i < n; i = j) {
			for (j = i + 1; j < n && !strcmp(v[j].name, v[i].name); j++)
				;
			if (strncmp(v[i].name, name, len) || (v[i].name[len] && v[i].name[len] != ':'))
				continue;
			if (!first)
				first = &v[i];
			count++;
		}
		if (!count)
			continue;
		if (fmt == FMT_JSON) {
			json_key(&w, name);
			json_obj_begin(&w);
			json_kv_uint(&w, "probes", count);
			json_kv_bool(&w, "available", first->available);
			if (!first->available && first->reason)
				json_kv_str(&w, "reason", first->reason);
			json_obj_end(&w);
		} else if (first->available) {
			fprintf(f, "%-14s %7zu\n", name, count);
		} else {
			fprintf(f, "%-14s %7zu  (cannot attach here: %s)\n", name, count,
				first->reason ? first->reason : "unknown reason");
		}
	}
	if (fmt == FMT_JSON) {
		json_obj_end(&w);
		fputc('\n', f);
	}
}

/* ---- kernel types: scry -l 'struct x*', -lv 'struct task_struct' (BTF) ---- */

struct type_lister {
	char **names;
	size_t n, cap;
	bool oom;
};

static int collect_type(const char *name, void *arg)
{
	struct type_lister *tl = arg;

	if (tl->n == tl->cap) {
		size_t cap = tl->cap ? tl->cap * 2 : 64;
		char **grown = realloc(tl->names, cap * sizeof(*grown));

		if (!grown) {
			tl->oom = true;
			return -ENOMEM;
		}
		tl->names = grown;
		tl->cap = cap;
	}
	tl->names[tl->n] = strdup(name);
	if (!tl->names[tl->n]) {
		tl->oom = true;
		return -ENOMEM;
	}
	tl->n++;
	return 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_type_pattern(const char *pattern)
{
	return pattern && (!strncmp(pattern, "struct ", 7) || !strncmp(pattern, "union ", 6) ||
			   !strncmp(pattern, "enum ", 5));
}

/* The kernel's types whose names match pattern, sorted; with -v their definitions. */
static int list_types(const char *pattern, const struct cli_opts *o)
{
	struct type_lister tl = { 0 };
	int err = kernel_btf_type_names(pattern, collect_type, &tl), status = 0;
	size_t i;

	if (err) {
		if (tl.oom)
			pr_err("out of memory");
		else
			pr_err("cannot list kernel types: %s (the kernel's BTF, /sys/kernel/btf/vmlinux)",
			       strerror(-err));
		status = 1;
		goto out;
	}
	if (!tl.n && !strpbrk(pattern, "*?[")) {
		pr_err("no type '%s' in the kernel's BTF", pattern);
		status = 1;
		goto out;
	}
	qsort(tl.names, tl.n, sizeof(*tl.names), cmp_name);
	for (i = 0; i < tl.n; i++) {
		struct strbuf sb = STRBUF_INIT;

		if (i && !strcmp(tl.names[i], tl.names[i - 1]))
			continue;
		if (o->verbose <= 0)
			fprintf(o->out, "%s\n", tl.names[i]);
		else if (!kernel_btf_type_text(tl.names[i], &sb))
			fprintf(o->out, "%s\n", strbuf_str(&sb));
		strbuf_release(&sb);
	}
out:
	for (i = 0; i < tl.n; i++)
		free(tl.names[i]);
	free(tl.names);
	return status;
}

int list_probes(const char *pattern, const struct cli_opts *o)
{
	if (is_type_pattern(pattern))
		return list_types(pattern, o);
	return list_probes_opt(pattern, o, false);
}

/* How many fields after the probe type bpftrace takes, and how it says so. */
static const struct {
	const char *type;
	int min, max;
	const char *says;
} arity[] = {
	{ "kprobe", 1, 2, "requires 1 argument" },
	{ "kretprobe", 1, 2, "requires 1 argument" },
	{ "uprobe", 2, 3, "requires 2 arguments" },
	{ "uretprobe", 2, 3, "requires 2 arguments" },
	{ "usdt", 2, 3, "requires 2 or 3 arguments" },
	{ "tracepoint", 2, 2, "requires 2 arguments" },
	{ "rawtracepoint", 1, 1, "requires 1 argument" },
	{ "profile", 2, 2, "requires 2 arguments" },
	{ "interval", 2, 2, "requires 2 arguments" },
	{ "software", 1, 2, "requires 1 or 2 arguments" },
	{ "hardware", 1, 2, "requires 1 or 2 arguments" },
	{ "kfunc", 1, 2, "requires 1 or 2 arguments" },
	{ "kretfunc", 1, 2, "requires 1 or 2 arguments" },
	{ "fentry", 1, 2, "requires 1 or 2 arguments" },
	{ "fexit", 1, 2, "requires 1 or 2 arguments" },
	{ "watchpoint", 3, 3, "requires 3 arguments" },
	{ "iter", 1, 2, "takes 2 arguments (1 optional)" },
	{ "BEGIN", 0, 0, "requires 0 arguments" },
	{ "END", 0, 0, "requires 0 arguments" },
};

/*
 * A search that names a probe type with the wrong number of fields gets
 * bpftrace's error (with its place and underline); a wildcard may stand for
 * the missing fields ("tracepoint:*", "usdt:*").  Returns 0 or 1 (reported).
 */
static int check_search(const char *pattern)
{
	const struct provider *p;
	char type[64];
	size_t n = strcspn(pattern, ":"), i, len = strlen(pattern);
	int nargs = 0;
	const char *s;

	if (n >= sizeof(type))
		return 0;
	memcpy(type, pattern, n);
	type[n] = '\0';
	p = provider_find(type);
	if (!p)
		return 0;	/* a word to search for everywhere, or a wildcard type */
	for (s = pattern + n; *s; s++)
		nargs += *s == ':';
	for (i = 0; i < sizeof(arity) / sizeof(arity[0]); i++) {
		if (strcmp(arity[i].type, p->name))
			continue;
		if (nargs <= arity[i].max && (nargs >= arity[i].min || strchr(pattern, '*')))
			return 0;
		fprintf(stderr, "stdin:1:1-%zu: ERROR: %s probe type %s\n%s\n", len + 1, p->name,
			arity[i].says, pattern);
		for (s = pattern; *s; s++)
			fputc('~', stderr);
		fputc('\n', stderr);
		return 1;
	}
	return 0;
}

int list_probes_opt(const char *pattern, const struct cli_opts *o, bool summary)
{
	struct collector c = { .sink = { .emit = collect } };
	char canon[4096];
	struct list_query q = {
		.pattern = canonical_pattern(pattern, canon, sizeof(canon)),
		.pid = o->pid,
		.verbose = o->verbose > 0,
	};
	size_t i, j;
	int err = 0, status = 0;

	if (pattern && check_search(pattern))
		return 1;
	dwarf_set_debug_root(getenv("SCRY_DEBUG_ROOT"));	/* uprobes: their debug files */
	for (i = 0; providers[i]; i++) {
		size_t before = c.n;

		if (!providers[i]->list || !list_query_wants(&q, providers[i]))
			continue;
		err = providers[i]->list(providers[i], &q, &c.sink);
		if (!err && summary && !pattern && c.n == before) {
			/* counted too: the providers listed only when named (tp_btf) */
			struct list_query all = q;
			char pat[80];

			snprintf(pat, sizeof(pat), "%s:*", providers[i]->name);
			all.pattern = pat;
			err = providers[i]->list(providers[i], &all, &c.sink);
		}
		if (c.oom) {
			pr_err("out of memory");
			status = 1;
			break;
		}
		if (err)
			status = 1;	/* reported by the provider; list the rest */
	}

	if (c.n > 1)
		qsort(c.v, c.n, sizeof(*c.v), cmp_entry);
	if (summary)
		print_summary(o->out, c.v, c.n, o->format);
	for (i = 0; !summary && i < c.n; i = j) {
		if (o->format == FMT_JSON)
			print_json(o->out, &c.v[i], q.verbose);
		else
			print_text(o->out, &c.v[i], q.verbose);
		for (j = i + 1; j < c.n && !strcmp(c.v[j].name, c.v[i].name); j++)
			;
	}
	for (i = 0; i < c.n; i++)
		owned_release(&c.v[i]);
	free(c.v);
	return status;
}

static void list_usage(FILE *f)
{
	fprintf(f,
		"usage: scry list [-v] [-s] [-p PID] [-f text|json] [PATTERN]\n"
		"\n"
		"List every probe this machine offers, named as bpftrace names them.\n"
		"PATTERN takes '*' and '?' in every field: 'tracepoint:sched:*',\n"
		"'uprobe:/bin/bash:read*', 'usdt:/usr/bin/prog:*', 'uprobe:libc:mall*'.\n"
		"\n"
		"  -s, --summary how many probes of each type, and which cannot attach here\n"
		"  -v            show arguments (tracepoint fields, USDT argument specs)\n"
		"  -p PID        the uprobes and USDT probes of what process PID maps\n"
		"  -f FORMAT     text (default) or json (one object a line)\n"
		"  -o FILE       write to FILE\n");
}

int cmd_list(int argc, char **argv, struct cli_opts *o)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "summary", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	const char *outfile = NULL;
	bool summary = false;
	int c, status;
	char *end;

	while ((c = getopt_long(argc, argv, "vsp:f:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'v':
			o->verbose++;
			break;
		case 'p':
			errno = 0;
			o->pid = (pid_t)strtol(optarg, &end, 10);
			if (errno || *end || o->pid <= 0) {
				cli_usage_error("list", "'%s' is not a process id", optarg);
				return 1;
			}
			break;
		case 'f':
			if (cli_parse_format(optarg, &o->format)) {
				cli_usage_error("list", "unknown output format '%s' (expected text or json)", optarg);
				return 1;
			}
			break;
		case 'o':
			outfile = optarg;
			break;
		case 's':
			summary = true;
			break;
		case 'h':
			list_usage(stdout);
			return 0;
		default:
			fprintf(stderr, "Try 'scry list --help'.\n");
			return 1;
		}
	}
	if (argc - optind > 1) {
		cli_usage_error("list", "one pattern at most");
		return 1;
	}
	if (outfile) {
		o->out = fopen(outfile, "we");
		if (!o->out) {
			fprintf(stderr, "scry: error: cannot write '%s': %s\n", outfile, strerror(errno));
			return 1;
		}
	}
	if (!summary && is_type_pattern(optind < argc ? argv[optind] : NULL))
		status = list_types(argv[optind], o);
	else
		status = list_probes_opt(optind < argc ? argv[optind] : NULL, o, summary);
	if (o->out != stdout && fclose(o->out)) {
		fprintf(stderr, "scry: error: cannot write '%s': %s\n", outfile, strerror(errno));
		status = 1;
	}
	return status;
}
