/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Chrome's trace-event JSON, which the Perfetto UI (and chrome://tracing)
 * opens: {"traceEvents": [...], "displayTimeUnit": "ns"}.  Times are given
 * in nanoseconds and written in microseconds, as the format wants.  Slices
 * are "X" (complete: begin and duration) or "B"/"E" pairs on one thread,
 * instants "i" with thread scope; "M" records name processes and threads.
 * The writer is the one JSON writer (out/json.h).
 */
#ifndef SCRY_OUT_PERFETTO_H
#define SCRY_OUT_PERFETTO_H

#include <stdint.h>
#include <stdio.h>

#include "out/json.h"

struct perfetto {
	struct json_writer w;
};

void perfetto_begin(struct perfetto *p, FILE *f);
void perfetto_end(struct perfetto *p);

void perfetto_process_name(struct perfetto *p, int64_t pid, const char *name);
void perfetto_thread_name(struct perfetto *p, int64_t pid, int64_t tid, const char *name);

/* A complete slice [ts, ts + dur). */
void perfetto_complete(struct perfetto *p, int64_t pid, int64_t tid, const char *name,
		       const char *cat, uint64_t ts, uint64_t dur);
void perfetto_slice_begin(struct perfetto *p, int64_t pid, int64_t tid, const char *name,
			  const char *cat, uint64_t ts);
void perfetto_slice_end(struct perfetto *p, int64_t pid, int64_t tid, uint64_t ts);

/* An instant; info (or NULL) goes into args.info. */
void perfetto_instant(struct perfetto *p, int64_t pid, int64_t tid, const char *name,
		      const char *cat, uint64_t ts, const char *info);

#endif
