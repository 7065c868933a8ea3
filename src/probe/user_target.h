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
 * Called once per binary: path is the file to open (absolute, through
 * /proc/PID/root for a process in another mount namespace), name is how the
 * user spelled it ("./prog", a wildcard's match, what the process calls it,
 * or the path found in $PATH or the library cache); q is rewritten so that
 * its field 1 is name (escaped for fnmatch()): full names built with name
 * can be matched against q directly.
 */
typedef int (*user_target_fn)(const char *path, const char *name, const struct list_query *q,
			      void *ctx);

/*
 * Calls fn for every binary q names, stopping at fn's first non-zero value
 * (libpath_for_each() finds them).  A bare name that matches several
 * binaries gives the first, with bpftrace's warning.  Without a binary
 * (none, or "*") and without q->pid, nothing; with q->pid, "*", absolute
 * wildcards and bare library names are matched against what it maps.
 * A short name that resolves to nothing is reported (pr_err, -ENOENT) when
 * self is named in the pattern, silently skipped otherwise.
 * Returns 0, fn's value, or -errno.
 */
int user_targets_for_each(const struct provider *self, const struct list_query *q,
			  user_target_fn fn, void *ctx);

struct elf_file;

/*
 * Open path as a uprobe/USDT target: an executable or a shared library
 * (elf_file_open(), then ET_EXEC or ET_DYN).  Errors are reported.  Returns
 * 0 or -errno; *ef is released with elf_file_close().
 */
int user_binary_open(const char *path, struct elf_file **ef);

#endif
