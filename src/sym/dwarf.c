// SPDX-License-Identifier: GPL-2.0
/*
 * A binary's DWARF, found where gdb finds it, indexed once by the names of
 * its top-level functions and types, and turned into scry types on demand.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <gelf.h>
#include <libelf.h>
#include <zlib.h>

#include "lang/ast.h"
#include "lang/types.h"
#include "sym/dwarf.h"
#include "util/log.h"
#include "util/strbuf.h"

#define MAX_DEPTH 12		/* nesting of types by value */
#define MAX_FIELDS 4096		/* members of one record, after flattening */
#define MAX_PARAMS 64

static char debug_root[PATH_MAX] = "/usr/lib/debug";

void dwarf_set_debug_root(const char *root)
{
	if (root && *root)
		snprintf(debug_root, sizeof(debug_root), "%s", root);
}

/* A named top-level DIE: a function (defined) or a type. */
struct dw_entry {
	const char *name;	/* in the DWARF's string section */
	int tag;
	bool decl;		/* a declaration only */
	Dwarf_Die die;
};

/* A Dwarf and the ELF and fd under it. */
struct dw_src {
	int fd;
	Elf *elf;
	Dwarf *dw;
};

/* One unit of a .dwp rebuilt as a .dwo in memory (libdw 0.188 reads no .dwp). */
struct dwp_unit {
	void *img;
	Elf *elf;
	Dwarf *dw;
};

struct dwarf_file {
	char *path;		/* the binary as given */
	char *debug_path;	/* where .debug_info was read */
	bool separate;		/* debug_path is not path */
	struct dw_src main;
	struct dw_src dwp;	/* BINARY.dwp, for skeletons whose .dwo is not there */
	struct dwp_unit *units;	/* its units, each as the .dwo it was made of */
	size_t nr_units;
	struct dw_entry *v;
	size_t nr, alloc;
	bool indexed;		/* v is built (on the first question: listing needs none) */
	int index_err;
};

static void src_close(struct dw_src *s)
{
	if (s->dw)
		dwarf_end(s->dw);
	if (s->elf)
		elf_end(s->elf);
	if (s->fd >= 0)
		close(s->fd);
	s->dw = NULL;
	s->elf = NULL;
	s->fd = -1;
}

void dwarf_file_close(struct dwarf_file *df)
{
	if (!df)
		return;
	for (size_t i = 0; i < df->nr_units; i++) {
		if (df->units[i].dw)
			dwarf_end(df->units[i].dw);
		if (df->units[i].elf)
			elf_end(df->units[i].elf);
		free(df->units[i].img);
	}
	free(df->units);
	src_close(&df->dwp);
	src_close(&df->main);
	free(df->v);
	free(df->debug_path);
	free(df->path);
	free(df);
}

const char *dwarf_file_debug_path(const struct dwarf_file *df)
{
	return df->debug_path;
}

const char *dwarf_file_separate(const struct dwarf_file *df)
{
	return df->separate ? df->debug_path : NULL;
}

static bool has_section(Elf *elf, const char *name)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	GElf_Shdr sh;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return false;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *n;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS)
			continue;
		n = elf_strptr(elf, shstrndx, sh.sh_name);
		if (n && !strcmp(n, name))
			return true;
	}
	return false;
}

static bool has_dwarf(Elf *elf)
{
	return has_section(elf, ".debug_info") || has_section(elf, ".zdebug_info") ||
	       has_section(elf, ".debug_info.dwo");
}

/* Open path as ELF; -ENOENT quietly when it is not there (a candidate). */
static int src_open(struct dw_src *s, const char *path, bool quiet_missing)
{
	s->dw = NULL;
	s->elf = NULL;
	s->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0) {
		int err = -errno;

		if (!quiet_missing || (err != -ENOENT && err != -ENOTDIR))
			pr_err("'%s': %s", path, strerror(-err));
		return err;
	}
	s->elf = elf_begin(s->fd, ELF_C_READ_MMAP, NULL);
	if (!s->elf || elf_kind(s->elf) != ELF_K_ELF) {
		pr_err("'%s': not an ELF file", path);
		src_close(s);
		return -EINVAL;
	}
	return 0;
}

/* Start libdw on s->elf: 0, or -EINVAL naming path. */
static int src_dwarf(struct dw_src *s, const char *path)
{
	s->dw = dwarf_begin_elf(s->elf, DWARF_C_READ, NULL);
	if (!s->dw) {
		pr_err("'%s': corrupted DWARF: %s", path, dwarf_errmsg(-1));
		return -EINVAL;
	}
	return 0;
}

