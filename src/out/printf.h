/* SPDX-License-Identifier: GPL-2.0 */
/*
 * printf() formats of the language: parsed once (the checker validates the
 * arguments against the conversions; the runtime renders events), with C's
 * semantics, as bpftrace has: "%d" of a 64-bit value prints its low 32 bits,
 * "%hhd" its low 8, "%ld"/"%lld" all 64.
 */
#ifndef SCRY_OUT_PRINTF_H
#define SCRY_OUT_PRINTF_H

#include <stddef.h>
#include <stdint.h>

#include "out/maps.h"
#include "util/strbuf.h"

enum fmt_arg_class {
	FMT_ARG_INT,	/* d i u x X o c */
	FMT_ARG_STR,	/* s */
	FMT_ARG_PTR,	/* p */
};

struct fmt_spec {
	size_t start, end;	/* the conversion "%-10s" is fmt[start, end) */
	char conv;		/* 'd', 's', ... */
	int length;		/* 0, 'H' (hh), 'h', 'l', 'L' (ll, j, z, t) */
	enum fmt_arg_class cls;
};

#define FMT_MAX_ARGS 32

/*
 * A buffer as bpftrace's %r (how 0), %rx ('x': every byte \xNN) or %rh
 * ('h': two hex digits a byte, spaces between).
 */
int fmt_buf(struct strbuf *sb, const char *data, size_t len, int how);

struct fmt {
	size_t nr_specs;	/* conversions that take an argument ("%%" excluded) */
	struct fmt_spec specs[FMT_MAX_ARGS];
};

/*
 * Parse fmt.  Returns 0; or -EINVAL with *err_off at the offending '%' and
 * *why a static message ("unknown conversion '%y'" style text is the
 * caller's); or -E2BIG past FMT_MAX_ARGS conversions.
 */
int fmt_parse(const char *fmt, struct fmt *out, size_t *err_off, const char **why);

/*
 * Append fmt rendered with args to sb.  Integers are PV_INT/PV_UINT already
 * extended from their own width; strings PV_STR/PV_TEXT.  A missing or
 * mismatched argument renders as C would not: as "(?)" — the checker keeps
 * that from happening.  Returns 0 or -ENOMEM.
 */
int fmt_render(struct strbuf *sb, const char *fmt, const struct fmt *parsed,
	       const struct pvalue *args, size_t nr_args);

#endif
