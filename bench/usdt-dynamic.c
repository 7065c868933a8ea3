// SPDX-License-Identifier: GPL-2.0
/*
 * bench/usdt-dynamic.sh's C side: ns per call of a plain function call, a
 * disabled dynamic probe behind its semaphore (SCRY_USDT_ENABLED), a
 * disabled probe fired anyway (a call of its nop site), then -- after a line
 * on stdin, once a tracer has raised the semaphore -- the enabled probe.
 * Best of ROUNDS rounds each.  Prints "waiting PID" before the traced part.
 *
 *	usdt-dynamic N_UNTRACED N_TRACED ROUNDS
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "scry_usdt.h"

static __attribute__((noinline)) void plain(int64_t a, const char *s)
{
	__asm__ volatile("" : : "r"(a), "r"(s) : "memory");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

#define BEST(label, n, body)                                                       \
	do {                                                                       \
		double best = 1e30, t;                                              \
		for (int r = 0; r < rounds; r++) {                                  \
			t = now();                                                  \
			for (long i = 0; i < (n); i++) {                            \
				body;                                               \
			}                                                           \
			t = (now() - t) / (double)(n);                              \
			best = t < best ? t : best;                                 \
		}                                                                   \
		printf("%-32s %10.2f ns/call\n", label, best);                      \
	} while (0)

int main(int argc, char **argv)
{
	const enum scry_usdt_type t[] = { SCRY_USDT_INT64, SCRY_USDT_STRING };
	struct scry_usdt_provider *p;
	struct scry_usdt_probe *req;
	const volatile uint16_t *sem;
	long n = argc > 1 ? atol(argv[1]) : 10000000, nt = argc > 2 ? atol(argv[2]) : 200000;
	int rounds = argc > 3 ? atoi(argv[3]) : 3;
	void (*volatile fn)(int64_t, const char *) = plain;
	char line[16];

	if (scry_usdt_provider_new("app", &p) || scry_usdt_probe_add(p, "request", t, 2, &req) ||
	    scry_usdt_load(p)) {
		fprintf(stderr, "usdt-dynamic: %s\n", scry_usdt_error(p));
		return 1;
	}
	sem = scry_usdt_semaphore(req);
	BEST("C plain function call", n, fn(i, "GET /"));
	BEST("C disabled, if (ENABLED) fire", n,
	     if (SCRY_USDT_ENABLED(sem)) scry_usdt_fire(req, (int64_t)i, "GET /"));
	BEST("C disabled, fire anyway", n, scry_usdt_fire(req, (int64_t)i, "GET /"));
	printf("waiting %d\n", (int)getpid());
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 1;
	while (!SCRY_USDT_ENABLED(sem))
		;
	BEST("C enabled (traced), fire", nt,
	     if (SCRY_USDT_ENABLED(sem)) scry_usdt_fire(req, (int64_t)i, "GET /"));
	fflush(stdout);
	scry_usdt_provider_free(p);
	return 0;
}
