/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tracing session: compiled program in, output out.  Creates the maps,
 * loads the programs, attaches them, runs BEGIN, starts -c CMD, turns ring
 * buffer events into output until exit()/Ctrl-C/SIGTERM/the command's end,
 * runs END, prints the maps as bpftrace does, and tears everything down —
 * on every path, errors included.
 *
 * session_run() is that whole story for `scry -e`.  A caller that wants the
 * maps rather than their printing (scry profile; a server that reads them
 * while the program runs) drives the same steps itself:
 *
 *	session_start()		maps, load, attach, BEGIN, release -c CMD
 *	session_wait()		events and signals, for a while or to the end;
 *				read the maps in between (session_map_read())
 *	session_stop()		detach, END, drain the events
 *	session_map_read()	the maps stay readable until session_free()
 *	session_free()		close everything (stops first when needed)
 *
 * The maps are never printed on this path; printf() and friends still write
 * to session_opts.out.
 *
 * A server (scry serve) that runs its own event loop passes it as
 * session_opts.loop: the session's ring buffer and timers are watched from
 * there, session_wait() is not used, and session_free() ends the session
 * without END.
 */
#ifndef SCRY_RUNTIME_SESSION_H
#define SCRY_RUNTIME_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct compiled_program;
struct cprintf;
struct decode_env;
struct loop;
struct map_entries;
struct map_snapshot;
struct session;

struct session_opts {
	FILE *out;
	bool json;
	pid_t pid;		/* -p */
	const char *cmd;	/* -c */
	int verbose;
	bool no_attach_message;	/* quiet: no "Attaching N probes..." */
	/*
	 * -p/-c only end the session (and give cpid): the probes are not
	 * narrowed to that process, the program's predicate selects it (so
	 * every thread of it is seen, as scry profile wants).
	 */
	bool attach_everywhere;
	/*
	 * The caller's loop (which also handles the signals): the ring buffer
	 * and the timers are watched from it, exit() in the program makes its
	 * probes do nothing (the maps stay readable) rather than ending the
	 * session.  NULL: the session has a loop of its own, run by
	 * session_wait().
	 */
	struct loop *loop;
	bool no_map_print;	/* config print_maps_on_exit = false: no maps at the end */
	int missing_probes;	/* LANG_MISSING_* (lang/lang.h): a point that cannot attach */
	/*
	 * Also read the ring buffer every poll_ms (0: only when woken), for
	 * programs compiled with codegen_opts.rb_batch.
	 */
	unsigned int poll_ms;
	/*
	 * Each printf event before it is formatted (scry trace decodes its own):
	 * pf is the program's printf, payload its arguments at pf->args[i].offset.
	 * Returns true when handled (nothing printed), false to print it.
	 */
	bool (*on_printf)(void *ctx, const struct cprintf *pf, const uint8_t *payload, size_t size);
	void *on_printf_ctx;
};

/*
 * Runs cp to the end.  Returns 0 with *exit_code (exit(N) in the program,
 * 0 otherwise), or -errno after reporting (nothing is left attached).
 */
int session_run(struct compiled_program *cp, const struct session_opts *o, int *exit_code);

/* Why the program ended: session_wait()'s positive returns. */
enum session_end {
	SESSION_EXIT = 1,	/* exit() in the program */
	SESSION_SIGNAL,		/* SIGINT or SIGTERM */
	SESSION_CHILD,		/* the -c command or the -p process ended */
};

/*
 * Creates cp's maps, loads and attaches its programs, runs BEGIN and lets
 * the -c command go: from here on the program runs.  cp and o must outlive
 * the session.  Returns 0 and *out (release with session_free()), or
 * -errno after reporting with nothing left attached.
 */
int session_start(struct compiled_program *cp, const struct session_opts *o, struct session **out);

/*
 * Handles the program's events and the signals for up to timeout_ms (-1:
 * until it ends).  Returns 0 when that time passed with the program still
 * running, an enum session_end once it has ended (the same on every later
 * call), or -errno (reported).  -EINVAL with session_opts.loop set (the
 * caller runs that loop).
 */
int session_wait(struct session *s, int timeout_ms);

/*
 * Ends the program as scry -e does before printing: detaches the probes,
 * handles the events still queued, runs END.  The maps stay readable.
 * Later calls do nothing.  Returns 0 or -errno (reported).
 */
int session_stop(struct session *s);

/* The index in cp->maps of the map called name ("@", "@x", or an internal "stacks"), or -ENOENT. */
int session_find_map(const struct compiled_program *cp, const char *name);

/* The fd of map idx of cp: the session owns it (valid until session_free()).  -EINVAL if none. */
int session_map_fd(const struct session *s, size_t idx);

/*
 * Reads map idx now, while the program runs or after session_stop():
 * every element, the CPUs added up.  Returns 0 or -errno (reported);
 * release *out with map_entries_release() (runtime/decode.h) either way.
 */
int session_map_read(const struct session *s, size_t idx, struct map_entries *out);

/*
 * What decoding the session's keys and values needs: the program, its
 * stack map, the symbolizers the session loaded (NULL when the program
 * prints no stacks or symbols, or they could not be loaded).  Valid until
 * session_free(); the caller may add snapshots to its usyms.
 */
const struct decode_env *session_decode_env(const struct session *s);

/*
 * Reads map idx now and decodes it as map printing does (keys and values
 * as pvalues, the entries in the kernel's order).  Returns 0 (release *snap
 * with map_snapshot_release()) or -errno, reported, with nothing to release.
 */
int session_map_snapshot(const struct session *s, size_t idx, struct map_snapshot *snap);

/* exit(N)'s N, or 0. */
int session_exit_code(const struct session *s);

/* The pid of the -c command, 0 without one. */
pid_t session_child_pid(const struct session *s);

const struct compiled_program *session_program(const struct session *s);

/* The probes attached, as "Attaching N probes..." counts them. */
size_t session_nr_probes(const struct session *s);

/* The fd of program i of session_program(s)->progs (for bpf_prog_info), or -1. */
int session_prog_fd(const struct session *s, size_t i);

/* Events the ring buffer refused so far (0 when the program has no "lost" map). */
uint64_t session_lost_events(const struct session *s);

/* Stops the program if it runs and tears everything down.  Accepts NULL. */
void session_free(struct session *s);

#endif
