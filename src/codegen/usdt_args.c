// SPDX-License-Identifier: GPL-2.0
/*
 * User space probes in the code generator.  uprobe/usdt points are resolved
 * here, at compile time, so that a missing binary or function is reported
 * with its place in the script before anything is loaded, and so that each
 * USDT site can get a program of its own.
 *
 * Why one program per USDT site (rather than one program, attach cookies
 * and a table of argument specs): the sites of one probe may keep an
 * argument in different places (%edi at one, 8(%rax) at another).  With the
 * specs known at compile time each argument is one or two loads, the
 * verifier sees constant pt_regs offsets, and no spec map has to be created
 * and filled at run time.  Probes have few sites, so the cost is a few more
 * programs to load.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "codegen/usdt_args.h"
#include "codegen/bpf/insn.h"
#include "mech/features.h"
#include "probe/user_resolve.h"
#include "sym/regs.h"
#include "util/log.h"


bool cg_user_provider(const char *provider)
{
	return !strcmp(provider, "uprobe") || !strcmp(provider, "uretprobe") ||
	       !strcmp(provider, "usdt");
}

int cg_user_sites(struct cg *cg, const struct node *a, struct user_sites *sites)
{
	const struct attach *at = a->attach;
	char where[512];
	int err;

	snprintf(where, sizeof(where), "%s:%u:%u", cg->o->source_name, a->loc.line, a->loc.col);
	if (!at->target || !at->func) {
		pr_err("%s: %s probes need a binary and a %s", where, at->provider,
		       strcmp(at->provider, "usdt") ? "function" : "probe name");
		err = -EINVAL;
	} else if (!strcmp(at->provider, "usdt")) {
		err = cg->env->usdt_sites ? cg->env->usdt_sites(cg->env->ctx, where, at->target, at->func,
								cg->o->pid, sites) : -ENOSYS;
	} else {
		err = cg->env->uprobe_sites ? cg->env->uprobe_sites(cg->env->ctx, where, at->target,
								    at->func, at->offset, cg->o->pid,
								    sites) : -ENOSYS;
	}
	if (err == -ENOSYS)
		pr_err("%s: user space binaries cannot be read here", where);
	if (err && !cg->err)
		cg->err = err == -ENOMEM ? err : -EINVAL;	/* reported above */
	return err;
}

bool cg_user_multi(struct cg *cg, const struct attach *at, bool per_point)
{
	return !per_point && strcmp(at->provider, "usdt") && user_is_glob(at->func) &&
	       env_feature(cg->env, FEAT_UPROBE_MULTI);
}

/* r0 = helper(args...) into a fresh register. */
static int helper(struct pcg *p, int fn, int nargs, const int *args)
{
	int k, r = ir_vreg(&p->f);

	for (k = 0; k < nargs; k++)
		ir_mov(&p->f, BPF_REG_1 + k, args[k]);
	ir_call(&p->f, fn, nargs);
	ir_mov(&p->f, r, BPF_REG_0);
	return r;
}

static void extend(struct pcg *p, int r, unsigned int size, bool sign)
{
	int sh = 64 - 8 * (int)size;

	if (size >= 8 || !size)
		return;
	ir_alu64_imm(&p->f, BPF_LSH, r, sh);
	ir_alu64_imm(&p->f, sign ? BPF_ARSH : BPF_RSH, r, sh);
}

static void add_imm64(struct pcg *p, int r, int64_t v)
{
	int t;

	if (v >= INT32_MIN && v <= INT32_MAX) {
		if (v)
			ir_alu64_imm(&p->f, BPF_ADD, r, (int32_t)v);
		return;
	}
	t = ir_vreg(&p->f);
	ir_ld_imm64(&p->f, t, (uint64_t)v);
	ir_alu64_reg(&p->f, BPF_ADD, r, t);
}

/* The value of size bytes at user address addr (0 when it cannot be read). */
static int read_user(struct pcg *p, int addr, unsigned int size)
{
	int fp = cg_stack_zeroed(p, 8), a[3], r = ir_vreg(&p->f);

	a[0] = ir_vreg(&p->f);
	ir_mov(&p->f, a[0], BPF_REG_10);
	ir_alu64_imm(&p->f, BPF_ADD, a[0], fp);
	a[1] = ir_vreg(&p->f);
	ir_mov_imm(&p->f, a[1], (int32_t)size);
	a[2] = addr;
	helper(p, BPF_FUNC_probe_read_user, 3, a);
	ir_ldx(&p->f, size == 1 ? BPF_B : size == 2 ? BPF_H : size == 4 ? BPF_W : BPF_DW, r,
	       BPF_REG_10, (int16_t)fp);
	return r;
}

