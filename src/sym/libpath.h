/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where a uprobe or USDT target is, named as bpftrace users name it:
 * "/bin/bash", "./prog", "bash" (through $PATH), "libc" (through the dynamic
 * linker's cache /etc/ld.so.cache, then the standard library directories).
 */
#ifndef SCRY_SYM_LIBPATH_H
#define SCRY_SYM_LIBPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf;

/*
 * The absolute path of target into out (reset first):
 *  - with a '/': itself, made absolute against the working directory;
 *  - otherwise the first executable regular file target in $PATH,
 *    then the library libpath_find_library() finds.
 * Returns 0, -ENOENT (not found, not reported) or -ENOMEM.
 */
int libpath_resolve(const char *target, struct strbuf *out);

/*
 * The binaries target names, as bpftrace resolves a uprobe/USDT target:
 *  - with a wildcard: what glob(3) finds (relative to the working directory
 *    unless absolute), regular files only;
 *  - with a '/': itself;
 *  - a bare name: a file of that name in the working directory (unless
 *    LIBPATH_NO_CWD), then every executable regular file of that name in
 *    $PATH, and only when there is none, libpath_find_library()'s library.
 * fn(path, name, ctx) is called once per binary: path is the file to open,
 * absolute, with root in front of absolute names (root: NULL, or
 * "/proc/PID/root" for a process in another mount namespace); name is how
 * to print it: the target as written, a match of the wildcard, or the path
 * found in $PATH or the library cache.  fn's non-zero value stops and is
 * returned.  Returns 0, fn's value, -ENOENT (nothing, not reported) or
 * -ENOMEM.
 */
#define LIBPATH_NO_CWD 1u
typedef int (*libpath_fn)(const char *path, const char *name, void *ctx);
int libpath_for_each(const char *target, const char *root, unsigned int flags, libpath_fn fn,
		     void *ctx);

/*
 * The shared library for a short name: "libc" or "c" means the first entry of
 * the library cache whose name starts with "libc.so" (and is of this
 * machine's ABI); a name that has ".so" in it must be a cache entry exactly.
 * Without a cache entry, the standard directories are searched the same way.
 * Returns 0, -ENOENT (not reported) or -ENOMEM.
 */
int libpath_find_library(const char *name, struct strbuf *out);

/*
 * Walk the entries of an ld.so.cache image ("glibc-ld.so.cache1.1", or the
 * old "ld.so-1.7.0" format with or without a new one after it).  flags are
 * glibc's (FLAG_ELF_LIBC6 | FLAG_X8664_LIB64 ...).  Untrusted: every offset
 * and string is bounded by len.  fn's non-zero value stops the walk and is
 * returned.  Returns 0, fn's value, or -EINVAL (not a cache, corrupted).
 */
typedef int (*ldcache_fn)(const char *key, const char *value, uint32_t flags, void *ctx);
int ldcache_parse(const void *buf, size_t len, ldcache_fn fn, void *ctx);

/* Does flags name a library of this machine's ABI (x86-64: libc6,x86-64)? */
bool ldcache_flags_native(uint32_t flags);

#endif
