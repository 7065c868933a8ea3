// SPDX-License-Identifier: GPL-2.0
/*
 * Maps: their layout (key, value, kind) from the checker's map table, and
 * the code that reads, updates, aggregates and deletes.
 *
 * Aggregations live in per-CPU hashes, updated without atomics; user space
 * adds the CPUs up.  hist() and lhist() keep one element per (key, bucket),
 * as bpftrace does.  An element is created zeroed on first use, then
 * updated in place.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/gen.h"
#include "out/maps.h"
#include "out/stack.h"

#define MAP_MAX_ENTRIES 4096	/* bpftrace's default number of keys */
/*
 * The event ring buffer: roomy when the program prints as it goes, small
 * when only exit() and print()/clear() requests travel (its pages count in
 * scry's RSS, and making them is most of the start-up's map creation: 0.25
 * ms for 1 MiB).  BPFTRACE_PERF_RB_PAGES, pages per CPU as for bpftrace,
 * overrides it; the default is bpftrace's 64 pages per CPU.
 */
#define RINGBUF_PAGES_PER_CPU 64
#define RINGBUF_QUIET (1u << 14)

/* Keys per map: bpftrace's default, or BPFTRACE_MAP_KEYS_MAX (from the environment) as for bpftrace. */
static uint32_t map_keys_max(const struct lang_env *env)
{
	return env->map_keys_max && env->map_keys_max <= (1u << 30) ? env->map_keys_max : MAP_MAX_ENTRIES;
}

static uint32_t ringbuf_size(const struct lang_env *env, const struct node *ast)
{
	uint64_t want, size = 4096, ncpu = env->ncpus_possible > 0 ? (uint64_t)env->ncpus_possible : 1;

	if (env->perf_rb_pages)
		want = env->perf_rb_pages * 4096 * ncpu;
	else if (cg_uses(ast, -1, "printf") || cg_uses(ast, -1, "time") || cg_uses(ast, -1, "print") ||
		 cg_uses(ast, -1, "join"))
		want = RINGBUF_PAGES_PER_CPU * 4096 * ncpu;
	else
		return RINGBUF_QUIET;
	while (size < want && size < (1u << 30))
		size <<= 1;
	return (uint32_t)size;
}

int cg_map_index(struct cg *cg, const struct map_info *mi)
{
	size_t i;

	for (i = 0; i < cg->cp->nr_maps; i++)
		if (cg->minfo[i] == mi)
			return (int)i;
	return 0;
}

static enum cmap_kind kind_of(const struct type *v)
{
	if (!v || v->kind != TY_AGG)
		return CMAP_VALUE;
	switch (v->agg) {
	case AGG_COUNT: return CMAP_COUNT;
	case AGG_SUM: return CMAP_SUM;
	case AGG_MIN: return CMAP_MIN;
	case AGG_MAX: return CMAP_MAX;
	case AGG_AVG: return CMAP_AVG;
	case AGG_STATS: return CMAP_STATS;
	case AGG_HIST: return CMAP_HIST;
	case AGG_LHIST: return CMAP_LHIST;
	default: return CMAP_VALUE;
	}
}

/* The arguments of the lhist() stored into mi, and whether its sum/min/max values are signed. */
static void scan_calls(struct cg *cg, const struct node *n, const struct map_info *mi,
		       struct cmap *m, bool *found)
{
	const struct node *k;

	if (!n)
		return;
	if (n->kind == N_ASSIGN && n->l && n->l->kind == N_MAP && n->l->map == mi && n->r &&
	    n->r->kind == N_CALL) {
		const struct node *a0 = n->r->kids;

		if (!strcmp(n->r->name, "lhist") && !*found && a0 && a0->next && a0->next->next &&
		    a0->next->next->next) {
			cg_const(cg, a0->next, &m->lmin);
			cg_const(cg, a0->next->next, &m->lmax);
			cg_const(cg, a0->next->next->next, &m->lstep);
			*found = true;
		}
		if (a0 && a0->type && a0->type->kind == TY_INT && a0->type->sign)
			m->value.sign = true;
	}
	scan_calls(cg, n->x, mi, m, found);
	scan_calls(cg, n->l, mi, m, found);
	scan_calls(cg, n->r, mi, m, found);
	for (k = n->kids; k; k = k->next)
		scan_calls(cg, k, mi, m, found);
}

