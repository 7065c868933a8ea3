// SPDX-License-Identifier: GPL-2.0
/*
 * iter:NAME — BPF iterators over kernel objects (tasks, files, ...).  The
 * kernel's iterators are the bpf_iter_NAME functions in vmlinux BTF.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/btf.h>

#include "mech/features.h"
#include "probe/probe.h"
#include "sym/btf.h"

struct iter_ctx {
	const struct list_query *q;
	struct list_sink *sink;
	char name[256];
};

/* Iterator targets are defined as "bpf_iter_NAME(struct bpf_iter_meta *meta, ...)". */
static bool is_iter_target(unsigned int type_id)
{
	const struct btf *btf = kernel_btf(NULL);
	const struct btf_type *t = btf__type_by_id(btf, type_id);
	const struct btf_param *p;

	if (!t || !btf_is_func(t))
		return false;
	t = btf__type_by_id(btf, t->type);
	if (!t || !btf_is_func_proto(t) || btf_vlen(t) < 1)
		return false;
	p = btf_params(t);
	t = btf__type_by_id(btf, p[0].type);
	if (!t || !btf_is_ptr(t))
		return false;
	t = btf__type_by_id(btf, t->type);
	return t && btf_is_struct(t) && !strcmp(btf__name_by_offset(btf, t->name_off), "bpf_iter_meta");
}

static int iter_one(const char *it, unsigned int type_id, void *arg)
{
	struct iter_ctx *c = arg;
	struct probe_entry e = { .available = true };

	if (snprintf(c->name, sizeof(c->name), "iter:%s", it) >= (int)sizeof(c->name))
		return 0;
	/* bpf_iter_get_info() takes the meta too, but is a helper, not a target */
	if (!strcmp(it, "get_info") || !is_iter_target(type_id))
		return 0;
	if (!list_query_match(c->q, c->name))
		return 0;
	e.name = c->name;
	return c->sink->emit(c->sink, &e);
}

static int iter_list(const struct provider *self, const struct list_query *q,
		     struct list_sink *sink)
{
	struct iter_ctx c = { .q = q, .sink = sink };
	int err = kernel_btf_for_each(BTF_KIND_FUNC, "bpf_iter_", iter_one, &c);

	return err < 0 && err != -ENOMEM ? 0 : err;
}

const struct provider provider_iter = {
	.name = "iter",
	.alias = "it",
	.min_parts = 1,
	.max_parts = 2,
	.usage = "iter:NAME[:PIN]",
	.ctx = CTX_ARGS,
	.list = iter_list,
};
