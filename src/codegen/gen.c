// SPDX-License-Identifier: GPL-2.0
/*
 * Program level: one BPF program per probe (all of its attach points share
 * it), the maps, the ring buffer, and the statements of a probe's body.
 * Expressions are in expr.c, map operations in maps.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/gen.h"
#include "codegen/bpf/insn.h"
#include "lang/lang.h"
#include "lang/sema.h"
#include "mech/tracefs.h"
#include "probe/probe.h"
#include "util/log.h"

void cg_error(struct cg *cg, struct loc loc, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (cg->err)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cg->err = -EINVAL;
	/* In the checker's form, with its file and source (lang/diag.c). */
	if (cg->o->errors && diag_render_one(&cg->lp->diags, DIAG_ERROR, loc, NULL, msg, cg->o->errors))
		cg->err = -ENOMEM;
	else if (!cg->o->errors)
		pr_err("%s:%u:%u: %s", cg->o->source_name, loc.line, loc.col, msg);
}

bool cg_const(struct cg *cg, const struct node *n, int64_t *v)
{
	if (n->kind == N_INT || n->kind == N_BOOL) {
		*v = (int64_t)n->ival;
		return true;
	}
	if (n->flags & NF_CONST) {	/* folded by the checker, the one folder */
		*v = n->cval;
		return true;
	}
	return false;
}

uint32_t cg_map_ref(struct pcg *p, int m)
{
	size_t i;
	uint32_t *n;

	if (p->root)	/* a callback shares its program's fd_array */
		p = p->root;
	for (i = 0; i < p->nr_map_idx; i++)
		if (p->map_idx[i] == (uint32_t)m)
			return (uint32_t)i;
	n = realloc(p->map_idx, (p->nr_map_idx + 1) * sizeof(*n));
	if (!n) {
		p->cg->err = -ENOMEM;
		return 0;
	}
	p->map_idx = n;
	p->map_idx[p->nr_map_idx] = (uint32_t)m;
	return (uint32_t)p->nr_map_idx++;
}

/* ---- variables ---- */

struct var *cg_var_get(struct pcg *p, const void *sym, const struct type *t)
{
	struct var *v;
	size_t i;

	for (i = 0; i < p->nr_vars; i++)
		if (p->vars[i].sym == sym)
			return &p->vars[i];
	v = realloc(p->vars, (p->nr_vars + 1) * sizeof(*v));
	if (!v) {
		p->cg->err = -ENOMEM;
		return NULL;
	}
	p->vars = v;
	v = &p->vars[p->nr_vars++];
	v->sym = sym;
	v->t = t;
	v->reg = -1;
	v->fp = 0;
	if (!t || type_is_intlike(t) || t->kind == TY_NONE) {	/* !t: 'let $x;' never assigned */
		v->reg = ir_vreg(&p->f);
		ir_mov_imm(&p->f, v->reg, 0);	/* the verifier wants it initialized on every path */
	} else {
		v->fp = cg_stack_zeroed(p, cg_size(t));
	}
	return v;
}

static struct var *var_get(struct pcg *p, const struct node *n, const struct type *t)
{
	return cg_var_get(p, n->sym, t);
}

static void var_assign(struct pcg *p, const struct node *target, const struct type *t, struct val v)
{
	struct var *var = var_get(p, target, t);

	if (!var)
		return;
	if (var->reg >= 0) {
		if (v.mem) {
			cg_error(p->cg, target->loc, "cannot assign '%s' to an integer variable",
				 type_name(v.t));
			return;
		}
		ir_mov(&p->f, var->reg, v.reg);
	} else {
		cg_store(p, v, var->fp);
	}
}

void cg_var_write(struct pcg *p, const struct node *target, struct val v)
{
	var_assign(p, target, target->type, v);
}

struct val cg_var_read(struct pcg *p, const struct node *n)
{
	struct var *var = var_get(p, n, n->type);
	struct val r = { .t = n->type };

	if (!var)
		return r;
	if (var->reg >= 0) {
		r.reg = ir_vreg(&p->f);
		ir_mov(&p->f, r.reg, var->reg);
	} else {
		r.mem = true;
		r.fp = var->fp;
	}
	return r;
}

/* ---- statements ---- */


