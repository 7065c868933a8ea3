// SPDX-License-Identifier: GPL-2.0
/*
 * BPF disassembler (see disasm.h).  The wording follows the kernel's
 * verifier log and `bpftool prog dump xlated`, so what scry prints reads
 * like what the verifier says about the same program.
 */
#include <errno.h>
#include <stdint.h>

#include "codegen/bpf/disasm.h"

/* Helper ids are consecutive from 0 in <linux/bpf.h>'s mapper. */
#define HELPER_NAME(x) "bpf_" #x
static const char *const helper_names[] = { __BPF_FUNC_MAPPER(HELPER_NAME) };
#undef HELPER_NAME

const char *bpf_helper_name(int id)
{
	if (id <= 0 || (size_t)id >= sizeof(helper_names) / sizeof(helper_names[0]))
		return NULL;
	return helper_names[id];
}

static const char *alu_op(uint8_t code, int16_t off)
{
	switch (BPF_OP(code)) {
	case BPF_ADD: return "+=";
	case BPF_SUB: return "-=";
	case BPF_MUL: return "*=";
	case BPF_DIV: return off == 1 ? "s/=" : "/=";
	case BPF_OR: return "|=";
	case BPF_AND: return "&=";
	case BPF_LSH: return "<<=";
	case BPF_RSH: return ">>=";
	case BPF_MOD: return off == 1 ? "s%=" : "%=";
	case BPF_XOR: return "^=";
	case BPF_MOV: return "=";
	case BPF_ARSH: return "s>>=";
	}
	return NULL;
}

static const char *jmp_op(uint8_t code)
{
	switch (BPF_OP(code)) {
	case BPF_JEQ: return "==";
	case BPF_JGT: return ">";
	case BPF_JGE: return ">=";
	case BPF_JSET: return "&";
	case BPF_JNE: return "!=";
	case BPF_JSGT: return "s>";
	case BPF_JSGE: return "s>=";
	case BPF_JLT: return "<";
	case BPF_JLE: return "<=";
	case BPF_JSLT: return "s<";
	case BPF_JSLE: return "s<=";
	}
	return NULL;
}

static const char *size_str(uint8_t code, int sign)
{
	switch (BPF_SIZE(code)) {
	case BPF_B: return sign ? "s8" : "u8";
	case BPF_H: return sign ? "s16" : "u16";
	case BPF_W: return sign ? "s32" : "u32";
	case BPF_DW: return "u64";
	}
	return "?";
}

static int alu(struct strbuf *sb, const struct bpf_insn *in)
{
	char r = BPF_CLASS(in->code) == BPF_ALU64 ? 'r' : 'w';
	const char *op;

	if (BPF_OP(in->code) == BPF_END) {
		if (BPF_CLASS(in->code) == BPF_ALU64)
			return strbuf_addf(sb, "(%02x) r%d = bswap%d r%d", in->code, in->dst_reg,
					   in->imm, in->dst_reg);
		return strbuf_addf(sb, "(%02x) r%d = %s%d r%d", in->code, in->dst_reg,
				   BPF_SRC(in->code) == BPF_TO_BE ? "be" : "le", in->imm, in->dst_reg);
	}
	if (BPF_OP(in->code) == BPF_NEG)
		return strbuf_addf(sb, "(%02x) %c%d = -%c%d", in->code, r, in->dst_reg, r,
				   in->dst_reg);
	op = alu_op(in->code, in->off);
	if (!op)
		return strbuf_addf(sb, "(%02x) invalid", in->code);
	if (BPF_SRC(in->code) == BPF_X) {
		if (BPF_OP(in->code) == BPF_MOV && in->off)
			return strbuf_addf(sb, "(%02x) %c%d = (s%d)%c%d", in->code, r, in->dst_reg,
					   in->off, r, in->src_reg);
		return strbuf_addf(sb, "(%02x) %c%d %s %c%d", in->code, r, in->dst_reg, op, r,
				   in->src_reg);
	}
	return strbuf_addf(sb, "(%02x) %c%d %s %d", in->code, r, in->dst_reg, op, in->imm);
}

