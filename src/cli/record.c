// SPDX-License-Identifier: GPL-2.0
/*
 * scry record: trace events to a trace.dat file (trace-cmd's format), through
 * the ftrace ring buffer or the perf ring buffer (mech/record.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "mech/record.h"
#include "runtime/child.h"
#include "util/log.h"
#include "util/strbuf.h"

#define MAX_SPECS 256
#define POLL_MS 100

static volatile sig_atomic_t stop_sig;

static void on_signal(int sig)
{
	stop_sig = sig;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: scry record [-e EVENT]... [-p PID | -a] [-o FILE] [--filter EXPR]\n"
		"                   [--backend ftrace|perf] [-p TRACER [-l FUNC]...] [-g] [-b KB]\n"
		"                   [-D SECONDS] [-c 'CMD' | -- CMD ARGS...]\n"
		"\n"
		"Records trace events to FILE (default trace.dat) in trace-cmd's format;\n"
		"read it with 'scry report' or 'trace-cmd report'.\n"
		"\n"
		"  -e EVENT        a tracepoint (sched:sched_switch, tracepoint:syscalls:*),\n"
		"                  kprobe:FUNC [ARGS], kretprobe:FUNC [ARGS],\n"
		"                  uprobe:PATH:FUNC [ARGS], uretprobe:PATH:FUNC [ARGS]; ARGS are\n"
		"                  the kernel's fetch args (n=%%di:s32 ret=$retval)\n"
		"  -p PID          only process PID (every thread) and its children, until it exits\n"
		"  -p TRACER       function or function_graph (ftrace backend)\n"
		"  -l FUNC         limit the tracer to FUNC (a glob); repeatable\n"
		"  -a              every process (also with a command)\n"
		"  -c CMD, -- CMD  run CMD and record it and its children (every process with -a)\n"
		"  -D SECONDS      stop after SECONDS\n"
		"  -o FILE         the output file\n"
		"  --filter EXPR   the kernel's event filter (common_pid == 1 && prev_state == 1)\n"
		"  --backend B     ftrace (a private tracefs instance) or perf (perf ring buffers);\n"
		"                  default: ftrace where this kernel allows it\n"
		"  -b KB           ring buffer size per CPU\n"
		"  -g              kernel and user callchains with every event\n"
		"  -q              say nothing on success\n");
}

static int write_output(struct record *r, const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644), err;

	if (fd < 0) {
		fprintf(stderr, "scry record: error: cannot write '%s': %s\n", path, strerror(errno));
		return -errno;
	}
	err = record_write(r, fd);
	if (close(fd) && !err)
		err = -errno;
	if (err)
		unlink(path);
	return err;
}

int cmd_record(int argc, char **argv, struct cli_opts *o)
{
	enum { OPT_FILTER = 256, OPT_BACKEND };
	static const struct option longopts[] = {
		{ "filter", required_argument, NULL, OPT_FILTER },
		{ "backend", required_argument, NULL, OPT_BACKEND },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *events[MAX_SPECS], *funcs[MAX_SPECS];
	struct record_opts ro = { 0 };
	enum record_backend backend = REC_AUTO;
	char *cmdline = NULL;
	const char *output = "trace.dat", *cmd = NULL;
	struct child child = { .pid = 0, .go_fd = -1, .err_fd = -1 };
	struct record r = { 0 };
	struct sigaction sa = { 0 };
	bool all = false, quiet = false, have_child = false;
	double duration = 0;
	struct timespec t0, now;
	char dir[PATH_MAX], *end;
	int c, status = 1, err;
	size_t ne = 0, nf = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+e:p:l:ac:o:D:b:gqh", longopts, NULL)) != -1) {
		switch (c) {
		case 'e':
			if (ne == MAX_SPECS)
				goto too_many;
			events[ne++] = optarg;
			break;
		case 'l':
			if (nf == MAX_SPECS)
				goto too_many;
			funcs[nf++] = optarg;
			break;
		case 'p':
			if (optarg[0] >= '0' && optarg[0] <= '9') {
				long v;

				errno = 0;
				v = strtol(optarg, &end, 10);
				if (errno || *end || v <= 0 || v > INT_MAX) {
					cli_usage_error("record", "'%s' is not a process id", optarg);
					return 1;
				}
				ro.pid = (pid_t)v;
			} else if (!strcmp(optarg, "function") || !strcmp(optarg, "function_graph")) {
				ro.tracer = optarg;
			} else if (strcmp(optarg, "nop")) {
				cli_usage_error("record", "'%s' is neither a process id nor a tracer "
						"(function, function_graph)", optarg);
				return 1;
			}
			break;
		case 'a':
			all = true;
			break;
		case 'c':
			cmd = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'D':
			duration = strtod(optarg, &end);
			if (*end || duration <= 0) {
				cli_usage_error("record", "'%s' is not a number of seconds", optarg);
				return 1;
			}
			break;
		case 'b':
			errno = 0;
			ro.buffer_kb = (unsigned int)strtoul(optarg, &end, 10);
			if (errno || *end || !ro.buffer_kb) {
				cli_usage_error("record", "'%s' is not a size in KiB", optarg);
				return 1;
			}
			break;
		case 'g':
			ro.callchain = true;
			break;
		case 'q':
			quiet = true;
			break;
		case OPT_FILTER:
			ro.filter = optarg;
			break;
		case OPT_BACKEND:
			if (!strcmp(optarg, "ftrace"))
				backend = REC_FTRACE;
			else if (!strcmp(optarg, "perf"))
				backend = REC_PERF;
			else {
				cli_usage_error("record", "unknown backend '%s' (expected ftrace or perf)",
						optarg);
				return 1;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr, "Try 'scry record --help'.\n");
			return 1;
		}
	}
	if (optind < argc) {
		if (cmd) {
			cli_usage_error("record", "give the command once: -c 'CMD' or -- CMD ARGS");
			return 1;
		}
		cmdline = cli_join_words(argv + optind, argc - optind);
		if (!cmdline)
			return 1;
		cmd = cmdline;
	}
	if (ro.pid && (all || cmd)) {
		cli_usage_error("record", "-p PID, -a and a command: choose -p or a command (with -a "
				"for every process)");
		goto out;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "scry record: error: recording needs root (tracefs and perf events)\n");
		goto out;
	}
	snprintf(dir, sizeof(dir), "%s", output);
	ro.tmpdir = dirname(dir);
	ro.events = events;
	ro.nr_events = ne;
	ro.funcs = funcs;
	ro.nr_funcs = nf;
	ro.follow_fork = true;

	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (cmd) {
		if (child_spawn(cmd, &child))
			goto out;
		have_child = true;
		if (!all)
			ro.pid = child.pid;
	}
	err = record_start(&r, &ro, backend);
	if (err)
		goto out;
	if (!quiet)
		fprintf(stderr, "scry record: recording through the %s\n",
			r.backend == REC_PERF ? "perf ring buffer (perf_event_open, one ring per CPU)" :
			r.top_buffer ? "ftrace ring buffer (the top-level one: this kernel's instances "
				       "lack the tracer)"
				     : "ftrace ring buffer (a private tracefs instance)");
	if (have_child && child_release(&child, cmd)) {
		have_child = false;
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!stop_sig) {
		if (record_poll(&r, POLL_MS))
			goto out;
		if (have_child && child_reap(&child))
			break;
		if (!have_child && ro.pid && kill(ro.pid, 0) && errno == ESRCH)
			break;	/* -p PID: the process is gone */
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (duration > 0 && (double)(now.tv_sec - t0.tv_sec) +
				    (double)(now.tv_nsec - t0.tv_nsec) / 1e9 >= duration)
			break;
	}
	if (record_stop(&r))
		goto out;
	if (write_output(&r, output))
		goto out;
	if (!quiet || record_lost(&r)) {
		struct strbuf per = STRBUF_INIT;
		int cpu;

		for (cpu = 0; cpu < r.nr_cpus; cpu++)
			strbuf_addf(&per, "%scpu%d %" PRIu64, cpu ? ", " : "", cpu, r.cpus[cpu].lost);
		fprintf(stderr, "scry record: %" PRIu64 " events, %" PRIu64 " lost (%s), written to '%s'\n",
			record_entries(&r), record_lost(&r), strbuf_str(&per), output);
		strbuf_release(&per);
	}
	status = 0;
out:
	record_release(&r);
	if (have_child && !child.exited)
		child_kill(&child);
	free(cmdline);
	return status;
too_many:
	cli_usage_error("record", "at most %d -e / -l options", MAX_SPECS);
	return 1;
}
