/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The debug information of a user space binary (DWARF, over libdw): its
 * functions' parameters and its types, as scry types (lang/types.h) for the
 * checker and as C text for listings.
 *
 * The debug information is looked for where people keep it, in gdb's order:
 *   1. in the binary itself (.debug_info);
 *   2. by build id: ROOT/.build-id/NN/NNNN....debug;
 *   3. through .gnu_debuglink (the CRC is checked): DIR/NAME,
 *      DIR/.debug/NAME, ROOT/DIR/NAME;
 * and in each, the units of split DWARF: a skeleton's .dwo (libdw finds it
 * from DW_AT_comp_dir and DW_AT_dwo_name), else BINARY.dwp.  ROOT is
 * /usr/lib/debug unless dwarf_set_debug_root() says otherwise.
 *
 * Debug files are hostile input: libdw bounds its reads, and everything
 * taken from it here (sizes, counts, nesting) is bounded again.
 */
#ifndef SCRY_SYM_DWARF_H
#define SCRY_SYM_DWARF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dwarf_file;
struct arena;
struct type;

/* Where build-id and debuglink files are searched (default /usr/lib/debug); copied. */
void dwarf_set_debug_root(const char *root);

/*
 * Open the debug information of binary path.  Returns 0, -ENODATA when path
 * has none anywhere (not reported: the caller says what it needs it for),
 * -ENOENT when path is not there (not reported: whoever attaches says so),
 * or -errno reported with pr_err() as "'FILE': what is wrong" naming the
 * file at fault (missing, not ELF, corrupted DWARF).  *out is released with
 * dwarf_file_close().  The DWARF is indexed on the first question below
 * (whose -EINVAL then says it is corrupted, reported once).
 */
int dwarf_file_open(const char *path, struct dwarf_file **out);

/* The same over an ELF image in memory (the fuzzer): buf must outlive *out. */
int dwarf_file_open_mem(const void *buf, size_t len, const char *name, struct dwarf_file **out);

/* Accepts NULL. */
void dwarf_file_close(struct dwarf_file *df);

/* The file the DWARF was read from (the binary, its debug file); lives as long as df. */
const char *dwarf_file_debug_path(const struct dwarf_file *df);

/*
 * The parameters of function func as one record in arena a (bpftrace's
 * `args`: a field per parameter in order, offsets 8 apart), its name
 * "struct FUNC:args".  *ret (may be NULL) gets the return type, or NULL for
 * void.  Returns 0, -ENOENT (no such function in the DWARF), -ENOMEM, or
 * -EINVAL (corrupted DWARF, reported).
 */
int dwarf_func_args(struct dwarf_file *df, struct arena *a, const char *func, struct type **out,
		    struct type **ret);

/*
 * A type by C name ("struct Foo", "union u", "enum e", a typedef, a base
 * type) in arena a.  Records come back defined, with their members; records
 * reached through a pointer come back as their name only (defined false).
 * Returns 0, -ENOENT, -ENOMEM or -EINVAL (reported).
 */
int dwarf_type(struct dwarf_file *df, struct arena *a, const char *name, struct type **out);

/*
 * Calls fn(ctype, name, arg) for each parameter of func, ctype as bpftrace
 * prints it ("struct Foo*", "const char*", "long int").  Stops at fn's
 * non-zero value and returns it; 0, or -ENOENT when func is not in the
 * DWARF.
 */
typedef int (*dwarf_param_fn)(const char *ctype, const char *name, void *arg);
int dwarf_func_params(struct dwarf_file *df, const char *func, dwarf_param_fn fn, void *arg);

/*
 * Calls fn(name, is_func, arg) for each name the DWARF defines at the top of
 * a unit (functions, and types as dwarf_type() takes them: "struct Foo"),
 * sorted; stops at fn's non-zero value and returns it.
 */
typedef int (*dwarf_name_fn)(const char *name, bool is_func, void *arg);
int dwarf_file_names(struct dwarf_file *df, dwarf_name_fn fn, void *arg);

/*
 * The file that holds the symbol table of path's debug information when it
 * is not path itself (a build-id or debuglink file), for listings that show
 * the functions only that file names; NULL when there is none.  Lives as
 * long as df.
 */
const char *dwarf_file_separate(const struct dwarf_file *df);

#endif
