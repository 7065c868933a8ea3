// SPDX-License-Identifier: GPL-2.0
/* Types: construction, comparison, names. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lang/ast.h"
#include "lang/types.h"
#include "util/strbuf.h"

struct type *type_new(struct arena *a, enum type_kind kind)
{
	struct type *t = arena_alloc(a, sizeof(*t));

	if (t)
		t->kind = kind;
	return t;
}

struct type *type_int(struct arena *a, uint32_t size, bool sign)
{
	struct type *t = type_new(a, TY_INT);

	if (t) {
		t->size = size;
		t->sign = sign;
	}
	return t;
}

struct type *type_str(struct arena *a, uint32_t size)
{
	struct type *t = type_new(a, TY_STR);

	if (t)
		t->size = size;
	return t;
}

struct type *type_ptr(struct arena *a, struct type *elem, bool user)
{
	struct type *t = type_new(a, TY_PTR);

	if (t) {
		t->size = 8;
		t->elem = elem;
		t->user = user;
	}
	return t;
}

struct type *type_agg(struct arena *a, enum agg_kind agg)
{
	struct type *t = type_new(a, TY_AGG);

	if (t)
		t->agg = agg;
	return t;
}

struct type *type_simple(struct arena *a, enum type_kind kind)
{
	struct type *t = type_new(a, kind);

	if (t && kind != TY_NONE && kind != TY_UNKNOWN)
		t->size = kind == TY_BOOL ? 1 : 8;
	return t;
}

bool type_equal(const struct type *a, const struct type *b)
{
	size_t i;

	if (!a || !b)
		return a == b;
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case TY_INT:
		return a->size == b->size && a->sign == b->sign;
	case TY_STR: case TY_BUF:
		return a->size == b->size;
	case TY_PTR:
		return type_equal(a->elem, b->elem);
	case TY_ARRAY:
		return a->nelem == b->nelem && type_equal(a->elem, b->elem);
	case TY_RECORD:
		return a->name && b->name && !strcmp(a->name, b->name);
	case TY_AGG:
		return a->agg == b->agg;
	case TY_FORMATTED:
		return a->format == b->format;
	case TY_TUPLE:
		if (a->nfields != b->nfields)
			return false;
		for (i = 0; i < a->nfields; i++)
			if (!type_equal(a->fields[i].type, b->fields[i].type))
				return false;
		return true;
	default:
		return true;
	}
}

bool type_is_int(const struct type *t)
{
	return t && (t->kind == TY_INT || t->kind == TY_BOOL || t->kind == TY_UNKNOWN);
}

bool type_is_intlike(const struct type *t)
{
	return type_is_int(t) || (t && t->kind == TY_PTR);
}

const char *agg_name(enum agg_kind agg)
{
	static const char *const names[] = {
		"none", "count", "sum", "avg", "min", "max", "stats", "hist", "lhist",
	};

	return agg < sizeof(names) / sizeof(names[0]) ? names[agg] : "?";
}

int type_format(const struct type *t, struct strbuf *sb)
{
	size_t i;
	int err = 0;

	if (!t)
		return strbuf_addstr(sb, "?");
	switch (t->kind) {
	case TY_NONE: return strbuf_addstr(sb, "none");
	case TY_INT: return strbuf_addf(sb, "%sint%u", t->sign ? "" : "u", t->size * 8);
	case TY_BOOL: return strbuf_addstr(sb, "bool");
	case TY_STR: return strbuf_addf(sb, "string[%u]", t->size);
	case TY_BUF: return strbuf_addf(sb, "buffer[%u]", t->size);
	case TY_KSTACK: return strbuf_addstr(sb, "kstack");
	case TY_USTACK: return strbuf_addstr(sb, "ustack");
	case TY_KSYM: return strbuf_addstr(sb, "ksym");
	case TY_USYM: return strbuf_addstr(sb, "usym");
	case TY_INET: return strbuf_addstr(sb, "inet");
	case TY_MAC: return strbuf_addstr(sb, "macaddr");
	case TY_TIME: return strbuf_addstr(sb, "timestamp");
	case TY_CGPATH: return strbuf_addstr(sb, "cgroup_path");
	case TY_FORMATTED: return strbuf_addstr(sb, t->name ? t->name : "formatted");
	case TY_UNKNOWN: return strbuf_addstr(sb, "unknown");
	case TY_AGG: return strbuf_addstr(sb, agg_name(t->agg));
	case TY_RECORD: return strbuf_addstr(sb, t->name ? t->name : "struct ?");
	case TY_PTR:
		err = t->user ? strbuf_addstr(sb, "user ") : 0;
		err = err ?: type_format(t->elem, sb);
		return err ?: strbuf_addstr(sb, " *");
	case TY_ARRAY: {
		/* C's order: int8[2][4] is 2 arrays of 4 */
		const struct type *e = t;

		while (e->kind == TY_ARRAY && e->elem)
			e = e->elem;
		err = type_format(e, sb);
		for (e = t; !err && e->kind == TY_ARRAY; e = e->elem)
			err = strbuf_addf(sb, "[%u]", e->nelem);
		return err;
	}
	case TY_TUPLE:
		err = strbuf_addch(sb, '(');
		for (i = 0; i < t->nfields && !err; i++) {
			if (i)
				err = strbuf_addstr(sb, ", ");
			err = err ?: type_format(t->fields[i].type, sb);
		}
		return err ?: strbuf_addch(sb, ')');
	}
	return 0;
}

