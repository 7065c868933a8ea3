// SPDX-License-Identifier: GPL-2.0
/*
 * self:signal:SIGUSR1 — runs when scry itself receives the signal (current
 * bpftrace's "self" probe type): `kill -USR1 $(pidof scry)`.  Like BEGIN, the
 * program has no task context and is run by the session with
 * BPF_PROG_TEST_RUN; its attachment only names the signal it waits for.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <linux/bpf.h>

#include "probe/probe.h"

/* The signals a self probe can wait for: those scry's event loop receives for it. */
static const struct {
	const char *name;
	int signo;
} self_signals[] = {
	{ "SIGUSR1", SIGUSR1 },
};

static int self_signo(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(self_signals) / sizeof(self_signals[0]); i++)
		if (!strcmp(self_signals[i].name, name))
			return self_signals[i].signo;
	return 0;
}

static int self_parse(const struct provider *self, struct probe_spec *sp)
{
	if (strcmp(sp->parts[0], "signal")) {
		snprintf(sp->hint, sizeof(sp->hint), "the form is '%s'", self->usage);
		snprintf(sp->msg, sizeof(sp->msg), "unknown self probe '%s'", sp->parts[0]);
		return -EINVAL;
	}
	if (!self_signo(sp->parts[1])) {
		snprintf(sp->hint, sizeof(sp->hint), "the signal is SIGUSR1");
		snprintf(sp->msg, sizeof(sp->msg), "self probes cannot wait for '%s'", sp->parts[1]);
		return -EINVAL;
	}
	return 0;
}

static int self_attach(const struct provider *self, const struct probe_point *pp, int prog_fd,
		       struct attachment *a)
{
	a->signo = self_signo(pp->func ? pp->func : "");
	return a->signo ? 0 : -EINVAL;
}

static int self_list(const struct provider *self, const struct list_query *q,
		     struct list_sink *sink)
{
	struct probe_entry e = { .available = true };
	char name[64];
	size_t i;
	int err;

	for (i = 0; i < sizeof(self_signals) / sizeof(self_signals[0]); i++) {
		snprintf(name, sizeof(name), "self:signal:%s", self_signals[i].name);
		if (!list_query_match(q, name))
			continue;
		e.name = name;
		err = sink->emit(sink, &e);
		if (err)
			return err;
	}
	return 0;
}

const struct provider provider_self = {
	.name = "self",
	.min_parts = 2,
	.max_parts = 2,
	.usage = "self:signal:SIGUSR1",
	.parse = self_parse,
	.ctx = CTX_SPECIAL,
	.ctx_kind = PCTX_NONE,
	/* run from user space with BPF_PROG_TEST_RUN, as BEGIN and END are */
	.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT,
	.attach = self_attach,
	.list = self_list,
};
