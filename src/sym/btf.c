// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "lang/ast.h"
#include "lang/env.h"
#include "lang/types.h"
#include "sym/btf.h"
#include "util/strbuf.h"

const struct btf *kernel_btf(int *err)
{
	static struct btf *btf;
	static int load_err;

	if (!btf && !load_err) {
		btf = btf__load_vmlinux_btf();
		load_err = btf ? 0 : (errno ? -errno : -ENOENT);
	}
	if (err)
		*err = load_err;
	return btf;
}

int kernel_btf_for_each(int kind, const char *prefix, btf_name_fn fn, void *ctx)
{
	const struct btf *btf;
	size_t plen = strlen(prefix);
	__u32 i, n;
	int err;

	btf = kernel_btf(&err);
	if (!btf)
		return err;
	n = btf__type_cnt(btf);
	for (i = 1; i < n; i++) {
		const struct btf_type *t = btf__type_by_id(btf, i);
		const char *name;

		if (!t || btf_kind(t) != kind)
			continue;
		name = btf__name_by_offset(btf, t->name_off);
		if (!name || strncmp(name, prefix, plen))
			continue;
		err = fn(name + plen, i, ctx);
		if (err)
			return err;
	}
	return 0;
}

/*
 * member of struct/union type id, also inside anonymous struct and union
 * members (the iterator contexts: struct bpf_iter__task { union { ... task; }; }).
 * Offsets add up; depth bounds the descent.
 */
static int btf_member_in(const struct btf *btf, __u32 id, const char *member, uint32_t *offset,
			 uint32_t *size, int depth)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const struct btf_member *m;
	__u16 i;

	while (t && btf_is_mod(t))
		t = btf__type_by_id(btf, t->type);
	if (!t || !btf_is_composite(t) || depth > 8)
		return -ENOENT;
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, m++) {
		const char *name = btf__name_by_offset(btf, m->name_off);
		__s64 sz;

		if (name && !*name && !btf_member_bitfield_size(t, i) &&
		    !(btf_member_bit_offset(t, i) % 8) &&
		    !btf_member_in(btf, m->type, member, offset, size, depth + 1)) {
			*offset += btf_member_bit_offset(t, i) / 8;
			return 0;
		}
		if (!name || strcmp(name, member))
			continue;
		if (btf_member_bitfield_size(t, i) || btf_member_bit_offset(t, i) % 8)
			return -ENOENT;
		sz = btf__resolve_size(btf, m->type);
		if (sz < 0)
			return (int)sz;
		*offset = btf_member_bit_offset(t, i) / 8;
		*size = (uint32_t)sz;
		return 0;
	}
	return -ENOENT;
}

int kernel_btf_member(const char *struct_name, const char *member, uint32_t *offset, uint32_t *size)
{
	const struct btf *btf;
	__s32 id;
	int err;

	btf = kernel_btf(&err);
	if (!btf)
		return err;
	id = btf__find_by_name_kind(btf, struct_name, BTF_KIND_STRUCT);
	if (id < 0)
		return -ENOENT;
	return btf_member_in(btf, (__u32)id, member, offset, size, 0);
}

int kernel_btf_has_raw_tp(const char *name)
{
	const struct btf *btf = kernel_btf(NULL);
	char tn[256];
	int id;

	if (!btf || snprintf(tn, sizeof(tn), "btf_trace_%s", name) >= (int)sizeof(tn))
		return 0;
	id = btf__find_by_name_kind(btf, tn, BTF_KIND_TYPEDEF);
	return id > 0 ? id : 0;
}

static int kernel_btf_id(const char *name, int kind)
{
	const struct btf *btf;
	int err;

	btf = kernel_btf(&err);
	if (!btf)
		return err;
	err = btf__find_by_name_kind(btf, name, kind);
	return err < 0 ? -ENOENT : err;
}

int kernel_btf_func_id(const char *name)
{
	return kernel_btf_id(name, BTF_KIND_FUNC);
}

int kernel_btf_var_id(const char *name)
{
	return kernel_btf_id(name, BTF_KIND_VAR);
}

