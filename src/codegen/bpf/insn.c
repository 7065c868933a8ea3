// SPDX-License-Identifier: GPL-2.0
/* BPF instruction buffer and emitters: see insn.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/bpf/insn.h"
#include "util/log.h"

enum fixup_kind {
	FIXUP_OFF,	/* jump: insns[at].off = target - at - 1 */
	FIXUP_IMM,	/* pseudo call / BPF_PSEUDO_FUNC: insns[at].imm = target - at - 1 */
};

struct insn_fixup {
	size_t at;
	int label;
	enum fixup_kind kind;
};

/* Grows *p (n used, *alloc slots of size sz) so that one more fits. */
static int grow(void **p, size_t n, size_t *alloc, size_t sz)
{
	size_t na;
	void *np;

	if (n < *alloc)
		return 0;
	na = *alloc ? *alloc * 2 : 64;
	np = reallocarray(*p, na, sz);
	if (!np)
		return -ENOMEM;
	*p = np;
	*alloc = na;
	return 0;
}

void insn_buf_release(struct insn_buf *b)
{
	if (!b)
		return;
	free(b->insns);
	free(b->labels);
	free(b->fixups);
	memset(b, 0, sizeof(*b));
}

void insn_raw(struct insn_buf *b, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	struct bpf_insn *in;
	int err;

	if (b->err)
		return;
	err = grow((void **)&b->insns, b->len, &b->alloc, sizeof(*b->insns));
	if (err) {
		b->err = err;
		return;
	}
	in = &b->insns[b->len++];
	memset(in, 0, sizeof(*in));
	in->code = code;
	in->dst_reg = dst & 0xf;
	in->src_reg = src & 0xf;
	in->off = off;
	in->imm = imm;
}

static void add_fixup(struct insn_buf *b, size_t at, int label, enum fixup_kind kind)
{
	int err;

	if (b->err)
		return;
	err = grow((void **)&b->fixups, b->nr_fixups, &b->alloc_fixups, sizeof(*b->fixups));
	if (err) {
		b->err = err;
		return;
	}
	b->fixups[b->nr_fixups++] = (struct insn_fixup){ .at = at, .label = label, .kind = kind };
}

void insn_alu64_imm(struct insn_buf *b, uint8_t op, uint8_t dst, int32_t imm)
{
	insn_raw(b, BPF_ALU64 | BPF_OP(op) | BPF_K, dst, 0, 0, imm);
}

void insn_alu64_reg(struct insn_buf *b, uint8_t op, uint8_t dst, uint8_t src)
{
	insn_raw(b, BPF_ALU64 | BPF_OP(op) | BPF_X, dst, src, 0, 0);
}

void insn_alu32_imm(struct insn_buf *b, uint8_t op, uint8_t dst, int32_t imm)
{
	insn_raw(b, BPF_ALU | BPF_OP(op) | BPF_K, dst, 0, 0, imm);
}

void insn_alu32_reg(struct insn_buf *b, uint8_t op, uint8_t dst, uint8_t src)
{
	insn_raw(b, BPF_ALU | BPF_OP(op) | BPF_X, dst, src, 0, 0);
}

void insn_mov64_imm(struct insn_buf *b, uint8_t dst, int32_t imm)
{
	insn_alu64_imm(b, BPF_MOV, dst, imm);
}

void insn_mov64_reg(struct insn_buf *b, uint8_t dst, uint8_t src)
{
	insn_alu64_reg(b, BPF_MOV, dst, src);
}

void insn_mov32_imm(struct insn_buf *b, uint8_t dst, int32_t imm)
{
	insn_alu32_imm(b, BPF_MOV, dst, imm);
}

void insn_mov32_reg(struct insn_buf *b, uint8_t dst, uint8_t src)
{
	insn_alu32_reg(b, BPF_MOV, dst, src);
}

void insn_neg64(struct insn_buf *b, uint8_t dst)
{
	insn_raw(b, BPF_ALU64 | BPF_NEG, dst, 0, 0, 0);
}

void insn_endian(struct insn_buf *b, int to_be, uint8_t dst, int bits)
{
	insn_raw(b, BPF_ALU | BPF_END | (to_be ? BPF_TO_BE : BPF_TO_LE), dst, 0, 0, bits);
}

void insn_ldx(struct insn_buf *b, uint8_t size, uint8_t dst, uint8_t src, int16_t off)
{
	insn_raw(b, BPF_LDX | BPF_SIZE(size) | BPF_MEM, dst, src, off, 0);
}

void insn_stx(struct insn_buf *b, uint8_t size, uint8_t dst, int16_t off, uint8_t src)
{
	insn_raw(b, BPF_STX | BPF_SIZE(size) | BPF_MEM, dst, src, off, 0);
}

void insn_st(struct insn_buf *b, uint8_t size, uint8_t dst, int16_t off, int32_t imm)
{
	insn_raw(b, BPF_ST | BPF_SIZE(size) | BPF_MEM, dst, 0, off, imm);
}

void insn_atomic(struct insn_buf *b, uint8_t size, uint8_t op, uint8_t dst, int16_t off, uint8_t src)
{
	insn_raw(b, BPF_STX | BPF_SIZE(size) | BPF_ATOMIC, dst, src, off, op);
}

