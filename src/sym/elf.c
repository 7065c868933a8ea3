// SPDX-License-Identifier: GPL-2.0
/*
 * ELF files over libelf.  Opening checks the whole layout once (ELF header,
 * program headers, section headers, every section's extent) so that the
 * readers after it can trust that what libelf hands out lies in the file, and
 * a corrupted file is refused with one message that says what is wrong.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sym/elf.h"
#include "util/log.h"

struct elf_file {
	char *name;
	int fd;			/* -1 for a buffer */
	Elf *elf;
	uint64_t size;		/* of the file or buffer */
	GElf_Ehdr ehdr;
	size_t shnum, shstrndx;
	size_t nr_loads;
	GElf_Phdr *loads;	/* the PT_LOAD program headers */
};

void elf_file_close(struct elf_file *ef)
{
	if (!ef)
		return;
	if (ef->elf)
		elf_end(ef->elf);
	if (ef->fd >= 0)
		close(ef->fd);
	free(ef->loads);
	free(ef->name);
	free(ef);
}

const char *elf_file_name(const struct elf_file *ef)
{
	return ef->name;
}

unsigned int elf_file_type(const struct elf_file *ef)
{
	return ef->ehdr.e_type;
}

int elf_file_class(const struct elf_file *ef)
{
	return ef->ehdr.e_ident[EI_CLASS];
}

bool elf_file_swapped(const struct elf_file *ef)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return ef->ehdr.e_ident[EI_DATA] != ELFDATA2LSB;
#else
	return ef->ehdr.e_ident[EI_DATA] != ELFDATA2MSB;
#endif
}

/* Does [off, off + len) lie in [0, size)?  Without overflowing. */
static bool in_file(uint64_t size, uint64_t off, uint64_t len)
{
	return off <= size && len <= size - off;
}

static int check_program_headers(struct elf_file *ef)
{
	size_t i, n;
	GElf_Phdr ph;

	if (elf_getphdrnum(ef->elf, &n)) {
		pr_err("'%s': corrupted program header table", ef->name);
		return -EINVAL;
	}
	if (n && (ef->ehdr.e_phentsize != gelf_fsize(ef->elf, ELF_T_PHDR, 1, EV_CURRENT) ||
		  !in_file(ef->size, ef->ehdr.e_phoff, (uint64_t)n * ef->ehdr.e_phentsize))) {
		pr_err("'%s': the program header table lies past the end of the file", ef->name);
		return -EINVAL;
	}
	ef->loads = calloc(n ? n : 1, sizeof(*ef->loads));
	if (!ef->loads)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (!gelf_getphdr(ef->elf, (int)i, &ph)) {
			pr_err("'%s': corrupted program header %zu", ef->name, i);
			return -EINVAL;
		}
		if (ph.p_type == PT_LOAD)
			ef->loads[ef->nr_loads++] = ph;
	}
	return 0;
}

static int check_sections(struct elf_file *ef)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	if (elf_getshdrnum(ef->elf, &ef->shnum) || elf_getshdrstrndx(ef->elf, &ef->shstrndx)) {
		pr_err("'%s': corrupted section header table", ef->name);
		return -EINVAL;
	}
	/*
	 * libelf quietly sees no sections when their table is not in the file:
	 * a truncated file would look like one without symbols.
	 */
	if (ef->ehdr.e_shoff &&
	    (ef->ehdr.e_shentsize != gelf_fsize(ef->elf, ELF_T_SHDR, 1, EV_CURRENT) ||
	     !in_file(ef->size, ef->ehdr.e_shoff,
		      (uint64_t)(ef->shnum > 1 ? ef->shnum : 1) * ef->ehdr.e_shentsize))) {
		pr_err("'%s': the section header table lies past the end of the file", ef->name);
		return -EINVAL;
	}
	if (ef->ehdr.e_shnum && ef->shnum != ef->ehdr.e_shnum) {
		pr_err("'%s': corrupted section header table", ef->name);
		return -EINVAL;
	}
	if (ef->shnum && ef->shstrndx >= ef->shnum) {
		pr_err("'%s': corrupted section header table", ef->name);
		return -EINVAL;
	}
	while ((scn = elf_nextscn(ef->elf, scn))) {
		if (!gelf_getshdr(scn, &sh)) {
			pr_err("'%s': corrupted section header %zu", ef->name, elf_ndxscn(scn));
			return -EINVAL;
		}
		if (sh.sh_type != SHT_NOBITS && !in_file(ef->size, sh.sh_offset, sh.sh_size)) {
			const char *n = elf_strptr(ef->elf, ef->shstrndx, sh.sh_name);

			pr_err("'%s': section %zu ('%s') lies past the end of the file", ef->name,
			       elf_ndxscn(scn), n ? n : "?");
			return -EINVAL;
		}
	}
	return 0;
}

