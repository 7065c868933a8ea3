// SPDX-License-Identifier: GPL-2.0
/* The code generator's interface for the built-ins' family files (builtin_api.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/builtin_api.h"
#include "codegen/gen.h"
#include "lang/env.h"
#include "lang/types.h"
#include "out/maps.h"

int cgb_helper(struct pcg *p, int helper, int nargs, const int *args)
{
	return cg_call(p, helper, nargs, args);
}

int cgb_imm(struct pcg *p, int64_t v)
{
	int r = ir_vreg(&p->f);

	if (v >= INT32_MIN && v <= INT32_MAX)
		ir_mov_imm(&p->f, r, (int32_t)v);
	else
		ir_ld_imm64(&p->f, r, (uint64_t)v);
	return r;
}

void cgb_alu_imm(struct pcg *p, int op, int reg, int32_t imm)
{
	ir_alu64_imm(&p->f, (uint8_t)op, reg, imm);
}

int cgb_stack(struct pcg *p, uint32_t size)
{
	return cg_stack_zeroed(p, size);
}

static uint8_t bpf_size(uint32_t size)
{
	return size == 1 ? BPF_B : size == 2 ? BPF_H : size == 4 ? BPF_W : BPF_DW;
}

void cgb_store(struct pcg *p, int fp, int reg, uint32_t size)
{
	ir_stx(&p->f, bpf_size(size), BPF_REG_10, (int16_t)fp, reg);
}

void cgb_store_imm(struct pcg *p, int fp, int32_t imm, uint32_t size)
{
	ir_st(&p->f, bpf_size(size), BPF_REG_10, (int16_t)fp, imm);
}

void cgb_store_at(struct pcg *p, int base, int16_t off, int reg, uint32_t size)
{
	ir_stx(&p->f, bpf_size(size), base, off, reg);
}

void cgb_store_imm_at(struct pcg *p, int base, int16_t off, int32_t imm, uint32_t size)
{
	ir_st(&p->f, bpf_size(size), base, off, imm);
}

void cgb_error(struct pcg *p, const struct node *e, const char *msg)
{
	cg_error(p->cg, e->loc, "%s", msg);
}

/* strings, symbols, variables */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "codegen/args.h"
#include "lang/sema.h"
#include "probe/probe.h"
#include "sym/regs.h"

void cgb_errorf(struct pcg *p, const struct node *e, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cg_error(p->cg, e->loc, "%s", msg);
}

void cgb_fail(struct pcg *p)
{
	if (!p->cg->err)
		p->cg->err = -EINVAL;
}

const struct node *cgb_arg(const struct node *e, int i)
{
	const struct node *k = e->kind == N_CALL ? e->kids : NULL;

	while (k && i--)
		k = k->next;
	return k;
}

int cgb_nargs(const struct node *e)
{
	const struct node *k;
	int n = 0;

	for (k = e->kids; k; k = k->next)
		n++;
	return n;
}

struct cg_val cgb_expr(struct pcg *p, const struct node *e)
{
	struct val v;
	int64_t c;

	if (e->kind == N_IDENT && cg_const(p->cg, e, &c))	/* a named constant (EPERM) */
		return cg_reg(cgb_imm(p, c));
	v = cg_expr(p, e);

	return (struct cg_val){ .mem = v.mem, .reg = v.reg, .fp = v.fp };
}

bool cgb_const(struct pcg *p, const struct node *e, int64_t *v)
{
	return cg_const(p->cg, e, v);
}

const struct lang_env *cgb_env(struct pcg *p)
{
	return p->cg->env;
}

const char *cgb_param(struct pcg *p, int64_t i)
{
	return i >= 1 && i <= p->cg->o->nr_params ? p->cg->o->params[i - 1] : NULL;
}

int cgb_mov(struct pcg *p, int reg)
{
	int r = ir_vreg(&p->f);

	ir_mov(&p->f, r, reg);
	return r;
}

void cgb_alu_reg(struct pcg *p, int op, int dst, int src)
{
	ir_alu64_reg(&p->f, (uint8_t)op, dst, src);
}

int cgb_fp_addr(struct pcg *p, int fp)
{
	return cg_fp_addr(p, fp);
}

static uint8_t ldx_size(uint32_t size)
{
	return size == 1 ? BPF_B : size == 2 ? BPF_H : size == 4 ? BPF_W : BPF_DW;
}