static void assign(struct pcg *p, const struct node *s)
{
	const struct node *l = s->l;
	struct val v;

	if (l->kind == N_MAP && !s->op && s->r->kind == N_CALL && s->r->func &&
	    (s->r->func->flags & LF_AGG) && s->r->func->gen) {
		/* '@m[k] = count()': the aggregation's descriptor generates it (cgb_aggregate) */
		p->agg_assign = s;
		s->r->func->gen(p, s->r);
		p->agg_assign = NULL;
		return;
	}
	if (l->kind == N_MAP) {
		cg_map_assign(p, s);
		return;
	}
	if (l->kind != N_VAR) {
		cg_error(p->cg, l->loc, "assigning to this is not supported by scry's code generator yet");
		return;
	}
	v = cg_expr(p, s->r);
	if (s->op) {
		struct val cur = cg_var_read(p, l);

		v = cg_binop_vals(p, s->op, cur, v, l->type, s->loc);
	}
	var_assign(p, l, l->type, v);
}

static void loop_push(struct pcg *p, int brk, int cont, struct loc loc)
{
	if (p->nr_loops == (int)(sizeof(p->loops) / sizeof(p->loops[0]))) {
		cg_error(p->cg, loc, "loops nested too deeply");
		return;
	}
	p->loops[p->nr_loops].brk = brk;
	p->loops[p->nr_loops].cont = cont;
	p->nr_loops++;
}

static void stmt(struct pcg *p, const struct node *s);

int cg_format_bool(const uint8_t *data, struct strbuf *out)
{
	uint64_t v;

	memcpy(&v, data, sizeof(v));
	return strbuf_addstr(out, v ? "true" : "false");
}

struct val cg_block_value(struct pcg *p, const struct node *e)
{
	const struct node *k;
	struct val v = { .t = e->type };

	for (k = e->l ? e->l->kids : NULL; k; k = k->next)
		stmt(p, k);	/* not cg_stmt(): the value may live in their stack */
	if (e->r)
		return cg_expr(p, e->r);
	v.reg = ir_vreg(&p->f);
	ir_mov_imm(&p->f, v.reg, 0);
	return v;
}

/* Temporaries of a statement (keys, strings, events) die with it: their stack is reused. */
void cg_stmt(struct pcg *p, const struct node *s)
{
	int mark = p->f.stack;

	stmt(p, s);
	p->f.stack = mark;
}

/*
 * Variables get their registers and stack slots once, before the probe's
 * code.  cb: the outermost loop run as a callback that n is in (its
 * variable and its body's own variables live in the callback's frame).
 */
static void declare_vars(struct pcg *p, const struct node *n, const struct node *cb)
{
	const struct node *k;

	if (!n)
		return;
	if (n->kind == N_FOR && !cb && cg_for_is_callback(p->cg, n)) {
		declare_vars(p, n->x, NULL);
		declare_vars(p, n->l, n);
		return;
	}
	if ((n->kind == N_LET || n->kind == N_FOR) && cb)
		;	/* the callback's */
	else if (n->kind == N_VAR && cb && cg_declared_in(cb, n->sym))
		;
	else if ((n->kind == N_VAR || n->kind == N_LET || n->kind == N_FOR) && n->sym) {
		const struct type *t = n->kind == N_VAR ? n->type :
				       n->type ? n->type : n->cast_type ? n->cast_type :
				       n->r ? n->r->type : NULL;

		if (t)
			var_get(p, n, t);
	}
	declare_vars(p, n->x, cb);
	declare_vars(p, n->l, cb);
	declare_vars(p, n->r, cb);
	for (k = n->kids; k; k = k->next)
		declare_vars(p, k, cb);
}

void cg_declare_vars(struct pcg *p, const struct node *n)
{
	declare_vars(p, n, NULL);
}

