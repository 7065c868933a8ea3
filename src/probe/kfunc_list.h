/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Listing kernel functions, shared by kprobe/kretprobe (kprobe.c) and
 * fentry/fexit (fentry.c): the probe types differ, the list of functions
 * they can name is the same question.
 */
#ifndef SCRY_PROBE_KFUNC_LIST_H
#define SCRY_PROBE_KFUNC_LIST_H

#include <stdbool.h>

#include "probe/probe.h"

/*
 * Is provider p asked for by name (not only through a wildcard)?  Return
 * probes (kretprobe, fexit, uretprobe) are listed only then, as bpftrace
 * lists only their entry twins otherwise.
 */
bool list_query_names(const struct list_query *q, const struct provider *p);

/*
 * Emit "PREFIX:FUNC" for every kernel function: from
 * available_filter_functions where it can be read, otherwise from the text
 * symbols of /proc/kallsyms.  available/reason are copied into each entry.
 */
int kfunc_list_kallsyms(const char *prefix, const struct list_query *q, struct list_sink *sink,
			bool available, const char *reason);

#endif
