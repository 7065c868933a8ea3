// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>

#include "out/json.h"
#include "out/maps.h"
#include "util/log.h"
#include "util/strbuf.h"

#define BAR_WIDTH 52

size_t lhist_buckets(int64_t min, int64_t max, int64_t step)
{
	if (step <= 0 || max <= min)
		return 2;
	return (size_t)((max - min) / step) + 2;
}

size_t hist_index(int64_t v)
{
	uint64_t u;
	size_t log2 = 0;

	if (v < 0)
		return 0;
	if (v == 0)
		return 1;
	for (u = (uint64_t)v; u > 1; u >>= 1)
		log2++;
	return log2 + 2;
}

size_t lhist_index(int64_t v, int64_t min, int64_t max, int64_t step)
{
	if (v < min)
		return 0;
	if (v >= max || step <= 0)
		return lhist_buckets(min, max, step) - 1;
	return (size_t)((v - min) / step) + 1;
}

/* ---- values ---- */

/* u in decimal, ending at end (not NUL-terminated); returns the first digit. */
static char *utoa_end(uint64_t u, char *end)
{
	do {
		*--end = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	return end;
}

/* A number as printf's %PRId64 / %PRIu64 would, without parsing a format per value. */
static void put_int(FILE *f, uint64_t u, bool negative)
{
	char buf[24], *p = utoa_end(u, buf + sizeof(buf));

	if (negative)
		*--p = '-';
	fwrite(p, 1, (size_t)(buf + sizeof(buf) - p), f);
}

static void put_i64(FILE *f, int64_t i)
{
	put_int(f, i < 0 ? -(uint64_t)i : (uint64_t)i, i < 0);
}

static int pvalue_str_mode(struct strbuf *sb, const struct pvalue *v, uint64_t div, bool key);

static void pvalue_text(FILE *f, const struct pvalue *v, uint64_t div)
{
	size_t i;

	switch (v->kind) {
	case PV_INT:
		put_i64(f, v->i / (int64_t)div);
		break;
	case PV_UINT:
		put_int(f, v->u / div, false);
		break;
	case PV_STR:
		fwrite(v->str, 1, strnlen(v->str, v->len), f);
		break;
	case PV_TEXT:
		fwrite(v->str, 1, v->len, f);
		break;
	case PV_TUPLE:
		fputc('(', f);
		for (i = 0; i < v->nr_elems; i++) {
			if (i)
				fputs(", ", f);
			pvalue_text(f, &v->elems[i], 1);
		}
		fputc(')', f);
		break;
	case PV_RECORD:
	case PV_ARRAY: {
		struct strbuf sb = STRBUF_INIT;

		if (!pvalue_str(&sb, v, div))
			fwrite(sb.buf, 1, sb.len, f);
		strbuf_release(&sb);
		break;
	}
	}
}

/* A map key: structs compact, as bpftrace prints them in keys. */
static void pvalue_key_text(FILE *f, const struct pvalue *v)
{
	switch (v->kind) {
	case PV_RECORD:
	case PV_ARRAY:
	case PV_TUPLE: {
		struct strbuf sb = STRBUF_INIT;

		if (!pvalue_str_mode(&sb, v, 1, true))
			fwrite(sb.buf, 1, sb.len, f);
		strbuf_release(&sb);
		break;
	}
	default:
		pvalue_text(f, v, 1);
	}
}

int pvalue_str(struct strbuf *sb, const struct pvalue *v, uint64_t div)
{
	return pvalue_str_mode(sb, v, div, false);
}

/* key: as a map key, where bpftrace prints structs without spaces ({.a=1,.b=2}). */
static int pvalue_str_mode(struct strbuf *sb, const struct pvalue *v, uint64_t div, bool key)
{
	size_t i;
	int err = 0;

	switch (v->kind) {
	case PV_INT:
		return strbuf_add_i64(sb, v->i / (int64_t)div);
	case PV_UINT:
		return strbuf_add_u64(sb, v->u / div);
	case PV_STR:
		return strbuf_add(sb, v->str, strnlen(v->str, v->len));
	case PV_TEXT:
		return strbuf_add(sb, v->str, v->len);
	case PV_TUPLE:
		err = strbuf_addch(sb, '(');
		for (i = 0; i < v->nr_elems && !err; i++) {
			if (i)
				err = strbuf_addstr(sb, ", ");
			err = err ?: pvalue_str_mode(sb, &v->elems[i], 1, key);
		}
		return err ?: strbuf_addch(sb, ')');
	case PV_RECORD:
		/* bpftrace's: { .a = 1, .b = { .c = 2 } } */
		err = strbuf_addstr(sb, key ? "{" : "{ ");
		for (i = 0; i < v->nr_elems && !err; i++) {
			if (i)
				err = strbuf_addstr(sb, key ? "," : ", ");
			err = err ?: strbuf_addf(sb, key ? ".%s=" : ".%s = ",
						 v->elems[i].name ? v->elems[i].name : "");
			err = err ?: pvalue_str_mode(sb, &v->elems[i], 1, key);
		}
		return err ?: strbuf_addstr(sb, key ? "}" : " }");
	case PV_ARRAY:
		err = strbuf_addch(sb, '[');
		for (i = 0; i < v->nr_elems && !err; i++) {
			if (i)
				err = strbuf_addch(sb, ',');
			err = err ?: pvalue_str_mode(sb, &v->elems[i], 1, key);
		}
		return err ?: strbuf_addch(sb, ']');
	}
	return 0;
}

static void pvalue_json(FILE *f, const struct pvalue *v, uint64_t div)
{
	size_t i;

	switch (v->kind) {
	case PV_INT:
	case PV_UINT:
		pvalue_text(f, v, div);
		break;
	case PV_STR:
		json_write_string(f, v->str, strnlen(v->str, v->len));
		break;
	case PV_TEXT:
		json_write_string(f, v->str, v->len);
		break;
	case PV_TUPLE:
	case PV_ARRAY:
		fputc('[', f);
		for (i = 0; i < v->nr_elems; i++) {
			if (i)
				fputc(',', f);
			pvalue_json(f, &v->elems[i], 1);
		}
		fputc(']', f);
		break;
	case PV_RECORD:
		/* bpftrace's spacing: { "a": 1, "b": 2 } */
		fputs("{ ", f);
		for (i = 0; i < v->nr_elems; i++) {
			if (i)
				fputs(", ", f);
			json_write_string(f, v->elems[i].name ? v->elems[i].name : "",
					  v->elems[i].name ? strlen(v->elems[i].name) : 0);
			fputs(": ", f);
			pvalue_json(f, &v->elems[i], 1);
		}
		fputs(" }", f);
		break;
	}
}

void pvalue_print(FILE *f, const struct pvalue *v, enum pmap_format fmt)
{
	if (fmt == PMAP_JSON) {
		fputs("{\"type\": \"value\", \"data\": ", f);
		pvalue_json(f, v, 1);
		fputs("}\n", f);
	} else {
		pvalue_text(f, v, 1);
		fputc('\n', f);
	}
}

static int pvalue_cmp(const struct pvalue *a, const struct pvalue *b)
{
	size_t i, la, lb;
	int c;

	if (a->kind != b->kind)
		return (int)a->kind - (int)b->kind;
	switch (a->kind) {
	case PV_INT:
		return a->i < b->i ? -1 : a->i > b->i;
	case PV_UINT:
		return a->u < b->u ? -1 : a->u > b->u;
	case PV_STR:
		/*
		 * Up to the NUL or len: strncmp stops at the first difference,
		 * which orders as memcmp of the strnlen()s then the lengths
		 * would; only equal prefixes need the lengths.
		 */
		c = strncmp(a->str, b->str, a->len < b->len ? a->len : b->len);
		if (c || a->len == b->len)
			return c;
		la = strnlen(a->str, a->len);
		lb = strnlen(b->str, b->len);
		return la < lb ? -1 : la > lb;
	case PV_TEXT:
		la = a->len;
		lb = b->len;
		c = memcmp(a->str, b->str, la < lb ? la : lb);
		return c ? c : (la < lb ? -1 : la > lb);
	case PV_TUPLE:
	case PV_RECORD:
	case PV_ARRAY:
		for (i = 0; i < a->nr_elems && i < b->nr_elems; i++) {
			c = pvalue_cmp(&a->elems[i], &b->elems[i]);
			if (c)
				return c;
		}
		return a->nr_elems < b->nr_elems ? -1 : a->nr_elems > b->nr_elems;
	}
	return 0;
}

/* ---- sorting, as bpftrace orders what it prints ---- */

static size_t sort_buckets;

static int key_cmp(const struct pmap_entry *a, const struct pmap_entry *b)
{
	size_t i;
	int c;

	for (i = 0; i < a->nr_keys && i < b->nr_keys; i++) {
		c = pvalue_cmp(&a->keys[i], &b->keys[i]);
		if (c)
			return c;
	}
	return a->nr_keys < b->nr_keys ? -1 : a->nr_keys > b->nr_keys;
}

static uint64_t bucket_sum(const struct pmap_entry *e)
{
	uint64_t s = 0;
	size_t i;

	for (i = 0; e->buckets && i < sort_buckets; i++)
		s += e->buckets[i];
	return s;
}

static int64_t average(const struct pmap_entry *e)
{
	return e->count ? e->total / e->count : 0;
}

/*
 * What an entry sorts by, computed once per entry: its number (value,
 * average or bucket sum, signed ones biased to order as unsigned), then
 * its key.  Entries whose values are not all numbers sort by key alone.
 */
struct sort_item {
	uint64_t v;
	const uint8_t *rec;	/* its record in the arena (struct sort_rec, then the key bytes) */
};

/*
 * Before the key bytes of each entry in the arena: the entry, and the
 * length of its key as bytes that memcmp orders as key_cmp does, or
 * NO_BYTES for keys that compare with key_cmp.  Items stay 16 bytes, which
 * the merge sort moves fastest.
 */
struct sort_rec {
	const struct pmap_entry *e;
	uint32_t len;
};
#define NO_BYTES UINT32_MAX

static int item_cmp(const void *pa, const void *pb)
{
	const struct sort_item *a = pa, *b = pb;
	struct sort_rec ra, rb;
	int c;

	if (a->v != b->v)
		return a->v < b->v ? -1 : 1;
	memcpy(&ra, a->rec, sizeof(ra));
	memcpy(&rb, b->rec, sizeof(rb));
	if (ra.len == NO_BYTES || rb.len == NO_BYTES)
		return key_cmp(ra.e, rb.e);
	c = memcmp(a->rec + sizeof(ra), b->rec + sizeof(rb), ra.len < rb.len ? ra.len : rb.len);
	return c ? c : (ra.len < rb.len ? -1 : ra.len > rb.len);
}

static void put_be64(uint8_t *p, uint64_t u)
{
	int i;

	for (i = 7; i >= 0; i--, u >>= 8)
		p[i] = (uint8_t)u;
}

/*
 * The keys of e as bytes whose memcmp order is key_cmp's: integers
 * big-endian (signed ones biased), strings up to their NUL and then a 0
 * byte (shorter first on an equal prefix, as strnlen-and-compare).  At
 * most room bytes into p; returns the length, or -1 for keys this cannot
 * express (texts, which may hold NULs, and nested tuples): those entries
 * compare with key_cmp.
 */
static int normalize_key(const struct pmap_entry *e, uint8_t *p, size_t room)
{
	size_t i, n = 0, l;

	for (i = 0; i < e->nr_keys; i++) {
		const struct pvalue *k = &e->keys[i];

		switch (k->kind) {
		case PV_INT:
		case PV_UINT:
			if (n + 8 > room)
				return -1;
			put_be64(p + n, k->kind == PV_INT ? (uint64_t)k->i ^ (1ull << 63) : k->u);
			n += 8;
			break;
		case PV_STR:
			l = strnlen(k->str, k->len);
			if (n + l + 1 > room)
				return -1;
			memcpy(p + n, k->str, l);
			p[n + l] = 0;
			n += l + 1;
			break;
		default:
			return -1;
		}
	}
	return (int)n;
}

static uint64_t biased(int64_t i)
{
	return (uint64_t)i ^ (1ull << 63);
}

static uint64_t sort_value(const struct pmap *m, const struct pmap_entry *e, bool by_value)
{
	switch (m->kind) {
	case PM_VALUE:
		if (!by_value)
			return 0;
		return e->value.kind == PV_INT ? biased(e->value.i) : e->value.u;
	case PM_AVG:
	case PM_STATS:
		return biased(average(e));
	case PM_HIST:
	case PM_LHIST:
		return bucket_sum(e);
	}
	return 0;
}

/*
 * The full sort of a big map whose keys all normalize (normalize_key()),
 * without comparisons that chase pointers: each entry becomes one row of
 * a contiguous array, its sort bytes (the number big-endian, then the
 * normalized key zero-padded to the longest: memcmp's order is kept, as
 * all keys of a map have one shape and none is a proper prefix of
 * another) and its index; the rows are sorted by a most-significant-digit
 * radix sort in place (American flag sort) that first skips the prefix
 * common to a bucket's rows.  A million (flags, path) keys under one long
 * directory then cost a few passes over the rows, not twenty compares of
 * a cache miss each.
 */
#define RADIX_MIN 4096		/* smaller maps: qsort() is as fast */
#define RADIX_SMALL 32		/* buckets this small: insertion sort */

/* The length of the common prefix of a and b, at most n. */
static size_t common_prefix(const uint8_t *a, const uint8_t *b, size_t n)
{
	size_t i = 0;
	uint64_t x, y;

	for (; i + 8 <= n; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			break;
	}
	while (i < n && a[i] == b[i])
		i++;
	return i;
}

static void row_swap(uint8_t *a, uint8_t *b, uint8_t *tmp, size_t rw)
{
	memcpy(tmp, a, rw);
	memcpy(a, b, rw);
	memcpy(b, tmp, rw);
}

/* Sorts the n rows (rw bytes, kw of them the sort bytes) by their bytes from d on. */
static void msd_sort(uint8_t *rows, size_t n, size_t rw, size_t kw, size_t d, uint8_t *tmp)
{
	size_t count[256], next[256], end[256], i, j, l, c, pos;

	while (n > 1 && d < kw) {
		if (n < RADIX_SMALL) {
			for (i = 1; i < n; i++)
				for (j = i; j > 0 && memcmp(rows + (j - 1) * rw + d, rows + j * rw + d,
							    kw - d) > 0; j--)
					row_swap(rows + (j - 1) * rw, rows + j * rw, tmp, rw);
			return;
		}
		/* the bucket's common prefix orders nothing */
		l = kw - d;
		for (i = 1; i < n && l; i++)
			l = common_prefix(rows + d, rows + i * rw + d, l);
		if (l) {
			d += l;
			continue;
		}
		memset(count, 0, sizeof(count));
		for (i = 0; i < n; i++)
			count[rows[i * rw + d]]++;
		for (c = 0, pos = 0; c < 256; c++) {
			next[c] = pos;
			pos += count[c];
			end[c] = pos;
		}
		for (c = 0; c < 256; c++)
			while (next[c] < end[c]) {
				uint8_t b = rows[next[c] * rw + d];

				if (b == c)
					next[c]++;
				else
					row_swap(rows + next[c] * rw, rows + next[b]++ * rw, tmp, rw);
			}
		for (c = 0, pos = 0; c < 256; pos += count[c], c++)
			if (count[c] > 1)
				msd_sort(rows + pos * rw, count[c], rw, kw, d + 1, tmp);
		return;
	}
}

/*
 * The last top entries of m's ascending order into order, by msd_sort();
 * false (order untouched) when a key does not normalize or memory is short.
 */
static bool radix_order(const struct pmap *m, bool by_value, const struct pmap_entry **order,
			size_t top)
{
	size_t n = m->nr_entries, max_len = 0, kw, rw, i;
	uint8_t scratch[256], *rows = NULL, *tmp = NULL, *r;
	uint32_t idx;
	int l;

	if (n > UINT32_MAX)
		return false;
	for (i = 0; i < n; i++) {
		l = normalize_key(&m->entries[i], scratch, sizeof(scratch));
		if (l < 0)
			return false;
		if ((size_t)l > max_len)
			max_len = (size_t)l;
	}
	kw = 8 + max_len;
	rw = kw + sizeof(idx);
	rows = calloc(n, rw);
	tmp = malloc(rw);
	if (!rows || !tmp) {
		free(rows);
		free(tmp);
		return false;
	}
	for (i = 0, r = rows; i < n; i++, r += rw) {
		put_be64(r, sort_value(m, &m->entries[i], by_value));
		normalize_key(&m->entries[i], r + 8, max_len);
		idx = (uint32_t)i;
		memcpy(r + kw, &idx, sizeof(idx));
	}
	msd_sort(rows, n, rw, kw, 0, tmp);
	for (i = 0; i < top; i++) {
		memcpy(&idx, rows + (n - top + i) * rw + kw, sizeof(idx));
		order[i] = &m->entries[idx];
	}
	free(rows);
	free(tmp);
	return true;
}

/* Restores the heap property below i of the min-heap h[0..n) (smallest at the root). */
static void heap_down(struct sort_item *h, size_t n, size_t i)
{
	struct sort_item t;
	size_t c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= n)
			return;
		if (c + 1 < n && item_cmp(&h[c + 1], &h[c]) < 0)
			c++;
		if (item_cmp(&h[c], &h[i]) >= 0)
			return;
		t = h[c];
		h[c] = h[i];
		h[i] = t;
		i = c;
	}
}