int kernel_btf_func_params(const char *name, struct env_param *params, size_t max, size_t *nr)
{
	const struct btf *btf;
	const struct btf_type *fn, *proto, *t;
	const struct btf_param *bp;
	int err, id;
	__u16 i;

	btf = kernel_btf(&err);
	if (!btf)
		return err;
	id = btf__find_by_name_kind(btf, name, BTF_KIND_FUNC);
	if (id < 0)
		return -ENOENT;
	fn = btf__type_by_id(btf, (__u32)id);
	proto = fn ? btf__type_by_id(btf, fn->type) : NULL;
	if (!proto || !btf_is_func_proto(proto))
		return -ENOENT;
	bp = btf_params(proto);
	*nr = 0;
	for (i = 0; i < btf_vlen(proto) && *nr < max; i++, bp++) {
		struct env_param *p = &params[(*nr)++];
		int tid = btf__resolve_type(btf, bp->type);

		memset(p, 0, sizeof(*p));
		snprintf(p->name, sizeof(p->name), "%s", btf__name_by_offset(btf, bp->name_off) ?: "");
		p->size = 8;
		t = tid >= 0 ? btf__type_by_id(btf, (__u32)tid) : NULL;
		if (!t)
			continue;
		if (btf_is_ptr(t)) {
			const struct btf_type *e;
			int eid = btf__resolve_type(btf, t->type);

			p->ptr = true;
			e = eid > 0 ? btf__type_by_id(btf, (__u32)eid) : NULL;
			if (e && btf_is_int(e)) {
				p->elem_size = e->size;
				p->elem_sign = btf_int_encoding(e) & BTF_INT_SIGNED;
			} else if (e && (btf_is_struct(e) || btf_is_union(e)) && e->name_off) {
				snprintf(p->elem_record, sizeof(p->elem_record), "%s %s",
					 btf_is_union(e) ? "union" : "struct",
					 btf__name_by_offset(btf, e->name_off));
			}
		} else if (btf_is_int(t)) {
			p->size = t->size;
			p->sign = btf_int_encoding(t) & BTF_INT_SIGNED;
		} else if (btf_is_enum(t)) {
			p->size = t->size;
		}
	}
	return 0;
}

/* ---- kernel types as the language's types (lang/env.h's kernel_type) ---- */

#define BTF_MAX_DEPTH 24

static struct type *conv(const struct btf *btf, struct arena *a, __u32 id, int depth, bool full);

/* A struct/union: its members at their BTF offsets, anonymous members flattened. */
static int conv_record(const struct btf *btf, struct arena *a, const struct btf_type *t,
		       struct type *rec, uint32_t base, int depth)
{
	const struct btf_member *m = btf_members(t);
	__u16 i;

	for (i = 0; i < btf_vlen(t); i++, m++) {
		const char *mname = btf__name_by_offset(btf, m->name_off);
		uint32_t bit = btf_member_bit_offset(t, i), bsz = btf_member_bitfield_size(t, i);
		struct type_layout l = { 0 };
		struct type *ft;

		if (!mname || !*mname) {
			int rid = btf__resolve_type(btf, m->type);
			const struct btf_type *rt = rid > 0 ? btf__type_by_id(btf, (__u32)rid) : NULL;

			if (rt && (btf_is_struct(rt) || btf_is_union(rt))) {
				int err = conv_record(btf, a, rt, rec, base + bit / 8, depth + 1);

				if (err)
					return err;
			}
			continue;
		}
		ft = conv(btf, a, m->type, depth + 1, true);	/* by value: its layout is part of rec's */
		if (!ft)
			return -ENOMEM;
		/* one member added through the layout code, then put where BTF says it is */
		rec->is_union = false;
		if (type_record_add(a, rec, &l, arena_strdup(a, mname), ft, -1))
			return -ENOMEM;
		rec->fields[rec->nfields - 1].offset = base + bit / 8;
		if (bsz) {
			rec->fields[rec->nfields - 1].bit_offset = (uint16_t)(bit % 8);
			rec->fields[rec->nfields - 1].bit_size = (uint16_t)bsz;
		}
	}
	return 0;
}

/*
 * The type of BTF id.  Records are built with their members when full (the
 * type asked for, and every record inside it by value: their members take
 * its bytes, so this is bounded by its size) and otherwise, behind
 * pointers, only named, with their size: the checker asks for them by name
 * when a program looks inside.
 */
