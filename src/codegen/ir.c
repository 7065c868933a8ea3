// SPDX-License-Identifier: GPL-2.0
/* Building and printing IR functions.  Lowering is in regalloc.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/ir.h"
#include "codegen/bpf/disasm.h"

void ir_func_release(struct ir_func *f)
{
	size_t i;

	for (i = 0; i < f->nr_subs; i++)
		ir_func_release(&f->subs[i]);
	free(f->subs);
	free(f->insns);
	memset(f, 0, sizeof(*f));
}

static struct ir_insn *ir_new(struct ir_func *f, enum ir_kind kind)
{
	struct ir_insn *i;

	if (f->err)
		return NULL;
	if (f->len == f->alloc) {
		size_t na = f->alloc ? f->alloc * 2 : 64;
		struct ir_insn *n = realloc(f->insns, na * sizeof(*n));

		if (!n) {
			f->err = -ENOMEM;
			return NULL;
		}
		f->insns = n;
		f->alloc = na;
	}
	i = &f->insns[f->len++];
	memset(i, 0, sizeof(*i));
	i->kind = kind;
	i->dst = i->src = IR_NOREG;
	i->loc = f->loc;
	return i;
}

int ir_vreg(struct ir_func *f)
{
	return IR_VREG0 + f->nr_vregs++;
}

int ir_label_new(struct ir_func *f)
{
	return f->nr_labels++;
}

void ir_label(struct ir_func *f, int label)
{
	struct ir_insn *i = ir_new(f, IR_LABEL);

	if (i)
		i->label = label;
}

int ir_stack(struct ir_func *f, int size)
{
	int sz = (size + 7) & ~7;

	if (size <= 0 || f->stack + sz > IR_MAX_FRAME) {
		if (!f->err)
			f->err = -E2BIG;
		return -8;
	}
	f->stack += sz;
	if (f->stack > f->stack_max)
		f->stack_max = f->stack;
	return -f->stack;
}

int ir_frame_rebase(struct ir_func *f)
{
	int base = ir_vreg(f);
	size_t k;

	for (k = 0; k < f->len; k++) {
		if (f->insns[k].dst == BPF_REG_10)
			f->insns[k].dst = base;
		if (f->insns[k].src == BPF_REG_10)
			f->insns[k].src = base;
	}
	return base;
}

void ir_move_tail(struct ir_func *f, size_t from, size_t to)
{
	size_t n = f->len - from;
	struct ir_insn *tmp;

	if (f->err || from <= to || !n)
		return;
	tmp = malloc(n * sizeof(*tmp));
	if (!tmp) {
		f->err = -ENOMEM;
		return;
	}
	memcpy(tmp, f->insns + from, n * sizeof(*tmp));
	memmove(f->insns + to + n, f->insns + to, (from - to) * sizeof(*tmp));
	memcpy(f->insns + to, tmp, n * sizeof(*tmp));
	free(tmp);
}

static void bpf(struct ir_func *f, uint8_t code, int dst, int src, int16_t off, int32_t imm)
{
	struct ir_insn *i = ir_new(f, IR_BPF);

	if (!i)
		return;
	i->code = code;
	i->dst = dst;
	i->src = src;
	i->off = off;
	i->imm = imm;
}

void ir_alu64_imm(struct ir_func *f, uint8_t op, int dst, int32_t imm)
{
	bpf(f, BPF_ALU64 | op | BPF_K, dst, IR_NOREG, 0, imm);
}

void ir_alu64_reg(struct ir_func *f, uint8_t op, int dst, int src)
{
	bpf(f, BPF_ALU64 | op | BPF_X, dst, src, 0, 0);
}

void ir_alu32_imm(struct ir_func *f, uint8_t op, int dst, int32_t imm)
{
	bpf(f, BPF_ALU | op | BPF_K, dst, IR_NOREG, 0, imm);
}

void ir_alu32_reg(struct ir_func *f, uint8_t op, int dst, int src)
{
	bpf(f, BPF_ALU | op | BPF_X, dst, src, 0, 0);
}

void ir_mov_imm(struct ir_func *f, int dst, int32_t imm)
{
	ir_alu64_imm(f, BPF_MOV, dst, imm);
}

void ir_mov(struct ir_func *f, int dst, int src)
{
	ir_alu64_reg(f, BPF_MOV, dst, src);
}

void ir_neg(struct ir_func *f, int dst)
{
	bpf(f, BPF_ALU64 | BPF_NEG | BPF_K, dst, IR_NOREG, 0, 0);
}

void ir_ld_imm64(struct ir_func *f, int dst, uint64_t imm)
{
	struct ir_insn *i = ir_new(f, IR_LD_IMM64);

	if (!i)
		return;
	i->dst = dst;
	i->imm64 = imm;
}

void ir_ld_btf_var(struct ir_func *f, int dst, int32_t btf_id)
{
	ir_ld_imm64(f, dst, (uint64_t)(uint32_t)btf_id);
	if (!f->err && f->len)
		f->insns[f->len - 1].btf_var = true;
}

void ir_ldx(struct ir_func *f, uint8_t size, int dst, int src, int16_t off)
{
	bpf(f, BPF_LDX | BPF_MEM | size, dst, src, off, 0);
}

void ir_stx(struct ir_func *f, uint8_t size, int dst, int16_t off, int src)
{
	bpf(f, BPF_STX | BPF_MEM | size, dst, src, off, 0);
}

void ir_st(struct ir_func *f, uint8_t size, int dst, int16_t off, int32_t imm)
{
	bpf(f, BPF_ST | BPF_MEM | size, dst, IR_NOREG, off, imm);
}

void ir_atomic(struct ir_func *f, uint8_t size, uint8_t op, int dst, int16_t off, int src)
{
	bpf(f, BPF_STX | BPF_ATOMIC | size, dst, src, off, op);
}

void ir_ld_map(struct ir_func *f, int dst, uint32_t map_idx)
{
	struct ir_insn *i = ir_new(f, IR_LD_MAP);

	if (!i)
		return;
	i->dst = dst;
	i->map_idx = map_idx;
}

void ir_ld_map_value(struct ir_func *f, int dst, uint32_t map_idx, uint32_t off)
{
	struct ir_insn *i = ir_new(f, IR_LD_MAP_VALUE);

	if (!i)
		return;
	i->dst = dst;
	i->map_idx = map_idx;
	i->map_off = off;
}

int ir_sub_add(struct ir_func *f, struct ir_func *sub)
{
	struct ir_func *n;

	if (f->err || sub->err) {
		f->err = f->err ?: sub->err;
		ir_func_release(sub);
		return -1;
	}
	n = realloc(f->subs, (f->nr_subs + 1) * sizeof(*n));
	if (!n) {
		f->err = -ENOMEM;
		ir_func_release(sub);
		return -1;
	}
	f->subs = n;
	f->subs[f->nr_subs] = *sub;
	memset(sub, 0, sizeof(*sub));
	return (int)f->nr_subs++;
}

void ir_ld_func(struct ir_func *f, int dst, int index)
{
	struct ir_insn *i = ir_new(f, IR_LD_FUNC);

	if (!i)
		return;
	i->dst = dst;
	i->label = index;
}

void ir_call(struct ir_func *f, int32_t helper, int nargs)
{
	struct ir_insn *i = ir_new(f, IR_CALL);

	if (!i)
		return;
	i->imm = helper;
	i->nargs = nargs;
}

void ir_call_kfunc(struct ir_func *f, int32_t btf_id, int nargs)
{
	struct ir_insn *i = ir_new(f, IR_CALL);

	if (!i)
		return;
	i->imm = btf_id;
	i->nargs = nargs;
	i->kfunc = true;
}

void ir_exit(struct ir_func *f)
{
	bpf(f, BPF_JMP | BPF_EXIT, IR_NOREG, IR_NOREG, 0, 0);
}

static void jump(struct ir_func *f, uint8_t code, int dst, int src, int32_t imm, int label)
{
	struct ir_insn *i = ir_new(f, IR_JUMP);

	if (!i)
		return;
	i->code = code;
	i->dst = dst;
	i->src = src;
	i->imm = imm;
	i->label = label;
}

void ir_ja(struct ir_func *f, int label)
{
	jump(f, BPF_JMP | BPF_JA, IR_NOREG, IR_NOREG, 0, label);
}

void ir_jmp_imm(struct ir_func *f, uint8_t op, int dst, int32_t imm, int label)
{
	jump(f, BPF_JMP | op | BPF_K, dst, IR_NOREG, imm, label);
}

void ir_jmp_reg(struct ir_func *f, uint8_t op, int dst, int src, int label)
{
	jump(f, BPF_JMP | op | BPF_X, dst, src, 0, label);
}

/* ---- -d ir ---- */

