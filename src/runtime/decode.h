/* SPDX-License-Identifier: GPL-2.0 */
/*
 * From bytes the kernel wrote (map keys and values, event payloads) to
 * printable values, by the layouts the code generator recorded.
 */
#ifndef SCRY_RUNTIME_DECODE_H
#define SCRY_RUNTIME_DECODE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "codegen/program.h"
#include "out/maps.h"

/*
 * Decodes data (len bytes) laid out as t into *v.  Strings point into
 * data, tuples' elements into pool (which grows; free it after use with
 * decode_pool_release): keep both alive while v is used.
 */
struct decode_pool {
	struct pvalue **blocks;
	size_t n;
	char **texts;	/* rendered stacks, symbols, names */
	size_t nt;
};

/* What decoding needs besides the bytes: the program, and for stacks and symbols, the symbolizers. */
struct ksyms;
struct usyms;
struct decode_env {
	const struct compiled_program *cp;
	int stack_fd;		/* the program's stack-trace map, or -1 */
	const struct ksyms *ks;	/* may be NULL: addresses print in hex */
	struct usyms *us;	/* may be NULL */
	int indent;		/* of stack frames: 8 in printf, 4 in map keys (bpftrace's) */
};

int decode_value(const struct decode_env *env, const struct vtype *t, const uint8_t *data,
		 size_t len, struct pvalue *v, struct decode_pool *pool);

void decode_pool_release(struct decode_pool *pool);

/*
 * Reads map m (index idx of cp, open as fd) and prints it as bpftrace does
 * (sorted; top > 0 keeps the last top; values divided by div).  Returns 0 or
 * -errno, reported.
 */
int map_print(const struct decode_env *env, size_t idx, int fd, FILE *out, bool json,
	      size_t top, uint64_t div);

/* Deletes every element (clear), or sets every value to zero (zero). */
int map_clear(int fd, bool zero, uint32_t value_size, bool percpu);

#endif
