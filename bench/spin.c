// SPDX-License-Identifier: GPL-2.0
/*
 * The syscall-heavy load of bench/run.sh:
 *
 *	spin N		getppid() N times, then print the loop's duration in ns:
 *			wall clock, then CPU time (user + system, of this
 *			process: what a BPF program attached to the syscall
 *			costs is charged here, and time spent preempted by
 *			other work on the machine is not)
 *	spin loop	getppid() every 50 us until killed (an event source for
 *			the start-to-first-event measurement)
 *	spin N read|write|openat
 *			the same with read(2) of a byte of /dev/zero, write(2)
 *			of a byte to /dev/null, or openat(2) of a path that
 *			does not exist: the events of the one-liners' probes
 *
 * getppid() goes through syscall(2): libc must not answer it from a cache.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	struct timespec pause = { 0, 50000 };
	long long t, c, n, i;
	const char *what = argc == 3 ? argv[2] : "getppid";
	char byte = 0;
	int fd = -1;

	if (argc != 2 && argc != 3)
		return 2;
	if (!strcmp(argv[1], "loop")) {
		for (;;) {
			syscall(SYS_getppid);
			nanosleep(&pause, NULL);
		}
	}
	n = atoll(argv[1]);
	if (!strcmp(what, "read"))
		fd = open("/dev/zero", O_RDONLY);
	else if (!strcmp(what, "write"))
		fd = open("/dev/null", O_WRONLY);
	else if (strcmp(what, "getppid") && strcmp(what, "openat"))
		return 2;
	t = now_ns(CLOCK_MONOTONIC);
	c = now_ns(CLOCK_PROCESS_CPUTIME_ID);
	for (i = 0; i < n; i++) {
		if (what[0] == 'g')
			syscall(SYS_getppid);
		else if (what[0] == 'r')
			syscall(SYS_read, fd, &byte, 1);
		else if (what[0] == 'w')
			syscall(SYS_write, fd, &byte, 1);
		else
			syscall(SYS_openat, AT_FDCWD, "/nonexistent-scry-bench", O_RDONLY);
	}
	c = now_ns(CLOCK_PROCESS_CPUTIME_ID) - c;
	printf("%lld %lld\n", now_ns(CLOCK_MONOTONIC) - t, c);
	return 0;
}
