// SPDX-License-Identifier: GPL-2.0
/*
 * Loops whose body runs as a callback subprogram: for ($kv : @m) through
 * bpf_for_each_map_elem, and for ($i : a..b) through bpf_loop when a bound
 * is not known at compile time (the verifier cannot bound such a loop).
 *
 * The callback has its own registers and frame.  What it needs from the
 * probe travels in a context struct on the probe's stack, whose address is
 * the callback's last argument (as bpftrace does it):
 *
 *	[0]	the probe's context pointer (args, argN, ... in the body)
 *	[8]	flags: LOOP_EXITED when exit() ran in the body
 *	[16]	bpf_loop: the range's start
 *	[24..]	every variable of the enclosing scope the body uses
 *
 * The callback copies those variables into its own frame at entry and back
 * at every return, and the probe reloads them after the call: the body reads
 * and writes them as if it ran inline.  break returns 1 (stop), continue
 * returns 0.
 *
 * A per-CPU aggregation's value is read from every CPU with
 * bpf_map_lookup_percpu_elem and added up (min/max/avg combined), so
 * $kv.1 is what printing the map shows, as in current bpftrace.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/gen.h"

#define CTX_PROBE 0
#define CTX_FLAGS 8
#define CTX_START 16
#define CTX_VARS 24
#define LOOP_EXITED 1

/* A variable of the enclosing scope that the body uses, and where it travels. */
struct capture {
	const struct var *outer;
	int off;		/* in the context struct */
	uint32_t size;
};

struct captures {
	struct capture *v;
	size_t n;
	int size;		/* of the context struct */
	int err;
};

bool cg_declared_in(const struct node *body, const void *sym)
{
	const struct node *k;

	if (!body)
		return false;
	if ((body->kind == N_LET || body->kind == N_FOR) && body->sym == sym)
		return true;
	if (cg_declared_in(body->x, sym) || cg_declared_in(body->l, sym) ||
	    cg_declared_in(body->r, sym))
		return true;
	for (k = body->kids; k; k = k->next)
		if (cg_declared_in(k, sym))
			return true;
	return false;
}

bool cg_for_is_callback(struct cg *cg, const struct node *s)
{
	int64_t v;

	if (s->kind != N_FOR || !s->x)
		return false;
	if (s->x->kind != N_RANGE)
		return true;
	return !cg_const(cg, s->x->l, &v) || !cg_const(cg, s->x->r, &v);
}

static uint32_t var_size(const struct var *v)
{
	return v->reg >= 0 ? 8 : cg_size(v->t);
}

/* The variables of p that body reads or writes without declaring them. */
static void capture_walk(struct pcg *p, const struct node *body, const struct node *n,
			 struct captures *c)
{
	const struct node *k;
	size_t i;

	if (!n || c->err)
		return;
	if (n->kind == N_VAR && n->sym && !cg_declared_in(body, n->sym)) {
		for (i = 0; i < c->n; i++)
			if (c->v[i].outer->sym == n->sym)
				break;
		for (size_t j = 0; i == c->n && j < p->nr_vars; j++) {
			struct capture *nv;

			if (p->vars[j].sym != n->sym)
				continue;
			nv = realloc(c->v, (c->n + 1) * sizeof(*nv));
			if (!nv) {
				c->err = -ENOMEM;
				return;
			}
			c->v = nv;
			nv[c->n] = (struct capture){ .outer = &p->vars[j], .off = c->size,
						     .size = var_size(&p->vars[j]) };
			c->size += (int)nv[c->n].size;
			c->n++;
			break;
		}
	}
	capture_walk(p, body, n->x, c);
	capture_walk(p, body, n->l, c);
	capture_walk(p, body, n->r, c);
	for (k = n->kids; k; k = k->next)
		capture_walk(p, body, k, c);
}

/* size bytes from base + off (base: a pointer register) to the frame at fp, or back when !in. */
static void copy_ptr(struct ir_func *f, int base, int off, int fp, uint32_t size, bool in)
{
	uint32_t i;
	int t = ir_vreg(f);

	for (i = 0; i + 8 <= size; i += 8) {
		if (in) {
			ir_ldx(f, BPF_DW, t, base, (int16_t)(off + (int)i));
			ir_stx(f, BPF_DW, BPF_REG_10, (int16_t)(fp + (int)i), t);
		} else {
			ir_ldx(f, BPF_DW, t, BPF_REG_10, (int16_t)(fp + (int)i));
			ir_stx(f, BPF_DW, base, (int16_t)(off + (int)i), t);
		}
	}
}

