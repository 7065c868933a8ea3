/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The code generator as a built-in's family file (src/lang/builtins/) sees
 * it: a built-in is one descriptor (struct lang_var / struct lang_func in
 * lang/sema.h) with its check, its code generation through this small
 * interface, and, when it sends a value to user space, its formatting.
 * Adding a built-in is its descriptor in one family file, one registry
 * line, and tests.
 */
#ifndef SCRY_CODEGEN_BUILTIN_API_H
#define SCRY_CODEGEN_BUILTIN_API_H

#include <stdbool.h>
#include <stdint.h>

struct pcg;
struct node;

/* A value: in a register (integers), or a stack slot at r10 + fp (the rest). */
struct cg_val {
	bool mem;
	int reg;
	int fp;
};

/* Generates the built-in e (N_BUILTIN or N_CALL); e->type is its checked type. */
typedef struct cg_val (*cg_builtin_fn)(struct pcg *p, const struct node *e);

/* A register with helper(args...), args being registers (BPF_FUNC_* ids). */
int cgb_helper(struct pcg *p, int helper, int nargs, const int *args);
/* A register holding v. */
int cgb_imm(struct pcg *p, int64_t v);
/* r = r OP imm, 64 bits (BPF_ADD, BPF_RSH, BPF_AND...). */
void cgb_alu_imm(struct pcg *p, int op, int reg, int32_t imm);
/* A zeroed stack slot of size bytes: its fp. */
int cgb_stack(struct pcg *p, uint32_t size);
/* *(size bytes *)(r10 + fp) = reg. */
void cgb_store(struct pcg *p, int fp, int reg, uint32_t size);
/* Reports "FILE:LINE:COL: msg" at e and fails the compilation. */
void cgb_error(struct pcg *p, const struct node *e, const char *msg);

static inline struct cg_val cg_reg(int reg)
{
	return (struct cg_val){ .reg = reg };
}

#endif
