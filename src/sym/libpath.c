// SPDX-License-Identifier: GPL-2.0
/*
 * Resolving uprobe targets.  The library cache is parsed here rather than by
 * running ldconfig -p: it is one read of a small file, and it is the answer
 * the dynamic linker itself would give.  Formats (glibc elf/dl-cache.h):
 *
 *   old: "ld.so-1.7.0" pad, u32 nlibs, nlibs x {i32 flags; u32 key, value},
 *        strings: offsets from the end of the entries
 *   new: "glibc-ld.so.cache" "1.1", u32 nlibs, u32 len_strings, u8 flags,
 *        pad[3], u32 extension_offset, u32 unused[3],
 *        nlibs x {i32 flags; u32 key, value; u32 osversion; u64 hwcap},
 *        strings: offsets from the start of the new header
 *   both: the old one, then the new one at the next 8-byte boundary
 */
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sym/libpath.h"
#include "util/strbuf.h"

#define OLD_MAGIC "ld.so-1.7.0"
#define NEW_MAGIC "glibc-ld.so.cache1.1"
#define OLD_HDR 16
#define OLD_ENT 12
#define NEW_HDR 48
#define NEW_ENT 24

#define FLAG_TYPE_MASK 0x00ff
#define FLAG_ELF_LIBC6 0x0003
#define FLAG_REQUIRED_MASK 0xff00
#define FLAG_X8664_LIB64 0x0300

static uint32_t rd32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The string at off in [base, base + len), if terminated there. */
static const char *str_at(const unsigned char *base, size_t len, uint64_t off)
{
	if (off >= len || !memchr(base + off, '\0', len - off))
		return NULL;
	return (const char *)base + off;
}

static int walk(const unsigned char *ents, size_t nlibs, size_t entsz, const unsigned char *strs,
		size_t strs_len, ldcache_fn fn, void *ctx)
{
	size_t i;
	int err;

	for (i = 0; i < nlibs; i++) {
		const unsigned char *e = ents + i * entsz;
		const char *key = str_at(strs, strs_len, rd32(e + 4));
		const char *value = str_at(strs, strs_len, rd32(e + 8));

		if (!key || !value)
			return -EINVAL;
		err = fn(key, value, rd32(e), ctx);
		if (err)
			return err;
	}
	return 0;
}

static int parse_new(const unsigned char *b, size_t len, ldcache_fn fn, void *ctx)
{
	uint64_t nlibs;

	if (len < NEW_HDR || memcmp(b, NEW_MAGIC, sizeof(NEW_MAGIC) - 1))
		return -EINVAL;
	nlibs = rd32(b + 20);
	if (nlibs > (len - NEW_HDR) / NEW_ENT)
		return -EINVAL;
	return walk(b + NEW_HDR, (size_t)nlibs, NEW_ENT, b, len, fn, ctx);
}

int ldcache_parse(const void *buf, size_t len, ldcache_fn fn, void *ctx)
{
	const unsigned char *b = buf;
	uint64_t nlibs, ents_end, new_off;

	if (len >= sizeof(NEW_MAGIC) - 1 && !memcmp(b, NEW_MAGIC, sizeof(NEW_MAGIC) - 1))
		return parse_new(b, len, fn, ctx);
	if (len < OLD_HDR || memcmp(b, OLD_MAGIC, sizeof(OLD_MAGIC) - 1))
		return -EINVAL;
	nlibs = rd32(b + 12);
	if (nlibs > (len - OLD_HDR) / OLD_ENT)
		return -EINVAL;
	ents_end = OLD_HDR + nlibs * OLD_ENT;
	new_off = (ents_end + 7) & ~7ULL;
	if (new_off < len && len - new_off >= NEW_HDR &&
	    !memcmp(b + new_off, NEW_MAGIC, sizeof(NEW_MAGIC) - 1))
		return parse_new(b + new_off, len - (size_t)new_off, fn, ctx);
	return walk(b + OLD_HDR, (size_t)nlibs, OLD_ENT, b + ents_end, len - (size_t)ents_end, fn,
		    ctx);
}

