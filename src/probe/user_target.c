// SPDX-License-Identifier: GPL-2.0
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe/kfunc_list.h"
#include "probe/user_target.h"
#include "sym/elf.h"
#include "sym/libpath.h"
#include "sym/procmaps.h"
#include "util/log.h"
#include "util/strbuf.h"

struct target_walk {
	const struct list_query *q;
	const char *bin;	/* field 1 of the pattern, "" if none */
	bool wild;		/* bin has a wildcard (or is empty) */
	char root[64];		/* "/proc/PID/root" for a process in another mount namespace */
	user_target_fn fn;
	void *ctx;
	struct strbuf seen;	/* paths already visited, NUL-separated */
	struct strbuf pattern, path;
	struct strbuf found;	/* bare names: path NUL name NUL ..., to pick the first */
	size_t nr_found;
	size_t nr_called;	/* binaries given to fn */
};

static bool has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* q with field 1 replaced by name: "uprobe:./pr*:f" -> "uprobe:./prog:f" */
static int call(struct target_walk *w, const char *path, const char *name)
{
	struct list_query q = *w->q;
	const char *pat = w->q->pattern, *c1, *c2;
	const char *s;
	int err = 0;

	if (pat && (c1 = strchr(pat, ':'))) {
		strbuf_reset(&w->pattern);
		err = strbuf_add(&w->pattern, pat, (size_t)(c1 - pat) + 1);
		for (s = name; !err && *s; s++) {
			if (strchr("*?[]\\", *s))
				err = strbuf_addch(&w->pattern, '\\');
			err = err ?: strbuf_addch(&w->pattern, *s);
		}
		c2 = strchr(c1 + 1, ':');
		err = err ?: strbuf_addstr(&w->pattern, c2 ? c2 : ":*");
		if (err)
			return err;
		q.pattern = strbuf_str(&w->pattern);
	}
	w->nr_called++;
	return w->fn(path, name, &q, w->ctx);
}

static bool seen_before(struct target_walk *w, const char *path)
{
	const char *p = strbuf_str(&w->seen), *end = p + w->seen.len;

	for (; p < end; p += strlen(p) + 1)
		if (!strcmp(p, path))
			return true;
	return false;
}

static bool lib_basename_matches(const char *path, const char *bin)
{
	const char *base = strrchr(path, '/');
	size_t n = strlen(bin);

	base = base ? base + 1 : path;
	if (!strcmp(base, bin))
		return true;
	if (strncmp(bin, "lib", 3)) {
		if (strncmp(base, "lib", 3))
			return false;
		base += 3;
	}
	return !strncmp(base, bin, n) && !strncmp(base + n, ".so", 3);
}

static int mapping(const struct procmap *m, void *arg)
{
	struct target_walk *w = arg;
	size_t n = strlen(m->path);
	int err;

	if (m->path[0] != '/' || !strchr(m->perms, 'x') ||
	    (n > 10 && !strcmp(m->path + n - 10, " (deleted)")))
		return 0;
	if (w->wild ? *w->bin && fnmatch(w->bin, m->path, 0)
		    : (strchr(w->bin, '/') ? strcmp(w->bin, m->path)
					   : !lib_basename_matches(m->path, w->bin)))
		return 0;
	if (seen_before(w, m->path))
		return 0;
	err = strbuf_add(&w->seen, m->path, n + 1);
	/* The process names it m->path; here it is under its root. */
	strbuf_reset(&w->path);
	err = err ?: strbuf_addf(&w->path, "%s%s", w->root, m->path);
	return err ?: call(w, strbuf_str(&w->path), m->path);
}

/* An ELF executable or shared object, by its header: what a wildcard keeps. */
static bool looks_like_binary(const char *path)
{
	unsigned char h[18];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	ok = read(fd, h, sizeof(h)) == (ssize_t)sizeof(h) && !memcmp(h, ELFMAG, SELFMAG) &&
	     (h[16] == ET_EXEC || h[16] == ET_DYN) && !h[17];
	close(fd);
	return ok;
}

static int file_found(const char *path, const char *name, void *arg)
{
	struct target_walk *w = arg;
	int err;

	if (has_glob(w->bin)) {
		if (!looks_like_binary(path))
			return 0;
		err = call(w, path, name);
		/* One unreadable match (reported) does not hide the others. */
		return err == -ENOMEM ? err : 0;
	}
	if (strchr(w->bin, '/'))
		return call(w, path, name);
	/* A bare name: bpftrace takes the first binary and says how many matched. */
	w->nr_found++;
	if (w->nr_found > 1)
		return 0;
	err = strbuf_add(&w->found, path, strlen(path) + 1);
	return err ?: strbuf_add(&w->found, name, strlen(name) + 1);
}

int user_targets_for_each(const struct provider *self, const struct list_query *q,
			  user_target_fn fn, void *ctx)
{
	struct target_walk w = { .q = q, .fn = fn, .ctx = ctx };
	char bin[4096];
	int err = 0;

	if (q->pattern && strchr(q->pattern, ':'))
		list_query_field(q, 1, bin, sizeof(bin));
	else
		bin[0] = '\0';
	w.bin = bin;
	w.wild = !*bin || has_glob(bin);
	if (q->pid > 0) {
		err = procmaps_root(q->pid, w.root, sizeof(w.root));
		if (err) {
			pr_err("no process %d", (int)q->pid);
			goto out;
		}
	}
	/* With -p: "*", absolute wildcards and bare library names are what it maps. */
	if (q->pid > 0 && (!*bin || (w.wild && bin[0] == '/') || !strcmp(bin, "*") ||
			   !strchr(bin, '/'))) {
		err = procmaps_for_each(q->pid, mapping, &w);
		/* A library the process maps is that one, not the cache's. */
		if (err || w.wild || w.seen.len)
			goto out;
	}
	if (!*bin || (w.wild && q->pid <= 0 && !strcmp(bin, "*")))
		goto out;
	err = libpath_for_each(bin, w.root, 0, file_found, &w);
	if (!err && w.nr_found) {
		const char *path = strbuf_str(&w.found);

		if (w.nr_found > 1)
			pr_warn("%s%sattaching to uprobe target file '%s' but matched %zu binaries",
				q->where ? q->where : "", q->where ? ": " : "",
				path + strlen(path) + 1, w.nr_found);
		err = call(&w, path, path + strlen(path) + 1);
	}
	if (err == -ENOENT && !w.nr_called) {
		err = 0;
		if (list_query_names(q, self)) {
			pr_err("'%s': no such file, program in $PATH or library", bin);
			err = -ENOENT;
		}
	}
out:
	strbuf_release(&w.seen);
	strbuf_release(&w.pattern);
	strbuf_release(&w.path);
	strbuf_release(&w.found);
	return err;
}

int user_binary_open(const char *path, struct elf_file **ef)
{
	unsigned int type;
	int err;

	err = elf_file_open(path, ef);
	if (err)
		return err;
	type = elf_file_type(*ef);
	if (type != ET_EXEC && type != ET_DYN) {
		pr_err("'%s': not an executable or shared library", path);
		elf_file_close(*ef);
		*ef = NULL;
		return -ENOEXEC;
	}
	return 0;
}
