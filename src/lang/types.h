/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The types of scry's language.  Types live in the program's arena and are
 * compared structurally (type_equal), never by pointer.
 */
#ifndef SCRY_LANG_TYPES_H
#define SCRY_LANG_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum type_kind {
	TY_NONE,	/* statements and calls with no value */
	TY_INT,		/* size 1, 2, 4, 8; sign */
	TY_BOOL,
	TY_STR,		/* size: bytes including the NUL */
	TY_BUF,		/* size: data bytes */
	TY_TUPLE,	/* fields, unnamed */
	TY_PTR,		/* elem; user: points into user memory */
	TY_ARRAY,	/* elem[nelem] */
	TY_RECORD,	/* struct/union: name, fields; defined false when the layout is unknown */
	TY_KSTACK,
	TY_USTACK,
	TY_KSYM,
	TY_USYM,
	TY_INET,	/* ntop() */
	TY_MAC,		/* macaddr() */
	TY_TIME,	/* strftime() */
	TY_CGPATH,	/* cgroup_path() */
	TY_FORMATTED,	/* size (0: 8) bytes that user space formats: format (username) */
	TY_AGG,		/* agg: what count()...lhist() store in a map */
	TY_UNKNOWN,	/* a field of a type whose layout only BTF/DWARF would tell: unchecked */
};

enum agg_kind {
	AGG_NONE, AGG_COUNT, AGG_SUM, AGG_AVG, AGG_MIN, AGG_MAX, AGG_STATS, AGG_HIST, AGG_LHIST,
};

struct type;

struct field {
	const char *name;	/* NULL in tuples */
	struct type *type;
	uint32_t offset;
};

struct strbuf;

struct type {
	enum type_kind kind;
	uint32_t size;
	bool sign;
	bool user;
	bool defined;
	bool is_union;
	enum agg_kind agg;
	struct type *elem;
	uint32_t nelem;
	const char *name;	/* record: "struct foo"; TY_FORMATTED: what it is ("username") */
	/* TY_FORMATTED: the text of the size bytes the program stored; 0 or -ENOMEM. */
	int (*format)(const uint8_t *data, struct strbuf *out);
	size_t nfields;
	struct field *fields;
};

struct arena;

/* All return arena memory (NULL on -ENOMEM). */
struct type *type_new(struct arena *a, enum type_kind kind);
struct type *type_int(struct arena *a, uint32_t size, bool sign);
struct type *type_str(struct arena *a, uint32_t size);
struct type *type_ptr(struct arena *a, struct type *elem, bool user);
struct type *type_agg(struct arena *a, enum agg_kind agg);
struct type *type_simple(struct arena *a, enum type_kind kind);

bool type_equal(const struct type *a, const struct type *b);
bool type_is_int(const struct type *t);	/* int, bool, unknown */
bool type_is_intlike(const struct type *t);	/* int, bool, pointer, unknown */
const char *agg_name(enum agg_kind agg);
/* "uint32", "string[16]", "(int64, string[16])", "struct foo *"... */
struct strbuf;
int type_format(const struct type *t, struct strbuf *sb);
/* Same, in a static buffer: for messages only. */
const char *type_name(const struct type *t);

/* "uint8" "int64" "u32" "char" "unsigned int"... -> size/sign; false if not an integer type name */
bool type_int_name(const char *name, uint32_t *size, bool *sign);

#endif