static struct type *conv(const struct btf *btf, struct arena *a, __u32 id, int depth, bool full)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const char *name;
	struct type *r;

	if (!t || depth > BTF_MAX_DEPTH)
		return type_simple(a, TY_NONE);
	name = btf__name_by_offset(btf, t->name_off);
	switch (btf_kind(t)) {
	case BTF_KIND_INT: {
		__u8 enc = btf_int_encoding(t);

		r = type_int(a, t->size > 8 ? 8 : t->size, enc & BTF_INT_SIGNED);
		if (r)
			r->chr = name && !strcmp(name, "char");
		return r;
	}
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64: {
		struct type_enum *list;
		__u16 k, n = btf_vlen(t);

		r = type_int(a, t->size, btf_kflag(t));
		if (!r)
			return NULL;
		if (name && *name)
			r->name = arena_printf(a, "enum %s", name);
		list = arena_alloc(a, sizeof(*list) * (n ? n : 1));
		if (!list)
			return NULL;
		for (k = 0; k < n; k++) {
			if (btf_is_enum(t)) {
				const struct btf_enum *e = btf_enum(t) + k;

				list[k].name = arena_strdup(a, btf__name_by_offset(btf, e->name_off));
				list[k].value = btf_kflag(t) ? (int64_t)e->val : (int64_t)(uint32_t)e->val;
			} else {
				const struct btf_enum64 *e = btf_enum64(t) + k;

				list[k].name = arena_strdup(a, btf__name_by_offset(btf, e->name_off));
				list[k].value = (int64_t)btf_enum64_value(e);
			}
			if (!list[k].name)
				return NULL;
		}
		r->enumerators = list;
		r->nenumerators = n;
		return r;
	}
	case BTF_KIND_PTR: {
		const struct btf_type *e;
		int eid = btf__resolve_type(btf, t->type);

		e = eid > 0 ? btf__type_by_id(btf, (__u32)eid) : NULL;
		if (!e || btf_is_func_proto(e))
			return type_ptr(a, type_simple(a, TY_NONE), false);
		return type_ptr(a, conv(btf, a, t->type, depth + 1, false), false);
	}
	case BTF_KIND_ARRAY: {
		const struct btf_array *arr = btf_array(t);

		return type_array(a, conv(btf, a, arr->type, depth + 1, true), arr->nelems);
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		r = type_new(a, TY_RECORD);
		if (!r)
			return NULL;
		r->name = name && *name ? arena_printf(a, "%s %s", btf_is_union(t) ? "union" : "struct",
						       name) : (btf_is_union(t) ? "union <anon>" : "struct <anon>");
		r->size = t->size;
		if (full || !name || !*name) {
			if (conv_record(btf, a, t, r, 0, depth))
				return NULL;
			r->is_union = btf_is_union(t);
			r->align = type_align(r);
			r->defined = true;
		}
		return r;
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
	case BTF_KIND_DECL_TAG:
		return conv(btf, a, t->type, depth, full);
	case BTF_KIND_FWD:
		r = type_new(a, TY_RECORD);
		if (r)
			r->name = arena_printf(a, "%s %s", btf_kflag(t) ? "union" : "struct", name);
		return r;
	default:
		return type_simple(a, TY_NONE);
	}
}

int btf_find_type(const struct btf *btf, struct arena *a, const char *name, struct type **out)
{
	static const struct {
		const char *prefix;
		int kind, kind2;
	} pre[] = {
		{ "struct ", BTF_KIND_STRUCT, -1 },
		{ "union ", BTF_KIND_UNION, -1 },
		{ "enum ", BTF_KIND_ENUM, BTF_KIND_ENUM64 },
	};
	size_t i;
	int id = -ENOENT;

	for (i = 0; i < sizeof(pre) / sizeof(pre[0]); i++) {
		size_t n = strlen(pre[i].prefix);

		if (strncmp(name, pre[i].prefix, n))
			continue;
		id = btf__find_by_name_kind(btf, name + n, pre[i].kind);
		if (id < 0 && pre[i].kind2 >= 0)
			id = btf__find_by_name_kind(btf, name + n, pre[i].kind2);
		break;
	}
	if (i == sizeof(pre) / sizeof(pre[0]))
		id = btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF);
	if (id <= 0)
		return -ENOENT;
	*out = conv(btf, a, (__u32)id, 0, true);
	return *out ? 0 : -ENOMEM;
}

