/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The system as the compiler sees it.  The front end (lang/) and the code
 * generator (codegen/) never read tracefs, BTF, kallsyms, ELF files, feature
 * probes or environment variables themselves: every question goes through
 * one struct lang_env handed in by the caller (libbpf's injected feature
 * cache is the model).  src/cli fills it from the live system
 * (cli/env.c); tests and fuzzers fill it with fakes, so compiling is pure
 * and -d ir / -d bpf are the same on every machine and for every user.
 *
 * A NULL callback means "unknown here": the compiler then answers as
 * documented at each use (formats unknown: args untyped; features absent).
 * This header depends on nothing else of lang/: probe/ uses it too.
 */
#ifndef SCRY_LANG_ENV_H
#define SCRY_LANG_ENV_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct tp_format;
struct user_sites;
struct usdt_probe;
struct list_query;
struct list_sink;
struct arena;
struct type;

/* A parameter of a kernel function, from its BTF prototype. */
struct env_param {
	char name[64];
	uint32_t size;		/* of the value in bytes */
	bool sign;		/* a signed integer */
	bool ptr;		/* a pointer (size 8) */
	uint32_t elem_size;	/* ptr: the size of the integer it points to, 0: not an integer */
	bool elem_sign;
	char elem_record[64];	/* ptr to a struct/union: its name ("struct sock"), else "" */
};

struct lang_env {
	void *ctx;	/* handed back to every callback */

	/* ---- tracefs ---- */
	/*
	 * Fill fmt with the format of tracepoint category:event.  Returns 0 or
	 * -errno (-ENOENT: no such event).  fmt is released by the caller with
	 * tp_format_release().
	 */
	int (*tp_format)(void *ctx, const char *category, const char *event, struct tp_format *fmt);
	/*
	 * Calls fn(category, event, arg) for every event whose category
	 * matches cat_glob (fnmatch); stops at and returns fn's non-zero value.
	 */
	int (*tp_events)(void *ctx, const char *cat_glob,
			 int (*fn)(const char *category, const char *event, void *arg), void *arg);

	/* ---- kernel symbols ---- */
	/*
	 * Emit "PREFIX:FUNC" entries (probe/probe.h) for the kernel functions
	 * that match q, as kfunc_list_kallsyms() does.
	 */
	int (*kernel_funcs)(void *ctx, const char *prefix, const struct list_query *q,
			    struct list_sink *sink);
	/* The address of kernel symbol name: 0, or -ENOENT. */
	int (*kernel_sym)(void *ctx, const char *name, uint64_t *addr);

	/* ---- kernel BTF ---- */
	/* Offset and size of member of struct s: 0, -ENOENT, or -errno (no BTF). */
	int (*btf_member)(void *ctx, const char *s, const char *member, uint32_t *off,
			  uint32_t *size);
	/* The BTF id of kernel function name, or -errno. */
	int (*btf_func_id)(void *ctx, const char *name);
	/*
	 * The parameters of kernel function func (at most max): 0 and *nr, or
	 * -ENOENT (no such function) or -errno (no BTF).
	 */
	int (*btf_func_params)(void *ctx, const char *func, struct env_param *params, size_t max,
			       size_t *nr);
	/*
	 * Is there a raw tracepoint named name?  The BTF id (> 0) of its
	 * btf_trace_NAME typedef (what tp_btf programs load with), or <= 0.
	 */
	int (*btf_has_raw_tp)(void *ctx, const char *name);

