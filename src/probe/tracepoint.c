// SPDX-License-Identifier: GPL-2.0
/*
 * tracepoint:CATEGORY:EVENT — the kernel's static trace events, from tracefs.
 * Arguments come from the event's format file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

#include "mech/perf_event.h"
#include "mech/tracefs.h"
#include "probe/probe.h"
#include "util/log.h"

struct tp_list_ctx {
	const struct list_query *q;
	struct list_sink *sink;
};

/*
 * Emit one event with its arguments as bpftrace's -lv shows them:
 * "char prev_comm[16]", "__data_loc char[] name", "const char * filename".
 * The common_* header fields are left out.
 */
static int emit_verbose(struct list_sink *sink, struct probe_entry *e,
			const char *cat, const char *ev)
{
	struct tp_format fmt;
	struct probe_arg *args = NULL;
	char **owned = NULL;
	size_t i, n = 0;
	int err;

	if (tp_format_read(cat, ev, &fmt))
		return sink->emit(sink, e);	/* listed, but no arguments known */
	args = calloc(fmt.nr_fields, sizeof(*args));
	owned = calloc(fmt.nr_fields, sizeof(*owned));
	if (!args || !owned) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < fmt.nr_fields; i++) {
		const struct tp_field *f = &fmt.fields[i];

		if (f->flags & TP_FIELD_COMMON)
			continue;
		args[n].type = f->type;
		args[n].name = f->name;
		if (f->flags & TP_FIELD_ARRAY) {
			if (asprintf(&owned[n], "%s[%u]", f->name, f->array_len) < 0)
				goto nomem;
			args[n].name = owned[n];
		} else if (f->flags & TP_FIELD_DATA_LOC) {
			if (asprintf(&owned[n], "__data_loc %s[]", f->type) < 0)
				goto nomem;
			args[n].type = owned[n];
		}
		n++;
	}
	e->args = args;
	e->nr_args = n;
	err = sink->emit(sink, e);
	goto out;
nomem:
	owned[n] = NULL;
	n++;
	err = -ENOMEM;
out:
	for (i = 0; owned && i < n; i++)
		free(owned[i]);
	free(owned);
	free(args);
	tp_format_release(&fmt);
	return err;
}

static int tp_list_one(const char *cat, const char *ev, void *arg)
{
	struct tp_list_ctx *c = arg;
	struct probe_entry e = { .available = true };
	char name[512];

	if (snprintf(name, sizeof(name), "tracepoint:%s:%s", cat, ev) >= (int)sizeof(name))
		return 0;
	if (!list_query_match(c->q, name))
		return 0;
	e.name = name;
	if (c->q->verbose)
		return emit_verbose(c->sink, &e, cat, ev);
	return c->sink->emit(c->sink, &e);
}

static int tp_list(const struct provider *self, const struct list_query *q,
		   struct list_sink *sink)
{
	struct tp_list_ctx c = { .q = q, .sink = sink };
	char cat[256];
	int err;

	/* "tracepoint:sched:*" reads only the sched category. */
	if (list_query_field(q, 1, cat, sizeof(cat)) < 2 || !strchr(q->pattern, ':'))
		strcpy(cat, "*");
	if (!tracefs_dir(false))
		return 0;	/* nothing to list; 'scry info' says why */
	err = tracefs_for_each_event(cat, tp_list_one, &c);
	if (err < 0 && err != -ENOMEM) {
		pr_err("cannot read the tracepoints from tracefs: %s", strerror(-err));
		return err;
	}
	return err;
}

/*
 * One perf event is enough for a BPF program: it runs on whichever CPU the
 * tracepoint fires (KERNEL.md 1a).  Filtering by process is the program's.
 */
static int tp_attach(const struct provider *self, const struct probe_point *pp, int prog_fd,
		     struct attachment *a)
{
	int pfd;

	pfd = perf_tracepoint_open(pp->target, pp->func, -1, 0);
	return attachment_add_perf(a, pfd, prog_fd, pp->cookie);
}

const struct provider provider_tracepoint = {
	.name = "tracepoint",
	.alias = "t",
	.prog_type = BPF_PROG_TYPE_TRACEPOINT,
	.list = tp_list,
	.attach = tp_attach,
};
