// SPDX-License-Identifier: GPL-2.0
/*
 * fentry:FUNC, fexit:FUNC (kfunc/kretfunc in older bpftrace) — kernel
 * functions through BPF trampolines, typed by BTF.  The functions are the
 * BTF FUNC entries of vmlinux.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>

#include <bpf/btf.h>

#include "lang/env.h"
#include "mech/features.h"
#include "mech/perf_event.h"
#include "util/log.h"
#include "probe/kfunc_list.h"
#include "sym/btf.h"

struct fentry_ctx {
	const char *prefix;
	const struct list_query *q;
	struct list_sink *sink;
	struct probe_entry e;
	char name[512];
};

static int fentry_one(const char *func, unsigned int type_id, void *arg)
{
	struct fentry_ctx *c = arg;

	if (snprintf(c->name, sizeof(c->name), "%s:%s", c->prefix, func) >= (int)sizeof(c->name))
		return 0;
	if (!list_query_match(c->q, c->name))
		return 0;
	c->e.name = c->name;
	return c->sink->emit(c->sink, &c->e);
}

static int fentry_list(const struct provider *self, const struct list_query *q,
		       struct list_sink *sink)
{
	const struct feature *f = feature_get(FEAT_FENTRY);
	struct fentry_ctx c = {
		.prefix = self->name,
		.q = q,
		.sink = sink,
		.e = { .available = f->ok, .reason = f->ok ? NULL : f->detail },
	};
	int err;

	if (!strcmp(self->name, "fexit") && !list_query_names(q, self))
		return 0;
	err = kernel_btf_for_each(BTF_KIND_FUNC, "", fentry_one, &c);
	return err < 0 && err != -ENOMEM ? 0 : err;	/* no BTF: nothing to list */
}

/*
 * The program was loaded with the function's BTF id (attach_btf_id) and
 * BPF_TRACE_FENTRY/FEXIT: attaching is opening its trampoline link.
 */
static int fentry_usable(const struct provider *self, char *why, size_t len)
{
	const struct feature *f = feature_get(FEAT_FENTRY);

	if (f->ok)
		return 0;
	snprintf(why, len, "%s probes cannot be used on this kernel: it cannot attach BPF trampolines (%s): "
	       "use kprobes where the kernel has them, else a tracepoint", self->name, f->detail);
	return -EOPNOTSUPP;
}

static int fentry_attach(const struct provider *self, const struct probe_point *pp, int prog_fd,
			 struct attachment *a)
{
	int link;

	link = perf_raw_tp_attach(NULL, prog_fd);
	return link < 0 ? link : attachment_add_fd(a, link);
}

/*
 * Loaded for one function: its BTF id (attach_btf_id) and
 * BPF_TRACE_FENTRY/FEXIT, which the kernel needs to build the trampoline.
 */
static int fentry_prepare(const struct provider *self, const struct lang_env *env,
			  const char *where, const struct probe_point *pp, struct load_prep *out)
{
	int id = env->btf_func_id && pp->func ? env->btf_func_id(env->ctx, pp->func) : -ENOENT;

	if (id < 0) {
		pr_err("%s: %s: no kernel function '%s' in the kernel's BTF", where, self->name,
		       pp->func ?: "");
		return -EINVAL;
	}
	out->attach_btf_id = (uint32_t)id;
	out->expected_attach_type = strcmp(self->name, "fexit") ? BPF_TRACE_FENTRY : BPF_TRACE_FEXIT;
	return 0;
}

const struct provider provider_fentry = {
	.name = "fentry",
	.alias = "f",
	.old_names = { "kfunc" },
	.min_parts = 1,
	.max_parts = 2,
	.wildcard = true,
	.usage = "fentry:[MODULE:]FUNCTION",
	.ctx = CTX_ARGS | CTX_FUNC | CTX_BTF,
	.ctx_kind = PCTX_U64_ARGS,
	.prepare = fentry_prepare,
	.prog_type = BPF_PROG_TYPE_TRACING,
	.list = fentry_list,
	.attach = fentry_attach,
	.usable = fentry_usable,
};

const struct provider provider_fexit = {
	.name = "fexit",
	.alias = "fr",
	.old_names = { "kretfunc" },
	.min_parts = 1,
	.max_parts = 2,
	.wildcard = true,
	.usage = "fexit:[MODULE:]FUNCTION",
	.ctx = CTX_ARGS | CTX_FUNC | CTX_RETVAL | CTX_BTF,
	.ctx_kind = PCTX_U64_ARGS,
	.prepare = fentry_prepare,
	.prog_type = BPF_PROG_TYPE_TRACING,
	.list = fentry_list,
	.attach = fentry_attach,
	.usable = fentry_usable,
};
