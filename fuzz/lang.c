// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the language front end (lexer, parser, probe resolution,
 * checker, diagnostics rendering and the AST dump) on arbitrary bytes.
 *
 *	make fuzz && build/fuzz/lang -max_total_time=300 fuzz/corpus/lang
 *
 * Every tracepoint has the same small format, so that typed 'args' is
 * exercised without tracefs; "nothere" events do not exist.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fake_env.h"
#include "lang/lang.h"
#include "mech/tracefs.h"
#include "util/log.h"
#include "util/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char p1[] = "42", p2[] = "/bin/sh";
	static char *params[] = { p1, p2 };
	struct lang_opts o = { .filename = "fuzz", .nr_params = 2, .params = params, .env = &fake_env };
	struct lang_program *prog = NULL;
	struct strbuf sb = STRBUF_INIT;

	log_set_handler(quiet);
	if (lang_compile((const char *)data, size, &o, &prog) == 0)
		ast_dump(prog->ast, prog->maps, &sb);
	if (prog)
		diag_render(&prog->diags, &sb);
	strbuf_release(&sb);
	lang_program_free(prog);
	return 0;
}
