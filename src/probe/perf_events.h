/* SPDX-License-Identifier: GPL-2.0 */
/* The named perf events of software: and hardware: probes. */
#ifndef SCRY_PROBE_PERF_EVENTS_H
#define SCRY_PROBE_PERF_EVENTS_H

#include <stdint.h>
#include <sys/types.h>

struct perf_event_name {
	const char *name;	/* "page-faults" */
	const char *alias;	/* "faults", or NULL */
	uint32_t type;		/* PERF_TYPE_SOFTWARE / PERF_TYPE_HARDWARE */
	uint64_t config;	/* PERF_COUNT_SW_* / PERF_COUNT_HW_* */
	uint64_t default_period;
};

struct perf_event_attr;
struct attachment;

/*
 * Opens attr on every online CPU (pid -1), or once for pid (> 0) on any
 * CPU, and attaches prog_fd to each event.  what names the probe in
 * errors.  Returns 0 or -errno, reported once; on error what was opened
 * stays in out for the caller to release.
 */
int perf_attach_each_cpu(struct perf_event_attr *attr, pid_t pid, int prog_fd, uint64_t cookie,
			 struct attachment *out, const char *what);

/* By name or alias within the given perf type, or NULL. */
const struct perf_event_name *perf_event_find(uint32_t type, const char *name);

#endif
