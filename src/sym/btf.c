// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

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
