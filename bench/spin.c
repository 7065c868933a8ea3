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
 *
 * getppid() goes through syscall(2): libc must not answer it from a cache.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

	if (argc != 2)
		return 2;
	if (!strcmp(argv[1], "loop")) {
		for (;;) {
			syscall(SYS_getppid);
			nanosleep(&pause, NULL);
		}
	}
	n = atoll(argv[1]);
	t = now_ns(CLOCK_MONOTONIC);
	c = now_ns(CLOCK_PROCESS_CPUTIME_ID);
	for (i = 0; i < n; i++)
		syscall(SYS_getppid);
	c = now_ns(CLOCK_PROCESS_CPUTIME_ID) - c;
	printf("%lld %lld\n", now_ns(CLOCK_MONOTONIC) - t, c);
	return 0;
}