static int atomic(struct strbuf *sb, const struct bpf_insn *in)
{
	const char *sz = size_str(in->code, 0);
	const char *w = BPF_SIZE(in->code) == BPF_DW ? "64" : "";
	const char *name = NULL;

	switch (in->imm & ~BPF_FETCH) {
	case BPF_ADD: name = "add"; break;
	case BPF_AND: name = "and"; break;
	case BPF_OR: name = "or"; break;
	case BPF_XOR: name = "xor"; break;
	}
	if (name && !(in->imm & BPF_FETCH))
		return strbuf_addf(sb, "(%02x) lock *(%s *)(r%d %+d) %s r%d", in->code, sz,
				   in->dst_reg, in->off, alu_op(in->imm, 0), in->src_reg);
	if (name)
		return strbuf_addf(sb, "(%02x) r%d = atomic%s_fetch_%s((%s *)(r%d %+d), r%d)",
				   in->code, in->src_reg, w, name, sz, in->dst_reg, in->off,
				   in->src_reg);
	if (in->imm == BPF_CMPXCHG)
		return strbuf_addf(sb, "(%02x) r0 = atomic%s_cmpxchg((%s *)(r%d %+d), r0, r%d)",
				   in->code, w, sz, in->dst_reg, in->off, in->src_reg);
	if (in->imm == BPF_XCHG)
		return strbuf_addf(sb, "(%02x) r%d = atomic%s_xchg((%s *)(r%d %+d), r%d)", in->code,
				   in->src_reg, w, sz, in->dst_reg, in->off, in->src_reg);
	return strbuf_addf(sb, "(%02x) invalid", in->code);
}

static int ld_imm64(struct strbuf *sb, const struct bpf_insn *in)
{
	uint32_t lo = (uint32_t)in[0].imm, hi = (uint32_t)in[1].imm;
	int err;

	err = strbuf_addf(sb, "(%02x) r%d = ", in->code, in->dst_reg);
	if (err)
		return err;
	switch (in->src_reg) {
	case BPF_PSEUDO_MAP_FD:
		return strbuf_addf(sb, "map[fd:%d]", (int)lo);
	case BPF_PSEUDO_MAP_VALUE:
		return strbuf_addf(sb, "map[fd:%d][0]+%u", (int)lo, hi);
	case BPF_PSEUDO_MAP_IDX:
		return strbuf_addf(sb, "map[idx:%u]", lo);
	case BPF_PSEUDO_MAP_IDX_VALUE:
		return strbuf_addf(sb, "map[idx:%u]+%u", lo, hi);
	case BPF_PSEUDO_FUNC:
		return strbuf_addf(sb, "subprog[%+d]", in->imm);
	case BPF_PSEUDO_BTF_ID:
		return strbuf_addf(sb, "btf_id[%u]", lo);
	}
	return strbuf_addf(sb, "0x%llx", (unsigned long long)(((uint64_t)hi << 32) | lo));
}

