// SPDX-License-Identifier: GPL-2.0
/*
 * scry info [-f text|json] [-o FILE]     (also: scry --info)
 *
 * What this kernel supports, each item found by trying it (see
 * src/mech/features.c), grouped under headings as bpftrace --info groups
 * them: one line per item, "yes" or "no" with the reason and what scry uses
 * instead.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "cli/cli.h"
#include "cli/version.h"
#include "mech/features.h"
#include "out/json.h"
#include "util/log.h"

#define MAX_GROUPS 16

/* Headings in order of first appearance in enum feature_id. */
static size_t groups(const char **out, size_t max)
{
	size_t n = 0, i, j;

	for (i = 0; i < FEAT__COUNT; i++) {
		const char *g = feature_get((enum feature_id)i)->group;

		for (j = 0; j < n && strcmp(out[j], g); j++)
			;
		if (j == n && n < max)
			out[n++] = g;
	}
	return n;
}

static void print_text(FILE *f, const struct utsname *u)
{
	const char *g[MAX_GROUPS];
	size_t ng = groups(g, MAX_GROUPS), i, k;

	fprintf(f, "System\n  kernel: %s %s\n  arch: %s\n  scry: %s\n", u->sysname, u->release,
		u->machine, SCRY_GIT_VERSION);
	for (k = 0; k < ng; k++) {
		fprintf(f, "\n%s\n", g[k]);
		for (i = 0; i < FEAT__COUNT; i++) {
			const struct feature *ft = feature_get((enum feature_id)i);

			if (strcmp(ft->group, g[k]))
				continue;
			if (ft->ok)
				fprintf(f, "  %s: yes (%s)\n", ft->key, ft->detail);
			else
				fprintf(f, "  %s: no: %s; instead: %s\n", ft->key, ft->detail,
					ft->instead ? ft->instead : "nothing");
		}
	}
}

static void print_json(FILE *f, const struct utsname *u)
{
	struct json_writer w;
	size_t i;

	json_init(&w, f);
	json_obj_begin(&w);
	json_kv_str(&w, "kernel", u->release);
	json_kv_str(&w, "arch", u->machine);
	json_kv_str(&w, "version", SCRY_GIT_VERSION);
	json_key(&w, "features");
	json_arr_begin(&w);
	for (i = 0; i < FEAT__COUNT; i++) {
		const struct feature *ft = feature_get((enum feature_id)i);

		json_obj_begin(&w);
		json_kv_str(&w, "key", ft->key);
		json_kv_str(&w, "group", ft->group);
		json_kv_str(&w, "desc", ft->desc);
		json_kv_bool(&w, "ok", ft->ok);
		json_kv_int(&w, "errno", ft->err);
		json_kv_str(&w, "error", ft->err ? strerrorname_np(ft->err) : NULL);
		json_kv_str(&w, "detail", ft->detail);
		json_kv_str(&w, "instead", ft->instead);
		json_obj_end(&w);
	}
	json_arr_end(&w);
	json_obj_end(&w);
	fputc('\n', f);
}

int info_print(const struct cli_opts *o)
{
	struct utsname u;

	if (uname(&u)) {
		fprintf(stderr, "scry: error: uname: %s\n", strerror(errno));
		return 1;
	}
	if (o->format == FMT_JSON)
		print_json(o->out, &u);
	else
		print_text(o->out, &u);
	return 0;
}

static void info_usage(FILE *f)
{
	fprintf(f,
		"usage: scry info [-f text|json] [-o FILE]\n"
		"\n"
		"What this kernel supports for tracing.  Every item is tried (a tiny\n"
		"program loaded, a map created, an event opened, then all removed),\n"
		"not read from config files.  Each line says yes, or no with the error\n"
		"and what scry uses instead.  Same as 'scry --info'.\n"
		"\n"
		"  -f FORMAT     text (default) or json (one document)\n"
		"  -o FILE       write to FILE\n"
		"  -v            verbose (-vv: log every probe)\n");
}