const char *type_name(const struct type *t)
{
	static char bufs[4][128];
	static int k;
	struct strbuf sb = STRBUF_INIT;

	k = (k + 1) % 4;
	if (type_format(t, &sb))
		strbuf_reset(&sb);
	snprintf(bufs[k], sizeof(bufs[k]), "%s", strbuf_str(&sb));
	strbuf_release(&sb);
	return bufs[k];
}

static const struct {
	const char *name;
	uint8_t size;
	bool sign;
} int_names[] = {
	{ "int8", 1, true }, { "int16", 2, true }, { "int32", 4, true }, { "int64", 8, true },
	{ "uint8", 1, false }, { "uint16", 2, false }, { "uint32", 4, false }, { "uint64", 8, false },
	{ "s8", 1, true }, { "s16", 2, true }, { "s32", 4, true }, { "s64", 8, true },
	{ "u8", 1, false }, { "u16", 2, false }, { "u32", 4, false }, { "u64", 8, false },
	{ "__s8", 1, true }, { "__s16", 2, true }, { "__s32", 4, true }, { "__s64", 8, true },
	{ "__u8", 1, false }, { "__u16", 2, false }, { "__u32", 4, false }, { "__u64", 8, false },
	{ "int8_t", 1, true }, { "int16_t", 2, true }, { "int32_t", 4, true }, { "int64_t", 8, true },
	{ "uint8_t", 1, false }, { "uint16_t", 2, false }, { "uint32_t", 4, false },
	{ "uint64_t", 8, false }, { "char", 1, true }, { "short", 2, true }, { "int", 4, true },
	{ "long", 8, true }, { "bool", 1, false }, { "_Bool", 1, false },
	{ "size_t", 8, false }, { "ssize_t", 8, true }, { "pid_t", 4, true }, { "uid_t", 4, false },
	{ "gid_t", 4, false }, { "umode_t", 2, false }, { "dev_t", 4, false }, { "loff_t", 8, true },
	{ "off_t", 8, true }, { "sector_t", 8, false }, { "gfp_t", 4, false },
};

bool type_int_name(const char *name, uint32_t *size, bool *sign)
{
	size_t i;

	for (i = 0; i < sizeof(int_names) / sizeof(int_names[0]); i++) {
		if (!strcmp(name, int_names[i].name)) {
			*size = int_names[i].size;
			*sign = int_names[i].sign;
			return true;
		}
	}
	return false;
}

/* ---- C layout ---- */

struct type *type_array(struct arena *a, struct type *elem, uint32_t nelem)
{
	struct type *t = type_new(a, TY_ARRAY);

	if (t) {
		t->elem = elem;
		t->nelem = nelem;
		t->size = elem ? type_sizeof(elem) * nelem : 0;
	}
	return t;
}

