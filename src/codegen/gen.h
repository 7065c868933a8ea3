/* SPDX-License-Identifier: GPL-2.0 */
/* Internal to the code generator: the state shared by gen.c, expr.c and maps.c. */
#ifndef SCRY_CODEGEN_GEN_H
#define SCRY_CODEGEN_GEN_H

#include <stdbool.h>
#include <stdint.h>

#include "codegen/codegen.h"
#include "codegen/ir.h"
#include "lang/lang.h"
#include "mech/tracefs.h"

/*
 * One raw sys_enter/sys_exit program standing for many syscalls:* points
 * (sc_dispatch.c): their syscall numbers, sorted, and their names.
 */
struct sc_dispatch {
	int *nr;
	char **name;		/* "tracepoint:syscalls:sys_enter_read" */
	size_t n;
	bool exit;		/* sys_exit_* */
};

struct cg {
	const struct lang_program *lp;
	const struct codegen_opts *o;
	const struct lang_env *env;	/* every question to the system */
	struct compiled_program *cp;
	const struct map_info **minfo;	/* per cmap index, NULL for internal maps */
	int err;
	const struct sc_dispatch *scd;	/* the probe being compiled dispatches (sc_dispatch.c) */
};

struct var {
	const void *sym;	/* the checker's symbol: one per variable */
	int reg;		/* integers: a virtual register */
	int fp;			/* strings, tuples: a stack slot */
	const struct type *t;
};

struct loop_labels {
	int brk, cont;
};

/* One probe being compiled into one BPF program. */
struct pcg {
	struct cg *cg;
	struct ir_func f;
	const struct node *probe;
	const struct attach *at;	/* of the first attach point: they share a context */
	const struct provider *prov;	/* this program's probe type (after a downgrade) */
	const char *probe_name;		/* the probe builtin: set when this program has one point */
	const struct tp_format *tp;	/* the tracepoint's record layout, or NULL: at->tp */
	const char *user_path;		/* uprobe/usdt: the binary of the first point */
	struct tp_format tp_fmt;	/* owned storage of tp */
	int prog_type;
	int ctx;			/* virtual register with the context pointer */
	int exit_label;
	uint32_t *map_idx;		/* fd_array of this program: cmap indexes */
	size_t nr_map_idx;
	struct var *vars;
	size_t nr_vars;
	struct loop_labels loops[16];
	int nr_loops;
	struct loc expr_loc;		/* of the expression being compiled (-k's messages) */
	const struct node *agg_assign;	/* the '@m[k] = f(...)' whose f's .gen runs (cgb_aggregate) */
	const struct sc_dispatch *scd;	/* set: this program dispatches on the syscall number */
	/*
	 * cg_expr_to()'s destination, offered to the built-in being generated
	 * (cgb_dest()) so that it builds its value in place: dest_* for the
	 * next expression, gen_dest_* while its .gen runs.  size 0: none.
	 */
	int dest_fp, gen_dest_fp;
	uint32_t dest_size, gen_dest_size;
	struct pcg *root;		/* a loop callback (loops.c): the program's own pcg, else NULL */
};

/* A value: in a register (integers, booleans, pointers) or on the stack (the rest). */
struct val {
	bool mem;
	int reg;		/* !mem */
	int fp;			/* mem: offset from r10 */
	const struct type *t;
};

