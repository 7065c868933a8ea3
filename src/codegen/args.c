// SPDX-License-Identifier: GPL-2.0
/*
 * Arguments the provider places (struct arg_loc, probe/probe.h): a
 * register of the context, a constant, or user memory at base + index *
 * scale + disp.  USDT arguments come this way, one program per site, each
 * argument where the site's note says (%edi at one site, 8(%rax) at
 * another): with the places known at compile time each argument is one or
 * two loads, the verifier sees constant context offsets, and no spec map
 * has to be created and filled at run time.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "codegen/args.h"
#include "codegen/bpf/insn.h"
#include "util/log.h"

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

struct val cg_arg_at(struct pcg *p, const struct node *e, int i)
{
	struct compiled_program *cp = p->cg->cp;
	const struct cprog *prog = cp->nr_progs ? &cp->progs[cp->nr_progs - 1] : NULL;
	struct val v = { .t = e->type };
	struct arg_loc loc;
	char where[512];
	int r, idx, sh;

	v.reg = ir_vreg(&p->f);
	ir_mov_imm(&p->f, v.reg, 0);
	if (!prog || prog->nr_points != 1) {
		cg_error(p->cg, e->loc, "'%s' needs the probe to be compiled once per site", e->name);
		return v;
	}
	snprintf(where, sizeof(where), "%s:%u:%u", p->cg->o->source_name, e->loc.line, e->loc.col);
	if (p->prov->arg(p->prov, p->cg->env, where, &prog->points[0], i, &loc)) {
		if (!p->cg->err)
			p->cg->err = -EINVAL;	/* reported */
		return v;
	}
	switch (loc.kind) {
	case ARG_CTX:
		r = ctx_reg(p, loc.base);
		if (loc.shift)
			ir_alu64_imm(&p->f, BPF_RSH, r, loc.shift);
		break;
	case ARG_IMM:
		r = ir_vreg(&p->f);
		ir_ld_imm64(&p->f, r, (uint64_t)loc.disp);
		break;
	case ARG_USER_MEM:
		if (loc.base >= 0) {
			r = ctx_reg(p, loc.base);
		} else {
			r = ir_vreg(&p->f);
			ir_mov_imm(&p->f, r, 0);
		}
		add_imm64(p, r, loc.disp);
		if (loc.index >= 0) {
			idx = ctx_reg(p, loc.index);
			for (sh = 0; (1 << sh) < loc.scale && sh < 3; sh++)
				;
			if (sh)
				ir_alu64_imm(&p->f, BPF_LSH, idx, sh);
			ir_alu64_reg(&p->f, BPF_ADD, r, idx);
		}
		r = read_user(p, r, loc.size);
		break;
	default:
		cg_error(p->cg, e->loc, "'%s' is in a place scry cannot read", e->name);
		return v;
	}
	extend(p, r, loc.size, loc.sign);
	v.reg = r;
	return v;
}