int cgb_load(struct pcg *p, int fp, uint32_t size)
{
	return cgb_load_ptr(p, BPF_REG_10, (int16_t)fp, size);
}

int cgb_load_ptr(struct pcg *p, int reg, int16_t off, uint32_t size)
{
	int r = ir_vreg(&p->f);

	ir_ldx(&p->f, ldx_size(size), r, reg, off);
	return r;
}

void cgb_copy(struct pcg *p, int dst_fp, int src_fp, uint32_t size)
{
	uint32_t i;
	int t = ir_vreg(&p->f);

	for (i = 0; i < size; i += 8) {
		ir_ldx(&p->f, BPF_DW, t, BPF_REG_10, (int16_t)(src_fp + (int)i));
		ir_stx(&p->f, BPF_DW, BPF_REG_10, (int16_t)(dst_fp + (int)i), t);
	}
}

int cgb_dest(struct pcg *p, uint32_t size, bool zero)
{
	uint32_t n = cgb_stack_size(size ? size : 8), i;
	int fp = p->gen_dest_fp;

	if (!p->gen_dest_size || p->gen_dest_size < n)
		return cg_stack_zeroed(p, size);
	p->gen_dest_size = 0;	/* once */
	for (i = 0; zero && i < n; i += 8)
		ir_st(&p->f, BPF_DW, BPF_REG_10, (int16_t)(fp + (int)i), 0);
	return fp;
}

int cgb_string(struct pcg *p, const char *s, uint32_t len, uint32_t size)
{
	int fp = cg_stack_zeroed(p, size);

	cg_store_string(p, fp, size, s, len);
	return fp;
}

int cgb_label_new(struct pcg *p)
{
	return ir_label_new(&p->f);
}

void cgb_label(struct pcg *p, int label)
{
	ir_label(&p->f, label);
}

void cgb_jmp_imm(struct pcg *p, int op, int reg, int32_t imm, int label)
{
	ir_jmp_imm(&p->f, (uint8_t)op, reg, imm, label);
}

void cgb_jmp_reg(struct pcg *p, int op, int reg, int src, int label)
{
	ir_jmp_reg(&p->f, (uint8_t)op, reg, src, label);
}

void cgb_ja(struct pcg *p, int label)
{
	ir_ja(&p->f, label);
}

/* ---- events ---- */

/* The ring buffer is full: count it, never lose an event silently; then to done. */
static void count_lost(struct pcg *p, int done)
{
	struct ir_func *f = &p->f;
	int a[2], r, key, v;

	key = ir_stack(f, 8);
	ir_st(f, BPF_DW, BPF_REG_10, (int16_t)key, 0);
	a[0] = ir_vreg(f);
	ir_ld_map(f, a[0], cg_map_ref(p, p->cg->cp->lost_map));
	a[1] = cg_fp_addr(p, key);
	r = cg_call(p, BPF_FUNC_map_lookup_elem, 2, a);
	ir_jmp_imm(f, BPF_JEQ, r, 0, done);
	v = ir_vreg(f);
	ir_ldx(f, BPF_DW, v, r, 0);
	ir_alu64_imm(f, BPF_ADD, v, 1);
	ir_stx(f, BPF_DW, r, 0, v);
}

