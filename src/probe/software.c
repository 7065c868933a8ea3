// SPDX-License-Identifier: GPL-2.0
/*
 * software:EVENT[:COUNT] and hardware:EVENT[:COUNT] — the kernel's perf
 * counters, sampled every COUNT events.  Hardware counters need a PMU, which
 * virtual machines often lack.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "mech/features.h"
#include "mech/perf_event.h"
#include "util/log.h"
#include "util/suggest.h"
#include "probe/perf_events.h"
#include "probe/probe.h"

extern const struct provider provider_software;

static const struct perf_event_name events[] = {
	{ "alignment-faults", NULL, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_ALIGNMENT_FAULTS, 1 },
	{ "bpf-output", NULL, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_BPF_OUTPUT, 1 },
	{ "context-switches", "cs", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES, 1000 },
	{ "cpu-clock", "cpu", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK, 1000000 },
	{ "cpu-migrations", NULL, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS, 1 },
	{ "dummy", NULL, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_DUMMY, 1 },
	{ "emulation-faults", NULL, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_EMULATION_FAULTS, 1 },
	{ "major-faults", NULL, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MAJ, 1 },
	{ "minor-faults", NULL, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MIN, 100 },
	{ "page-faults", "faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS, 100 },
	{ "task-clock", NULL, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK, 1000000 },

	{ "backend-stalls", NULL, PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_BACKEND, 1000000 },
	{ "branch-instructions", "branches", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS, 100000 },
	{ "branch-misses", NULL, PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES, 100000 },
	{ "bus-cycles", NULL, PERF_TYPE_HARDWARE, PERF_COUNT_HW_BUS_CYCLES, 100000 },
	{ "cache-misses", NULL, PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES, 1000000 },
	{ "cache-references", NULL, PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES, 1000000 },
	{ "cpu-cycles", "cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, 1000000 },
	{ "frontend-stalls", NULL, PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_FRONTEND, 1000000 },
	{ "instructions", NULL, PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS, 1000000 },
	{ "ref-cycles", NULL, PERF_TYPE_HARDWARE, PERF_COUNT_HW_REF_CPU_CYCLES, 1000000 },
};

const struct perf_event_name *perf_event_find(uint32_t type, const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		if (events[i].type != type)
			continue;
		if (!strcmp(events[i].name, name) || (events[i].alias && !strcmp(events[i].alias, name)))
			return &events[i];
	}
	return NULL;
}

int perf_attach_each_cpu(struct perf_event_attr *attr, pid_t pid, int prog_fd, uint64_t cookie,
			 struct attachment *out, const char *what)
{
	int ncpu = pid > 0 ? 1 : libbpf_num_possible_cpus(), cpu, fd, link, err, opened = 0;

	if (ncpu <= 0) {
		pr_err("%s: cannot count the CPUs", what);
		return ncpu ? ncpu : -EINVAL;
	}
	for (cpu = 0; cpu < ncpu; cpu++) {
		fd = perf_event_open_raw(attr, pid > 0 ? pid : -1, pid > 0 ? -1 : cpu, -1);
		if (fd == -ENODEV && pid <= 0)
			continue;	/* possible but offline */
		if (fd < 0) {
			if (fd == -ENOENT || fd == -EOPNOTSUPP)
				pr_err("%s: this kernel or machine has no such event (%s)", what,
				       attr->type == PERF_TYPE_HARDWARE ?
					       "no hardware counters: use software events such as cpu-clock" :
					       strerror(-fd));
			else
				pr_err("%s: cannot open the perf event: %s", what, strerror(-fd));
			return fd;
		}
		err = attachment_add_fd(out, fd);
		err = err ?: perf_attach_bpf(fd, prog_fd, cookie, &link);
		if (!err && link >= 0)
			err = attachment_add_fd(out, link);
		if (err)
			return err;
		opened++;
	}
	if (!opened) {
		pr_err("%s: no online CPU", what);
		return -ENODEV;
	}
	return 0;
}

