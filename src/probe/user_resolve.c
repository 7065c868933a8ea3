// SPDX-License-Identifier: GPL-2.0
/*
 * uprobe/usdt attach points to (binary, file offset) pairs.  The binary is
 * found the way listing finds it (user_target.c), so 'scry -l' and a probe
 * agree on what "libc" is, with or without -p.
 */
#include <elf.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lang/env.h"
#include "probe/probe.h"
#include "probe/user_resolve.h"
#include "probe/user_target.h"
#include "sym/elf.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/suggest.h"

bool user_is_glob(const char *s)
{
	return s && strpbrk(s, "*?[") != NULL;
}

void user_sites_release(struct user_sites *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->nr; i++) {
		free(s->v[i].path);
		free(s->v[i].func);
	}
	free(s->v);
	s->v = NULL;
	s->nr = 0;
}

static int site_add(struct user_sites *s, const char *path, const char *func, uint64_t offset)
{
	struct user_site *n = realloc(s->v, (s->nr + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	s->v = n;
	n = &s->v[s->nr];
	n->path = strdup(path);
	n->func = strdup(func);
	n->offset = offset;
	if (!n->path || !n->func) {
		free(n->path);
		free(n->func);
		return -ENOMEM;
	}
	s->nr++;
	return 0;
}

/* ---- binaries ---- */

struct bins {
	struct strbuf paths;	/* NUL-separated */
	size_t nr;
};

static int bin_one(const char *path, const char *shown, const struct list_query *q, void *ctx)
{
	struct bins *b = ctx;

	b->nr++;
	return strbuf_add(&b->paths, path, strlen(path) + 1);
}

/*
 * The binaries target names, as listing resolves them.  The query has no
 * provider in field 0, so that user_targets_for_each() leaves the reporting
 * of "not found" to us: we know where in the script the target is.
 */
static int find_binaries(const char *where, const char *provider, const char *target, pid_t pid,
			 struct bins *b)
{
	struct strbuf pat = STRBUF_INIT;
	struct list_query q = { .pid = pid, .where = where };
	const char *p;
	size_t i;
	int err;

	err = strbuf_addf(&pat, ":%s:*", target);
	if (err)
		return err;
	q.pattern = strbuf_str(&pat);
	err = user_targets_for_each(provider_find(provider), &q, bin_one, b);
	strbuf_release(&pat);
	if (err)
		return err;
	if (!b->nr) {
		if (user_is_glob(target) && pid <= 0 && strchr(target, '/'))
			pr_err("%s: '%s' matches no executable or shared library", where, target);
		else if (user_is_glob(target) && pid <= 0)
			pr_err("%s: a wildcard binary '%s' needs -p PID (the binaries that process maps)",
			       where, target);
		else if (pid > 0 && user_is_glob(target))
			pr_err("%s: process %d maps no binary matching '%s'", where, (int)pid, target);
		else
			pr_err("%s: '%s': no such file, program in $PATH or library", where, target);
		return -ENOENT;
	}
	for (p = strbuf_str(&b->paths), i = 0; i < b->nr; i++, p += strlen(p) + 1) {
		if (access(p, F_OK)) {
			pr_err("%s: '%s': %s", where, p,
			       errno == ENOENT ? "no such file" : strerror(errno));
			return -ENOENT;
		}
	}
	return 0;
}

/* ---- functions ---- */

struct fsym {
	const char *name;
	uint64_t addr;
};

static int cmp_fsym(const void *a, const void *b)
{
	const struct fsym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr ? 1 : strcmp(x->name, y->name);
}

/* The closest function name to func, for the hint; NULL if none is close. */
static const char *closest(const struct elf_symtab *tab, const char *func)
{
	const char **names = calloc(tab->nr + 1, sizeof(*names));
	const char *best;
	size_t i;

	if (!names)
		return NULL;
	for (i = 0; i < tab->nr; i++)
		names[i] = tab->syms[i].name;
	best = did_you_mean(func, names);
	free(names);
	return best;
}

/*
 * Sites of the functions of one open binary matching func (a glob or a name).
 * quiet: a binary without such a function (one of a wildcard's) is -ENOENT,
 * not reported.
 */
static int funcs_in(const char *where, struct elf_file *ef, const char *path, const char *func,
		    uint64_t off, bool quiet, struct user_sites *out)
{
	struct elf_symtab tab = { 0 };
	struct fsym *m = NULL;
	size_t i, n = 0;
	bool glob = user_is_glob(func);
	uint64_t foff, vaddr;
	int err;

	err = elf_file_functions(ef, &tab);
	if (err)
		goto out;
	if (!tab.nr && quiet) {
		err = -ENOENT;
		goto out;
	}
	if (!tab.nr) {
		pr_err("%s: '%s' has no function symbols (stripped?): probe an address instead, "
		       "uprobe:%s:0xADDR", where, path, path);
		err = -ENOENT;
		goto out;
	}
	m = calloc(tab.nr, sizeof(*m));
	if (!m) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < tab.nr; i++) {
		const struct elf_sym *s = &tab.syms[i];

		if (glob ? fnmatch(func, s->name, 0) : strcmp(func, s->name))
			continue;
		if (!glob && off && s->size && off >= s->size) {
			pr_err("%s: offset 0x%llx is past the end of '%s' (%llu bytes)", where,
			       (unsigned long long)off, func, (unsigned long long)s->size);
			err = -EINVAL;
			goto out;
		}
		m[n].name = s->name;
		m[n++].addr = s->addr;
	}
	if (!n && quiet) {
		err = -ENOENT;
		goto out;
	}
	if (!n) {
		const char *best = glob ? NULL : closest(&tab, func);

		if (best)
			pr_err("%s: no function '%s' in '%s': did you mean '%s'?", where, func, path, best);
		else
			pr_err("%s: no function %s '%s' in '%s'", where, glob ? "matches" : "named", func,
			       path);
		err = -ENOENT;
		goto out;
	}
	/* .symtab and .dynsym both name most functions; aliases share an address: probe it once. */
	qsort(m, n, sizeof(*m), cmp_fsym);
	for (i = 0; i < n && !err; i++) {
		if (i && m[i].addr == m[i - 1].addr)
			continue;
		vaddr = m[i].addr + off;
		if (elf_vaddr_to_offset(ef, vaddr, &foff)) {
			if (glob)
				continue;	/* not in a loaded segment: nothing to probe */
			pr_err("%s: '%s' in '%s' is at 0x%llx, outside every loaded segment", where,
			       m[i].name, path, (unsigned long long)vaddr);
			err = -EINVAL;
			break;
		}
		err = site_add(out, path, m[i].name, foff);
	}
out:
	free(m);
	elf_symtab_release(&tab);
	return err;
}

int user_resolve_uprobe(const char *where, const char *target, const char *func, uint64_t off,
			pid_t pid, struct user_sites *out)
{
	struct bins b = { STRBUF_INIT, 0 };
	struct elf_file *ef = NULL;
	const char *path;
	size_t i;
	int err;

	err = find_binaries(where, "uprobe", target, pid, &b);
	for (path = strbuf_str(&b.paths), i = 0; !err && i < b.nr; i++, path += strlen(path) + 1) {
		err = user_binary_open(path, &ef);
		if (err)
			break;
		if (!strncmp(func, "0x", 2) && func[2]) {
			char *end;
			uint64_t vaddr = strtoull(func, &end, 16), foff;

			if (*end) {
				pr_err("%s: invalid address '%s'", where, func);
				err = -EINVAL;
			} else if (elf_vaddr_to_offset(ef, vaddr + off, &foff)) {
				pr_err("%s: address %s is outside every loaded segment of '%s'", where,
				       func, path);
				err = -EINVAL;
			} else {
				err = site_add(out, path, func, foff);
			}
		} else {
			/* A wildcard's binaries: those without the function are left out. */
			err = funcs_in(where, ef, path, func, off, b.nr > 1, out);
			if (err == -ENOENT && b.nr > 1)
				err = 0;
		}
		elf_file_close(ef);
		ef = NULL;
	}
	if (!err && !out->nr) {
		pr_err("%s: no function %s '%s' in the %zu binaries '%s' names", where,
		       user_is_glob(func) ? "matches" : "named", func, b.nr, target);
		err = -ENOENT;
	}
	strbuf_release(&b.paths);
	if (err)
		user_sites_release(out);
	return err;
}

int user_func_offsets(const char *path, const char *glob, uint64_t **offs, size_t *nr)
{
	struct user_sites s = { 0 };
	struct elf_file *ef;
	size_t i;
	int err;

	*offs = NULL;
	*nr = 0;
	err = user_binary_open(path, &ef);
	err = err ?: funcs_in(path, ef, path, glob, 0, false, &s);
	if (!err) {
		*offs = calloc(s.nr, sizeof(**offs));
		if (!*offs)
			err = -ENOMEM;
		for (i = 0; !err && i < s.nr; i++)
			(*offs)[i] = s.v[i].offset;
		if (!err)
			*nr = s.nr;
	}
	user_sites_release(&s);
	elf_file_close(ef);
	return err;
}

/* ---- USDT ---- */

static bool usdt_matches(const struct usdt_probe *p, const char *func)
{
	const char *colon = strchr(func, ':');
	char prov[256];

	if (!colon)
		return !fnmatch(func, p->name, 0);
	if ((size_t)(colon - func) >= sizeof(prov))
		return false;
	memcpy(prov, func, (size_t)(colon - func));
	prov[colon - func] = '\0';
	return !fnmatch(prov, p->provider, 0) && !fnmatch(colon + 1, p->name, 0);
}

int user_resolve_usdt(const char *where, const char *target, const char *func, pid_t pid,
		      struct user_sites *out)
{
	struct bins b = { STRBUF_INIT, 0 };
	struct strbuf names = STRBUF_INIT, full = STRBUF_INIT;
	const char **cands = NULL;
	size_t i, k, nr_names = 0;
	const char *path, *s;
	int err;

	err = find_binaries(where, "usdt", target, pid, &b);
	for (path = strbuf_str(&b.paths), i = 0; !err && i < b.nr; i++, path += strlen(path) + 1) {
		struct usdt_list l = { 0 };
		struct elf_file *ef;

		err = user_binary_open(path, &ef);
		if (err)
			break;
		err = usdt_read(ef, &l);
		for (k = 0; !err && k < l.nr; k++) {
			const struct usdt_probe *p = &l.probes[k];

			strbuf_reset(&full);
			err = strbuf_addf(&full, "%s:%s", p->provider, p->name);
			/* the hint compares like with like: "name" with names */
			s = strchr(func, ':') ? strbuf_str(&full) : p->name;
			err = err ?: strbuf_add(&names, s, strlen(s) + 1);
			nr_names++;
			if (!err && usdt_matches(p, func))
				err = site_add(out, path, strbuf_str(&full), p->pc_offset);
		}
		usdt_list_release(&l);
		elf_file_close(ef);
	}
	if (!err && !out->nr) {
		const char *best = NULL;

		cands = calloc(nr_names + 1, sizeof(*cands));
		for (s = strbuf_str(&names), k = 0; cands && k < nr_names; k++, s += strlen(s) + 1)
			cands[k] = s;
		if (cands && !user_is_glob(func))
			best = did_you_mean(func, cands);
		if (best)
			pr_err("%s: no USDT probe '%s' in '%s': did you mean '%s'?", where, func, target,
			       best);
		else
			pr_err("%s: no USDT probe %s '%s' in '%s'%s", where,
			       user_is_glob(func) ? "matches" : "named", func, target,
			       nr_names ? "" : " (it has no USDT probes)");
		err = -ENOENT;
	}
	free(cands);
	strbuf_release(&names);
	strbuf_release(&full);
	strbuf_release(&b.paths);
	if (err)
		user_sites_release(out);
	return err;
}

int user_usdt_site(const char *path, uint64_t pc_offset, struct usdt_probe *site)
{
	struct usdt_list l = { 0 };
	struct elf_file *ef;
	size_t i;
	int err;

	err = user_binary_open(path, &ef);
	err = err ?: usdt_read(ef, &l);
	if (!err) {
		err = -ENOENT;
		for (i = 0; i < l.nr; i++) {
			if (l.probes[i].pc_offset != pc_offset)
				continue;
			*site = l.probes[i];
			site->provider = site->name = site->arg_str = NULL;
			err = 0;
			break;
		}
	}
	usdt_list_release(&l);
	elf_file_close(ef);
	return err;
}

/* ---- symbols of any type (rip-relative USDT arguments name variables) ---- */

static int sym_in(const struct elf_file *ef, const char *symsec, const char *strsec,
		  const char *name, uint64_t *vaddr)
{
	const void *sd, *nd;
	size_t ss, ns, i, len = strlen(name);
	int err;

	err = elf_section_data(ef, symsec, &sd, &ss, NULL);
	err = err ?: elf_section_data(ef, strsec, &nd, &ns, NULL);
	if (err)
		return err;
	for (i = 0; i + sizeof(Elf64_Sym) <= ss; i += sizeof(Elf64_Sym)) {
		Elf64_Sym sym;

		memcpy(&sym, (const char *)sd + i, sizeof(sym));
		if (sym.st_shndx == SHN_UNDEF || sym.st_name >= ns || ns - sym.st_name <= len)
			continue;
		if (!memcmp((const char *)nd + sym.st_name, name, len + 1)) {
			*vaddr = sym.st_value;
			return 0;
		}
	}
	return -ENOENT;
}

int user_symbol_addr(const char *path, const char *name, uint64_t *vaddr)
{
	struct elf_file *ef;
	int err;

	err = user_binary_open(path, &ef);
	if (err)
		return err;
	if (elf_file_class(ef) != ELFCLASS64 || elf_file_swapped(ef)) {
		pr_err("'%s': only 64-bit ELF files of this machine's byte order are supported", path);
		err = -ENOTSUP;
	} else {
		err = sym_in(ef, ".symtab", ".strtab", name, vaddr);
		if (err == -ENOENT)
			err = sym_in(ef, ".dynsym", ".dynstr", name, vaddr);
	}
	elf_file_close(ef);
	return err;
}

/*
 * The sites of a user space attach point, resolved through the environment:
 * one point per function or USDT site (target the binary's path, offset the
 * FILE offset), or, with multi, one point per binary keeping the pattern
 * (attached with uprobe_multi).
 */
int user_expand(const struct provider *self, const struct lang_env *env, const struct expand_req *r,
		bool usdt, bool multi, int (*add)(void *arg, const struct probe_point *pp), void *arg)
{
	struct user_sites us = { 0 };
	size_t i;
	int err;

	if (!r->target || !r->func || !*r->target) {
		pr_err("%s: %s probes need a binary and a %s", r->where, self->name,
		       usdt ? "probe name" : "function");
		return -EINVAL;
	}
	if (usdt)
		err = env->usdt_sites ? env->usdt_sites(env->ctx, r->where, r->target, r->func, r->pid,
							&us) : -ENOSYS;
	else
		err = env->uprobe_sites ? env->uprobe_sites(env->ctx, r->where, r->target, r->func,
							    r->offset, r->pid, &us) : -ENOSYS;
	if (err == -ENOSYS)
		pr_err("%s: user space binaries cannot be read here", r->where);
	for (i = 0; !err && i < us.nr; i++) {
		struct probe_point pp = { .provider = self->name, .target = us.v[i].path,
					  .func = us.v[i].func, .offset = us.v[i].offset };

		if (multi) {
			if (i && !strcmp(us.v[i].path, us.v[i - 1].path))
				continue;
			pp.func = r->func;
			pp.offset = 0;
		}
		err = add(arg, &pp);
	}
	user_sites_release(&us);
	return err;
}
