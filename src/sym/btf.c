// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "lang/env.h"
#include "sym/btf.h"

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

/* member in the struct or union t, or in one of its anonymous members (mm_struct's fields). */
static int find_member(const struct btf *btf, const struct btf_type *t, const char *member,
		       uint32_t *offset, uint32_t *size, int depth)
{
	const struct btf_member *m = btf_members(t);
	__u16 i;

	for (i = 0; i < btf_vlen(t); i++, m++) {
		const char *name = btf__name_by_offset(btf, m->name_off);
		__s64 sz;

		if (!*name && depth < 4) {
			const struct btf_type *in = btf__type_by_id(btf, btf__resolve_type(btf, m->type));

			if (in && (btf_is_struct(in) || btf_is_union(in)) &&
			    !find_member(btf, in, member, offset, size, depth + 1)) {
				*offset += btf_member_bit_offset(t, i) / 8;
				return 0;
			}
			continue;
		}
		if (strcmp(name, member))
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
	return find_member(btf, btf__type_by_id(btf, (__u32)id), member, offset, size, 0);
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