/*
 * The order to print in: pointers to the last top entries (all when top is
 * 0) of the ascending order, *count of them; a full sort, O(n log n), or
 * for a small top a heap of the top largest, O(n log top).  The entries
 * stay where they are.  NULL when out of memory (*count is then 0 and the
 * entries print unsorted).  The caller frees the array.
 */
static const struct pmap_entry **sort_entries(const struct pmap *m, size_t top, size_t *count)
{
	const struct pmap_entry **order;
	struct sort_item *it;
	uint8_t *arena, *grown;
	bool by_value = true;
	size_t i, n = m->nr_entries, k, used = 0, arena_size = 4096;

	sort_buckets = m->kind == PM_HIST ? HIST_BUCKETS : lhist_buckets(m->lmin, m->lmax, m->lstep);
	*count = 0;
	if (!top || top > n)
		top = n;
	order = malloc((top ? top : 1) * sizeof(*order));
	if (!order)
		return NULL;
	*count = top;
	if (n < 2) {
		for (i = 0; i < n; i++)
			order[i] = &m->entries[i];
		return order;
	}
	/* Numbers are ordered by value; strings and tuples by key. */
	for (i = 0; i < n; i++)
		if (m->entries[i].value.kind != PV_INT && m->entries[i].value.kind != PV_UINT)
			by_value = false;
	if (top >= n / 4 && n >= RADIX_MIN && radix_order(m, by_value, order, top))
		return order;
	it = malloc(n * sizeof(*it));
	/* the normalized keys, packed; a key that does not fit in 256 bytes uses key_cmp */
	arena = malloc(arena_size);
	if (!it || !arena) {
		free(it);
		free(arena);
		free(order);
		*count = 0;
		return NULL;
	}
	for (i = 0; i < n; i++) {
		const struct pmap_entry *e = &m->entries[i];
		struct sort_rec rec = { e, NO_BYTES };
		int l = -1;

		if (used + sizeof(rec) + 256 > arena_size) {
			grown = realloc(arena, arena_size * 2);
			if (!grown) {
				free(it);
				free(arena);
				free(order);
				*count = 0;
				return NULL;
			}
			arena = grown;
			arena_size *= 2;
		}
		l = normalize_key(e, arena + used + sizeof(rec), 256);
		if (l >= 0)
			rec.len = (uint32_t)l;
		memcpy(arena + used, &rec, sizeof(rec));
		/* an offset while the arena may move */
		it[i] = (struct sort_item){ .v = sort_value(m, e, by_value), .rec = (const uint8_t *)used };
		used += sizeof(rec) + (l > 0 ? (size_t)l : 0);
	}
	for (i = 0; i < n; i++)
		it[i].rec = arena + (uintptr_t)it[i].rec;
	if (top < n / 4) {
		/* it[0..top) becomes a min-heap of the largest seen so far */
		for (k = top / 2; k-- > 0;)
			heap_down(it, top, k);
		for (i = top; i < n; i++) {
			if (item_cmp(&it[i], &it[0]) <= 0)
				continue;
			it[0] = it[i];
			heap_down(it, top, 0);
		}
		qsort(it, top, sizeof(*it), item_cmp);
	} else {
		qsort(it, n, sizeof(*it), item_cmp);
		memmove(it, it + (n - top), top * sizeof(*it));
	}
	for (i = 0; i < top; i++) {
		struct sort_rec rec;

		memcpy(&rec, it[i].rec, sizeof(rec));
		order[i] = rec.e;
	}
	free(it);
	free(arena);
	return order;
}

