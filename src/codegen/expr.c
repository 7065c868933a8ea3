// SPDX-License-Identifier: GPL-2.0
/*
 * Expressions and calls.  Integers are computed in 64-bit registers, kept
 * sign- or zero-extended from their type's width; strings, tuples and other
 * aggregates live in zeroed, 8-byte-rounded stack slots.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codegen/gen.h"
#include "codegen/args.h"
#include "sym/regs.h"
#include "probe/probe.h"
#include "lang/sema.h"


static uint32_t round8(uint32_t n)
{
	return (n + 7) & ~7u;
}

uint32_t cg_size(const struct type *t)
{
	size_t i;
	uint32_t s = 0;

	switch (t->kind) {
	case TY_STR:
		return round8(t->size ? t->size : 1);
	case TY_BUF:
		return 8 + round8(t->size ? t->size : 1);	/* u64 length, the bytes */
	case TY_TUPLE:
		for (i = 0; i < t->nfields; i++)
			s += cg_size(t->fields[i].type);
		return s ? s : 8;
	case TY_ARRAY:
	case TY_RECORD:
		return round8(t->size ? t->size : 8);
	case TY_KSTACK:
	case TY_USTACK:
	case TY_USYM:
	case TY_TIME:
		return 16;
	case TY_FORMATTED:
		return round8(t->size ? t->size : 8);	/* what its format reads */
	default:
		return 8;
	}
}

int cg_vtype(const struct type *t, struct vtype *vt)
{
	size_t i;
	uint32_t off = 0;

	memset(vt, 0, sizeof(*vt));
	vt->size = cg_size(t);
	switch (t->kind) {
	case TY_STR:
		vt->kind = VT_STR;
		vt->size = t->size;
		return 0;
	case TY_TUPLE:
		vt->kind = VT_TUPLE;
		vt->fields = calloc(t->nfields + 1, sizeof(*vt->fields));
		if (!vt->fields)
			return -ENOMEM;
		vt->nr_fields = (uint32_t)t->nfields;
		for (i = 0; i < t->nfields; i++) {
			int err = cg_vtype(t->fields[i].type, &vt->fields[i].type);

			if (err)
				return err;
			vt->fields[i].offset = off;
			off += cg_size(t->fields[i].type);
		}
		return 0;
	case TY_KSTACK:
		vt->kind = VT_KSTACK;
		return 0;
	case TY_USTACK:
		vt->kind = VT_USTACK;
		return 0;
	case TY_KSYM:
		vt->kind = VT_KSYM;
		vt->size = 8;
		return 0;
	case TY_USYM:
		vt->kind = VT_USYM;
		return 0;
	case TY_TIME:
		vt->kind = VT_TIME;
		return 0;
	case TY_BUF:
		vt->kind = VT_BUF;
		return 0;
	case TY_FORMATTED:
		vt->kind = VT_FORMATTED;
		vt->format = t->format;
		return 0;
	case TY_INT:
	case TY_BOOL:
	case TY_PTR:
	case TY_UNKNOWN:
	default:
		vt->kind = VT_INT;
		vt->size = 8;
		vt->sign = t->kind == TY_INT ? t->sign : false;
		return 0;
	}
}

int cg_stack_zeroed(struct pcg *p, uint32_t size)
{
	uint32_t n = round8(size ? size : 8), i;
	int fp = ir_stack(&p->f, (int)n);

	for (i = 0; i < n; i += 8)
		ir_st(&p->f, BPF_DW, BPF_REG_10, (int16_t)(fp + (int)i), 0);
	return fp;
}

int cg_fp_addr(struct pcg *p, int fp)
{
	int r = ir_vreg(&p->f);

	ir_mov(&p->f, r, BPF_REG_10);
	ir_alu64_imm(&p->f, BPF_ADD, r, fp);
	return r;
}

static void copy_stack(struct pcg *p, int dst, int src, uint32_t size)
{
	uint32_t i;
	int t = ir_vreg(&p->f);

	for (i = 0; i + 8 <= round8(size); i += 8) {
		ir_ldx(&p->f, BPF_DW, t, BPF_REG_10, (int16_t)(src + (int)i));
		ir_stx(&p->f, BPF_DW, BPF_REG_10, (int16_t)(dst + (int)i), t);
	}
}

void cg_store(struct pcg *p, struct val v, int fp)
{
	if (!v.mem) {
		ir_stx(&p->f, BPF_DW, BPF_REG_10, (int16_t)fp, v.reg);
		return;
	}
	copy_stack(p, fp, v.fp, cg_size(v.t));
}

static struct val reg_val(int reg, const struct type *t)
{
	struct val v = { .reg = reg, .t = t };

	return v;
}

static struct val imm(struct pcg *p, int64_t x, const struct type *t)
{
	int r = ir_vreg(&p->f);

	if (x >= INT32_MIN && x <= INT32_MAX)
		ir_mov_imm(&p->f, r, (int32_t)x);
	else
		ir_ld_imm64(&p->f, r, (uint64_t)x);
	return reg_val(r, t);
}

/* Sign- or zero-extend r in place from size bytes. */
static void extend(struct pcg *p, int r, uint32_t size, bool sign)
{
	int sh = 64 - 8 * (int)size;

	if (size >= 8 || !size)
		return;
	ir_alu64_imm(&p->f, BPF_LSH, r, sh);
	ir_alu64_imm(&p->f, sign ? BPF_ARSH : BPF_RSH, r, sh);
}

static uint8_t bpf_size(uint32_t size)
{
	return size == 1 ? BPF_B : size == 2 ? BPF_H : size == 4 ? BPF_W : BPF_DW;
}

int cg_call(struct pcg *p, int helper, int nargs, const int *args)
{
	int k, r = ir_vreg(&p->f);

	for (k = 0; k < nargs; k++)
		ir_mov(&p->f, BPF_REG_1 + k, args[k]);
	ir_call(&p->f, helper, nargs);
	ir_mov(&p->f, r, BPF_REG_0);
	cg_helper_check(p, helper, r);
	return r;
}