int cmd_info(int argc, char **argv, struct cli_opts *o)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *outfile = NULL;
	int c, status;

	while ((c = getopt_long(argc, argv, "f:o:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			outfile = optarg;
			break;
		default:
			if (cli_common_opt("info", c, optarg, o, info_usage, &status))
				return status;
			break;
		}
	}
	if (optind < argc) {
		cli_usage_error("info", "unexpected argument '%s'", argv[optind]);
		return 1;
	}
	if (o->verbose)
		log_set_level(o->verbose >= 2 ? LOG_DEBUG : LOG_INFO);
	if (outfile) {
		o->out = fopen(outfile, "we");
		if (!o->out) {
			fprintf(stderr, "scry: error: cannot write '%s': %s\n", outfile, strerror(errno));
			return 1;
		}
	}
	status = info_print(o);
	if (o->out != stdout && fclose(o->out)) {
		fprintf(stderr, "scry: error: cannot write '%s': %s\n", outfile, strerror(errno));
		status = 1;
	}
	return status;
}

/* One of bpftrace's --info lines, answered by what scry tried. */
struct bt_line {
	const char *group, *name;
	enum feature_id id;
};

static const struct bt_line bt_lines[] = {
	{ "Kernel helpers", "send_signal", FEAT_HELPER_SEND_SIGNAL },
	{ "Kernel helpers", "override_return", FEAT_HELPER_OVERRIDE_RETURN },
	{ "Kernel helpers", "get_stackid", FEAT_HELPER_GET_STACKID },
	{ "Kernel helpers", "get_stack", FEAT_HELPER_GET_STACK },
	{ "Kernel helpers", "probe_write_user", FEAT_HELPER_PROBE_WRITE_USER },
	{ "Kernel helpers", "get_attach_cookie", FEAT_HELPER_ATTACH_COOKIE },
	{ "Kernel helpers", "loop", FEAT_HELPER_LOOP },
	{ "Kernel features", "btf", FEAT_BTF },
	{ "Map types", "percpu hash", FEAT_PERCPU_MAPS },
	{ "Map types", "percpu array", FEAT_PERCPU_MAPS },
	{ "Map types", "stack_trace", FEAT_STACK_TRACE },
	{ "Map types", "ringbuf", FEAT_RINGBUF },
	{ "Probe types", "kprobe", FEAT_KPROBE },
	{ "Probe types", "tracepoint", FEAT_PROG_TRACEPOINT },
	{ "Probe types", "perf_event", FEAT_PROG_PERF_EVENT },
	{ "Probe types", "kfunc", FEAT_FENTRY },
	{ "Probe types", "iter:task", FEAT_PROG_ITER },
	{ "Probe types", "uprobe", FEAT_UPROBE },
	{ "Probe types", "uprobe_multi", FEAT_UPROBE_MULTI },
	{ "Probe types", "raw_tp_special", FEAT_PROG_RAW_TP },
};

int info_print_bpftrace(const struct cli_opts *o)
{
	const char *group = NULL;
	struct utsname u;
	size_t i;

	if (o->format == FMT_JSON)
		return info_print(o);	/* bpftrace has no JSON here: scry's own document */
	if (uname(&u)) {
		fprintf(stderr, "scry: error: uname: %s\n", strerror(errno));
		return 1;
	}
	fprintf(o->out, "System\n  OS: %s %s %s\n  Arch: %s\n\n", u.sysname, u.release, u.version,
		u.machine);
	fprintf(o->out, "Build\n  version: %s\n  LLVM: none (scry compiles to BPF itself)\n"
		"  unsafe uprobe: no\n  bfd: no\n  libdw (DWARF support): no\n", SCRY_GIT_VERSION);
	for (i = 0; i < sizeof(bt_lines) / sizeof(bt_lines[0]); i++) {
		const struct bt_line *l = &bt_lines[i];

		if (!group || strcmp(group, l->group))
			fprintf(o->out, "\n%s\n", l->group);
		group = l->group;
		fprintf(o->out, "  %s: %s\n", l->name, feature_has(l->id) ? "yes" : "no");
	}
	fprintf(o->out, "\n");
	return info_print(o);
}
