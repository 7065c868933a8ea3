// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: whatever the front end accepts goes through the code
 * generator, the register allocator and the disassembler (pure: nothing is
 * loaded).  The whole system is the fake environment of fuzz/fake_env.h,
 * injected: nothing of the machine is read.
 *
 *	make fuzz && build/fuzz/codegen -max_total_time=300 fuzz/corpus/lang
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/bpf/disasm.h"
#include "codegen/codegen.h"
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
	struct compiled_program *cp = NULL;
	struct strbuf ir = STRBUF_INIT, text = STRBUF_INIT;
	struct codegen_opts co = {
		.source_name = "fuzz",
		.nr_params = 2,
		.params = params,
		.ir_dump = &ir,
	};
	size_t i;

	log_set_handler(quiet);
	if (lang_compile((const char *)data, size, &o, &prog) == 0 &&
	    codegen_program(prog, &co, &cp) == 0) {
		for (i = 0; i < cp->nr_progs; i++)
			bpf_disasm(&text, cp->progs[i].insns, cp->progs[i].nr_insns);
	}
	compiled_program_free(cp);
	lang_program_free(prog);
	strbuf_release(&ir);
	strbuf_release(&text);
	return 0;
}