/* Takes fd (closed by elf_file_close()) or a buffer. */
static int elf_file_begin(int fd, const void *buf, size_t len, const char *name,
			  struct elf_file **out)
{
	struct elf_file *ef;
	int err = -ENOMEM;

	*out = NULL;
	ef = calloc(1, sizeof(*ef));
	if (!ef) {
		if (fd >= 0)
			close(fd);
		return -ENOMEM;
	}
	ef->fd = fd;
	ef->name = strdup(name);
	if (!ef->name)
		goto out;
	if (elf_version(EV_CURRENT) == EV_NONE) {
		pr_err("libelf is too old: %s", elf_errmsg(-1));
		err = -ENOSYS;
		goto out;
	}
	if (fd >= 0) {
		struct stat st;

		if (fstat(fd, &st)) {
			err = -errno;
			pr_err("'%s': %s", name, strerror(errno));
			goto out;
		}
		if (S_ISDIR(st.st_mode)) {
			pr_err("'%s': is a directory", name);
			err = -EISDIR;
			goto out;
		}
		if (!S_ISREG(st.st_mode)) {
			pr_err("'%s': not a regular file", name);
			err = -EINVAL;
			goto out;
		}
		ef->size = (uint64_t)st.st_size;
		ef->elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	} else {
		ef->size = len;
		ef->elf = elf_memory((char *)buf, len);
	}
	err = -ENOEXEC;
	if (!ef->elf || elf_kind(ef->elf) != ELF_K_ELF) {
		char magic[SELFMAG] = "";

		if (buf && len >= SELFMAG)
			memcpy(magic, buf, SELFMAG);
		else if (fd >= 0 && pread(fd, magic, SELFMAG, 0) != SELFMAG)
			magic[0] = '\0';
		if (!memcmp(magic, ELFMAG, SELFMAG))
			pr_err("'%s': truncated or corrupted ELF header", name);
		else
			pr_err("'%s': not an ELF file", name);
		goto out;
	}
	if (!gelf_getehdr(ef->elf, &ef->ehdr)) {
		pr_err("'%s': truncated or corrupted ELF header", name);
		goto out;
	}
	err = check_program_headers(ef);
	err = err ?: check_sections(ef);
	if (err)
		goto out;
	*out = ef;
	return 0;
out:
	elf_file_close(ef);
	return err;
}

int elf_file_open(const char *path, struct elf_file **out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*out = NULL;
	if (fd < 0) {
		int err = -errno;

		pr_err("'%s': %s", path, err == -ENOENT ? "no such file" : strerror(-err));
		return err;
	}
	return elf_file_begin(fd, NULL, 0, path, out);
}

int elf_file_open_mem(const void *buf, size_t len, const char *name, struct elf_file **out)
{
	return elf_file_begin(-1, buf, len, name, out);
}

int elf_vaddr_to_offset(const struct elf_file *ef, uint64_t vaddr, uint64_t *offset)
{
	size_t i;

	for (i = 0; i < ef->nr_loads; i++) {
		const GElf_Phdr *ph = &ef->loads[i];

		if (vaddr >= ph->p_vaddr && vaddr - ph->p_vaddr < ph->p_memsz) {
			*offset = vaddr - ph->p_vaddr + ph->p_offset;
			return 0;
		}
	}
	return -ENOENT;
}

static Elf_Scn *find_section(const struct elf_file *ef, const char *name, GElf_Shdr *sh)
{
	Elf_Scn *scn = NULL;
	const char *n;

	while ((scn = elf_nextscn(ef->elf, scn))) {
		if (!gelf_getshdr(scn, sh))
			continue;
		n = elf_strptr(ef->elf, ef->shstrndx, sh->sh_name);
		if (n && !strcmp(n, name))
			return scn;
	}
	return NULL;
}

int elf_section_data(const struct elf_file *ef, const char *name, const void **data,
		     size_t *size, uint64_t *addr)
{
	GElf_Shdr sh;
	Elf_Scn *scn = find_section(ef, name, &sh);
	Elf_Data *d;

	if (!scn || sh.sh_type == SHT_NOBITS)
		return -ENOENT;
	d = elf_rawdata(scn, NULL);
	if (!d || (sh.sh_size && !d->d_buf) || d->d_size > sh.sh_size) {
		pr_err("'%s': cannot read section '%s': %s", ef->name, name, elf_errmsg(-1));
		return -EINVAL;
	}
	*data = d->d_buf;
	*size = d->d_size;
	if (addr)
		*addr = sh.sh_addr;
	return 0;
}