void cg_emit_event(struct pcg *p, int fp, uint32_t size)
{
	struct ir_func *f = &p->f;
	int a[4], r, done = ir_label_new(f);

	a[0] = ir_vreg(f);
	ir_ld_map(f, a[0], cg_map_ref(p, p->cg->cp->ringbuf_map));
	a[1] = cg_fp_addr(p, fp);
	a[2] = cgb_imm(p, size);
	if (p->cg->o->rb_batch) {
		/*
		 * No wakeup per event: one each time the waiting data crosses an
		 * eighth of the ring (the size is a power of two), and the
		 * reader's timer for the rest.
		 */
		int q[2], flags = ir_vreg(f), after = ir_vreg(f), quiet = ir_label_new(f), set = ir_label_new(f);
		int sh = 0;

		while ((p->cg->cp->ringbuf_size >> sh) > 8)
			sh++;
		q[0] = ir_vreg(f);
		ir_ld_map(f, q[0], cg_map_ref(p, p->cg->cp->ringbuf_map));
		q[1] = cgb_imm(p, BPF_RB_AVAIL_DATA);
		r = cg_call(p, BPF_FUNC_ringbuf_query, 2, q);
		ir_mov(f, after, r);
		ir_alu64_imm(f, BPF_ADD, after, (int32_t)size + 8);
		ir_alu64_imm(f, BPF_RSH, after, sh);
		ir_alu64_imm(f, BPF_RSH, r, sh);
		ir_jmp_reg(f, BPF_JEQ, r, after, quiet);
		ir_mov_imm(f, flags, BPF_RB_FORCE_WAKEUP);
		ir_ja(f, set);
		ir_label(f, quiet);
		ir_mov_imm(f, flags, BPF_RB_NO_WAKEUP);
		ir_label(f, set);
		a[0] = ir_vreg(f);
		ir_ld_map(f, a[0], cg_map_ref(p, p->cg->cp->ringbuf_map));
		a[1] = cg_fp_addr(p, fp);
		a[2] = cgb_imm(p, size);
		a[3] = flags;
	} else {
		a[3] = cgb_imm(p, 0);
	}
	r = cg_call(p, BPF_FUNC_ringbuf_output, 4, a);
	ir_jmp_imm(f, BPF_JEQ, r, 0, done);
	count_lost(p, done);
	ir_label(f, done);
}

int cgb_event_begin(struct pcg *p, enum cevent kind, int id, uint32_t size, struct cgb_event *ev)
{
	struct ir_func *f = &p->f;
	int a[3];

	ev->lost = ir_label_new(f);
	ev->done = ir_label_new(f);
	a[0] = ir_vreg(f);
	ir_ld_map(f, a[0], cg_map_ref(p, p->cg->cp->ringbuf_map));
	a[1] = cgb_imm(p, size);
	a[2] = cgb_imm(p, 0);
	ev->ptr = cg_call(p, BPF_FUNC_ringbuf_reserve, 3, a);
	ir_jmp_imm(f, BPF_JEQ, ev->ptr, 0, ev->lost);
	ir_stx(f, BPF_DW, ev->ptr, 0, cgb_imm(p, (int64_t)CEVENT_HDR(kind, id)));
	return ev->ptr;
}

void cgb_event_end(struct pcg *p, const struct cgb_event *ev)
{
	struct ir_func *f = &p->f;
	int a[2];

	a[0] = ev->ptr;
	a[1] = cgb_imm(p, 0);
	cg_call(p, BPF_FUNC_ringbuf_submit, 2, a);
	ir_ja(f, ev->done);
	ir_label(f, ev->lost);
	count_lost(p, ev->done);
	ir_label(f, ev->done);
}

/* A new format site of call e; NULL when out of memory.  printf_fmt: fmt is printf's. */
static struct cprintf *add_site(struct pcg *p, const struct node *e, const char *fmt, size_t len,
				int nargs, bool printf_fmt, enum cprintf_action action)
{
	struct compiled_program *cp = p->cg->cp;
	struct cprintf *n, *pf;
	size_t why_off;
	const char *why;

	n = realloc(cp->printfs, (cp->nr_printfs + 1) * sizeof(*n));
	if (!n)
		goto nomem;
	cp->printfs = n;
	pf = &cp->printfs[cp->nr_printfs];
	memset(pf, 0, sizeof(*pf));
	pf->fmt = strndup(fmt, len);
	pf->args = calloc((size_t)nargs + 1, sizeof(*pf->args));
	if (!pf->fmt || !pf->args) {
		free(pf->fmt);
		free(pf->args);
		goto nomem;
	}
	cp->nr_printfs++;
	pf->action = action;
	pf->line = e->loc.line;
	pf->col = e->loc.col;
	pf->len = e->loc.len;
	if (fmt_parse(pf->fmt, &pf->parsed, &why_off, &why) && printf_fmt) {
		cg_error(p->cg, e->loc, "bad format: %s", why);
		return NULL;
	}
	return pf;
nomem:
	p->cg->err = -ENOMEM;
	return NULL;
}