static const char *reg_name(int r, char *buf, size_t len)
{
	if (r >= IR_VREG0)
		snprintf(buf, len, "v%d", r - IR_VREG0);
	else
		snprintf(buf, len, "r%d", r);
	return buf;
}

static const char *alu_op(uint8_t op)
{
	switch (op) {
	case BPF_ADD: return "+=";
	case BPF_SUB: return "-=";
	case BPF_MUL: return "*=";
	case BPF_DIV: return "/=";
	case BPF_MOD: return "%=";
	case BPF_OR: return "|=";
	case BPF_AND: return "&=";
	case BPF_XOR: return "^=";
	case BPF_LSH: return "<<=";
	case BPF_RSH: return ">>=";
	case BPF_ARSH: return "s>>=";
	case BPF_MOV: return "=";
	}
	return "?=";
}

static const char *jmp_op(uint8_t op)
{
	switch (op) {
	case BPF_JEQ: return "==";
	case BPF_JNE: return "!=";
	case BPF_JGT: return ">";
	case BPF_JGE: return ">=";
	case BPF_JLT: return "<";
	case BPF_JLE: return "<=";
	case BPF_JSGT: return "s>";
	case BPF_JSGE: return "s>=";
	case BPF_JSLT: return "s<";
	case BPF_JSLE: return "s<=";
	case BPF_JSET: return "&";
	}
	return "?";
}

