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


/* strings, symbols, variables */

struct lang_env;

/* cgb_error() with a printf format. */
void cgb_errorf(struct pcg *p, const struct node *e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Fails the compilation of a problem already reported (by the environment). */
void cgb_fail(struct pcg *p);
/* Argument i of call e (0-based), or NULL. */
const struct node *cgb_arg(const struct node *e, int i);
/* Evaluates e: integers in a register, the rest in a stack slot. */
struct cg_val cgb_expr(struct pcg *p, const struct node *e);
/* A compile-time integer (literal or folded by the checker). */
bool cgb_const(struct pcg *p, const struct node *e, int64_t *v);
/* What the system answers (lang/env.h). */
const struct lang_env *cgb_env(struct pcg *p);
/* Positional parameter i (1-based) as given, or NULL. */
const char *cgb_param(struct pcg *p, int64_t i);
/* A new register holding a copy of reg. */
int cgb_mov(struct pcg *p, int reg);
/* dst = dst OP src, 64 bits. */
void cgb_alu_reg(struct pcg *p, int op, int dst, int src);
/* A register holding r10 + fp (the address of a stack slot). */
int cgb_fp_addr(struct pcg *p, int fp);
/* A register with the size bytes at r10 + fp (zero-extended). */
int cgb_load(struct pcg *p, int fp, uint32_t size);
/* A register with the size bytes at reg + off (zero-extended); reg is a pointer the verifier knows. */
int cgb_load_ptr(struct pcg *p, int reg, int16_t off, uint32_t size);
/* Copies size bytes (rounded up to 8) between stack slots. */
void cgb_copy(struct pcg *p, int dst_fp, int src_fp, uint32_t size);
/*
 * Where to build the value of size bytes: the caller's destination when it
 * offers one with room (a map key, an event field: no copy), zeroed first
 * when zero; else a fresh zeroed slot.
 */
int cgb_dest(struct pcg *p, uint32_t size, bool zero);
/* A zeroed slot of size bytes holding the first len bytes of s. */
int cgb_string(struct pcg *p, const char *s, uint32_t len, uint32_t size);
/* Labels and jumps (BPF_JEQ...): pc-independent, resolved at the end. */
int cgb_label_new(struct pcg *p);
void cgb_label(struct pcg *p, int label);
void cgb_jmp_imm(struct pcg *p, int op, int reg, int32_t imm, int label);
void cgb_jmp_reg(struct pcg *p, int op, int reg, int src, int label);
void cgb_ja(struct pcg *p, int label);
/* reg = bswap(reg) of its low bits bits (16, 32, 64). */
void cgb_bswap(struct pcg *p, int reg, int bits);
/* The helper that reads from the address space of a value of type t (pointer types know it). */
int cgb_read_helper(const struct node *arg, bool str);
/* The size the value of e takes on the stack (codegen's layout). */
uint32_t cgb_size(const struct node *e);
/* size rounded up as stack slots are (8 bytes). */
static inline uint32_t cgb_stack_size(uint32_t size)
{
	return (size + 7) & ~7u;
}

/* A register with &var, the kernel variable of BTF id btf_id (a per-CPU one for bpf_per_cpu_ptr). */
int cgb_kernel_var(struct pcg *p, int32_t btf_id);

/* Stacks and symbols (codegen/stacks.c): kstack/ustack of e (call or variable), ksym/usym of addr. */
struct cg_val cgb_stack_value(struct pcg *p, const struct node *e, bool user);
struct cg_val cgb_sym(struct pcg *p, const struct node *e, int addr, bool user);

/* The probe's context, as its probe type gives it (errors reported at e). */
struct cg_val cgb_ctx_arg(struct pcg *p, const struct node *e, int i);
struct cg_val cgb_ctx_retval(struct pcg *p, const struct node *e);
/* The register at pt_regs offset off (sym/regs.h), or an error when the context has none. */
struct cg_val cgb_ctx_reg(struct pcg *p, const struct node *e, int16_t off);
/* func: the probed function, as a symbol. */
struct cg_val cgb_ctx_func(struct pcg *p, const struct node *e);
/* The context pointer (ctx). */
struct cg_val cgb_ctx_ptr(struct pcg *p);
/* Does the probe run in user space (uprobe, usdt): its memory is the user's. */
bool cgb_ctx_user(struct pcg *p);
/* The binary of a user probe (uprobe/usdt), or NULL. */
const char *cgb_user_path(struct pcg *p);
/* The probe builtin's value. */
struct cg_val cgb_probe_name(struct pcg *p, const struct node *e);
/* The -c command's pid (0 without -c). */
struct cg_val cgb_cpid(struct pcg *p, const struct node *e);

static inline struct cg_val cg_mem(int fp)
{
	return (struct cg_val){ .mem = true, .fp = fp };
}

/* ---- arguments and values ---- */

/* The number of arguments of call e. */
int cgb_nargs(const struct node *e);
/* *(size bytes *)(r10 + fp) = imm. */
void cgb_store_imm(struct pcg *p, int fp, int32_t imm, uint32_t size);
/* *(size bytes *)(base + off) = reg, or = imm: base a pointer to memory (cgb_event_begin()). */
void cgb_store_at(struct pcg *p, int base, int16_t off, int reg, uint32_t size);
void cgb_store_imm_at(struct pcg *p, int base, int16_t off, int32_t imm, uint32_t size);



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
