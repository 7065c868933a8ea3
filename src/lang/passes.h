/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The passes of the front end, chained by lang_compile():
 *
 *	err = parse_program(p);		source -> AST, parser recovery at statement/probe ends
 *	err = err ?: probes_resolve();	attach points -> provider, target, function
 *	err = err ?: sema_check();	scopes, types, maps, builtins
 *
 * Each returns 0, -EINVAL when it reported errors in p->diags, or -ENOMEM;
 * probes_resolve() returns only -ENOMEM: the checker skips the probes it
 * could not resolve and checks the others, so both kinds of errors show.
 */
#ifndef SCRY_LANG_PASSES_H
#define SCRY_LANG_PASSES_H

#include "lang/lang.h"

int parse_program(struct lang_program *p, const char *src, size_t len);
int probes_resolve(struct lang_program *p, const struct lang_opts *o);
/* macro.c: every macro call replaced by its expansion (between parse and probes_resolve) */
int macros_expand(struct lang_program *p);
int sema_check(struct lang_program *p, const struct lang_opts *o);

#endif