/* The CRC-32 of gnu_debuglink (zlib's) of the file open as fd. */
static int file_crc(int fd, uint32_t *crc)
{
	unsigned char buf[65536];
	uLong c = crc32(0L, Z_NULL, 0);
	ssize_t n;
	off_t off = 0;

	while ((n = pread(fd, buf, sizeof(buf), off)) > 0) {
		c = crc32(c, buf, (uInt)n);
		off += n;
	}
	if (n < 0)
		return -errno;
	*crc = (uint32_t)c;
	return 0;
}

/* Try path as the separate debug file: 0 (s open, with DWARF), or -ENOENT. */
static int try_debug_file(struct dw_src *s, const char *path, bool check_crc, uint32_t crc)
{
	uint32_t got;
	int err = src_open(s, path, true);

	if (err)
		return err == -EINVAL ? -EINVAL : -ENOENT;
	if (check_crc && (file_crc(s->fd, &got) || got != crc)) {
		pr_debug("'%s': CRC does not match the debuglink: ignored", path);
		src_close(s);
		return -ENOENT;
	}
	if (!has_dwarf(s->elf)) {
		src_close(s);
		return -ENOENT;
	}
	return 0;
}

static int find_by_build_id(struct dwarf_file *df, Elf *elf, struct strbuf *sb)
{
	const void *idp;
	const unsigned char *id;
	ssize_t len = dwelf_elf_gnu_build_id(elf, &idp);
	ssize_t i;
	int err;

	if (len < 2)
		return -ENOENT;
	id = idp;
	strbuf_reset(sb);
	err = strbuf_addf(sb, "%s/.build-id/%02x/", debug_root, id[0]);
	for (i = 1; !err && i < len; i++)
		err = strbuf_addf(sb, "%02x", id[i]);
	err = err ?: strbuf_addstr(sb, ".debug");
	if (err)
		return err;
	return try_debug_file(&df->main, strbuf_str(sb), false, 0);
}

static int find_by_debuglink(struct dwarf_file *df, Elf *elf, struct strbuf *sb)
{
	GElf_Word crc;
	const char *link = dwelf_elf_gnu_debuglink(elf, &crc);
	char dir[PATH_MAX], *slash;
	char abs[PATH_MAX];
	int i, err;

	if (!link || !*link || strchr(link, '/'))
		return -ENOENT;
	if (!realpath(df->path, abs))
		snprintf(abs, sizeof(abs), "%s", df->path);
	snprintf(dir, sizeof(dir), "%s", abs);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	for (i = 0; i < 3; i++) {
		strbuf_reset(sb);
		err = i == 0 ? strbuf_addf(sb, "%s/%s", dir, link) :
		      i == 1 ? strbuf_addf(sb, "%s/.debug/%s", dir, link) :
			       strbuf_addf(sb, "%s%s/%s", debug_root, dir, link);
		if (err)
			return err;
		if (!strcmp(strbuf_str(sb), abs))
			continue;	/* the binary itself */
		err = try_debug_file(&df->main, strbuf_str(sb), true, crc);
		if (err != -ENOENT)
			return err;
	}
	return -ENOENT;
}

static int entry_add(struct dwarf_file *df, Dwarf_Die *die, int tag)
{
	const char *name = dwarf_diename(die);
	struct dw_entry *e;

	if (!name || !*name)
		return 0;
	if (df->nr == df->alloc) {
		size_t n = df->alloc ? df->alloc * 2 : 256;

		e = realloc(df->v, n * sizeof(*e));
		if (!e)
			return -ENOMEM;
		df->v = e;
		df->alloc = n;
	}
	e = &df->v[df->nr++];
	e->name = name;
	e->tag = tag;
	e->decl = dwarf_hasattr(die, DW_AT_declaration);
	e->die = *die;
	return 0;
}

/* The named functions and types at the top of unit die (and of C++ namespaces, one level). */
static int index_unit(struct dwarf_file *df, Dwarf_Die *unit)
{
	Dwarf_Die child;
	int res, err = 0;

	res = dwarf_child(unit, &child);
	if (res < 0)
		return -EINVAL;
	while (!res && !err) {
		int tag = dwarf_tag(&child);

		switch (tag) {
		case DW_TAG_subprogram:
		case DW_TAG_structure_type:
		case DW_TAG_class_type:
		case DW_TAG_union_type:
		case DW_TAG_enumeration_type:
		case DW_TAG_typedef:
		case DW_TAG_base_type:
			err = entry_add(df, &child, tag);
			break;
		default:
			break;
		}
		res = dwarf_siblingof(&child, &child);
		if (res < 0)
			return -EINVAL;
	}
	return err;
}

