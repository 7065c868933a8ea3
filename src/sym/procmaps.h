/* SPDX-License-Identifier: GPL-2.0 */
/* /proc/PID/maps: what a process has mapped, one region a line. */
#ifndef SCRY_SYM_PROCMAPS_H
#define SCRY_SYM_PROCMAPS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct procmap {
	uint64_t start, end;	/* [start, end) */
	uint64_t offset;	/* of start in the file */
	char perms[5];		/* "r-xp" */
	unsigned int dev_major, dev_minor;
	uint64_t inode;
	const char *path;	/* "" when anonymous; "[heap]"; may end in " (deleted)" */
};

/*
 * Calls fn for every line of a maps text of len bytes (need not be
 * terminated); fn's non-zero value stops and is returned.  m is valid only
 * during the call.  Untrusted: lines are bounded (4096 + PATH_MAX bytes).
 * Returns 0, fn's value, or -EINVAL on a malformed line (not reported).
 */
typedef int (*procmap_fn)(const struct procmap *m, void *ctx);
int procmaps_parse(const char *text, size_t len, procmap_fn fn, void *ctx);

/*
 * The same over /proc/PID/maps.  Returns 0, fn's value, or -errno; a process
 * that does not exist or cannot be read is reported with pr_err().  A memfd
 * mapping, or one of a deleted file the process holds open, comes with a path
 * that opens it: /proc/PID/fd/N (or /proc/PID/map_files/START-END for a memfd
 * with no fd left) instead of "NAME (deleted)".
 */
int procmaps_for_each(pid_t pid, procmap_fn fn, void *ctx);

/*
 * Where the files of process pid are seen from: "/proc/PID/root" into buf
 * when it is in another mount namespace than scry (a container: its paths
 * name other files here), else "".  Returns 0 or -errno (no such process;
 * not reported).
 */
int procmaps_root(pid_t pid, char *buf, size_t len);

#endif
