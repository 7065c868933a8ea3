// SPDX-License-Identifier: GPL-2.0
#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "out/json.h"

void json_init(struct json_writer *w, FILE *f)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
}

/* Called before every value: writes the separator the position needs. */
static void json_value_prefix(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->need_comma[w->depth])
		fputs(", ", w->f);
	w->need_comma[w->depth] = true;
}

static void json_open(struct json_writer *w, char c)
{
	json_value_prefix(w);
	fputc(c, w->f);
	assert(w->depth + 1 < JSON_MAX_DEPTH);
	w->depth++;
	w->need_comma[w->depth] = false;
}

static void json_close(struct json_writer *w, char c)
{
	assert(w->depth > 0);
	w->depth--;
	fputc(c, w->f);
}

void json_obj_begin(struct json_writer *w)
{
	json_open(w, '{');
}

void json_obj_end(struct json_writer *w)
{
	json_close(w, '}');
}

void json_arr_begin(struct json_writer *w)
{
	json_open(w, '[');
}

void json_arr_end(struct json_writer *w)
{
	json_close(w, ']');
}

void json_key(struct json_writer *w, const char *key)
{
	json_value_prefix(w);
	json_write_string(w->f, key, strlen(key));
	fputs(": ", w->f);
	w->after_key = true;
}

void json_write_string(FILE *f, const char *s, size_t n)
{
	size_t i;

	fputc('"', f);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		default:
			if (c < 0x20)
				fprintf(f, "\\u%04x", c);
			else
				fputc(c, f);
		}
	}
	fputc('"', f);
}

void json_str(struct json_writer *w, const char *s)
{
	json_strn(w, s, strlen(s));
}

void json_strn(struct json_writer *w, const char *s, size_t n)
{
	json_value_prefix(w);
	json_write_string(w->f, s, n);
}

void json_int(struct json_writer *w, int64_t v)
{
	json_value_prefix(w);
	fprintf(w->f, "%" PRId64, v);
}

void json_uint(struct json_writer *w, uint64_t v)
{
	json_value_prefix(w);
	fprintf(w->f, "%" PRIu64, v);
}

void json_double(struct json_writer *w, double v, int decimals)
{
	json_value_prefix(w);
	if (isfinite(v))
		fprintf(w->f, "%.*f", decimals, v);
	else
		fputs("null", w->f);	/* JSON has no NaN or infinity */
}

void json_bool(struct json_writer *w, bool v)
{
	json_value_prefix(w);
	fputs(v ? "true" : "false", w->f);
}

void json_null(struct json_writer *w)
{
	json_value_prefix(w);
	fputs("null", w->f);
}