static void stmt(struct pcg *p, const struct node *s)
{
	struct ir_func *f = &p->f;
	const struct node *k;
	struct val c;
	int l1, l2, l3;
	int64_t n;

	if (!s || p->cg->err)
		return;
	f->loc = (struct ir_loc){ s->loc.line, s->loc.col };
	p->expr_loc = s->loc;
	switch (s->kind) {
	case N_BLOCK:
		for (k = s->kids; k; k = k->next)
			cg_stmt(p, k);
		break;
	case N_EXPR:
		cg_expr(p, s->l);
		break;
	case N_ASSIGN:
		assign(p, s);
		break;
	case N_LET:
		if (s->r) {
			c = cg_expr(p, s->r);
			var_assign(p, s, s->type ? s->type : s->r->type, c);
		} else {
			var_get(p, s, s->type ? s->type : s->cast_type);
		}
		break;
	case N_IF:
		l1 = ir_label_new(f);
		l2 = ir_label_new(f);
		cg_cond(p, s->x, l1, false);
		cg_stmt(p, s->l);
		ir_ja(f, l2);
		ir_label(f, l1);
		cg_stmt(p, s->r);
		ir_label(f, l2);
		break;
	case N_UNROLL:
		if (!cg_const(p->cg, s->x ? s->x : s, &n))
			n = (int64_t)s->ival;
		if (n < 0 || n > 100) {
			cg_error(p->cg, s->loc, "unroll count must be between 0 and 100");
			break;
		}
		while (n-- > 0)
			cg_stmt(p, s->l);
		break;
	case N_WHILE:
		l1 = ir_label_new(f);	/* top */
		l2 = ir_label_new(f);	/* out */
		ir_label(f, l1);
		cg_cond(p, s->x, l2, false);
		loop_push(p, l2, l1, s->loc);
		cg_stmt(p, s->l);
		p->nr_loops--;
		ir_ja(f, l1);
		ir_label(f, l2);
		break;
	case N_FOR:
		if (cg_for_is_callback(p->cg, s)) {
			cg_for_callback(p, s);
			break;
		} else {
			struct val from = cg_expr(p, s->x->l), to = cg_expr(p, s->x->r);
			struct var *iv = var_get(p, s, s->type ? s->type : s->x->l->type);

			if (!iv || iv->reg < 0)
				break;
			ir_mov(f, iv->reg, from.reg);
			l1 = ir_label_new(f);
			l2 = ir_label_new(f);
			l3 = ir_label_new(f);
			ir_label(f, l1);
			ir_jmp_reg(f, BPF_JSGE, iv->reg, to.reg, l2);
			loop_push(p, l2, l3, s->loc);
			cg_stmt(p, s->l);
			p->nr_loops--;
			ir_label(f, l3);
			ir_alu64_imm(f, BPF_ADD, iv->reg, 1);
			ir_ja(f, l1);
			ir_label(f, l2);
		}
		break;
	case N_BREAK:
	case N_CONTINUE:
		if (!p->nr_loops) {
			cg_error(p->cg, s->loc, "'%s' outside a loop", s->kind == N_BREAK ? "break" : "continue");
			break;
		}
		ir_ja(f, s->kind == N_BREAK ? p->loops[p->nr_loops - 1].brk : p->loops[p->nr_loops - 1].cont);
		break;
	case N_RETURN:
		ir_ja(f, p->exit_label);
		break;
	default:
		cg_expr(p, s);
		break;
	}
}

/* ---- probes ---- */