static int perf_probe_attach(const struct provider *self, const struct probe_point *pp,
			     int prog_fd, struct attachment *a)
{
	uint32_t type = strcmp(self->name, "hardware") ? PERF_TYPE_SOFTWARE : PERF_TYPE_HARDWARE;
	const char *name = pp->func ? pp->func : pp->target ? pp->target : "";
	const struct perf_event_name *ev = perf_event_find(type, name);
	struct perf_event_attr attr = { .size = sizeof(attr), .type = type };
	char what[128];

	snprintf(what, sizeof(what), "%s:%s:%llu", self->name, name, (unsigned long long)pp->rate);
	if (!ev) {
		pr_err("%s: unknown %s event '%s' (see 'scry -l %s:*')", what, self->name, name,
		       self->name);
		return -ENOENT;
	}
	attr.config = ev->config;
	attr.sample_period = pp->rate ? pp->rate : ev->default_period;
	return perf_attach_each_cpu(&attr, pp->pid, prog_fd, pp->cookie, a, what);
}

static int perf_usable(const struct provider *self, char *why, size_t len)
{
	const struct feature *f = feature_get(strcmp(self->name, "hardware") ? FEAT_PERF_SOFTWARE :
										FEAT_PERF_HARDWARE);

	if (f->ok)
		return 0;
	snprintf(why, len, "%s probes cannot be used on this machine (%s): %s", self->name, f->detail,
	       f->instead ? f->instead : "no alternative");
	return -EOPNOTSUPP;
}

static int perf_list(const struct provider *self, const struct list_query *q,
		     struct list_sink *sink)
{
	uint32_t type = strcmp(self->name, "hardware") ? PERF_TYPE_SOFTWARE : PERF_TYPE_HARDWARE;
	const struct feature *f =
		feature_get(type == PERF_TYPE_HARDWARE ? FEAT_PERF_HARDWARE : FEAT_PERF_SOFTWARE);
	struct probe_entry e = { .available = f->ok, .reason = f->ok ? NULL : f->detail };
	char name[128];
	size_t i;
	int err;

	for (i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		if (events[i].type != type)
			continue;
		snprintf(name, sizeof(name), "%s:%s:", self->name, events[i].name);
		if (!list_query_match(q, name))
			continue;
		e.name = name;
		err = sink->emit(sink, &e);
		if (err)
			return err;
	}
	return 0;
}

/* software:EVENT[:COUNT]: a known event, a positive count. */
static int perf_parse(const struct provider *self, struct probe_spec *sp)
{
	uint32_t type = !strcmp(self->name, provider_software.name) ? PERF_TYPE_SOFTWARE :
		PERF_TYPE_HARDWARE;
	const char *names[2 * sizeof(events) / sizeof(events[0]) + 1], *best;
	size_t i, k = 0;

	sp->target = NULL;
	sp->func = sp->parts[0];
	if (!perf_event_find(type, sp->parts[0])) {
		for (i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
			if (events[i].type != type)
				continue;
			names[k++] = events[i].name;
			if (events[i].alias)
				names[k++] = events[i].alias;
		}
		names[k] = NULL;
		best = did_you_mean(sp->parts[0], names);
		if (best)
			snprintf(sp->hint, sizeof(sp->hint), "did you mean '%s'?", best);
		snprintf(sp->msg, sizeof(sp->msg), "unknown %s event '%s'", self->name, sp->parts[0]);
		return -EINVAL;
	}
	if (sp->nparts == 2 && (!*sp->parts[1] || !sp->number(sp->parts[1], &sp->rate) || !sp->rate)) {
		snprintf(sp->msg, sizeof(sp->msg), "invalid count '%s' in %s probe", sp->parts[1],
			 self->name);
		return -EINVAL;
	}
	return 0;
}

const struct provider provider_software = {
	.name = "software",
	.alias = "s",
	.min_parts = 1,
	.max_parts = 2,
	.usage = "software:EVENT[:COUNT]",
	.parse = perf_parse,
	.ctx_kind = PCTX_PERF,
	.prog_type = BPF_PROG_TYPE_PERF_EVENT,
	.list = perf_list,
	.attach = perf_probe_attach,
	.usable = perf_usable,
};

const struct provider provider_hardware = {
	.name = "hardware",
	.alias = "h",
	.min_parts = 1,
	.max_parts = 2,
	.usage = "hardware:EVENT[:COUNT]",
	.parse = perf_parse,
	.ctx_kind = PCTX_PERF,
	.prog_type = BPF_PROG_TYPE_PERF_EVENT,
	.list = perf_list,
	.attach = perf_probe_attach,
	.usable = perf_usable,
};
