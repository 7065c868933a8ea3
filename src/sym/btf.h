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

struct arena;
struct type;
/*
 * Kernel type name ("struct sk_buff", "union bpf_attr", "enum x", a typedef)
 * as the language's type, built in arena a: lang/env.h's kernel_type
 * contract.  Looks in vmlinux, then in the loaded modules' BTF.  Returns 0,
 * -ENOENT, or -errno when there is no BTF.
 */
int kernel_btf_type(struct arena *a, const char *name, struct type **out);
/* The same in a given BTF (a file's, for tests). */
int btf_find_type(const struct btf *btf, struct arena *a, const char *name, struct type **out);
/* The value of enum constant name (vmlinux): 0, -ENOENT, -errno. */
int kernel_btf_enum_value(const char *name, int64_t *value);
int btf_find_enum_value(const struct btf *btf, const char *name, int64_t *value);

struct strbuf;
/*
 * The C definition of kernel type name ("struct task_struct", "union x",
 * "enum x") appended to out, members with their C types, as bpftrace -lv
 * prints it.  0, -ENOENT, or -errno (no BTF).
 */
int kernel_btf_type_text(const char *name, struct strbuf *out);
/* Calls fn("struct NAME") for every named struct, union and enum of vmlinux whose name matches glob. */
int kernel_btf_type_names(const char *glob, int (*fn)(const char *name, void *arg), void *arg);

#endif
