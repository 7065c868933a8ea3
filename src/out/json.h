/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one JSON writer.  Streams to a FILE; separators are ", " and ": " as
 * in bpftrace's JSON lines, so that output matches it byte for byte.
 * Nesting deeper than JSON_MAX_DEPTH is a programming error (asserted).
 */
#ifndef SCRY_OUT_JSON_H
#define SCRY_OUT_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

struct json_writer {
	FILE *f;
	int depth;
	bool need_comma[JSON_MAX_DEPTH];
	bool after_key;
};

void json_init(struct json_writer *w, FILE *f);

void json_obj_begin(struct json_writer *w);
void json_obj_end(struct json_writer *w);
void json_arr_begin(struct json_writer *w);
void json_arr_end(struct json_writer *w);

void json_key(struct json_writer *w, const char *key);
void json_str(struct json_writer *w, const char *s);
void json_strn(struct json_writer *w, const char *s, size_t n);
void json_int(struct json_writer *w, int64_t v);
void json_uint(struct json_writer *w, uint64_t v);
void json_bool(struct json_writer *w, bool v);
/* A number with decimals digits after the point; NaN and infinities as null. */
void json_double(struct json_writer *w, double v, int decimals);
void json_null(struct json_writer *w);

static inline void json_kv_str(struct json_writer *w, const char *k, const char *v)
{
	json_key(w, k);
	if (v)
		json_str(w, v);
	else
		json_null(w);
}

static inline void json_kv_int(struct json_writer *w, const char *k, int64_t v)
{
	json_key(w, k);
	json_int(w, v);
}

static inline void json_kv_uint(struct json_writer *w, const char *k, uint64_t v)
{
	json_key(w, k);
	json_uint(w, v);
}

static inline void json_kv_bool(struct json_writer *w, const char *k, bool v)
{
	json_key(w, k);
	json_bool(w, v);
}

/* Writes s as a JSON string literal (with quotes) to f. */
void json_write_string(FILE *f, const char *s, size_t n);

#endif
