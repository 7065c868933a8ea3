// SPDX-License-Identifier: GPL-2.0
/* BEGIN and END: run once, before the first event and after the last. */
#include "probe/probe.h"

static int special_list(const struct provider *self, const struct list_query *q,
			struct list_sink *sink)
{
	struct probe_entry e = { .name = self->name, .available = true };

	if (!list_query_match(q, e.name))
		return 0;
	return sink->emit(sink, &e);
}

const struct provider provider_special_begin = {
	.name = "BEGIN",
	.list = special_list,
};

const struct provider provider_special_end = {
	.name = "END",
	.list = special_list,
};
