/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The code generator: a checked program (lang/lang.h) to BPF programs, maps
 * and event tables (codegen/program.h), through the IR (codegen/ir.h).
 * Pure: no kernel access, so -d ir / -d bpf are golden-testable.
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
	int ncpus;			/* the ncpus builtin */
	uint64_t start_ns;		/* CLOCK_MONOTONIC at start: the elapsed builtin */
	int pid;			/* -p: uprobe/usdt binaries through its mappings; 0: none */
	struct strbuf *ir_dump;		/* -d ir: the IR of every probe is appended here */
	int helper_check;		/* -k: 1 (helpers but the reads), -kk: 2 (every one) */
};

/*
 * Compiles lp.  Returns 0 and *out (free with compiled_program_free()), or
 * -errno; -EINVAL for a construct the generator does not handle, reported
 * as "FILE:LINE:COL: error: ..." with pr_err().
 */
int codegen_program(const struct lang_program *lp, const struct codegen_opts *o,
		    struct compiled_program **out);

#endif