/* The variable v of frame f to or from the context struct at base (in: into the frame). */
static void var_travel(struct ir_func *f, const struct var *v, int base, int off, bool in)
{
	if (v->reg >= 0) {
		if (in)
			ir_ldx(f, BPF_DW, v->reg, base, (int16_t)off);
		else
			ir_stx(f, BPF_DW, base, (int16_t)off, v->reg);
		return;
	}
	copy_ptr(f, base, off, v->fp, cg_size(v->t), in);
}

/*
 * The value of a per-CPU aggregation at key (on cb's stack), combined over
 * every CPU: count/sum added, min/max of the CPUs that have one, avg the
 * total over the count.
 */
static int percpu_value(struct pcg *cb, int cm, int key_fp)
{
	struct ir_func *f = &cb->f;
	const struct cmap *m = &cb->cg->cp->maps[cm];
	int ncpu = cb->cg->env->ncpus_possible > 0 ? cb->cg->env->ncpus_possible : 1;
	int acc = ir_vreg(f), cnt = ir_vreg(f), have = ir_vreg(f), a[3], ptr, v, set, cpu;
	int done = ir_label_new(f);

	ir_mov_imm(f, acc, 0);
	ir_mov_imm(f, cnt, 0);
	ir_mov_imm(f, have, 0);
	for (cpu = 0; cpu < ncpu; cpu++) {
		int next = ir_label_new(f), take = ir_label_new(f);

		a[0] = ir_vreg(f);
		ir_ld_map(f, a[0], cg_map_ref(cb, cm));
		a[1] = cg_fp_addr(cb, key_fp);
		a[2] = ir_vreg(f);
		ir_mov_imm(f, a[2], cpu);
		ptr = cg_call(cb, BPF_FUNC_map_lookup_percpu_elem, 3, a);
		ir_jmp_imm(f, BPF_JEQ, ptr, 0, next);
		v = ir_vreg(f);
		ir_ldx(f, BPF_DW, v, ptr, 0);
		switch (m->kind) {
		case CMAP_MIN:
		case CMAP_MAX:
			set = ir_vreg(f);
			ir_ldx(f, BPF_DW, set, ptr, 8);
			ir_jmp_imm(f, BPF_JEQ, set, 0, next);
			ir_jmp_imm(f, BPF_JEQ, have, 0, take);
			ir_jmp_reg(f, m->kind == CMAP_MIN ? BPF_JSGE : BPF_JSLE, v, acc, next);
			ir_label(f, take);
			ir_mov(f, acc, v);
			ir_mov_imm(f, have, 1);
			break;
		case CMAP_AVG:
			set = ir_vreg(f);
			ir_ldx(f, BPF_DW, set, ptr, 8);
			ir_alu64_reg(f, BPF_ADD, acc, v);
			ir_alu64_reg(f, BPF_ADD, cnt, set);
			break;
		default:
			ir_alu64_reg(f, BPF_ADD, acc, v);
			break;
		}
		ir_label(f, next);
	}
	if (m->kind == CMAP_AVG) {
		ir_jmp_imm(f, BPF_JEQ, cnt, 0, done);
		ir_alu64_reg(f, BPF_DIV, acc, cnt);
	}
	ir_label(f, done);
	return acc;
}

/* $kv = (key, value) of the element at key/value pointers kptr/vptr. */
static void load_kv(struct pcg *cb, const struct node *s, int kptr, int vptr)
{
	struct ir_func *f = &cb->f;
	const struct map_info *mi = s->x->map;
	int cm = cg_map_index(cb->cg, mi);
	const struct cmap *m = &cb->cg->cp->maps[cm];
	struct var *kv = s->cast_type ? cg_var_get(cb, s->sym, s->cast_type) : NULL;
	uint32_t ks;

	if (!kv || kv->reg >= 0 || !kv->t || kv->t->kind != TY_TUPLE || kv->t->nfields != 2) {
		cg_error(cb->cg, s->loc, "'for' over %s: its elements have no (key, value) type", mi->name);
		return;
	}
	ks = cg_size(kv->t->fields[0].type);
	copy_ptr(f, kptr, 0, kv->fp, ks < m->key_size ? ks : m->key_size, true);
	if (m->kind == CMAP_VALUE) {
		uint32_t vs = cg_size(kv->t->fields[1].type);

		copy_ptr(f, vptr, 0, kv->fp + (int)ks, vs < m->value_size ? vs : m->value_size, true);
		return;
	}
	ir_stx(f, BPF_DW, BPF_REG_10, (int16_t)(kv->fp + (int)ks), percpu_value(cb, cm, kv->fp));
}

/*
 * Integer variable v of the callback cb from the context at cptr + off,
 * through bpf_probe_read_kernel(): the verifier then knows nothing of its
 * value.  An integer the body changes would otherwise be a different known
 * constant at every iteration; once the body or the probe branches on it,
 * the verifier has to tell the iterations apart and never sees the
 * callback's states repeat (the program becomes "too large").
 */