static int add_map(struct cg *cg, const struct map_info *mi, struct cmap **out)
{
	struct compiled_program *cp = cg->cp;
	struct cmap *n = realloc(cp->maps, (cp->nr_maps + 1) * sizeof(*n));
	const struct map_info **mn;

	if (!n)
		return -ENOMEM;
	cp->maps = n;
	mn = realloc(cg->minfo, (cp->nr_maps + 1) * sizeof(*mn));
	if (!mn)
		return -ENOMEM;
	cg->minfo = mn;
	cg->minfo[cp->nr_maps] = mi;
	*out = &cp->maps[cp->nr_maps++];
	memset(*out, 0, sizeof(**out));
	return 0;
}

/* A map of scry's own (not printed: its name has no '@'); *index gets its cmap index. */
static int add_internal(struct cg *cg, const char *name, enum bpf_map_type type, uint32_t key,
			uint32_t value, uint32_t entries, int *index)
{
	struct cmap *m;
	int err = add_map(cg, NULL, &m);

	if (err)
		return err;
	m->name = strdup(name);
	m->type = type;
	m->key_size = key;
	m->value_size = value;
	m->max_entries = entries;
	*index = (int)cg->cp->nr_maps - 1;
	return m->name ? 0 : -ENOMEM;
}

int cg_map_internal(struct cg *cg, const char *name, enum bpf_map_type type, uint32_t key,
		    uint32_t value, uint32_t entries, int *index)
{
	return add_internal(cg, name, type, key, value, entries, index);
}

int cg_maps_create(struct cg *cg)
{
	const struct map_info *mi;
	struct cmap *m;
	int err;

	for (mi = cg->lp->maps; mi; mi = mi->next) {
		bool found = false;

		err = add_map(cg, mi, &m);
		if (err)
			return err;
		m->name = strdup(mi->name);
		if (!m->name)
			return -ENOMEM;
		m->kind = kind_of(mi->value);
		m->has_keys = mi->key != NULL;
		m->max_entries = mi->key ? map_keys_max(cg->env) : 1;
		/* a map without keys has the constant key 0; a histogram's is just its bucket */
		m->key_size = mi->key ? cg_size(mi->key) :
			      kind_of(mi->value) == CMAP_HIST || kind_of(mi->value) == CMAP_LHIST ? 0 : 8;
		if (mi->key && cg_vtype(mi->key, &m->key))
			return -ENOMEM;
		switch (m->kind) {
		case CMAP_VALUE:
			m->type = BPF_MAP_TYPE_HASH;
			m->value_size = cg_size(mi->value);
			if (cg_vtype(mi->value, &m->value))
				return -ENOMEM;
			break;
		case CMAP_COUNT:
		case CMAP_SUM:
			m->type = BPF_MAP_TYPE_PERCPU_HASH;
			m->value_size = 8;
			break;
		case CMAP_MIN:
		case CMAP_MAX:
		case CMAP_AVG:
		case CMAP_STATS:
			m->type = BPF_MAP_TYPE_PERCPU_HASH;
			m->value_size = 16;
			break;
		case CMAP_HIST:
		case CMAP_LHIST:
			m->type = BPF_MAP_TYPE_PERCPU_HASH;
			/* serve's histograms also keep the values' sum (Prometheus's _sum) */
			m->hist_sum = cg->o->hist_sum;
			m->value_size = m->hist_sum ? 16 : 8;
			m->key_size += 8;
			m->max_entries = map_keys_max(cg->env) * 4;
			break;
		}
		if (mi->decl_type) {	/* let @m = lruhash(N)...: checked by sema */
			m->type = mi->decl_type;
			m->max_entries = mi->decl_entries *
					 (m->kind == CMAP_HIST || m->kind == CMAP_LHIST ? 4 : 1);
		}
		scan_calls(cg, cg->lp->ast, mi, m, &found);
		if (m->kind == CMAP_LHIST && (!found || m->lstep <= 0 || m->lmax <= m->lmin)) {
			cg_error(cg, mi->first, "lhist() for %s needs constant min < max and step > 0", mi->name);
			return -EINVAL;
		}
	}
	/* The event ring buffer and the counter of events it had no room for. */
	err = add_internal(cg, "ringbuf", BPF_MAP_TYPE_RINGBUF, 0, 0, ringbuf_size(cg->env, cg->lp->ast),
			   &cg->cp->ringbuf_map);
	cg->cp->ringbuf_size = ringbuf_size(cg->env, cg->lp->ast);
	/* [0]: events the ring buffer refused, [1]: failed stack reads */
	err = err ?: add_internal(cg, "lost", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 2, &cg->cp->lost_map);
	cg->cp->cpid_map = cg->cp->stack_map = cg->cp->exit_map = -1;
	if (!err && cg_uses(cg->lp->ast, -1, "cpid"))
		err = add_internal(cg, "cpid", BPF_MAP_TYPE_ARRAY, 4, 8, 1, &cg->cp->cpid_map);
	if (!err && (cg_uses(cg->lp->ast, -1, "kstack") || cg_uses(cg->lp->ast, -1, "ustack")))
		err = add_internal(cg, "stacks", BPF_MAP_TYPE_STACK_TRACE, 4, STACK_MAX_DEPTH * 8,
				   MAP_MAX_ENTRIES, &cg->cp->stack_map);
	/* Once exit() ran, probes do nothing more while user space winds down. */
	if (!err && cg_uses(cg->lp->ast, N_CALL, "exit"))
		err = add_internal(cg, "exit", BPF_MAP_TYPE_ARRAY, 4, 8, 1, &cg->cp->exit_map);
	return err;
}