int btf_find_enum_value(const struct btf *btf, const char *name, int64_t *value)
{
	__u32 i, n = btf__type_cnt(btf);

	for (i = 1; i < n; i++) {
		const struct btf_type *t = btf__type_by_id(btf, i);
		__u16 k;

		if (!t)
			continue;
		if (btf_is_enum(t)) {
			const struct btf_enum *e = btf_enum(t);

			for (k = 0; k < btf_vlen(t); k++, e++) {
				if (!strcmp(btf__name_by_offset(btf, e->name_off), name)) {
					*value = btf_kflag(t) ? (int64_t)e->val : (int64_t)(uint32_t)e->val;
					return 0;
				}
			}
		} else if (btf_is_enum64(t)) {
			const struct btf_enum64 *e = btf_enum64(t);

			for (k = 0; k < btf_vlen(t); k++, e++) {
				if (!strcmp(btf__name_by_offset(btf, e->name_off), name)) {
					*value = (int64_t)btf_enum64_value(e);
					return 0;
				}
			}
		}
	}
	return -ENOENT;
}

/* The BTF of loaded modules (split on vmlinux), loaded on the first miss in vmlinux. */
static struct btf **mod_btf;
static size_t nr_mod_btf;
static bool mod_loaded;

static void load_modules(const struct btf *vmlinux)
{
	DIR *d;
	struct dirent *de;

	mod_loaded = true;
	d = opendir("/sys/kernel/btf");
	if (!d)
		return;
	while ((de = readdir(d))) {
		char path[512];
		struct btf *b, **grown;

		if (de->d_name[0] == '.' || !strcmp(de->d_name, "vmlinux"))
			continue;
		if (snprintf(path, sizeof(path), "/sys/kernel/btf/%s", de->d_name) >= (int)sizeof(path))
			continue;
		b = btf__parse_split(path, (struct btf *)vmlinux);
		if (!b)
			continue;
		grown = realloc(mod_btf, sizeof(*mod_btf) * (nr_mod_btf + 1));
		if (!grown) {
			btf__free(b);
			break;
		}
		mod_btf = grown;
		mod_btf[nr_mod_btf++] = b;
	}
	closedir(d);
}

int kernel_btf_type(struct arena *a, const char *name, struct type **out)
{
	const struct btf *btf;
	size_t i;
	int err;

	btf = kernel_btf(&err);
	if (!btf)
		return err;
	err = btf_find_type(btf, a, name, out);
	if (err != -ENOENT)
		return err;
	if (!mod_loaded)
		load_modules(btf);
	for (i = 0; i < nr_mod_btf; i++) {
		err = btf_find_type(mod_btf[i], a, name, out);
		if (err != -ENOENT)
			return err;
	}
	return -ENOENT;
}

int kernel_btf_enum_value(const char *name, int64_t *value)
{
	const struct btf *btf;
	int err;

	btf = kernel_btf(&err);
	if (!btf)
		return err;
	return btf_find_enum_value(btf, name, value);
}

/* ---- kernel types as C text (scry -lv 'struct X', as bpftrace prints them) ---- */

static void dump_printf(void *ctx, const char *fmt, va_list ap)
{
	strbuf_vaddf(ctx, fmt, ap);
}

/* The kernel's BTF id and BTF of type name ("struct x", "union x", "enum x"), or -ENOENT. */
static int find_in_kernel(const char *name, const struct btf **out)
{
	static const struct {
		const char *prefix;
		int kind;
	} pre[] = {
		{ "struct ", BTF_KIND_STRUCT }, { "union ", BTF_KIND_UNION }, { "enum ", BTF_KIND_ENUM },
		{ "enum ", BTF_KIND_ENUM64 },
	};
	const struct btf *btf;
	size_t i, k;
	int err, id;

	btf = kernel_btf(&err);
	if (!btf)
		return err;
	if (!mod_loaded)
		load_modules(btf);
	for (k = 0; k <= nr_mod_btf; k++) {
		const struct btf *b = k ? mod_btf[k - 1] : btf;

		for (i = 0; i < sizeof(pre) / sizeof(pre[0]); i++) {
			size_t n = strlen(pre[i].prefix);

			if (strncmp(name, pre[i].prefix, n))
				continue;
			id = btf__find_by_name_kind(b, name + n, pre[i].kind);
			if (id > 0) {
				*out = b;
				return id;
			}
		}
	}
	return -ENOENT;
}

/*
 * The holes of a struct as bpftrace (libbpf's C dumper) writes them, so
 * that the text compiles to the same layout: from bit cur to bit next,
 * first up to the boundary of the widest of long/int/short/char that fits
 * (written as 'T: 0;' when the compiler would not align there by itself,
 * as 'T: BITS;' inside bitfields), then whole 'T: sizeof(T);' markers and
 * a last, smallest one.
 */