void pmap_sort(struct pmap *m)
{
	size_t i, count;
	const struct pmap_entry **order = sort_entries(m, 0, &count);
	struct pmap_entry *sorted = order ? malloc((count ? count : 1) * sizeof(*sorted)) : NULL;

	if (sorted) {
		for (i = 0; i < count; i++)
			sorted[i] = *order[i];
		memcpy(m->entries, sorted, count * sizeof(*sorted));
	}
	free(sorted);
	free(order);	/* out of memory: the entries stay unsorted */
}

/* ---- histograms ---- */

static void hist_label(char *buf, size_t len, unsigned int power)
{
	static const char suffix[] = { 0, 'K', 'M', 'G', 'T' };
	unsigned int s = power >= 40 ? 4 : power / 10;

	power -= s * 10;
	if (s)
		snprintf(buf, len, "%" PRIu64 "%c", (uint64_t)1 << power, suffix[s]);
	else
		snprintf(buf, len, "%" PRIu64, (uint64_t)1 << power);
}

static void lhist_label(char *buf, size_t len, int64_t n)
{
	if (n != 0 && n % 1048576 == 0)
		snprintf(buf, len, "%" PRId64 "M", n / 1048576);
	else if (n != 0 && n % 1024 == 0)
		snprintf(buf, len, "%" PRId64 "K", n / 1024);
	else
		snprintf(buf, len, "%" PRId64, n);
}

