// SPDX-License-Identifier: GPL-2.0
/*
 * Map printing against what bpftrace 0.17 prints for the same data
 * (captured from bpftrace on the programs quoted above each test).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out/maps.h"
#include "test.h"

static char *printed(struct pmap *m, enum pmap_format fmt, size_t top, uint64_t div)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	pmap_print(f, m, fmt, top, div);
	fclose(f);
	return buf;
}

#define U(x) { .kind = PV_UINT, .u = (x) }
#define I(x) { .kind = PV_INT, .i = (x) }
#define S(x) { .kind = PV_STR, .str = (x), .len = sizeof(x) }

static void hist_add(uint64_t *b, int64_t v)
{
	b[hist_index(v)]++;
}

/* @h = hist(0), hist(1), hist(2), hist(3), hist(5), hist(100), hist(1500), hist(2000000), hist(-5) */
TEST(hist_text)
{
	static const int64_t vals[] = { 0, 1, 2, 3, 5, 100, 1500, 2000000, -5 };
	uint64_t b[HIST_BUCKETS] = { 0 };
	struct pmap_entry e = { .buckets = b };
	struct pmap m = { .name = "@h", .kind = PM_HIST, .entries = &e, .nr_entries = 1 };
	char *out;
	size_t i;

	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		hist_add(b, vals[i]);
	out = printed(&m, PMAP_TEXT, 0, 1);
	CHECK_STR(out,
		  "@h: \n"
		  "(..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		  "[0]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		  "[1]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		  "[2, 4)                 2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		  "[4, 8)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		  "[8, 16)                0 |                                                    |\n"
		  "[16, 32)               0 |                                                    |\n"
		  "[32, 64)               0 |                                                    |\n"
		  "[64, 128)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		  "[128, 256)             0 |                                                    |\n"
		  "[256, 512)             0 |                                                    |\n"
		  "[512, 1K)              0 |                                                    |\n"
		  "[1K, 2K)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		  "[2K, 4K)               0 |                                                    |\n"
		  "[4K, 8K)               0 |                                                    |\n"
		  "[8K, 16K)              0 |                                                    |\n"
		  "[16K, 32K)             0 |                                                    |\n"
		  "[32K, 64K)             0 |                                                    |\n"
		  "[64K, 128K)            0 |                                                    |\n"
		  "[128K, 256K)           0 |                                                    |\n"
		  "[256K, 512K)           0 |                                                    |\n"
		  "[512K, 1M)             0 |                                                    |\n"
		  "[1M, 2M)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		  "\n");
	free(out);
}

/* @l = lhist(5, 0, 100, 10), lhist(55, ...), lhist(500, ...) */
TEST(lhist_text_and_json)
{
	uint64_t b[12] = { 0 };
	struct pmap_entry e = { .buckets = b };
	struct pmap m = { .name = "@l", .kind = PM_LHIST, .lmin = 0, .lmax = 100, .lstep = 10,
			  .entries = &e, .nr_entries = 1 };
	char *out;

	CHECK(lhist_buckets(0, 100, 10) == 12);
	b[lhist_index(5, 0, 100, 10)]++;
	b[lhist_index(55, 0, 100, 10)]++;
	b[lhist_index(500, 0, 100, 10)]++;
	out = printed(&m, PMAP_TEXT, 0, 1);
	CHECK_STR(out,
		  "@l: \n"
		  "[0, 10)                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		  "[10, 20)               0 |                                                    |\n"
		  "[20, 30)               0 |                                                    |\n"
		  "[30, 40)               0 |                                                    |\n"
		  "[40, 50)               0 |                                                    |\n"
		  "[50, 60)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		  "[60, 70)               0 |                                                    |\n"
		  "[70, 80)               0 |                                                    |\n"
		  "[80, 90)               0 |                                                    |\n"
		  "[90, 100)              0 |                                                    |\n"
		  "[100, ...)             1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		  "\n");
	free(out);
	b[lhist_index(55, 0, 100, 10)]--;
	out = printed(&m, PMAP_JSON, 0, 1);
	CHECK_STR(out, "{\"type\": \"hist\", \"data\": {\"@l\": [{\"min\": 0, \"max\": 9, \"count\": 1}, "
		       "{\"min\": 10, \"max\": 19, \"count\": 0}, {\"min\": 20, \"max\": 29, \"count\": 0}, "
		       "{\"min\": 30, \"max\": 39, \"count\": 0}, {\"min\": 40, \"max\": 49, \"count\": 0}, "
		       "{\"min\": 50, \"max\": 59, \"count\": 0}, {\"min\": 60, \"max\": 69, \"count\": 0}, "
		       "{\"min\": 70, \"max\": 79, \"count\": 0}, {\"min\": 80, \"max\": 89, \"count\": 0}, "
		       "{\"min\": 90, \"max\": 99, \"count\": 0}, {\"min\": 100, \"count\": 1}]}}\n");
	free(out);
}

/* @a[1]=avg(10); @a[2]=avg(4) x5; @s the same with stats(): ordered by average */
TEST(avg_stats_order)
{
	struct pvalue k1 = U(1), k2 = U(2);
	struct pmap_entry ea[] = {
		{ .keys = &k1, .nr_keys = 1, .count = 1, .total = 10 },
		{ .keys = &k2, .nr_keys = 1, .count = 5, .total = 20 },
	};
	struct pmap_entry es[2];
	struct pmap a = { .name = "@a", .kind = PM_AVG, .has_keys = true, .entries = ea, .nr_entries = 2 };
	struct pmap s = { .name = "@s", .kind = PM_STATS, .has_keys = true, .entries = es, .nr_entries = 2 };
	char *out;

	memcpy(es, ea, sizeof(es));
	out = printed(&a, PMAP_TEXT, 0, 1);
	CHECK_STR(out, "@a[2]: 4\n@a[1]: 10\n\n");
	free(out);
	out = printed(&s, PMAP_TEXT, 0, 1);
	CHECK_STR(out, "@s[2]: count 5, average 4, total 20\n@s[1]: count 1, average 10, total 10\n\n");
	free(out);
	out = printed(&s, PMAP_JSON, 0, 1);
	CHECK_STR(out, "{\"type\": \"stats\", \"data\": {\"@s\": {\"2\": {\"count\": 5, \"average\": 4, "
		       "\"total\": 20}, \"1\": {\"count\": 1, \"average\": 10, \"total\": 10}}}}\n");
	free(out);
	out = printed(&a, PMAP_JSON, 0, 1);
	CHECK_STR(out, "{\"type\": \"stats\", \"data\": {\"@a\": {\"2\": 4, \"1\": 10}}}\n");
	free(out);
}

/* @[1] = 5; @[2] = 3; @[3] = 9: by value.  @m["x"]="s"; @m["a"]="t": by key. */
TEST(value_maps)
{
	struct pvalue k[] = { U(1), U(2), U(3) }, sk[] = { S("x"), S("a") };
	struct pmap_entry e[] = {
		{ .keys = &k[0], .nr_keys = 1, .value = U(5) },
		{ .keys = &k[1], .nr_keys = 1, .value = U(3) },
		{ .keys = &k[2], .nr_keys = 1, .value = U(9) },
	};
	struct pmap_entry se[] = {
		{ .keys = &sk[0], .nr_keys = 1, .value = S("s") },
		{ .keys = &sk[1], .nr_keys = 1, .value = S("t") },
	};
	struct pmap m = { .name = "@", .kind = PM_VALUE, .has_keys = true, .entries = e, .nr_entries = 3 };
	struct pmap sm = { .name = "@m", .kind = PM_VALUE, .has_keys = true, .entries = se, .nr_entries = 2 };
	char *out;

	out = printed(&m, PMAP_TEXT, 0, 1);
	CHECK_STR(out, "@[2]: 3\n@[1]: 5\n@[3]: 9\n");
	free(out);
	out = printed(&m, PMAP_TEXT, 2, 1);
	CHECK_STR(out, "@[1]: 5\n@[3]: 9\n");
	free(out);
	out = printed(&m, PMAP_JSON, 0, 1);
	CHECK_STR(out, "{\"type\": \"map\", \"data\": {\"@\": {\"2\": 3, \"1\": 5, \"3\": 9}}}\n");
	free(out);
	out = printed(&sm, PMAP_TEXT, 0, 1);
	CHECK_STR(out, "@m[a]: t\n@m[x]: s\n");
	free(out);
}

/* @t[1] = (1, "a", -3); @k[comm, pid] = 1; @y = (uint8)255; cleared map */
TEST(tuples_multikeys_scalars)
{
	struct pvalue tel[] = { U(1), S("a"), I(-3) }, k1 = U(1);
	struct pvalue kk[] = { S("bpftrace"), U(9962) };
	struct pmap_entry te = { .keys = &k1, .nr_keys = 1,
				 .value = { .kind = PV_TUPLE, .elems = tel, .nr_elems = 3 } };
	struct pmap_entry ke = { .keys = kk, .nr_keys = 2, .value = U(1) };
	struct pmap_entry ye = { .value = U(255) };
	struct pmap t = { .name = "@t", .has_keys = true, .entries = &te, .nr_entries = 1 };
	struct pmap k = { .name = "@k", .has_keys = true, .entries = &ke, .nr_entries = 1 };
	struct pmap y = { .name = "@y", .entries = &ye, .nr_entries = 1 };
	struct pmap empty = { .name = "@a" };
	char *out;

	out = printed(&t, PMAP_TEXT, 0, 1);
	CHECK_STR(out, "@t[1]: (1, a, -3)\n");
	free(out);
	out = printed(&t, PMAP_JSON, 0, 1);
	CHECK_STR(out, "{\"type\": \"map\", \"data\": {\"@t\": {\"1\": [1,\"a\",-3]}}}\n");
	free(out);
	out = printed(&k, PMAP_TEXT, 0, 1);
	CHECK_STR(out, "@k[bpftrace, 9962]: 1\n");
	free(out);
	out = printed(&k, PMAP_JSON, 0, 1);
	CHECK_STR(out, "{\"type\": \"map\", \"data\": {\"@k\": {\"bpftrace,9962\": 1}}}\n");
	free(out);
	out = printed(&y, PMAP_JSON, 0, 1);
	CHECK_STR(out, "{\"type\": \"map\", \"data\": {\"@y\": 255}}\n");
	free(out);
	out = printed(&empty, PMAP_TEXT, 0, 1);
	CHECK_STR(out, "\n");
	free(out);
	out = printed(&empty, PMAP_JSON, 0, 1);
	CHECK_STR(out, "");
	free(out);
}

/* @h[1] = hist(1) x3; @h[2] = hist(100) x2; @h[3] = hist(7): by total count */
TEST(keyed_hists_by_count)
{
	uint64_t b1[HIST_BUCKETS] = { 0 }, b2[HIST_BUCKETS] = { 0 }, b3[HIST_BUCKETS] = { 0 };
	struct pvalue k[] = { U(1), U(2), U(3) };
	struct pmap_entry e[] = {
		{ .keys = &k[0], .nr_keys = 1, .buckets = b1 },
		{ .keys = &k[1], .nr_keys = 1, .buckets = b2 },
		{ .keys = &k[2], .nr_keys = 1, .buckets = b3 },
	};
	struct pmap m = { .name = "@h", .kind = PM_HIST, .has_keys = true, .entries = e, .nr_entries = 3 };
	char *out;

	b1[hist_index(1)] = 3;
	b2[hist_index(100)] = 2;
	b3[hist_index(7)] = 1;
	out = printed(&m, PMAP_TEXT, 0, 1);
	CHECK_STR(out,
		  "@h[3]: \n"
		  "[4, 8)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		  "\n"
		  "@h[2]: \n"
		  "[64, 128)              2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		  "\n"
		  "@h[1]: \n"
		  "[1]                    3 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		  "\n");
	free(out);
	out = printed(&m, PMAP_JSON, 0, 1);
	CHECK_STR(out, "{\"type\": \"hist\", \"data\": {\"@h\": {\"3\": [{\"min\": 4, \"max\": 7, \"count\": 1}], "
		       "\"2\": [{\"min\": 64, \"max\": 127, \"count\": 2}], "
		       "\"1\": [{\"min\": 1, \"max\": 1, \"count\": 3}]}}}\n");
	free(out);
}

/*
 * A map big enough for the radix sort (more than 4096 entries), keys of
 * mixed shapes (negative and huge ints, paths under one long directory,
 * short and empty strings), against a plain reference sort: by value, then
 * the int (signed), then the string (strcmp).
 */
struct ref {
	uint64_t v;
	int64_t k;
	char s[40];
};

static int ref_cmp(const void *pa, const void *pb)
{
	const struct ref *a = pa, *b = pb;
	int c;

	if (a->v != b->v)
		return a->v < b->v ? -1 : 1;
	if (a->k != b->k)
		return a->k < b->k ? -1 : 1;
	c = strcmp(a->s, b->s);
	return c;
}

/* Where the last n lines of s start (s ends in a newline). */
static const char *last_lines(const char *s, int n)
{
	const char *p = s + strlen(s) - 1;	/* the last line's newline */

	while (p > s)
		if (*--p == '\n' && --n == 0)
			return p + 1;
	return s;
}

TEST(big_map_radix_order)
{
	enum { N = 6000 };
	static const int64_t ks[] = { -3, 0, 5, 1ll << 40, INT64_MIN };
	struct ref *r = calloc(N, sizeof(*r)), *sorted = calloc(N, sizeof(*sorted));
	struct pmap_entry *e = calloc(N, sizeof(*e));
	struct pvalue *keys = calloc(2 * N, sizeof(*keys));
	struct pmap m = { .name = "@m", .kind = PM_VALUE, .has_keys = true, .entries = e,
			  .nr_entries = N };
	char *want = NULL, *out;
	size_t wlen = 0, i;
	FILE *w;
	unsigned int seed = 1;

	for (i = 0; i < N; i++) {
		seed = seed * 1103515245 + 12345;
		r[i].v = (seed >> 16) % 4;
		r[i].k = ks[(seed >> 8) % 5];
		if (i == 1)
			r[i].s[0] = '\0';
		else if (i % 97 == 0)
			snprintf(r[i].s, sizeof(r[i].s), "x%zu", i);
		else
			snprintf(r[i].s, sizeof(r[i].s), "/nonexistent-dir/k%06zu", (i * 7919) % 100000);
		keys[2 * i] = (struct pvalue){ .kind = PV_INT, .i = r[i].k };
		keys[2 * i + 1] = (struct pvalue){ .kind = PV_STR, .str = r[i].s, .len = sizeof(r[i].s) };
		e[i] = (struct pmap_entry){ .keys = &keys[2 * i], .nr_keys = 2,
					    .value = { .kind = PV_UINT, .u = r[i].v } };
	}
	out = printed(&m, PMAP_TEXT, 0, 1);
	memcpy(sorted, r, N * sizeof(*r));	/* the entries' keys point into r */
	qsort(sorted, N, sizeof(*sorted), ref_cmp);
	w = open_memstream(&want, &wlen);
	for (i = 0; i < N; i++)
		fprintf(w, "@m[%lld, %s]: %llu\n", (long long)sorted[i].k, sorted[i].s,
			(unsigned long long)sorted[i].v);
	fclose(w);
	CHECK_STR(out, want);
	free(out);
	/* the last 10 of the same order (print(@m, 10)), through the heap */
	out = printed(&m, PMAP_TEXT, 10, 1);
	CHECK_STR(out, last_lines(want, 10));
	free(out);
	free(want);
	free(r);
	free(sorted);
	free(e);
	free(keys);
}

int main(void)
{
	RUN(hist_text);
	RUN(lhist_text_and_json);
	RUN(avg_stats_order);
	RUN(value_maps);
	RUN(tuples_multikeys_scalars);
	RUN(keyed_hists_by_count);
	RUN(big_map_radix_order);
	return test_status();
}
