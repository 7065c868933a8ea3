/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space address -> function: which object of the process holds the
 * address (/proc/PID/maps), where that is in the object (the mapping's file
 * offset, then the ELF program headers: PIE and shared-library bias), and
 * the function there (the ELF symbol tables).
 *
 * Caches, so that repeated lookups cost a binary search:
 *  - one snapshot of the maps per process, taken once (usyms_snapshot())
 *    and kept after the process is gone: take it while the process lives;
 *  - one symbol table per object, keyed by (device, inode) — or by path for
 *    files without an inode — and shared by every process that maps it.
 * Objects are opened when a snapshot is taken, so a binary deleted or
 * replaced afterwards still symbolizes as it was.
 *
 * C++ names are demangled with libstdc++'s __cxa_demangle when the library
 * can be dlopen()ed; otherwise they stay mangled.
 */
#ifndef SCRY_SYM_USYMS_H
#define SCRY_SYM_USYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct usyms;

struct usym {
	const char *name;	/* the function (demangled), or NULL when unknown */
	uint64_t off;		/* addr - function start */
	const char *module;	/* the object's path as mapped ("[vdso]"), NULL when no mapping */
	uint64_t elf_addr;	/* addr as an address of the object's ELF file (0 if unknown) */
};

/* Returns 0 or -ENOMEM; *out is freed with usyms_free(). */
int usyms_new(struct usyms **out);

/* Accepts NULL. */
void usyms_free(struct usyms *u);

/* Whether C++ names are demangled (libstdc++ was found). */
bool usyms_can_demangle(void);

/*
 * Reads /proc/PID/maps now and opens the executable objects it maps, unless
 * a snapshot of pid exists already (refresh forces a new one, e.g. after a
 * lookup missed because the process mapped a library since).  Returns 0,
 * or -errno: -ESRCH/-ENOENT when the process is gone (not reported; its
 * frames then resolve as unknown).  Objects that cannot be read are left
 * unknown, reported once with pr_debug().
 */
int usyms_snapshot(struct usyms *u, pid_t pid, bool refresh);

/* Whether a snapshot of pid exists. */
bool usyms_has(const struct usyms *u, pid_t pid);

/*
 * Symbolizes addr in process pid.  Takes a snapshot first if there is none.
 * Always fills *out (name NULL when unknown); every pointer lives as long as
 * u.  Returns 0 when the function was found, -ENOENT when not.
 */
int usyms_lookup(struct usyms *u, pid_t pid, uint64_t addr, struct usym *out);

/*
 * The same over a maps text instead of /proc/PID/maps (tests, replay):
 * replaces the snapshot of pid.  Returns 0 or -errno.
 */
int usyms_snapshot_text(struct usyms *u, pid_t pid, const char *text, size_t len);

/* Demangles a C++ name into a malloc()ed string (caller frees), or NULL. */
char *usyms_demangle(const char *name);

#endif