static void bar_row(FILE *f, const char *label, uint64_t v, uint64_t shown, uint64_t max)
{
	char bar[BAR_WIDTH + 1];
	int w = max ? (int)((float)v / (float)max * BAR_WIDTH) : 0;

	if (w > BAR_WIDTH)
		w = BAR_WIDTH;
	memset(bar, '@', (size_t)w);
	bar[w] = '\0';
	fprintf(f, "%-16s%8" PRIu64 " |%-*s|\n", label, shown, BAR_WIDTH, bar);
}

/* First and last non-zero bucket, and the largest count; false when all are zero. */
static bool bucket_range(const uint64_t *b, size_t n, size_t *first, size_t *last, uint64_t *max)
{
	size_t i;
	bool any = false;

	*max = 0;
	for (i = 0; i < n; i++) {
		if (b[i] > *max)
			*max = b[i];
		if (!b[i])
			continue;
		if (!any)
			*first = i;
		*last = i;
		any = true;
	}
	return any;
}

static void hist_text(FILE *f, const uint64_t *b, uint64_t div)
{
	size_t i, first = 0, last = 0;
	uint64_t max;
	char lo[32], hi[32], label[80];

	if (!bucket_range(b, HIST_BUCKETS, &first, &last, &max))
		return;
	for (i = first; i <= last; i++) {
		if (i == 0)
			snprintf(label, sizeof(label), "(..., 0)");
		else if (i == 1)
			snprintf(label, sizeof(label), "[0]");
		else if (i == 2)
			snprintf(label, sizeof(label), "[1]");
		else {
			hist_label(lo, sizeof(lo), (unsigned int)(i - 2));
			hist_label(hi, sizeof(hi), (unsigned int)(i - 1));
			snprintf(label, sizeof(label), "[%s, %s)", lo, hi);
		}
		bar_row(f, label, b[i], b[i] / div, max);
	}
}

