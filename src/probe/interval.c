// SPDX-License-Identifier: GPL-2.0
/*
 * interval:s|ms|us|hz:N — run on one CPU at a fixed rate.  Not built on
 * cpu-clock sampling, which stalls on idle CPUs: driven from user space by a
 * timer (see KERNEL.md, 10a).
 */
#include "probe/probe.h"

int list_rate_units(const char *const *names, const struct list_query *q,
		    struct list_sink *sink, bool available, const char *reason);

static int interval_list(const struct provider *self, const struct list_query *q,
			 struct list_sink *sink)
{
	static const char *const names[] = {
		"interval:hz:", "interval:s:", "interval:ms:", "interval:us:", NULL,
	};

	return list_rate_units(names, q, sink, true, NULL);
}

const struct provider provider_interval = {
	.name = "interval",
	.alias = "i",
	.list = interval_list,
};
