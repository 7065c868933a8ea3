// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: the stapsdt note walker and the argument spec parser.  The first
 * byte chooses: bit 0 set, a .note.stapsdt section (bit 1: 32-bit addresses,
 * bit 2: the other byte order) whose notes' arg strings are parsed too;
 * bit 0 clear, one argument spec and a whole arg string.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sym/usdt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int one_note(const struct usdt_note *n, void *ctx)
{
	struct usdt_arg args[USDT_MAX_ARGS];
	size_t nr, i;

	(void)ctx;
	usdt_args_parse(n->args, args, USDT_MAX_ARGS, &nr);
	for (i = 0; i < nr; i++)
		usdt_arg_type(&args[i]);
	return strlen(n->provider) + strlen(n->name) > 1 << 20;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct usdt_arg args[USDT_MAX_ARGS], a;
	size_t nr;
	char *buf;

	if (!size)
		return 0;
	/* Exactly the bytes given, so that reading one past them is caught. */
	buf = malloc(size);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	if (data[0] & 1) {
		usdt_notes_parse(buf, size - 1, !(data[0] & 2), data[0] & 4, one_note, NULL);
	} else {
		usdt_arg_parse(buf, size - 1, &a);
		usdt_arg_type(&a);
		buf[size - 1] = '\0';
		usdt_args_parse(buf, args, USDT_MAX_ARGS, &nr);
	}
	free(buf);
	return 0;
}
