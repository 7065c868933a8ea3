// SPDX-License-Identifier: GPL-2.0
/*
 * From IR to BPF: liveness, linear-scan register allocation, spilling, and
 * emission through the instruction buffer.
 *
 * Positions are instruction indices.  A virtual register lives over
 * [first, last] occurrence, stretched over a loop it enters (a backward
 * jump).  Physical registers that the generator names (helper arguments,
 * call results, the context at entry) live from their definition to their
 * use; a call clobbers r0..r5.  A virtual register may share a physical
 * one with another interval that only touches it at an end (the last use of
 * one is the definition of the other, as in "mov v2, v1").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/ir.h"
#include "codegen/bpf/insn.h"
#include "util/log.h"

#define NR_PHYS 10	/* r0..r9; r10 is the frame pointer */

struct interval {
	int start, end;	/* -1 start: live at entry */
};

struct fixed {
	struct interval *v;	/* per physical register */
	size_t n, alloc;
};

struct ra {
	struct ir_func *f;
	int nv;
	struct interval *live;	/* per vreg; start > end: unused */
	int *reg;		/* per vreg: 0..9, or -1 spilled */
	int *slot;		/* per vreg: stack offset when spilled */
	struct fixed fixed[NR_PHYS];
	int *calls;		/* positions of calls */
	size_t nr_calls;
	int *label_pos;		/* per label: position */
	int *hint;		/* per vreg: a physical register it is copied from or to, or -1 */
};

/* What an instruction reads and writes. */
struct uses {
	int use[6], nuse;
	int def[6], ndef;
};

static void add(int *a, int *n, int r)
{
	if (r != IR_NOREG && r != BPF_REG_10)
		a[(*n)++] = r;
}

static void insn_uses(const struct ir_insn *i, struct uses *u)
{
	uint8_t cls = BPF_CLASS(i->code), op = BPF_OP(i->code);
	int k;

	u->nuse = u->ndef = 0;
	switch (i->kind) {
	case IR_LABEL:
		return;
	case IR_LD_IMM64:
	case IR_LD_MAP:
	case IR_LD_MAP_VALUE:
	case IR_LD_FUNC:
		add(u->def, &u->ndef, i->dst);
		return;
	case IR_CALL:
		for (k = 1; k <= i->nargs && k <= 5; k++)
			add(u->use, &u->nuse, k);
		for (k = 0; k <= 5; k++)
			add(u->def, &u->ndef, k);
		return;
	case IR_JUMP:
		if (op != BPF_JA) {
			add(u->use, &u->nuse, i->dst);
			if (BPF_SRC(i->code) == BPF_X)
				add(u->use, &u->nuse, i->src);
		}
		return;
	case IR_BPF:
		break;
	}
	if (cls == BPF_ALU || cls == BPF_ALU64) {
		if (op != BPF_MOV)
			add(u->use, &u->nuse, i->dst);
		if (BPF_SRC(i->code) == BPF_X && op != BPF_NEG && op != BPF_END)
			add(u->use, &u->nuse, i->src);
		add(u->def, &u->ndef, i->dst);
	} else if (cls == BPF_LDX) {
		add(u->use, &u->nuse, i->src);
		add(u->def, &u->ndef, i->dst);
	} else if (cls == BPF_STX) {
		add(u->use, &u->nuse, i->dst);
		add(u->use, &u->nuse, i->src);
		if (BPF_MODE(i->code) == BPF_ATOMIC) {
			if (i->imm == BPF_CMPXCHG) {
				add(u->use, &u->nuse, BPF_REG_0);
				add(u->def, &u->ndef, BPF_REG_0);
			} else if (i->imm & BPF_FETCH) {
				add(u->def, &u->ndef, i->src);
			}
		}
	} else if (cls == BPF_ST) {
		add(u->use, &u->nuse, i->dst);
	} else if (i->code == (BPF_JMP | BPF_EXIT)) {
		add(u->use, &u->nuse, BPF_REG_0);
	}
}

static int fixed_add(struct fixed *fx, int start, int end)
{
	if (fx->n == fx->alloc) {
		size_t na = fx->alloc ? fx->alloc * 2 : 16;
		struct interval *v = realloc(fx->v, na * sizeof(*v));

		if (!v)
			return -ENOMEM;
		fx->v = v;
		fx->alloc = na;
	}
	fx->v[fx->n++] = (struct interval){ start, end };
	return 0;
}

static bool overlaps(struct interval a, struct interval b)
{
	return a.start < b.end && b.start < a.end;
}

/* A virtual register occurs at p: its interval covers p. */
static void widen(struct interval *l, int p)
{
	if (p < l->start)
		l->start = p;
	if (p > l->end)
		l->end = p;
}

