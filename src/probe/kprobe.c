// SPDX-License-Identifier: GPL-2.0
/*
 * kprobe:FUNC[+OFF], kretprobe:FUNC — dynamic probes on kernel functions.
 * Needs CONFIG_KPROBES: the kprobe PMU or tracefs kprobe_events.
 */
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <linux/bpf.h>

#include "lang/env.h"
#include "mech/features.h"
#include "mech/perf_event.h"
#include "mech/tracefs.h"
#include "probe/kfunc_list.h"
#include "sym/kallsyms.h"
#include "util/log.h"
#include "util/strbuf.h"

struct kfunc_ctx {
	const char *prefix;
	const struct list_query *q;
	struct list_sink *sink;
	struct probe_entry e;
	char name[512];
};

static int kfunc_emit(struct kfunc_ctx *c, const char *func)
{
	if (snprintf(c->name, sizeof(c->name), "%s:%s", c->prefix, func) >= (int)sizeof(c->name))
		return 0;
	if (!list_query_match(c->q, c->name))
		return 0;
	c->e.name = c->name;
	return c->sink->emit(c->sink, &c->e);
}

static int kallsyms_one(uint64_t addr, char type, const char *name, const char *module, void *arg)
{
	if (type != 't' && type != 'T')
		return 0;
	/* JIT-ed BPF programs and the compiler's function padding are not functions to probe. */
	if (!strcmp(module, "bpf") || !strncmp(name, "__pfx_", 6))
		return 0;
	return kfunc_emit(arg, name);
}

/* available_filter_functions: "name" or "name [module]" a line. */
static int from_filter_functions(struct kfunc_ctx *c)
{
	struct strbuf sb = STRBUF_INIT;
	char path[PATH_MAX], *line, *next;
	int err;

	err = tracefs_path(path, sizeof(path), "available_filter_functions");
	err = err ?: strbuf_read_file(&sb, path, 256 << 20);
	for (line = sb.buf; !err && line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		line[strcspn(line, " \t")] = '\0';
		if (*line)
			err = kfunc_emit(c, line);
	}
	strbuf_release(&sb);
	return err;
}

int kfunc_list_kallsyms(const char *prefix, const struct list_query *q, struct list_sink *sink,
			bool available, const char *reason)
{
	struct kfunc_ctx c = {
		.prefix = prefix,
		.q = q,
		.sink = sink,
		.e = { .available = available, .reason = reason },
	};
	int err;

	err = from_filter_functions(&c);
	if (err == -EACCES || err == -EPERM || err == -ENOENT)
		err = kallsyms_for_each(kallsyms_one, &c);
	return err == -EACCES || err == -EPERM || err == -ENOENT ? 0 : err;
}

bool list_query_names(const struct list_query *q, const struct provider *p)
{
	char f[64];

	if (!q->pattern || !strchr(q->pattern, ':'))
		return false;
	list_query_field(q, 0, f, sizeof(f));
	return provider_find(f) == p;
}

static int kprobe_list(const struct provider *self, const struct list_query *q,
		       struct list_sink *sink)
{
	const struct feature *f = feature_get(FEAT_KPROBE);

	if (!strcmp(self->name, "kretprobe") && !list_query_names(q, self))
		return 0;
	return kfunc_list_kallsyms(self->name, q, sink, f->ok, f->ok ? NULL : f->detail);
}

static int kprobe_usable(const struct provider *self, char *why, size_t len)
{
	const struct feature *f = feature_get(FEAT_KPROBE);

	if (f->ok)
		return 0;
	snprintf(why, len, "%s probes cannot be used on this kernel (%s): use a tracepoint instead "
	       "(scry -l 'tracepoint:*')", self->name, f->detail);
	return -EOPNOTSUPP;
}

static int kprobe_attach(const struct provider *self, const struct probe_point *pp, int prog_fd,
			 struct attachment *a)
{
	bool ret = !strcmp(self->name, "kretprobe");
	int pfd;

	pfd = perf_kprobe_open(pp->func, pp->offset, ret);
	return attachment_add_perf(a, pfd, prog_fd, pp->cookie);
}

struct kfunc_points {
	struct list_sink sink;
	const char *provider;
	int (*add)(void *arg, const struct probe_point *pp);
	void *arg;
	size_t nr;
};

/* A listed "kprobe:FUNC" becomes a point. */
static int kfunc_point(struct list_sink *sink, const struct probe_entry *e)
{
	struct kfunc_points *kp = (struct kfunc_points *)sink;
	const char *func = strchr(e->name, ':');
	struct probe_point pp = { .provider = kp->provider };

	if (!func)
		return 0;
	pp.func = func + 1;
	kp->nr++;
	return kp->add(kp->arg, &pp);
}

/* kprobe:vfs_*: the kernel functions the environment lists, one point each. */
static int kprobe_expand(const struct provider *self, const struct lang_env *env,
			 const struct expand_req *r, int (*add)(void *arg, const struct probe_point *pp),
			 void *arg)
{
	struct probe_point pp = { .provider = self->name, .target = r->target, .func = r->func,
				  .offset = r->offset };
	struct kfunc_points kp = { .sink = { .emit = kfunc_point }, .provider = self->name,
				   .add = add, .arg = arg };
	struct list_query q = { .pattern = NULL };
	char pattern[512];
	int err;

	if (!probe_is_glob(r->func) && !probe_is_glob(r->target))
		return add(arg, &pp);
	if (probe_is_glob(r->target)) {
		pr_err("%s: wildcards in kernel module names are not supported by scry yet", r->where);
		return -EINVAL;
	}
	snprintf(pattern, sizeof(pattern), "%s:%s", self->name, r->func);
	q.pattern = pattern;
	err = env->kernel_funcs ? env->kernel_funcs(env->ctx, self->name, &q, &kp.sink) : 0;
	if (err)
		return err;
	return kp.nr ? 0 : -ESRCH;	/* the caller says so, or skips it in a list */
}

const struct provider provider_kprobe = {
	.name = "kprobe",
	.alias = "k",
	.min_parts = 1,
	.max_parts = 2,
	.offset = true,
	.wildcard = true,
	.usage = "kprobe:[MODULE:]FUNCTION[+OFFSET]",
	.ctx = CTX_ARGN | CTX_FUNC | CTX_KPROBE | CTX_FUNC_IP,
	.ctx_kind = PCTX_REGS,
	.expand = kprobe_expand,
	.prog_type = BPF_PROG_TYPE_KPROBE,
	.list = kprobe_list,
	.attach = kprobe_attach,
	.usable = kprobe_usable,
};

const struct provider provider_kretprobe = {
	.name = "kretprobe",
	.alias = "kr",
	.min_parts = 1,
	.max_parts = 2,
	.wildcard = true,
	.usage = "kretprobe:[MODULE:]FUNCTION",
	.ctx = CTX_RETVAL | CTX_FUNC,
	.ctx_kind = PCTX_REGS,
	.expand = kprobe_expand,
	.prog_type = BPF_PROG_TYPE_KPROBE,
	.list = kprobe_list,
	.attach = kprobe_attach,
	.usable = kprobe_usable,
};