/* Reports "FILE:LINE:COL: error: msg" once and sets cg->err. */
void cg_error(struct cg *cg, struct loc loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The size a value of t takes in maps and events (integers widened to 8). */
uint32_t cg_size(const struct type *t);
/* The decoding layout of t as stored by cg_store(). */
int cg_vtype(const struct type *t, struct vtype *vt);

/* Evaluates e.  Integers come back in a register, sign- or zero-extended to 64 bits. */
struct val cg_expr(struct pcg *p, const struct node *e);
/* Jumps to label when e's truth equals when; falls through otherwise. */
void cg_cond(struct pcg *p, const struct node *e, int label, bool when);
/* Evaluates e straight into size bytes at fp (all of them written). */
void cg_expr_to(struct pcg *p, const struct node *e, int fp, uint32_t size);
/* Stores v at fp (cg_size(v.t) bytes) in the layout cg_vtype() describes. */
void cg_store(struct pcg *p, struct val v, int fp);
/* A fresh stack slot of size bytes, zeroed. */
int cg_stack_zeroed(struct pcg *p, uint32_t size);
/* Writes the first len bytes of s into the zeroed slot fp of size bytes (the rest stays 0). */
void cg_store_string(struct pcg *p, int fp, uint32_t size, const char *s, size_t len);
/* The fd_array index of cmap index m in this program. */
uint32_t cg_map_ref(struct pcg *p, int m);
/* Variables. */
struct val cg_var_read(struct pcg *p, const struct node *n);
void cg_var_write(struct pcg *p, const struct node *target, struct val v);
/* a op b for integers (and == != on strings). */
struct val cg_binop_vals(struct pcg *p, int op, struct val a, struct val b, const struct type *t,
			 struct loc loc);
/* Statements. */
void cg_stmt(struct pcg *p, const struct node *s);
/* The variable of symbol sym, made (zeroed, of type t) on first use; NULL when out of memory. */
struct var *cg_var_get(struct pcg *p, const void *sym, const struct type *t);
/*
 * Gives every variable of n its register or slot, except those declared
 * inside a loop that runs as a callback (they live in its frame).
 */
void cg_declare_vars(struct pcg *p, const struct node *n);

/*
 * loops.c: for ($kv : @m) through bpf_for_each_map_elem, for ($i : a..b)
 * with bounds not known at compile time through bpf_loop; the body is a
 * callback subprogram with its own frame.  cg_for_is_callback(): does s run
 * so?
 */
bool cg_for_is_callback(struct cg *cg, const struct node *s);
void cg_for_callback(struct pcg *p, const struct node *s);
/* The text of a bool value (its 8 bytes as stored): "true" or "false". */
int cg_format_bool(const uint8_t *data, struct strbuf *out);
/* { stmts; value }: the statements, then the value (nothing without one). */
struct val cg_block_value(struct pcg *p, const struct node *e);
/* Does body declare (let, for) the variable of symbol sym? */
bool cg_declared_in(const struct node *body, const void *sym);

/* maps.c */
int cg_maps_create(struct cg *cg);
/* A map of scry's own (not the script's), created with the script's: its cmap index in *index. */
int cg_map_internal(struct cg *cg, const char *name, enum bpf_map_type type, uint32_t key,
		    uint32_t value, uint32_t entries, int *index);
int cg_map_index(struct cg *cg, const struct map_info *mi);
void cg_map_assign(struct pcg *p, const struct node *assign);
struct val cg_map_read(struct pcg *p, const struct node *m);
/* Builds the key of map access m (N_MAP) on the stack; returns its fp (bucket slot included for hist). */
int cg_map_key(struct pcg *p, const struct node *m, int cm);
void cg_map_delete(struct pcg *p, const struct node *call);
struct val cg_map_has_key(struct pcg *p, const struct node *call);
/* @m[k] = v for a map of values (not an aggregation). */
void cg_map_store(struct pcg *p, const struct node *m, struct val v);
/* An event of kind/id with payload at fp (size bytes, starting with the 8-byte header slot). */
void cg_emit_event(struct pcg *p, int fp, uint32_t size);

/* stacks.c: kstack/ustack (e is the builtin or the call), ksym/usym/func of addr. */
struct val cg_stack(struct pcg *p, const struct node *e, bool user);
struct val cg_sym(struct pcg *p, const struct node *e, int addr, bool user);

/* Does n use a call or builtin named name?  kind: N_CALL, N_BUILTIN, or -1 for either. */
bool cg_uses(const struct node *n, int kind, const char *name);
/* A register holding r10 + fp. */
int cg_fp_addr(struct pcg *p, int fp);
/* Calls helper with args (registers) in r1..; returns a register with the result. */
int cg_call(struct pcg *p, int helper, int nargs, const int *args);
/*
 * -k/-kk: when helper's result in r is negative, an event that names the
 * helper and the expression (CEV_HELPER_ERROR).  Nothing for helpers whose
 * result is not an error code, nor without the flag.
 */
void cg_helper_check(struct pcg *p, int helper, int r);

/* Compile-time integers: literals, and what the checker folded (NF_CONST). */
bool cg_const(struct cg *cg, const struct node *n, int64_t *v);

/* sc_dispatch.c.  plan: 0 when pts can run as one raw program, -ENOENT, -ENOMEM. */
struct probe_point;
int sc_dispatch_plan(const struct probe_point *pts, size_t n, struct sc_dispatch *d);
void sc_dispatch_release(struct sc_dispatch *d);
/* Jumps to p->exit_label unless the call is one of p->scd's. */
void sc_dispatch_filter(struct pcg *p);
/* The 'probe' builtin of a dispatching program. */
struct val sc_dispatch_probe(struct pcg *p, const struct type *t);

#endif