static int liveness(struct ra *ra)
{
	struct ir_func *f = ra->f;
	int last_def[NR_PHYS];
	size_t p;
	int k, err = 0;

	for (k = 0; k < NR_PHYS; k++)
		last_def[k] = -1;	/* r1 (ctx) is live at entry */
	for (k = 0; k < ra->nv; k++) {
		ra->live[k] = (struct interval){ .start = 1 << 30, .end = -1 };
		ra->hint[k] = -1;
	}
	/* "v = r0" after a call, "r1 = v" before one: v would like that register */
	for (p = 0; p < f->len; p++) {
		const struct ir_insn *i = &f->insns[p];

		if (i->kind != IR_BPF || i->code != (BPF_ALU64 | BPF_MOV | BPF_X))
			continue;
		if (i->dst >= IR_VREG0 && i->src >= 0 && i->src < NR_PHYS && ra->hint[i->dst - IR_VREG0] < 0)
			ra->hint[i->dst - IR_VREG0] = i->src;
		else if (i->src >= IR_VREG0 && i->dst >= 0 && i->dst < NR_PHYS)
			ra->hint[i->src - IR_VREG0] = i->dst;
	}
	for (p = 0; p < f->len && !err; p++) {
		const struct ir_insn *i = &f->insns[p];
		struct uses u;

		if (i->kind == IR_LABEL)
			ra->label_pos[i->label] = (int)p;
		if (i->kind == IR_CALL)
			ra->calls[ra->nr_calls++] = (int)p;
		insn_uses(i, &u);
		for (k = 0; k < u.nuse; k++) {
			int r = u.use[k];

			if (r >= IR_VREG0)
				widen(&ra->live[r - IR_VREG0], (int)p);
			else if (r < NR_PHYS)
				err = fixed_add(&ra->fixed[r], last_def[r], (int)p);
		}
		for (k = 0; k < u.ndef; k++) {
			int r = u.def[k];

			if (r >= IR_VREG0)
				widen(&ra->live[r - IR_VREG0], (int)p);
			else if (r < NR_PHYS)
				last_def[r] = (int)p;
		}
	}
	if (err)
		return err;
	/* A value live into a loop stays live until its back edge. */
	for (p = 0; p < f->len; p++) {
		const struct ir_insn *i = &f->insns[p];
		int target;

		if (i->kind != IR_JUMP || i->label < 0 || i->label >= f->nr_labels)
			continue;
		target = ra->label_pos[i->label];
		if (target < 0 || target > (int)p)
			continue;
		for (k = 0; k < ra->nv; k++) {
			struct interval *l = &ra->live[k];

			if (l->start < target && l->end >= target && l->end < (int)p)
				l->end = (int)p;
		}
	}
	return 0;
}

static bool crosses_call(const struct ra *ra, struct interval l)
{
	size_t c;

	for (c = 0; c < ra->nr_calls; c++)
		if (l.start < ra->calls[c] && ra->calls[c] < l.end)
			return true;
	return false;
}

static bool reg_free(const struct ra *ra, int reg, struct interval l, int upto_vreg)
{
	const struct fixed *fx = &ra->fixed[reg];
	size_t n;
	int v;

	for (n = 0; n < fx->n; n++)
		if (overlaps(l, fx->v[n]))
			return false;
	for (v = 0; v < upto_vreg; v++)
		if (ra->reg[v] == reg && overlaps(l, ra->live[v]))
			return false;
	return true;
}

static int allocate(struct ra *ra)
{
	/* Values that survive a call need a callee-saved register; others take a scratch one first. */
	static const int saved[] = { 6, 7, 8, 9 };
	static const int any[] = { 1, 2, 3, 4, 5, 0, 6, 7, 8, 9 };
	int *order, v, k;

	/* Allocate in order of start (vreg numbers are roughly that already; be exact). */
	order = malloc((size_t)ra->nv * sizeof(*order) + 1);
	if (!order)
		return -ENOMEM;
	for (v = 0; v < ra->nv; v++)
		ra->reg[v] = -2;	/* not yet */
	for (v = 0; v < ra->nv; v++) {
		struct interval l = ra->live[v];
		const int *cand = crosses_call(ra, l) ? saved : any;
		int nc = cand == saved ? 4 : 10, h = ra->hint[v];

		if (l.start > l.end) {
			ra->reg[v] = -3;	/* never used */
			continue;
		}
		ra->reg[v] = -1;
		/* A copy from or to a physical register costs nothing when both share it. */
		if (h >= 0 && (cand == any || h >= 6) && reg_free(ra, h, l, ra->nv)) {
			ra->reg[v] = h;
			continue;
		}
		for (k = 0; k < nc; k++) {
			if (reg_free(ra, cand[k], l, ra->nv)) {
				ra->reg[v] = cand[k];
				break;
			}
		}
		if (ra->reg[v] < 0) {
			if (ra->f->stack_max + 8 > IR_MAX_STACK) {
				free(order);
				return -E2BIG;
			}
			ra->f->stack_max += 8;
			ra->slot[v] = -ra->f->stack_max;
		}
	}
	free(order);
	return 0;
}

