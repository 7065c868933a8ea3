// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "probe/kfunc_list.h"
#include "probe/user_target.h"
#include "sym/libpath.h"
#include "sym/procmaps.h"
#include "util/log.h"
#include "util/strbuf.h"

struct target_walk {
	const struct list_query *q;
	const char *bin;	/* field 1 of the pattern, "" if none */
	bool wild;		/* bin has a wildcard (or is empty) */
	user_target_fn fn;
	void *ctx;
	struct strbuf seen;	/* paths already visited, NUL-separated */
	struct strbuf pattern;
};

static bool has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* q with field 1 replaced by path: "uprobe:libc:mall*" -> "uprobe:/lib/.../libc.so.6:mall*" */
static int call(struct target_walk *w, const char *path)
{
	struct list_query q = *w->q;
	const char *pat = w->q->pattern, *c1, *c2;
	const char *s;
	int err = 0;

	if (pat && (c1 = strchr(pat, ':'))) {
		strbuf_reset(&w->pattern);
		err = strbuf_add(&w->pattern, pat, (size_t)(c1 - pat) + 1);
		for (s = path; !err && *s; s++) {
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
	return w->fn(path, &q, w->ctx);
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
	return err ?: call(w, m->path);
}

int user_targets_for_each(const struct provider *self, const struct list_query *q,
			  user_target_fn fn, void *ctx)
{
	struct target_walk w = { .q = q, .fn = fn, .ctx = ctx };
	struct strbuf path = STRBUF_INIT;
	char bin[4096];
	int err = 0;

	if (q->pattern && strchr(q->pattern, ':'))
		list_query_field(q, 1, bin, sizeof(bin));
	else
		bin[0] = '\0';
	w.bin = bin;
	w.wild = !*bin || has_glob(bin);
	if (q->pid > 0 && (w.wild || !strchr(bin, '/'))) {
		err = procmaps_for_each(q->pid, mapping, &w);
		/* A library the process maps is that one, not the cache's. */
		if (err || w.wild || w.seen.len)
			goto out;
	}
	if (w.wild)
		goto out;
	err = libpath_resolve(bin, &path);
	if (err == -ENOENT) {
		err = 0;
		if (list_query_names(q, self)) {
			pr_err("'%s': no such file, program in $PATH or library", bin);
			err = -ENOENT;
		}
		goto out;
	}
	err = err ?: call(&w, strbuf_str(&path));
out:
	strbuf_release(&path);
	strbuf_release(&w.seen);
	strbuf_release(&w.pattern);
	return err;
}
