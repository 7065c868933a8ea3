/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Diagnostics of the language front end, collected, never printed: the
 * command line renders them with diag_render() as
 *
 *	FILE:LINE:COL: error: message
 *	<the source line>
 *	        ^~~~~
 *	hint: did you mean 'pid'?
 */
#ifndef SCRY_LANG_DIAG_H
#define SCRY_LANG_DIAG_H

#include <stddef.h>

#include "lang/ast.h"

enum diag_level { DIAG_ERROR, DIAG_WARNING };

struct diag {
	enum diag_level level;
	struct loc loc;
	char *msg;
	char *hint;	/* or NULL */
	unsigned seq;	/* order of report */
	struct diag *next;
};

/* At most this many errors are kept: the rest are counted only. */
#define DIAG_MAX_ERRORS 20

struct diags {
	const char *file;
	const char *src;
	size_t len;
	struct diag *head, **tail;
	unsigned nr_errors, nr_warnings, nr_dropped;
	struct arena *arena;
};

void diags_init(struct diags *d, struct arena *a, const char *file, const char *src, size_t len);
/* Record a diagnostic; hint may be NULL.  Out of memory only loses the message. */
void diag_add(struct diags *d, enum diag_level level, struct loc loc, const char *hint,
	      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
#define diag_err(d, loc, ...) diag_add(d, DIAG_ERROR, loc, NULL, __VA_ARGS__)
/* Render every diagnostic in order.  Returns 0 or -ENOMEM. */
struct strbuf;
int diag_render(const struct diags *d, struct strbuf *out);
/*
 * Render one diagnostic that is not in d (the code generator's) in the same
 * form, with d's file and source.  Returns 0 or -ENOMEM.
 */
int diag_render_one(const struct diags *d, enum diag_level level, struct loc loc, const char *hint,
		    const char *msg, struct strbuf *out);

/* did_you_mean() and edit_distance() are in util/suggest.h. */
#include "util/suggest.h"

#endif
