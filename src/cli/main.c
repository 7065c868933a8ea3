// SPDX-License-Identifier: GPL-2.0
/*
 * scry [OPTIONS] [-e PROGRAM | FILE] [ARGS...]   bpftrace's command line
 * scry COMMAND [OPTIONS]                         perf/trace-cmd style jobs
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/version.h"
#include "mech/cleanup.h"
#include "util/log.h"

static const struct cli_cmd cmds[] = {
	{ "list", cmd_list, "list the probes this machine offers" },
	{ "info", cmd_info, "what this kernel supports, each item tried" },
	{ "profile", cmd_profile, "sample on-CPU stacks: folded, JSON or a flame graph" },
	{ "stat", cmd_stat, "count events while a command runs, as perf stat" },
	{ "trace", cmd_trace, "system calls of a process and its children, as strace" },
	{ "record", cmd_record, "record trace events to a trace.dat file (ftrace or perf ring buffer)" },
	{ "report", cmd_report, "print a trace.dat recording: text, JSON, Perfetto, --stats" },
	{ "serve", cmd_serve, "serve programs' maps as Prometheus metrics" },
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

/* bpftrace's USAGE layout (scripts grep for it), with scry's additions. */
static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"USAGE:\n"
		"    scry [options] filename\n"
		"    scry [options] - <stdin input>\n"
		"    scry [options] -e 'program'\n"
		"    scry COMMAND [options]\n"
		"\n"
		"OPTIONS:\n"
		"    -B MODE        output buffering mode ('line', 'full', 'none')\n"
		"    -f FORMAT      output format ('text', 'json')\n"
		"    -o file        redirect scry output to file\n"
		"    -e 'program'   execute this program\n"
		"    -h, --help     show this help message\n"
		"    -I DIR         add the directory to the include search path\n"
		"    --include FILE add an #include file before preprocessing\n"
		"    -l [search]    list probes\n"
		"    -p PID         enable USDT probes on PID\n"
		"    -c 'CMD'       run CMD and enable USDT probes on resulting process\n"
		"    --usdt-file-activation\n"
		"                   activate usdt semaphores based on file path\n"
		"    --unsafe       allow unsafe builtin functions\n"
		"    -q             keep messages quiet\n"
		"    --info         Print information about kernel BPF support\n"
		"    -k             emit a warning when a bpf helper returns an error (except read functions)\n"
		"    -kk            check all bpf helper functions\n"
		"    -V, --version  scry version\n"
		"    --no-warnings  disable all warning messages\n"
		"\n"
		"TROUBLESHOOTING OPTIONS:\n"
		"    -v                      verbose messages\n"
		"    -d                      (dry run) debug info: every stage\n"
		"    -dd                     (dry run) verbose debug info\n"
		"    -d STAGE                (dry run) one stage: ast, ir or bpf\n"
		"    --dry-run               compile only: load and attach nothing\n"
		"\n"
		"COMMANDS:\n");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "    %-14s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f,
		"\n"
		"ENVIRONMENT:\n"
		"    BPFTRACE_PERF_RB_PAGES      [default: by need] pages per CPU to allocate for ring buffer\n"
		"    __BPFTRACE_NOTIFY_PROBES_ATTACHED  print it once attached\n"
		"\n"
		"EXAMPLES:\n"
		"scry -l '*sleep*'\n"
		"    list probes containing \"sleep\"\n"
		"scry -e 'uprobe:./prog:main { printf(\"PID %%d in main\\n\", pid); }'\n"
		"    trace a program of the working directory\n"
		"scry -e 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }'\n"
		"    count syscalls by process name\n");
}

static void apply_verbosity(const struct cli_opts *o)
{
	log_set_handler(log_to_stderr);
	/* -q (as bpftrace's) only drops "Attaching N probes..."; --no-warnings the warnings. */
	if (o->verbose)
		log_set_level(o->verbose >= 2 ? LOG_DEBUG : LOG_INFO);
	else
		log_set_level(o->no_warnings ? LOG_ERR : LOG_WARN);
}

