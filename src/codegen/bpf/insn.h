/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BPF instruction encoding: a growable instruction buffer and one emit
 * helper per instruction form, with jump labels resolved at the end.
 *
 * The emitters never fail on their own: the first allocation failure is
 * kept in b->err (sticky) and every later emit is a no-op, so a code
 * generator emits a whole function and checks once, at insn_buf_finish().
 *
 * Labels: insn_label_new() gives an id, jumps and pseudo calls may name it
 * before it is placed; insn_label_place() binds it to the next instruction.
 * insn_buf_finish() patches every reference (the 16-bit jump offset, or the
 * 32-bit imm of a bpf-to-bpf call / BPF_PSEUDO_FUNC load).
 *
 * Pure: no kernel access.  Opcode and register names are those of
 * <linux/bpf.h> (BPF_ADD, BPF_JEQ, BPF_DW, BPF_REG_1...).
 */
#ifndef SCRY_CODEGEN_BPF_INSN_H
#define SCRY_CODEGEN_BPF_INSN_H

#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>

struct insn_fixup;

struct insn_buf {
	struct bpf_insn *insns;
	size_t len;		/* instructions emitted; ld_imm64 counts 2 */
	size_t alloc;
	int err;		/* 0 or the first -errno (sticky) */
	int *labels;		/* label id -> instruction index, -1 while unplaced */
	size_t nr_labels, alloc_labels;
	struct insn_fixup *fixups;
	size_t nr_fixups, alloc_fixups;
};

#define INSN_BUF_INIT { 0 }

/* Frees what b owns and zeroes it; accepts a zeroed or half-built buffer. */
void insn_buf_release(struct insn_buf *b);

/*
 * Resolves every label reference.  Returns b->err, or -EINVAL when a label
 * was never placed or a jump does not fit in 16 bits (reported with pr_err).
 * Afterwards b->insns[0..b->len) is a finished program, still owned by b.
 */
int insn_buf_finish(struct insn_buf *b);

/* The index the next instruction will get. */
static inline size_t insn_pos(const struct insn_buf *b)
{
	return b->len;
}

/* Appends one raw instruction. */
void insn_raw(struct insn_buf *b, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm);

/* ALU.  op: BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_MOD, BPF_OR, BPF_AND, BPF_XOR,
 * BPF_LSH, BPF_RSH, BPF_ARSH, BPF_MOV.  The 32-bit forms zero the upper half. */
void insn_alu64_imm(struct insn_buf *b, uint8_t op, uint8_t dst, int32_t imm);
void insn_alu64_reg(struct insn_buf *b, uint8_t op, uint8_t dst, uint8_t src);
void insn_alu32_imm(struct insn_buf *b, uint8_t op, uint8_t dst, int32_t imm);
void insn_alu32_reg(struct insn_buf *b, uint8_t op, uint8_t dst, uint8_t src);
void insn_mov64_imm(struct insn_buf *b, uint8_t dst, int32_t imm);	/* sign-extended */
void insn_mov64_reg(struct insn_buf *b, uint8_t dst, uint8_t src);
void insn_mov32_imm(struct insn_buf *b, uint8_t dst, int32_t imm);
void insn_mov32_reg(struct insn_buf *b, uint8_t dst, uint8_t src);
void insn_neg64(struct insn_buf *b, uint8_t dst);
/* Byte order: to_be != 0 converts host (little) to big endian; bits 16, 32 or 64. */
void insn_endian(struct insn_buf *b, int to_be, uint8_t dst, int bits);

/* Memory.  size: BPF_B, BPF_H, BPF_W, BPF_DW. */
void insn_ldx(struct insn_buf *b, uint8_t size, uint8_t dst, uint8_t src, int16_t off);	/* dst = *(src + off) */
void insn_stx(struct insn_buf *b, uint8_t size, uint8_t dst, int16_t off, uint8_t src);	/* *(dst + off) = src */
void insn_st(struct insn_buf *b, uint8_t size, uint8_t dst, int16_t off, int32_t imm);	/* *(dst + off) = imm */
/*
 * Atomic read-modify-write on *(dst + off), size BPF_W or BPF_DW.  op: BPF_ADD,
 * BPF_AND, BPF_OR, BPF_XOR, optionally | BPF_FETCH (old value into src);
 * BPF_XCHG (old value into src); BPF_CMPXCHG (compares with r0, old value into r0).
 */
void insn_atomic(struct insn_buf *b, uint8_t size, uint8_t op, uint8_t dst, int16_t off, uint8_t src);

/* 64-bit immediate loads: two instruction slots each. */
void insn_ld_imm64(struct insn_buf *b, uint8_t dst, uint64_t imm);
void insn_ld_map_fd(struct insn_buf *b, uint8_t dst, int map_fd);		/* dst = &map */
void insn_ld_map_value(struct insn_buf *b, uint8_t dst, int map_fd, uint32_t off);	/* dst = &value[0] + off */
/* The same by index into the fd_array given at load (BPF_PSEUDO_MAP_IDX[_VALUE]):
 * programs then do not depend on fd numbers, so their disassembly is stable. */
void insn_ld_map_idx(struct insn_buf *b, uint8_t dst, uint32_t idx);
void insn_ld_map_idx_value(struct insn_buf *b, uint8_t dst, uint32_t idx, uint32_t off);
/* dst = address of the subprogram at label (for bpf_loop, bpf_timer callbacks). */
void insn_ld_func(struct insn_buf *b, uint8_t dst, int label);

/* Calls: a helper by id (BPF_FUNC_*), or a bpf-to-bpf call to a label. */
void insn_call(struct insn_buf *b, int32_t helper);
void insn_call_label(struct insn_buf *b, int label);
void insn_exit(struct insn_buf *b);

/* Labels.  insn_label_new() returns an id >= 0, or -1 after an allocation failure
 * (b->err is then set; using -1 later is harmless). */
int insn_label_new(struct insn_buf *b);
void insn_label_place(struct insn_buf *b, int label);

/* Jumps to a label.  op: BPF_JEQ, BPF_JNE, BPF_JGT, BPF_JGE, BPF_JLT, BPF_JLE,
 * BPF_JSGT, BPF_JSGE, BPF_JSLT, BPF_JSLE, BPF_JSET.  The 32-bit forms compare
 * the low halves. */
void insn_ja(struct insn_buf *b, int label);
void insn_jmp_imm(struct insn_buf *b, uint8_t op, uint8_t dst, int32_t imm, int label);
void insn_jmp_reg(struct insn_buf *b, uint8_t op, uint8_t dst, uint8_t src, int label);
void insn_jmp32_imm(struct insn_buf *b, uint8_t op, uint8_t dst, int32_t imm, int label);
void insn_jmp32_reg(struct insn_buf *b, uint8_t op, uint8_t dst, uint8_t src, int label);

#endif