static void lhist_text(FILE *f, const struct pmap *m, const uint64_t *b)
{
	size_t i, first = 0, last = 0, n = lhist_buckets(m->lmin, m->lmax, m->lstep);
	uint64_t max;
	char lo[32], hi[32], label[80];

	if (!bucket_range(b, n, &first, &last, &max))
		return;
	for (i = first; i <= last; i++) {
		if (i == 0) {
			lhist_label(lo, sizeof(lo), m->lmin);
			snprintf(label, sizeof(label), "(..., %s)", lo);
		} else if (i == n - 1) {
			lhist_label(lo, sizeof(lo), m->lmax);
			snprintf(label, sizeof(label), "[%s, ...)", lo);
		} else {
			lhist_label(lo, sizeof(lo), (int64_t)(i - 1) * m->lstep + m->lmin);
			lhist_label(hi, sizeof(hi), (int64_t)i * m->lstep + m->lmin);
			snprintf(label, sizeof(label), "[%s, %s)", lo, hi);
		}
		bar_row(f, label, b[i], b[i], max);
	}
}

static void hist_json(FILE *f, const uint64_t *b, uint64_t div)
{
	size_t i, first = 0, last = 0;
	uint64_t max;

	fputc('[', f);
	if (bucket_range(b, HIST_BUCKETS, &first, &last, &max)) {
		for (i = first; i <= last; i++) {
			if (i > first)
				fputs(", ", f);
			if (i == 0)
				fputs("{\"max\": -1, ", f);
			else if (i == 1)
				fputs("{\"min\": 0, \"max\": 0, ", f);
			else if (i == 2)
				fputs("{\"min\": 1, \"max\": 1, ", f);
			else
				fprintf(f, "{\"min\": %" PRIu64 ", \"max\": %" PRIu64 ", ",
					(uint64_t)1 << (i - 2), ((uint64_t)1 << (i - 1)) - 1);
			fprintf(f, "\"count\": %" PRIu64 "}", b[i] / div);
		}
	}
	fputc(']', f);
}

