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

/*
 * A map's elements as the kernel holds them, the CPUs of a per-CPU map
 * folded into one value: what printing a map, `scry profile` and any other
 * reader of a session's maps start from.
 */
struct map_entry {
	uint8_t *key;		/* key_size bytes of the key as written (a hist bucket taken off) */
	uint64_t *buckets;	/* hist/lhist: the count of every bucket */
	int64_t a, b;		/* count, sum: a; min, max: a, and b = 1 once set; avg, stats: the
				 * total in a, the count in b */
	uint8_t *value;		/* assigned values (CMAP_VALUE): value_size bytes */
};

struct map_entries {
	struct map_entry *v;	/* in the kernel's order */
	size_t n, alloc;
	size_t key_size;	/* bytes of every key */
	uint8_t **kblocks;	/* the keys live here, packed (one malloc per MiB, not per key) */
	size_t nkblocks;
};

/*
 * Reads every element of map m (open as fd) into *out.  Returns 0 or
 * -errno (not reported); release *out with map_entries_release() either way.
 */
int map_read(const struct cmap *m, int fd, struct map_entries *out);

/* Frees what map_read() filled; *es is empty afterwards. */
void map_entries_release(struct map_entries *es);

/*
 * A map read at one moment and decoded as map_print() decodes it (scry
 * serve): pm's entries, keys and strings point into es and pool, which the
 * snapshot owns until map_snapshot_release().
 */
struct map_snapshot {
	struct pmap pm;		/* the entries in the kernel's order */
	struct map_entries es;
	struct decode_pool pool;
};

/*
 * Reads map idx of env->cp (open as fd) into *snap.  Returns 0 (release
 * snap with map_snapshot_release()) or -errno, reported, with nothing to
 * release.
 */
int map_snapshot_read(const struct decode_env *env, size_t idx, int fd, struct map_snapshot *snap);

/* Frees what snap holds and zeroes it; a zeroed snapshot is fine. */
void map_snapshot_release(struct map_snapshot *snap);

/* Deletes every element (clear), or sets every value to zero (zero). */
int map_clear(int fd, bool zero, uint32_t value_size, bool percpu);

#endif