int cgb_format(struct pcg *p, const struct node *e, const char *fmt, size_t len,
	       const struct node *const *args, int nargs, enum cprintf_action action)
{
	/* Without args the format is not printf's (time()'s strftime format). */
	struct cprintf *pf = add_site(p, e, fmt, len, nargs, args != NULL, action);
	uint32_t off = 0;
	int i;

	if (!pf)
		return -1;
	for (i = 0; i < nargs; i++) {
		pf->args[i].offset = off;
		if (cg_vtype(args[i]->type, &pf->args[i].type)) {
			p->cg->err = -ENOMEM;
			return -1;
		}
		if (len && args[i]->type->kind == TY_BOOL)	/* printf("%d", true): 1, as bpftrace */
			pf->args[i].type.kind = VT_INT;
		off += cg_size(args[i]->type);
	}
	pf->nr_args = (uint32_t)nargs;
	return (int)p->cg->cp->nr_printfs - 1;
}

int cgb_format_fields(struct pcg *p, const struct node *e, const char *fmt, size_t len,
		      const struct vfield *fields, int n, enum cprintf_action action)
{
	struct cprintf *pf = add_site(p, e, fmt, len, n, false, action);
	int i;

	if (!pf)
		return -1;
	for (i = 0; i < n; i++)
		pf->args[i] = fields[i];	/* plain layouts: no tuple fields to own */
	pf->nr_args = (uint32_t)n;
	return (int)p->cg->cp->nr_printfs - 1;
}

void cgb_event_args(struct pcg *p, enum cevent kind, int id, const struct node *const *args,
		    int nargs)
{
	uint32_t size = 8, off;
	int i, fp, hdr;

	for (i = 0; i < nargs && i < FMT_MAX_ARGS; i++)
		size += cg_size(args[i]->type);
	fp = ir_stack(&p->f, (int)size);
	for (i = 0, off = 8; i < nargs && i < FMT_MAX_ARGS; i++) {
		cg_expr_to(p, args[i], fp + (int)off, cg_size(args[i]->type));
		off += cg_size(args[i]->type);
	}
	hdr = cgb_imm(p, (int64_t)CEVENT_HDR(kind, id));
	ir_stx(&p->f, BPF_DW, BPF_REG_10, (int16_t)fp, hdr);
	cg_emit_event(p, fp, size);
}

/* An event of kind/id with n u64 words: registers regs, or constants imms. */
static void event_words(struct pcg *p, enum cevent kind, int id, int n, const int *regs,
			const int32_t *imms)
{
	int fp = ir_stack(&p->f, 8 * (1 + n)), i;

	ir_stx(&p->f, BPF_DW, BPF_REG_10, (int16_t)fp, cgb_imm(p, (int64_t)CEVENT_HDR(kind, id)));
	for (i = 0; i < n; i++) {
		if (regs)
			ir_stx(&p->f, BPF_DW, BPF_REG_10, (int16_t)(fp + 8 * (1 + i)), regs[i]);
		else
			ir_st(&p->f, BPF_DW, BPF_REG_10, (int16_t)(fp + 8 * (1 + i)), imms[i]);
	}
	cg_emit_event(p, fp, 8 * (1 + (uint32_t)n));
}

void cgb_event_regs(struct pcg *p, enum cevent kind, int id, int nregs, const int *regs)
{
	event_words(p, kind, id, nregs, regs, NULL);
}

void cgb_event_imms(struct pcg *p, enum cevent kind, int id, int n, const int32_t *imms)
{
	event_words(p, kind, id, n, NULL, imms);
}

/* ---- maps and the program ---- */

int cgb_map_id(struct pcg *p, const struct node *m)
{
	return cg_map_index(p->cg, m->map);
}

int cgb_map_ptr(struct pcg *p, const struct node *m)
{
	int r = ir_vreg(&p->f);

	ir_ld_map(&p->f, r, cg_map_ref(p, cg_map_index(p->cg, m->map)));
	return r;
}

int cgb_kfunc(struct pcg *p, const char *name, int nargs, const int *args)
{
	const struct lang_env *env = p->cg->env;
	int kid = env->btf_func_id ? env->btf_func_id(env->ctx, name) : -ENOENT, k, r;

	if (kid < 0)
		return -ENOENT;
	for (k = 0; k < nargs; k++)
		ir_mov(&p->f, BPF_REG_1 + k, args[k]);
	ir_call_kfunc(&p->f, kid, nargs);
	r = ir_vreg(&p->f);
	ir_mov(&p->f, r, BPF_REG_0);
	return r;
}

void cgb_want_trace_pipe(struct pcg *p)
{
	p->cg->cp->trace_pipe = true;
}

int cgb_ctx(struct pcg *p)
{
	return p->ctx;
}

