// SPDX-License-Identifier: GPL-2.0
/*
 * usdt:BIN:PROVIDER:NAME — the static probes of user space binaries, read
 * from their .note.stapsdt notes (src/sym/usdt.c).  "usdt:BIN:NAME" matches
 * NAME under any provider, as bpftrace does.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

#include "lang/env.h"
#include "mech/perf_event.h"
#include "probe/probe.h"
#include "probe/user_resolve.h"
#include "probe/user_target.h"
#include "sym/elf.h"
#include "sym/regs.h"
#include "sym/usdt.h"
#include "util/log.h"
#include "util/strbuf.h"

struct usdt_ctx {
	struct list_sink *sink;
	struct strbuf name, match, specs;
};

static int cmp_site(const void *a, const void *b)
{
	const struct usdt_probe *x = *(const struct usdt_probe *const *)a;
	const struct usdt_probe *y = *(const struct usdt_probe *const *)b;
	int d = strcmp(x->provider, y->provider);

	d = d ?: strcmp(x->name, y->name);
	/* Note order among the sites of one probe: the first one speaks for all. */
	return d ?: (x < y ? -1 : x > y);
}

static bool usdt_match(struct usdt_ctx *c, const struct list_query *q, const char *path,
		       const struct usdt_probe *p)
{
	char f[8];
	int nr = list_query_field(q, 0, f, sizeof(f));

	if (!q->pattern || !strchr(q->pattern, ':') || nr >= 4)
		return list_query_match(q, strbuf_str(&c->name));
	if (nr <= 2)
		return true;	/* the binary matched: every probe */
	strbuf_reset(&c->match);
	if (strbuf_addf(&c->match, "usdt:%s:%s", path, p->name))
		return false;
	return list_query_match(q, strbuf_str(&c->match));
}

static int emit_probe(struct usdt_ctx *c, const struct list_query *q, const char *path,
		      const struct usdt_probe *p)
{
	struct probe_arg args[USDT_MAX_ARGS];
	struct probe_entry e = { .available = true };
	static const char *const arg_names[USDT_MAX_ARGS] = {
		"arg0", "arg1", "arg2", "arg3", "arg4", "arg5",
		"arg6", "arg7", "arg8", "arg9", "arg10", "arg11",
	};
	size_t i;
	int err;

	strbuf_reset(&c->name);
	err = strbuf_addf(&c->name, "usdt:%s:%s:%s", path, p->provider, p->name);
	if (err)
		return err;
	if (!usdt_match(c, q, path, p))
		return 0;
	e.name = strbuf_str(&c->name);
	if (q->verbose) {
		/* The specs, each terminated in place in a copy of the arg string. */
		strbuf_reset(&c->specs);
		err = strbuf_add(&c->specs, p->arg_str, strlen(p->arg_str) + 1);
		if (err)
			return err;
		for (i = 0; i < p->nr_args; i++) {
			c->specs.buf[p->args[i].spec_off + p->args[i].spec_len] = '\0';
			/* a libscry-usdt object says "string" where the note says "8@" */
			args[i].type = usdt_declared_type(p, i) ?: usdt_arg_type(&p->args[i]);
			args[i].name = arg_names[i];
			args[i].spec = c->specs.buf + p->args[i].spec_off;
		}
		e.nr_args = p->nr_args;
		e.args = args;
		e.has_semaphore = p->semaphore != 0;
		e.semaphore = p->sema_offset;
	}
	return c->sink->emit(c->sink, &e);
}

static int list_binary(const char *path, const char *shown, const struct list_query *q,
		       void *arg)
{
	struct usdt_ctx *c = arg;
	struct usdt_list l = { 0 };
	const struct usdt_probe **order = NULL;
	struct elf_file *ef;
	size_t i;
	int err;

	err = user_binary_open(path, &ef);
	err = err ?: usdt_read(ef, &l);
	if (err || !l.nr)
		goto out;
	order = calloc(l.nr, sizeof(*order));
	if (!order) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < l.nr; i++)
		order[i] = &l.probes[i];
	qsort(order, l.nr, sizeof(*order), cmp_site);
	for (i = 0; !err && i < l.nr; i++) {
		if (i && !strcmp(order[i]->provider, order[i - 1]->provider) &&
		    !strcmp(order[i]->name, order[i - 1]->name))
			continue;
		err = emit_probe(c, q, shown, order[i]);
	}
out:
	free(order);
	usdt_list_release(&l);
	elf_file_close(ef);
	return err;
}

static int usdt_list(const struct provider *self, const struct list_query *q,
		     struct list_sink *sink)
{
	struct usdt_ctx c = { .sink = sink };
	int err;

	err = user_targets_for_each(self, q, list_binary, &c);
	strbuf_release(&c.name);
	strbuf_release(&c.match);
	strbuf_release(&c.specs);
	return err;
}

