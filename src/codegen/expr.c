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

/* A member inside a struct or array value: integers keep their C width, char[N] is a string. */
static int member_vtype(const struct type *t, struct vtype *vt)
{
	int err;

	if (t && t->kind == TY_ARRAY && t->elem && t->elem->kind == TY_INT && t->elem->chr) {
		memset(vt, 0, sizeof(*vt));
		vt->kind = VT_STR;
		vt->size = t->nelem;
		return 0;
	}
	err = cg_vtype(t, vt);
	if (!err && t && (t->kind == TY_INT || t->kind == TY_BOOL)) {
		vt->size = t->size ? t->size : 1;
	} else if (!err && t && (t->kind == TY_RECORD || t->kind == TY_ARRAY)) {
		vt->size = type_sizeof(t);
	}
	return err;
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
	case TY_RECORD:
		vt->kind = VT_RECORD;
		vt->fields = calloc(t->nfields + 1, sizeof(*vt->fields));
		if (!vt->fields)
			return -ENOMEM;
		for (i = 0; i < t->nfields; i++) {
			const struct field *f = &t->fields[i];
			struct vfield *vf = &vt->fields[vt->nr_fields++];
			int err = member_vtype(f->type, &vf->type);

			vf->offset = f->offset;
			vf->name = strdup(f->name ? f->name : "");
			if (err || !vf->name)
				return err ?: -ENOMEM;
			if (f->bit_size) {
				vf->type.bit_offset = f->bit_offset;
				vf->type.bit_size = f->bit_size;
				vf->type.size = (f->bit_offset + f->bit_size + 7) / 8;
			}
		}
		return 0;
	case TY_ARRAY: {
		int err;

		vt->kind = VT_ARRAY;
		vt->fields = calloc(1, sizeof(*vt->fields));
		if (!vt->fields)
			return -ENOMEM;
		vt->nr_fields = 1;
		vt->nelem = t->nelem;
		vt->stride = type_sizeof(t->elem);
		err = member_vtype(t->elem, &vt->fields[0].type);
		return err;
	}
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
	case TY_BOOL:
		if (t->name) {	/* true/false, 'bool': printed as such */
			vt->kind = VT_FORMATTED;
			vt->size = 8;
			vt->format = cg_format_bool;
			return 0;
		}
		/* fall through */
	case TY_INT:
	case TY_PTR:
	case TY_UNKNOWN:
	default:
		vt->kind = VT_INT;
		vt->size = 8;
		/* pointers print as bpftrace prints them: signed 64-bit */
		vt->sign = t->kind == TY_INT ? t->sign : t->kind == TY_PTR;
		if (t->kind == TY_INT && t->nenumerators) {
			vt->enums = calloc(t->nenumerators, sizeof(*vt->enums));
			if (!vt->enums)
				return -ENOMEM;
			for (i = 0; i < t->nenumerators; i++) {
				vt->enums[i].value = t->enumerators[i].value;
				vt->enums[i].name = strdup(t->enumerators[i].name);
				vt->nr_enums++;
				if (!vt->enums[i].name)
					return -ENOMEM;
			}
		}
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

/*
 * Two values on the stack equal: strings up to the first NUL (or the
 * shorter size), byte by byte; structs and arrays byte for byte, 8 at a
 * time (their slots are zeroed past the size).  1 or 0 (ne: inverted).
 */
static struct val stack_eq(struct pcg *p, struct val a, struct val b, bool ne, bool strings)
{
	struct ir_func *f = &p->f;
	uint32_t n, i, step = strings ? 1 : 8;
	int r = ir_vreg(f), x = ir_vreg(f), y = ir_vreg(f), differ = ir_label_new(f),
	    same = ir_label_new(f), out = ir_label_new(f);

	if (strings)
		n = a.t->size < b.t->size ? a.t->size : b.t->size;
	else
		n = cg_size(a.t) < cg_size(b.t) ? cg_size(a.t) : cg_size(b.t);
	for (i = 0; i + step <= n; i += step) {
		ir_ldx(f, strings ? BPF_B : BPF_DW, x, BPF_REG_10, (int16_t)(a.fp + (int)i));
		ir_ldx(f, strings ? BPF_B : BPF_DW, y, BPF_REG_10, (int16_t)(b.fp + (int)i));
		ir_jmp_reg(f, BPF_JNE, x, y, differ);
		if (strings)
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
			return stack_eq(p, a, b, op == OP_NE, true);
		if (a.mem && b.mem && (a.t->kind == TY_RECORD || a.t->kind == TY_ARRAY) &&
		    (op == OP_EQ || op == OP_NE))
			return stack_eq(p, a, b, op == OP_NE, false);
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

/*
 * args.NAME of a context of u64 arguments (fentry/fexit): the slot, then
 * its width.  regs: of a user probe (a record typed from DWARF, a field per
 * parameter at 8 * its position), the parameter's argument register; those
 * past the sixth, or not of a register's size, are on the stack.
 */
static struct val u64_arg_field(struct pcg *p, const struct node *e, const struct type *rec,
				bool regs)
{
	size_t i;
	int r;

	for (i = 0; i < rec->nfields; i++) {
		const struct field *f = &rec->fields[i];

		if (strcmp(f->name, e->name))
			continue;
		if (regs && (f->offset / 8 >= PT_NR_ARGS || !type_is_intlike(f->type))) {
			cg_error(p->cg, e->loc, "argument '%s' is not passed in a register: scry cannot "
				 "read it yet", e->name);
			return imm(p, 0, e->type);
		}
		r = ir_vreg(&p->f);
		ir_ldx(&p->f, BPF_DW, r, p->ctx, regs ? pt_args[f->offset / 8] : (int16_t)f->offset);
		if (f->type->kind == TY_INT)
			extend(p, r, f->type->size, f->type->sign);
		return reg_val(r, e->type);
	}
	cg_error(p->cg, e->loc, "'%s' has no argument '%s'", rec->name, e->name);
	return imm(p, 0, e->type);
}

/*
 * PTR->NAME where PTR points to a struct whose layout the checker knows
 * (iter's ctx, the structs reached from it): ctx's own fields are loaded
 * from the context, the others read with probe_read_kernel, or
 * probe_read_user for a user pointer (0 if it faults).
 */
static struct val ptr_field(struct pcg *p, const struct node *e, const struct type *rec)
{
	const struct field *f = NULL;
	const struct type *t = e->type;
	uint32_t size;
	size_t i;
	int fp, a[3], r, base;

	for (i = 0; i < rec->nfields && !f; i++)
		if (!strcmp(rec->fields[i].name, e->name))
			f = &rec->fields[i];
	if (!f || !t)
		goto unsupported;
	size = t->kind == TY_INT ? t->size : t->kind == TY_PTR ? 8 : t->kind == TY_STR ? t->size : 0;
	if (!size)
		goto unsupported;
	/* (a pointer is read as a number: the verifier allows no arithmetic on a BTF one) */
	if (e->l->kind == N_BUILTIN && !strcmp(e->l->name, "ctx") && t->kind == TY_INT) {
		r = ir_vreg(&p->f);
		ir_ldx(&p->f, bpf_size(size), r, p->ctx, (int16_t)f->offset);
		if (t->kind == TY_INT)
			extend(p, r, size, t->sign);
		return reg_val(r, t);
	}
	base = e->l->kind == N_BUILTIN && !strcmp(e->l->name, "ctx") ? p->ctx : cg_expr(p, e->l).reg;
	fp = cg_stack_zeroed(p, size);
	a[0] = cg_fp_addr(p, fp);
	a[1] = imm(p, size, NULL).reg;
	a[2] = ir_vreg(&p->f);
	ir_mov(&p->f, a[2], base);
	ir_alu64_imm(&p->f, BPF_ADD, a[2], (int32_t)f->offset);
	if (e->l->type->user)	/* a struct in user memory ('user T *', uptr()) */
		cg_call(p, t->kind == TY_STR ? BPF_FUNC_probe_read_user_str : BPF_FUNC_probe_read_user,
			3, a);
	else
		cg_call(p, t->kind == TY_STR ? BPF_FUNC_probe_read_kernel_str :
			BPF_FUNC_probe_read_kernel, 3, a);
	if (t->kind == TY_STR)
		return (struct val){ .mem = true, .fp = fp, .t = t };
	r = ir_vreg(&p->f);
	ir_ldx(&p->f, bpf_size(size), r, BPF_REG_10, (int16_t)fp);
	if (t->kind == TY_INT)
		extend(p, r, size, t->sign);
	return reg_val(r, t);
unsupported:
	cg_error(p->cg, e->loc, "this field access is not supported by scry's code generator yet");
	return imm(p, 0, e->type);
}

/* ---- memory: struct members, array elements, pointers ---- */

/*
 * Where an lvalue lives: bytes of this program's stack (a struct or array
 * value held in a variable, a map value), or an address in kernel or user
 * memory, read with the helper of that address space.
 */
struct place {
	bool stack;
	int fp;		/* stack: offset from r10 */
	int reg;	/* !stack: a register with the address */
	bool user;	/* !stack: user memory (probe_read_user) */
};

static bool place_of(struct pcg *p, const struct node *e, struct place *pl);

static bool is_args(const struct node *e)
{
	return e->kind == N_BUILTIN && !strcmp(e->name, "args");
}

/* A place offset by off bytes (a register of its own: the base may be reused). */
static void place_add(struct pcg *p, struct place *pl, int64_t off)
{
	int r;

	if (pl->stack) {
		pl->fp += (int)off;
		return;
	}
	r = ir_vreg(&p->f);
	ir_mov(&p->f, r, pl->reg);
	if (off)
		ir_alu64_imm(&p->f, BPF_ADD, r, (int32_t)off);
	pl->reg = r;
}

/* The place as an address in a register (a stack place becomes r10 + fp, read as kernel memory). */
static void place_reg(struct pcg *p, struct place *pl)
{
	if (pl->stack) {
		pl->reg = cg_fp_addr(p, pl->fp);
		pl->stack = false;
		pl->user = false;
	}
}

/* Copies size bytes at pl into the stack slot dst. */
static void place_read(struct pcg *p, struct place pl, int dst, uint32_t size)
{
	int a[3];

	if (pl.stack && !(pl.fp & 7)) {
		copy_stack(p, dst, pl.fp, size);
		return;
	}
	place_reg(p, &pl);
	a[0] = cg_fp_addr(p, dst);
	a[1] = imm(p, size, NULL).reg;
	a[2] = pl.reg;
	cg_call(p, pl.user ? BPF_FUNC_probe_read_user : BPF_FUNC_probe_read_kernel, 3, a);
}

/* The value of type t at pl: integers and pointers in a register, the rest copied to the stack. */
static struct val place_load(struct pcg *p, const struct node *e, struct place pl, const struct type *t,
			     const struct field *bits)
{
	uint32_t size = t->kind == TY_STR ? t->size : type_sizeof(t);
	int fp, r;

	if (t->kind == TY_STR || t->kind == TY_RECORD || t->kind == TY_ARRAY || t->kind == TY_BUF) {
		if (cg_size(t) > 256) {
			cg_error(p->cg, e->loc, "'%s' is %u bytes: too large to copy to the BPF stack (256 at most)",
				 type_name(t), size);
			return imm(p, 0, t);
		}
		fp = cg_stack_zeroed(p, cg_size(t));
		place_read(p, pl, fp, size);
		return (struct val){ .mem = true, .fp = fp, .t = t };
	}
	if (bits && bits->bit_size) {
		uint32_t n = (bits->bit_offset + bits->bit_size + 7) / 8;

		fp = cg_stack_zeroed(p, 8);
		place_read(p, pl, fp, n);
		r = ir_vreg(&p->f);
		ir_ldx(&p->f, BPF_DW, r, BPF_REG_10, (int16_t)fp);
		/* to the top, then back down with the sign: bits [off, off+size) */
		ir_alu64_imm(&p->f, BPF_LSH, r, 64 - bits->bit_offset - bits->bit_size);
		ir_alu64_imm(&p->f, t->kind == TY_INT && t->sign ? BPF_ARSH : BPF_RSH, r,
			     64 - bits->bit_size);
		return reg_val(r, e->type);
	}
	if (size != 1 && size != 2 && size != 4 && size != 8)
		size = 8;
	r = ir_vreg(&p->f);
	if (pl.stack) {
		ir_ldx(&p->f, bpf_size(size), r, BPF_REG_10, (int16_t)pl.fp);
	} else {
		fp = cg_stack_zeroed(p, 8);
		place_read(p, pl, fp, size);
		ir_ldx(&p->f, bpf_size(size), r, BPF_REG_10, (int16_t)fp);
	}
	if (t->kind == TY_INT)
		extend(p, r, size, t->sign);
	return reg_val(r, e->type);
}

/* The member of rec that e (an N_FIELD) names. */
static const struct field *member(const struct type *rec, const struct node *e)
{
	return rec && rec->kind == TY_RECORD ? type_field(rec, e->name) : NULL;
}

/* A value in memory as a place: a struct/array on the stack. */
static bool value_place(struct pcg *p, const struct node *e, struct place *pl)
{
	struct val v = cg_expr(p, e);

	if (!v.mem)
		return false;
	*pl = (struct place){ .stack = true, .fp = v.fp };
	return true;
}

/* The element e->r of array or pointer e->l: its place (a variable index is bounds-checked). */
static bool index_place(struct pcg *p, const struct node *e, struct place *pl)
{
	const struct type *lt = e->l->type;
	const struct type *el = lt->elem;
	uint32_t esize = el && el->kind != TY_NONE ? type_sizeof(el) : 1;
	int64_t i;

	if (lt->kind == TY_PTR) {
		struct val b = cg_expr(p, e->l);

		if (b.mem)
			return false;
		*pl = (struct place){ .reg = b.reg, .user = lt->user };
	} else if (lt->kind == TY_ARRAY) {
		if (!place_of(p, e->l, pl) && !value_place(p, e->l, pl))
			return false;
	} else {
		return false;
	}
	if (cg_const(p->cg, e->r, &i)) {
		place_add(p, pl, i * (int64_t)esize);
		return true;
	}
	{
		struct val ix = cg_expr(p, e->r);
		int r = ir_vreg(&p->f), bad = ir_label_new(&p->f), out = ir_label_new(&p->f);

		place_reg(p, pl);
		if (lt->kind == TY_ARRAY) {
			/* out of bounds: address 0, which reads as zeroes (and fails -kk) */
			ir_jmp_imm(&p->f, BPF_JGE, ix.reg, (int32_t)lt->nelem, bad);
		}
		ir_mov(&p->f, r, ix.reg);
		ir_alu64_imm(&p->f, BPF_MUL, r, (int32_t)esize);
		ir_alu64_reg(&p->f, BPF_ADD, r, pl->reg);
		ir_ja(&p->f, out);
		ir_label(&p->f, bad);
		ir_mov_imm(&p->f, r, 0);
		ir_label(&p->f, out);
		pl->reg = r;
	}
	return true;
}

/* The place of lvalue e: '*p', 'p->f', 's.f', 'a[i]'; false when e is not one. */
static bool place_of(struct pcg *p, const struct node *e, struct place *pl)
{
	const struct field *f;
	struct val v;

	switch (e->kind) {
	case N_UNOP:
		if (e->op != '*' || !e->l->type || e->l->type->kind != TY_PTR)
			return false;
		v = cg_expr(p, e->l);
		*pl = (struct place){ .reg = v.reg, .user = e->l->type->user };
		return !v.mem;
	case N_FIELD:
		if ((e->flags & NF_INDEX) || is_args(e->l) || !e->l->type)
			return false;
		if (e->l->type->kind == TY_PTR) {
			f = member(e->l->type->elem, e);
			if (!f)
				return false;
			v = cg_expr(p, e->l);
			*pl = (struct place){ .reg = v.reg, .user = e->l->type->user };
			place_add(p, pl, f->offset);
			return !v.mem;
		}
		f = member(e->l->type, e);
		if (!f)
			return false;
		if (!place_of(p, e->l, pl) && !value_place(p, e->l, pl))
			return false;
		place_add(p, pl, f->offset);
		return true;
	case N_INDEX:
		if (!e->l->type || (e->l->type->kind != TY_PTR && e->l->type->kind != TY_ARRAY))
			return false;
		return index_place(p, e, pl);
	default:
		return false;
	}
}

/* The field of e (N_FIELD) in its record, when it has one. */
static const struct field *field_of(const struct node *e)
{
	const struct type *lt = e->l->type;

	if (!lt || e->kind != N_FIELD || (e->flags & NF_INDEX))
		return NULL;
	return member(lt->kind == TY_PTR ? lt->elem : lt, e);
}

/* Reads lvalue e (a member, an element, '*p') with the type the checker gave it. */
static struct val mem_load(struct pcg *p, const struct node *e)
{
	struct place pl;

	if (!place_of(p, e, &pl)) {
		cg_error(p->cg, e->loc, "this access of '%s' is not supported by scry's code generator yet",
			 type_name(e->l->type));
		return imm(p, 0, e->type);
	}
	return place_load(p, e, pl, e->type, e->kind == N_FIELD ? field_of(e) : NULL);
}

static struct val field(struct pcg *p, const struct node *e)
{
	const struct type *lt = e->l ? e->l->type : NULL;

	/* ctx's own fields are loaded from the context itself */
	if ((e->flags & NF_ARROW) && e->l->kind == N_BUILTIN && !strcmp(e->l->name, "ctx") && lt &&
	    lt->kind == TY_PTR && lt->elem && lt->elem->kind == TY_RECORD && lt->elem->defined)
		return ptr_field(p, e, lt->elem);
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
		return u64_arg_field(p, e, p->at->btf_args, false);
	if (e->l->kind == N_BUILTIN && !strcmp(e->l->name, "args") && p->prov->ctx_kind == PCTX_REGS &&
	    (p->prov->ctx & CTX_DWARF) && e->l->type && e->l->type->kind == TY_RECORD)
		return u64_arg_field(p, e, e->l->type, true);
	if (!is_args(e->l))
		return mem_load(p, e);
unsupported:
	cg_error(p->cg, e->loc, "this field access is not supported by scry's code generator yet");
	return imm(p, 0, e->type);
}

static struct val cast(struct pcg *p, const struct node *e)
{
	struct val v = cg_expr(p, e->l);
	const struct type *t = e->type;

	if (t && t->kind == TY_ARRAY) {
		/* (int8[4])n: the integer's bytes as an array; an array as another of its size */
		int fp = cg_stack_zeroed(p, cg_size(t));

		if (v.mem)
			copy_stack(p, fp, v.fp, cg_size(t) < cg_size(v.t) ? cg_size(t) : cg_size(v.t));
		else
			ir_stx(&p->f, BPF_DW, BPF_REG_10, (int16_t)fp, v.reg);
		return (struct val){ .mem = true, .fp = fp, .t = t };
	}
	if (v.mem || !t || t->kind != TY_INT) {
		if (!v.mem && t && t->kind == TY_BOOL) {	/* (bool)x: 0 or 1 */
			int r = ir_vreg(&p->f), zero = ir_label_new(&p->f);

			ir_mov_imm(&p->f, r, 0);
			ir_jmp_imm(&p->f, BPF_JEQ, v.reg, 0, zero);
			ir_mov_imm(&p->f, r, 1);
			ir_label(&p->f, zero);
			return reg_val(r, t);
		}
		if (!v.mem && t && t->kind == TY_PTR)
			return reg_val(v.reg, t);
		cg_error(p->cg, e->loc, "this cast is not supported by scry's code generator yet");
		return v;
	}
	extend(p, v.reg, t->size, t->sign);
	v.t = t;
	return v;
}

/* *PTR: the pointee, read with the helper of the pointer's address space. */
static struct val deref(struct pcg *p, const struct node *e, struct val v)
{
	struct place pl = { .reg = v.reg, .user = e->l->type && e->l->type->user };

	return place_load(p, e, pl, e->type, NULL);
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
	    !tf->array_len || !cg_const(p->cg, e->r, &i) || !e->type || e->type->kind != TY_INT)
		return mem_load(p, e);
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

/* &lvalue: the address of a member or element in kernel or user memory. */
static struct val address_of(struct pcg *p, const struct node *e)
{
	struct place pl;

	if (!place_of(p, e->l, &pl) || pl.stack) {
		cg_error(p->cg, e->loc, "'&' needs a member or an element in memory, not a value");
		return imm(p, 0, e->type);
	}
	return reg_val(pl.reg, e->type);
}

static struct val unop(struct pcg *p, const struct node *e)
{
	struct val v;
	struct ir_func *f = &p->f;
	int r, out;

	if (e->op == '&')
		return address_of(p, e);
	v = cg_expr(p, e->l);
	r = ir_vreg(f);

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
	if (e->func && e->func->gen)
		return gen_builtin(p, e->func->gen, e, dest_fp, dest_size);
	cg_error(p->cg, e->loc, "%s() is not supported by scry's code generator yet", e->name);
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
		if ((e->op == '+' || e->op == '-') && e->l->type && e->l->type->kind == TY_PTR &&
		    !b.mem && e->r->type && e->r->type->kind != TY_PTR) {
			/* pointer arithmetic counts in elements, as C */
			const struct type *el = e->l->type->elem;
			uint32_t sz = el && el->kind != TY_NONE ? type_sizeof(el) : 1;

			if (sz > 1) {
				int r = ir_vreg(&p->f);

				ir_mov(&p->f, r, b.reg);
				ir_alu64_imm(&p->f, BPF_MUL, r, (int32_t)sz);
				b.reg = r;
			}
		}
		return cg_binop_vals(p, e->op, a, b, e->type, e->loc);
	case N_TERNARY:
		return ternary(p, e);
	case N_CAST:
		return cast(p, e);
	case N_FIELD:
		return field(p, e);
	case N_TUPLE:
		return tuple(p, e);
	case N_IDENT:
		return imm(p, (int64_t)e->ival, e->type);	/* an enum or header constant */
	case N_SIZEOF:
	case N_OFFSETOF:
		return imm(p, e->cval, e->type);	/* folded by the checker */
	case N_INCDEC:
		return incdec(p, e);
	case N_BLOCKEXPR:
		return cg_block_value(p, e);
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
