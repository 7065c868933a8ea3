// SPDX-License-Identifier: GPL-2.0
/* The interval mechanism: timerfd + BPF_PROG_TEST_RUN.  See timer.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "mech/bpf.h"
#include "mech/timer.h"
#include "util/log.h"

struct scry_interval {
	int tfd;
	int prog_fd;
	uint64_t ticks;
};

int interval_start(int prog_fd, uint64_t period_ns, struct scry_interval **out)
{
	struct scry_interval *iv;
	struct itimerspec its;
	struct timespec now;
	int err;

	*out = NULL;
	if (period_ns < 1000) {
		pr_err("interval: period of %llu ns is too short",
		       (unsigned long long)period_ns);
		return -EINVAL;
	}
	iv = calloc(1, sizeof(*iv));
	if (!iv)
		return -ENOMEM;
	iv->prog_fd = prog_fd;
	iv->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (iv->tfd < 0) {
		err = -errno;
		pr_err("interval: timerfd_create failed: %s", strerror(errno));
		goto fail;
	}
	/* Absolute first expiry: the kernel then schedules period after period with no drift. */
	clock_gettime(CLOCK_MONOTONIC, &now);
	its.it_interval.tv_sec = (time_t)(period_ns / 1000000000ull);
	its.it_interval.tv_nsec = (long)(period_ns % 1000000000ull);
	its.it_value.tv_sec = now.tv_sec + its.it_interval.tv_sec;
	its.it_value.tv_nsec = now.tv_nsec + its.it_interval.tv_nsec;
	if (its.it_value.tv_nsec >= 1000000000L) {
		its.it_value.tv_sec++;
		its.it_value.tv_nsec -= 1000000000L;
	}
	if (timerfd_settime(iv->tfd, TFD_TIMER_ABSTIME, &its, NULL) < 0) {
		err = -errno;
		pr_err("interval: timerfd_settime failed: %s", strerror(errno));
		goto fail;
	}
	*out = iv;
	return 0;
fail:
	interval_free(iv);
	return err;
}

int interval_fd(const struct scry_interval *iv)
{
	return iv->tfd;
}

int interval_dispatch(struct scry_interval *iv)
{
	uint64_t exp = 0, i;
	ssize_t n;
	int err;

	n = read(iv->tfd, &exp, sizeof(exp));
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		err = -errno;
		pr_err("interval: reading the timerfd failed: %s", strerror(errno));
		return err;
	}
	if (n != sizeof(exp))
		return 0;
	for (i = 0; i < exp; i++) {
		err = scry_prog_run(iv->prog_fd, NULL, 0, NULL);
		if (err)
			return err;
		iv->ticks++;
	}
	return exp > INT32_MAX ? INT32_MAX : (int)exp;
}

uint64_t interval_ticks(const struct scry_interval *iv)
{
	return iv->ticks;
}

void interval_free(struct scry_interval *iv)
{
	if (!iv)
		return;
	if (iv->tfd >= 0)
		close(iv->tfd);
	free(iv);
}
