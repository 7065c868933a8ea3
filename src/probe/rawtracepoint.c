// SPDX-License-Identifier: GPL-2.0
/*
 * rawtracepoint:NAME — the tracepoint's raw arguments (its TP_PROTO), no
 * format-file record.  The names the kernel accepts are those with a
 * btf_trace_NAME typedef in vmlinux BTF; without BTF, the tracefs events.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/btf.h>

#include <linux/bpf.h>

#include "mech/features.h"
#include "mech/perf_event.h"
#include "mech/tracefs.h"
#include "probe/probe.h"
#include "sym/btf.h"

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
	.list = rtp_list,
	.attach = rtp_attach,
};
