// SPDX-License-Identifier: GPL-2.0
/*
 * tp_btf:EVENT — a raw tracepoint typed by the kernel's BTF: a tracing
 * program (BPF_TRACE_RAW_TP) loaded with the BTF id of the event's
 * btf_trace_EVENT typedef, attached with bpf_raw_tracepoint_open(NULL).  It
 * needs no BPF trampoline, so it runs where fentry cannot (KERNEL.md 1d);
 * argN are the tracepoint's arguments, as for rawtracepoint.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/btf.h>
#include <linux/bpf.h>

#include "lang/env.h"
#include "mech/features.h"
#include "mech/perf_event.h"
#include "probe/kfunc_list.h"
#include "probe/probe.h"
#include "sym/btf.h"
#include "util/log.h"

struct tpbtf_ctx {
	const struct list_query *q;
	struct list_sink *sink;
	struct probe_entry e;
	char name[512];
};

static int tpbtf_one(const char *tp, unsigned int type_id, void *arg)
{
	struct tpbtf_ctx *c = arg;

	if (snprintf(c->name, sizeof(c->name), "tp_btf:%s", tp) >= (int)sizeof(c->name))
		return 0;
	if (!list_query_match(c->q, c->name))
		return 0;
	c->e.name = c->name;
	return c->sink->emit(c->sink, &c->e);
}

/* Listed only when asked for by name: they are the raw tracepoints again. */
static int tpbtf_list(const struct provider *self, const struct list_query *q,
		      struct list_sink *sink)
{
	const struct feature *f = feature_get(FEAT_PROG_TP_BTF);
	struct tpbtf_ctx c = {
		.q = q,
		.sink = sink,
		.e = { .available = f->ok, .reason = f->ok ? NULL : f->detail },
	};
	int err;

	if (!list_query_names(q, self))
		return 0;
	err = kernel_btf_for_each(BTF_KIND_TYPEDEF, "btf_trace_", tpbtf_one, &c);
	return err < 0 && err != -ENOMEM ? 0 : err;
}

static int tpbtf_prepare(const struct provider *self, const struct lang_env *env,
			 const char *where, const struct probe_point *pp, struct load_prep *out)
{
	int id = env->btf_has_raw_tp && pp->func ? env->btf_has_raw_tp(env->ctx, pp->func) : 0;

	if (id <= 0) {
		pr_err("%s: tp_btf: no raw tracepoint '%s' in the kernel's BTF (see 'scry -l "
		       "\"tp_btf:*\"')", where, pp->func ?: "");
		return -EINVAL;
	}
	out->attach_btf_id = (uint32_t)id;
	out->expected_attach_type = BPF_TRACE_RAW_TP;
	return 0;
}

static int tpbtf_usable(const struct provider *self, char *why, size_t len)
{
	const struct feature *f = feature_get(FEAT_PROG_TP_BTF);

	if (f->ok)
		return 0;
	snprintf(why, len, "tp_btf probes cannot be used on this kernel (%s): use rawtracepoint",
		 f->detail);
	return -EOPNOTSUPP;
}

static int tpbtf_attach(const struct provider *self, const struct probe_point *pp, int prog_fd,
			struct attachment *a)
{
	int link = perf_raw_tp_attach(NULL, prog_fd);	/* the event is in the load's BTF id */

	return link < 0 ? link : attachment_add_fd(a, link);
}

const struct provider provider_tp_btf = {
	.name = "tp_btf",
	.min_parts = 1,
	.max_parts = 1,
	.usage = "tp_btf:EVENT",
	.ctx = CTX_ARGN,
	.ctx_kind = PCTX_U64_ARGS,
	.prog_type = BPF_PROG_TYPE_TRACING,
	.prepare = tpbtf_prepare,
	.usable = tpbtf_usable,
	.attach = tpbtf_attach,
	.list = tpbtf_list,
};