static void load_opaque(struct pcg *cb, const struct var *v, int cptr, int off)
{
	int fp = ir_stack(&cb->f, 8), a[3];

	a[0] = cg_fp_addr(cb, fp);
	a[1] = ir_vreg(&cb->f);
	ir_mov_imm(&cb->f, a[1], 8);
	a[2] = ir_vreg(&cb->f);
	ir_mov(&cb->f, a[2], cptr);
	ir_alu64_imm(&cb->f, BPF_ADD, a[2], off);
	cg_call(cb, BPF_FUNC_probe_read_kernel, 3, a);
	ir_ldx(&cb->f, BPF_DW, v->reg, BPF_REG_10, (int16_t)fp);
}

/* Does body assign the variable of symbol sym (=, op=, ++, --)? */
static bool var_written(const struct node *n, const void *sym)
{
	const struct node *k;

	if (!n)
		return false;
	if ((n->kind == N_ASSIGN || n->kind == N_INCDEC) && n->l && n->l->kind == N_VAR &&
	    n->l->sym == sym)
		return true;
	if (var_written(n->x, sym) || var_written(n->l, sym) || var_written(n->r, sym))
		return true;
	for (k = n->kids; k; k = k->next)
		if (var_written(k, sym))
			return true;
	return false;
}

/* The callback's way out: variables back to the context, r0 = ret. */
static void cb_return(struct pcg *cb, const struct captures *c, int cptr, int ret)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		const struct var *v = cg_var_get(cb, c->v[i].outer->sym, c->v[i].outer->t);

		if (v)
			var_travel(&cb->f, v, cptr, CTX_VARS + c->v[i].off, false);
	}
	ir_mov_imm(&cb->f, BPF_REG_0, ret);
	ir_exit(&cb->f);
}

/*
 * Builds the body of s as a callback into cb->f.  Arguments: for a map,
 * (map, key, value, ctx); for a range, (index, ctx).
 */
static void build_callback(struct pcg *p, struct pcg *cb, const struct node *s,
			   const struct captures *c)
{
	struct ir_func *f = &cb->f;
	bool range = s->x->kind == N_RANGE;
	int kptr = -1, vptr = -1, idx = -1, cptr = ir_vreg(f), next, stop, flags;
	size_t i;

	if (range) {
		idx = ir_vreg(f);
		ir_mov(f, idx, BPF_REG_1);
		ir_mov(f, cptr, BPF_REG_2);
	} else {
		kptr = ir_vreg(f);
		vptr = ir_vreg(f);
		ir_mov(f, kptr, BPF_REG_2);
		ir_mov(f, vptr, BPF_REG_3);
		ir_mov(f, cptr, BPF_REG_4);
	}
	cb->ctx = ir_vreg(f);
	ir_ldx(f, BPF_DW, cb->ctx, cptr, CTX_PROBE);
	/* the variables of the enclosing scope, then the body's own */
	for (i = 0; i < c->n; i++) {
		const struct var *o = c->v[i].outer;
		struct var *v = cg_var_get(cb, o->sym, o->t);

		if (!v)
			return;
		if (v->reg >= 0 && var_written(s->l, v->sym))
			load_opaque(cb, v, cptr, CTX_VARS + c->v[i].off);
		else
			var_travel(f, v, cptr, CTX_VARS + c->v[i].off, true);
	}
	if (range) {
		struct var *iv = cg_var_get(cb, s->sym, s->cast_type ? s->cast_type : s->x->type);
		int start = ir_vreg(f);

		if (!iv || iv->reg < 0) {
			cg_error(p->cg, s->loc, "a range's variable must be an integer");
			return;
		}
		ir_ldx(f, BPF_DW, start, cptr, CTX_START);
		ir_mov(f, iv->reg, idx);
		ir_alu64_reg(f, BPF_ADD, iv->reg, start);
	} else {
		load_kv(cb, s, kptr, vptr);
	}
	cg_declare_vars(cb, s->l);
	next = ir_label_new(f);
	stop = ir_label_new(f);
	cb->exit_label = ir_label_new(f);
	cb->loops[0].brk = stop;
	cb->loops[0].cont = next;
	cb->nr_loops = 1;
	cg_stmt(cb, s->l);
	ir_label(f, next);
	cb_return(cb, c, cptr, 0);
	ir_label(f, stop);
	cb_return(cb, c, cptr, 1);
	/* exit() in the body: stop here and tell the probe */
	ir_label(f, cb->exit_label);
	flags = ir_vreg(f);
	ir_mov_imm(f, flags, LOOP_EXITED);
	ir_stx(f, BPF_DW, cptr, CTX_FLAGS, flags);
	cb_return(cb, c, cptr, 1);
}

