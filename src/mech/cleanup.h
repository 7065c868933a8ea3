/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The names of the tracefs objects scry creates, and the removal of those a
 * killed run left behind.
 *
 * Every tracefs instance and every dynamic event (uprobe, kprobe) scry
 * creates is named "scry_<what>_<pid>": an instance by that name, an event
 * in a group by that name.  SIGKILL cannot be blocked, so a run killed
 * between creating and removing one leaves it behind; the next run finds it
 * by the name and removes it once the pid no longer is a scry process.
 */
#ifndef SCRY_MECH_CLEANUP_H
#define SCRY_MECH_CLEANUP_H

#include <stddef.h>
#include <sys/types.h>

/*
 * buf = "scry_<what>_<getpid()>".  what is a non-empty word of [A-Za-z0-9_]
 * (tracefs group and instance names must be identifiers).  Returns 0,
 * -EINVAL (bad what) or -ENAMETOOLONG; nothing is reported.
 */
int tracefs_scry_name(char *buf, size_t len, const char *what);

/*
 * Whether name follows the convention; if so, *pid is its pid.  Returns 0
 * or -EINVAL.
 */
int tracefs_scry_name_parse(const char *name, pid_t *pid);

/*
 * Removes the tracefs instances and dynamic events (from dynamic_events, or
 * kprobe_events and uprobe_events where it is absent) whose name, or whose
 * event's group, follows the convention and whose pid is not a live scry
 * process.  Events are disabled and their triggers removed first, at the top
 * level and in every instance.  Objects carrying this process's own pid are
 * stale too (a killed run's pid reused by us): call this at start, before
 * creating anything.  Costs one readdir and one or two reads when there is
 * nothing to do; a no-op when SCRY_TRACEFS names a copy of tracefs or when
 * there is no tracefs.
 *
 * Returns 0 or the first -errno; every failure is reported with pr_warn(),
 * and the rest is still tried.
 */
int tracefs_cleanup_stale(void);

#endif