/*
 * One site: the code generator made pp one place of the probe (target the
 * binary's path, offset the FILE offset of its pc).  Its semaphore goes to
 * the kernel as ref_ctr_offset: the kernel raises it in every process that
 * maps the binary (now or later) while the event lives, and lowers it when
 * the event is closed, so nothing is left raised when scry exits.
 */
static int usdt_attach(const struct provider *self, const struct probe_point *pp, int prog_fd,
		       struct attachment *a)
{
	struct usdt_probe site;
	int pfd, err;

	err = user_usdt_site(pp->target, pp->offset, &site);
	if (err == -ENOENT)
		pr_err("usdt:%s:%s: no USDT site at offset 0x%llx any more", pp->target, pp->func,
		       (unsigned long long)pp->offset);
	if (err)
		return err;
	if (site.sema_offset > UINT32_MAX) {
		pr_err("usdt:%s:%s: the semaphore's offset 0x%llx does not fit the kernel's 32 bits",
		       pp->target, pp->func, (unsigned long long)site.sema_offset);
		return -ERANGE;
	}
	pfd = perf_uprobe_open(pp->target, pp->offset, false, (uint32_t)site.sema_offset,
			       pp->pid > 0 ? pp->pid : -1);
	return attachment_add_perf(a, pfd, prog_fd, pp->cookie);
}

static int usdt_expand(const struct provider *self, const struct lang_env *env,
		       const struct expand_req *r, int (*add)(void *arg, const struct probe_point *pp),
		       void *arg)
{
	return user_expand(self, env, r, true, false, add, arg);
}

/*
 * argN at the USDT site pp: where its note says (a register, a constant,
 * memory).  The pc-relative form needs its symbol: ip is the site at run
 * time, the note has its link-time address, and the difference (the load
 * bias) is the same for the symbol.
 */
static int usdt_arg(const struct provider *self, const struct lang_env *env, const char *where,
		    const struct probe_point *pp, int i, struct arg_loc *loc)
{
	const struct usdt_arg *a;
	struct usdt_probe site;
	uint64_t sym = 0;
	bool fixed;

	if (!env->usdt_site || env->usdt_site(env->ctx, pp->target, pp->offset, &site)) {
		pr_err("%s: cannot read the USDT note of '%s' at offset 0x%llx", where, pp->target,
		       (unsigned long long)pp->offset);
		return -EINVAL;
	}
	if (i < 0 || (size_t)i >= site.nr_args) {
		pr_err("%s: 'arg%d': usdt probe '%s' has %zu argument%s at this site", where, i,
		       pp->func, site.nr_args, site.nr_args == 1 ? "" : "s");
		return -EINVAL;
	}
	a = &site.args[i];
	*loc = (struct arg_loc){ .base = a->base, .index = a->index, .scale = a->scale,
				 .shift = a->reg_shift, .size = a->size, .sign = a->is_signed,
				 .disp = a->disp };
	switch (a->kind) {
	case USDT_ARG_REG:
		loc->kind = ARG_CTX;
		return 0;
	case USDT_ARG_IMM:
		loc->kind = ARG_IMM;
		return 0;
	case USDT_ARG_MEM:
		loc->kind = ARG_USER_MEM;
		return 0;
	case USDT_ARG_RIP:
		if (!a->sym[0]) {
			pr_err("%s: 'arg%d' of usdt probe '%s' is relative to the next instruction, "
			       "which scry cannot place", where, i, pp->func);
			return -EINVAL;
		}
		if (!env->user_sym || env->user_sym(env->ctx, pp->target, a->sym, &sym, &fixed)) {
			pr_err("%s: 'arg%d' of usdt probe '%s' is at symbol '%s', which '%s' does not "
			       "define", where, i, pp->func, a->sym, pp->target);
			return -EINVAL;
		}
		loc->kind = ARG_USER_MEM;
		loc->base = PT_IP;
		loc->index = -1;
		loc->disp = (int64_t)(sym - site.pc) + a->disp;
		return 0;
	default:
		pr_err("%s: 'arg%d' of usdt probe '%s' is in a place scry cannot read (argument "
		       "spec %d of the note)", where, i, pp->func, i);
		return -EINVAL;
	}
}

const struct provider provider_usdt = {
	.name = "usdt",
	.alias = "U",
	.min_parts = 2,
	.max_parts = 3,
	.wildcard = true,
	.usage = "usdt:BINARY:[PROVIDER:]PROBE",
	.ctx = CTX_ARGN | CTX_USER,
	.ctx_kind = PCTX_REGS,
	.flags = PF_ARGS_PER_SITE | PF_NEWEST_FIRST,
	.expand = usdt_expand,
	.arg = usdt_arg,
	.prog_type = BPF_PROG_TYPE_KPROBE,
	.list = usdt_list,
	.attach = usdt_attach,
};
