// SPDX-License-Identifier: GPL-2.0
/* Diagnostics: collected by the passes, rendered for the command line. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "lang/diag.h"
#include "util/strbuf.h"

void diags_init(struct diags *d, struct arena *a, const char *file, const char *src, size_t len)
{
	memset(d, 0, sizeof(*d));
	d->arena = a;
	d->file = file;
	d->src = src;
	d->len = len;
	d->tail = &d->head;
}

void diag_add(struct diags *d, enum diag_level level, struct loc loc, const char *hint,
	      const char *fmt, ...)
{
	struct diag *g;
	char msg[512];
	va_list ap;

	if (level == DIAG_ERROR && d->nr_errors >= DIAG_MAX_ERRORS) {
		d->nr_errors++;
		d->nr_dropped++;
		return;
	}
	if (level == DIAG_ERROR)
		d->nr_errors++;
	else
		d->nr_warnings++;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	g = arena_alloc(d->arena, sizeof(*g));
	if (!g)
		return;
	g->level = level;
	g->seq = d->nr_errors + d->nr_warnings;
	g->loc = loc;
	g->msg = arena_strdup(d->arena, msg);
	g->hint = hint ? arena_strdup(d->arena, hint) : NULL;
	*d->tail = g;
	d->tail = &g->next;
}

/* The source line holding byte off, as [start, end). */
static void line_of(const struct diags *d, size_t off, size_t *start, size_t *end)
{
	size_t s = off > d->len ? d->len : off, e;

	while (s > 0 && d->src[s - 1] != '\n')
		s--;
	e = s;
	while (e < d->len && d->src[e] != '\n')
		e++;
	*start = s;
	*end = e;
}

static int by_place(const void *a, const void *b)
{
	const struct diag *x = *(const struct diag *const *)a, *y = *(const struct diag *const *)b;

	if (x->loc.off != y->loc.off)
		return x->loc.off < y->loc.off ? -1 : 1;
	/* stable: the earlier report first */
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* One diagnostic g as FILE:LINE:COL: LEVEL: msg, the source line and a caret. */
static int render_one(const struct diags *d, const struct diag *g, struct strbuf *out)
{
	size_t s, e, i, off = g->loc.off, len;
	int err;

	err = strbuf_addf(out, "%s:%u:%u: %s: %s\n", d->file, g->loc.line, g->loc.col,
			  g->level == DIAG_ERROR ? "error" : "warning", g->msg);
	if (err || g->loc.line == 0)
		return err;
	line_of(d, off, &s, &e);
	err = strbuf_add(out, d->src + s, e - s);
	err = err ?: strbuf_addch(out, '\n');
	/* Tabs are repeated so that the caret lines up under the span. */
	for (i = s; i < off && i < e && !err; i++)
		err = strbuf_addch(out, d->src[i] == '\t' ? '\t' : ' ');
	err = err ?: strbuf_addch(out, '^');
	len = g->loc.len;
	if (off + len > e)
		len = e > off ? e - off : 1;
	for (i = 1; i < len && !err; i++)
		err = strbuf_addch(out, '~');
	err = err ?: strbuf_addch(out, '\n');
	if (g->hint)
		err = err ?: strbuf_addf(out, "hint: %s\n", g->hint);
	return err;
}

int diag_render_one(const struct diags *d, enum diag_level level, struct loc loc, const char *hint,
		    const char *msg, struct strbuf *out)
{
	struct diag g = { .level = level, .loc = loc, .msg = (char *)msg, .hint = (char *)hint };

	return render_one(d, &g, out);
}

int diag_render(const struct diags *d, struct strbuf *out)
{
	const struct diag *g, **sorted;
	size_t n = 0, k;
	int err = 0;

	for (g = d->head; g; g = g->next)
		n++;
	sorted = malloc(sizeof(*sorted) * (n + 1));
	if (!sorted)
		return -ENOMEM;
	for (g = d->head, k = 0; g; g = g->next)
		sorted[k++] = g;
	/* In source order, whichever pass found them. */
	qsort(sorted, n, sizeof(*sorted), by_place);
	for (k = 0; k < n && !err; k++)
		err = render_one(d, sorted[k], out);
	if (d->nr_dropped && !err)
		err = strbuf_addf(out, "%s: %u more errors not shown\n", d->file, d->nr_dropped);
	free(sorted);
	return err;
}
