/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The located, typed AST of a program in scry's language (bpftrace's), and
 * the arena that owns it.
 *
 * Every node, type and string of one program lives in the program's arena and
 * is released at once by lang_program_free(): passes never free nodes.  The
 * parser builds the tree; the checker (sema.c) fills node->type for every
 * expression, links variables and maps to their symbols, and collects the
 * maps of the program in one table.  The code generator walks the result.
 */
#ifndef SCRY_LANG_AST_H
#define SCRY_LANG_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lang/types.h"

/* A span in the source: 1-based line and column of its first character. */
struct loc {
	uint32_t line, col;
	uint32_t off, len;	/* byte offset and length in the source */
};

enum node_kind {
	/* expressions */
	N_INT,		/* ival */
	N_STR,		/* str, slen (bytes without the NUL) */
	N_BOOL,		/* ival */
	N_BUILTIN,	/* name: pid, comm, arg0, args, retval... */
	N_POSPARAM,	/* ival: $1 is 1; $# is ival 0 with flag */
	N_VAR,		/* name "$x" */
	N_MAP,		/* name "@x" or "@"; kids: keys (none for a scalar map) */
	N_CALL,		/* name; kids: arguments */
	N_UNOP,		/* op; l */
	N_BINOP,	/* op; l, r */
	N_TERNARY,	/* x ? l : r; l NULL for "x ? : r" */
	N_CAST,		/* cast_type; l */
	N_FIELD,	/* l . name, l -> name (flag NF_ARROW), l.0 (flag NF_INDEX, ival) */
	N_INDEX,	/* l [ r ] */
	N_TUPLE,	/* kids */
	N_SIZEOF,	/* cast_type, or l */
	N_OFFSETOF,	/* cast_type, name */
	N_INCDEC,	/* op '+'/'-'; NF_PREFIX; l */
	N_IDENT,	/* an identifier that is an enum constant or a bare word (resolved by sema) */
	/* statements */
	N_EXPR,		/* l */
	N_ASSIGN,	/* l op= r; op 0 for plain '=' */
	N_LET,		/* name; cast_type (or NULL); r (or NULL) */
	N_IF,		/* x, l (then block), r (else: block or N_IF) */
	N_UNROLL,	/* ival, l */
	N_WHILE,	/* x, l */
	N_FOR,		/* name ($kv), x (map or N_RANGE), l (block) */
	N_RANGE,	/* l .. r */
	N_BREAK,
	N_CONTINUE,
	N_RETURN,	/* l or NULL */
	N_BLOCK,	/* kids */
	/* top level */
	N_PROBE,	/* kids: N_ATTACH list; x: predicate or NULL; l: block */
	N_ATTACH,	/* str: the text as written; see struct attach */
	N_CONFIG,	/* kids: N_ASSIGN with l an N_IDENT */
	N_TYPEDEF,	/* cast_type: a struct/union/enum defined in the script */
	N_PROGRAM,	/* kids: N_CONFIG, N_TYPEDEF, N_PROBE in source order */
	/* statements and declarations (issue 11) */
	N_BLOCKEXPR,	/* { stmts; expr }: l (N_BLOCK of the statements), r (the value, or NULL) */
	N_MACRO,	/* macro name(kids: N_VAR/N_MAP parameters) l (N_BLOCKEXPR): expanded away */
	N_MAPDECL,	/* let @name = kind(ival): name, str (hash, lruhash, percpuhash, percpulruhash) */
};

enum {
	NF_ARROW = 1 << 0,
	NF_INDEX = 1 << 1,
	NF_PREFIX = 1 << 2,
	NF_ARGC = 1 << 3,	/* $# */
	NF_LVALUE = 1 << 4,	/* set by sema on assigned maps and variables */
	NF_CONST = 1 << 5,	/* set by sema: a compile-time integer, folded into cval */
};

