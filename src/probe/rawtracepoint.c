// SPDX-License-Identifier: GPL-2.0
/*
 * rawtracepoint:NAME — the tracepoint's raw arguments (its TP_PROTO), no
 * format-file record.  The names the kernel accepts are those with a
 * btf_trace_NAME typedef in vmlinux BTF; without BTF, the tracefs events.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include <linux/bpf.h>

#include "lang/env.h"
#include "mech/features.h"
#include "mech/perf_event.h"
#include "mech/tracefs.h"
#include "probe/probe.h"
#include "sym/btf.h"
#include "util/log.h"
#include "util/strbuf.h"

struct rtp_ctx {
	const struct list_query *q;
	struct list_sink *sink;
	struct probe_entry e;
	char name[512];
};

static int rtp_one(const char *tp, unsigned int type_id, void *arg)
{
	struct rtp_ctx *c = arg;

	if (snprintf(c->name, sizeof(c->name), "rawtracepoint:%s", tp) >= (int)sizeof(c->name))
		return 0;
	if (!list_query_match(c->q, c->name))
		return 0;
	c->e.name = c->name;
	return c->sink->emit(c->sink, &c->e);
}

static int rtp_event(const char *cat, const char *ev, void *arg)
{
	return rtp_one(ev, 0, arg);
}

static int rtp_list(const struct provider *self, const struct list_query *q,
		    struct list_sink *sink)
{
	const struct feature *f = feature_get(FEAT_PROG_RAW_TP);
	struct rtp_ctx c = {
		.q = q,
		.sink = sink,
		.e = { .available = f->ok, .reason = f->ok ? NULL : f->detail },
	};
	int err;

	err = kernel_btf_for_each(BTF_KIND_TYPEDEF, "btf_trace_", rtp_one, &c);
	if (err < 0 && err != -ENOMEM && tracefs_dir(false))
		err = tracefs_for_each_event(NULL, rtp_event, &c);
	return err < 0 && err != -ENOMEM ? 0 : err;
}

/*
 * rawtracepoint:[MODULE:]EVENT with wildcards: the tracefs events whose
 * names match, those the kernel's BTF has a btf_trace_ typedef for (the
 * syscalls:* events are not raw tracepoints), each once.  Raw tracepoints
 * live in vmlinux: this kernel has no module BTF, so MODULE must be (or
 * match) "vmlinux".
 */
struct rtp_expand {
	const struct lang_env *env;
	const struct expand_req *r;
	int (*add)(void *arg, const struct probe_point *pp);
	void *arg;
	struct strbuf seen;	/* "\nNAME\nNAME\n": the points added */
	size_t nr;
};

static int rtp_expand_one(const char *cat, const char *ev, void *ctx)
{
	struct rtp_expand *x = ctx;
	struct probe_point pp = { .provider = "rawtracepoint", .func = ev };
	char key[256];

	if (fnmatch(x->r->func, ev, 0))
		return 0;
	if (x->env->btf_has_raw_tp && x->env->btf_has_raw_tp(x->env->ctx, ev) <= 0)
		return 0;
	if (snprintf(key, sizeof(key), "\n%s\n", ev) >= (int)sizeof(key))
		return 0;
	if (!x->seen.len && strbuf_addch(&x->seen, '\n'))
		return -ENOMEM;
	if (strstr(strbuf_str(&x->seen), key))
		return 0;
	if (strbuf_addstr(&x->seen, key + 1))
		return -ENOMEM;
	x->nr++;
	return x->add(x->arg, &pp);
}

static int rtp_expand(const struct provider *self, const struct lang_env *env,
		      const struct expand_req *r, int (*add)(void *arg, const struct probe_point *pp),
		      void *arg)
{
	struct rtp_expand x = { .env = env, .r = r, .add = add, .arg = arg, .seen = STRBUF_INIT };
	struct probe_point pp = { .provider = self->name, .func = r->func };
	int err;

	if (r->target && fnmatch(r->target, "vmlinux", 0)) {
		pr_err("%s: rawtracepoint: no module '%s' with raw tracepoints (this kernel has no "
		       "module BTF: only 'vmlinux')", r->where, r->target);
		return -EINVAL;
	}
	if (!probe_is_glob(r->func)) {
		if (env->btf_has_raw_tp && env->btf_has_raw_tp(env->ctx, r->func) <= 0 &&
		    env->tp_events) {
			pr_err("%s: rawtracepoint: no raw tracepoint '%s' (see 'scry -l "
			       "\"rawtracepoint:*\"')", r->where, r->func);
			return -EINVAL;
		}
		return add(arg, &pp);
	}
	err = env->tp_events ? env->tp_events(env->ctx, "*", rtp_expand_one, &x) : 0;
	strbuf_release(&x.seen);
	if (err)
		return err;
	if (!x.nr) {
		pr_err("%s: no raw tracepoint matches '%s'", r->where, r->func);
		return -EINVAL;
	}
	return 0;
}

static int rtp_attach(const struct provider *self, const struct probe_point *pp, int prog_fd,
		      struct attachment *a)
{
	int link = perf_raw_tp_attach(pp->func, prog_fd);

	return link < 0 ? link : attachment_add_fd(a, link);
}

const struct provider provider_rawtracepoint = {
	.name = "rawtracepoint",
	.alias = "rt",
	.min_parts = 1,
	.max_parts = 2,
	.wildcard = true,
	.usage = "rawtracepoint:[MODULE:]EVENT",
	.ctx = CTX_ARGN,
	.ctx_kind = PCTX_U64_ARGS,
	.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT,
	.expand = rtp_expand,
	.list = rtp_list,
	.attach = rtp_attach,
};
