// SPDX-License-Identifier: GPL-2.0
/*
 * scry -e 'PROGRAM' / scry FILE.bt: compile (and, once the code generator
 * exists, run) a program in scry's language.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "codegen/codegen.h"
#include "codegen/bpf/disasm.h"
#include "lang/lang.h"
#include "util/log.h"
#include "runtime/session.h"
#include "util/strbuf.h"

#define MAX_PROGRAM (16 << 20)

/* -d ir, -d bpf: each program's code, with the probe it comes from. */
static int dump_bpf(const struct compiled_program *cp, FILE *f)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	int err = 0;

	for (i = 0; i < cp->nr_progs && !err; i++) {
		const struct cprog *p = &cp->progs[i];

		size_t k;

		err = strbuf_addf(&sb, "; %s at %s:%u:%u: %zu instructions\n", p->name,
				  cp->source_name, p->loc.line, p->loc.col, p->nr_insns);
		for (k = 0; k < p->nr_points && !err; k++) {
			const struct probe_point *pp = &p->points[k];

			err = strbuf_addf(&sb, ";   attach %s:%s:%s offset 0x%llx rate %llu\n",
					  pp->provider, pp->target ?: "", pp->func ?: "",
					  (unsigned long long)pp->offset, (unsigned long long)pp->rate);
		}
		if (!err && (p->expected_attach_type || p->attach_btf_id))
			err = strbuf_addf(&sb, ";   expected_attach_type %d attach_btf_id %u\n",
					  p->expected_attach_type, p->attach_btf_id);
		err = err ?: bpf_disasm(&sb, p->insns, p->nr_insns);
	}
	if (!err)
		fputs(strbuf_str(&sb), f);
	strbuf_release(&sb);
	return err;
}

/* -v: what was compiled, one line a BPF program (the verifier's log follows on failure). */
static void verbose_programs(const struct compiled_program *cp)
{
	size_t i;

	for (i = 0; i < cp->nr_progs; i++)
		fprintf(stderr, "INFO: program '%s' for %s:%u:%u: %zu BPF instructions\n",
			cp->progs[i].name, cp->source_name, cp->progs[i].loc.line,
			cp->progs[i].loc.col, cp->progs[i].nr_insns);
}

/* Is stage (ast, ir, bpf) to be printed?  -d all (bpftrace's -d) prints each. */
static bool stage(const struct cli_opts *o, const char *name)
{
	return o->debug && (!strcmp(o->debug, name) || !strcmp(o->debug, "all"));
}

/* --no-warnings: only the errors are rendered. */
static void drop_warnings(struct diags *d)
{
	struct diag **pp = &d->head;

	while (*pp) {
		if ((*pp)->level == DIAG_WARNING)
			*pp = (*pp)->next;
		else
			pp = &(*pp)->next;
	}
	d->tail = pp;
	d->nr_warnings = 0;
}

static int compile_and_run(const struct cli_opts *o, struct lang_program *prog,
			   struct lang_env *env, const char *name, const char *source,
			   size_t source_len)
{
	struct compiled_program *cp = NULL;
	struct strbuf ir = STRBUF_INIT, errors = STRBUF_INIT;
	struct codegen_opts co = {
		.source_name = name,
		.nr_params = o->nr_params,
		.params = o->params,
		.pid = o->pid,
		.helper_check = o->helper_check,
		.ir_dump = stage(o, "ir") ? &ir : NULL,
		.errors = &errors,
	};
	struct session_opts so = {
		.out = o->out,
		.json = o->format == FMT_JSON,
		.pid = o->pid,
		.cmd = o->cmd,
		.verbose = o->verbose,
		.no_attach_message = o->quiet,
	};
	int err, code = 0;

	/* the sizes the config block or the environment chose (lang_config) */
	env->map_keys_max = prog->config.max_map_keys;
	env->perf_rb_pages = prog->config.perf_rb_pages;
	so.no_map_print = !prog->config.print_maps_on_exit;
	so.missing_probes = prog->config.missing_probes;
	err = codegen_program(prog, &co, &cp);
	fputs(strbuf_str(&errors), stderr);
	if (err)
		goto out;
	log_phase("codegen");
	cp->source = source;
	cp->source_len = source_len;
	if (o->verbose)
		verbose_programs(cp);
	if (co.ir_dump)
		fputs(strbuf_str(&ir), o->out);
	if (stage(o, "bpf"))
		dump_bpf(cp, o->out);
	if (o->dry_run || o->debug)
		goto out;	/* -d, like bpftrace's, is a dry run */
	err = session_run(cp, &so, &code);
out:
	compiled_program_free(cp);
	strbuf_release(&ir);
	strbuf_release(&errors);
	if (err)
		return 1;
	return code;
}

int program_main(const struct cli_opts *o)
{
	struct strbuf src = STRBUF_INIT, text = STRBUF_INIT;
	struct lang_program *prog = NULL;
	struct lang_env env;
	struct lang_opts lo = {
		.filename = o->prog_text ? "stdin" : o->prog_file,
		.nr_params = o->nr_params,
		.params = o->params,
		.env = &env,
		.unsafe = o->unsafe,
	};
	int err, status = 1;

	/* -d is a dry run too (as bpftrace's): no feature is probed then */
	if (cli_env(&env, o->dry_run || o->debug))
		goto out;
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
	log_phase("main");
	err = lang_compile(strbuf_str(&src), src.len, &lo, &prog);
	log_phase("front end (parse, check, formats)");
	if (prog && o->no_warnings)
		drop_warnings(&prog->diags);
	if (prog && diag_render(&prog->diags, &text) == 0)
		fputs(strbuf_str(&text), stderr);
	if (err == -ENOMEM) {
		fprintf(stderr, "scry: error: out of memory\n");
		goto out;
	}
	if (err)
		goto out;
	if (stage(o, "ast")) {
		strbuf_reset(&text);
		if (ast_dump(prog->ast, prog->maps, &text)) {
			fprintf(stderr, "scry: error: out of memory\n");
			goto out;
		}
		fflush(stderr);
		fputs(strbuf_str(&text), o->out);
		status = 0;	/* -d ast is the front end's output: no code generation */
		if (strcmp(o->debug, "all"))
			goto out;
	}
	status = compile_and_run(o, prog, &env, lo.filename, strbuf_str(&src), src.len);
out:
	lang_program_free(prog);
	strbuf_release(&src);
	strbuf_release(&text);
	return status;
}
