// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "out/printf.h"

int fmt_parse(const char *fmt, struct fmt *out, size_t *err_off, const char **why)
{
	const char *p = fmt;

	out->nr_specs = 0;
	while ((p = strchr(p, '%'))) {
		const char *start = p++;
		struct fmt_spec s = { .start = (size_t)(start - fmt) };

		if (*p == '%') {
			p++;
			continue;
		}
		p += strspn(p, "-+ #0");
		p += strspn(p, "0123456789");
		if (*p == '.') {
			p++;
			p += strspn(p, "0123456789");
		}
		if (p[0] == 'h' && p[1] == 'h') {
			s.length = 'H';
			p += 2;
		} else if (p[0] == 'l' && p[1] == 'l') {
			s.length = 'L';
			p += 2;
		} else if (*p == 'h' || *p == 'l') {
			s.length = *p++;
		} else if (*p == 'j' || *p == 'z' || *p == 't') {
			s.length = 'L';
			p++;
		}
		switch (*p) {
		case 'd':
		case 'i':
		case 'u':
		case 'x':
		case 'X':
		case 'o':
		case 'c':
			s.cls = FMT_ARG_INT;
			break;
		case 's':
			s.cls = FMT_ARG_STR;
			break;
		case 'r':	/* a buffer: %r, %rx, %rh */
			s.cls = FMT_ARG_STR;
			if (p[1] == 'x' || p[1] == 'h')
				s.length = *++p;
			break;
		case 'p':
			s.cls = FMT_ARG_PTR;
			break;
		default:
			*err_off = s.start;
			*why = *p ? "unknown conversion" : "incomplete conversion at the end";
			return -EINVAL;
		}
		if (s.length && (s.cls != FMT_ARG_INT || *p == 'c') && !(*p == 'x' && p[-1] == 'r') &&
		    !(*p == 'h' && p[-1] == 'r')) {
			*err_off = s.start;
			*why = "a length modifier goes with an integer conversion";
			return -EINVAL;
		}
		s.conv = s.length && (*p == 'x' || *p == 'h') && p[-1] == 'r' ? 'r' : *p;
		p++;
		s.end = (size_t)(p - fmt);
		if (out->nr_specs == FMT_MAX_ARGS) {
			*err_off = s.start;
			*why = "too many arguments";
			return -E2BIG;
		}
		out->specs[out->nr_specs++] = s;
	}
	return 0;
}

int fmt_buf(struct strbuf *sb, const char *data, size_t len, int how)
{
	size_t i;
	int err = 0;

	for (i = 0; i < len && !err; i++) {
		unsigned char c = (unsigned char)data[i];

		if (how == 'h')
			err = strbuf_addf(sb, i ? " %02x" : "%02x", c);
		else if (how == 'x' || c < 0x20 || c > 0x7e)
			err = strbuf_addf(sb, "\\x%02x", c);
		else
			err = strbuf_addch(sb, (char)c);
	}
	return err;
}

/* Appends fmt[from, to) with "%%" turned into "%". */
static int add_literal(struct strbuf *sb, const char *fmt, size_t from, size_t to)
{
	size_t i;
	int err = 0;

	for (i = from; i < to && !err; i++) {
		err = strbuf_addch(sb, fmt[i]);
		if (fmt[i] == '%' && i + 1 < to && fmt[i + 1] == '%')
			i++;
	}
	return err;
}

/*
 * The conversion is rebuilt from what fmt_parse() accepted (flags, width,
 * precision, a length modifier we choose, one conversion letter), so it is
 * safe to hand to vsnprintf() even though it is not a literal.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static int render_one(struct strbuf *sb, const char *fmt, const struct fmt_spec *s,
		      const struct pvalue *v)
{
	char spec[64];
	size_t n = s->end - s->start - 1;	/* all but the conversion letter */
	uint64_t u;
	int err;

	if (!v || n >= sizeof(spec) - 4)
		return strbuf_addstr(sb, "(?)");
	memcpy(spec, fmt + s->start, n);
	while (n && strchr("hljzt", spec[n - 1]))
		n--;
	spec[n] = '\0';

	if (s->conv == 'r') {
		/* a buffer's raw bytes (decode.c keeps them in elems[0]), or a string's */
		const struct pvalue *raw = v->kind == PV_TEXT && v->nr_elems == 1 ? &v->elems[0] : v;

		if (raw->kind != PV_STR && raw->kind != PV_TEXT)
			return strbuf_addstr(sb, "(?)");
		return fmt_buf(sb, raw->str, raw == v && v->kind == PV_STR ? strnlen(v->str, v->len) :
			       raw->len, s->length);
	}
	if (s->cls == FMT_ARG_STR) {
		struct strbuf tmp = STRBUF_INIT;

		if (v->kind != PV_STR && v->kind != PV_TEXT)
			return strbuf_addstr(sb, "(?)");
		/* strings from events are not NUL-terminated when they fill their buffer */
		err = strbuf_add(&tmp, v->str, v->kind == PV_STR ? strnlen(v->str, v->len) : v->len);
		strcat(spec, "s");
		err = err ?: strbuf_addf(sb, spec, strbuf_str(&tmp));
		strbuf_release(&tmp);
		return err;
	}
	if (v->kind != PV_INT && v->kind != PV_UINT)
		return strbuf_addstr(sb, "(?)");
	u = v->kind == PV_INT ? (uint64_t)v->i : v->u;
	if (s->cls == FMT_ARG_PTR) {
		strcat(spec, "p");
		return strbuf_addf(sb, spec, (void *)(uintptr_t)u);
	}
	if (s->length == 'l' || s->length == 'L') {
		strcat(spec, "ll");
		n = strlen(spec);
		spec[n] = s->conv;
		spec[n + 1] = '\0';
		return strbuf_addf(sb, spec, (long long)u);
	}
	if (s->length == 'H')
		strcat(spec, "hh");
	else if (s->length == 'h')
		strcat(spec, "h");
	n = strlen(spec);
	spec[n] = s->conv;
	spec[n + 1] = '\0';
	/* C's default promotions: the low 32 bits, narrowed again by hh/h */
	return strbuf_addf(sb, spec, (int)(uint32_t)u);
}
#pragma GCC diagnostic pop

int fmt_render(struct strbuf *sb, const char *fmt, const struct fmt *parsed,
	       const struct pvalue *args, size_t nr_args)
{
	size_t i, at = 0;
	int err = 0;

	for (i = 0; i < parsed->nr_specs && !err; i++) {
		const struct fmt_spec *s = &parsed->specs[i];

		err = add_literal(sb, fmt, at, s->start);
		err = err ?: render_one(sb, fmt, s, i < nr_args ? &args[i] : NULL);
		at = s->end;
	}
	return err ?: add_literal(sb, fmt, at, strlen(fmt));
}
