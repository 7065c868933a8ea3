/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The language front end: bpftrace's language parsed and checked into a
 * located, typed AST.  Pure: no kernel access.  What it needs from the
 * system (tracepoint format files) it asks through struct lang_env
 * (lang/env.h), so tests and the fuzzer can answer from elsewhere.
 *
 *	lang_compile() -> lang_program (AST + maps + diagnostics)
 *	lang_render_diags() / ast_dump() -> text for the command line
 *	lang_program_free()
 */
#ifndef SCRY_LANG_LANG_H
#define SCRY_LANG_LANG_H

#include <stddef.h>

#include "lang/ast.h"
#include "lang/diag.h"
#include "lang/env.h"

struct lang_opts {
	const char *filename;		/* "stdin" for -e */
	int nr_params;			/* positional parameters $1... */
	char *const *params;
	const struct lang_env *env;	/* NULL: lang_env_none (args of tracepoints unchecked) */
	bool unsafe;			/* --unsafe: system(), signal()... are allowed */
};

struct lang_program {
	struct arena *arena;
	struct node *ast;		/* N_PROGRAM */
	struct map_info *maps;		/* every map, in order of first appearance */
	struct diags diags;
	struct named *records;		/* struct/union types defined in the script */
	struct named *enums;		/* enum constants defined in the script */
	struct named *typedefs;		/* typedef NAME ...: name and type */
	struct tp_cache *tp_cache;
	const struct lang_env *env;	/* as given (never NULL): the code generator asks it too */
};

/*
 * Parse and check src (len bytes, need not be NUL-terminated).  *out is set
 * whenever memory allowed, even on errors, so that the caller can render the
 * diagnostics; free it with lang_program_free().  Returns 0, -EINVAL when the
 * program has errors, or -ENOMEM.
 */
int lang_compile(const char *src, size_t len, const struct lang_opts *opts,
		 struct lang_program **out);

/* Accepts NULL. */
void lang_program_free(struct lang_program *p);

#endif
