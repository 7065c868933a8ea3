// SPDX-License-Identifier: GPL-2.0
/*
 * The clock of bench/run.sh's "exec to first event" rows, in C so that the
 * harness's own share (the floor) is small and steady:
 *
 *	firstev CMD ARGS...
 *
 * takes CLOCK_MONOTONIC just before posix_spawn() (vfork: no copy of this
 * small process), runs CMD with its stdout on a pty (line-buffered, as in
 * interactive use) and stderr on /dev/null (or on the file $FIRSTEV_STDERR),
 * reads the pty until a line that is exactly "x", then waits for CMD to end.
 * Prints four numbers in ns: exec to the line, exec to exit, the spawn time
 * itself, and the CLOCK_MONOTONIC time of the exec (to place the "phase"
 * lines of SCRY_PHASES=1 on the same clock).  Exit status 1 when no line came
 * within 10 s.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* true once buf holds a line that is "x" (a pty turns "\n" into "\r\n") */
static int has_x(const char *buf, size_t len)
{
	size_t i, start = 0;

	for (i = 0; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		if ((i - start == 1 && buf[start] == 'x') ||
		    (i - start == 2 && buf[start] == 'x' && buf[start + 1] == '\r'))
			return 1;
		start = i + 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	posix_spawn_file_actions_t fa;
	char buf[65536];
	size_t len = 0;
	long long t0, t1 = 0, t2, ts;
	int master, slave, status, found = 0;
	pid_t pid;

	if (argc < 2)
		return 2;
	if (openpty(&master, &slave, NULL, NULL, NULL))
		return 2;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, slave, 1);
	posix_spawn_file_actions_addopen(&fa, 2, getenv("FIRSTEV_STDERR") ?: "/dev/null",
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_addclose(&fa, master);
	posix_spawn_file_actions_addclose(&fa, slave);
	t0 = now_ns();
	if (posix_spawn(&pid, argv[1], &fa, NULL, argv + 1, environ))
		return 2;
	ts = now_ns();
	close(slave);
	while (!found) {
		struct pollfd p = { .fd = master, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 10000) <= 0)
			break;
		n = read(master, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		found = has_x(buf, len);
		if (len == sizeof(buf) - 1)
			len = 0;
	}
	t1 = now_ns();
	if (!found)
		kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	t2 = now_ns();
	close(master);
	printf("%lld %lld %lld %lld\n", t1 - t0, t2 - t0, ts - t0, t0);
	return found ? 0 : 1;
}