static const char *size_name(uint8_t size)
{
	switch (size) {
	case BPF_B: return "u8";
	case BPF_H: return "u16";
	case BPF_W: return "u32";
	}
	return "u64";
}

int ir_dump(const struct ir_func *f, struct strbuf *sb)
{
	char a[16], b[16];
	size_t n;
	int err = 0;

	for (n = 0; n < f->len && !err; n++) {
		const struct ir_insn *i = &f->insns[n];
		uint8_t cls = BPF_CLASS(i->code);
		const char *h;

		if (i->kind == IR_LABEL) {
			err = strbuf_addf(sb, "L%d:\n", i->label);
			continue;
		}
		err = strbuf_addstr(sb, "    ");
		switch (i->kind) {
		case IR_LD_IMM64:
			if (i->btf_var)
				err = err ?: strbuf_addf(sb, "%s = &btf_var[%llu]", reg_name(i->dst, a, sizeof(a)),
							 (unsigned long long)i->imm64);
			else
				err = err ?: strbuf_addf(sb, "%s = %#llx ll", reg_name(i->dst, a, sizeof(a)),
							 (unsigned long long)i->imm64);
			break;
		case IR_LD_MAP:
			err = err ?: strbuf_addf(sb, "%s = map[%u]", reg_name(i->dst, a, sizeof(a)),
						 i->map_idx);
			break;
		case IR_LD_MAP_VALUE:
			err = err ?: strbuf_addf(sb, "%s = map[%u]+%u", reg_name(i->dst, a, sizeof(a)),
						 i->map_idx, i->map_off);
			break;
		case IR_LD_FUNC:
			err = err ?: strbuf_addf(sb, "%s = func[%d]", reg_name(i->dst, a, sizeof(a)),
						 i->label);
			break;
		case IR_CALL:
			h = i->kfunc ? "kfunc" : bpf_helper_name(i->imm);
			err = err ?: strbuf_addf(sb, "call %s#%d/%d", h ? h : "unknown", i->imm, i->nargs);
			break;
		case IR_JUMP:
			if (BPF_OP(i->code) == BPF_JA)
				err = err ?: strbuf_addf(sb, "goto L%d", i->label);
			else if (BPF_SRC(i->code) == BPF_X)
				err = err ?: strbuf_addf(sb, "if %s %s %s goto L%d", reg_name(i->dst, a, sizeof(a)),
							 jmp_op(BPF_OP(i->code)), reg_name(i->src, b, sizeof(b)),
							 i->label);
			else
				err = err ?: strbuf_addf(sb, "if %s %s %d goto L%d", reg_name(i->dst, a, sizeof(a)),
							 jmp_op(BPF_OP(i->code)), i->imm, i->label);
			break;
		case IR_BPF:
			if (cls == BPF_ALU64 || cls == BPF_ALU) {
				const char *w = cls == BPF_ALU ? "(u32)" : "";

				if (BPF_OP(i->code) == BPF_NEG)
					err = err ?: strbuf_addf(sb, "%s = -%s", reg_name(i->dst, a, sizeof(a)), a);
				else if (BPF_SRC(i->code) == BPF_X)
					err = err ?: strbuf_addf(sb, "%s%s %s %s", w, reg_name(i->dst, a, sizeof(a)),
								 alu_op(BPF_OP(i->code)), reg_name(i->src, b, sizeof(b)));
				else
					err = err ?: strbuf_addf(sb, "%s%s %s %d", w, reg_name(i->dst, a, sizeof(a)),
								 alu_op(BPF_OP(i->code)), i->imm);
			} else if (cls == BPF_LDX) {
				err = err ?: strbuf_addf(sb, "%s = *(%s *)(%s %+d)", reg_name(i->dst, a, sizeof(a)),
							 size_name(BPF_SIZE(i->code)), reg_name(i->src, b, sizeof(b)),
							 i->off);
			} else if (cls == BPF_STX && BPF_MODE(i->code) == BPF_ATOMIC) {
				err = err ?: strbuf_addf(sb, "lock *(%s *)(%s %+d) %s %s", size_name(BPF_SIZE(i->code)),
							 reg_name(i->dst, a, sizeof(a)), i->off,
							 alu_op((uint8_t)(i->imm & ~BPF_FETCH)), reg_name(i->src, b, sizeof(b)));
			} else if (cls == BPF_STX) {
				err = err ?: strbuf_addf(sb, "*(%s *)(%s %+d) = %s", size_name(BPF_SIZE(i->code)),
							 reg_name(i->dst, a, sizeof(a)), i->off, reg_name(i->src, b, sizeof(b)));
			} else if (cls == BPF_ST) {
				err = err ?: strbuf_addf(sb, "*(%s *)(%s %+d) = %d", size_name(BPF_SIZE(i->code)),
							 reg_name(i->dst, a, sizeof(a)), i->off, i->imm);
			} else if (i->code == (BPF_JMP | BPF_EXIT)) {
				err = err ?: strbuf_addstr(sb, "exit");
			} else {
				err = err ?: strbuf_addf(sb, "(%02x) ?", i->code);
			}
			break;
		case IR_LABEL:
			break;
		}
		err = err ?: strbuf_addch(sb, '\n');
	}
	for (n = 0; n < f->nr_subs && !err; n++) {
		err = strbuf_addf(sb, "func[%zu]:\n", n);
		err = err ?: ir_dump(&f->subs[n], sb);
	}
	return err;
}
