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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/*
 * What the program runs with, as bpftrace decides it: its defaults, then the
 * script's config = { ... } block, then the environment (BPFTRACE_*, which
 * wins, as in bpftrace).  Filled by the checker.
 */
enum { LANG_MISSING_ERROR, LANG_MISSING_WARN, LANG_MISSING_IGNORE };

struct lang_config {
	uint32_t max_strlen;		/* bytes of a str() value, NUL included: 64 */
	uint32_t max_map_keys;		/* elements of a map: 4096 */
	uint64_t perf_rb_pages;		/* ring buffer pages per CPU; 0: sized by need */
	uint64_t log_size;		/* bytes of the verifier's log; 0: scry's own */
	uint64_t max_cat_bytes;		/* cat(): 10240 */
	uint32_t on_stack_limit;	/* bytes a value may take on the BPF stack: 32 */
	int stack_mode;			/* 0 bpftrace, 1 perf, 2 raw (out/stack.h's enum stack_mode) */
	int missing_probes;		/* LANG_MISSING_*: a probe that cannot attach */
	bool print_maps_on_exit;	/* true */
	const char *str_trunc_trailer;	/* ".." */
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
	struct lang_config config;	/* the checker's */
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
