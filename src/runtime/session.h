/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tracing session: compiled program in, output out.  Creates the maps,
 * loads the programs, attaches them, runs BEGIN, starts -c CMD, turns ring
 * buffer events into output until exit()/Ctrl-C/SIGTERM/the command's end,
 * runs END, prints the maps as bpftrace does, and tears everything down —
 * on every path, errors included.
 */
#ifndef SCRY_RUNTIME_SESSION_H
#define SCRY_RUNTIME_SESSION_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

struct compiled_program;

struct session_opts {
	FILE *out;
	bool json;
	pid_t pid;		/* -p */
	const char *cmd;	/* -c */
	int verbose;
	bool no_attach_message;	/* quiet: no "Attaching N probes..." */
};

/*
 * Runs cp to the end.  Returns 0 with *exit_code (exit(N) in the program,
 * 0 otherwise), or -errno after reporting (nothing is left attached).
 */
int session_run(struct compiled_program *cp, const struct session_opts *o, int *exit_code);

#endif