/* ---- code ---- */

static void store_sized(struct pcg *p, struct val v, int fp, uint32_t room)
{
	uint32_t n, i;
	int t;

	if (!v.mem) {
		ir_stx(&p->f, BPF_DW, BPF_REG_10, (int16_t)fp, v.reg);
		return;
	}
	n = cg_size(v.t) < room ? cg_size(v.t) : room;
	t = ir_vreg(&p->f);
	for (i = 0; i + 8 <= n; i += 8) {
		ir_ldx(&p->f, BPF_DW, t, BPF_REG_10, (int16_t)(v.fp + (int)i));
		ir_stx(&p->f, BPF_DW, BPF_REG_10, (int16_t)(fp + (int)i), t);
	}
}

int cg_map_key(struct pcg *p, const struct node *m, int cm)
{
	const struct cmap *cmap = &p->cg->cp->maps[cm];
	const struct map_info *mi = m->map;
	const struct node *k;
	uint32_t off = 0;
	size_t i = 0;
	int fp;

	if (!mi || !mi->key) {
		fp = ir_stack(&p->f, (int)cmap->key_size);
		if (cmap->key_size > 8 || (cmap->kind != CMAP_HIST && cmap->kind != CMAP_LHIST))
			ir_st(&p->f, BPF_DW, BPF_REG_10, (int16_t)fp, 0);
		return fp;
	}
	fp = ir_stack(&p->f, (int)cmap->key_size);	/* every byte is written below */
	if (m->kids && !m->kids->next) {
		cg_expr_to(p, m->kids, fp, cg_size(mi->key));
		return fp;
	}
	for (k = m->kids; k; k = k->next, i++) {
		const struct type *ft = i < mi->key->nfields ? mi->key->fields[i].type : k->type;

		cg_expr_to(p, k, fp + (int)off, cg_size(ft));
		off += cg_size(ft);
	}
	return fp;
}

/* The bucket of v in a power-of-two histogram: 0 below zero, 1 for zero, log2(v) + 2. */
static int hist_bucket(struct pcg *p, int v)
{
	static const int steps[] = { 16, 8, 4, 2, 1 };
	struct ir_func *f = &p->f;
	int b = ir_vreg(f), x = ir_vreg(f), t = ir_vreg(f), done = ir_label_new(f),
	    low = ir_label_new(f);
	size_t i;

	ir_mov_imm(f, b, 0);
	ir_jmp_imm(f, BPF_JSLT, v, 0, done);
	ir_mov_imm(f, b, 1);
	ir_jmp_imm(f, BPF_JEQ, v, 0, done);
	ir_mov(f, x, v);
	ir_mov_imm(f, b, 2);
	/* the high half needs a shift: 1 << 32 is no 32-bit immediate */
	ir_mov(f, t, x);
	ir_alu64_imm(f, BPF_RSH, t, 32);
	ir_jmp_imm(f, BPF_JEQ, t, 0, low);
	ir_mov(f, x, t);
	ir_alu64_imm(f, BPF_ADD, b, 32);
	ir_label(f, low);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		int skip = ir_label_new(f);

		ir_jmp_imm(f, BPF_JLT, x, 1 << steps[i], skip);
		ir_alu64_imm(f, BPF_RSH, x, steps[i]);
		ir_alu64_imm(f, BPF_ADD, b, steps[i]);
		ir_label(f, skip);
	}
	ir_label(f, done);
	return b;
}