bool ldcache_flags_native(uint32_t flags)
{
	if ((flags & FLAG_TYPE_MASK) != FLAG_ELF_LIBC6)
		return false;
#if defined(__x86_64__)
	return (flags & FLAG_REQUIRED_MASK) == FLAG_X8664_LIB64;
#else
	return true;
#endif
}

struct lib_query {
	const char *want;	/* "libc.so" */
	bool exact;
	struct strbuf *out;
};

static bool lib_name_matches(const struct lib_query *q, const char *key)
{
	if (q->exact)
		return !strcmp(key, q->want);
	return !strncmp(key, q->want, strlen(q->want));
}

static int cache_one(const char *key, const char *value, uint32_t flags, void *ctx)
{
	struct lib_query *q = ctx;

	if (!ldcache_flags_native(flags) || !lib_name_matches(q, key))
		return 0;
	return strbuf_addstr(q->out, value) ?: 1;
}

static bool is_file(const char *path, int mode)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode) && !access(path, mode);
}

/* The directories the dynamic linker searches by default, multiarch first. */
static const char *const lib_dirs[] = {
#if defined(__x86_64__)
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
#endif
	"/lib64", "/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib",
};

static int from_dirs(struct lib_query *q)
{
	char *best = NULL;
	struct dirent *de;
	size_t i;
	DIR *d;
	int err = -ENOENT;

	for (i = 0; i < sizeof(lib_dirs) / sizeof(lib_dirs[0]) && err == -ENOENT; i++) {
		d = opendir(lib_dirs[i]);
		if (!d)
			continue;
		/* The smallest matching name: "libc.so.6" before "libc.so.6.old". */
		while ((de = readdir(d))) {
			if (!lib_name_matches(q, de->d_name))
				continue;
			if (!best || strcmp(de->d_name, best) < 0) {
				free(best);
				best = strdup(de->d_name);
				if (!best) {
					closedir(d);
					return -ENOMEM;
				}
			}
		}
		closedir(d);
		if (best) {
			strbuf_reset(q->out);
			err = strbuf_addf(q->out, "%s/%s", lib_dirs[i], best);
			if (!err && !is_file(strbuf_str(q->out), R_OK))
				err = -ENOENT;
			free(best);
			best = NULL;
		}
	}
	return err;
}

int libpath_find_library(const char *name, struct strbuf *out)
{
	struct strbuf cache = STRBUF_INIT, want = STRBUF_INIT;
	struct lib_query q = { .out = out };
	int err;

	strbuf_reset(out);
	if (!*name || strchr(name, '/'))
		return -ENOENT;
	q.exact = strstr(name, ".so") != NULL;
	if (q.exact)
		err = strbuf_addstr(&want, name);
	else
		err = strbuf_addf(&want, "%s%s.so", strncmp(name, "lib", 3) ? "lib" : "", name);
	if (err)
		goto out;
	q.want = strbuf_str(&want);
	err = -ENOENT;
	if (!strbuf_read_file(&cache, "/etc/ld.so.cache", 64 << 20)) {
		err = ldcache_parse(cache.buf, cache.len, cache_one, &q);
		err = err == 1 ? 0 : err == -ENOMEM ? err : -ENOENT;
	}
	if (err == -ENOENT)
		err = from_dirs(&q);
out:
	strbuf_release(&cache);
	strbuf_release(&want);
	if (err)
		strbuf_reset(out);
	return err;
}

/* cwd + "/" + rel, with "./" steps dropped. */
static int make_absolute(const char *rel, struct strbuf *out)
{
	char *cwd = getcwd(NULL, 0);
	int err;

	if (!cwd)
		return -errno;
	while (rel[0] == '.' && rel[1] == '/') {
		rel += 2;
		while (*rel == '/')
			rel++;
	}
	err = strbuf_addf(out, "%s%s%s", cwd, strcmp(cwd, "/") ? "/" : "", rel);
	free(cwd);
	return err;
}

static int take_first(const char *path, const char *name, void *out)
{
	return strbuf_addstr(out, path) ?: 1;
}

