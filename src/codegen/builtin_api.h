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
/* A register with *(size bytes *)(r10 + fp). */
int cgb_load(struct pcg *p, int fp, uint32_t size);
/* *(size bytes *)(base + off) = reg, or = imm: base a pointer to memory (cgb_event_begin()). */
void cgb_store_at(struct pcg *p, int base, int16_t off, int reg, uint32_t size);
void cgb_store_imm_at(struct pcg *p, int base, int16_t off, int32_t imm, uint32_t size);
/* A new register with reg's value. */
int cgb_copy(struct pcg *p, int reg);
/* The read helper for memory that a pointer of type t points at (user or kernel). */
int cgb_read_helper(const struct type *t, bool str);
/* A register holding r10 + fp. */
int cgb_fp_addr(struct pcg *p, int fp);

/* ---- control flow ---- */

int cgb_label_new(struct pcg *p);
/* The label is here. */
void cgb_label(struct pcg *p, int label);
/* if (reg OP imm) goto label (BPF_JEQ, BPF_JNE, ...). */
void cgb_jmp_imm(struct pcg *p, int op, int reg, int32_t imm, int label);
void cgb_ja(struct pcg *p, int label);

/* ---- events to user space (codegen/program.h: enum cevent) ---- */

/*
 * An event built in place in the ring buffer, for those too big for the
 * stack: cgb_event_begin() reserves size bytes and sets the header (a full
 * ring buffer is counted as a lost event and skips to after the end);
 * ev->ptr points at them until cgb_event_end() sends them.
 */
struct cgb_event {
	int ptr, lost, done;
};
int cgb_event_begin(struct pcg *p, enum cevent kind, int id, uint32_t size, struct cgb_event *ev);
void cgb_event_end(struct pcg *p, const struct cgb_event *ev);

/*
 * A format site of call e for user space: fmt (len bytes, need not be NUL-
 * terminated) with the values of args[0..nargs) after the event header.
 * action says what user space does with the rendered text (enum
 * cprintf_action).  Returns its id, or -1 when it failed (reported).
 */
int cgb_format(struct pcg *p, const struct node *e, const char *fmt, size_t len,
	       const struct node *const *args, int nargs, enum cprintf_action action);
/*
 * The same with the layout given: fields[0..n) (offsets from the end of the
 * event header), for events the built-in lays out itself.
 */
int cgb_format_fields(struct pcg *p, const struct node *e, const char *fmt, size_t len,
		      const struct vfield *fields, int n, enum cprintf_action action);
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
/* The register holding the probe's context pointer (the program's first argument). */
int cgb_ctx(struct pcg *p);
/* A zeroed stack slot holding the len bytes of s and a NUL: its fp. */
int cgb_string(struct pcg *p, const char *s, size_t len);
/* The program writes to the kernel's trace buffer (bpf_trace_printk): the session reads it. */
void cgb_want_trace_pipe(struct pcg *p);
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
