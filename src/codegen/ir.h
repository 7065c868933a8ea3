/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The code generator's IR: BPF instructions over virtual registers.
 *
 * An IR function is a list of BPF-shaped, two-address instructions whose
 * register operands are either physical (r0..r10) or virtual (IR_VREG0 and
 * up, unbounded).  The generator uses physical registers only where BPF
 * fixes them: r1 (the context) at entry, r1..r5 as helper arguments right
 * before a call, r0 as the result right after it and at exit, r10 as the
 * frame pointer.  ir_lower() allocates registers (linear scan; values that
 * live across a call go to r6..r9; spills to the stack), and emits BPF.
 *
 * Pure: no kernel access.  Errors are sticky in f->err (first -errno), so a
 * generator emits a whole function and checks once.
 */
#ifndef SCRY_CODEGEN_IR_H
#define SCRY_CODEGEN_IR_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/strbuf.h"

#define IR_VREG0 16
#define IR_NOREG (-1)
#define IR_MAX_STACK 512
/* A frame past IR_MAX_STACK lives in a per-CPU scratch map (codegen/gen.c): at most this. */
#define IR_MAX_FRAME 16384

enum ir_kind {
	IR_BPF,		/* an ordinary instruction: code, dst, src, off, imm */
	IR_LABEL,	/* label: a jump target, emits nothing */
	IR_JUMP,	/* a conditional or unconditional jump to label */
	IR_LD_IMM64,	/* dst = imm64 */
	IR_LD_MAP,	/* dst = &map[map_idx] (index into the program's fd_array) */
	IR_LD_MAP_VALUE,	/* dst = &value of map[map_idx] + map_off */
	IR_CALL,	/* helper imm with nargs arguments in r1..r5; clobbers r0..r5 */
	IR_LD_FUNC,	/* dst = address of subprogram label (an index into f->subs) */
};

/* Where an instruction came from in the script, to name it when the verifier rejects it. */
struct ir_loc {
	uint32_t line, col;
};

struct ir_insn {
	enum ir_kind kind;
	uint8_t code;		/* BPF opcode (IR_BPF, IR_JUMP) */
	int dst, src;		/* registers, IR_NOREG when unused */
	int16_t off;
	int32_t imm;
	uint64_t imm64;		/* IR_LD_IMM64 */
	int label;		/* IR_LABEL, IR_JUMP */
	uint32_t map_idx, map_off;
	int nargs;		/* IR_CALL */
	bool kfunc;		/* IR_CALL: imm is the BTF id of a kernel function */
	bool btf_var;		/* IR_LD_IMM64: imm64 is the BTF id of a kernel variable (&var) */
	struct ir_loc loc;
};

struct ir_func {
	struct ir_insn *insns;
	size_t len, alloc;
	int nr_vregs;
	int nr_labels;
	int stack;		/* bytes of frame in use now (below r10) */
	int stack_max;		/* the most ever in use: temporaries are released by lowering f->stack */
	int err;
	struct ir_loc loc;	/* stamped on every instruction emitted */
	/*
	 * BPF-to-BPF callback functions (bpf_for_each_map_elem, bpf_loop), each
	 * with its own registers and frame, emitted after this one; owned by f.
	 */
	struct ir_func *subs;
	size_t nr_subs;
};

#define IR_FUNC_INIT { 0 }

void ir_func_release(struct ir_func *f);

/*
 * Hands sub (a finished callback function, entered with its arguments in
 * r1..r5) over to f: f now owns it and sub is zeroed.  Returns its index for
 * ir_ld_func(), or -1 with f->err set.
 */
int ir_sub_add(struct ir_func *f, struct ir_func *sub);
/* dst = the address of f's subprogram index (a BPF_PSEUDO_FUNC load). */
void ir_ld_func(struct ir_func *f, int dst, int index);

/* A new virtual register. */
int ir_vreg(struct ir_func *f);
/* A new label id. */
int ir_label_new(struct ir_func *f);
void ir_label(struct ir_func *f, int label);

