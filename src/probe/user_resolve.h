/* SPDX-License-Identifier: GPL-2.0 */
/*
 * From a uprobe/uretprobe/usdt attach point as written ("libc", "malloc",
 * "str*", "provider:name") to the places the kernel attaches at: a binary's
 * absolute path and a FILE offset in it.  Uprobes take file offsets, not
 * virtual addresses, so PIE executables and shared libraries need no load
 * address.
 *
 * Used by the code generator (one program per USDT site, errors with the
 * script's location) and by the providers' attach (uprobe_multi offsets,
 * USDT semaphores).
 */
#ifndef SCRY_PROBE_USER_RESOLVE_H
#define SCRY_PROBE_USER_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sym/usdt.h"

struct user_site {
	char *path;		/* absolute path of the binary */
	char *func;		/* the function, "0xADDR", or "provider:name" (USDT) */
	uint64_t offset;	/* FILE offset of the instruction to probe */
};

struct user_sites {
	struct user_site *v;
	size_t nr;
};

/* Frees and zeroes; accepts a zeroed struct. */
void user_sites_release(struct user_sites *s);

/*
 * uprobe:target:func[+off] (also "0xADDR": a virtual address of the binary).
 * target: a path, a program in $PATH, a library short name ("libc"); with
 * pid > 0, the binary that process maps under that name first.  A wildcard in
 * func gives one site per matching function (aliases at one address once).
 * Errors are reported once, prefixed with where ("stdin:1:1"): a missing
 * binary, no symbols (stripped), no such function (with a did-you-mean),
 * an offset past the function.  Returns 0 (out->nr > 0) or -errno; out is
 * released with user_sites_release().
 */
int user_resolve_uprobe(const char *where, const char *target, const char *func, uint64_t off,
			pid_t pid, struct user_sites *out);

/*
 * usdt:target:[provider:]name (func is "provider:name" or "name"; either may
 * be a wildcard).  target "*" (or another wildcard) with pid > 0: every
 * executable the process maps.  One site per place the probe is in the
 * code.  Errors as above (no such probe, with a did-you-mean).
 */
int user_resolve_usdt(const char *where, const char *target, const char *func, pid_t pid,
		      struct user_sites *out);

/*
 * The file offsets of the functions of path whose names match glob, sorted,
 * without duplicates.  Returns 0 or -errno (reported; -ENOENT: none).
 * *offs is freed by the caller.
 */
int user_func_offsets(const char *path, const char *glob, uint64_t **offs, size_t *nr);

/*
 * The USDT site of path whose pc is at file offset pc_offset: its semaphore,
 * pc and argument specs into *site (the strings of *site are NULL: they
 * would not outlive the file).  Returns 0, -ENOENT (no site there), or
 * -errno, reported.
 */
int user_usdt_site(const char *path, uint64_t pc_offset, struct usdt_probe *site);

/*
 * The virtual address of symbol name (any type: a variable too) in path,
 * from .symtab, else .dynsym.  Returns 0, -ENOENT (not there, not
 * reported) or -errno, reported.
 */
int user_symbol_addr(const char *path, const char *name, uint64_t *vaddr);

struct provider;
struct probe_point;
struct expand_req;
struct lang_env;

/*
 * The .expand of uprobe, uretprobe (usdt false) and usdt: one point per site,
 * or with multi one per binary keeping the wildcard.  Errors reported with
 * r->where.
 */
int user_expand(const struct provider *self, const struct lang_env *env, const struct expand_req *r,
		bool usdt, bool multi, int (*add)(void *arg, const struct probe_point *pp), void *arg);

/* Does func name a wildcard ("str*", "[ab]*")? */
bool user_is_glob(const char *s);

#endif
