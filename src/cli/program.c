// SPDX-License-Identifier: GPL-2.0
/*
 * scry -e 'PROGRAM' / scry FILE.bt: compile (and, once the code generator
 * exists, run) a program in scry's language.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "lang/lang.h"
#include "util/strbuf.h"

#define MAX_PROGRAM (16 << 20)

int program_main(const struct cli_opts *o)
{
	struct strbuf src = STRBUF_INIT, text = STRBUF_INIT;
	struct lang_program *prog = NULL;
	struct lang_opts lo = {
		.filename = o->prog_text ? "stdin" : o->prog_file,
		.nr_params = o->nr_params,
		.params = o->params,
		.env = &lang_env_tracefs,
	};
	int err, status = 1;

	if (o->debug && strcmp(o->debug, "ast")) {
		fprintf(stderr, "scry: error: '-d %s' is not available yet (only '-d ast')\n", o->debug);
		return 1;
	}
	if (o->prog_text) {
		err = strbuf_addstr(&src, o->prog_text);
	} else if (!strcmp(o->prog_file, "-")) {
		err = strbuf_read_file(&src, "/dev/stdin", MAX_PROGRAM);
		lo.filename = "stdin";
	} else {
		err = strbuf_read_file(&src, o->prog_file, MAX_PROGRAM);
	}
	if (err) {
		fprintf(stderr, "scry: error: cannot read '%s': %s\n", o->prog_file, strerror(-err));
		goto out;
	}
	err = lang_compile(strbuf_str(&src), src.len, &lo, &prog);
	if (prog && diag_render(&prog->diags, &text) == 0)
		fputs(strbuf_str(&text), stderr);
	if (err == -ENOMEM) {
		fprintf(stderr, "scry: error: out of memory\n");
		goto out;
	}
	if (err)
		goto out;
	if (o->debug) {
		strbuf_reset(&text);
		if (ast_dump(prog->ast, prog->maps, &text)) {
			fprintf(stderr, "scry: error: out of memory\n");
			goto out;
		}
		fflush(stderr);
		fputs(strbuf_str(&text), o->out);
	}
	if (!o->dry_run) {
		fprintf(stderr, "scry: error: compiling to BPF is not implemented yet: "
				"the program checks, use --dry-run to stop here\n");
		goto out;
	}
	status = 0;
out:
	lang_program_free(prog);
	strbuf_release(&src);
	strbuf_release(&text);
	return status;
}
