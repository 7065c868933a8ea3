/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -c CMD: the command is forked at once but held before exec until the
 * probes are attached (so probes in main and in early library calls fire),
 * then released.  If scry dies while holding it, the command never runs.
 */
#ifndef SCRY_RUNTIME_CHILD_H
#define SCRY_RUNTIME_CHILD_H

#include <stdbool.h>
#include <sys/types.h>

struct child {
	pid_t pid;
	int go_fd;	/* write end: a byte releases the child */
	int err_fd;	/* read end: the child's errno if exec failed (CLOEXEC otherwise) */
	bool exited;
	int status;	/* wait status once exited */
};

/*
 * Forks the command (split into words like a shell would, without running
 * substitutions; found through $PATH) and holds it.  Returns 0 or -errno,
 * reported.  The child must then be released or killed.
 */
int child_spawn(const char *cmd, struct child *c);

/*
 * Lets the child exec.  Returns 0, or -errno when exec failed (reported as
 * "cannot run 'CMD': reason"; the child has exited).
 */
int child_release(struct child *c, const char *cmd);

/* Reaps the child if it exited (non-blocking).  True when it has. */
bool child_reap(struct child *c);

/* Kills (SIGTERM, then SIGKILL after a grace period) and reaps a child that still runs. */
void child_kill(struct child *c);

/* The exit code as a shell would report it (128 + signal for a signal). */
int child_exit_code(const struct child *c);

#endif