static int index_units(struct dwarf_file *df, Dwarf *dw, bool *need_dwp)
{
	Dwarf_CU *cu = NULL, *next;
	Dwarf_Half version;
	uint8_t unit_type;
	Dwarf_Die cudie, subdie;
	int res, err;

	while ((res = dwarf_get_units(dw, cu, &next, &version, &unit_type, &cudie, &subdie)) == 0) {
		cu = next;
		if (unit_type == DW_UT_skeleton) {
			if (dwarf_tag(&subdie) == DW_TAG_compile_unit) {
				err = index_unit(df, &subdie);
			} else {
				*need_dwp = true;
				continue;
			}
		} else if (unit_type == DW_UT_type || unit_type == DW_UT_split_type) {
			continue;
		} else {
			err = index_unit(df, &cudie);
		}
		if (err)
			return err;
	}
	return res < 0 ? -EINVAL : 0;
}

/* Definitions before declarations, then in the order met. */
static int cmp_entry(const void *a, const void *b)
{
	const struct dw_entry *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	if (x->decl != y->decl)
		return x->decl ? 1 : -1;
	return x < y ? -1 : x > y;
}

static int index_units(struct dwarf_file *df, Dwarf *dw, bool *need_dwp);

/* The sections of a .dwp that units are made of. */
struct dwp_sec {
	const char *name;
	const unsigned char *data;
	size_t size;
};

enum { DWP_INFO, DWP_ABBREV, DWP_LINE, DWP_LOC, DWP_STR_OFFSETS, DWP_MACRO, DWP_RNGLISTS,
       DWP_STR, DWP_INDEX, DWP__NR };

static const char *const dwp_names[DWP__NR] = {
	".debug_info.dwo", ".debug_abbrev.dwo", ".debug_line.dwo", ".debug_loclists.dwo",
	".debug_str_offsets.dwo", ".debug_macro.dwo", ".debug_rnglists.dwo", ".debug_str.dwo",
	".debug_cu_index",
};

/* DW_SECT_* of a version 5 (or GNU version 2) index -> DWP_*, or -1. */
static int dwp_sect(uint32_t id, uint32_t version)
{
	static const int v5[] = { -1, DWP_INFO, -1, DWP_ABBREV, DWP_LINE, DWP_LOC,
				  DWP_STR_OFFSETS, DWP_MACRO, DWP_RNGLISTS };
	static const int v2[] = { -1, DWP_INFO, -1, DWP_ABBREV, DWP_LINE, DWP_LOC,
				  DWP_STR_OFFSETS, -1, DWP_MACRO };

	if (id >= sizeof(v5) / sizeof(v5[0]))
		return -1;
	return version == 5 ? v5[id] : v2[id];
}

static uint32_t rd32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* An ELF relocatable in memory holding the given sections (a .dwo): malloc'd into *img. */
static int make_dwo(const struct dwp_sec *secs, size_t n, const GElf_Ehdr *from, void **img,
		    size_t *len)
{
	size_t i, off = sizeof(Elf64_Ehdr), names = 1, shoff, total;
	unsigned char *b;
	Elf64_Ehdr *eh;
	Elf64_Shdr *sh;

	for (i = 0; i < n; i++) {
		off += secs[i].size;
		names += strlen(secs[i].name) + 1;
	}
	names += sizeof(".shstrtab");
	shoff = (off + names + 7) & ~(size_t)7;
	total = shoff + (n + 2) * sizeof(Elf64_Shdr);
	b = calloc(1, total);
	if (!b)
		return -ENOMEM;
	eh = (Elf64_Ehdr *)b;
	memcpy(eh->e_ident, from->e_ident, EI_NIDENT);
	eh->e_type = ET_REL;
	eh->e_machine = from->e_machine;
	eh->e_version = EV_CURRENT;
	eh->e_shoff = shoff;
	eh->e_ehsize = sizeof(Elf64_Ehdr);
	eh->e_shentsize = sizeof(Elf64_Shdr);
	eh->e_shnum = (Elf64_Half)(n + 2);
	eh->e_shstrndx = (Elf64_Half)(n + 1);
	sh = (Elf64_Shdr *)(b + shoff);
	off = sizeof(Elf64_Ehdr);
	names = 1;
	for (i = 0; i <= n; i++) {
		const char *name = i < n ? secs[i].name : ".shstrtab";
		size_t sz = i < n ? secs[i].size : 0;

		sh[i + 1].sh_name = (Elf64_Word)names;
		sh[i + 1].sh_type = i < n ? SHT_PROGBITS : SHT_STRTAB;
		sh[i + 1].sh_addralign = 1;
		if (i < n) {
			memcpy(b + off, secs[i].data, sz);
			sh[i + 1].sh_offset = off;
			sh[i + 1].sh_size = sz;
			off += sz;
		}
		names += strlen(name) + 1;
	}
	/* the names, at off */
	sh[n + 1].sh_offset = off;
	sh[n + 1].sh_size = names;
	names = 1;
	for (i = 0; i <= n; i++) {
		const char *name = i < n ? secs[i].name : ".shstrtab";

		memcpy(b + off + names, name, strlen(name) + 1);
		names += strlen(name) + 1;
	}
	*img = b;
	*len = total;
	return 0;
}