static int lhist_bucket(struct pcg *p, int v, const struct cmap *m)
{
	struct ir_func *f = &p->f;
	int b = ir_vreg(f), done = ir_label_new(f), mn = -1, mx = -1;
	bool small = m->lmin >= INT32_MIN && m->lmin <= INT32_MAX && m->lmax >= INT32_MIN &&
		     m->lmax <= INT32_MAX;

	if (!small) {
		mn = ir_vreg(f);
		mx = ir_vreg(f);
		ir_ld_imm64(f, mn, (uint64_t)m->lmin);
		ir_ld_imm64(f, mx, (uint64_t)m->lmax);
	}
	ir_mov_imm(f, b, 0);
	if (small)
		ir_jmp_imm(f, BPF_JSLT, v, (int32_t)m->lmin, done);
	else
		ir_jmp_reg(f, BPF_JSLT, v, mn, done);
	ir_mov_imm(f, b, (int32_t)(lhist_buckets(m->lmin, m->lmax, m->lstep) - 1));
	if (small)
		ir_jmp_imm(f, BPF_JSGE, v, (int32_t)m->lmax, done);
	else
		ir_jmp_reg(f, BPF_JSGE, v, mx, done);
	ir_mov(f, b, v);
	if (!small)
		ir_alu64_reg(f, BPF_SUB, b, mn);
	else if (m->lmin)
		ir_alu64_imm(f, BPF_SUB, b, (int32_t)m->lmin);
	ir_alu64_imm(f, BPF_DIV, b, (int32_t)m->lstep);
	ir_alu64_imm(f, BPF_ADD, b, 1);
	ir_label(f, done);
	return b;
}

/*
 * As bpftrace does it: look the element up; if it is there, update it in
 * place; if not, write the first value with BPF_ANY.  For a per-CPU map an
 * update from the program writes this CPU's copy only, so a racing first
 * insertion on another CPU loses nothing.
 */
