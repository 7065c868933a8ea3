/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The checker's interface for the built-ins (src/lang/builtins/): one file
 * per family, one registration line each in builtins/registry.c.
 */
#ifndef SCRY_LANG_SEMA_H
#define SCRY_LANG_SEMA_H

#include "codegen/builtin_api.h"
#include "lang/lang.h"

/*
 * Probe types are struct provider (probe/probe.h): their names, syntax and
 * the context they give (CTX_*, also a builtin's needs) come from there.
 */
#include "probe/probe.h"

struct sema;

enum {
	LF_MAP_ARG = 1 << 0,	/* argument 0 is a map as a whole (print, clear, zero, len...) */
	LF_AGG = 1 << 1,	/* an aggregation: only as '@m[...] = f(...)' */
	LF_RAW = 1 << 2,	/* check() types the arguments itself */
	LF_KEYED_MAP = 1 << 3,	/* argument 0 may be '@m[k]' naming one element (delete) */
};

struct lang_func {
	const char *name;
	int min_args, max_args;		/* max -1: variadic */
	unsigned flags;
	unsigned ctx;			/* CTX_* of which one is needed, or 0 */
	const char *usage;		/* "str(ADDR[, LEN])" */
	/* Set call->type; report problems with sema_err().  args[i] are typed unless LF_RAW. */
	void (*check)(struct sema *s, struct node *call, struct node **args, int nargs);
	/* Its code (codegen/builtin_api.h); NULL: still in codegen/expr.c. */
	cg_builtin_fn gen;
};

struct lang_var {
	const char *name;
	unsigned ctx;			/* CTX_* of which one is needed, or 0 */
	struct type *(*type)(struct sema *s);
	/* Its code (codegen/builtin_api.h); NULL: still in codegen/expr.c. */
	cg_builtin_fn gen;
};

/* builtins/registry.c */
const struct lang_func *lang_func_find(const char *name);
const struct lang_var *lang_var_find(const char *name);
/* builtins/consts.c: a constant of the kernel headers (AF_INET...). */
bool lang_const_find(const char *name, int64_t *value);
/* NULL-terminated lists of names, for did-you-mean. */
const char *const *lang_builtin_names(void);

/* Services of the checker for the built-ins. */
struct arena *sema_arena(struct sema *s);
/* The size of a string read with str() (config max_strlen, BPFTRACE_MAX_STRLEN): 64 by default. */
uint32_t sema_max_strlen(struct sema *s);
void sema_err(struct sema *s, struct loc loc, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void sema_warn(struct sema *s, struct loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Type an expression (for LF_RAW built-ins). */
void sema_expr(struct sema *s, struct node *n);
/* Check m as a map named as a whole (or one element when keyed_ok) by call. */
void sema_map_arg(struct sema *s, struct node *call, struct node *m, bool keyed_ok);
/* A compile-time integer (literals, arithmetic on them, enum constants, $N). */
bool sema_const(struct sema *s, struct node *n, int64_t *v);
/* --unsafe was given: system(), signal()... may be used. */
bool sema_unsafe(struct sema *s);
/* The context of the probe being checked (CTX_* of all its attach points). */
unsigned sema_ctx(struct sema *s);
/* What the system answers (never NULL). */
const struct lang_env *sema_env(struct sema *s);
const struct attach *sema_attach(struct sema *s);

/* Common argument checks: report and return false when arg is not wanted. */
bool want_int(struct sema *s, const struct node *call, struct node *arg, int i);
bool want_str(struct sema *s, const struct node *call, struct node *arg, int i);
bool want_literal_str(struct sema *s, const struct node *call, struct node *arg, int i);
/* The positional parameter's text if n is one that was given, else NULL. */
const char *sema_param(struct sema *s, const struct node *n);

/* Format checks shared by printf, system, cat, errorf. */
void check_format(struct sema *s, const struct node *call, struct node **args, int nargs);

#endif
