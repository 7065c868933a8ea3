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
#include <stddef.h>
#include <stdint.h>

#include "codegen/program.h"	/* enum cevent, enum cprintf_action */

struct pcg;
struct node;
struct type;

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

static inline struct cg_val cg_mem(int fp)
{
	return (struct cg_val){ .mem = true, .fp = fp };
}

/* ---- arguments and values ---- */

/* Argument i of call e (N_CALL), or NULL. */
const struct node *cgb_arg(const struct node *e, int i);
/* The number of arguments of call e. */
int cgb_nargs(const struct node *e);
/* Evaluates e: integers in a register (extended to 64 bits), the rest on the stack. */
struct cg_val cgb_expr(struct pcg *p, const struct node *e);
/* A compile-time integer: a literal, or what the checker folded. */
bool cgb_const(struct pcg *p, const struct node *e, int64_t *v);
/* *(size bytes *)(r10 + fp) = imm. */
void cgb_store_imm(struct pcg *p, int fp, int32_t imm, uint32_t size);
/* reg = *(size bytes *)(r10 + fp). */
void cgb_load(struct pcg *p, int reg, int fp, uint32_t size);
/* A register holding r10 + fp. */
int cgb_fp_addr(struct pcg *p, int fp);

/* ---- events to user space (codegen/program.h: enum cevent) ---- */

/*
 * A format site of call e for user space: fmt (len bytes, need not be NUL-
 * terminated) with the values of args[0..nargs) after the event header.
 * action says what user space does with the rendered text (enum
 * cprintf_action).  Returns its id, or -1 when it failed (reported).
 */
int cgb_format(struct pcg *p, const struct node *e, const char *fmt, size_t len,
	       const struct node *const *args, int nargs, enum cprintf_action action);
/* An event of kind/id carrying the values of args[0..nargs) (laid out as cgb_format says). */
void cgb_event_args(struct pcg *p, enum cevent kind, int id, const struct node *const *args,
		    int nargs);
/* An event of kind/id carrying nregs u64 registers. */
void cgb_event_regs(struct pcg *p, enum cevent kind, int id, int nregs, const int *regs);
/* An event of kind/id carrying n u64 constants. */
void cgb_event_imms(struct pcg *p, enum cevent kind, int id, int n, const int32_t *imms);

/* ---- maps and the program ---- */

/* The event id (compiled map index) of the map named by m (N_MAP). */
int cgb_map_id(struct pcg *p, const struct node *m);
/* A register pointing at the map named by m, for helpers and kfuncs taking a map. */
int cgb_map_ptr(struct pcg *p, const struct node *m);
/* A register with the kernel function name(args...) (BTF), or -ENOENT when the kernel lacks it. */
int cgb_kfunc(struct pcg *p, const char *name, int nargs, const int *args);
/* exit(): every probe does nothing from now on; this one returns now. */
void cgb_stop(struct pcg *p);
/* delete(@m[k]) / delete(@m, k); has_key(@m, k) (codegen/maps.c). */
void cgb_map_delete(struct pcg *p, const struct node *call);
struct cg_val cgb_map_has_key(struct pcg *p, const struct node *call);
/*
 * An aggregation call (count(), sum()... flagged LF_AGG): the statement
 * '@m[k] = f(...)' it stands in is compiled by codegen/maps.c.
 */
void cgb_aggregate(struct pcg *p, const struct node *call);

#endif