/* Operators: single characters where C has one, else these. */
enum {
	OP_LAND = 256, OP_LOR, OP_EQ, OP_NE, OP_LE, OP_GE, OP_SHL, OP_SHR,
};

/* What a probe's attach point resolved to. */
struct attach {
	const char *provider;	/* prov->name: the canonical spelling */
	const char *target;	/* tracepoint category, binary path, "hz"... or NULL */
	const char *func;	/* event, function, probe name, or NULL */
	const char *resolved;	/* canonical full text, positional params replaced */
	uint64_t offset;	/* "+off" on kprobe/uprobe */
	uint64_t rate;		/* profile/interval/software/hardware count, or 0 */
	const struct provider *prov;	/* the probe type (probe/probe.h) */
	struct tp_format *tp;	/* tracepoint fields, or NULL (owned by the sema cache) */
	struct type *btf_args;	/* CTX_BTF: the function's parameters, u64 each (arena), or NULL */
	struct type *ctx_type;	/* prov->ctx_struct: what 'ctx' points to (arena), or NULL */
	/* CTX_DWARF: asked of the env once, when the program first needs them (sema) */
	bool user_asked;
	int user_err;		/* 0, or what user_func_args said */
	struct type *user_args;	/* the parameters (bpftrace's args), or NULL */
	struct type *user_ret;	/* the return type, or NULL (void, or not known) */
};

struct symbol;
struct map_info;

struct node {
	enum node_kind kind;
	uint32_t flags;
	int op;
	struct loc loc;
	struct loc name_loc;	/* N_FIELD: the field name; N_FOR, N_LET: the variable */
	struct type *type;	/* set by sema on every expression */
	const char *name;
	const char *str;
	size_t slen;
	uint64_t ival;
	int64_t cval;		/* NF_CONST: the value the checker folded (the only folder) */
	struct type *cast_type;
	struct node *x, *l, *r;
	struct node *kids, *next;	/* child list, sibling link */
	size_t nkids;
	struct attach *attach;		/* N_ATTACH */
	struct map_info *map;		/* N_MAP, set by sema */
	struct symbol *sym;		/* N_VAR, N_LET, N_FOR, set by sema */
	const struct lang_func *func;	/* N_CALL, set by sema */
};

/* A map of the program, with the types every use agreed on. */
struct map_info {
	const char *name;	/* "@x", "@" */
	struct type *key;	/* NULL: no key; a tuple when there are several */
	struct type *value;	/* TY_AGG for aggregations */
	struct loc first;	/* where it first appears */
	unsigned nr_uses, nr_writes;
	struct map_info *next;
	/* let @m = KIND(N): the BPF map type (BPF_MAP_TYPE_*) and size declared, or 0 */
	uint32_t decl_type, decl_entries;
};

/* A named thing of the script: a struct/union type or an enum constant. */
struct named {
	const char *name;	/* "struct foo", or the constant's name */
	struct type *type;
	int64_t value;
	struct named *next;
};

/*
 * The type of true, false, 'bool' declarations and casts: TY_BOOL named
 * "bool", printed "true"/"false" as current bpftrace does.  (Comparisons are
 * an unnamed TY_BOOL and print as 1/0, as bpftrace 0.17 does.)  Arena memory.
 */
struct arena;
struct type *lang_bool_type(struct arena *a);

/* One arena per program: everything is freed at once. */
struct arena;
struct arena *arena_new(void);
void arena_free(struct arena *a);
/* Zeroed memory, or NULL. Freed with the arena. */
void *arena_alloc(struct arena *a, size_t size);
char *arena_strndup(struct arena *a, const char *s, size_t len);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

struct node *node_new(struct arena *a, enum node_kind kind, struct loc loc);
void node_append(struct node *parent, struct node *kid);

struct strbuf;
/* The documented -d ast format (docs/language.md).  Returns 0 or -ENOMEM. */
int ast_dump(const struct node *prog, const struct map_info *maps, struct strbuf *out);
const char *op_str(int op);

#endif