static void aggregate(struct pcg *p, const struct node *m, const struct node *call, int cm)
{
	struct ir_func *f = &p->f;
	const struct cmap *cmap = &p->cg->cp->maps[cm];
	int done = ir_label_new(f), missing = ir_label_new(f), key, ptr = ir_vreg(f),
	    cur = ir_vreg(f), x = -1, set, init, upd;
	struct val arg = { 0 };

	if (call->kids) {
		arg = cg_expr(p, call->kids);
		x = arg.reg;
	}
	key = cg_map_key(p, m, cm);
	if (cmap->kind == CMAP_HIST || cmap->kind == CMAP_LHIST) {
		int b = cmap->kind == CMAP_HIST ? hist_bucket(p, x) : lhist_bucket(p, x, cmap);

		ir_stx(f, BPF_DW, BPF_REG_10, (int16_t)(key + (int)cmap->key_size - 8), b);
	}
	ir_ld_map(f, BPF_REG_1, cg_map_ref(p, cm));
	ir_mov(f, BPF_REG_2, BPF_REG_10);
	ir_alu64_imm(f, BPF_ADD, BPF_REG_2, key);
	ir_call(f, BPF_FUNC_map_lookup_elem, 2);
	ir_mov(f, ptr, BPF_REG_0);
	ir_jmp_imm(f, BPF_JEQ, ptr, 0, missing);
	switch (cmap->kind) {
	case CMAP_COUNT:
	case CMAP_HIST:
	case CMAP_LHIST:
		ir_ldx(f, BPF_DW, cur, ptr, 0);
		ir_alu64_imm(f, BPF_ADD, cur, 1);
		ir_stx(f, BPF_DW, ptr, 0, cur);
		if (cmap->hist_sum) {
			ir_ldx(f, BPF_DW, cur, ptr, 8);
			ir_alu64_reg(f, BPF_ADD, cur, x);
			ir_stx(f, BPF_DW, ptr, 8, cur);
		}
		break;
	case CMAP_SUM:
		ir_ldx(f, BPF_DW, cur, ptr, 0);
		ir_alu64_reg(f, BPF_ADD, cur, x);
		ir_stx(f, BPF_DW, ptr, 0, cur);
		break;
	case CMAP_AVG:
	case CMAP_STATS:
		ir_ldx(f, BPF_DW, cur, ptr, 0);
		ir_alu64_reg(f, BPF_ADD, cur, x);
		ir_stx(f, BPF_DW, ptr, 0, cur);
		ir_ldx(f, BPF_DW, cur, ptr, 8);
		ir_alu64_imm(f, BPF_ADD, cur, 1);
		ir_stx(f, BPF_DW, ptr, 8, cur);
		break;
	case CMAP_MIN:
	case CMAP_MAX:
		set = ir_vreg(f);
		upd = ir_label_new(f);
		ir_ldx(f, BPF_DW, set, ptr, 8);
		ir_jmp_imm(f, BPF_JEQ, set, 0, upd);
		ir_ldx(f, BPF_DW, cur, ptr, 0);
		ir_jmp_reg(f, cmap->kind == CMAP_MIN ? BPF_JSGE : BPF_JSLE, x, cur, done);
		ir_label(f, upd);
		ir_stx(f, BPF_DW, ptr, 0, x);
		ir_st(f, BPF_DW, ptr, 8, 1);
		break;
	case CMAP_VALUE:
		break;
	}
	ir_ja(f, done);

	/* Not there yet: the first value. */
	ir_label(f, missing);
	init = ir_stack(f, (int)cmap->value_size);
	switch (cmap->kind) {
	case CMAP_COUNT:
	case CMAP_HIST:
	case CMAP_LHIST:
		ir_st(f, BPF_DW, BPF_REG_10, (int16_t)init, 1);
		if (cmap->hist_sum)
			ir_stx(f, BPF_DW, BPF_REG_10, (int16_t)(init + 8), x);
		break;
	case CMAP_SUM:
		ir_stx(f, BPF_DW, BPF_REG_10, (int16_t)init, x);
		break;
	case CMAP_MIN:
	case CMAP_MAX:
	case CMAP_AVG:
	case CMAP_STATS:
		ir_stx(f, BPF_DW, BPF_REG_10, (int16_t)init, x);
		ir_st(f, BPF_DW, BPF_REG_10, (int16_t)(init + 8), 1);
		break;
	case CMAP_VALUE:
		break;
	}
	ir_ld_map(f, BPF_REG_1, cg_map_ref(p, cm));
	ir_mov(f, BPF_REG_2, BPF_REG_10);
	ir_alu64_imm(f, BPF_ADD, BPF_REG_2, key);
	ir_mov(f, BPF_REG_3, BPF_REG_10);
	ir_alu64_imm(f, BPF_ADD, BPF_REG_3, init);
	ir_mov_imm(f, BPF_REG_4, BPF_ANY);
	ir_call(f, BPF_FUNC_map_update_elem, 4);
	if (p->cg->o->helper_check) {
		int r = ir_vreg(f);

		ir_mov(f, r, BPF_REG_0);
		cg_helper_check(p, BPF_FUNC_map_update_elem, r);
	}
	ir_label(f, done);
}

void cg_map_store(struct pcg *p, const struct node *m, struct val v)
{
	struct ir_func *f = &p->f;
	int cm = cg_map_index(p->cg, m->map), key, val, a[4];
	const struct cmap *cmap = &p->cg->cp->maps[cm];

	if (cmap->kind != CMAP_VALUE) {
		cg_error(p->cg, m->loc, "%s holds an aggregation: assign it with count(), sum()...",
			 cmap->name);
		return;
	}
	key = cg_map_key(p, m, cm);
	val = cg_stack_zeroed(p, cmap->value_size);
	store_sized(p, v, val, cmap->value_size);
	a[0] = ir_vreg(f);
	ir_ld_map(f, a[0], cg_map_ref(p, cm));
	a[1] = cg_fp_addr(p, key);
	a[2] = cg_fp_addr(p, val);
	a[3] = ir_vreg(f);
	ir_mov_imm(f, a[3], BPF_ANY);
	cg_call(p, BPF_FUNC_map_update_elem, 4, a);
}

void cg_map_assign(struct pcg *p, const struct node *s)
{
	const struct node *m = s->l, *r = s->r;
	int cm = cg_map_index(p->cg, m->map);
	const struct cmap *cmap = &p->cg->cp->maps[cm];
	struct val v;

	if (cmap->kind != CMAP_VALUE) {
		if (r->kind != N_CALL || s->op) {
			cg_error(p->cg, s->loc, "%s holds an aggregation: it takes '= %s(...)' only",
				 cmap->name, r->kind == N_CALL ? r->name : "count");
			return;
		}
		aggregate(p, m, r, cm);
		return;
	}
	v = cg_expr(p, r);
	if (s->op) {
		struct val cur = cg_map_read(p, m);

		v = cg_binop_vals(p, s->op, cur, v, m->type, s->loc);
	}
	cg_map_store(p, m, v);
}