	/* ---- types: the kernel's (BTF) and the traced binary's (DWARF) ---- */
	/*
	 * Contract shared by the three callbacks below.  Types are built in
	 * arena a (lang/types.h: TY_INT, TY_PTR, TY_ARRAY, TY_RECORD with named
	 * fields at byte offsets; bitfields as fields with bit_offset/bit_size once
	 * lang/types.h has them).  A record reached only through a pointer may come
	 * back with defined == false and just its name ("struct task_struct"): the
	 * checker asks again by that name when a program looks inside it, so a
	 * callback never has to build a whole type graph.  Returns 0 and *out,
	 * -ENOENT (no such type or function: not reported), or -errno (no BTF, no
	 * debug information: the caller says so).
	 */
	/* A kernel type by C name: "struct sk_buff", "union bpf_attr", "enum x", a typedef. */
	int (*kernel_type)(void *ctx, struct arena *a, const char *name, struct type **out);
	/* The value of a kernel enum constant (BTF): 0, -ENOENT, or -errno (no BTF). */
	int (*kernel_enum)(void *ctx, const char *name, int64_t *value);
	/* A type by C name from the DWARF of binary path (libdw; debug files found as gdb does). */
	int (*user_type)(void *ctx, struct arena *a, const char *path, const char *name,
			 struct type **out);
	/*
	 * The parameters of function func in path, from DWARF, as one record
	 * (bpftrace's `args`: a field per parameter, in order, named as in the
	 * source, offsets 8 apart as the argument registers are read).
	 */
	int (*user_func_args)(void *ctx, struct arena *a, const char *path, const char *func,
			      struct type **out);
	/*
	 * The return type of function func in path, from DWARF (uretprobe's
	 * retval): 0 and *out (NULL: void), -ENOENT, or -errno as above.
	 */
	int (*user_func_ret)(void *ctx, struct arena *a, const char *path, const char *func,
			     struct type **out);

	/* ---- features (mech/features.h ids): true when the kernel has it ---- */
	bool (*feature)(void *ctx, int feature_id);

	/* ---- user space binaries (probe/user_resolve.h has the contracts) ---- */
	int (*uprobe_sites)(void *ctx, const char *where, const char *target, const char *func,
			    uint64_t off, pid_t pid, struct user_sites *out);
	int (*usdt_sites)(void *ctx, const char *where, const char *target, const char *func,
			  pid_t pid, struct user_sites *out);
	int (*usdt_site)(void *ctx, const char *path, uint64_t pc_offset, struct usdt_probe *site);
	/*
	 * The virtual address of symbol name in path, and whether path is a
	 * fixed-address executable (ET_EXEC).  0, -ENOENT (not reported), or
	 * -errno, reported.
	 */
	int (*user_sym)(void *ctx, const char *path, const char *name, uint64_t *vaddr,
			bool *fixed);

	/* ---- built-ins: strings, symbols, variables ---- */
	/* The id of the cgroup (v2) at path, as cgroupid() gives it: 0, or -errno. */
	int (*cgroup_id)(void *ctx, const char *path, uint64_t *id);
	/* The BTF id of kernel variable name (percpu_kaddr()), or -errno. */
	int (*btf_var_id)(void *ctx, const char *name);
	/* BPFTRACE_MAX_STRLEN (or 0.17's BPFTRACE_STRLEN): str()'s default size; 0: not set (64). */
	uint32_t max_strlen;
	/* scry's pid namespace (/proc/self/ns/pid): pid(curr_ns); 0 0: unknown. */
	uint64_t pidns_dev, pidns_ino;

	/* ---- numbers ---- */
	int ncpus;			/* online CPUs: the ncpus builtin */
	int ncpus_possible;		/* configured CPUs: per-CPU sizes */
	uint64_t start_ns;		/* CLOCK_MONOTONIC at start: the elapsed builtin */
	uint64_t perf_rb_pages;		/* BPFTRACE_PERF_RB_PAGES; 0: not set */
	uint32_t map_keys_max;		/* BPFTRACE_MAP_KEYS_MAX; 0: not set */
	/* bpftrace's other environment variables: 0 or NULL when not set; they
	 * win over the script's config block (lang_config in lang/lang.h) */
	uint64_t log_size;		/* BPFTRACE_LOG_SIZE */
	uint64_t max_cat_bytes;		/* BPFTRACE_MAX_CAT_BYTES (BPFTRACE_CAT_BYTES_MAX) */
	uint32_t on_stack_limit;	/* BPFTRACE_ON_STACK_LIMIT */
	const char *stack_mode;		/* BPFTRACE_STACK_MODE: bpftrace, perf, raw */
	const char *missing_probes;	/* BPFTRACE_MISSING_PROBES: error, warn, ignore */
	const char *str_trunc_trailer;	/* BPFTRACE_STR_TRUNC_TRAILER */
	const char *print_maps_on_exit;	/* BPFTRACE_PRINT_MAPS_ON_EXIT: true/false, 1/0 */
};

/* Answers nothing (every callback NULL, one CPU). */
extern const struct lang_env lang_env_none;

/* Feature id of the compiler's questions, or false when the env cannot say. */
static inline bool env_feature(const struct lang_env *env, int feature_id)
{
	return env->feature && env->feature(env->ctx, feature_id);
}

#endif