int libpath_resolve(const char *target, struct strbuf *out)
{
	int err;

	strbuf_reset(out);
	err = libpath_for_each(target, NULL, LIBPATH_NO_CWD, take_first, out);
	if (err == 1)
		return 0;
	strbuf_reset(out);
	return err ?: -ENOENT;
}

struct found {
	libpath_fn fn;
	void *ctx;
	const char *root;	/* "" or "/proc/PID/root" */
	struct strbuf path, seen;	/* seen: the absolute paths given to fn, NUL-separated */
	size_t nr;
};

/* Give fn name, opened as path (absolute, under the root): once per path. */
static int found_one(struct found *f, const char *name)
{
	const char *p, *end;
	int err;

	strbuf_reset(&f->path);
	if (name[0] == '/')
		err = strbuf_addf(&f->path, "%s%s", f->root, name);
	else
		err = make_absolute(name, &f->path);
	if (err)
		return err;
	for (p = strbuf_str(&f->seen), end = p + f->seen.len; p < end; p += strlen(p) + 1)
		if (!strcmp(p, strbuf_str(&f->path)))
			return 0;
	err = strbuf_add(&f->seen, f->path.buf, f->path.len + 1);
	if (err)
		return err;
	f->nr++;
	return f->fn(strbuf_str(&f->path), name, f->ctx);
}

/* A wildcard in the path: what glob(3) finds, regular files only, in its order. */
static int from_glob(struct found *f, const char *target)
{
	struct strbuf pat = STRBUF_INIT;
	size_t rootlen = target[0] == '/' ? strlen(f->root) : 0, i;
	glob_t g = { 0 };
	int err, rc;

	err = strbuf_addf(&pat, "%s%s", target[0] == '/' ? f->root : "", target);
	if (err)
		return err;
	rc = glob(strbuf_str(&pat), 0, NULL, &g);
	strbuf_release(&pat);
	if (rc == GLOB_NOSPACE)
		return -ENOMEM;
	for (i = 0; rc == 0 && i < g.gl_pathc && !err; i++) {
		struct stat st;

		if (stat(g.gl_pathv[i], &st) || !S_ISREG(st.st_mode))
			continue;
		err = found_one(f, g.gl_pathv[i] + rootlen);
	}
	globfree(&g);
	return err;
}

int libpath_for_each(const char *target, const char *root, unsigned int flags, libpath_fn fn,
		     void *ctx)
{
	struct found f = { .fn = fn, .ctx = ctx, .root = root ? root : "" };
	struct strbuf lib = STRBUF_INIT, cand = STRBUF_INIT;
	const char *path = getenv("PATH"), *p, *e;
	int err = 0;

	if (!*target)
		return -ENOENT;
	if (strpbrk(target, "*?[")) {
		err = from_glob(&f, target);
		goto out;
	}
	if (strchr(target, '/')) {
		err = found_one(&f, target);
		goto out;
	}
	/* A bare name: a file of that name here (as bpftrace), then $PATH, else a library. */
	if (!(flags & LIBPATH_NO_CWD) && is_file(target, R_OK))
		err = found_one(&f, target);
	for (p = path; !err && p && *p; p = *e ? e + 1 : e) {
		e = strchrnul(p, ':');
		if (e == p || *p != '/')
			continue;	/* relative $PATH entries are not searched */
		strbuf_reset(&cand);
		err = strbuf_addf(&cand, "%s%.*s/%s", f.root, (int)(e - p), p, target);
		if (!err && is_file(strbuf_str(&cand), X_OK))
			err = found_one(&f, strbuf_str(&cand) + strlen(f.root));
	}
	if (!err && !f.nr) {
		err = libpath_find_library(target, &lib);
		err = err ?: found_one(&f, strbuf_str(&lib));
	}
out:
	if (!err && !f.nr)
		err = -ENOENT;
	strbuf_release(&f.path);
	strbuf_release(&f.seen);
	strbuf_release(&lib);
	strbuf_release(&cand);
	return err;
}
