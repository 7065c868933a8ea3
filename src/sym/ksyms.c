// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sym/ksyms.h"
#include "util/strbuf.h"

struct ksyms {
	struct ksym *syms;	/* sorted by address */
	size_t n;
	char *text;		/* owns every name and module */
};

void ksyms_free(struct ksyms *ks)
{
	if (!ks)
		return;
	free(ks->syms);
	free(ks->text);
	free(ks);
}

static int cmp_addr(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* Aliases at one address keep the order of /proc/kallsyms: names point into it. */
	return x->name < y->name ? -1 : x->name > y->name;
}

/* Takes ownership of text (NUL-terminated, len bytes). */
static int build(char *text, size_t len, struct ksyms **out)
{
	struct ksyms *ks = calloc(1, sizeof(*ks));
	size_t alloc = 0;
	char *line, *next, *end = text + len;
	int err = 0;

	if (!ks) {
		free(text);
		return -ENOMEM;
	}
	ks->text = text;
	for (line = text; line < end && *line; line = next) {
		char *p, *name, *mod = NULL;
		uint64_t addr = 0;
		char type;

		next = memchr(line, '\n', (size_t)(end - line));
		next = next ? next + 1 : end;
		if (next[-1] == '\n')
			next[-1] = '\0';
		/* "ffffffff816bab70 T vfs_read\t[mod]" */
		for (p = line; *p && *p != ' '; p++) {
			int d = *p >= '0' && *p <= '9' ? *p - '0' :
				*p >= 'a' && *p <= 'f' ? *p - 'a' + 10 :
				*p >= 'A' && *p <= 'F' ? *p - 'A' + 10 : -1;

			if (d < 0 || p - line >= 16)
				break;
			addr = addr << 4 | (uint64_t)d;
		}
		if (p == line || p[0] != ' ' || !p[1] || p[2] != ' ' || !p[3])
			continue;
		type = p[1];
		/* Text symbols only: stacks hold code addresses. */
		if (type != 't' && type != 'T' && type != 'w' && type != 'W')
			continue;
		name = p + 3;
		p = strchr(name, '\t');
		if (p) {
			*p = '\0';
			mod = p + 1;
			if (*mod == '[')
				mod++;
			mod[strcspn(mod, "]")] = '\0';
		}
		if (!addr)
			continue;	/* kptr_restrict hides addresses */
		if (ks->n == alloc) {
			size_t na = alloc ? alloc * 2 : 4096;
			struct ksym *nv = realloc(ks->syms, na * sizeof(*nv));

			if (!nv) {
				err = -ENOMEM;
				goto out;
			}
			ks->syms = nv;
			alloc = na;
		}
		ks->syms[ks->n].addr = addr;
		ks->syms[ks->n].name = name;
		ks->syms[ks->n].module = mod ? mod : "";
		ks->n++;
	}
	qsort(ks->syms, ks->n, sizeof(*ks->syms), cmp_addr);
out:
	if (err) {
		ksyms_free(ks);
		return err;
	}
	*out = ks;
	return 0;
}

int ksyms_parse(const char *text, size_t len, struct ksyms **out)
{
	char *copy = malloc(len + 1);

	if (!copy)
		return -ENOMEM;
	memcpy(copy, text, len);
	copy[len] = '\0';
	return build(copy, len, out);
}

int ksyms_load(struct ksyms **out)
{
	struct strbuf sb = STRBUF_INIT;
	size_t len;
	int err;

	err = strbuf_read_file(&sb, "/proc/kallsyms", 256 << 20);
	if (err) {
		strbuf_release(&sb);
		return err;
	}
	len = sb.len;
	return build(strbuf_detach(&sb), len, out);
}

const struct ksym *ksyms_lookup(const struct ksyms *ks, uint64_t addr, uint64_t *off)
{
	size_t lo = 0, hi = ks->n;

	if (!ks->n || addr < ks->syms[0].addr)
		return NULL;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	/* Past the last symbol there is no telling where text ends: 1 MiB at most. */
	if (lo == ks->n - 1 && addr - ks->syms[lo].addr > (1 << 20))
		return NULL;
	/* Of aliases, the first listed, as other tools name it. */
	while (lo > 0 && ks->syms[lo - 1].addr == ks->syms[lo].addr)
		lo--;
	if (off)
		*off = addr - ks->syms[lo].addr;
	return &ks->syms[lo];
}

uint64_t ksyms_addr(const struct ksyms *ks, const char *name)
{
	size_t i;

	for (i = 0; i < ks->n; i++)
		if (!strcmp(ks->syms[i].name, name))
			return ks->syms[i].addr;
	return 0;
}

size_t ksyms_count(const struct ksyms *ks)
{
	return ks->n;
}