void cgb_stop(struct pcg *p)
{
	if (p->cg->cp->exit_map >= 0) {
		int flag = ir_vreg(&p->f);

		ir_ld_map_value(&p->f, flag, cg_map_ref(p, p->cg->cp->exit_map), 0);
		ir_st(&p->f, BPF_DW, flag, 0, 1);
	}
	ir_ja(&p->f, p->exit_label);
}

/*
 * A histogram's element is one kernel element per bucket, the bucket last
 * in the key: delete(@h[k]) deletes each (codegen/maps.c keeps the layout).
 */
static void delete_buckets(struct pcg *p, const struct node *m, int cm)
{
	const struct cmap *c = &p->cg->cp->maps[cm];
	struct ir_func *f = &p->f;
	int key = cg_map_key(p, m, cm), b = ir_vreg(f), top = ir_label_new(f);
	size_t nb = c->kind == CMAP_HIST ? HIST_BUCKETS : lhist_buckets(c->lmin, c->lmax, c->lstep);

	ir_mov_imm(f, b, 0);
	ir_label(f, top);
	ir_stx(f, BPF_DW, BPF_REG_10, (int16_t)(key + (int)c->key_size - 8), b);
	ir_ld_map(f, BPF_REG_1, cg_map_ref(p, cm));
	ir_mov(f, BPF_REG_2, BPF_REG_10);
	ir_alu64_imm(f, BPF_ADD, BPF_REG_2, key);
	ir_call(f, BPF_FUNC_map_delete_elem, 2);	/* most buckets are not there: no -k report */
	ir_alu64_imm(f, BPF_ADD, b, 1);
	ir_jmp_imm(f, BPF_JLT, b, (int32_t)nb, top);
}

void cgb_map_delete(struct pcg *p, const struct node *call)
{
	const struct node *m = call->kids, *k = m ? m->next : NULL;
	struct node tmp;
	int cm;

	if (!m || m->kind != N_MAP || !m->map) {
		cg_map_delete(p, call);
		return;
	}
	cm = cg_map_index(p->cg, m->map);
	if (p->cg->cp->maps[cm].kind != CMAP_HIST && p->cg->cp->maps[cm].kind != CMAP_LHIST) {
		cg_map_delete(p, call);
		return;
	}
	if (k && !m->kids) {	/* delete(@m, k): as if @m[k] */
		tmp = *m;
		tmp.kids = (struct node *)k;	/* read only: the key expressions */
		tmp.next = NULL;
		m = &tmp;
	}
	delete_buckets(p, m, cm);
}

struct cg_val cgb_map_has_key(struct pcg *p, const struct node *call)
{
	struct val v = cg_map_has_key(p, call);

	return (struct cg_val){ .mem = v.mem, .reg = v.reg, .fp = v.fp };
}

void cgb_aggregate(struct pcg *p, const struct node *call)
{
	if (!p->agg_assign || p->agg_assign->r != call) {
		cg_error(p->cg, call->loc, "%s() is an aggregation: assign it to a map, '@m = %s(...)'",
			 call->name, call->name);
		return;
	}
	cg_map_assign(p, p->agg_assign);
}

void cgb_bswap(struct pcg *p, int reg, int bits)
{
	/* BPF_TO_BE on a little-endian machine swaps (src_reg must be r0: reserved) */
	ir_alu32_reg(&p->f, BPF_END, reg, BPF_REG_0);
	if (!p->f.err && p->f.len)
		p->f.insns[p->f.len - 1].imm = bits;
}

int cgb_read_helper(const struct node *arg, bool str)
{
	bool kernel = arg && arg->type && arg->type->kind == TY_PTR && !arg->type->user;

	if (str)
		return kernel ? BPF_FUNC_probe_read_kernel_str : BPF_FUNC_probe_read_user_str;
	return kernel ? BPF_FUNC_probe_read_kernel : BPF_FUNC_probe_read_user;
}

uint32_t cgb_size(const struct node *e)
{
	return e->type ? cg_size(e->type) : 8;
}

int cgb_kernel_var(struct pcg *p, int32_t btf_id)
{
	int r = ir_vreg(&p->f);

	ir_ld_btf_var(&p->f, r, btf_id);
	return r;
}

struct cg_val cgb_stack_value(struct pcg *p, const struct node *e, bool user)
{
	return cg_mem(cg_stack(p, e, user).fp);
}

