/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command line: the only layer that prints to the terminal or exits.
 * main.c parses bpftrace's flags and dispatches subcommands by table; each
 * subcommand is one file with its own --help.
 */
#ifndef SCRY_CLI_CLI_H
#define SCRY_CLI_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

enum out_format {
	FMT_TEXT,
	FMT_JSON,
};

/* Options shared by bpftrace's flags and the subcommands. */
struct cli_opts {
	enum out_format format;	/* -f text|json */
	int verbose;		/* -v, repeatable */
	bool quiet;		/* -q */
	pid_t pid;		/* -p PID */
	const char *cmd;	/* -c CMD */
	FILE *out;		/* -o FILE, else stdout */
	bool dry_run;		/* --dry-run: compile only, touch no kernel */
	const char *debug;	/* -d STAGE: ast, ir, bpf */
	const char *prog_text;	/* -e PROG */
	const char *prog_file;	/* FILE.bt ("-" is stdin) */
	int nr_params;		/* positional $1... after the program */
	char **params;
	/* bpftrace's other flags */
	bool unsafe;		/* --unsafe: system(), signal(), override() allowed */
	int helper_check;	/* -k: 1, -kk: 2 (every helper) */
	bool no_warnings;	/* --no-warnings */
	bool usdt_file_activation; /* what scry does anyway (ref_ctr_offset) */
	int nr_includes;	/* --include FILE and -I DIR: accepted, types come from BTF */
	const char *includes[16];
};

struct cli_cmd {
	const char *name;
	int (*main)(int argc, char **argv, struct cli_opts *o);
	const char *summary;
};

/* main.c */
void cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cli_parse_format(const char *s, enum out_format *f);

/* One per subcommand file.  Return the exit status. */
int cmd_list(int argc, char **argv, struct cli_opts *o);
int cmd_info(int argc, char **argv, struct cli_opts *o);
int cmd_profile(int argc, char **argv, struct cli_opts *o);
int cmd_stat(int argc, char **argv, struct cli_opts *o);
int cmd_trace(int argc, char **argv, struct cli_opts *o);

/*
 * stat.c: the words after '--' as one command line, each quoted for
 * wordexp() in child_spawn().  Returns a malloc()ed string (caller frees) or NULL.
 */
char *cli_join_words(char **argv, int argc);

/*
 * stat.c: the options stat, trace and info share, for the default: of their
 * getopt switch: -f FORMAT, -v, -h and the unknown ones.  Returns -1 when
 * c is none of them; 0 when it was handled; 1 when the subcommand ends
 * now with *status (-h: usage printed, 0; a bad -f or option: said, 1).
 */
int cli_common_opt(const char *cmd, int c, const char *arg, struct cli_opts *o,
		   void (*usage)(FILE *f), int *status);

/*
 * stat.c: the command after '--' (argv[optind..argc)) joined into *owned
 * (NULL when there is none; caller frees), refused with -c's given too
 * (c_opt).  Returns 0, or 1 after saying why.
 */
int cli_take_command(const char *cmd, char **argv, int optind, int argc, const char *c_opt,
		     char **owned);
int cmd_serve(int argc, char **argv, struct cli_opts *o);

int cmd_record(int argc, char **argv, struct cli_opts *o);
int cmd_report(int argc, char **argv, struct cli_opts *o);

/* Shared bodies, also reached through bpftrace's -l and --info. */
int list_probes(const char *pattern, const struct cli_opts *o);
int list_probes_opt(const char *pattern, const struct cli_opts *o, bool summary);
int info_print(const struct cli_opts *o);
/* scry --info: bpftrace's headings and names for what scry tried, then info_print(). */
int info_print_bpftrace(const struct cli_opts *o);

/*
 * env.c: fill env for the compiler: from $SCRY_FAKE_ENV when set (tests),
 * else from this machine (with dry_run: no feature probe, every feature taken
 * as present).  Returns 0 or -errno, reported.
 */
struct lang_env;
int cli_env(struct lang_env *env, bool dry_run);

/* program.c: run (or with --dry-run, only compile) a program in scry's language. */
int program_main(const struct cli_opts *o);

#endif