/*
 * BINARY.dwp: every unit its .debug_cu_index names, cut out of the shared
 * sections into a .dwo of its own that libdw reads.  0 (also when there is
 * no .dwp), or -EINVAL reported.
 */
static int open_dwp(struct dwarf_file *df, const char *path)
{
	struct dwp_sec sec[DWP__NR] = { 0 };
	const unsigned char *ix;
	uint32_t version, ncols, nunits, nslots, u, c;
	size_t shstrndx, need;
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	int err, k;

	err = src_open(&df->dwp, path, true);
	if (err)
		return err == -EINVAL ? err : 0;
	if (!gelf_getehdr(df->dwp.elf, &eh) || elf_getshdrstrndx(df->dwp.elf, &shstrndx))
		goto bad;
	while ((scn = elf_nextscn(df->dwp.elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		const char *name;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS)
			continue;
		name = elf_strptr(df->dwp.elf, shstrndx, sh.sh_name);
		for (k = 0; name && k < DWP__NR; k++) {
			if (strcmp(name, dwp_names[k]))
				continue;
			d = elf_getdata(scn, NULL);
			if (!d || !d->d_buf)
				goto bad;
			sec[k] = (struct dwp_sec){ dwp_names[k], d->d_buf, d->d_size };
		}
	}
	ix = sec[DWP_INDEX].data;
	if (!ix || sec[DWP_INDEX].size < 16 || !sec[DWP_INFO].data)
		goto bad;
	version = rd32(ix) & 0xffff;
	ncols = rd32(ix + 4);
	nunits = rd32(ix + 8);
	nslots = rd32(ix + 12);
	if ((version != 5 && version != 2) || ncols > 16 || nunits > nslots || nslots > 1u << 24)
		goto bad;
	need = 16 + (size_t)nslots * 12 + (size_t)ncols * 4 + (size_t)nunits * ncols * 8;
	if (need > sec[DWP_INDEX].size)
		goto bad;
	df->units = calloc(nunits ? nunits : 1, sizeof(*df->units));
	if (!df->units)
		return -ENOMEM;
	for (u = 0; u < nunits; u++) {
		const unsigned char *cols = ix + 16 + (size_t)nslots * 12;
		const unsigned char *offs = cols + ncols * 4 + (size_t)u * ncols * 4;
		const unsigned char *sizes = cols + ncols * 4 + (size_t)nunits * ncols * 4 +
					     (size_t)u * ncols * 4;
		struct dwp_sec part[DWP__NR];
		struct dwp_unit *du = &df->units[df->nr_units];
		size_t np = 0, len;
		bool need_dwp = false;

		for (c = 0; c < ncols; c++) {
			int id = dwp_sect(rd32(cols + 4 * c), version);
			uint32_t o = rd32(offs + 4 * c), sz = rd32(sizes + 4 * c);

			if (id < 0)
				continue;
			if (!sec[id].data || o > sec[id].size || sz > sec[id].size - o)
				goto bad;
			part[np++] = (struct dwp_sec){ dwp_names[id], sec[id].data + o, sz };
		}
		if (sec[DWP_STR].data)
			part[np++] = sec[DWP_STR];
		err = make_dwo(part, np, &eh, &du->img, &len);
		if (err)
			return err;
		df->nr_units++;
		du->elf = elf_memory(du->img, len);
		du->dw = du->elf ? dwarf_begin_elf(du->elf, DWARF_C_READ, NULL) : NULL;
		if (!du->dw || index_units(df, du->dw, &need_dwp))
			goto bad;
	}
	return 0;
bad:
	pr_err("'%s': a corrupted DWARF package file%s%s", path, dwarf_errno() ? ": " : "",
	       dwarf_errno() ? dwarf_errmsg(-1) : "");
	return -EINVAL;
}

static int build_index(struct dwarf_file *df)
{
	bool need_dwp = false;
	int err = index_units(df, df->main.dw, &need_dwp);

	if (err == -EINVAL)
		pr_err("'%s': corrupted DWARF: %s", df->debug_path, dwarf_errmsg(-1));
	if (!err && need_dwp) {
		/* split DWARF whose .dwo files are not there: BINARY.dwp */
		struct strbuf sb = STRBUF_INIT;

		err = strbuf_addf(&sb, "%s.dwp", df->path);
		err = err ?: open_dwp(df, strbuf_str(&sb));
		strbuf_release(&sb);
	}
	if (!err && df->nr)
		qsort(df->v, df->nr, sizeof(*df->v), cmp_entry);
	return err;
}

/* After the ELF of df->main is open on the binary: find the DWARF, index it. */
static int open_common(struct dwarf_file *df)
{
	struct strbuf sb = STRBUF_INIT;
	Elf *bin = df->main.elf;
	int bin_fd = df->main.fd;
	int err;

	if (has_dwarf(bin)) {
		df->debug_path = strdup(df->path);
	} else {
		/* the binary stays open while its debug file is looked for */
		df->main.elf = NULL;
		df->main.fd = -1;
		err = find_by_build_id(df, bin, &sb);
		if (err == -ENOENT)
			err = find_by_debuglink(df, bin, &sb);
		elf_end(bin);
		if (bin_fd >= 0)
			close(bin_fd);
		if (err) {
			strbuf_release(&sb);
			return err == -ENOENT ? -ENODATA : err;
		}
		df->separate = true;
		df->debug_path = strbuf_detach(&sb);
	}
	strbuf_release(&sb);
	if (!df->debug_path)
		return -ENOMEM;
	return src_dwarf(&df->main, df->debug_path);
}

int dwarf_file_open(const char *path, struct dwarf_file **out)
{
	struct dwarf_file *df = calloc(1, sizeof(*df));
	int err;

	*out = NULL;
	if (!df)
		return -ENOMEM;
	df->main.fd = df->dwp.fd = -1;
	elf_version(EV_CURRENT);
	df->path = strdup(path);
	err = df->path ? src_open(&df->main, path, true) : -ENOMEM;
	err = err ?: open_common(df);
	if (err) {
		dwarf_file_close(df);
		return err;
	}
	*out = df;
	return 0;
}

int dwarf_file_open_mem(const void *buf, size_t len, const char *name, struct dwarf_file **out)
{
	struct dwarf_file *df = calloc(1, sizeof(*df));
	int err = 0;

	*out = NULL;
	if (!df)
		return -ENOMEM;
	df->main.fd = df->dwp.fd = -1;
	elf_version(EV_CURRENT);
	df->path = strdup(name);
	if (!df->path)
		err = -ENOMEM;
	df->main.elf = err ? NULL : elf_memory((char *)buf, len);
	if (!err && (!df->main.elf || elf_kind(df->main.elf) != ELF_K_ELF)) {
		pr_err("'%s': not an ELF file", name);
		err = -EINVAL;
	}
	if (!err && !has_dwarf(df->main.elf))
		err = -ENODATA;
	if (!err) {
		df->debug_path = strdup(name);
		err = df->debug_path ? src_dwarf(&df->main, name) : -ENOMEM;
		err = err ?: build_index(df);
		df->indexed = true;
	}
	if (err) {
		dwarf_file_close(df);
		return err;
	}
	*out = df;
	return 0;
}

/* The index, built on the first question; its error (reported) remembered. */
static int need_index(struct dwarf_file *df)
{
	if (!df->indexed) {
		df->indexed = true;
		df->index_err = build_index(df);
	}
	return df->index_err;
}

/* The first entry named name with one of the tags (0-terminated), definitions first. */
static const struct dw_entry *lookup(const struct dwarf_file *df, const char *name, const int *tags)
{
	size_t lo = 0, hi = df->nr, i;
	const int *t;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(df->v[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < df->nr && !strcmp(df->v[i].name, name); i++)
		for (t = tags; *t; t++)
			if (df->v[i].tag == *t)
				return &df->v[i];
	return NULL;
}

/* ---- scry types ---- */

struct build {
	struct dwarf_file *df;
	struct arena *a;
	bool bad;		/* corrupted DWARF met */
	bool oom;
};

static struct type *build_type(struct build *b, Dwarf_Die *die, int depth);

static bool die_type(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute at;

	return dwarf_attr_integrate(die, DW_AT_type, &at) && dwarf_formref_die(&at, out);
}

static uint64_t die_udata(Dwarf_Die *die, int name, bool *ok)
{
	Dwarf_Attribute at;
	Dwarf_Word w = 0;

	*ok = dwarf_attr_integrate(die, (unsigned)name, &at) && !dwarf_formudata(&at, &w);
	return w;
}

static struct type *record_stub(struct build *b, Dwarf_Die *die, const char *kw)
{
	struct type *t = type_new(b->a, TY_RECORD);
	const char *name = dwarf_diename(die);
	bool ok;

	if (!t)
		return NULL;
	t->name = arena_printf(b->a, "%s %s", kw, name ? name : "(anonymous)");
	t->is_union = dwarf_tag(die) == DW_TAG_union_type;
	t->size = (uint32_t)die_udata(die, DW_AT_byte_size, &ok);
	return t->name ? t : NULL;
}

static int add_field(struct build *b, struct type *rec, size_t *alloc, const char *name,
		     struct type *ft, uint64_t off)
{
	if (rec->nfields >= MAX_FIELDS) {
		b->bad = true;
		return -EINVAL;
	}
	if (rec->nfields == *alloc) {
		size_t n = *alloc ? *alloc * 2 : 8;
		struct field *f = arena_alloc(b->a, n * sizeof(*f));

		if (!f)
			return -ENOMEM;
		if (rec->nfields)
			memcpy(f, rec->fields, rec->nfields * sizeof(*f));
		rec->fields = f;
		*alloc = n;
	}
	rec->fields[rec->nfields].name = name;
	rec->fields[rec->nfields].type = ft;
	rec->fields[rec->nfields].offset = (uint32_t)off;
	rec->nfields++;
	return 0;
}

/*
 * The members of a struct or union, anonymous members' members in line (C
 * names them directly).  Bitfields are left out: lang/types.h has no bit
 * offsets yet.
 */
static int add_members(struct build *b, struct type *rec, size_t *alloc, Dwarf_Die *die,
		       uint64_t base, int depth)
{
	Dwarf_Die m, mt;
	int res = dwarf_child(die, &m), err = 0;

	if (res < 0)
		return -EINVAL;
	for (; !res && !err; res = dwarf_siblingof(&m, &m)) {
		const char *name;
		struct type *ft;
		uint64_t off;
		bool ok;

		if (dwarf_tag(&m) != DW_TAG_member || dwarf_hasattr(&m, DW_AT_bit_size))
			continue;
		off = die_udata(&m, DW_AT_data_member_location, &ok);
		if (!ok)
			off = 0;	/* unions, or a location expression (not C) */
		if (off > UINT32_MAX || base + off > UINT32_MAX)
			return -EINVAL;
		name = dwarf_diename(&m);
		if (!die_type(&m, &mt))
			return -EINVAL;
		if (!name) {
			Dwarf_Die peeled;
			int tag;

			if (dwarf_peel_type(&mt, &peeled))
				return -EINVAL;
			tag = dwarf_tag(&peeled);
			if ((tag == DW_TAG_structure_type || tag == DW_TAG_union_type) &&
			    depth < MAX_DEPTH)
				err = add_members(b, rec, alloc, &peeled, base + off, depth + 1);
			continue;
		}
		ft = build_type(b, &mt, depth + 1);
		if (!ft)
			return b->bad ? -EINVAL : -ENOMEM;
		name = arena_strdup(b->a, name);
		if (!name)
			return -ENOMEM;
		err = add_field(b, rec, alloc, name, ft, base + off);
	}
	return err ?: res < 0 ? -EINVAL : 0;
}

static struct type *build_record(struct build *b, Dwarf_Die *die, int depth)
{
	const char *kw = dwarf_tag(die) == DW_TAG_union_type ? "union" : "struct";
	struct type *t = record_stub(b, die, kw);
	size_t alloc = 0;
	int err;

	if (!t || dwarf_hasattr(die, DW_AT_declaration))
		return t;
	if (!dwarf_haschildren(die)) {
		t->defined = true;
		return t;
	}
	err = add_members(b, t, &alloc, die, 0, depth);
	if (err == -EINVAL)
		b->bad = true;
	if (err)
		return NULL;
	t->defined = true;
	return t;
}

/* A struct/union by its name, or the same DIE when it has no name (built in full). */
static struct type *pointee(struct build *b, Dwarf_Die *die, int depth)
{
	Dwarf_Die peeled;
	int tag;

	if (dwarf_peel_type(die, &peeled))
		return build_type(b, die, depth);
	tag = dwarf_tag(&peeled);
	if ((tag == DW_TAG_structure_type || tag == DW_TAG_union_type ||
	     tag == DW_TAG_class_type) && dwarf_diename(&peeled))
		return record_stub(b, &peeled, tag == DW_TAG_union_type ? "union" : "struct");
	return build_type(b, die, depth);
}

static struct type *build_array(struct build *b, Dwarf_Die *die, int depth)
{
	uint64_t dims[8];
	int nd = 0, res, i;
	Dwarf_Die c, et;
	struct type *elem, *t;

	if (!die_type(die, &et))
		goto bad;
	for (res = dwarf_child(die, &c); res == 0; res = dwarf_siblingof(&c, &c)) {
		uint64_t n;
		bool ok;

		if (dwarf_tag(&c) != DW_TAG_subrange_type)
			continue;
		if (nd == 8)
			goto bad;
		n = die_udata(&c, DW_AT_count, &ok);
		if (!ok) {
			n = die_udata(&c, DW_AT_upper_bound, &ok);
			n = ok ? n + 1 : 0;	/* flexible: no bound */
		}
		dims[nd++] = n;
	}
	if (res < 0 || !nd)
		goto bad;
	elem = build_type(b, &et, depth + 1);
	if (!elem)
		return NULL;
	for (i = nd - 1; i >= 0; i--) {
		if (elem->size && dims[i] > UINT32_MAX / elem->size)
			goto bad;
		if (i == nd - 1 && elem->kind == TY_INT && elem->size == 1 && nd == 1 && dims[i]) {
			t = type_str(b->a, (uint32_t)dims[i]);	/* char[N]: a string */
		} else {
			t = type_new(b->a, TY_ARRAY);
			if (t) {
				t->elem = elem;
				t->nelem = (uint32_t)dims[i];
				t->size = (uint32_t)dims[i] * elem->size;
			}
		}
		if (!t)
			return NULL;
		elem = t;
	}
	return elem;
bad:
	b->bad = true;
	return NULL;
}

static struct type *build_type(struct build *b, Dwarf_Die *die, int depth)
{
	Dwarf_Die inner;
	uint64_t size, enc;
	bool ok, eok;
	struct type *t;

	if (depth > MAX_DEPTH)
		return type_simple(b->a, TY_UNKNOWN);
	switch (dwarf_tag(die)) {
	case DW_TAG_typedef:
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_restrict_type:
	case DW_TAG_atomic_type:
		if (!die_type(die, &inner))
			return type_simple(b->a, TY_NONE);	/* const void */
		return build_type(b, &inner, depth + 1);
	case DW_TAG_base_type:
		size = die_udata(die, DW_AT_byte_size, &ok);
		enc = die_udata(die, DW_AT_encoding, &eok);
		if (!ok || !eok)
			goto bad;
		if ((enc == DW_ATE_signed || enc == DW_ATE_signed_char || enc == DW_ATE_unsigned ||
		     enc == DW_ATE_unsigned_char || enc == DW_ATE_boolean || enc == DW_ATE_UTF) &&
		    (size == 1 || size == 2 || size == 4 || size == 8))
			return type_int(b->a, (uint32_t)size,
					enc == DW_ATE_signed || enc == DW_ATE_signed_char);
		if (size > 4096)
			goto bad;
		t = type_new(b->a, TY_BUF);	/* floats, 128-bit integers: bytes */
		if (t)
			t->size = (uint32_t)size;
		return t;
	case DW_TAG_enumeration_type:
		size = die_udata(die, DW_AT_byte_size, &ok);
		if (!ok || (size != 1 && size != 2 && size != 4 && size != 8))
			size = 4;
		if (die_type(die, &inner)) {
			Dwarf_Die base;

			if (!dwarf_peel_type(&inner, &base) &&
			    die_udata(&base, DW_AT_encoding, &eok) == DW_ATE_signed && eok)
				return type_int(b->a, (uint32_t)size, true);
		}
		return type_int(b->a, (uint32_t)size, false);
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
		if (!die_type(die, &inner))
			t = type_simple(b->a, TY_NONE);
		else if (dwarf_tag(&inner) == DW_TAG_subroutine_type)
			t = type_simple(b->a, TY_NONE);	/* a function pointer: opaque */
		else
			t = pointee(b, &inner, depth + 1);
		return t ? type_ptr(b->a, t, true) : NULL;
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
	case DW_TAG_union_type:
		return build_record(b, die, depth);
	case DW_TAG_array_type:
		return build_array(b, die, depth);
	case DW_TAG_subroutine_type:
		return type_simple(b->a, TY_NONE);
	default:
		return type_simple(b->a, TY_UNKNOWN);
	}
bad:
	b->bad = true;
	return NULL;
}

static int build_result(struct build *b, struct type *t)
{
	if (t)
		return 0;
	if (b->bad) {
		pr_err("'%s': corrupted DWARF (a type that cannot be read)", b->df->debug_path);
		return -EINVAL;
	}
	return -ENOMEM;
}

static const int func_tags[] = { DW_TAG_subprogram, 0 };

int dwarf_func_args(struct dwarf_file *df, struct arena *a, const char *func, struct type **out,
		    struct type **ret)
{
	struct build b = { .df = df, .a = a };
	const struct dw_entry *e;
	Dwarf_Die die, p, pt;
	struct type *rec, *ft;
	size_t alloc = 0;
	int res, err = need_index(df), i = 0;

	*out = NULL;
	if (ret)
		*ret = NULL;
	if (err)
		return err;
	e = lookup(df, func, func_tags);
	if (!e)
		return -ENOENT;
	die = e->die;
	rec = type_new(a, TY_RECORD);
	if (!rec || !(rec->name = arena_printf(a, "struct %s:args", func)))
		return -ENOMEM;
	rec->defined = true;
	for (res = dwarf_child(&die, &p); !res && !err; res = dwarf_siblingof(&p, &p)) {
		const char *name;

		if (dwarf_tag(&p) != DW_TAG_formal_parameter)
			continue;
		if (i == MAX_PARAMS || !die_type(&p, &pt)) {
			b.bad = true;
			break;
		}
		ft = build_type(&b, &pt, 0);
		name = dwarf_diename(&p);
		name = name ? arena_strdup(a, name) : arena_printf(a, "arg%d", i);
		if (!ft || !name) {
			err = build_result(&b, NULL);
			break;
		}
		err = add_field(&b, rec, &alloc, name, ft, (uint64_t)(8 * i));
		i++;
	}
	if (!err && (res < 0 || b.bad))
		err = build_result(&b, NULL);
	if (err)
		return err;
	rec->size = (uint32_t)(8 * i);
	if (ret && die_type(&die, &pt)) {
		*ret = build_type(&b, &pt, 0);
		err = build_result(&b, *ret);
		if (err)
			return err;
	}
	*out = rec;
	return 0;
}

static const int record_tags[] = { DW_TAG_structure_type, DW_TAG_class_type, 0 };
static const int union_tags[] = { DW_TAG_union_type, 0 };
static const int enum_tags[] = { DW_TAG_enumeration_type, 0 };
static const int plain_tags[] = { DW_TAG_typedef, DW_TAG_base_type, 0 };

int dwarf_type(struct dwarf_file *df, struct arena *a, const char *name, struct type **out)
{
	struct build b = { .df = df, .a = a };
	const int *tags = plain_tags;
	const struct dw_entry *e;
	Dwarf_Die die;

	*out = NULL;
	if (need_index(df))
		return df->index_err;
	if (!strncmp(name, "struct ", 7))
		tags = record_tags, name += 7;
	else if (!strncmp(name, "union ", 6))
		tags = union_tags, name += 6;
	else if (!strncmp(name, "enum ", 5))
		tags = enum_tags, name += 5;
	while (*name == ' ')
		name++;
	e = lookup(df, name, tags);
	if (!e)
		return -ENOENT;
	die = e->die;
	*out = build_type(&b, &die, 0);
	return build_result(&b, *out);
}

/* ---- C text, as bpftrace prints it ---- */

static int ctype(Dwarf_Die *die, struct strbuf *sb, int depth)
{
	Dwarf_Die inner;
	const char *name = dwarf_diename(die);
	bool has_inner = die_type(die, &inner);
	int err;

	if (depth > MAX_DEPTH)
		return strbuf_addstr(sb, "?");
	switch (dwarf_tag(die)) {
	case DW_TAG_base_type:
	case DW_TAG_typedef:
		return strbuf_addstr(sb, name ? name : "?");
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
		return strbuf_addf(sb, "struct %s", name ? name : "");
	case DW_TAG_union_type:
		return strbuf_addf(sb, "union %s", name ? name : "");
	case DW_TAG_enumeration_type:
		return strbuf_addf(sb, "enum %s", name ? name : "");
	case DW_TAG_const_type:
		if (!has_inner)
			return strbuf_addstr(sb, "const <unknown type>");
		if (dwarf_tag(&inner) == DW_TAG_pointer_type) {
			err = ctype(&inner, sb, depth + 1);
			return err ?: strbuf_addstr(sb, " const");
		}
		err = strbuf_addstr(sb, "const ");
		return err ?: ctype(&inner, sb, depth + 1);
	case DW_TAG_pointer_type:
		err = has_inner ? ctype(&inner, sb, depth + 1) : strbuf_addstr(sb, "void");
		return err ?: strbuf_addch(sb, '*');
	default:
		return strbuf_addstr(sb, "<unknown type>");
	}
}

int dwarf_func_params(struct dwarf_file *df, const char *func, dwarf_param_fn fn, void *arg)
{
	const struct dw_entry *e;
	struct strbuf sb = STRBUF_INIT;
	Dwarf_Die die, p, pt;
	int res, err = need_index(df);

	if (err)
		return err;
	e = lookup(df, func, func_tags);
	if (!e)
		return -ENOENT;
	die = e->die;
	for (res = dwarf_child(&die, &p); !res && !err; res = dwarf_siblingof(&p, &p)) {
		const char *name;

		if (dwarf_tag(&p) != DW_TAG_formal_parameter)
			continue;
		strbuf_reset(&sb);
		err = die_type(&p, &pt) ? ctype(&pt, &sb, 0) : strbuf_addstr(&sb, "?");
		name = dwarf_diename(&p);
		if (name)	/* bpftrace lists named parameters only */
			err = err ?: fn(strbuf_str(&sb), name, arg);
	}
	strbuf_release(&sb);
	return err;
}

int dwarf_file_names(struct dwarf_file *df, dwarf_name_fn fn, void *arg)
{
	char buf[256];
	size_t i;
	int err = need_index(df);

	for (i = 0; !err && i < df->nr; i++) {
		const struct dw_entry *e = &df->v[i];
		const char *kw = e->tag == DW_TAG_structure_type || e->tag == DW_TAG_class_type ?
				 "struct " : e->tag == DW_TAG_union_type ? "union " :
				 e->tag == DW_TAG_enumeration_type ? "enum " : "";

		snprintf(buf, sizeof(buf), "%s%s", kw, e->name);
		err = fn(buf, e->tag == DW_TAG_subprogram, arg);
	}
	return err;
}
