/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The code generator: a checked program (lang/lang.h) to BPF programs, maps
 * and event tables (codegen/program.h), through the IR (codegen/ir.h).
 * Pure: no kernel access.  What it needs from the system comes through the
 * program's struct lang_env (lang/env.h), so -d ir / -d bpf are
 * golden-testable and --dry-run makes no bpf() call.
 */
#ifndef SCRY_CODEGEN_CODEGEN_H
#define SCRY_CODEGEN_CODEGEN_H

#include <stdint.h>

#include "codegen/program.h"
#include "util/strbuf.h"

struct lang_program;

struct codegen_opts {
	const char *source_name;	/* "stdin" or the file */
	int nr_params;
	char *const *params;
	const struct lang_env *env;	/* NULL: the one lang_compile() was given */
	int pid;			/* -p: uprobe/usdt binaries through its mappings; 0: none */
	struct strbuf *ir_dump;		/* -d ir: the IR of every probe is appended here */
	int helper_check;		/* -k: 1 (helpers but the reads), -kk: 2 (every one) */
	bool hist_sum;			/* hist()/lhist() also keep the sum of their values (serve) */
	/*
	 * Set: errors are appended here as the checker's diagnostics are
	 * rendered (lang/diag.c: "FILE:LINE:COL: error: msg", the line, a
	 * caret), for the caller to print.  NULL: each goes through pr_err().
	 */
	struct strbuf *errors;
	/*
	 * Events wake the reader only when an eighth of the ring buffer waits
	 * (BPF_RB_NO_WAKEUP otherwise): run the session with a poll_ms.
	 */
	bool rb_batch;
};

/*
 * Compiles lp.  Returns 0 and *out (free with compiled_program_free()), or
 * -errno; -EINVAL for a construct the generator does not handle, reported
 * in o->errors (or with pr_err()).
 */
int codegen_program(const struct lang_program *lp, const struct codegen_opts *o,
		    struct compiled_program **out);

#endif