/* A physical register free at position p for a spill reload, other than avoid. */
static int scratch_at(const struct ra *ra, int p, int avoid)
{
	static const int order[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	struct interval at = { p - 1, p + 1 };	/* touches p from both sides */
	int k;

	for (k = 0; k < NR_PHYS; k++) {
		int r = order[k];

		if (r == avoid)
			continue;
		if (reg_free(ra, r, at, ra->nv))
			return r;
	}
	return -1;
}

static int phys(const struct ra *ra, int r)
{
	return r >= IR_VREG0 ? ra->reg[r - IR_VREG0] : r;
}

/* Emits one IR instruction with physical registers. */
static void emit(struct insn_buf *b, const struct ir_insn *i, int dst, int src, const int *labels,
		 const int *subs)
{
	switch (i->kind) {
	case IR_LABEL:
		insn_label_place(b, labels[i->label]);
		break;
	case IR_LD_IMM64:
		if (i->btf_var) {	/* vmlinux's variable: the second half's imm (BTF fd) is 0 */
			insn_raw(b, BPF_LD | BPF_DW | BPF_IMM, (uint8_t)dst, BPF_PSEUDO_BTF_ID, 0,
				 (int32_t)i->imm64);
			insn_raw(b, 0, 0, 0, 0, 0);
			break;
		}
		insn_ld_imm64(b, (uint8_t)dst, i->imm64);
		break;
	case IR_LD_MAP:
		insn_ld_map_idx(b, (uint8_t)dst, i->map_idx);
		break;
	case IR_LD_MAP_VALUE:
		insn_ld_map_idx_value(b, (uint8_t)dst, i->map_idx, i->map_off);
		break;
	case IR_LD_FUNC:
		insn_ld_func(b, (uint8_t)dst, subs[i->label]);
		break;
	case IR_CALL:
		if (i->kfunc)
			insn_raw(b, BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 0, i->imm);
		else
			insn_call(b, i->imm);
		break;
	case IR_JUMP:
		if (BPF_OP(i->code) == BPF_JA)
			insn_ja(b, labels[i->label]);
		else if (BPF_SRC(i->code) == BPF_X)
			insn_jmp_reg(b, BPF_OP(i->code), (uint8_t)dst, (uint8_t)src, labels[i->label]);
		else
			insn_jmp_imm(b, BPF_OP(i->code), (uint8_t)dst, i->imm, labels[i->label]);
		break;
	case IR_BPF:
		/* "mov rX, rX" after allocation is nothing (the 32-bit one zero-extends: kept) */
		if (i->code == (BPF_ALU64 | BPF_MOV | BPF_X) && dst == src)
			break;
		insn_raw(b, i->code, dst < 0 ? 0 : (uint8_t)dst, src < 0 ? 0 : (uint8_t)src, i->off,
			 i->imm);
		break;
	}
}

static int is_use(const struct uses *u, int r)
{
	int k;

	for (k = 0; k < u->nuse; k++)
		if (u->use[k] == r)
			return 1;
	return 0;
}

static int is_def(const struct uses *u, int r)
{
	int k;

	for (k = 0; k < u->ndef; k++)
		if (u->def[k] == r)
			return 1;
	return 0;
}

/* The source location of every emitted instruction slot, over all functions. */
struct locs {
	struct ir_loc *v;
	size_t n, alloc;
	bool want;
	uint32_t *funcs;	/* where each function starts, in emission order */
	size_t nr_funcs;
};

/* Emits f into b (after what is there); its subprograms' entries are the labels subs[]. */
static int lower(struct ra *ra, struct insn_buf *b, struct locs *lc, const int *subs)
{
	struct ir_func *f = ra->f;
	size_t p;
	int *labels, k, err = 0;

	labels = malloc(((size_t)f->nr_labels + 1) * sizeof(*labels));
	if (!labels)
		return -ENOMEM;
	for (k = 0; k < f->nr_labels; k++)
		labels[k] = insn_label_new(b);

	for (p = 0; p < f->len && !err; p++) {
		const struct ir_insn *i = &f->insns[p];
		int dst = phys(ra, i->dst), src = phys(ra, i->src);
		int sd = -1, ss = -1;
		struct uses u;

		insn_uses(i, &u);
		/* Spilled operands go through scratch registers. */
		if (i->dst >= IR_VREG0 && dst == -1) {
			sd = scratch_at(ra, (int)p, -1);
			if (sd < 0)
				goto nospace;
			if (is_use(&u, i->dst))
				insn_ldx(b, BPF_DW, (uint8_t)sd, BPF_REG_10, (int16_t)ra->slot[i->dst - IR_VREG0]);
			dst = sd;
		}
		if (i->src >= IR_VREG0 && src == -1) {
			if (i->src == i->dst) {
				ss = sd;
			} else {
				ss = scratch_at(ra, (int)p, sd);
				if (ss < 0)
					goto nospace;
				if (is_use(&u, i->src))
					insn_ldx(b, BPF_DW, (uint8_t)ss, BPF_REG_10,
						 (int16_t)ra->slot[i->src - IR_VREG0]);
			}
			src = ss;
		}
		emit(b, i, dst, src, labels, subs);
		if (sd >= 0 && is_def(&u, i->dst))
			insn_stx(b, BPF_DW, BPF_REG_10, (int16_t)ra->slot[i->dst - IR_VREG0], (uint8_t)sd);
		if (ss >= 0 && ss != sd && is_def(&u, i->src))
			insn_stx(b, BPF_DW, BPF_REG_10, (int16_t)ra->slot[i->src - IR_VREG0], (uint8_t)ss);

		if (lc->want) {
			size_t now = insn_pos(b);

			if (now > lc->alloc) {
				size_t na = lc->alloc ? lc->alloc * 2 : 256;
				struct ir_loc *nl;

				while (na < now)
					na *= 2;
				nl = realloc(lc->v, na * sizeof(*nl));
				if (!nl) {
					err = -ENOMEM;
					break;
				}
				lc->v = nl;
				lc->alloc = na;
			}
			for (; lc->n < now; lc->n++)
				lc->v[lc->n] = i->loc;
		}
	}
	free(labels);
	return err;
nospace:
	free(labels);
	pr_err("expression too complex: no register left at IR instruction %zu", p);
	return -ENOSPC;
}

/*
 * The verifier refuses instructions no path reaches (code after exit() or
 * return, say): drop them.  Labels stay (they emit nothing).
 */
static int drop_unreachable(struct ir_func *f)
{
	size_t *pos = malloc(((size_t)f->nr_labels + 1) * sizeof(*pos));
	bool *seen = calloc(f->len + 1, sizeof(*seen));
	size_t *work = malloc((f->len + 1) * sizeof(*work));
	size_t nw = 0, i, j;
	int err = -ENOMEM;

	if (!pos || !seen || !work)
		goto out;
	for (i = 0; i < (size_t)f->nr_labels; i++)
		pos[i] = f->len;
	for (i = 0; i < f->len; i++)
		if (f->insns[i].kind == IR_LABEL && f->insns[i].label >= 0 &&
		    f->insns[i].label < f->nr_labels)
			pos[f->insns[i].label] = i;
	if (f->len)
		work[nw++] = 0;
	while (nw) {
		const struct ir_insn *in;

		i = work[--nw];
		if (i >= f->len || seen[i])
			continue;
		seen[i] = true;
		in = &f->insns[i];
		if (in->kind == IR_JUMP && in->label >= 0 && in->label < f->nr_labels &&
		    pos[in->label] < f->len && !seen[pos[in->label]])
			work[nw++] = pos[in->label];
		if (in->kind == IR_JUMP && BPF_OP(in->code) == BPF_JA)
			continue;
		if (in->kind == IR_BPF && in->code == (BPF_JMP | BPF_EXIT))
			continue;
		if (i + 1 < f->len && !seen[i + 1])
			work[nw++] = i + 1;
	}
	for (i = j = 0; i < f->len; i++)
		if (seen[i] || f->insns[i].kind == IR_LABEL)
			f->insns[j++] = f->insns[i];
	f->len = j;
	err = 0;
out:
	free(pos);
	free(seen);
	free(work);
	return err;
}

/*
 * A virtual register that is written and never read is dead: drop the
 * instructions that only compute it (moves, ALU, loads), until none is left.
 * Calls and stores stay: they do something.
 */
static int drop_dead(struct ir_func *f)
{
	int *uses = calloc((size_t)f->nr_vregs + 1, sizeof(*uses));
	bool changed = true;
	size_t i, j;
	int k;

	if (!uses)
		return -ENOMEM;
	while (changed) {
		changed = false;
		memset(uses, 0, ((size_t)f->nr_vregs + 1) * sizeof(*uses));
		for (i = 0; i < f->len; i++) {
			struct uses u;

			insn_uses(&f->insns[i], &u);
			for (k = 0; k < u.nuse; k++)
				if (u.use[k] >= IR_VREG0)
					uses[u.use[k] - IR_VREG0]++;
		}
		for (i = j = 0; i < f->len; i++) {
			const struct ir_insn *in = &f->insns[i];
			uint8_t cls = BPF_CLASS(in->code);
			bool pure = (in->kind == IR_BPF && (cls == BPF_ALU || cls == BPF_ALU64 || cls == BPF_LDX)) ||
				    in->kind == IR_LD_IMM64 || in->kind == IR_LD_MAP || in->kind == IR_LD_MAP_VALUE;

			if (pure && in->dst >= IR_VREG0 && !uses[in->dst - IR_VREG0]) {
				changed = true;
				continue;
			}
			f->insns[j++] = *in;
		}
		f->len = j;
	}
	free(uses);
	return 0;
}

/* Lowers f, then each of its subprograms (recursively) after it, into b. */
static int lower_func(struct ir_func *f, struct insn_buf *b, struct locs *lc)
{
	struct ra ra = { .f = f, .nv = f->nr_vregs };
	int *subs = NULL;
	size_t s;
	int k, err;

	if (f->err)
		return f->err;
	{
		uint32_t *nf = realloc(lc->funcs, (lc->nr_funcs + 1) * sizeof(*nf));

		if (!nf)
			return -ENOMEM;
		lc->funcs = nf;
		nf[lc->nr_funcs++] = (uint32_t)insn_pos(b);
	}
	err = drop_unreachable(f);
	err = err ?: drop_dead(f);
	if (err)
		return err;
	ra.live = calloc((size_t)ra.nv + 1, sizeof(*ra.live));
	ra.reg = calloc((size_t)ra.nv + 1, sizeof(*ra.reg));
	ra.slot = calloc((size_t)ra.nv + 1, sizeof(*ra.slot));
	ra.calls = calloc(f->len + 1, sizeof(*ra.calls));
	ra.label_pos = malloc(((size_t)f->nr_labels + 1) * sizeof(*ra.label_pos));
	ra.hint = malloc(((size_t)ra.nv + 1) * sizeof(*ra.hint));
	err = -ENOMEM;
	if (!ra.live || !ra.reg || !ra.slot || !ra.calls || !ra.label_pos || !ra.hint)
		goto out;
	for (k = 0; k < f->nr_labels; k++)
		ra.label_pos[k] = -1;
	subs = malloc((f->nr_subs + 1) * sizeof(*subs));
	if (!subs)
		goto out;
	for (s = 0; s < f->nr_subs; s++)
		subs[s] = insn_label_new(b);
	err = liveness(&ra);
	err = err ?: allocate(&ra);
	if (err == -E2BIG)
		pr_err("the program needs more than %d bytes of BPF stack", IR_MAX_STACK);
	err = err ?: lower(&ra, b, lc, subs);
	for (s = 0; s < f->nr_subs && !err; s++) {
		insn_label_place(b, subs[s]);
		err = lower_func(&f->subs[s], b, lc);
	}
out:
	free(subs);
	for (k = 0; k < NR_PHYS; k++)
		free(ra.fixed[k].v);
	free(ra.live);
	free(ra.reg);
	free(ra.slot);
	free(ra.calls);
	free(ra.label_pos);
	free(ra.hint);
	return err;
}

int ir_lower_funcs(struct ir_func *f, struct insn_buf *out, struct ir_loc **locs,
		   uint32_t **funcs, size_t *nr_funcs)
{
	struct locs lc = { .want = locs != NULL };
	int err;

	if (locs)
		*locs = NULL;
	if (funcs)
		*funcs = NULL;
	if (nr_funcs)
		*nr_funcs = 0;
	err = lower_func(f, out, &lc);
	err = err ?: insn_buf_finish(out);
	if (err) {
		free(lc.v);
		free(lc.funcs);
		return err;
	}
	if (locs)
		*locs = lc.v;
	else
		free(lc.v);
	if (funcs && lc.nr_funcs > 1) {
		*funcs = lc.funcs;
		*nr_funcs = lc.nr_funcs;
	} else {
		free(lc.funcs);
	}
	return 0;
}

int ir_lower(struct ir_func *f, struct insn_buf *out, struct ir_loc **locs)
{
	return ir_lower_funcs(f, out, locs, NULL, NULL);
}