struct val cg_map_read(struct pcg *p, const struct node *m)
{
	struct ir_func *f = &p->f;
	int cm = cg_map_index(p->cg, m->map), key, a[2], ptr, miss = ir_label_new(f),
	    out = ir_label_new(f);
	const struct cmap *cmap = &p->cg->cp->maps[cm];
	struct val r = { .t = m->type };

	key = cg_map_key(p, m, cm);
	if (cmap->kind == CMAP_HIST || cmap->kind == CMAP_LHIST) {
		cg_error(p->cg, m->loc, "%s is a histogram: it can be printed, not read", cmap->name);
		return r;
	}
	a[0] = ir_vreg(f);
	ir_ld_map(f, a[0], cg_map_ref(p, cm));
	a[1] = cg_fp_addr(p, key);
	ptr = cg_call(p, BPF_FUNC_map_lookup_elem, 2, a);
	if (cmap->kind == CMAP_VALUE && !type_is_intlike(m->type)) {
		uint32_t i;
		int t = ir_vreg(f);

		r.mem = true;
		r.fp = cg_stack_zeroed(p, cmap->value_size);
		ir_jmp_imm(f, BPF_JEQ, ptr, 0, out);
		for (i = 0; i + 8 <= cmap->value_size; i += 8) {
			ir_ldx(f, BPF_DW, t, ptr, (int16_t)i);
			ir_stx(f, BPF_DW, BPF_REG_10, (int16_t)(r.fp + (int)i), t);
		}
		ir_label(f, out);
		ir_label(f, miss);
		return r;
	}
	r.reg = ir_vreg(f);
	ir_mov_imm(f, r.reg, 0);
	ir_jmp_imm(f, BPF_JEQ, ptr, 0, miss);
	ir_ldx(f, BPF_DW, r.reg, ptr, 0);
	if (cmap->kind == CMAP_AVG) {	/* this CPU's average */
		int n = ir_vreg(f);

		ir_ldx(f, BPF_DW, n, ptr, 8);
		ir_jmp_imm(f, BPF_JEQ, n, 0, miss);
		ir_alu64_reg(f, BPF_DIV, r.reg, n);
	}
	ir_label(f, miss);
	ir_label(f, out);
	return r;
}

/* delete(@m[k]) and delete(@m, k) */
void cg_map_delete(struct pcg *p, const struct node *call)
{
	const struct node *m = call->kids, *k = m ? m->next : NULL;
	struct node tmp;
	int cm, key, a[2];

	if (!m || m->kind != N_MAP) {
		cg_error(p->cg, call->loc, "delete() needs a map element");
		return;
	}
	if (k && !m->kids) {	/* delete(@m, k): as if @m[k] */
		tmp = *m;
		tmp.kids = (struct node *)k;	/* read only: the key expressions */
		tmp.next = NULL;
		m = &tmp;
	}
	cm = cg_map_index(p->cg, m->map);
	key = cg_map_key(p, m, cm);
	a[0] = ir_vreg(&p->f);
	ir_ld_map(&p->f, a[0], cg_map_ref(p, cm));
	a[1] = cg_fp_addr(p, key);
	cg_call(p, BPF_FUNC_map_delete_elem, 2, a);
}

struct val cg_map_has_key(struct pcg *p, const struct node *call)
{
	struct ir_func *f = &p->f;
	const struct node *m = call->kids, *k = m ? m->next : NULL;
	struct node tmp;
	struct val r = { .t = call->type };
	int cm, key, a[2], ptr, out = ir_label_new(f);

	r.reg = ir_vreg(f);
	ir_mov_imm(f, r.reg, 0);
	if (!m || m->kind != N_MAP) {
		cg_error(p->cg, call->loc, "has_key() needs a map");
		return r;
	}
	if (k && !m->kids) {
		tmp = *m;
		tmp.kids = (struct node *)k;	/* read only: the key expressions */
		tmp.next = NULL;
		m = &tmp;
	}
	cm = cg_map_index(p->cg, m->map);
	key = cg_map_key(p, m, cm);
	a[0] = ir_vreg(f);
	ir_ld_map(f, a[0], cg_map_ref(p, cm));
	a[1] = cg_fp_addr(p, key);
	ptr = cg_call(p, BPF_FUNC_map_lookup_elem, 2, a);
	ir_jmp_imm(f, BPF_JEQ, ptr, 0, out);
	ir_mov_imm(f, r.reg, 1);
	ir_label(f, out);
	return r;
}