static void emit_padding(struct strbuf *out, uint32_t cur, uint32_t next, uint32_t next_align,
			 bool in_bits)
{
	static const struct {
		const char *name;
		uint32_t bits;
	} pads[] = { { "long", 64 }, { "int", 32 }, { "short", 16 }, { "char", 8 } };
	uint32_t aligned = cur, width = 8, left;
	const char *type = "char";
	size_t i;

	if (cur >= next)
		return;
	for (i = 0; i < sizeof(pads) / sizeof(pads[0]); i++) {
		width = pads[i].bits;
		type = pads[i].name;
		aligned = (cur + width - 1) / width * width;
		if (aligned <= next)
			break;
	}
	if (aligned > cur && aligned <= next) {
		uint32_t natural = next_align ? (cur + next_align * 8 - 1) / (next_align * 8) *
						(next_align * 8) : cur;

		if (in_bits || (aligned == next && natural != aligned) ||
		    (aligned != next && next - aligned <= aligned - cur))
			strbuf_addf(out, "\t%s: %u;\n", type, in_bits ? aligned - cur : 0);
		cur = aligned;
	}
	while (cur < next) {
		left = next - cur;
		if (left >= width) {
			strbuf_addf(out, "\t%s: %u;\n", type, width);
			cur += width;
			continue;
		}
		for (i = sizeof(pads) / sizeof(pads[0]); i-- > 0;) {
			if (pads[i].bits < left)
				continue;
			strbuf_addf(out, "\t%s: %u;\n", pads[i].name, left);
			cur += left;
			break;
		}
	}
}

int kernel_btf_type_text(const char *name, struct strbuf *out)
{
	LIBBPF_OPTS(btf_dump_emit_type_decl_opts, opts, .indent_level = 1);
	const struct btf *btf = NULL;
	const struct btf_type *t;
	struct btf_dump *d;
	int id = find_in_kernel(name, &btf), err = 0;
	uint32_t off = 0;
	bool prev_bits = false;
	__u16 i;

	if (id < 0)
		return id;
	t = btf__type_by_id(btf, (__u32)id);
	d = btf_dump__new(btf, dump_printf, out, NULL);
	if (!d)
		return -errno ? -errno : -ENOMEM;
	if (btf_is_enum(t) || btf_is_enum64(t)) {
		/* an enum's own definition is all it needs */
		err = btf_dump__dump_type(d, (__u32)id);
		while (out->len > 1 && out->buf[out->len - 1] == '\n' && out->buf[out->len - 2] == '\n')
			out->buf[--out->len] = '\0';
		goto out;
	}
	strbuf_addf(out, "%s {\n", name);
	for (i = 0; i < btf_vlen(t); i++) {
		const struct btf_member *m = btf_members(t) + i;
		__u32 bits = btf_member_bitfield_size(t, i), at = btf_member_bit_offset(t, i);
		int align = btf__align_of(btf, m->type);

		if (btf_is_struct(t))
			emit_padding(out, off, at, align > 0 ? (uint32_t)align : 1, prev_bits && bits);
		opts.field_name = btf__name_by_offset(btf, m->name_off);
		strbuf_addch(out, '\t');
		err = btf_dump__emit_type_decl(d, m->type, &opts);
		if (err)
			goto out;
		if (bits) {
			strbuf_addf(out, ": %u", bits);
			off = at + bits;
		} else {
			__s64 sz = btf__resolve_size(btf, m->type);

			off = at + (uint32_t)(sz > 0 ? sz : 0) * 8;
		}
		prev_bits = bits != 0;
		strbuf_addstr(out, ";\n");
	}
	if (btf_is_struct(t))
		emit_padding(out, off, t->size * 8, 1, false);
	strbuf_addstr(out, "};\n");
out:
	btf_dump__free(d);
	return err;
}

int kernel_btf_type_names(const char *glob, int (*fn)(const char *name, void *arg), void *arg)
{
	const struct btf *btf;
	__u32 id, n;
	int err;

	btf = kernel_btf(&err);
	if (!btf)
		return err;
	n = btf__type_cnt(btf);
	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *nm = btf__name_by_offset(btf, t->name_off);
		char full[320];

		if (!nm || !*nm || !(btf_is_struct(t) || btf_is_union(t) || btf_is_any_enum(t)))
			continue;
		snprintf(full, sizeof(full), "%s %s",
			 btf_is_struct(t) ? "struct" : btf_is_union(t) ? "union" : "enum", nm);
		if (fnmatch(glob, full, 0))
			continue;
		err = fn(full, arg);
		if (err)
			return err;
	}
	return 0;
}
