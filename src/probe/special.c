// SPDX-License-Identifier: GPL-2.0
/* BEGIN and END: run once, before the first event and after the last. */
#include <linux/bpf.h>

#include "probe/probe.h"

static int special_list(const struct provider *self, const struct list_query *q,
			struct list_sink *sink)
{
	struct probe_entry e = { .name = self->name, .available = true };

	if (!list_query_match(q, e.name))
		return 0;
	return sink->emit(sink, &e);
}

/* No .attach: the session runs them with BPF_PROG_TEST_RUN, as bpftrace does. */
const struct provider provider_special_begin = {
	.name = "BEGIN",
	.old_names = { "begin" },
	.usage = "BEGIN",
	.ctx = CTX_SPECIAL,
	.ctx_kind = PCTX_NONE,
	.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT,
	.list = special_list,
};

const struct provider provider_special_end = {
	.name = "END",
	.old_names = { "end" },
	.usage = "END",
	.ctx = CTX_SPECIAL,
	.ctx_kind = PCTX_NONE,
	.flags = PF_AFTER_EXIT,
	.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT,
	.list = special_list,
};
