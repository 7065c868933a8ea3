// SPDX-License-Identifier: GPL-2.0
/*
 * interval:s|ms|us|hz:N — run on one CPU at a fixed rate.  Not built on
 * cpu-clock sampling, which stalls on idle CPUs: driven from user space by a
 * timer (see KERNEL.md, 10a).
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>

#include "mech/timer.h"
#include "probe/probe.h"
#include "util/log.h"

uint64_t rate_unit_ns(const char *unit);
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

static int interval_attach(const struct provider *self, const struct probe_point *pp,
			   int prog_fd, struct attachment *a)
{
	uint64_t ns = rate_unit_ns(pp->target), period;

	if (!pp->rate || (!ns && strcmp(pp->target, "hz"))) {
		pr_err("interval:%s:%llu: the rate must be hz, s, ms or us with a count above 0",
		       pp->target, (unsigned long long)pp->rate);
		return -EINVAL;
	}
	period = ns ? ns * pp->rate : 1000000000ULL / pp->rate;
	if (a->timer) {
		pr_err("interval:%s:%llu: one timer per probe", pp->target,
		       (unsigned long long)pp->rate);
		return -EINVAL;
	}
	return interval_start(prog_fd, period < 1000 ? 1000 : period, &a->timer);
}

static int interval_parse(const struct provider *self, struct probe_spec *sp)
{
	return probe_parse_rate(self, sp, "ns");
}

const struct provider provider_interval = {
	.name = "interval",
	.alias = "i",
	.min_parts = 1,
	.max_parts = 2,
	.usage = "interval:[s|ms|us|hz:]PERIOD",
	.parse = interval_parse,
	.ctx = CTX_SPECIAL,
	.ctx_kind = PCTX_NONE,
	/* run from user space with BPF_PROG_TEST_RUN, as BEGIN and END are */
	.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT,
	.list = interval_list,
	.attach = interval_attach,
};
