/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interval mechanism (interval:s:N, interval:ms:N): a program run every
 * period, on a clock that ticks on idle CPUs too.
 *
 * cpu-clock sampling does not tick on an idle CPU here (KERNEL.md 10a), so
 * the tick is a userspace timerfd (CLOCK_MONOTONIC, absolute schedule, no
 * drift) whose expirations each run the program once with
 * BPF_PROG_TEST_RUN, as BEGIN and END run.  The program must be of a type
 * that accepts a test run: BPF_PROG_TYPE_RAW_TRACEPOINT or SYSCALL.  It runs
 * in scry's own task, so pid/comm inside it are scry's.
 *
 * The caller owns the event loop: it polls interval_fd() with its other
 * fds and calls interval_dispatch() when it is readable.
 */
#ifndef SCRY_MECH_TIMER_H
#define SCRY_MECH_TIMER_H

#include <stdint.h>

struct scry_interval;

/*
 * Starts ticking every period_ns (>= 1000) for prog_fd, first tick one
 * period from now.  prog_fd stays the caller's.  Returns 0 and *out
 * (free with interval_free()), or -errno, reported.
 */
int interval_start(int prog_fd, uint64_t period_ns, struct scry_interval **out);

/* The timerfd to poll for reading (owned by iv). */
int interval_fd(const struct scry_interval *iv);

/*
 * Call when interval_fd() is readable: runs the program once per
 * expiration since the last call (a late loop catches up, so no tick is
 * lost).  Returns the number of runs (0 when nothing expired), or -errno,
 * reported.
 */
int interval_dispatch(struct scry_interval *iv);

/* Total runs so far. */
uint64_t interval_ticks(const struct scry_interval *iv);

/* Stops the timer.  Accepts NULL. */
void interval_free(struct scry_interval *iv);

#endif
