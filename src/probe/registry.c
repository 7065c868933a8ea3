// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mech/perf_event.h"
#include "mech/timer.h"
#include "probe/probe.h"

/* The probe types, in listing order: one line each, its file in src/probe/. */
#define PROVIDERS(X)                                                                          \
	X(special_begin) X(special_end)                                                       \
	X(tracepoint)                                                                         \
	X(rawtracepoint)                                                                      \
	X(tp_btf)                                                                             \
	X(kprobe) X(kretprobe)                                                                \
	X(fentry) X(fexit)                                                                    \
	X(uprobe) X(uretprobe)                                                                \
	X(usdt)                                                                               \
	X(software) X(hardware)                                                               \
	X(profile)                                                                            \
	X(interval)                                                                           \
	X(iter)                                                                               \
	X(watchpoint) X(asyncwatchpoint)                                                      \
	X(self)                                                                               \
	/* end */

#define P(name) extern const struct provider provider_##name;
PROVIDERS(P)
#undef P

#define P(name) &provider_##name,
const struct provider *const providers[] = { PROVIDERS(P) NULL };
#undef P

const struct provider *provider_find(const char *name)
{
	size_t i, k;

	for (i = 0; providers[i]; i++) {
		const struct provider *p = providers[i];

		if (!strcmp(p->name, name) || (p->alias && !strcmp(p->alias, name)))
			return p;
		for (k = 0; k < 2 && p->old_names[k]; k++)
			if (!strcmp(p->old_names[k], name))
				return p;
	}
	return NULL;
}

const char *const *provider_names(void)
{
	static const char *names[2 * sizeof(providers) / sizeof(providers[0]) + 1];
	size_t i, k = 0;

	if (names[0])
		return names;
	for (i = 0; providers[i]; i++) {
		names[k++] = providers[i]->name;
		if (providers[i]->alias && strlen(providers[i]->alias) > 2)
			names[k++] = providers[i]->alias;
	}
	names[k] = NULL;
	return names;
}

int probe_parse_rate(const struct provider *self, struct probe_spec *sp, const char *default_unit)
{
	static const char *const units[] = { "hz", "s", "ms", "us", "ns", NULL };
	const char *unit = sp->nparts == 2 ? sp->parts[0] : NULL, *rate = sp->parts[sp->nparts - 1];
	size_t i;

	if (unit) {
		for (i = 0; units[i] && strcmp(units[i], unit); i++)
			;
		if (!units[i]) {
			snprintf(sp->hint, sizeof(sp->hint), "the units are hz, s, ms, us");
			snprintf(sp->msg, sizeof(sp->msg), "unknown unit '%s' in %s probe", unit, self->name);
			return -EINVAL;
		}
	}
	if (!*rate || !sp->number(rate, &sp->rate) || !sp->rate) {
		snprintf(sp->msg, sizeof(sp->msg), "invalid rate '%s' in %s probe", rate, self->name);
		return -EINVAL;
	}
	if (!unit)
		unit = isdigit((unsigned char)rate[strlen(rate) - 1]) ? default_unit : "ns";
	sp->target = unit;
	return 0;
}

bool probe_is_glob(const char *s)
{
	return s && strpbrk(s, "*?[") != NULL;
}

int attachment_add_fd(struct attachment *a, int fd)
{
	if (a->nr_fds == a->alloc) {
		size_t na = a->alloc ? a->alloc * 2 : 8;
		int *n = realloc(a->fds, na * sizeof(*n));

		if (!n) {
			close(fd);
			return -ENOMEM;
		}
		a->fds = n;
		a->alloc = na;
	}
	a->fds[a->nr_fds++] = fd;
	return 0;
}

int attachment_add_perf(struct attachment *a, int pfd, int prog_fd, uint64_t cookie)
{
	int link = -1, err;

	if (pfd < 0)
		return pfd;
	err = attachment_add_fd(a, pfd);
	err = err ?: perf_attach_bpf(pfd, prog_fd, cookie, &link);
	if (!err && link >= 0)
		err = attachment_add_fd(a, link);
	return err;
}

void attachment_release(struct attachment *a)
{
	size_t i;

	/* Links first, then the perf events they hold: reverse order of creation. */
	for (i = a->nr_fds; i > 0; i--)
		close(a->fds[i - 1]);
	free(a->fds);
	interval_free(a->timer);
	if (a->poll.release)
		a->poll.release(a->poll.ctx);
	memset(a, 0, sizeof(*a));
}

bool list_query_match(const struct list_query *q, const char *full_name)
{
	const char *p;

	if (!q->pattern || !*q->pattern)
		return true;
	if (!fnmatch(q->pattern, full_name, 0))
		return true;
	if (strchr(q->pattern, ':'))
		return false;
	/* No provider given: try the pattern against every tail of the name. */
	for (p = strchr(full_name, ':'); p; p = strchr(p + 1, ':'))
		if (!fnmatch(q->pattern, p + 1, 0))
			return true;
	return false;
}

int list_query_field(const struct list_query *q, int i, char *buf, size_t len)
{
	const char *s = q->pattern ? q->pattern : "", *e;
	int n = 0, nr = *s ? 1 : 0;

	for (e = s; *e; e++)
		nr += *e == ':';
	buf[0] = '\0';
	for (;;) {
		e = strchr(s, ':');
		if (n == i) {
			size_t l = e ? (size_t)(e - s) : strlen(s);

			if (l >= len)
				l = len - 1;
			memcpy(buf, s, l);
			buf[l] = '\0';
			break;
		}
		if (!e)
			break;
		s = e + 1;
		n++;
	}
	return nr;
}

bool list_query_wants(const struct list_query *q, const struct provider *p)
{
	char f[64];

	if (!q->pattern || !strchr(q->pattern, ':'))
		return true;
	list_query_field(q, 0, f, sizeof(f));
	if (!fnmatch(f, p->name, 0) || (p->alias && !fnmatch(f, p->alias, 0)))
		return true;
	/* "kfunc:*" still lists fentry probes, "begin" lists BEGIN. */
	return provider_find(f) == p;
}
