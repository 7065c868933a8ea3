/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The library never prints.  Whatever it has to say goes through one
 * replaceable callback; the command line (src/cli) decides where it goes.
 *
 * Convention: the function that detects an error reports it once with
 * pr_err() and returns -errno; callers up the stack only propagate.
 * Messages are lower-case, name the thing in 'quotes', no full stop.
 */
#ifndef SCRY_UTIL_LOG_H
#define SCRY_UTIL_LOG_H

enum log_level {
	LOG_ERR,
	LOG_WARN,
	LOG_INFO,	/* shown with -v */
	LOG_DEBUG,	/* shown with -vv */
};

typedef void (*log_fn)(enum log_level level, const char *msg);

/* fn == NULL restores the default (stderr, "scry: " prefix, ERR and WARN). */
void log_set_handler(log_fn fn);
void log_set_level(enum log_level max);
enum log_level log_get_level(void);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * With SCRY_PHASES=1 in the environment: "phase WHAT NS" on the log (as a
 * warning, so shown by default), NS on CLOCK_MONOTONIC.  bench/startup.sh
 * places these on the clock of the exec to say where start-up goes.
 */
void log_phase(const char *what);

#define pr_err(...)   log_msg(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define pr_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