/* The helpers whose failure -k reports (level 1) and those only -kk does (2). */
static const struct {
	int id, level;
	const char *name;
} checked_helpers[] = {
	{ BPF_FUNC_map_update_elem, 1, "map_update_elem" },
	{ BPF_FUNC_map_delete_elem, 1, "map_delete_elem" },
	{ BPF_FUNC_get_current_comm, 1, "get_current_comm" },
	{ BPF_FUNC_get_stack, 1, "get_stack" },
	{ BPF_FUNC_probe_read, 2, "probe_read" },
	{ BPF_FUNC_probe_read_str, 2, "probe_read_str" },
	{ BPF_FUNC_probe_read_user, 2, "probe_read_user" },
	{ BPF_FUNC_probe_read_user_str, 2, "probe_read_user_str" },
	{ BPF_FUNC_probe_read_kernel, 2, "probe_read_kernel" },
	{ BPF_FUNC_probe_read_kernel_str, 2, "probe_read_kernel_str" },
};

void cg_helper_check(struct pcg *p, int helper, int r)
{
	struct compiled_program *cp = p->cg->cp;
	struct chelper_site *n;
	struct ir_func *f = &p->f;
	int ok, fp;
	size_t i;

	for (i = 0; i < sizeof(checked_helpers) / sizeof(checked_helpers[0]); i++)
		if (checked_helpers[i].id == helper)
			break;
	if (i == sizeof(checked_helpers) / sizeof(checked_helpers[0]) ||
	    p->cg->o->helper_check < checked_helpers[i].level)
		return;
	n = realloc(cp->helper_sites, (cp->nr_helper_sites + 1) * sizeof(*n));
	if (!n) {
		p->cg->err = -ENOMEM;
		return;
	}
	cp->helper_sites = n;
	n[cp->nr_helper_sites] = (struct chelper_site){ checked_helpers[i].name,
		p->expr_loc.line ? p->expr_loc.line : f->loc.line,
		p->expr_loc.line ? p->expr_loc.col : f->loc.col, p->expr_loc.len };
	ok = ir_label_new(f);
	ir_jmp_imm(f, BPF_JSGE, r, 0, ok);
	fp = ir_stack(f, 16);
	ir_stx(f, BPF_DW, BPF_REG_10, (int16_t)fp,
	       imm(p, (int64_t)CEVENT_HDR(CEV_HELPER_ERROR, cp->nr_helper_sites), NULL).reg);
	ir_stx(f, BPF_DW, BPF_REG_10, (int16_t)(fp + 8), r);
	cp->nr_helper_sites++;
	cg_emit_event(p, fp, 16);
	ir_label(f, ok);
}

/* ---- events ---- */

void cg_emit_event(struct pcg *p, int fp, uint32_t size)
{
	struct cg *cg = p->cg;
	struct ir_func *f = &p->f;
	int a[4], r, done = ir_label_new(f), key, v;

	a[0] = ir_vreg(f);
	ir_ld_map(f, a[0], cg_map_ref(p, cg->cp->ringbuf_map));
	a[1] = cg_fp_addr(p, fp);
	a[2] = imm(p, size, NULL).reg;
	if (cg->o->rb_batch) {
		/*
		 * No wakeup per event: one each time the waiting data crosses an
		 * eighth of the ring (the size is a power of two), and the
		 * reader's timer for the rest.
		 */
		int q[2], flags = ir_vreg(f), after = ir_vreg(f), quiet = ir_label_new(f), set = ir_label_new(f);
		int sh = 0;

		while ((cg->cp->ringbuf_size >> sh) > 8)
			sh++;
		q[0] = ir_vreg(f);
		ir_ld_map(f, q[0], cg_map_ref(p, cg->cp->ringbuf_map));
		q[1] = imm(p, BPF_RB_AVAIL_DATA, NULL).reg;
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
		ir_ld_map(f, a[0], cg_map_ref(p, cg->cp->ringbuf_map));
		a[1] = cg_fp_addr(p, fp);
		a[2] = imm(p, size, NULL).reg;
		a[3] = flags;
	} else {
		a[3] = imm(p, 0, NULL).reg;
	}
	r = cg_call(p, BPF_FUNC_ringbuf_output, 4, a);
	ir_jmp_imm(f, BPF_JEQ, r, 0, done);
	/* The ring buffer is full: count it, never lose an event silently. */
	key = ir_stack(f, 8);
	ir_st(f, BPF_DW, BPF_REG_10, (int16_t)key, 0);
	a[0] = ir_vreg(f);
	ir_ld_map(f, a[0], cg_map_ref(p, cg->cp->lost_map));
	a[1] = cg_fp_addr(p, key);
	r = cg_call(p, BPF_FUNC_map_lookup_elem, 2, a);
	ir_jmp_imm(f, BPF_JEQ, r, 0, done);
	v = ir_vreg(f);
	ir_ldx(f, BPF_DW, v, r, 0);
	ir_alu64_imm(f, BPF_ADD, v, 1);
	ir_stx(f, BPF_DW, r, 0, v);
	ir_label(f, done);
}

