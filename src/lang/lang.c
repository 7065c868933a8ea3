// SPDX-License-Identifier: GPL-2.0
/* lang_compile(): the passes, chained. */
#include <errno.h>
#include <stdlib.h>

#include "lang/passes.h"

void tp_cache_free(struct tp_cache *c);

const struct lang_env lang_env_none = { .ncpus = 1, .ncpus_possible = 1 };

int lang_compile(const char *src, size_t len, const struct lang_opts *opts,
		 struct lang_program **out)
{
	struct lang_program *p = calloc(1, sizeof(*p));
	int err;

	*out = p;
	if (!p)
		return -ENOMEM;
	p->arena = arena_new();
	if (!p->arena)
		return -ENOMEM;
	p->env = opts->env ?: &lang_env_none;
	diags_init(&p->diags, p->arena, opts->filename ?: "stdin", src, len);
	err = parse_program(p, src, len);
	err = err ?: macros_expand(p);
	err = err ?: probes_resolve(p, opts);
	err = err ?: sema_check(p, opts);
	if (!err && p->diags.nr_errors)
		err = -EINVAL;
	return err;
}

void lang_program_free(struct lang_program *p)
{
	if (!p)
		return;
	tp_cache_free(p->tp_cache);
	arena_free(p->arena);
	free(p);
}