static int jmp(struct strbuf *sb, const struct bpf_insn *in)
{
	char r = BPF_CLASS(in->code) == BPF_JMP32 ? 'w' : 'r';
	const char *op;

	switch (BPF_OP(in->code)) {
	case BPF_CALL:
		if (BPF_CLASS(in->code) != BPF_JMP)
			break;
		if (in->src_reg == BPF_PSEUDO_CALL)
			return strbuf_addf(sb, "(%02x) call pc%+d", in->code, in->imm);
		if (in->src_reg == BPF_PSEUDO_KFUNC_CALL)
			return strbuf_addf(sb, "(%02x) call kernel-function", in->code);
		return strbuf_addf(sb, "(%02x) call %s#%d", in->code,
				   bpf_helper_name(in->imm) ? bpf_helper_name(in->imm) : "unknown",
				   in->imm);
	case BPF_EXIT:
		if (BPF_CLASS(in->code) != BPF_JMP)
			break;
		return strbuf_addf(sb, "(%02x) exit", in->code);
	case BPF_JA:
		if (BPF_CLASS(in->code) == BPF_JMP32)
			return strbuf_addf(sb, "(%02x) gotol pc%+d", in->code, in->imm);
		return strbuf_addf(sb, "(%02x) goto pc%+d", in->code, in->off);
	}
	op = jmp_op(in->code);
	if (!op)
		return strbuf_addf(sb, "(%02x) invalid", in->code);
	if (BPF_SRC(in->code) == BPF_X)
		return strbuf_addf(sb, "(%02x) if %c%d %s %c%d goto pc%+d", in->code, r, in->dst_reg,
				   op, r, in->src_reg, in->off);
	return strbuf_addf(sb, "(%02x) if %c%d %s 0x%x goto pc%+d", in->code, r, in->dst_reg, op,
			   (uint32_t)in->imm, in->off);
}

int bpf_disasm_insn(struct strbuf *sb, const struct bpf_insn *in, size_t left)
{
	int err;

	if (!left)
		return 0;
	switch (BPF_CLASS(in->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		err = alu(sb, in);
		break;
	case BPF_JMP:
	case BPF_JMP32:
		err = jmp(sb, in);
		break;
	case BPF_STX:
		if (BPF_MODE(in->code) == BPF_ATOMIC)
			err = atomic(sb, in);
		else if (BPF_MODE(in->code) == BPF_MEM)
			err = strbuf_addf(sb, "(%02x) *(%s *)(r%d %+d) = r%d", in->code,
					  size_str(in->code, 0), in->dst_reg, in->off, in->src_reg);
		else
			err = strbuf_addf(sb, "(%02x) invalid", in->code);
		break;
	case BPF_ST:
		if (BPF_MODE(in->code) == BPF_MEM)
			err = strbuf_addf(sb, "(%02x) *(%s *)(r%d %+d) = %d", in->code,
					  size_str(in->code, 0), in->dst_reg, in->off, in->imm);
		else
			err = strbuf_addf(sb, "(%02x) invalid", in->code);
		break;
	case BPF_LDX:
		if (BPF_MODE(in->code) == BPF_MEM || BPF_MODE(in->code) == 0x80 /* MEMSX */)
			err = strbuf_addf(sb, "(%02x) r%d = *(%s *)(r%d %+d)", in->code, in->dst_reg,
					  size_str(in->code, BPF_MODE(in->code) == 0x80),
					  in->src_reg, in->off);
		else
			err = strbuf_addf(sb, "(%02x) invalid", in->code);
		break;
	default: /* BPF_LD */
		if (in->code == (BPF_LD | BPF_DW | BPF_IMM) && left >= 2) {
			err = ld_imm64(sb, in);
			return err ? err : 2;
		}
		if (BPF_MODE(in->code) == BPF_ABS)
			err = strbuf_addf(sb, "(%02x) r0 = *(%s *)skb[%d]", in->code,
					  size_str(in->code, 0), in->imm);
		else if (BPF_MODE(in->code) == BPF_IND)
			err = strbuf_addf(sb, "(%02x) r0 = *(%s *)skb[r%d + %d]", in->code,
					  size_str(in->code, 0), in->src_reg, in->imm);
		else
			err = strbuf_addf(sb, "(%02x) invalid", in->code);
		break;
	}
	return err ? err : 1;
}

int bpf_disasm(struct strbuf *sb, const struct bpf_insn *insns, size_t n)
{
	size_t i = 0;
	int r;

	while (i < n) {
		r = strbuf_addf(sb, "%4zu: ", i);
		if (r)
			return r;
		r = bpf_disasm_insn(sb, &insns[i], n - i);
		if (r < 0)
			return r;
		i += (size_t)r;
		r = strbuf_addch(sb, '\n');
		if (r)
			return r;
	}
	return 0;
}
