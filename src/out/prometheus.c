// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out/prometheus.h"

const char *prom_content_type(enum prom_format f)
{
	return f == PROM_OPENMETRICS ? "application/openmetrics-text; version=1.0.0; charset=utf-8" :
				       "text/plain; version=0.0.4; charset=utf-8";
}

enum prom_format prom_negotiate(const char *accept)
{
	return accept && strstr(accept, "application/openmetrics-text") ? PROM_OPENMETRICS : PROM_TEXT;
}

static const char *const type_names[] = {
	[PROM_UNTYPED] = "untyped", [PROM_COUNTER] = "counter", [PROM_GAUGE] = "gauge",
	[PROM_HISTOGRAM] = "histogram", [PROM_SUMMARY] = "summary",
};

const char *prom_type_name(enum prom_type t)
{
	return type_names[t];
}

int prom_type_parse(const char *s, enum prom_type *t)
{
	size_t i;

	for (i = 1; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (!strcmp(s, type_names[i])) {
			*t = (enum prom_type)i;
			return 0;
		}
	return -EINVAL;
}

static bool is_alpha_(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

bool prom_metric_name_ok(const char *s)
{
	if (!*s || !(is_alpha_(*s) || *s == ':'))
		return false;
	for (s++; *s; s++)
		if (!is_alpha_(*s) && !is_digit(*s) && *s != ':')
			return false;
	return true;
}

bool prom_label_name_ok(const char *s)
{
	if (!*s || !is_alpha_(*s) || !strncmp(s, "__", 2))
		return false;
	for (s++; *s; s++)
		if (!is_alpha_(*s) && !is_digit(*s))
			return false;
	return true;
}

int prom_add_sanitized(struct strbuf *sb, const char *s)
{
	int err = 0;

	for (; *s && !err; s++)
		err = strbuf_addch(sb, is_alpha_(*s) || is_digit(*s) ? *s : '_');
	return err;
}

/* HELP text: backslash and newline escaped (both formats). */
static int add_help(struct strbuf *sb, const char *s)
{
	int err = 0;

	for (; *s && !err; s++) {
		if (*s == '\\')
			err = strbuf_addstr(sb, "\\\\");
		else if (*s == '\n')
			err = strbuf_addstr(sb, "\\n");
		else
			err = strbuf_addch(sb, *s);
	}
	return err;
}

/* The length of the valid UTF-8 sequence at p (n bytes left), or 0. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/* A label value: '\\', '"' and newline escaped; NUL and bytes that are not UTF-8 become U+FFFD. */
static int add_label_value(struct strbuf *sb, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	int err = 0;

	while (p < end && !err) {
		const unsigned char *run = p;
		size_t l;

		/* plain ASCII in one piece */
		while (p < end && *p && *p < 0x80 && *p != '\\' && *p != '"' && *p != '\n')
			p++;
		if (p > run) {
			err = strbuf_add(sb, run, (size_t)(p - run));
			continue;
		}
		l = *p ? utf8_len(p, (size_t)(end - p)) : 0;

		if (!l) {
			err = strbuf_addstr(sb, "\xef\xbf\xbd");
			p++;
		} else if (*p == '\\') {
			err = strbuf_addstr(sb, "\\\\");
			p++;
		} else if (*p == '"') {
			err = strbuf_addstr(sb, "\\\"");
			p++;
		} else if (*p == '\n') {
			err = strbuf_addstr(sb, "\\n");
			p++;
		} else {
			err = strbuf_add(sb, p, l);
			p += l;
		}
	}
	return err;
}

int prom_family(struct strbuf *sb, enum prom_format f, const char *name, enum prom_type t,
		const char *help)
{
	const char *suffix = t == PROM_COUNTER && f == PROM_TEXT ? "_total" : "";
	const char *type = f == PROM_OPENMETRICS && t == PROM_UNTYPED ? "unknown" : type_names[t];
	int err;

	err = strbuf_addf(sb, "# HELP %s%s ", name, suffix);
	err = err ?: add_help(sb, help ? help : name);
	err = err ?: strbuf_addf(sb, "\n# TYPE %s%s %s\n", name, suffix, type);
	return err;
}

static int add_value(struct strbuf *sb, struct prom_value v)
{
	if (!v.is_float)
		return v.is_unsigned ? strbuf_add_u64(sb, v.u) : strbuf_add_i64(sb, v.i);
	if (isnan(v.f))
		return strbuf_addstr(sb, "NaN");
	if (isinf(v.f))
		return strbuf_addstr(sb, v.f > 0 ? "+Inf" : "-Inf");
	{
		/* the shortest of %.15g..%.17g that reads back as the same double */
		char buf[40];
		int prec;

		for (prec = 15; prec < 17; prec++) {
			snprintf(buf, sizeof(buf), "%.*g", prec, v.f);
			if (strtod(buf, NULL) == v.f)
				break;
		}
		if (prec == 17)
			snprintf(buf, sizeof(buf), "%.17g", v.f);
		return strbuf_addstr(sb, buf);
	}
}

int prom_sample(struct strbuf *sb, const char *name, const char *suffix,
		const struct prom_label *labels, size_t nr_labels, struct prom_value v)
{
	size_t i;
	int err;

	err = strbuf_addstr(sb, name);
	err = err ?: strbuf_addstr(sb, suffix ? suffix : "");
	for (i = 0; i < nr_labels && !err; i++) {
		err = strbuf_addch(sb, i ? ',' : '{');
		err = err ?: strbuf_addstr(sb, labels[i].name);
		err = err ?: strbuf_add(sb, "=\"", 2);
		err = err ?: add_label_value(sb, labels[i].value, labels[i].len);
		err = err ?: strbuf_addch(sb, '"');
	}
	if (!err && nr_labels)
		err = strbuf_addch(sb, '}');
	err = err ?: strbuf_addch(sb, ' ');
	err = err ?: add_value(sb, v);
	return err ?: strbuf_addch(sb, '\n');
}

int prom_end(struct strbuf *sb, enum prom_format f)
{
	return f == PROM_OPENMETRICS ? strbuf_addstr(sb, "# EOF\n") : 0;
}

/* ---- maps ---- */

enum prom_type prom_type_of(enum pmap_kind k, bool counter)
{
	switch (k) {
	case PM_VALUE:
		return counter ? PROM_COUNTER : PROM_GAUGE;
	case PM_AVG:
		return PROM_GAUGE;
	case PM_STATS:
		return PROM_SUMMARY;
	case PM_HIST:
	case PM_LHIST:
		return PROM_HISTOGRAM;
	}
	return PROM_UNTYPED;
}

static bool type_fits(enum prom_type t, enum pmap_kind k)
{
	switch (k) {
	case PM_VALUE:
	case PM_AVG:
		return t == PROM_COUNTER || t == PROM_GAUGE || t == PROM_UNTYPED;
	case PM_STATS:
		return t == PROM_SUMMARY;
	case PM_HIST:
	case PM_LHIST:
		return t == PROM_HISTOGRAM;
	}
	return false;
}

static struct prom_value pv_number(const struct pvalue *v)
{
	struct prom_value r = { 0 };

	if (v->kind == PV_UINT) {
		r.is_unsigned = true;
		r.u = v->u;
	} else {
		r.i = v->i;
	}
	return r;
}

static struct prom_value int_value(int64_t i)
{
	return (struct prom_value){ .i = i };
}

static struct prom_value uint_value(uint64_t u)
{
	return (struct prom_value){ .is_unsigned = true, .u = u };
}

/* The bucket count of the map's histograms, and the range [*lo, *hi] of buckets in use in any entry. */
static size_t bucket_range(const struct pmap *m, size_t from, size_t *lo, size_t *hi)
{
	size_t nb = m->kind == PM_HIST ? HIST_BUCKETS : lhist_buckets(m->lmin, m->lmax, m->lstep), i, b;

	*lo = nb;
	*hi = 0;
	for (i = from; i < m->nr_entries; i++)
		for (b = 0; m->entries[i].buckets && b < nb; b++)
			if (m->entries[i].buckets[b]) {
				if (b < *lo)
					*lo = b;
				if (b > *hi)
					*hi = b;
			}
	if (*lo == nb)
		*lo = *hi = m->kind == PM_HIST ? 1 : 0;	/* nothing yet: one bucket, le="0" / below min */
	return nb;
}

/*
 * The inclusive upper bound of bucket b (values are integers): hist
 * bucket 0 holds v < 0, 1 holds 0, i > 1 holds [2^(i-2), 2^(i-1)); lhist
 * bucket 0 holds v < min, i holds [min + (i-1)*step, min + i*step).  The
 * last lhist bucket (v >= max) has none: it is +Inf.
 */
static bool bucket_le(const struct pmap *m, size_t b, size_t nb, int64_t *le)
{
	if (m->kind == PM_HIST) {
		if (b >= 64)
			return false;	/* 2^63 - 1 and above: only +Inf */
		*le = b == 0 ? -1 : b == 1 ? 0 : (int64_t)(((uint64_t)1 << (b - 1)) - 1);
		return true;
	}
	if (b + 1 >= nb)
		return false;
	*le = m->lmin + (int64_t)b * m->lstep - 1;
	return true;
}

static int write_histogram(struct strbuf *sb, const char *name, const struct pmap *m,
			   const struct pmap_entry *e, struct prom_label *labels, size_t nl,
			   size_t lo, size_t hi, size_t nb)
{
	char le[32];
	uint64_t cum = 0, total = 0;
	size_t b;
	int64_t bound;
	int err = 0;

	for (b = 0; b < nb; b++)
		total += e->buckets[b];
	for (b = 0; b < lo; b++)
		cum += e->buckets[b];
	labels[nl].name = "le";
	labels[nl].value = le;
	for (b = lo; b <= hi && !err; b++) {
		cum += e->buckets[b];
		if (!bucket_le(m, b, nb, &bound))
			break;
		snprintf(le, sizeof(le), "%" PRId64, bound);
		labels[nl].len = strlen(le);
		err = prom_sample(sb, name, "_bucket", labels, nl + 1, uint_value(cum));
	}
	snprintf(le, sizeof(le), "+Inf");
	labels[nl].len = 4;
	err = err ?: prom_sample(sb, name, "_bucket", labels, nl + 1, uint_value(total));
	/* the sum when the program keeps one (scry serve's do: codegen_opts.hist_sum) */
	if (m->has_sum)
		err = err ?: prom_sample(sb, name, "_sum", labels, nl, int_value(e->total));
	return err ?: prom_sample(sb, name, "_count", labels, nl, uint_value(total));
}

int prom_write_map(struct strbuf *sb, enum prom_format f, const struct prom_map_desc *d,
		   struct pmap *m, size_t *dropped)
{
	enum prom_type t = d->type ? d->type : prom_type_of(m->kind, false);
	struct strbuf keys = STRBUF_INIT;
	struct prom_label *labels = NULL;
	char (*auto_names)[24] = NULL;
	size_t from = 0, i, k, nl = 0, lo = 0, hi = 0, nb = 0, *offs = NULL;
	int err = 0;

	*dropped = 0;
	if (!type_fits(t, m->kind))
		return -EINVAL;
	for (i = 0; m->kind == PM_VALUE && i < m->nr_entries; i++)
		if (m->entries[i].value.kind != PV_INT && m->entries[i].value.kind != PV_UINT)
			return -EDOM;
	if (d->max_keys && m->nr_entries > d->max_keys) {
		pmap_sort(m);
		from = m->nr_entries - d->max_keys;
		*dropped = from;
	}
	for (i = from; i < m->nr_entries; i++)
		if (m->entries[i].nr_keys > nl)
			nl = m->entries[i].nr_keys;
	labels = calloc(nl + 1, sizeof(*labels));
	offs = calloc(nl + 1, sizeof(*offs));
	auto_names = calloc(nl + 1, sizeof(*auto_names));
	if (!labels || !offs || !auto_names) {
		err = -ENOMEM;
		goto out;
	}
	for (k = 0; k < nl; k++) {
		snprintf(auto_names[k], sizeof(auto_names[k]), "key%zu", k);
		labels[k].name = d->labels && k < d->nr_labels ? d->labels[k] : auto_names[k];
	}
	err = prom_family(sb, f, d->name, t, d->help);
	if (m->kind == PM_HIST || m->kind == PM_LHIST)
		nb = bucket_range(m, from, &lo, &hi);
	for (i = from; i < m->nr_entries && !err; i++) {
		const struct pmap_entry *e = &m->entries[i];

		/* The keys' text, one after the other in keys; labels point into it. */
		strbuf_reset(&keys);
		for (k = 0; k < e->nr_keys && !err; k++) {
			offs[k] = keys.len;
			err = pvalue_str(&keys, &e->keys[k], 1);
		}
		offs[e->nr_keys] = keys.len;
		for (k = 0; k < e->nr_keys && !err; k++) {
			labels[k].value = keys.buf + offs[k];
			labels[k].len = offs[k + 1] - offs[k];
		}
		if (err)
			break;
		switch (m->kind) {
		case PM_VALUE:
			err = prom_sample(sb, d->name, t == PROM_COUNTER ? "_total" : "", labels,
					  e->nr_keys, pv_number(&e->value));
			break;
		case PM_AVG:
			err = prom_sample(sb, d->name, t == PROM_COUNTER ? "_total" : "", labels,
					  e->nr_keys,
					  e->count ? (struct prom_value){ .is_float = true,
									  .f = (double)e->total / (double)e->count }
						   : int_value(0));
			break;
		case PM_STATS:
			err = prom_sample(sb, d->name, "_sum", labels, e->nr_keys, int_value(e->total));
			err = err ?: prom_sample(sb, d->name, "_count", labels, e->nr_keys,
						 int_value(e->count));
			break;
		case PM_HIST:
		case PM_LHIST:
			err = write_histogram(sb, d->name, m, e, labels, e->nr_keys, lo, hi, nb);
			break;
		}
	}
out:
	strbuf_release(&keys);
	free(labels);
	free(offs);
	free(auto_names);
	return err;
}
