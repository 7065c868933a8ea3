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

#include <fnmatch.h>

#include "lang/env.h"
#include "mech/features.h"
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

struct tp_expand {
	const struct expand_req *r;
	int (*add)(void *arg, const struct probe_point *pp);
	void *arg;
	size_t nr;
};

static int tp_expand_one(const char *cat, const char *ev, void *ctx)
{
	struct tp_expand *x = ctx;
	struct probe_point pp = { .provider = "tracepoint", .target = cat, .func = ev };

	if (fnmatch(x->r->func, ev, 0))
		return 0;
	x->nr++;
	return x->add(x->arg, &pp);
}

/* tracepoint:CAT*:EV*: every event of the environment that matches. */
static int tp_expand(const struct provider *self, const struct lang_env *env,
		     const struct expand_req *r, int (*add)(void *arg, const struct probe_point *pp),
		     void *arg)
{
	struct probe_point pp = { .provider = self->name, .target = r->target, .func = r->func };
	struct tp_expand x = { .r = r, .add = add, .arg = arg };
	int err;

	if (!probe_is_glob(r->target) && !probe_is_glob(r->func))
		return add(arg, &pp);
	err = env->tp_events ? env->tp_events(env->ctx, r->target, tp_expand_one, &x) : 0;
	if (err)
		return err;
	if (!x.nr) {
		pr_err("%s: no tracepoint matches '%s:%s'", r->where, r->target, r->func);
		return -EINVAL;
	}
	return 0;
}

extern const struct provider provider_rawtracepoint;

/*
 * A tracepoint whose record is not read runs for less as the raw tracepoint
 * of the same name: no perf event on the way.  The syscalls:* events are
 * made from raw_syscalls' two, which always exist; other answers need the
 * kernel's BTF (asked last).
 */
static const struct provider *tp_lighter(const struct provider *self, const struct lang_env *env,
					 const struct probe_point *pp)
{
	bool has;

	/* the feature (a program load) is probed only when a point could use it */
	if (!pp->target || !pp->func || !strcmp(pp->target, "syscalls") ||
	    !env_feature(env, FEAT_PROG_RAW_TP))
		return NULL;
	if (!strcmp(pp->target, "raw_syscalls"))
		has = !strcmp(pp->func, "sys_enter") || !strcmp(pp->func, "sys_exit");
	else
		has = env->btf_has_raw_tp && env->btf_has_raw_tp(env->ctx, pp->func) > 0;
	return has ? &provider_rawtracepoint : NULL;
}

/*
 * Many syscalls:sys_enter_* (or sys_exit_*) points: one raw tracepoint on
 * raw_syscalls:sys_enter (sys_exit), which always exists, instead of a perf
 * event each (~370 attached one by one take tens of seconds).
 */
#define TP_DISPATCH_MIN 8	/* fewer points attach fast enough one by one */

static const struct provider *tp_dispatch(const struct provider *self, const struct lang_env *env,
					  const struct probe_point *pts, size_t n,
					  struct probe_point *one)
{
	const char *prefix;
	size_t i;

	if (n < TP_DISPATCH_MIN || !pts[0].func)
		return NULL;
	prefix = !strncmp(pts[0].func, "sys_enter_", 10) ? "sys_enter_" :
		 !strncmp(pts[0].func, "sys_exit_", 9) ? "sys_exit_" : NULL;
	if (!prefix)
		return NULL;
	for (i = 0; i < n; i++)
		if (!pts[i].target || strcmp(pts[i].target, "syscalls") || !pts[i].func ||
		    strncmp(pts[i].func, prefix, strlen(prefix)))
			return NULL;
	if (!env_feature(env, FEAT_PROG_RAW_TP))
		return NULL;
	*one = (struct probe_point){ .provider = provider_rawtracepoint.name,
				     .target = "raw_syscalls",
				     .func = !strcmp(prefix, "sys_enter_") ? "sys_enter" : "sys_exit" };
	return &provider_rawtracepoint;
}

const struct provider provider_tracepoint = {
	.name = "tracepoint",
	.alias = "t",
	.min_parts = 2,
	.max_parts = 2,
	.wildcard = true,
	.usage = "tracepoint:CATEGORY:EVENT",
	.ctx = CTX_ARGS | CTX_TP,
	.ctx_kind = PCTX_RECORD,
	.flags = PF_ARGS_PER_LAYOUT,
	.expand = tp_expand,
	.lighter = tp_lighter,
	.dispatch = tp_dispatch,
	.prog_type = BPF_PROG_TYPE_TRACEPOINT,
	.list = tp_list,
	.attach = tp_attach,
};