static int ctx_reg(struct pcg *p, int16_t off)
{
	int r = ir_vreg(&p->f);

	ir_ldx(&p->f, BPF_DW, r, p->ctx, off);
	return r;
}

struct val cg_usdt_arg(struct pcg *p, const struct node *e, int i)
{
	struct compiled_program *cp = p->cg->cp;
	const struct lang_env *env = p->cg->env;
	bool fixed;
	const struct cprog *prog = cp->nr_progs ? &cp->progs[cp->nr_progs - 1] : NULL;
	const struct probe_point *pp;
	const struct usdt_arg *arg;
	struct usdt_probe site;
	struct val v = { .t = e->type };
	int r, idx, sh;
	uint64_t sym = 0;

	v.reg = ir_vreg(&p->f);
	ir_mov_imm(&p->f, v.reg, 0);
	if (!prog || prog->nr_points != 1) {
		cg_error(p->cg, e->loc, "'%s' needs the probe to be compiled once per USDT site", e->name);
		return v;
	}
	pp = &prog->points[0];
	if (!env->usdt_site || env->usdt_site(env->ctx, pp->target, pp->offset, &site)) {
		cg_error(p->cg, e->loc, "cannot read the USDT note of '%s' at offset 0x%llx", pp->target,
			 (unsigned long long)pp->offset);
		return v;
	}
	if (i < 0 || (size_t)i >= site.nr_args) {
		cg_error(p->cg, e->loc, "'%s': usdt probe '%s' has %zu argument%s at this site", e->name,
			 pp->func, site.nr_args, site.nr_args == 1 ? "" : "s");
		return v;
	}
	arg = &site.args[i];
	if (arg->kind == USDT_ARG_RIP && arg->sym[0] &&
	    (!env->user_sym || env->user_sym(env->ctx, pp->target, arg->sym, &sym, &fixed))) {
		cg_error(p->cg, e->loc, "'%s' of usdt probe '%s' is at symbol '%s', which '%s' does "
			 "not define", e->name, pp->func, arg->sym, pp->target);
		return v;
	}
	switch (arg->kind) {
	case USDT_ARG_REG:
		r = ctx_reg(p, arg->base);
		if (arg->reg_shift)
			ir_alu64_imm(&p->f, BPF_RSH, r, arg->reg_shift);
		break;
	case USDT_ARG_IMM:
		r = ir_vreg(&p->f);
		ir_ld_imm64(&p->f, r, (uint64_t)arg->disp);
		break;
	case USDT_ARG_MEM:
		if (arg->base >= 0) {
			r = ctx_reg(p, arg->base);
		} else {
			r = ir_vreg(&p->f);
			ir_mov_imm(&p->f, r, 0);
		}
		add_imm64(p, r, arg->disp);
		if (arg->index >= 0) {
			idx = ctx_reg(p, arg->index);
			for (sh = 0; (1 << sh) < arg->scale && sh < 3; sh++)
				;
			if (sh)
				ir_alu64_imm(&p->f, BPF_LSH, idx, sh);
			ir_alu64_reg(&p->f, BPF_ADD, r, idx);
		}
		r = read_user(p, r, arg->size);
		break;
	case USDT_ARG_RIP:
		if (!arg->sym[0]) {
			cg_error(p->cg, e->loc, "'%s' of usdt probe '%s' is relative to the next "
				 "instruction, which scry cannot place", e->name, pp->func);
			return v;
		}
		/* ip is the site at run time; the note has its link-time address: the difference
		 * is the load bias, the same for the symbol. */
		r = ctx_reg(p, PT_IP);
		add_imm64(p, r, (int64_t)(sym - site.pc));
		add_imm64(p, r, arg->disp);
		r = read_user(p, r, arg->size);
		break;
	default:
		cg_error(p->cg, e->loc, "'%s' of usdt probe '%s' is in a place scry cannot read "
			 "(argument spec %u of the note)", e->name, pp->func, (unsigned)i);
		return v;
	}
	extend(p, r, arg->size, arg->is_signed);
	v.reg = r;
	return v;
}
