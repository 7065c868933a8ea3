// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: an ELF file with DWARF from memory, through everything scry
 * reads of it (sym/dwarf.c): the index, every function's parameters as a
 * record and as C text, every named type.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lang/ast.h"
#include "sym/dwarf.h"
#include "util/log.h"

static void quiet(enum log_level level, const char *msg)
{
	(void)level;
	(void)msg;
}

struct walk {
	struct dwarf_file *df;
	struct arena *a;
	int n;
};

static int param(const char *ctype, const char *name, void *arg)
{
	(void)arg;
	return !ctype || !name;	/* both always there */
}

static int one(const char *name, bool is_func, void *arg)
{
	struct walk *w = arg;
	struct type *t, *ret;

	if (w->n++ > 256)
		return 1;
	if (is_func) {
		dwarf_func_args(w->df, w->a, name, &t, &ret);
		dwarf_func_params(w->df, name, param, NULL);
	} else {
		dwarf_type(w->df, w->a, name, &t);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct walk w = { 0 };
	void *buf;

	log_set_handler(quiet);
	/* libelf may write into its image; the fuzzer's input is const. */
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	w.a = arena_new();
	if (w.a && !dwarf_file_open_mem(buf, size, "fuzz", &w.df)) {
		dwarf_file_names(w.df, one, &w);
		one("struct missing", false, &w);
		one("missing", true, &w);
		dwarf_file_close(w.df);
	}
	arena_free(w.a);
	free(buf);
	return 0;
}
