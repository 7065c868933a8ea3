// SPDX-License-Identifier: GPL-2.0
/*
 * profile:hz:N, profile:s|ms|us:N — sample every CPU at a rate (cpu-clock,
 * one perf event per CPU).  Idle CPUs give almost no samples: right for a
 * profiler, wrong for a timer (see interval.c).
 */
#include "mech/features.h"
#include "probe/probe.h"

/* Emit "PREFIX:UNIT:" for each unit that matches. */
int list_rate_units(const char *const *names, const struct list_query *q,
		    struct list_sink *sink, bool available, const char *reason);

int list_rate_units(const char *const *names, const struct list_query *q,
		    struct list_sink *sink, bool available, const char *reason)
{
	struct probe_entry e = { .available = available, .reason = reason };
	int err;

	for (; *names; names++) {
		if (!list_query_match(q, *names))
			continue;
		e.name = *names;
		err = sink->emit(sink, &e);
		if (err)
			return err;
	}
	return 0;
}

static int profile_list(const struct provider *self, const struct list_query *q,
			struct list_sink *sink)
{
	static const char *const names[] = {
		"profile:hz:", "profile:s:", "profile:ms:", "profile:us:", NULL,
	};
	const struct feature *f = feature_get(FEAT_PROG_PERF_EVENT);

	return list_rate_units(names, q, sink, f->ok, f->ok ? NULL : f->detail);
}

const struct provider provider_profile = {
	.name = "profile",
	.alias = "p",
	.list = profile_list,
};
