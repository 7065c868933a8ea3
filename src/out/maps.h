/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Printing maps as bpftrace prints them, in text and in its JSON lines:
 * order (by value, by count, by key), histogram rows and bars with K/M/G
 * labels, stats lines, the blank lines between maps.
 *
 * The runtime decodes map keys and values into struct pvalue (which needs
 * the program's types); everything from there to the bytes on the terminal
 * is here.
 */
#ifndef SCRY_OUT_MAPS_H
#define SCRY_OUT_MAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum pvalue_kind {
	PV_INT,		/* signed */
	PV_UINT,
	PV_STR,		/* quoted in JSON */
	PV_TEXT,	/* already rendered (stacks, symbols, ...): printed as is, quoted in JSON */
	PV_TUPLE,
	PV_RECORD,	/* elems, each with its member's name: { .a = 1, .b = 2 } */
	PV_ARRAY,	/* elems: [1,2,3] */
};

struct pvalue {
	enum pvalue_kind kind;
	int64_t i;
	uint64_t u;
	const char *str;	/* PV_STR, PV_TEXT: len bytes, need not be NUL-terminated */
	size_t len;
	const struct pvalue *elems;	/* PV_TUPLE, PV_RECORD, PV_ARRAY */
	size_t nr_elems;
	const char *name;		/* an element of a PV_RECORD: the member's name */
	const char *enum_name;		/* PV_INT/PV_UINT of an enum type: its constant's name, or NULL */
	bool is_enum;			/* of an enum type (%s prints enum_name, else the number) */
};

enum pmap_kind {
	PM_VALUE,	/* count, sum, min, max, assigned values */
	PM_AVG,
	PM_STATS,
	PM_HIST,
	PM_LHIST,
};

/* The number of buckets of a hist(): index 0 < 0, 1 is 0, 2 is 1, i > 2 is [2^(i-2), 2^(i-1)). */
#define HIST_BUCKETS 66

struct pmap_entry {
	const struct pvalue *keys;	/* nr_keys values; none for a map without keys */
	size_t nr_keys;
	struct pvalue value;		/* PM_VALUE */
	int64_t count, total;		/* PM_AVG, PM_STATS; total: PM_HIST/PM_LHIST with has_sum */
	const uint64_t *buckets;	/* PM_HIST (HIST_BUCKETS), PM_LHIST (lhist_buckets()) */
};

struct pmap {
	const char *name;	/* "@", "@bytes" */
	enum pmap_kind kind;
	bool has_keys;		/* declared with keys, even if empty now */
	int64_t lmin, lmax, lstep;	/* PM_LHIST */
	bool has_sum;		/* PM_HIST/PM_LHIST: entries' total is the sum of the values */
	struct pmap_entry *entries;	/* any order: pmap_print() sorts what it prints */
	size_t nr_entries;
};

/* lhist(v, min, max, step) has (max - min) / step + 2 buckets: below min, the steps, at or above max. */
size_t lhist_buckets(int64_t min, int64_t max, int64_t step);

/* The bucket index of v in a hist() / lhist().  (The BPF code computes the same.) */
size_t hist_index(int64_t v);
size_t lhist_index(int64_t v, int64_t min, int64_t max, int64_t step);

enum pmap_format {
	PMAP_TEXT,
	PMAP_JSON,
};

/*
 * Print one map as bpftrace's print(@m, top, div) does and as it prints maps
 * at exit: sorted, only the last top entries when top > 0, values divided by
 * div (> 0).  Sorts m->entries in place.
 */
void pmap_print(FILE *f, struct pmap *m, enum pmap_format fmt, size_t top, uint64_t div);

/* Sorts m->entries as pmap_print() prints them: by value (then key), the largest last. */
void pmap_sort(struct pmap *m);

/* A value as its text in print_text (keys, values), appended to sb; div divides numbers.  0 or -ENOMEM. */
struct strbuf;
int pvalue_str(struct strbuf *sb, const struct pvalue *v, uint64_t div);

/* A value alone, as print(value) prints it. */
void pvalue_print(FILE *f, const struct pvalue *v, enum pmap_format fmt);

#endif