static void lhist_json(FILE *f, const struct pmap *m, const uint64_t *b)
{
	size_t i, first = 0, last = 0, n = lhist_buckets(m->lmin, m->lmax, m->lstep);
	uint64_t max;

	fputc('[', f);
	if (bucket_range(b, n, &first, &last, &max)) {
		for (i = first; i <= last; i++) {
			if (i > first)
				fputs(", ", f);
			if (i == 0)
				fprintf(f, "{\"max\": %" PRId64 ", ", m->lmin - 1);
			else if (i == n - 1)
				fprintf(f, "{\"min\": %" PRId64 ", ", m->lmax);
			else
				fprintf(f, "{\"min\": %" PRId64 ", \"max\": %" PRId64 ", ",
					(int64_t)(i - 1) * m->lstep + m->lmin,
					(int64_t)i * m->lstep + m->lmin - 1);
			fprintf(f, "\"count\": %" PRIu64 "}", b[i]);
		}
	}
	fputc(']', f);
}

/* ---- maps ---- */

static void key_text(FILE *f, const struct pmap *m, const struct pmap_entry *e)
{
	size_t i;

	fputs(m->name, f);
	if (!e->nr_keys)
		return;
	fputc('[', f);
	for (i = 0; i < e->nr_keys; i++) {
		if (i)
			fputs(", ", f);
		pvalue_key_text(f, &e->keys[i]);
	}
	fputc(']', f);
}

