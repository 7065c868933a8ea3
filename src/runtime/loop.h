/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The event loop of a tracing session: one epoll over the BPF ring buffer,
 * interval timers, and signals (received through a signalfd, so that a
 * Ctrl-C never interrupts the printing of maps halfway).
 */
#ifndef SCRY_RUNTIME_LOOP_H
#define SCRY_RUNTIME_LOOP_H

#include <stdbool.h>
#include <signal.h>

struct loop;

/* Called when fd is readable.  Return 0 to go on, or non-zero to stop the loop with it. */
typedef int (*loop_fd_fn)(int fd, void *ctx);
/* Called for each signal received. Same return convention. */
typedef int (*loop_signal_fn)(int signo, void *ctx);

/*
 * Creates a loop that handles SIGINT, SIGTERM, SIGCHLD and SIGUSR1 (they are blocked
 * in the calling thread until loop_free(), and delivered to on_signal).
 * Returns 0 and *out (free with loop_free()), or -errno.
 */
int loop_new(loop_signal_fn on_signal, void *ctx, struct loop **out);

/* Watch fd (the caller keeps it) for reading.  Returns 0 or -errno. */
int loop_add_fd(struct loop *l, int fd, loop_fd_fn fn, void *ctx);

/*
 * Runs until a callback returns non-zero, loop_stop() is called, or
 * timeout_ms (>= 0) passes; -1 waits forever.  Returns the stopping value,
 * 0 on timeout, or -errno.
 */
int loop_run(struct loop *l, int timeout_ms);

/* From inside a callback: make loop_run() return value (non-zero). */
void loop_stop(struct loop *l, int value);

/* Restores the signal mask.  Accepts NULL. */
void loop_free(struct loop *l);

#endif