struct cg_val cgb_sym(struct pcg *p, const struct node *e, int addr, bool user)
{
	return cg_mem(cg_sym(p, e, addr, user).fp);
}

static bool ctx_is_regs(const struct pcg *p)
{
	return p->prov->ctx_kind == PCTX_REGS;
}

static struct cg_val ctx_u64(struct pcg *p, int16_t off)
{
	int r = ir_vreg(&p->f);

	ir_ldx(&p->f, BPF_DW, r, p->ctx, off);
	return cg_reg(r);
}

static struct cg_val zero(struct pcg *p)
{
	return cg_reg(cgb_imm(p, 0));
}

struct cg_val cgb_ctx_arg(struct pcg *p, const struct node *e, int i)
{
	struct val v;

	if (p->prov->arg) {
		v = cg_arg_at(p, e, i);
		return (struct cg_val){ .mem = v.mem, .reg = v.reg, .fp = v.fp };
	}
	if (p->prov->ctx_kind == PCTX_U64_ARGS)
		return ctx_u64(p, (int16_t)(8 * i));
	if (!ctx_is_regs(p) || i < 0 || i >= PT_NR_ARGS) {
		cg_error(p->cg, e->loc, "'%s' is not available in this probe", e->name);
		return zero(p);
	}
	return ctx_u64(p, pt_args[i]);
}

struct cg_val cgb_ctx_retval(struct pcg *p, const struct node *e)
{
	/* fexit: the return value follows the arguments */
	if (p->prov->ctx_kind == PCTX_U64_ARGS && p->at->btf_args)
		return ctx_u64(p, (int16_t)(8 * p->at->btf_args->nfields));
	if (e->type && e->type->kind == TY_INT && e->type->size < 8 && ctx_is_regs(p)) {
		/* typed from DWARF: only the low bytes of rax are the value */
		struct cg_val v = ctx_u64(p, PT_AX);
		int32_t sh = (int32_t)(64 - 8 * e->type->size);

		ir_alu64_imm(&p->f, BPF_LSH, v.reg, sh);
		ir_alu64_imm(&p->f, e->type->sign ? BPF_ARSH : BPF_RSH, v.reg, sh);
		return v;
	}
	return cgb_ctx_reg(p, e, PT_AX);
}

struct cg_val cgb_ctx_reg(struct pcg *p, const struct node *e, int16_t off)
{
	/* struct bpf_perf_event_data starts with the registers */
	if (!ctx_is_regs(p) && p->prov->ctx_kind != PCTX_PERF) {
		cg_error(p->cg, e->loc, "'%s' is not available in this probe (it has no registers)",
			 e->kind == N_CALL ? "reg()" : e->name);
		return zero(p);
	}
	return ctx_u64(p, off);
}

struct cg_val cgb_ctx_func(struct pcg *p, const struct node *e)
{
	bool user = p->prov->ctx & CTX_USER;

	if (!ctx_is_regs(p) || !(p->prov->ctx & CTX_FUNC_IP)) {
		cg_error(p->cg, e->loc, "'func' is not supported here by scry's code generator yet");
		return zero(p);
	}
	return cgb_sym(p, e, ctx_u64(p, PT_IP).reg, user);
}

struct cg_val cgb_ctx_ptr(struct pcg *p)
{
	return cg_reg(cgb_mov(p, p->ctx));
}

bool cgb_ctx_user(struct pcg *p)
{
	return p->prov->ctx & CTX_USER;
}

const char *cgb_user_path(struct pcg *p)
{
	return p->user_path;
}

struct cg_val cgb_probe_name(struct pcg *p, const struct node *e)
{
	const char *name;

	if (p->scd)
		return cg_mem(sc_dispatch_probe(p, e->type).fp);
	name = p->probe_name ? p->probe_name : p->at->resolved ? p->at->resolved : p->at->provider;
	return cg_mem(cgb_string(p, name, (uint32_t)strlen(name), e->type->size));
}

struct cg_val cgb_cpid(struct pcg *p, const struct node *e)
{
	/* written by the session once the -c command is forked */
	int v = ir_vreg(&p->f), r;

	if (p->cg->cp->cpid_map < 0)
		return zero(p);
	ir_ld_map_value(&p->f, v, cg_map_ref(p, p->cg->cp->cpid_map), 0);
	r = ir_vreg(&p->f);
	ir_ldx(&p->f, BPF_DW, r, v, 0);
	return cg_reg(r);
}
