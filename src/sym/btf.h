/* SPDX-License-Identifier: GPL-2.0 */
/* The kernel's own BTF (/sys/kernel/btf/vmlinux), loaded once. */
#ifndef SCRY_SYM_BTF_H
#define SCRY_SYM_BTF_H

#include <stdint.h>

struct btf;

/*
 * The vmlinux BTF, or NULL when the kernel has none (the error is
 * remembered and returned in *err as -errno).  Owned by this module: do not
 * free.  Loaded on first use.
 */
const struct btf *kernel_btf(int *err);

/*
 * Calls fn for every BTF type of the given kind (BTF_KIND_*) whose name
 * starts with prefix, passing the name without the prefix.  Stops when fn
 * returns non-zero and returns that value; -errno when there is no BTF.
 * type_id is the id of the type found, for kernel_btf() look-ups.
 */
typedef int (*btf_name_fn)(const char *name, unsigned int type_id, void *ctx);
int kernel_btf_for_each(int kind, const char *prefix, btf_name_fn fn, void *ctx);

/* The BTF id of kernel function name (a FUNC in vmlinux BTF), or -errno. */
int kernel_btf_func_id(const char *name);
/* The BTF id of kernel variable name (a VAR: per-CPU variables too), -ENOENT, or -errno. */
int kernel_btf_var_id(const char *name);

struct env_param;
/*
 * The parameters of kernel function name from its BTF prototype (at most
 * max): 0, -ENOENT, or -errno when there is no BTF.
 */
int kernel_btf_func_params(const char *name, struct env_param *params, size_t max, size_t *nr);

/* The BTF id of the kernel's btf_trace_NAME typedef (its raw tracepoint name), or 0. */
int kernel_btf_has_raw_tp(const char *name);

/*
 * The byte offset and size of member in struct struct_name of the kernel
 * (bit fields refused; members of anonymous structs and unions found
 * too).  Returns 0, -ENOENT (no such struct or member), or
 * -errno when there is no BTF.
 */
int kernel_btf_member(const char *struct_name, const char *member, uint32_t *offset, uint32_t *size);

#endif
