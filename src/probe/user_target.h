/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The binaries a uprobe/uretprobe/usdt query names, shared by uprobe.c and
 * usdt.c: field 1 of the pattern ("/bin/bash", "./prog", "bash", "libc"), or
 * with -p PID the file-backed executable mappings of that process.
 */
#ifndef SCRY_PROBE_USER_TARGET_H
#define SCRY_PROBE_USER_TARGET_H

#include "probe/probe.h"

/*
 * Called once per binary with its absolute path, and q rewritten so that its
 * field 1 is that path (escaped for fnmatch()): full names built with the
 * path can be matched against q directly.
 */
typedef int (*user_target_fn)(const char *path, const struct list_query *q, void *ctx);

/*
 * Calls fn for every binary q names, stopping at fn's first non-zero value.
 * Without a binary (none, or a wildcard) and without q->pid, nothing.
 * A short name that resolves to nothing is reported (pr_err, -ENOENT) when
 * self is named in the pattern, silently skipped otherwise.
 * Returns 0, fn's value, or -errno.
 */
int user_targets_for_each(const struct provider *self, const struct list_query *q,
			  user_target_fn fn, void *ctx);

#endif