int elf_build_id(const struct elf_file *ef, uint8_t *buf, size_t len)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	GElf_Nhdr nh;
	size_t off, next, name_off, desc_off;
	Elf_Data *d;

	while ((scn = elf_nextscn(ef->elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d)
			continue;
		/* gelf_getnote() bounds each note by d_size and returns 0 past the last. */
		for (off = 0; (next = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0;
		     off = next) {
			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
			    memcmp((const char *)d->d_buf + name_off, "GNU", 4))
				continue;
			if (nh.n_descsz > len)
				return -ENOSPC;
			memcpy(buf, (const char *)d->d_buf + desc_off, nh.n_descsz);
			return (int)nh.n_descsz;
		}
	}
	return -ENOENT;
}

static int add_sym(struct elf_symtab *tab, size_t *alloc, const struct elf_sym *s)
{
	if (tab->nr == *alloc) {
		size_t na = *alloc ? *alloc * 2 : 256;
		struct elf_sym *nv = realloc(tab->syms, na * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		tab->syms = nv;
		*alloc = na;
	}
	tab->syms[tab->nr++] = *s;
	return 0;
}

static int read_symbols(const struct elf_file *ef, Elf_Scn *scn, const GElf_Shdr *sh,
			struct elf_symtab *tab, size_t *alloc, bool objects)
{
	size_t entsize = gelf_fsize(ef->elf, ELF_T_SYM, 1, EV_CURRENT);
	size_t i, n;
	Elf_Data *d;
	GElf_Sym sym;
	struct elf_sym s;
	int err;

	if (sh->sh_link >= ef->shnum || !entsize) {
		pr_err("'%s': symbol table %zu has no string table", ef->name, elf_ndxscn(scn));
		return -EINVAL;
	}
	d = elf_getdata(scn, NULL);
	if (!d) {
		pr_err("'%s': cannot read symbol table %zu: %s", ef->name, elf_ndxscn(scn),
		       elf_errmsg(-1));
		return -EINVAL;
	}
	n = sh->sh_size / entsize;
	for (i = 0; i < n; i++) {
		unsigned char type;

		if (!gelf_getsym(d, (int)i, &sym))
			break;	/* past what libelf holds: bounded by d_size */
		type = GELF_ST_TYPE(sym.st_info);
		if ((type != STT_FUNC && type != STT_GNU_IFUNC && !(objects && type == STT_OBJECT)) ||
		    sym.st_shndx == SHN_UNDEF || !sym.st_name)
			continue;
		s.name = elf_strptr(ef->elf, sh->sh_link, sym.st_name);
		if (!s.name || !*s.name)
			continue;
		s.addr = sym.st_value;
		s.size = sym.st_size;
		s.type = type;
		s.bind = GELF_ST_BIND(sym.st_info);
		err = add_sym(tab, alloc, &s);
		if (err)
			return err;
	}
	return 0;
}

static int read_all(const struct elf_file *ef, struct elf_symtab *tab, bool objects)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	size_t alloc = 0;
	int err = 0;

	memset(tab, 0, sizeof(*tab));
	while (!err && (scn = elf_nextscn(ef->elf, scn))) {
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_SYMTAB || sh.sh_type == SHT_DYNSYM)
			err = read_symbols(ef, scn, &sh, tab, &alloc, objects);
	}
	if (err)
		elf_symtab_release(tab);
	return err;
}

int elf_file_functions(const struct elf_file *ef, struct elf_symtab *tab)
{
	return read_all(ef, tab, false);
}

int elf_file_symbols(const struct elf_file *ef, struct elf_symtab *tab)
{
	return read_all(ef, tab, true);
}

static int cmp_addr(const void *a, const void *b)
{
	const struct elf_sym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return strcmp(x->name, y->name);
}

int elf_symtab_sort_by_addr(struct elf_symtab *tab)
{
	size_t i, j;

	if (tab->nr)
		qsort(tab->syms, tab->nr, sizeof(*tab->syms), cmp_addr);
	for (i = j = 0; i < tab->nr; i++) {
		if (j && !cmp_addr(&tab->syms[j - 1], &tab->syms[i]))
			continue;
		tab->syms[j++] = tab->syms[i];
	}
	tab->nr = j;
	tab->sorted = true;
	return 0;
}

const struct elf_sym *elf_symtab_lookup(const struct elf_symtab *tab, uint64_t addr, uint64_t *off)
{
	size_t lo = 0, hi = tab->nr;
	const struct elf_sym *s;

	if (!tab->sorted)
		return NULL;
	/* The first symbol above addr; the one before it is the candidate. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (tab->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	s = &tab->syms[lo - 1];
	if (s->size && addr - s->addr >= s->size)
		return NULL;
	if (off)
		*off = addr - s->addr;
	return s;
}

void elf_symtab_release(struct elf_symtab *tab)
{
	free(tab->syms);
	memset(tab, 0, sizeof(*tab));
}
