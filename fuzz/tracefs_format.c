// SPDX-License-Identifier: GPL-2.0
/* libFuzzer: tracefs event format files (tp_format_parse()). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mech/tracefs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tp_format fmt;
	char *buf;
	size_t i;

	/* Not NUL-terminated, on purpose: the parser is given a length. */
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (!tp_format_parse(buf, size, &fmt)) {
		for (i = 0; i < fmt.nr_fields; i++)
			tp_format_field(&fmt, fmt.fields[i].name);
		tp_format_release(&fmt);
	}
	free(buf);
	return 0;
}