/* The i-th entry to print: through order, or unsorted when there is none. */
static const struct pmap_entry *nth(const struct pmap *m, const struct pmap_entry **order, size_t i)
{
	return order ? order[i] : &m->entries[i];
}

/* One entry's text, without the newline that separates it from the next. */
static void entry_text(FILE *f, const struct pmap *m, const struct pmap_entry *e, uint64_t div)
{
	int64_t avg = average(e);

	key_text(f, m, e);
	fputs(": ", f);
	switch (m->kind) {
	case PM_VALUE:
		pvalue_text(f, &e->value, div);
		break;
	case PM_AVG:
		put_i64(f, avg / (int64_t)div);
		break;
	case PM_STATS:
		fprintf(f, "count %" PRId64 ", average %" PRId64 ", total %" PRId64, e->count,
			avg, e->total);
		break;
	case PM_HIST:
		fputc('\n', f);
		hist_text(f, e->buckets, div);
		break;
	case PM_LHIST:
		fputc('\n', f);
		lhist_text(f, m, e->buckets);
		break;
	}
}

/* Entries are separated by a newline, except after values that end in one (stacks). */
static bool ends_in_newline(const struct pmap *m, const struct pmap_entry *e)
{
	return m->kind == PM_VALUE && e->value.kind == PV_TEXT && e->value.len &&
	       e->value.str[e->value.len - 1] == '\n';
}

/*
 * A big map printed whole: each entry's text is made in the entries' own
 * order (memory order: the sorted order jumps all over a map of a million
 * entries, one cache miss per field), then written out in the sorted order.
 * Returns false (nothing written) when out of memory.
 */