static void ld_imm64_pseudo(struct insn_buf *b, uint8_t dst, uint8_t pseudo, uint32_t lo, uint32_t hi)
{
	insn_raw(b, BPF_LD | BPF_DW | BPF_IMM, dst, pseudo, 0, (int32_t)lo);
	insn_raw(b, 0, 0, 0, 0, (int32_t)hi);
}

void insn_ld_imm64(struct insn_buf *b, uint8_t dst, uint64_t imm)
{
	ld_imm64_pseudo(b, dst, 0, (uint32_t)imm, (uint32_t)(imm >> 32));
}

void insn_ld_map_fd(struct insn_buf *b, uint8_t dst, int map_fd)
{
	ld_imm64_pseudo(b, dst, BPF_PSEUDO_MAP_FD, (uint32_t)map_fd, 0);
}

void insn_ld_map_value(struct insn_buf *b, uint8_t dst, int map_fd, uint32_t off)
{
	ld_imm64_pseudo(b, dst, BPF_PSEUDO_MAP_VALUE, (uint32_t)map_fd, off);
}

void insn_ld_map_idx(struct insn_buf *b, uint8_t dst, uint32_t idx)
{
	ld_imm64_pseudo(b, dst, BPF_PSEUDO_MAP_IDX, idx, 0);
}

void insn_ld_map_idx_value(struct insn_buf *b, uint8_t dst, uint32_t idx, uint32_t off)
{
	ld_imm64_pseudo(b, dst, BPF_PSEUDO_MAP_IDX_VALUE, idx, off);
}

void insn_ld_func(struct insn_buf *b, uint8_t dst, int label)
{
	add_fixup(b, b->len, label, FIXUP_IMM);
	ld_imm64_pseudo(b, dst, BPF_PSEUDO_FUNC, 0, 0);
}

void insn_call(struct insn_buf *b, int32_t helper)
{
	insn_raw(b, BPF_JMP | BPF_CALL, 0, 0, 0, helper);
}

void insn_call_label(struct insn_buf *b, int label)
{
	add_fixup(b, b->len, label, FIXUP_IMM);
	insn_raw(b, BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 0);
}

void insn_exit(struct insn_buf *b)
{
	insn_raw(b, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

int insn_label_new(struct insn_buf *b)
{
	int err;

	if (b->err)
		return -1;
	err = grow((void **)&b->labels, b->nr_labels, &b->alloc_labels, sizeof(*b->labels));
	if (err) {
		b->err = err;
		return -1;
	}
	b->labels[b->nr_labels] = -1;
	return (int)b->nr_labels++;
}

void insn_label_place(struct insn_buf *b, int label)
{
	if (b->err || label < 0 || (size_t)label >= b->nr_labels)
		return;
	b->labels[label] = (int)b->len;
}

static void jump(struct insn_buf *b, uint8_t code, uint8_t dst, uint8_t src, int32_t imm, int label)
{
	add_fixup(b, b->len, label, FIXUP_OFF);
	insn_raw(b, code, dst, src, 0, imm);
}

void insn_ja(struct insn_buf *b, int label)
{
	jump(b, BPF_JMP | BPF_JA, 0, 0, 0, label);
}

void insn_jmp_imm(struct insn_buf *b, uint8_t op, uint8_t dst, int32_t imm, int label)
{
	jump(b, BPF_JMP | BPF_OP(op) | BPF_K, dst, 0, imm, label);
}

void insn_jmp_reg(struct insn_buf *b, uint8_t op, uint8_t dst, uint8_t src, int label)
{
	jump(b, BPF_JMP | BPF_OP(op) | BPF_X, dst, src, 0, label);
}

void insn_jmp32_imm(struct insn_buf *b, uint8_t op, uint8_t dst, int32_t imm, int label)
{
	jump(b, BPF_JMP32 | BPF_OP(op) | BPF_K, dst, 0, imm, label);
}

void insn_jmp32_reg(struct insn_buf *b, uint8_t op, uint8_t dst, uint8_t src, int label)
{
	jump(b, BPF_JMP32 | BPF_OP(op) | BPF_X, dst, src, 0, label);
}

int insn_buf_finish(struct insn_buf *b)
{
	size_t i;

	if (b->err)
		return b->err;
	for (i = 0; i < b->nr_fixups; i++) {
		const struct insn_fixup *f = &b->fixups[i];
		long rel;

		if (f->label < 0 || (size_t)f->label >= b->nr_labels || b->labels[f->label] < 0) {
			pr_err("bpf: jump at instruction %zu to label %d that was never placed",
			       f->at, f->label);
			return -EINVAL;
		}
		rel = (long)b->labels[f->label] - (long)f->at - 1;
		if (f->kind == FIXUP_IMM) {
			b->insns[f->at].imm = (int32_t)rel;
			continue;
		}
		if (rel < INT16_MIN || rel > INT16_MAX) {
			pr_err("bpf: jump at instruction %zu is too far (%ld instructions)", f->at, rel);
			return -EINVAL;
		}
		b->insns[f->at].off = (int16_t)rel;
	}
	return 0;
}
