// SPDX-License-Identifier: GPL-2.0
/*
 * software:EVENT[:COUNT] and hardware:EVENT[:COUNT] — the kernel's perf
 * counters, sampled every COUNT events.  Hardware counters need a PMU, which
 * virtual machines often lack.
 */
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>

#include "mech/features.h"
#include "probe/perf_events.h"
#include "probe/probe.h"

static const struct perf_event_name events[] = {
	{ "alignment-faults", NULL, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_ALIGNMENT_FAULTS, 1 },
	{ "bpf-output", NULL, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_BPF_OUTPUT, 1 },
	{ "context-switches", "cs", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES, 1000 },
	{ "cpu-clock", "cpu", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK, 1000000 },
	{ "cpu-migrations", NULL, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS, 1 },
	{ "dummy", NULL, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_DUMMY, 1 },
	{ "emulation-faults", NULL, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_EMULATION_FAULTS, 1 },
	{ "major-faults", NULL, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MAJ, 1 },
	{ "minor-faults", NULL, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MIN, 100 },
	{ "page-faults", "faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS, 100 },
	{ "task-clock", NULL, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK, 1000000 },

	{ "backend-stalls", NULL, PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_BACKEND, 1000000 },
	{ "branch-instructions", "branches", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS, 100000 },
	{ "branch-misses", NULL, PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES, 100000 },
	{ "bus-cycles", NULL, PERF_TYPE_HARDWARE, PERF_COUNT_HW_BUS_CYCLES, 100000 },
	{ "cache-misses", NULL, PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES, 1000000 },
	{ "cache-references", NULL, PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES, 1000000 },
	{ "cpu-cycles", "cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, 1000000 },
	{ "frontend-stalls", NULL, PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_FRONTEND, 1000000 },
	{ "instructions", NULL, PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS, 1000000 },
	{ "ref-cycles", NULL, PERF_TYPE_HARDWARE, PERF_COUNT_HW_REF_CPU_CYCLES, 1000000 },
};

const struct perf_event_name *perf_event_find(uint32_t type, const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		if (events[i].type != type)
			continue;
		if (!strcmp(events[i].name, name) || (events[i].alias && !strcmp(events[i].alias, name)))
			return &events[i];
	}
	return NULL;
}

static int perf_list(const struct provider *self, const struct list_query *q,
		     struct list_sink *sink)
{
	uint32_t type = strcmp(self->name, "hardware") ? PERF_TYPE_SOFTWARE : PERF_TYPE_HARDWARE;
	const struct feature *f =
		feature_get(type == PERF_TYPE_HARDWARE ? FEAT_PERF_HARDWARE : FEAT_PERF_SOFTWARE);
	struct probe_entry e = { .available = f->ok, .reason = f->ok ? NULL : f->detail };
	char name[128];
	size_t i;
	int err;

	for (i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		if (events[i].type != type)
			continue;
		snprintf(name, sizeof(name), "%s:%s:", self->name, events[i].name);
		if (!list_query_match(q, name))
			continue;
		e.name = name;
		err = sink->emit(sink, &e);
		if (err)
			return err;
	}
	return 0;
}

const struct provider provider_software = {
	.name = "software",
	.alias = "s",
	.list = perf_list,
};

const struct provider provider_hardware = {
	.name = "hardware",
	.alias = "h",
	.list = perf_list,
};
