// SPDX-License-Identifier: GPL-2.0
/* libFuzzer: an ELF file from memory, through everything scry reads of it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sym/elf.h"
#include "sym/usdt.h"
#include "util/log.h"

static void quiet(enum log_level level, const char *msg)
{
	(void)level;
	(void)msg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_symtab tab = { 0 };
	struct usdt_list l = { 0 };
	struct elf_file *ef;
	uint8_t id[64];
	uint64_t off, sym_off;
	void *buf;
	size_t i;

	log_set_handler(quiet);
	/* libelf may write into its image; the fuzzer's input is const. */
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (elf_file_open_mem(buf, size, "fuzz", &ef))
		goto out;
	elf_build_id(ef, id, sizeof(id));
	if (!elf_file_functions(ef, &tab)) {
		elf_symtab_sort_by_addr(&tab);
		for (i = 0; i < tab.nr && i < 64; i++) {
			elf_vaddr_to_offset(ef, tab.syms[i].addr, &off);
			elf_symtab_lookup(&tab, tab.syms[i].addr + 1, &sym_off);
		}
		elf_symtab_lookup(&tab, 0, NULL);
		elf_symtab_lookup(&tab, UINT64_MAX, NULL);
	}
	if (!usdt_read(ef, &l)) {
		for (i = 0; i < l.nr; i++)
			usdt_arg_type(&l.probes[i].args[0]);
	}
	usdt_list_release(&l);
	elf_symtab_release(&tab);
	elf_file_close(ef);
out:
	free(buf);
	return 0;
}