/*
 * Reserves size bytes of stack (aligned to 8) and returns the offset from r10
 * (negative).  Past IR_MAX_FRAME sets f->err to -E2BIG and returns -8; past
 * IR_MAX_STACK the caller moves the frame with ir_frame_rebase().
 */
int ir_stack(struct ir_func *f, int size);

/* op: BPF_ADD ... BPF_MOV (see <linux/bpf.h>). */
void ir_alu64_imm(struct ir_func *f, uint8_t op, int dst, int32_t imm);
void ir_alu64_reg(struct ir_func *f, uint8_t op, int dst, int src);
void ir_alu32_imm(struct ir_func *f, uint8_t op, int dst, int32_t imm);
void ir_alu32_reg(struct ir_func *f, uint8_t op, int dst, int src);
void ir_mov_imm(struct ir_func *f, int dst, int32_t imm);
void ir_mov(struct ir_func *f, int dst, int src);
void ir_neg(struct ir_func *f, int dst);
void ir_ld_imm64(struct ir_func *f, int dst, uint64_t imm);
/* dst = &kernel variable with BTF id btf_id in vmlinux (BPF_PSEUDO_BTF_ID). */
void ir_ld_btf_var(struct ir_func *f, int dst, int32_t btf_id);
/* size: BPF_B, BPF_H, BPF_W, BPF_DW */
void ir_ldx(struct ir_func *f, uint8_t size, int dst, int src, int16_t off);
void ir_stx(struct ir_func *f, uint8_t size, int dst, int16_t off, int src);
void ir_st(struct ir_func *f, uint8_t size, int dst, int16_t off, int32_t imm);
/* *(dst + off) op= src, atomically (BPF_ADD ...; size BPF_W or BPF_DW) */
void ir_atomic(struct ir_func *f, uint8_t size, uint8_t op, int dst, int16_t off, int src);
void ir_ld_map(struct ir_func *f, int dst, uint32_t map_idx);
void ir_ld_map_value(struct ir_func *f, int dst, uint32_t map_idx, uint32_t off);
/* Arguments must already be in r1..r(nargs); the result is in r0. */
void ir_call(struct ir_func *f, int32_t helper, int nargs);
/* A kernel function (kfunc) by its BTF id in vmlinux; the same conventions as ir_call(). */
void ir_call_kfunc(struct ir_func *f, int32_t btf_id, int nargs);
void ir_exit(struct ir_func *f);
void ir_ja(struct ir_func *f, int label);
/* op: BPF_JEQ ... (64-bit compare) */
void ir_jmp_imm(struct ir_func *f, uint8_t op, int dst, int32_t imm, int label);
void ir_jmp_reg(struct ir_func *f, uint8_t op, int dst, int src, int label);

/*
 * Moves the frame: every use of r10 in f becomes a new virtual register,
 * which it returns (the caller points it at the frame's end and moves the
 * code that does so to the entry with ir_move_tail()).
 */
int ir_frame_rebase(struct ir_func *f);
/* Moves the instructions from index from to the end of f to index to (< from). */
void ir_move_tail(struct ir_func *f, size_t from, size_t to);

/* The IR as text for -d ir: one instruction a line, "v12" for virtual registers. */
int ir_dump(const struct ir_func *f, struct strbuf *sb);

struct insn_buf;

/*
 * Allocates registers and emits f into out (which must be empty).
 * locs, when not NULL, gets a malloc()ed array (caller frees) with the
 * source location of every emitted instruction slot.  Returns 0, f->err,
 * or -ENOSPC when a value could not be given a register even by spilling
 * (reported), -E2BIG when the frame passes 512 bytes (reported).
 */
int ir_lower(struct ir_func *f, struct insn_buf *out, struct ir_loc **locs);
/*
 * The same, and when f has subprograms, *funcs gets a malloc()ed array
 * (caller frees) of where each function starts (main first, at 0), in
 * instruction order, for the BTF func_info the verifier wants; NULL and 0
 * without subprograms.
 */
int ir_lower_funcs(struct ir_func *f, struct insn_buf *out, struct ir_loc **locs,
		   uint32_t **funcs, size_t *nr_funcs);

#endif
