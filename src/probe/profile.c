// SPDX-License-Identifier: GPL-2.0
/*
 * profile:hz:N, profile:s|ms|us:N — sample every CPU at a rate (cpu-clock,
 * one perf event per CPU).  Idle CPUs give almost no samples: right for a
 * profiler, wrong for a timer (see interval.c).
 */
#include <errno.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>

#include "mech/features.h"
#include "probe/perf_events.h"
#include "probe/probe.h"
#include "util/log.h"

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

/* Nanoseconds per unit of a rate: "s", "ms", "us"; 0 for "hz" and unknown units. */
uint64_t rate_unit_ns(const char *unit);

uint64_t rate_unit_ns(const char *unit)
{
	if (!strcmp(unit, "s"))
		return 1000000000ULL;
	if (!strcmp(unit, "ms"))
		return 1000000ULL;
	if (!strcmp(unit, "us"))
		return 1000ULL;
	return 0;
}

static int profile_attach(const struct provider *self, const struct probe_point *pp, int prog_fd,
			  struct attachment *a)
{
	struct perf_event_attr attr = {
		.size = sizeof(attr),
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_CPU_CLOCK,
	};
	uint64_t ns = rate_unit_ns(pp->target);
	char what[96];

	snprintf(what, sizeof(what), "profile:%s:%llu", pp->target, (unsigned long long)pp->rate);
	if (!pp->rate || (!ns && strcmp(pp->target, "hz"))) {
		pr_err("%s: the rate must be hz, s, ms or us with a count above 0", what);
		return -EINVAL;
	}
	if (ns) {
		attr.sample_period = ns * pp->rate;	/* cpu-clock counts nanoseconds */
	} else {
		attr.freq = 1;
		attr.sample_freq = pp->rate;
	}
	return perf_attach_each_cpu(&attr, pp->pid, prog_fd, pp->cookie, a, what);
}

static int profile_parse(const struct provider *self, struct probe_spec *sp)
{
	return probe_parse_rate(self, sp, "hz");
}

const struct provider provider_profile = {
	.name = "profile",
	.alias = "p",
	.min_parts = 1,
	.max_parts = 2,
	.usage = "profile:[hz|s|ms|us:]RATE",
	.parse = profile_parse,
	.ctx_kind = PCTX_PERF,
	.prog_type = BPF_PROG_TYPE_PERF_EVENT,
	.list = profile_list,
	.attach = profile_attach,
};