uint32_t type_align(const struct type *t)
{
	uint32_t al = 1;
	size_t i;

	if (!t)
		return 1;
	switch (t->kind) {
	case TY_INT:
		return t->size ? t->size : 1;
	case TY_BOOL: case TY_STR: case TY_BUF: case TY_NONE:
		return 1;
	case TY_ARRAY:
		return type_align(t->elem);
	case TY_RECORD:
		if (t->align)
			return t->align;
		/* fallthrough */
	case TY_TUPLE:
		for (i = 0; i < t->nfields; i++)
			if (type_align(t->fields[i].type) > al)
				al = type_align(t->fields[i].type);
		return al;
	default:
		return 8;
	}
}

static uint64_t round_up(uint64_t n, uint64_t to)
{
	return to ? (n + to - 1) / to * to : n;
}

uint32_t type_sizeof(const struct type *t)
{
	uint64_t off = 0;
	size_t i;

	if (!t)
		return 0;
	switch (t->kind) {
	case TY_TUPLE:
		for (i = 0; i < t->nfields; i++) {
			off = round_up(off, type_align(t->fields[i].type));
			off += type_sizeof(t->fields[i].type);
		}
		return (uint32_t)round_up(off, type_align(t));
	case TY_ARRAY:
		return t->elem ? type_sizeof(t->elem) * t->nelem : 0;
	case TY_NONE: case TY_UNKNOWN:
		return t->size;
	default:
		return t->size;
	}
}

static struct field *new_field(struct arena *a, struct type *rec)
{
	if (rec->nfields == rec->cap) {
		size_t cap = rec->cap ? rec->cap * 2 : 8;
		struct field *f = arena_alloc(a, sizeof(*f) * cap);

		if (!f)
			return NULL;
		if (rec->nfields)
			memcpy(f, rec->fields, sizeof(*f) * rec->nfields);
		rec->fields = f;
		rec->cap = cap;
	}
	return &rec->fields[rec->nfields++];
}

int type_record_add(struct arena *a, struct type *rec, struct type_layout *l, const char *name,
		    struct type *ft, int bits)
{
	uint32_t al = type_align(ft), size = type_sizeof(ft);
	uint64_t at, unit = (uint64_t)size * 8;
	struct field *f;
	size_t i;

	if (bits == 0) {
		/* ':0' closes the unit: the next bitfield starts at the next one */
		if (!rec->is_union)
			l->bits = round_up(l->bits, unit);
		return 0;
	}
	if (bits > 0) {
		at = rec->is_union ? 0 : l->bits;
		if (unit && at / unit != (at + (uint64_t)bits - 1) / unit)
			at = round_up(at, unit);
	} else {
		at = rec->is_union ? 0 : round_up(l->bits, 8 * (uint64_t)al);
	}
	if (al > l->align)
		l->align = al;
	if (!name && bits < 0 && ft->kind == TY_RECORD) {
		/* anonymous struct/union: its members are rec's */
		for (i = 0; i < ft->nfields; i++) {
			f = new_field(a, rec);
			if (!f)
				return -ENOMEM;
			*f = ft->fields[i];
			f->offset += (uint32_t)(at / 8);
		}
	} else {
		f = new_field(a, rec);
		if (!f)
			return -ENOMEM;
		f->name = name;
		f->type = ft;
		f->offset = (uint32_t)(at / 8);
		if (bits > 0) {
			f->bit_offset = (uint16_t)(at % 8);
			f->bit_size = (uint16_t)bits;
		}
	}
	at += bits > 0 ? (uint64_t)bits : (uint64_t)size * 8;
	/* a struct grows to the end of the member; a union to its largest one */
	if (!rec->is_union || at > l->bits)
		l->bits = at;
	return 0;
}

void type_record_finish(struct type *rec, const struct type_layout *l)
{
	rec->align = l->align ? l->align : 1;
	rec->size = (uint32_t)round_up(round_up(l->bits, 8) / 8, rec->align);
	rec->defined = true;
}

const struct field *type_field(const struct type *rec, const char *name)
{
	size_t i;

	if (!rec || !name)
		return NULL;
	for (i = 0; i < rec->nfields; i++)
		if (rec->fields[i].name && !strcmp(rec->fields[i].name, name))
			return &rec->fields[i];
	return NULL;
}
