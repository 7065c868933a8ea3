/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Prometheus exposition formats: text 0.0.4 and OpenMetrics 1.0.0.
 * Families, samples, label escaping, and a bpftrace map (struct pmap) as
 * one family: count/sum as counters, values/avg/min/max as gauges,
 * hist/lhist as histograms with cumulative "le" buckets, stats as summaries.
 *
 * Pure: writes into a strbuf, touches nothing else.
 */
#ifndef SCRY_OUT_PROMETHEUS_H
#define SCRY_OUT_PROMETHEUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "out/maps.h"
#include "util/strbuf.h"

enum prom_format {
	PROM_TEXT,		/* text/plain; version=0.0.4 */
	PROM_OPENMETRICS,	/* application/openmetrics-text; version=1.0.0 */
};

enum prom_type {
	PROM_UNTYPED,
	PROM_COUNTER,
	PROM_GAUGE,
	PROM_HISTOGRAM,
	PROM_SUMMARY,
};

/* The Content-Type of a format. */
const char *prom_content_type(enum prom_format f);

/* Which format an Accept header asks for: OpenMetrics only when it names it. */
enum prom_format prom_negotiate(const char *accept);

/* "counter" ... ; prom_type_parse() returns 0 or -EINVAL. */
const char *prom_type_name(enum prom_type t);
int prom_type_parse(const char *s, enum prom_type *t);

/* Metric names: [a-zA-Z_:][a-zA-Z0-9_:]*; label names: [a-zA-Z_][a-zA-Z0-9_]*, no "__" prefix. */
bool prom_metric_name_ok(const char *s);
bool prom_label_name_ok(const char *s);

/* s with every character outside [a-zA-Z0-9_] made '_', appended to sb.  0 or -ENOMEM. */
int prom_add_sanitized(struct strbuf *sb, const char *s);

/*
 * "# HELP" and "# TYPE" of a family.  For counters, name is the base name
 * (without "_total"): the text format's family is then NAME_total, the
 * OpenMetrics one NAME.  0 or -ENOMEM.
 */
int prom_family(struct strbuf *sb, enum prom_format f, const char *name, enum prom_type t,
		const char *help);

/* One label: value is len raw bytes (escaped, and made valid UTF-8, when written). */
struct prom_label {
	const char *name;
	const char *value;
	size_t len;
};

/*
 * One sample line: NAME SUFFIX{labels} VALUE.  Values are integers or, with
 * is_float, the double f.  0 or -ENOMEM.
 */
struct prom_value {
	bool is_float;
	bool is_unsigned;
	int64_t i;
	uint64_t u;
	double f;
};
int prom_sample(struct strbuf *sb, const char *name, const char *suffix,
		const struct prom_label *labels, size_t nr_labels, struct prom_value v);

/* "# EOF" for OpenMetrics, nothing for text.  0 or -ENOMEM. */
int prom_end(struct strbuf *sb, enum prom_format f);

/* How one map becomes a family. */
struct prom_map_desc {
	const char *name;		/* base name (counters without "_total") */
	enum prom_type type;		/* PROM_UNTYPED: from the map's kind */
	const char *help;
	const char *const *labels;	/* names for the keys, or NULL: key0, key1, ... */
	size_t nr_labels;
	size_t max_keys;		/* entries written at most (0: all); the largest are kept */
};

/* The type a map's kind gives (count/sum are counters: the caller knows which). */
enum prom_type prom_type_of(enum pmap_kind k, bool counter);

/*
 * Writes map m as one family.  Sorts m's entries (pmap_sort) when it has
 * more than d->max_keys; *dropped gets the number left out.  Returns 0,
 * -EDOM when the values are not numbers (strings, stacks, tuples: nothing
 * written), -EINVAL when d's type does not fit the map's kind, or -ENOMEM.
 */
int prom_write_map(struct strbuf *sb, enum prom_format f, const struct prom_map_desc *d,
		   struct pmap *m, size_t *dropped);

#endif
