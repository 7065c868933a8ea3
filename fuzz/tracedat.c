// SPDX-License-Identifier: GPL-2.0
/* libFuzzer: the trace.dat header walk of scry report (tracedat_stats()). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mech/tracedat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tracedat_stats st;
	const char *where;
	uint8_t *buf;

	/* An exact-size copy: any read past the end is caught by ASan. */
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (tracedat_stats(buf, size, &st, &where) && !where)
		abort();	/* every refusal names the place */
	free(buf);
	return 0;
}