static bool print_text_rendered(FILE *f, const struct pmap *m, const struct pmap_entry **order,
				size_t count, uint64_t div)
{
	size_t n = m->nr_entries, i, len = 0, *off = malloc((n + 1) * sizeof(*off)), idx;
	bool *nl = malloc(n ? n : 1), prev_nl = false;
	char *buf = NULL;
	FILE *mem = off && nl ? open_memstream(&buf, &len) : NULL;

	if (!mem) {
		free(off);
		free(nl);
		return false;
	}
	/* one thread writes it: no lock taken around each of the millions of stdio calls */
	__fsetlocking(mem, FSETLOCKING_BYCALLER);
	for (i = 0; i < n; i++) {
		off[i] = (size_t)ftell(mem);
		entry_text(mem, m, &m->entries[i], div);
		nl[i] = ends_in_newline(m, &m->entries[i]);
	}
	off[n] = (size_t)ftell(mem);
	if (fclose(mem) || !buf) {
		free(buf);
		free(off);
		free(nl);
		return false;
	}
	flockfile(f);
	for (i = 0; i < count; i++) {
		idx = (size_t)(order[i] - m->entries);
		if (i && !prev_nl)
			fputc_unlocked('\n', f);
		fwrite_unlocked(buf + off[idx], 1, off[idx + 1] - off[idx], f);
		prev_nl = nl[idx];
	}
	funlockfile(f);
	free(buf);
	free(off);
	free(nl);
	return true;
}

static void print_text(FILE *f, const struct pmap *m, const struct pmap_entry **order, size_t count,
		       uint64_t div)
{
	const struct pmap_entry *prev = NULL;
	size_t i;

	if (!order || count < 4096 || count != m->nr_entries || !print_text_rendered(f, m, order, count, div)) {
		for (i = 0; i < count; prev = nth(m, order, i), i++) {
			if (prev && !ends_in_newline(m, prev))
				fputc('\n', f);
			entry_text(f, m, nth(m, order, i), div);
		}
	}
	fputc('\n', f);
	if (m->kind == PM_AVG || m->kind == PM_STATS)
		fputc('\n', f);
}

static void key_json(FILE *f, const struct pmap_entry *e)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *s;

	if (!e->nr_keys)
		return;
	/* The keys as text, joined by ',', as one JSON string. */
	s = open_memstream(&buf, &len);
	if (!s)
		return;
	for (i = 0; i < e->nr_keys; i++) {
		if (i)
			fputc(',', s);
		pvalue_key_text(s, &e->keys[i]);
	}
	fclose(s);
	json_write_string(f, buf, len);
	fputs(": ", f);
	free(buf);
}

static void print_json(FILE *f, const struct pmap *m, const struct pmap_entry **order, size_t count,
		       uint64_t div)
{
	static const char *const types[] = {
		[PM_VALUE] = "map", [PM_AVG] = "stats", [PM_STATS] = "stats",
		[PM_HIST] = "hist", [PM_LHIST] = "hist",
	};
	size_t i;

	if (!count)
		return;
	fprintf(f, "{\"type\": \"%s\", \"data\": {", types[m->kind]);
	json_write_string(f, m->name, strlen(m->name));
	fputs(": ", f);
	if (m->has_keys)
		fputc('{', f);
	for (i = 0; i < count; i++) {
		const struct pmap_entry *e = nth(m, order, i);
		int64_t avg = average(e);

		if (i)
			fputs(", ", f);
		key_json(f, e);
		switch (m->kind) {
		case PM_VALUE:
			pvalue_json(f, &e->value, div);
			break;
		case PM_AVG:
			fprintf(f, "%" PRId64, avg / (int64_t)div);
			break;
		case PM_STATS:
			fprintf(f, "{\"count\": %" PRId64 ", \"average\": %" PRId64 ", \"total\": %" PRId64 "}",
				e->count, avg, e->total);
			break;
		case PM_HIST:
			hist_json(f, e->buckets, div);
			break;
		case PM_LHIST:
			lhist_json(f, m, e->buckets);
			break;
		}
	}
	if (m->has_keys)
		fputc('}', f);
	fputs("}}\n", f);
}

void pmap_print(FILE *f, struct pmap *m, enum pmap_format fmt, size_t top, uint64_t div)
{
	const struct pmap_entry **order;
	size_t count;

	if (!div)
		div = 1;
	if (m->kind == PM_STATS)
		top = 0;	/* bpftrace 0.17 prints every entry of a stats() map, and undivided */
	order = sort_entries(m, top, &count);
	log_phase("map sorted");
	if (!order)
		count = m->nr_entries;	/* out of memory: unsorted, but every entry */
	if (fmt == PMAP_JSON)
		print_json(f, m, order, count, div);
	else
		print_text(f, m, order, count, div);
	free(order);
}
