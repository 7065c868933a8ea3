// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "runtime/loop.h"

struct watch {
	int fd;
	loop_fd_fn fn;
	void *ctx;
};

struct loop {
	int epfd;
	int sigfd;
	sigset_t old_mask;
	loop_signal_fn on_signal;
	void *ctx;
	struct watch *watches;
	size_t nr_watches;
	int stop;
};

void loop_free(struct loop *l)
{
	if (!l)
		return;
	if (l->sigfd >= 0) {
		close(l->sigfd);
		pthread_sigmask(SIG_SETMASK, &l->old_mask, NULL);
	}
	if (l->epfd >= 0)
		close(l->epfd);
	free(l->watches);
	free(l);
}

int loop_new(loop_signal_fn on_signal, void *ctx, struct loop **out)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = (uint64_t)-1 };
	struct loop *l = calloc(1, sizeof(*l));
	sigset_t mask;
	int err;

	if (!l)
		return -ENOMEM;
	l->epfd = l->sigfd = -1;
	l->on_signal = on_signal;
	l->ctx = ctx;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0)
		goto fail;
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGUSR1);	/* self:signal:SIGUSR1, or the maps printed (bpftrace) */
	if (pthread_sigmask(SIG_BLOCK, &mask, &l->old_mask))
		goto fail;
	l->sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (l->sigfd < 0) {
		err = -errno;
		pthread_sigmask(SIG_SETMASK, &l->old_mask, NULL);
		errno = -err;
		goto fail;
	}
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->sigfd, &ev))
		goto fail;
	*out = l;
	return 0;
fail:
	err = -errno;
	loop_free(l);
	return err;
}

int loop_add_fd(struct loop *l, int fd, loop_fd_fn fn, void *ctx)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct watch *w = realloc(l->watches, (l->nr_watches + 1) * sizeof(*w));

	if (!w)
		return -ENOMEM;
	l->watches = w;
	ev.data.u64 = l->nr_watches;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev))
		return -errno;
	w[l->nr_watches++] = (struct watch){ .fd = fd, .fn = fn, .ctx = ctx };
	return 0;
}

void loop_stop(struct loop *l, int value)
{
	l->stop = value ? value : 1;
}

static int drain_signals(struct loop *l)
{
	struct signalfd_siginfo si;
	int ret = 0;

	while (!ret && read(l->sigfd, &si, sizeof(si)) == sizeof(si))
		ret = l->on_signal ? l->on_signal((int)si.ssi_signo, l->ctx) : (int)si.ssi_signo;
	return ret;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int loop_run(struct loop *l, int timeout_ms)
{
	struct epoll_event evs[16];
	int64_t deadline = timeout_ms >= 0 ? now_ms() + timeout_ms : 0;
	int i, n, wait;

	l->stop = 0;
	while (!l->stop) {
		wait = -1;
		if (timeout_ms >= 0) {
			int64_t left = deadline - now_ms();

			if (left <= 0)
				return 0;
			wait = (int)left;
		}
		n = epoll_wait(l->epfd, evs, 16, wait);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (i = 0; i < n && !l->stop; i++) {
			int ret;

			if (evs[i].data.u64 == (uint64_t)-1) {
				ret = drain_signals(l);
			} else {
				struct watch *w = &l->watches[evs[i].data.u64];

				ret = w->fn(w->fd, w->ctx);
			}
			if (ret)
				l->stop = ret;
		}
	}
	return l->stop;
}