static int add_point(struct cprog *cp, const struct probe_point *pp)
{
	struct probe_point *n = realloc(cp->points, (cp->nr_points + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	cp->points = n;
	n[cp->nr_points] = *pp;
	n[cp->nr_points].target = pp->target ? strdup(pp->target) : NULL;
	n[cp->nr_points].func = pp->func ? strdup(pp->func) : NULL;
	cp->nr_points++;
	return 0;
}

static int add_point_cb(void *arg, const struct probe_point *pp)
{
	return add_point(arg, pp);
}

static bool uses_builtin(const struct node *n, const char *name);

/* The probe's attach points of provider only, expanded by it into points. */
static int probe_points(struct cg *cg, const struct node *probe, const struct provider *only,
			struct cprog *cp)
{
	const struct node *a;
	int err;

	for (a = probe->kids; a; a = a->next) {
		const struct attach *at = a->attach;
		const struct provider *prov;
		struct expand_req r = { 0 };
		char where[512];

		if (a->kind != N_ATTACH || !at || at->prov != only)
			continue;
		prov = at->prov;
		snprintf(where, sizeof(where), "%s:%u:%u", cg->o->source_name, a->loc.line, a->loc.col);
		r = (struct expand_req){ .where = where, .target = at->target, .func = at->func,
					 .offset = at->offset, .rate = at->rate, .pid = cg->o->pid,
					 .per_point = uses_builtin(probe->l, "probe") };
		if (prov->expand) {
			err = prov->expand(prov, cg->env, &r, add_point_cb, cp);
			if (err == -ESRCH && (probe->kids->next && probe->kids->next->kind == N_ATTACH))
				continue;	/* a wildcard matching nothing in a list: skipped, as bpftrace */
			if (err == -ESRCH)
				cg_error(cg, a->loc, "no %s function matches '%s'",
					 prov->ctx & CTX_USER ? "user" : "kernel", at->func);
			if (err) {
				if (!cg->err)
					cg->err = err == -ENOMEM ? err : -EINVAL;	/* reported */
				return err;
			}
			continue;
		}
		if (probe_is_glob(at->func) || probe_is_glob(at->target)) {
			cg_error(cg, a->loc, "wildcards in %s probes are not supported by scry yet", prov->name);
			return -EINVAL;
		}
		err = add_point(cp, &(struct probe_point){ .provider = prov->name, .target = at->target,
							    .func = at->func, .offset = at->offset,
							    .rate = at->rate });
		if (err)
			return err;
	}
	return 0;
}

bool cg_uses(const struct node *n, int kind, const char *name)
{
	const struct node *k;

	if (!n)
		return false;
	if ((kind < 0 ? n->kind == N_CALL || n->kind == N_BUILTIN : (int)n->kind == kind) &&
	    !strcmp(n->name, name))
		return true;
	if (cg_uses(n->x, kind, name) || cg_uses(n->l, kind, name) || cg_uses(n->r, kind, name))
		return true;
	for (k = n->kids; k; k = k->next)
		if (k->kind != N_ATTACH && cg_uses(k, kind, name))
			return true;
	return false;
}

static bool uses_builtin(const struct node *n, const char *name)
{
	return cg_uses(n, N_BUILTIN, name);
}

static char *point_name(const struct probe_point *pp)
{
	char *s = NULL;
	int n;

	if (pp->func && !pp->target)
		n = asprintf(&s, "%s:%s", pp->provider, pp->func);
	else if (pp->func)
		n = asprintf(&s, "%s:%s:%s", pp->provider, pp->target, pp->func);
	else if (pp->target)
		n = asprintf(&s, "%s:%s:%llu", pp->provider, pp->target, (unsigned long long)pp->rate);
	else
		n = asprintf(&s, "%s", pp->provider);
	return n < 0 ? NULL : s;
}

/*
 * Values larger than the BPF stack (long strings, big tuples): the probe's
 * whole frame lives in the one element of a per-CPU array ("scratch"),
 * looked up once at entry; the BPF stack keeps the lookup's key and the
 * register allocator's spills.  Probes whose values fit keep them on the
 * stack.
 */
static int frame_in_scratch_map(struct pcg *p, size_t entry)
{
	struct ir_func *f = &p->f;
	uint32_t size = (uint32_t)f->stack_max;
	int m, base, key, err;
	size_t tail;

	err = cg_map_internal(p->cg, "scratch", BPF_MAP_TYPE_PERCPU_ARRAY, 4, size, 1, &m);
	if (err)
		return err;
	base = ir_frame_rebase(f);
	f->stack = f->stack_max = 0;
	tail = f->len;
	key = ir_stack(f, 8);
	ir_st(f, BPF_DW, BPF_REG_10, (int16_t)key, 0);
	ir_ld_map(f, BPF_REG_1, cg_map_ref(p, m));
	ir_mov(f, BPF_REG_2, BPF_REG_10);
	ir_alu64_imm(f, BPF_ADD, BPF_REG_2, key);
	ir_call(f, BPF_FUNC_map_lookup_elem, 2);
	ir_mov(f, base, BPF_REG_0);
	ir_jmp_imm(f, BPF_JEQ, base, 0, p->exit_label);
	ir_alu64_imm(f, BPF_ADD, base, (int32_t)size);	/* the frame's offsets are negative */
	ir_move_tail(f, tail, entry);
	return f->err;
}

/* Compiles the body of probe into one program attached at points[0..n). */
static int compile_one(struct cg *cg, const struct node *probe, const struct attach *at,
		       const struct provider *prov, const struct probe_point *points, size_t n,
		       const char *probe_name)
{
	struct compiled_program *out = cg->cp;
	struct pcg p = { .cg = cg, .f = IR_FUNC_INIT, .probe = probe, .at = at,
			 .probe_name = probe_name, .scd = cg->scd };
	struct insn_buf b = INSN_BUF_INIT;
	struct cprog *cp, *np;
	size_t i, entry;
	int err;

	np = realloc(out->progs, (out->nr_progs + 1) * sizeof(*np));
	if (!np)
		return -ENOMEM;
	out->progs = np;
	cp = &out->progs[out->nr_progs++];
	memset(cp, 0, sizeof(*cp));
	cp->provider = prov;
	cp->prog_type = prov->prog_type;
	cp->loc = (struct ir_loc){ probe->loc.line, probe->loc.col };
	cp->name = strdup(prov->name);
	if (!cp->name)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		err = add_point(cp, &points[i]);
		if (err)
			return err;
	}
	p.prog_type = prov->prog_type;
	p.prov = prov;
	if (n && (prov->ctx & CTX_USER))
		p.user_path = points[0].target;
	if (n && prov->prepare) {
		struct load_prep lp = { 0 };
		char where[512];

		snprintf(where, sizeof(where), "%s:%u:%u", cg->o->source_name, probe->loc.line,
			 probe->loc.col);
		err = prov->prepare(prov, cg->env, where, &points[0], &lp);
		if (err) {
			cg->err = err == -ENOMEM ? err : -EINVAL;	/* reported */
			return err;
		}
		cp->expected_attach_type = lp.expected_attach_type;
		cp->attach_btf_id = lp.attach_btf_id;
	}
	/* Tracepoints: this program's own record layout when it has one point. */
	if (n == 1 && (prov->ctx & CTX_TP) && points[0].target && points[0].func &&
	    cg->env->tp_format && !cg->env->tp_format(cg->env->ctx, points[0].target, points[0].func,
						      &p.tp_fmt))
		p.tp = &p.tp_fmt;
	p.f.loc = cp->loc;
	p.ctx = ir_vreg(&p.f);
	ir_mov(&p.f, p.ctx, BPF_REG_1);
	entry = p.f.len;
	p.exit_label = ir_label_new(&p.f);
	cg_declare_vars(&p, probe->x);
	cg_declare_vars(&p, probe->l);
	if (cg->cp->exit_map >= 0 && !(at->prov->flags & PF_AFTER_EXIT)) {
		/* exit() ran: nothing more happens (END still runs) */
		int flag = ir_vreg(&p.f), v = ir_vreg(&p.f);

		ir_ld_map_value(&p.f, flag, cg_map_ref(&p, cg->cp->exit_map), 0);
		ir_ldx(&p.f, BPF_DW, v, flag, 0);
		ir_jmp_imm(&p.f, BPF_JNE, v, 0, p.exit_label);
	}
	if (prov->flags & PF_CTX_OBJECT) {
		/* the iterator's last call, with no object: nothing to run for */
		int obj = ir_vreg(&p.f);

		ir_ldx(&p.f, BPF_DW, obj, p.ctx, 8);
		ir_jmp_imm(&p.f, BPF_JEQ, obj, 0, p.exit_label);
	}
	if (p.scd)
		sc_dispatch_filter(&p);
	if (probe->x)
		cg_cond(&p, probe->x, p.exit_label, false);
	cg_stmt(&p, probe->l);
	ir_label(&p.f, p.exit_label);
	ir_mov_imm(&p.f, BPF_REG_0, 0);
	ir_exit(&p.f);

	err = cg->err;
	if (!err && p.f.err == -E2BIG) {
		cg_error(cg, probe->loc, "this probe needs more than %d bytes for its values",
			 IR_MAX_FRAME);
		err = -E2BIG;
	}
	if (!err && !p.f.err && p.f.stack_max > IR_MAX_STACK)
		err = frame_in_scratch_map(&p, entry);
	if (!err && cg->o->ir_dump) {
		strbuf_addf(cg->o->ir_dump, "; probe at %s:%u:%u\n", cg->o->source_name, probe->loc.line,
			    probe->loc.col);
		ir_dump(&p.f, cg->o->ir_dump);
	}
	if (!err)
		err = ir_lower_funcs(&p.f, &b, &cp->locs, &cp->func_offs, &cp->nr_funcs);
	if (!err) {
		cp->insns = b.insns;	/* handed over */
		cp->nr_insns = b.len;
		b.insns = NULL;
		cp->map_idx = p.map_idx;
		cp->nr_map_idx = p.nr_map_idx;
		p.map_idx = NULL;
	}
	insn_buf_release(&b);
	ir_func_release(&p.f);
	tp_format_release(&p.tp_fmt);
	free(p.map_idx);
	free(p.vars);
	return err;
}

/* Does the probe read argN?  A USDT probe that does needs a program per site. */
static bool uses_args(const struct node *n)
{
	const struct node *k;

	if (!n)
		return false;
	if (n->kind == N_BUILTIN && !strncmp(n->name, "arg", 3) && n->name[3] >= '0' &&
	    n->name[3] <= '9')
		return true;
	if (uses_args(n->x) || uses_args(n->l) || uses_args(n->r))
		return true;
	for (k = n->kids; k; k = k->next)
		if (k->kind != N_ATTACH && uses_args(k))
			return true;
	return false;
}

/*
 * Do the probe's tracepoints lay their records out differently?  Then
 * 'args' reads different offsets, and each needs its own program.
 */
static bool tp_layouts_differ(const struct lang_env *env, const struct probe_point *pts, size_t n)
{
	struct tp_format a, b;
	bool differ = false;
	size_t i, k;

	if (n < 2 || !env->tp_format ||
	    env->tp_format(env->ctx, pts[0].target, pts[0].func, &a))
		return n > 1;
	for (i = 1; i < n && !differ; i++) {
		if (env->tp_format(env->ctx, pts[i].target, pts[i].func, &b)) {
			differ = true;
			break;
		}
		differ = a.nr_fields != b.nr_fields;
		for (k = 0; k < a.nr_fields && !differ; k++)
			differ = strcmp(a.fields[k].name, b.fields[k].name) ||
				 a.fields[k].offset != b.fields[k].offset ||
				 a.fields[k].size != b.fields[k].size || a.fields[k].flags != b.fields[k].flags;
		tp_format_release(&b);
	}
	tp_format_release(&a);
	return differ;
}

/* The probe's attach points of the provider of a (the first of them), as programs. */
static int compile_probe_of(struct cg *cg, const struct node *probe, const struct node *a)
{
	struct cprog pts = { 0 };
	const struct provider *prov;
	struct sc_dispatch scd = { 0 };
	const struct provider *multi;
	struct probe_point one;
	const struct attach *at;
	bool per_site;
	size_t i;
	int err;

	at = a->attach;
	prov = at->prov;
	if (!prov || !prov->prog_type) {
		cg_error(cg, a->loc, "%s probes are not supported by scry's code generator yet",
			 at->provider);
		return -EINVAL;
	}
	err = probe_points(cg, probe, prov, &pts);
	if (err)
		goto out;
	if (!pts.nr_points) {
		/* every wildcard of the list matched nothing */
		cg_error(cg, a->loc, "no %s function matches '%s' (nor any other point of this probe)",
			 prov->ctx & CTX_USER ? "user" : "kernel", at->func ? at->func : "");
		err = -EINVAL;
		goto out;
	}
	/*
	 * Many syscalls:* points whose records the probe never reads: one raw
	 * sys_enter/sys_exit program dispatching on the syscall number.
	 */
	if (prov->dispatch && !uses_builtin(probe->x, "args") && !uses_builtin(probe->l, "args") &&
	    /* kernel stacks would show the dispatching probe's path, not this one's */
	    !uses_builtin(probe->l, "kstack") && !cg_uses(probe->l, N_CALL, "kstack") &&
	    (multi = prov->dispatch(prov, cg->env, pts.points, pts.nr_points, &one)) &&
	    !sc_dispatch_plan(pts.points, pts.nr_points, &scd)) {
		cg->scd = &scd;
		err = compile_one(cg, probe, at, multi, &one, 1, NULL);
		if (!err)	/* bpftrace's "Attaching N probes" counts the syscalls */
			cg->cp->progs[cg->cp->nr_progs - 1].nr_stands_for = pts.nr_points;
		cg->scd = NULL;
		sc_dispatch_release(&scd);
		goto out;
	}
	/*
	 * A tracepoint whose record the probe never reads ('args') runs for less
	 * as a raw tracepoint of the same name: no perf event on the way.
	 */
	if (prov->lighter && !uses_builtin(probe->x, "args") &&
	    !uses_builtin(probe->l, "args") && !uses_builtin(probe->l, "probe") &&
	    /* kernel stacks would show the lighter probe's path, not this one's */
	    !uses_builtin(probe->l, "kstack") && !cg_uses(probe->l, N_CALL, "kstack")) {
		const struct provider *light = NULL, *l;
		bool all = pts.nr_points > 0;

		for (i = 0; i < pts.nr_points && all; i++) {
			l = prov->lighter(prov, cg->env, &pts.points[i]);
			all = l && (!light || l == light);
			light = l;
		}
		if (all) {
			prov = light;
			for (i = 0; i < pts.nr_points; i++)
				pts.points[i].provider = light->name;
		}
	}
	/*
	 * 'probe' names the attach point: one program per point then, as bpftrace does.
	 * USDT arguments are where each site's note says: a program per site.
	 */
	per_site = (prov->flags & PF_ARGS_PER_SITE) && (uses_args(probe->x) || uses_args(probe->l));
	if (pts.nr_points > 1 && (prov->flags & PF_ARGS_PER_LAYOUT) &&
	    (uses_builtin(probe->x, "args") || uses_builtin(probe->l, "args")) &&
	    tp_layouts_differ(cg->env, pts.points, pts.nr_points))
		per_site = true;
	/* a provider that prepares the load per point (fentry: its BTF id) needs one each */
	if (pts.nr_points > 1 && (per_site || uses_builtin(probe->l, "probe") || prov->prepare)) {
		for (i = 0; i < pts.nr_points && !err; i++) {
			char *name = point_name(&pts.points[i]);

			if (!name) {
				err = -ENOMEM;
				break;
			}
			err = compile_one(cg, probe, at, prov, &pts.points[i], 1, name);
			free(name);
		}
	} else {
		err = compile_one(cg, probe, at, prov, pts.points, pts.nr_points, NULL);
		/* A wildcard the provider left unexpanded attaches with one multi link. */
		if (!err && pts.nr_points && prov->multi_attach_type &&
		    probe_is_glob(pts.points[0].func))
			cg->cp->progs[cg->cp->nr_progs - 1].expected_attach_type = prov->multi_attach_type;
	}
out:
	for (i = 0; i < pts.nr_points; i++) {
		free((char *)pts.points[i].target);
		free((char *)pts.points[i].func);
	}
	free(pts.points);
	return err;
}

/*
 * A probe whose attach points are of several types ('BEGIN,END',
 * 'tracepoint:a:b,rawtracepoint:c') is a program (or more) per type, in
 * the order the types first appear.
 */
static int compile_probe(struct cg *cg, const struct node *probe)
{
	const struct node *a, *b;
	int err = 0;

	for (a = probe->kids; a && !err; a = a->next) {
		if (a->kind != N_ATTACH || !a->attach)
			continue;
		for (b = probe->kids; b != a; b = b->next)
			if (b->kind == N_ATTACH && b->attach && b->attach->prov == a->attach->prov)
				break;
		if (b == a)
			err = compile_probe_of(cg, probe, a);
	}
	return err;
}

int codegen_program(const struct lang_program *lp, const struct codegen_opts *o,
		    struct compiled_program **out)
{
	struct cg cg = { .lp = lp, .o = o, .env = o->env ?: lp->env ?: &lang_env_none };
	const struct node *pr;
	int err;

	*out = NULL;
	cg.cp = calloc(1, sizeof(*cg.cp));
	if (!cg.cp)
		return -ENOMEM;
	cg.cp->source_name = o->source_name;
	err = cg_maps_create(&cg);
	for (pr = lp->ast->kids; pr && !err; pr = pr->next) {
		if (pr->kind != N_PROBE)
			continue;
		err = compile_probe(&cg, pr);
		if (!err && cg.err)
			err = cg.err;
	}
	free(cg.minfo);
	if (err) {
		if (err == -ENOMEM)
			pr_err("out of memory");
		compiled_program_free(cg.cp);
		return err;
	}
	*out = cg.cp;
	return 0;
}
