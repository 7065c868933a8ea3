/* SPDX-License-Identifier: GPL-2.0 */
/* The named perf events of software: and hardware: probes. */
#ifndef SCRY_PROBE_PERF_EVENTS_H
#define SCRY_PROBE_PERF_EVENTS_H

#include <stdint.h>

struct perf_event_name {
	const char *name;	/* "page-faults" */
	const char *alias;	/* "faults", or NULL */
	uint32_t type;		/* PERF_TYPE_SOFTWARE / PERF_TYPE_HARDWARE */
	uint64_t config;	/* PERF_COUNT_SW_* / PERF_COUNT_HW_* */
	uint64_t default_period;
};

/* By name or alias within the given perf type, or NULL. */
const struct perf_event_name *perf_event_find(uint32_t type, const char *name);

#endif