static int add_printf(struct cg *cg, const char *fmt, size_t len, const struct node *const *args,
		      int nargs, struct loc loc)
{
	struct compiled_program *cp = cg->cp;
	struct cprintf *n, *pf;
	size_t off, why_off;
	const char *why;
	int i;

	n = realloc(cp->printfs, (cp->nr_printfs + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	cp->printfs = n;
	pf = &cp->printfs[cp->nr_printfs];
	memset(pf, 0, sizeof(*pf));
	pf->fmt = strndup(fmt, len);
	pf->args = calloc((size_t)nargs + 1, sizeof(*pf->args));
	if (!pf->fmt || !pf->args) {
		free(pf->fmt);
		free(pf->args);
		return -ENOMEM;
	}
	cp->nr_printfs++;
	if (fmt_parse(pf->fmt, &pf->parsed, &why_off, &why) && args) {
		cg_error(cg, loc, "bad format: %s", why);
		return -EINVAL;
	}
	for (i = 0, off = 0; i < nargs; i++) {
		pf->args[i].offset = (uint32_t)off;
		if (cg_vtype(args[i]->type, &pf->args[i].type))
			return -ENOMEM;
		off += cg_size(args[i]->type);
	}
	pf->nr_args = (uint32_t)nargs;
	return (int)cp->nr_printfs - 1;
}

/* An event with header kind/id and the values of args laid out after it. */
static void event_with_args(struct pcg *p, enum cevent kind, int id, const struct node *const *args,
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
	hdr = imm(p, (int64_t)CEVENT_HDR(kind, id), NULL).reg;
	ir_stx(&p->f, BPF_DW, BPF_REG_10, (int16_t)fp, hdr);
	cg_emit_event(p, fp, size);
}

/* ---- context: tracepoint fields, registers ---- */

static struct val tp_field(struct pcg *p, const struct node *e)
{
	const struct tp_format *fmt = p->tp ? p->tp : p->at->tp;
	const struct tp_field *tf = fmt ? tp_format_field(fmt, e->name) : NULL;
	const struct type *t = e->type;
	struct ir_func *f = &p->f;
	int r, a[3];

	if (!tf) {
		cg_error(p->cg, e->loc, "no tracepoint field '%s' here", e->name);
		return imm(p, 0, t);
	}
	if (tf->flags & TP_FIELD_DATA_LOC) {
		/* u32: length << 16 | offset of the data from the record's start */
		int fp = cg_stack_zeroed(p, cg_size(t)), loc = ir_vreg(f), src;

		ir_ldx(f, BPF_W, loc, p->ctx, (int16_t)tf->offset);
		ir_alu64_imm(f, BPF_AND, loc, 0xffff);
		src = ir_vreg(f);
		ir_mov(f, src, p->ctx);
		ir_alu64_reg(f, BPF_ADD, src, loc);
		a[0] = cg_fp_addr(p, fp);
		a[1] = imm(p, t->size, NULL).reg;
		a[2] = src;
		cg_call(p, BPF_FUNC_probe_read_kernel_str, 3, a);
		return (struct val){ .mem = true, .fp = fp, .t = t };
	}
	if (t->kind == TY_STR || t->kind == TY_ARRAY || t->kind == TY_BUF || (tf->flags & TP_FIELD_ARRAY)) {
		bool buf = t->kind == TY_BUF;	/* a buffer: its length first */
		int fp = cg_stack_zeroed(p, buf ? cg_size(t) : tf->size), src = ir_vreg(f);

		if (buf)
			ir_st(f, BPF_DW, BPF_REG_10, (int16_t)fp, (int32_t)tf->size);
		ir_mov(f, src, p->ctx);
		ir_alu64_imm(f, BPF_ADD, src, (int32_t)tf->offset);
		a[0] = cg_fp_addr(p, buf ? fp + 8 : fp);
		a[1] = imm(p, tf->size, NULL).reg;
		a[2] = src;
		cg_call(p, BPF_FUNC_probe_read_kernel, 3, a);
		return (struct val){ .mem = true, .fp = fp, .t = t };
	}
	r = ir_vreg(f);
	if (tf->size == 1 || tf->size == 2 || tf->size == 4 || tf->size == 8) {
		ir_ldx(f, bpf_size(tf->size), r, p->ctx, (int16_t)tf->offset);
		extend(p, r, tf->size, tf->flags & TP_FIELD_SIGNED);
	} else {
		ir_mov_imm(f, r, 0);
	}
	return reg_val(r, t);
}

/* ---- builtins ---- */

void cg_store_string(struct pcg *p, int fp, uint32_t size, const char *s, size_t len)
{
	uint32_t i;

	for (i = 0; i + 4 <= round8(size); i += 4) {
		int32_t w = 0;
		size_t k;

		for (k = 0; k < 4; k++)
			if (i + k < len)
				w |= (int32_t)((uint32_t)(unsigned char)s[i + k] << (8 * k));
		if (w)
			ir_st(&p->f, BPF_W, BPF_REG_10, (int16_t)(fp + (int)i), w);
	}
}

static struct val string_const(struct pcg *p, const char *s, size_t len, const struct type *t)
{
	uint32_t size = t && t->kind == TY_STR ? t->size : (uint32_t)len + 1;
	int fp = cg_stack_zeroed(p, size);

	cg_store_string(p, fp, size, s, len);
	return (struct val){ .mem = true, .fp = fp, .t = t };
}

static struct val from_cg_val(struct cg_val v, const struct type *t)
{
	return (struct val){ .mem = v.mem, .reg = v.reg, .fp = v.fp, .t = t };
}

/* Runs a built-in's .gen, offering it the destination dest (size 0: none), not to what it nests. */
static struct val gen_builtin(struct pcg *p, cg_builtin_fn gen, const struct node *e, int dest_fp,
			      uint32_t dest_size)
{
	int fp = p->gen_dest_fp;
	uint32_t size = p->gen_dest_size;
	struct val v;

	p->gen_dest_fp = dest_fp;
	p->gen_dest_size = dest_size;
	v = from_cg_val(gen(p, e), e->type);
	p->gen_dest_fp = fp;
	p->gen_dest_size = size;
	return v;
}

static struct val builtin(struct pcg *p, const struct node *e, int dest_fp, uint32_t dest_size)
{
	const char *n = e->name;
	const struct type *t = e->type;
	const struct lang_var *lv = lang_var_find(n);

	/* a built-in with its code on its descriptor (src/lang/builtins/) */
	if (lv && lv->gen)
		return gen_builtin(p, lv->gen, e, dest_fp, dest_size);
	cg_error(p->cg, e->loc, "'%s' is not supported by scry's code generator yet", n);
	return imm(p, 0, t);
}

/* ---- operators ---- */

static int jmp_op(int op, bool sign)
{
	switch (op) {
	case OP_EQ: return BPF_JEQ;
	case OP_NE: return BPF_JNE;
	case '<': return sign ? BPF_JSLT : BPF_JLT;
	case '>': return sign ? BPF_JSGT : BPF_JGT;
	case OP_LE: return sign ? BPF_JSLE : BPF_JLE;
	case OP_GE: return sign ? BPF_JSGE : BPF_JGE;
	}
	return -1;
}

static bool is_signed(const struct type *t)
{
	return t && t->kind == TY_INT && t->sign;
}

/* Strings equal up to the first NUL (or the shorter size): 1 or 0. */
static struct val str_eq(struct pcg *p, struct val a, struct val b, bool ne)
{
	struct ir_func *f = &p->f;
	uint32_t n = a.t->size < b.t->size ? a.t->size : b.t->size, i;
	int r = ir_vreg(f), x = ir_vreg(f), y = ir_vreg(f), differ = ir_label_new(f),
	    same = ir_label_new(f), out = ir_label_new(f);

	for (i = 0; i < n; i++) {
		ir_ldx(f, BPF_B, x, BPF_REG_10, (int16_t)(a.fp + (int)i));
		ir_ldx(f, BPF_B, y, BPF_REG_10, (int16_t)(b.fp + (int)i));
		ir_jmp_reg(f, BPF_JNE, x, y, differ);
		ir_jmp_imm(f, BPF_JEQ, x, 0, same);
	}
	ir_label(f, same);
	ir_mov_imm(f, r, ne ? 0 : 1);
	ir_ja(f, out);
	ir_label(f, differ);
	ir_mov_imm(f, r, ne ? 1 : 0);
	ir_label(f, out);
	return reg_val(r, NULL);
}

struct val cg_binop_vals(struct pcg *p, int op, struct val a, struct val b, const struct type *t,
			 struct loc loc)
{
	struct ir_func *f = &p->f;
	bool sign = is_signed(a.t) || is_signed(b.t);
	int r, jop, out;

	if (a.mem || b.mem) {
		if (a.mem && b.mem && a.t->kind == TY_STR && b.t->kind == TY_STR &&
		    (op == OP_EQ || op == OP_NE))
			return str_eq(p, a, b, op == OP_NE);
		cg_error(p->cg, loc, "this operator on '%s' is not supported by scry's code generator yet",
			 type_name(a.mem ? a.t : b.t));
		return imm(p, 0, t);
	}
	jop = jmp_op(op, sign);
	r = ir_vreg(f);
	if (jop >= 0) {
		out = ir_label_new(f);
		ir_mov_imm(f, r, 1);
		ir_jmp_reg(f, (uint8_t)jop, a.reg, b.reg, out);
		ir_mov_imm(f, r, 0);
		ir_label(f, out);
		return reg_val(r, t);
	}
	ir_mov(f, r, a.reg);
	switch (op) {
	case '+': ir_alu64_reg(f, BPF_ADD, r, b.reg); break;
	case '-': ir_alu64_reg(f, BPF_SUB, r, b.reg); break;
	case '*': ir_alu64_reg(f, BPF_MUL, r, b.reg); break;
	case '/':
	case '%':
		/* BPF divides unsigned; bpftrace too (its division is unsigned 64-bit) */
		ir_alu64_reg(f, op == '/' ? BPF_DIV : BPF_MOD, r, b.reg);
		break;
	case '&': ir_alu64_reg(f, BPF_AND, r, b.reg); break;
	case '|': ir_alu64_reg(f, BPF_OR, r, b.reg); break;
	case '^': ir_alu64_reg(f, BPF_XOR, r, b.reg); break;
	case OP_SHL: ir_alu64_reg(f, BPF_LSH, r, b.reg); break;
	case OP_SHR: ir_alu64_reg(f, BPF_RSH, r, b.reg); break;	/* logical, as bpftrace */
	default:
		cg_error(p->cg, loc, "operator '%s' is not supported by scry's code generator yet",
			 op_str(op));
	}
	if (t && t->kind == TY_INT && t->size < 8)
		extend(p, r, t->size, t->sign);
	return reg_val(r, t);
}

static int invert(int jop)
{
	switch (jop) {
	case BPF_JEQ: return BPF_JNE;
	case BPF_JNE: return BPF_JEQ;
	case BPF_JGT: return BPF_JLE;
	case BPF_JLE: return BPF_JGT;
	case BPF_JGE: return BPF_JLT;
	case BPF_JLT: return BPF_JGE;
	case BPF_JSGT: return BPF_JSLE;
	case BPF_JSLE: return BPF_JSGT;
	case BPF_JSGE: return BPF_JSLT;
	case BPF_JSLT: return BPF_JSGE;
	}
	return jop;
}

/*
 * Conditions compile to jumps, not to a 0/1 value then a test: jump to
 * label when e's truth is when, fall through otherwise.
 */
void cg_cond(struct pcg *p, const struct node *e, int label, bool when)
{
	struct ir_func *f = &p->f;
	int64_t c;

	if (p->cg->err)
		return;
	if (e->kind == N_UNOP && e->op == '!') {
		cg_cond(p, e->l, label, !when);
		return;
	}
	if (e->kind == N_BINOP && (e->op == OP_LAND || e->op == OP_LOR)) {
		bool and = e->op == OP_LAND;

		if (and != when) {
			/* a && b false: a false or b false; a || b true: a true or b true */
			cg_cond(p, e->l, label, when);
			cg_cond(p, e->r, label, when);
		} else {
			int skip = ir_label_new(f);

			cg_cond(p, e->l, skip, !when);
			cg_cond(p, e->r, label, when);
			ir_label(f, skip);
		}
		return;
	}
	if (e->kind == N_BINOP && jmp_op(e->op, false) >= 0 && type_is_intlike(e->l->type) &&
	    type_is_intlike(e->r->type) && !cg_const(p->cg, e, &c)) {
		int jop = jmp_op(e->op, is_signed(e->l->type) || is_signed(e->r->type));
		struct val a = cg_expr(p, e->l);

		if (!when)
			jop = invert(jop);
		f->loc = (struct ir_loc){ e->loc.line, e->loc.col };
		if (cg_const(p->cg, e->r, &c) && c >= INT32_MIN && c <= INT32_MAX) {
			ir_jmp_imm(f, (uint8_t)jop, a.reg, (int32_t)c, label);
		} else {
			struct val b = cg_expr(p, e->r);

			ir_jmp_reg(f, (uint8_t)jop, a.reg, b.reg, label);
		}
		return;
	}
	{
		struct val v = cg_expr(p, e);

		if (v.mem) {
			cg_error(p->cg, e->loc, "'%s' is not a condition", type_name(v.t));
			return;
		}
		ir_jmp_imm(f, when ? BPF_JNE : BPF_JEQ, v.reg, 0, label);
	}
}

static struct val logical(struct pcg *p, const struct node *e)
{
	struct ir_func *f = &p->f;
	int r = ir_vreg(f), out = ir_label_new(f);
	struct val a, b;
	bool and = e->op == OP_LAND;

	ir_mov_imm(f, r, and ? 0 : 1);
	a = cg_expr(p, e->l);
	ir_jmp_imm(f, and ? BPF_JEQ : BPF_JNE, a.reg, 0, out);
	b = cg_expr(p, e->r);
	ir_jmp_imm(f, and ? BPF_JEQ : BPF_JNE, b.reg, 0, out);
	ir_mov_imm(f, r, and ? 1 : 0);
	ir_label(f, out);
	return reg_val(r, e->type);
}

static struct val ternary(struct pcg *p, const struct node *e)
{
	struct ir_func *f = &p->f;
	int els = ir_label_new(f), out = ir_label_new(f);
	struct val c = { 0 }, a, b, r = { .t = e->type };

	if (!e->l)	/* "x ?: y": x is the value too */
		c = cg_expr(p, e->x);
	if (type_is_intlike(e->type)) {
		r.reg = ir_vreg(f);
		if (e->l)
			cg_cond(p, e->x, els, false);
		else
			ir_jmp_imm(f, BPF_JEQ, c.reg, 0, els);
		a = e->l ? cg_expr(p, e->l) : c;
		ir_mov(f, r.reg, a.reg);
		ir_ja(f, out);
		ir_label(f, els);
		b = cg_expr(p, e->r);
		ir_mov(f, r.reg, b.reg);
		ir_label(f, out);
		return r;
	}
	r.mem = true;
	r.fp = cg_stack_zeroed(p, cg_size(e->type));
	if (e->l)
		cg_cond(p, e->x, els, false);
	else
		ir_jmp_imm(f, BPF_JEQ, c.reg, 0, els);
	a = e->l ? cg_expr(p, e->l) : c;
	copy_stack(p, r.fp, a.fp, cg_size(a.t) < cg_size(e->type) ? cg_size(a.t) : cg_size(e->type));
	ir_ja(f, out);
	ir_label(f, els);
	b = cg_expr(p, e->r);
	copy_stack(p, r.fp, b.fp, cg_size(b.t) < cg_size(e->type) ? cg_size(b.t) : cg_size(e->type));
	ir_label(f, out);
	return r;
}

static struct val tuple(struct pcg *p, const struct node *e)
{
	struct val r = { .mem = true, .t = e->type };
	const struct node *k;
	uint32_t off = 0;
	size_t i = 0;

	r.fp = cg_stack_zeroed(p, cg_size(e->type));
	for (k = e->kids; k; k = k->next, i++) {
		struct val v = cg_expr(p, k);
		const struct type *ft = i < e->type->nfields ? e->type->fields[i].type : k->type;

		if (v.mem)
			copy_stack(p, r.fp + (int)off, v.fp,
				   cg_size(v.t) < cg_size(ft) ? cg_size(v.t) : cg_size(ft));
		else
			ir_stx(&p->f, BPF_DW, BPF_REG_10, (int16_t)(r.fp + (int)off), v.reg);
		off += cg_size(ft);
	}
	return r;
}

/* args.NAME of a context of u64 arguments (fentry/fexit): the slot, then its width. */
static struct val u64_arg_field(struct pcg *p, const struct node *e, const struct type *rec)
{
	size_t i;
	int r;

	for (i = 0; i < rec->nfields; i++) {
		const struct field *f = &rec->fields[i];

		if (strcmp(f->name, e->name))
			continue;
		r = ir_vreg(&p->f);
		ir_ldx(&p->f, BPF_DW, r, p->ctx, (int16_t)f->offset);
		if (f->type->kind == TY_INT)
			extend(p, r, f->type->size, f->type->sign);
		return reg_val(r, e->type);
	}
	cg_error(p->cg, e->loc, "'%s' has no argument '%s'", rec->name, e->name);
	return imm(p, 0, e->type);
}

static struct val field(struct pcg *p, const struct node *e)
{
	if (e->flags & NF_INDEX) {
		struct val t = cg_expr(p, e->l);
		uint32_t off = 0;
		uint64_t i;

		if (!t.mem || t.t->kind != TY_TUPLE)
			goto unsupported;
		for (i = 0; i < e->ival && i < t.t->nfields; i++)
			off += cg_size(t.t->fields[i].type);
		if (type_is_intlike(e->type)) {
			int r = ir_vreg(&p->f);

			ir_ldx(&p->f, BPF_DW, r, BPF_REG_10, (int16_t)(t.fp + (int)off));
			return reg_val(r, e->type);
		}
		return (struct val){ .mem = true, .fp = t.fp + (int)off, .t = e->type };
	}
	if (e->l->kind == N_BUILTIN && !strcmp(e->l->name, "args") && p->prov->ctx_kind == PCTX_RECORD)
		return tp_field(p, e);
	if (e->l->kind == N_BUILTIN && !strcmp(e->l->name, "args") &&
	    p->prov->ctx_kind == PCTX_U64_ARGS && p->at->btf_args)
		return u64_arg_field(p, e, p->at->btf_args);
unsupported:
	cg_error(p->cg, e->loc, "this field access is not supported by scry's code generator yet");
	return imm(p, 0, e->type);
}

static struct val cast(struct pcg *p, const struct node *e)
{
	struct val v = cg_expr(p, e->l);
	const struct type *t = e->type;

	if (v.mem || !t || t->kind != TY_INT) {
		if (!v.mem && t && (t->kind == TY_PTR || t->kind == TY_BOOL))
			return reg_val(v.reg, t);
		cg_error(p->cg, e->loc, "this cast is not supported by scry's code generator yet");
		return v;
	}
	extend(p, v.reg, t->size, t->sign);
	v.t = t;
	return v;
}

/*
 * *PTR of an integer pointee (1, 2, 4 or 8 bytes): read with
 * probe_read_user when the pointer is a user one (uptr(), 'user T *'),
 * probe_read_kernel otherwise; 0 when the read faults.
 */
static struct val deref(struct pcg *p, const struct node *e, struct val v)
{
	const struct type *pt = e->l->type;
	uint32_t size = e->type && e->type->kind == TY_INT ? e->type->size : 8;
	int fp, a[3], r;

	if (size != 1 && size != 2 && size != 4 && size != 8) {
		cg_error(p->cg, e->loc, "'*' of '%s' is not supported by scry's code generator yet",
			 type_name(e->type));
		return v;
	}
	fp = cg_stack_zeroed(p, 8);
	a[0] = cg_fp_addr(p, fp);
	a[1] = imm(p, size, NULL).reg;
	a[2] = v.reg;
	cg_call(p, pt && pt->kind == TY_PTR && pt->user ? BPF_FUNC_probe_read_user :
		BPF_FUNC_probe_read_kernel, 3, a);
	r = ir_vreg(&p->f);
	ir_ldx(&p->f, bpf_size(size), r, BPF_REG_10, (int16_t)fp);
	if (e->type && e->type->kind == TY_INT)
		extend(p, r, size, e->type->sign);
	return reg_val(r, e->type);
}

/* args.ARRAY[CONST] of a tracepoint record: one integer element, straight from the record. */
static struct val tp_index(struct pcg *p, const struct node *e)
{
	const struct tp_format *fmt = p->tp ? p->tp : (p->at ? p->at->tp : NULL);
	const struct tp_field *tf;
	uint32_t esize;
	int64_t i;
	int r;

	if (e->l->kind != N_FIELD || !e->l->l || e->l->l->kind != N_BUILTIN ||
	    strcmp(e->l->l->name, "args") || p->prog_type != BPF_PROG_TYPE_TRACEPOINT || !fmt ||
	    !(tf = tp_format_field(fmt, e->l->name)) || !(tf->flags & TP_FIELD_ARRAY) ||
	    !tf->array_len || !cg_const(p->cg, e->r, &i) || !e->type || e->type->kind != TY_INT) {
		cg_error(p->cg, e->loc, "this index is not supported by scry's code generator yet");
		return imm(p, 0, e->type);
	}
	esize = tf->size / tf->array_len;
	if (i < 0 || (uint64_t)i >= tf->array_len || (esize != 1 && esize != 2 && esize != 4 && esize != 8)) {
		cg_error(p->cg, e->r->loc, "index out of bounds of '%s'", tf->name);
		return imm(p, 0, e->type);
	}
	r = ir_vreg(&p->f);
	ir_ldx(&p->f, bpf_size(esize), r, p->ctx, (int16_t)(tf->offset + (uint32_t)i * esize));
	extend(p, r, esize, e->type->sign);
	return reg_val(r, e->type);
}

static struct val unop(struct pcg *p, const struct node *e)
{
	struct val v = cg_expr(p, e->l);
	struct ir_func *f = &p->f;
	int r = ir_vreg(f), out;

	if (v.mem) {
		cg_error(p->cg, e->loc, "operator '%c' on '%s' is not supported", e->op, type_name(v.t));
		return v;
	}
	switch (e->op) {
	case '!':
		out = ir_label_new(f);
		ir_mov_imm(f, r, 1);
		ir_jmp_imm(f, BPF_JEQ, v.reg, 0, out);
		ir_mov_imm(f, r, 0);
		ir_label(f, out);
		return reg_val(r, e->type);
	case '~':
		ir_mov(f, r, v.reg);
		ir_alu64_imm(f, BPF_XOR, r, -1);
		break;
	case '-':
		ir_mov(f, r, v.reg);
		ir_neg(f, r);
		break;
	case '+':
		ir_mov(f, r, v.reg);
		break;
	case '*':
		return deref(p, e, v);
	default:
		cg_error(p->cg, e->loc, "operator '%c' is not supported by scry's code generator yet", e->op);
		return v;
	}
	if (e->type && e->type->kind == TY_INT)
		extend(p, r, e->type->size, e->type->sign);
	return reg_val(r, e->type);
}

static struct val incdec(struct pcg *p, const struct node *e)
{
	struct ir_func *f = &p->f;
	const struct node *l = e->l;
	struct val cur, one = imm(p, 1, l->type), nv;
	int old = ir_vreg(f);

	if (l->kind != N_VAR && l->kind != N_MAP) {
		cg_error(p->cg, e->loc, "'%s' on this is not supported", e->op == '+' ? "++" : "--");
		return cur = imm(p, 0, e->type);
	}
	cur = l->kind == N_VAR ? cg_var_read(p, l) : cg_map_read(p, l);
	ir_mov(f, old, cur.reg);
	nv = cg_binop_vals(p, e->op, cur, one, l->type, e->loc);
	if (l->kind == N_VAR)
		cg_var_write(p, l, nv);
	else
		cg_map_store(p, l, nv);
	return (e->flags & NF_PREFIX) ? nv : reg_val(old, e->type);
}

/*
 * Evaluates e straight into size bytes at fp, every byte written: map keys
 * and event fields are built in place, without a copy through a temporary.
 */
static void expr_to_inner(struct pcg *p, const struct node *e, int fp, uint32_t size);

void cg_expr_to(struct pcg *p, const struct node *e, int fp, uint32_t size)
{
	struct loc saved = p->expr_loc;

	if (e->kind == N_CALL)
		p->expr_loc = e->loc;
	expr_to_inner(p, e, fp, size);
	p->expr_loc = saved;
}

static void expr_to_inner(struct pcg *p, const struct node *e, int fp, uint32_t size)
{
	struct val v;
	uint32_t n, i;
	int t;

	/* a built-in may build its value right here (cgb_dest()) */
	p->dest_fp = fp;
	p->dest_size = round8(size);
	v = cg_expr(p, e);
	if (!v.mem) {
		ir_stx(&p->f, BPF_DW, BPF_REG_10, (int16_t)fp, v.reg);
		for (i = 8; i < round8(size); i += 8)
			ir_st(&p->f, BPF_DW, BPF_REG_10, (int16_t)(fp + (int)i), 0);
		return;
	}
	if (v.fp == fp) {	/* built in place: the rest of the room zeroed */
		for (i = cg_size(v.t); i < round8(size); i += 8)
			ir_st(&p->f, BPF_DW, BPF_REG_10, (int16_t)(fp + (int)i), 0);
		return;
	}
	n = cg_size(v.t) < round8(size) ? cg_size(v.t) : round8(size);
	t = ir_vreg(&p->f);
	for (i = 0; i + 8 <= n; i += 8) {
		ir_ldx(&p->f, BPF_DW, t, BPF_REG_10, (int16_t)(v.fp + (int)i));
		ir_stx(&p->f, BPF_DW, BPF_REG_10, (int16_t)(fp + (int)i), t);
	}
	for (; i < round8(size); i += 8)
		ir_st(&p->f, BPF_DW, BPF_REG_10, (int16_t)(fp + (int)i), 0);
}

/* ---- calls ---- */

static struct val do_call(struct pcg *p, const struct node *e, int dest_fp, uint32_t dest_size)
{
	const char *n = e->name;
	const struct node *args[FMT_MAX_ARGS + 1];
	const struct node *k;
	int na = 0, id;

	if (e->func && e->func->gen)
		return gen_builtin(p, e->func->gen, e, dest_fp, dest_size);
	for (k = e->kids; k && na < FMT_MAX_ARGS + 1; k = k->next)
		args[na++] = k;
	if (!strcmp(n, "printf")) {
		if (!na || args[0]->kind != N_STR) {
			cg_error(p->cg, e->loc, "printf() needs a literal format");
			return imm(p, 0, e->type);
		}
		id = add_printf(p->cg, args[0]->str, args[0]->slen, args + 1, na - 1, args[0]->loc);
		if (id < 0) {
			if (!p->cg->err)
				p->cg->err = id;
			return imm(p, 0, e->type);
		}
		event_with_args(p, CEV_PRINTF, id, args + 1, na - 1);
		return imm(p, 0, e->type);
	}
	if (!strcmp(n, "time")) {
		const char *fmt = na ? args[0]->str : "%H:%M:%S\n";
		size_t len = na ? args[0]->slen : strlen(fmt);
		int fp;

		id = add_printf(p->cg, fmt, len, NULL, 0, e->loc);
		if (id < 0)
			return imm(p, 0, e->type);
		fp = ir_stack(&p->f, 8);
		ir_stx(&p->f, BPF_DW, BPF_REG_10, (int16_t)fp,
		       imm(p, (int64_t)CEVENT_HDR(CEV_TIME, id), NULL).reg);
		cg_emit_event(p, fp, 8);
		return imm(p, 0, e->type);
	}
	if (!strcmp(n, "strftime") && na == 2 && args[0]->kind == N_STR) {
		/* the time now, and which format: user space formats it */
		struct val ts = cg_expr(p, args[1]);
		int fp = cg_stack_zeroed(p, 16);

		id = add_printf(p->cg, args[0]->str, args[0]->slen, NULL, 0, e->loc);
		if (id < 0)
			return imm(p, 0, e->type);
		ir_stx(&p->f, BPF_DW, BPF_REG_10, (int16_t)fp, ts.reg);
		ir_st(&p->f, BPF_W, BPF_REG_10, (int16_t)(fp + 8), id);
		return (struct val){ .mem = true, .fp = fp, .t = e->type };
	}
	if (!strcmp(n, "exit")) {
		int fp = ir_stack(&p->f, 16);
		struct val code = na ? cg_expr(p, args[0]) : imm(p, 0, NULL);

		ir_stx(&p->f, BPF_DW, BPF_REG_10, (int16_t)fp, imm(p, (int64_t)CEVENT_HDR(CEV_EXIT, 0), NULL).reg);
		ir_stx(&p->f, BPF_DW, BPF_REG_10, (int16_t)(fp + 8), code.reg);
		cg_emit_event(p, fp, 16);
		if (p->cg->cp->exit_map >= 0) {
			int flag = ir_vreg(&p->f);

			ir_ld_map_value(&p->f, flag, cg_map_ref(p, p->cg->cp->exit_map), 0);
			ir_st(&p->f, BPF_DW, flag, 0, 1);
		}
		ir_ja(&p->f, p->exit_label);
		return imm(p, 0, e->type);
	}
	if (!strcmp(n, "print") || !strcmp(n, "clear") || !strcmp(n, "zero")) {
		enum cevent kind = n[0] == 'p' ? CEV_PRINT_MAP : n[0] == 'c' ? CEV_CLEAR_MAP : CEV_ZERO_MAP;
		int fp, m;
		int64_t top = 0, div = 0;

		if (na && args[0]->kind != N_MAP && kind == CEV_PRINT_MAP) {
			/* print(value): the value travels, user space prints it as bpftrace does */
			id = add_printf(p->cg, "", 0, args, 1, e->loc);
			if (id < 0)
				return imm(p, 0, e->type);
			event_with_args(p, CEV_PRINT_VALUE, id, args, 1);
			return imm(p, 0, e->type);
		}
		if (!na || args[0]->kind != N_MAP) {
			cg_error(p->cg, e->loc, "%s() takes a map", n);
			return imm(p, 0, e->type);
		}
		m = cg_map_index(p->cg, args[0]->map);
		if (na > 1 && !cg_const(p->cg, args[1], &top))
			cg_error(p->cg, args[1]->loc, "print(): top must be a constant");
		if (na > 2 && !cg_const(p->cg, args[2], &div))
			cg_error(p->cg, args[2]->loc, "print(): div must be a constant");
		fp = ir_stack(&p->f, 24);
		ir_stx(&p->f, BPF_DW, BPF_REG_10, (int16_t)fp, imm(p, (int64_t)CEVENT_HDR(kind, m), NULL).reg);
		ir_st(&p->f, BPF_DW, BPF_REG_10, (int16_t)(fp + 8), (int32_t)top);
		ir_st(&p->f, BPF_DW, BPF_REG_10, (int16_t)(fp + 16), (int32_t)div);
		cg_emit_event(p, fp, 24);
		return imm(p, 0, e->type);
	}
	if (!strcmp(n, "delete")) {
		cg_map_delete(p, e);
		return imm(p, 0, e->type);
	}
	if (!strcmp(n, "len") && na == 1 && args[0]->kind == N_MAP && args[0]->map) {
		/* the kernel counts a hash map's elements: bpf_map_sum_elem_count() */
		const struct lang_env *env = p->cg->env;
		int kid = env->btf_func_id ? env->btf_func_id(env->ctx, "bpf_map_sum_elem_count") : -ENOENT;
		int r;

		if (kid < 0) {
			cg_error(p->cg, e->loc, "len() needs the kernel function bpf_map_sum_elem_count "
				 "(Linux 6.6 or later, with BTF)");
			return imm(p, 0, e->type);
		}
		ir_ld_map(&p->f, BPF_REG_1, cg_map_ref(p, cg_map_index(p->cg, args[0]->map)));
		ir_call_kfunc(&p->f, kid, 1);
		r = ir_vreg(&p->f);
		ir_mov(&p->f, r, BPF_REG_0);
		return reg_val(r, e->type);
	}
	if (!strcmp(n, "has_key"))
		return cg_map_has_key(p, e);
	cg_error(p->cg, e->loc, "%s() is not supported by scry's code generator yet", n);
	return imm(p, 0, e->type);
}

static struct val expr_inner(struct pcg *p, const struct node *e)
{
	int dest_fp = p->dest_fp;
	uint32_t dest_size = p->dest_size;	/* for e itself only */
	struct val a, b;
	int64_t c;

	p->dest_size = 0;
	if (p->cg->err)
		return imm(p, 0, e->type);
	p->f.loc = (struct ir_loc){ e->loc.line, e->loc.col };
	switch (e->kind) {
	case N_INT:
	case N_BOOL:
		return imm(p, (int64_t)e->ival, e->type);
	case N_STR:
		return string_const(p, e->str, e->slen, e->type);
	case N_POSPARAM:
		if (cg_const(p->cg, e, &c))
			return imm(p, c, e->type);
		cg_error(p->cg, e->loc, "positional parameter is not a number");
		return imm(p, 0, e->type);
	case N_BUILTIN:
		return builtin(p, e, dest_fp, dest_size);
	case N_VAR:
		return cg_var_read(p, e);
	case N_MAP:
		return cg_map_read(p, e);
	case N_CALL:
		return do_call(p, e, dest_fp, dest_size);
	case N_UNOP:
		return unop(p, e);
	case N_INDEX:
		return tp_index(p, e);
	case N_BINOP:
		if (e->op == OP_LAND || e->op == OP_LOR)
			return logical(p, e);
		if (cg_const(p->cg, e, &c))
			return imm(p, c, e->type);
		a = cg_expr(p, e->l);
		b = cg_expr(p, e->r);
		return cg_binop_vals(p, e->op, a, b, e->type, e->loc);
	case N_TERNARY:
		return ternary(p, e);
	case N_CAST:
		return cast(p, e);
	case N_FIELD:
		return field(p, e);
	case N_TUPLE:
		return tuple(p, e);
	case N_SIZEOF:
		return imm(p, e->cast_type ? e->cast_type->size : e->l && e->l->type ? e->l->type->size : 0,
			   e->type);
	case N_INCDEC:
		return incdec(p, e);
	default:
		cg_error(p->cg, e->loc, "this expression is not supported by scry's code generator yet");
		return imm(p, 0, e->type);
	}
}

/* A call's helpers are reported at the call (-k), not at its last argument. */
struct val cg_expr(struct pcg *p, const struct node *e)
{
	struct loc saved = p->expr_loc;
	struct val v;

	if (e->kind == N_CALL)
		p->expr_loc = e->loc;
	v = expr_inner(p, e);
	p->expr_loc = saved;
	return v;
}