/* bpftrace's errors: "ERROR: ..." (and for usage errors, the usage after it). */
static int bt_error(bool with_usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bt_error(bool with_usage, const char *fmt, ...)
{
	va_list ap;

	fputs("ERROR: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (with_usage)
		usage(stderr);
	return 1;
}

#define BT_PID_MAX 4194304	/* bpftrace's range: the kernel's PID_MAX_LIMIT */

static int parse_pid(const char *s, pid_t *pid)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (!*s || *end || errno == EINVAL)
		return bt_error(false, "pid '%s' is not a valid decimal number", s);
	if (errno == ERANGE || v < 1 || v > BT_PID_MAX)
		return bt_error(false, "pid '%s' out of valid pid range [1,%d]", s, BT_PID_MAX);
	if (kill((pid_t)v, 0) && errno == ESRCH)
		return bt_error(false, "pid '%s': No such process", s);
	*pid = (pid_t)v;
	return 0;
}

/* -c CMD: its program must exist and be executable (bpftrace checks before it forks). */
static int check_cmd(const char *cmd)
{
	char prog[4096], cand[4096 + 256];
	const char *path = getenv("PATH"), *p, *e;
	size_t n;

	while (*cmd == ' ' || *cmd == '\t')
		cmd++;
	n = strcspn(cmd, " \t");
	if (!n || n >= sizeof(prog))
		return bt_error(false, "Failed to fork child: empty command");
	memcpy(prog, cmd, n);
	prog[n] = '\0';
	if (strchr(prog, '/')) {
		if (!access(prog, X_OK))
			return 0;
	} else {
		for (p = path; p && *p; p = *e ? e + 1 : e) {
			e = strchrnul(p, ':');
			snprintf(cand, sizeof(cand), "%.*s/%s", (int)(e - p), p, prog);
			if (e > p && !access(cand, X_OK))
				return 0;
		}
	}
	return bt_error(false, "Failed to fork child: path '%s' does not exist or is not executable",
			prog);
}

static bool is_stage(const char *s)
{
	return s && (!strcmp(s, "ast") || !strcmp(s, "ir") || !strcmp(s, "bpf") ||
		     !strcmp(s, "all"));
}

/* bpftrace's command line. */
static int bpftrace_main(int argc, char **argv, struct cli_opts *o)
{
	enum {
		OPT_INFO = 256, OPT_DRY_RUN, OPT_INCLUDE, OPT_UNSAFE, OPT_USDT_FILE,
		OPT_NO_WARNINGS, OPT_EMIT_ELF, OPT_EMIT_LLVM,
	};
	static const struct option longopts[] = {
		{ "info", no_argument, NULL, OPT_INFO },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "include", required_argument, NULL, OPT_INCLUDE },
		{ "unsafe", no_argument, NULL, OPT_UNSAFE },
		{ "usdt-file-activation", no_argument, NULL, OPT_USDT_FILE },
		{ "no-warnings", no_argument, NULL, OPT_NO_WARNINGS },
		{ "emit-elf", required_argument, NULL, OPT_EMIT_ELF },
		{ "emit-llvm", required_argument, NULL, OPT_EMIT_LLVM },
		{ NULL, 0, NULL, 0 },
	};
	bool list = false, info = false;
	const char *outfile = NULL, *buffering = NULL;
	int c, status, dflag = 0;

	argv[0] = (char *)"scry";	/* getopt's messages: "scry: unrecognized option ..." */
	while ((c = getopt_long(argc, argv, "e:lf:o:p:c:vqd::hVB:I:k", longopts, NULL)) != -1) {
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
				fprintf(stderr, "ERROR: Invalid output format \"%s\"\n"
					"Valid formats: 'text', 'json'\n", optarg);
				return 1;
			}
			break;
		case 'o':
			outfile = optarg;
			break;
		case 'p':
			if (parse_pid(optarg, &o->pid))
				return 1;
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
			/* bpftrace 0.17: -d, -dd; scry: -d STAGE (also -dSTAGE) */
			if (optarg && !strcmp(optarg, "d")) {
				dflag += 2;
			} else if (is_stage(optarg)) {
				o->debug = optarg;
			} else if (optarg) {
				fprintf(stderr, "ERROR: unknown stage '-d %s' (expected ast, ir or bpf)\n",
					optarg);
				return 1;
			} else if (optind < argc && is_stage(argv[optind])) {
				o->debug = argv[optind++];
			} else {
				dflag++;
			}
			break;
		case OPT_DRY_RUN:
			o->dry_run = true;
			break;
		case 'B':
			if (strcmp(optarg, "line") && strcmp(optarg, "full") && strcmp(optarg, "none"))
				return bt_error(false, "USAGE: -B must be either 'line', 'full', or 'none'.");
			buffering = optarg;
			break;
		case 'I':
		case OPT_INCLUDE:
			/* Headers are not compiled: the types they would give come from BTF. */
			if (o->nr_includes < (int)(sizeof(o->includes) / sizeof(o->includes[0])))
				o->includes[o->nr_includes++] = optarg;
			break;
		case 'k':
			o->helper_check++;
			break;
		case OPT_UNSAFE:
			o->unsafe = true;
			break;
		case OPT_USDT_FILE:
			o->usdt_file_activation = true;
			break;
		case OPT_NO_WARNINGS:
			o->no_warnings = true;
			break;
		case OPT_EMIT_ELF:
		case OPT_EMIT_LLVM:
			return bt_error(false, "%s: scry compiles to BPF without LLVM and writes no %s "
					"(-d ir and -d bpf print its code)",
					c == OPT_EMIT_ELF ? "--emit-elf" : "--emit-llvm",
					c == OPT_EMIT_ELF ? "ELF object" : "LLVM IR");
		case 'h':
			usage(stderr);
			return 0;
		case 'V':
			printf("scry %s\n", SCRY_GIT_VERSION);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (o->helper_check > 2 || dflag > 2) {
		usage(stderr);
		return 1;
	}
	if (o->cmd && o->pid)
		return bt_error(true, "USAGE: Cannot use both -c and -p.");
	if (o->cmd && check_cmd(o->cmd))
		return 1;
	if (dflag) {
		o->debug = "all";
		o->verbose += dflag - 1;
	}
	apply_verbosity(o);
	if (outfile) {
		o->out = fopen(outfile, "we");
		if (!o->out) {
			fprintf(stderr, "scry: error: cannot write '%s': %s\n", outfile, strerror(errno));
			return 1;
		}
	}
	if (buffering)
		setvbuf(o->out, NULL, !strcmp(buffering, "line") ? _IOLBF :
				      !strcmp(buffering, "full") ? _IOFBF : _IONBF, 0);

	if (info)
		status = info_print_bpftrace(o);
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

/* --dry-run touches no kernel: not even to remove what a killed run left. */
static bool dry_run(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--dry-run"))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	struct cli_opts o = { .out = stdout };
	size_t i;

	log_set_handler(log_to_stderr);
	if (geteuid() == 0 && !dry_run(argc, argv))
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
