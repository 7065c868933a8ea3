// SPDX-License-Identifier: GPL-2.0
/*
 * The load of bench/run.sh's big-map rows:
 *
 *	bigmap N FILE	openat() N distinct paths that do not exist, under two
 *			flag values, so that @[args->flags, str(args->filename)]
 *			= count() gets N keys of (int, string); then writes the
 *			CLOCK_MONOTONIC time (ns) of its end into FILE, where
 *			the time the tool takes to print its maps begins.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec ts;
	char path[64];
	long i, n;
	FILE *f;

	if (argc != 3)
		return 2;
	n = atol(argv[1]);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/nonexistent-scry-bench/k%08ld", i);
		openat(AT_FDCWD, path, (i & 1) ? O_RDONLY | O_CLOEXEC : O_RDONLY);
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	f = fopen(argv[2], "w");
	if (!f)
		return 1;
	fprintf(f, "%lld\n", ts.tv_sec * 1000000000LL + ts.tv_nsec);
	return fclose(f) ? 1 : 0;
}
