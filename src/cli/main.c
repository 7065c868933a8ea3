// SPDX-License-Identifier: GPL-2.0
/*
 * scry [OPTIONS] [-e PROGRAM | FILE] [ARGS...]   bpftrace's command line
 * scry COMMAND [OPTIONS]                         perf/trace-cmd style jobs
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "mech/cleanup.h"
#include "util/log.h"

static const struct cli_cmd cmds[] = {
	{ "list", cmd_list, "list the probes this machine offers" },
	{ "info", cmd_info, "what this kernel supports, each item tried" },
	{ "profile", cmd_profile, "sample on-CPU stacks: folded, JSON or a flame graph" },
};

static void log_to_stderr(enum log_level level, const char *msg)
{
	const char *tag = level == LOG_ERR ? "error: " : level == LOG_WARN ? "warning: " : "";

	fprintf(stderr, "scry: %s%s\n", tag, msg);
}

void cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "scry%s%s: error: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'scry%s%s --help'.\n", cmd ? " " : "", cmd ? cmd : "");
}

int cli_parse_format(const char *s, enum out_format *f)
{
	if (!strcmp(s, "text"))
		*f = FMT_TEXT;
	else if (!strcmp(s, "json"))
		*f = FMT_JSON;
	else
		return -EINVAL;
	return 0;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"usage: scry [OPTIONS] -e 'PROGRAM' [ARGS...]\n"
		"       scry [OPTIONS] FILE.bt [ARGS...]\n"
		"       scry COMMAND [OPTIONS]\n"
		"\n"
		"bpftrace's options:\n"
		"  -e PROGRAM      run PROGRAM\n"
		"  -l [PATTERN]    list probes (same as 'scry list')\n"
		"  --info          what this kernel supports (same as 'scry info')\n"
		"  -f text|json    output format\n"
		"  -o FILE         write output to FILE\n"
		"  -p PID          trace (or list the probes of) process PID\n"
		"  -c CMD          run CMD and trace it\n"
		"  -v              verbose (repeat for more)\n"
		"  -q              quiet\n"
		"  -d ast|ir|bpf   print a compiler stage\n"
		"  --dry-run       compile only: load and attach nothing\n"
		"  -h, --help      this text\n"
		"\n"
		"commands:\n");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-14s  %s\n", cmds[i].name, cmds[i].summary);
}

static void apply_verbosity(const struct cli_opts *o)
{
	log_set_handler(log_to_stderr);
	if (o->quiet)
		log_set_level(LOG_ERR);
	else
		log_set_level(o->verbose >= 2 ? LOG_DEBUG : o->verbose ? LOG_INFO : LOG_WARN);
}

/* bpftrace's command line. */
static int bpftrace_main(int argc, char **argv, struct cli_opts *o)
{
	enum { OPT_INFO = 256, OPT_DRY_RUN, OPT_HELP };
	static const struct option longopts[] = {
		{ "info", no_argument, NULL, OPT_INFO },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool list = false, info = false;
	const char *outfile = NULL;
	int c, status;
	char *end;

	while ((c = getopt_long(argc, argv, "e:lf:o:p:c:vqd:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'e':
			o->prog_text = optarg;
			break;
		case 'l':
			list = true;
			break;
		case OPT_INFO:
			info = true;
			break;
		case 'f':
			if (cli_parse_format(optarg, &o->format)) {
				cli_usage_error(NULL, "unknown output format '%s' (expected text or json)", optarg);
				return 1;
			}
			break;
		case 'o':
			outfile = optarg;
			break;
		case 'p':
			errno = 0;
			o->pid = (pid_t)strtol(optarg, &end, 10);
			if (errno || *end || o->pid <= 0) {
				cli_usage_error(NULL, "'%s' is not a process id", optarg);
				return 1;
			}
			break;
		case 'c':
			o->cmd = optarg;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'd':
			o->debug = optarg;
			break;
		case OPT_DRY_RUN:
			o->dry_run = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("scry %s\n", SCRY_VERSION);
			return 0;
		default:
			fprintf(stderr, "Try 'scry --help'.\n");
			return 1;
		}
	}
	apply_verbosity(o);
	if (outfile) {
		o->out = fopen(outfile, "we");
		if (!o->out) {
			fprintf(stderr, "scry: error: cannot write '%s': %s\n", outfile, strerror(errno));
			return 1;
		}
	}

	if (info)
		status = info_print(o);
	else if (list)
		status = list_probes(optind < argc ? argv[optind] : NULL, o);
	else {
		if (!o->prog_text) {
			if (optind >= argc) {
				usage(stderr);
				return 1;
			}
			o->prog_file = argv[optind++];
		}
		o->nr_params = argc - optind;
		o->params = argv + optind;
		status = program_main(o);
	}
	if (o->out != stdout && fclose(o->out)) {
		fprintf(stderr, "scry: error: cannot write '%s': %s\n", outfile, strerror(errno));
		status = 1;
	}
	return status;
}

int main(int argc, char **argv)
{
	struct cli_opts o = { .out = stdout };
	size_t i;

	log_set_handler(log_to_stderr);
	if (geteuid() == 0)
		tracefs_cleanup_stale();	/* what a killed run left; it warns, never fails us */
	if (argc > 1) {
		for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
			if (!strcmp(argv[1], cmds[i].name)) {
				int status = cmds[i].main(argc - 1, argv + 1, &o);

				if (fflush(stdout)) {
					fprintf(stderr, "scry: error: writing output: %s\n", strerror(errno));
					return 1;
				}
				return status;
			}
		}
	}
	return bpftrace_main(argc, argv, &o);
}
