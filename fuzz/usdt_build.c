// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: libscry-usdt's ELF builder (lib/usdt/build.c) against scry's
 * readers.  The input chooses the probes: per probe a length byte, a name
 * (bytes folded into [A-Za-z0-9_]), an argument count and types, some of
 * them out of range.  Whatever the builder accepts must read back through
 * elf_file_open_mem() and usdt_read() as exactly those probes, with sites
 * on a nop, semaphores where the builder put them and the declared types
 * (.note.scry-usdt) read back; anything else aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/usdt/build.h"
#include "sym/elf.h"
#include "sym/usdt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXP 40

static char fold(uint8_t c)
{
	static const char set[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";

	return set[c % (sizeof(set) - 1)];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char names[MAXP][80];
	static enum scry_usdt_type types[MAXP][16];
	struct usdt_build_probe bp[MAXP];
	struct usdt_image img;
	struct usdt_list l = { 0 };
	struct elf_file *ef = NULL;
	size_t nr = 0, pos = 0, i, k;
	int err;

	while (pos < size && nr < MAXP) {
		size_t len = data[pos++] % 70, na;

		for (k = 0; k < len && pos < size; k++)
			names[nr][k] = fold(data[pos++]);
		names[nr][k] = '\0';
		na = pos < size ? data[pos++] % 14 : 0;
		for (k = 0; k < na; k++)
			types[nr][k] = (enum scry_usdt_type)(pos < size ? data[pos++] % 11 : 1);
		bp[nr].name = names[nr];
		bp[nr].nr_args = na;
		bp[nr].types = types[nr];
		nr++;
	}
	err = usdt_build("fuzz", bp, nr, &img);
	if (err)
		return 0;
	if (elf_file_open_mem(img.data, img.size, "fuzz", &ef) || usdt_read(ef, &l) || l.nr != nr)
		abort();
	for (i = 0; i < nr; i++) {
		const struct usdt_probe *p = &l.probes[i];

		if (strcmp(p->provider, "fuzz") || strcmp(p->name, bp[i].name) || !p->args_ok ||
		    p->nr_args != bp[i].nr_args || p->pc_offset != img.site[i] ||
		    p->sema_offset != img.sema[i] || img.data[img.site[i]] != 0x90)
			abort();
		for (k = 0; k < p->nr_args; k++)
			if (p->args[k].size != (bp[i].types[k] == SCRY_USDT_STRING ? 8
						: 1 << ((bp[i].types[k] - 1) / 2)) ||
			    p->args[k].is_signed != (bp[i].types[k] != SCRY_USDT_STRING &&
						     (bp[i].types[k] & 1)) ||
			    !usdt_declared_type(p, k) ||
			    (bp[i].types[k] == SCRY_USDT_STRING) != !strcmp(usdt_declared_type(p, k),
									   "string"))
				abort();
	}
	usdt_list_release(&l);
	elf_file_close(ef);
	usdt_image_release(&img);
	return 0;
}