void cg_for_callback(struct pcg *p, const struct node *s)
{
	struct ir_func *f = &p->f;
	struct pcg cb = *p;
	struct captures c = { .size = 0 };
	bool range = s->x->kind == N_RANGE;
	int ctx_fp, sub, fn, a[4], flags, count = -1, start = -1, cm = -1;
	size_t i;

	if (!range) {
		const struct map_info *mi = s->x->map;
		const struct cmap *m;

		if (!mi) {
			cg_error(p->cg, s->x->loc, "'for' needs a map");
			return;
		}
		cm = cg_map_index(p->cg, mi);
		m = &p->cg->cp->maps[cm];
		if (m->kind == CMAP_HIST || m->kind == CMAP_LHIST || m->kind == CMAP_STATS) {
			cg_error(p->cg, s->x->loc, "a loop cannot iterate over %s: %s() maps hold "
				 "several values per key", mi->name,
				 m->kind == CMAP_HIST ? "hist" : m->kind == CMAP_LHIST ? "lhist" : "stats");
			return;
		}
	} else {
		/* the bounds, once, in the probe: count = end > start ? end - start : 0 */
		struct val from = cg_expr(p, s->x->l), to = cg_expr(p, s->x->r);
		int zero = ir_label_new(f);

		start = from.reg;
		count = ir_vreg(f);
		ir_mov_imm(f, count, 0);
		ir_jmp_reg(f, BPF_JSGE, start, to.reg, zero);
		ir_mov(f, count, to.reg);
		ir_alu64_reg(f, BPF_SUB, count, start);
		ir_label(f, zero);
	}
	capture_walk(p, s, s->l, &c);
	if (c.err) {
		p->cg->err = c.err;
		free(c.v);
		return;
	}
	/* the callback: its own function, frame and variables */
	cb.f = (struct ir_func)IR_FUNC_INIT;
	cb.f.loc = f->loc;
	cb.vars = NULL;
	cb.nr_vars = 0;
	cb.root = p->root ? p->root : p;
	cb.map_idx = NULL;
	cb.nr_map_idx = 0;
	build_callback(p, &cb, s, &c);
	if (!p->cg->err && cb.f.err == -E2BIG)
		cg_error(p->cg, s->loc, "the body of this loop needs more than 512 bytes of BPF stack");
	sub = ir_sub_add(f, &cb.f);
	free(cb.vars);
	if (sub < 0 || p->cg->err) {
		free(c.v);
		return;
	}

	/* the context struct, the call, and the variables back */
	ctx_fp = cg_stack_zeroed(p, (uint32_t)(CTX_VARS + c.size));
	ir_stx(f, BPF_DW, BPF_REG_10, (int16_t)(ctx_fp + CTX_PROBE), p->ctx);
	if (range)
		ir_stx(f, BPF_DW, BPF_REG_10, (int16_t)(ctx_fp + CTX_START), start);
	for (i = 0; i < c.n; i++)
		var_travel(f, c.v[i].outer, BPF_REG_10, ctx_fp + CTX_VARS + c.v[i].off, false);
	fn = ir_vreg(f);
	a[3] = ir_vreg(f);
	if (range) {
		/*
		 * No iteration: no call, and no reference to the callback either.
		 * When the verifier knows the count is 0 it never visits the
		 * callback and removes it: a load of its address left behind
		 * would point at nothing.
		 */
		int none = ir_label_new(f);

		ir_jmp_imm(f, BPF_JEQ, count, 0, none);
		ir_ld_func(f, fn, sub);
		ir_mov_imm(f, a[3], 0);
		a[0] = count;
		a[1] = fn;
		a[2] = cg_fp_addr(p, ctx_fp);
		cg_call(p, BPF_FUNC_loop, 4, a);
		ir_label(f, none);
	} else {
		ir_ld_func(f, fn, sub);
		ir_mov_imm(f, a[3], 0);
		a[0] = ir_vreg(f);
		ir_ld_map(f, a[0], cg_map_ref(p, cm));
		a[1] = fn;
		a[2] = cg_fp_addr(p, ctx_fp);
		cg_call(p, BPF_FUNC_for_each_map_elem, 4, a);
	}
	for (i = 0; i < c.n; i++)
		var_travel(f, c.v[i].outer, BPF_REG_10, ctx_fp + CTX_VARS + c.v[i].off, true);
	flags = ir_vreg(f);
	ir_ldx(f, BPF_DW, flags, BPF_REG_10, (int16_t)(ctx_fp + CTX_FLAGS));
	ir_jmp_imm(f, BPF_JSET, flags, LOOP_EXITED, p->exit_label);
	free(c.v);
}
