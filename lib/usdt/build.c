// SPDX-License-Identifier: GPL-2.0
/*
 * The ELF shared object of a provider, built in memory (layout in build.h).
 * Only what the dynamic loader and USDT tracers read is there: program
 * headers for ld.so, section headers and notes for tracers (readelf, scry,
 * bcc/bpftrace, libbpf find .note.stapsdt and .stapsdt.base by name).
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"

#define PAGE 0x1000ULL
#define SITE_SIZE 16
#define NR_DYN 7
#define NR_PHDR 5

enum { S_NULL, S_HASH, S_DYNSYM, S_DYNSTR, S_BASE, S_TEXT, S_DYNAMIC, S_PROBES, S_NOTE, S_TYPES,
       S_SHSTR, NR_SECTIONS };

static const char *const section_names[NR_SECTIONS] = {
	"", ".hash", ".dynsym", ".dynstr", ".stapsdt.base", ".text", ".dynamic", ".probes",
	".note.stapsdt", ".note.scry-usdt", ".shstrtab",
};

static const char *const type_names[] = {
	[SCRY_USDT_INT8] = "int8", [SCRY_USDT_UINT8] = "uint8", [SCRY_USDT_INT16] = "int16",
	[SCRY_USDT_UINT16] = "uint16", [SCRY_USDT_INT32] = "int32", [SCRY_USDT_UINT32] = "uint32",
	[SCRY_USDT_INT64] = "int64", [SCRY_USDT_UINT64] = "uint64", [SCRY_USDT_STRING] = "string",
};

static uint64_t align(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

int usdt_build_name_ok(const char *name)
{
	size_t i;

	if (!name || !name[0] || (name[0] >= '0' && name[0] <= '9'))
		return 0;
	for (i = 0; name[i]; i++) {
		char c = name[i];

		if (i >= SCRY_USDT_NAME_MAX)
			return 0;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_'))
			return 0;
	}
	return 1;
}

int usdt_build_args(const enum scry_usdt_type *types, size_t nr, char *buf, size_t len)
{
	static const char *const regs[] = { "rdi", "rsi", "rdx", "rcx", "r8", "r9" };
	static const char *const sizes[] = {
		[SCRY_USDT_INT8] = "-1", [SCRY_USDT_UINT8] = "1", [SCRY_USDT_INT16] = "-2",
		[SCRY_USDT_UINT16] = "2", [SCRY_USDT_INT32] = "-4", [SCRY_USDT_UINT32] = "4",
		[SCRY_USDT_INT64] = "-8", [SCRY_USDT_UINT64] = "8", [SCRY_USDT_STRING] = "8",
	};
	size_t i, off = 0;
	int n;

	if (nr > SCRY_USDT_MAX_ARGS)
		return -EINVAL;
	if (!len)
		return -ENOSPC;
	buf[0] = '\0';
	for (i = 0; i < nr; i++) {
		if (types[i] < SCRY_USDT_INT8 || types[i] > SCRY_USDT_STRING)
			return -EINVAL;
		if (i < 6)
			n = snprintf(buf + off, len - off, "%s%s@%%%s", i ? " " : "", sizes[types[i]],
				     regs[i]);
		else
			n = snprintf(buf + off, len - off, " %s@%zu(%%rsp)", sizes[types[i]],
				     8 * (i - 5));
		if (n < 0 || (size_t)n >= len - off)
			return -ENOSPC;
		off += (size_t)n;
	}
	return 0;
}

void usdt_image_release(struct usdt_image *img)
{
	if (!img)
		return;
	free(img->data);
	free(img->site);
	free(img->sema);
	memset(img, 0, sizeof(*img));
}

/* Where everything goes, computed before anything is written. */
struct layout {
	uint64_t hash, hash_size, dynsym, dynsym_size, dynstr, dynstr_size, base, r_end;
	uint64_t text, text_size, dynamic, probes, probes_size, rw_end;
	uint64_t note, note_size, types, types_size, shstr, shstr_size, shdr, size;
};

/* The declared types, "int64 string": what the stapsdt note cannot say (a string is "8@"). */
static void type_list(const struct usdt_build_probe *p, char *buf, size_t len)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < p->nr_args && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? " " : "",
					type_names[p->types[i]]);
}

/* One .note.scry-usdt note: "scry-usdt\0", type 1, desc "name\0types\0". */
static uint64_t types_note_size(const char *name, const char *types)
{
	return 12 + 12 + align(strlen(name) + strlen(types) + 2, 4);
}

/* One note's size: header, "stapsdt\0", desc (3 addresses, 3 strings), padded to 4. */
static uint64_t note_size(const char *provider, const char *name, const char *args)
{
	return 12 + 8 + align(24 + strlen(provider) + strlen(name) + strlen(args) + 3, 4);
}

static void put(struct usdt_image *img, uint64_t off, const void *p, size_t n)
{
	memcpy(img->data + off, p, n);
}

static void put_sym(struct usdt_image *img, uint64_t off, uint32_t name, unsigned char type,
		    uint16_t shndx, uint64_t value)
{
	Elf64_Sym s = {
		.st_name = name,
		.st_info = ELF64_ST_INFO(STB_GLOBAL, type),
		.st_other = STV_DEFAULT,
		.st_shndx = shndx,
		.st_value = value,
		.st_size = 2,
	};

	put(img, off, &s, sizeof(s));
}

static void put_phdr(struct usdt_image *img, int i, uint32_t type, uint32_t flags, uint64_t off,
		     uint64_t size, uint64_t align_)
{
	Elf64_Phdr ph = {
		.p_type = type, .p_flags = flags, .p_offset = off, .p_vaddr = off,
		.p_paddr = off, .p_filesz = size, .p_memsz = size, .p_align = align_,
	};

	put(img, sizeof(Elf64_Ehdr) + (uint64_t)i * sizeof(ph), &ph, sizeof(ph));
}

static void put_shdr(struct usdt_image *img, const struct layout *l, int i, uint32_t name,
		     uint32_t type, uint64_t flags, uint64_t off, uint64_t size, uint32_t link,
		     uint32_t info, uint64_t align_, uint64_t entsize)
{
	Elf64_Shdr sh = {
		.sh_name = name, .sh_type = type, .sh_flags = flags,
		.sh_addr = (flags & SHF_ALLOC) ? off : 0, .sh_offset = off, .sh_size = size,
		.sh_link = link, .sh_info = info, .sh_addralign = align_, .sh_entsize = entsize,
	};

	put(img, l->shdr + (uint64_t)i * sizeof(sh), &sh, sizeof(sh));
}

static void put_dyn(struct usdt_image *img, uint64_t off, int64_t tag, uint64_t val)
{
	Elf64_Dyn d = { .d_tag = tag, .d_un.d_val = val };

	put(img, off, &d, sizeof(d));
}

static int plan(const char *provider, const struct usdt_build_probe *probes, size_t nr,
		char (*args)[256], char (*types)[128], struct layout *l)
{
	size_t i;
	int err;

	memset(l, 0, sizeof(*l));
	l->hash = align(sizeof(Elf64_Ehdr) + NR_PHDR * sizeof(Elf64_Phdr), 8);
	l->hash_size = 4 * (2 + 1 + (1 + 2 * nr));
	l->dynsym = align(l->hash + l->hash_size, 8);
	l->dynsym_size = (1 + 2 * nr) * sizeof(Elf64_Sym);
	l->dynstr = l->dynsym + l->dynsym_size;
	/* "\0" "libscry-usdt-P.so\0", then per probe "P__N\0" "P_N_semaphore\0" */
	l->dynstr_size = 1 + strlen("libscry-usdt-.so") + strlen(provider) + 1;
	l->note_size = 0;
	for (i = 0; i < nr; i++) {
		size_t k;

		if (!usdt_build_name_ok(probes[i].name))
			return -EINVAL;
		for (k = 0; k < i; k++)
			if (!strcmp(probes[k].name, probes[i].name))
				return -EINVAL;	/* tracers could not tell them apart */
		err = usdt_build_args(probes[i].types, probes[i].nr_args, args[i], sizeof(args[i]));
		if (err)
			return err == -ENOSPC ? -EINVAL : err;
		l->dynstr_size += 2 * (strlen(provider) + strlen(probes[i].name)) +
				  strlen("__") + 1 + strlen("__semaphore") + 1;
		l->note_size += note_size(provider, probes[i].name, args[i]);
		type_list(&probes[i], types[i], sizeof(types[i]));
		l->types_size += types_note_size(probes[i].name, types[i]);
	}
	l->base = l->dynstr + l->dynstr_size;
	l->r_end = l->base + 1;
	l->text = align(l->r_end, PAGE);
	l->text_size = SITE_SIZE * (nr ? nr : 1);
	l->dynamic = align(l->text + l->text_size, PAGE);
	l->probes = l->dynamic + NR_DYN * sizeof(Elf64_Dyn);
	l->probes_size = 2 * (nr ? nr : 1);
	l->rw_end = l->probes + l->probes_size;
	l->note = align(l->rw_end, 4);
	l->types = l->note + l->note_size;
	l->shstr = l->types + l->types_size;
	for (i = 0; i < NR_SECTIONS; i++)
		l->shstr_size += strlen(section_names[i]) + 1;
	l->shdr = align(l->shstr + l->shstr_size, 8);
	l->size = l->shdr + NR_SECTIONS * sizeof(Elf64_Shdr);
	return 0;
}

static void write_headers(struct usdt_image *img, const struct layout *l)
{
	Elf64_Ehdr eh = {
		.e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64, ELFDATA2LSB, EV_CURRENT,
			     ELFOSABI_SYSV },
		.e_type = ET_DYN,
		.e_machine = EM_X86_64,
		.e_version = EV_CURRENT,
		.e_phoff = sizeof(Elf64_Ehdr),
		.e_shoff = l->shdr,
		.e_ehsize = sizeof(Elf64_Ehdr),
		.e_phentsize = sizeof(Elf64_Phdr),
		.e_phnum = NR_PHDR,
		.e_shentsize = sizeof(Elf64_Shdr),
		.e_shnum = NR_SECTIONS,
		.e_shstrndx = S_SHSTR,
	};

	put(img, 0, &eh, sizeof(eh));
	put_phdr(img, 0, PT_LOAD, PF_R, 0, l->r_end, PAGE);
	put_phdr(img, 1, PT_LOAD, PF_R | PF_X, l->text, l->text_size, PAGE);
	put_phdr(img, 2, PT_LOAD, PF_R | PF_W, l->dynamic, l->rw_end - l->dynamic, PAGE);
	put_phdr(img, 3, PT_DYNAMIC, PF_R | PF_W, l->dynamic, NR_DYN * sizeof(Elf64_Dyn), 8);
	/* Without PT_GNU_STACK, ld.so would make the stack executable for us. */
	put_phdr(img, 4, PT_GNU_STACK, PF_R | PF_W, 0, 0, 16);
}

static void write_sections(struct usdt_image *img, const struct layout *l)
{
	uint32_t names[NR_SECTIONS], off = 0;
	int i;

	for (i = 0; i < NR_SECTIONS; i++) {
		names[i] = off;
		put(img, l->shstr + off, section_names[i], strlen(section_names[i]) + 1);
		off += (uint32_t)strlen(section_names[i]) + 1;
	}
	put_shdr(img, l, S_HASH, names[S_HASH], SHT_HASH, SHF_ALLOC, l->hash, l->hash_size, S_DYNSYM,
		 0, 8, 4);
	put_shdr(img, l, S_DYNSYM, names[S_DYNSYM], SHT_DYNSYM, SHF_ALLOC, l->dynsym,
		 l->dynsym_size, S_DYNSTR, 1, 8, sizeof(Elf64_Sym));
	put_shdr(img, l, S_DYNSTR, names[S_DYNSTR], SHT_STRTAB, SHF_ALLOC, l->dynstr,
		 l->dynstr_size, 0, 0, 1, 0);
	put_shdr(img, l, S_BASE, names[S_BASE], SHT_PROGBITS, SHF_ALLOC, l->base, 1, 0, 0, 1, 0);
	put_shdr(img, l, S_TEXT, names[S_TEXT], SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, l->text,
		 l->text_size, 0, 0, SITE_SIZE, 0);
	put_shdr(img, l, S_DYNAMIC, names[S_DYNAMIC], SHT_DYNAMIC, SHF_ALLOC | SHF_WRITE,
		 l->dynamic, NR_DYN * sizeof(Elf64_Dyn), S_DYNSTR, 0, 8, sizeof(Elf64_Dyn));
	put_shdr(img, l, S_PROBES, names[S_PROBES], SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, l->probes,
		 l->probes_size, 0, 0, 2, 0);
	put_shdr(img, l, S_NOTE, names[S_NOTE], SHT_NOTE, 0, l->note, l->note_size, 0, 0, 4, 0);
	put_shdr(img, l, S_TYPES, names[S_TYPES], SHT_NOTE, 0, l->types, l->types_size, 0, 0, 4, 0);
	put_shdr(img, l, S_SHSTR, names[S_SHSTR], SHT_STRTAB, 0, l->shstr, l->shstr_size, 0, 0, 1, 0);
}

static void write_dynamic(struct usdt_image *img, const struct layout *l, uint64_t soname)
{
	uint64_t d = l->dynamic;

	put_dyn(img, d, DT_HASH, l->hash);
	put_dyn(img, d += sizeof(Elf64_Dyn), DT_STRTAB, l->dynstr);
	put_dyn(img, d += sizeof(Elf64_Dyn), DT_SYMTAB, l->dynsym);
	put_dyn(img, d += sizeof(Elf64_Dyn), DT_STRSZ, l->dynstr_size);
	put_dyn(img, d += sizeof(Elf64_Dyn), DT_SYMENT, sizeof(Elf64_Sym));
	put_dyn(img, d += sizeof(Elf64_Dyn), DT_SONAME, soname);
	put_dyn(img, d += sizeof(Elf64_Dyn), DT_NULL, 0);
}

/* One stapsdt note at *off, which it advances. */
static void write_note(struct usdt_image *img, uint64_t *off, const char *provider,
		       const char *name, const char *args, uint64_t pc, uint64_t base, uint64_t sema)
{
	uint32_t hdr[3];
	uint64_t addr[3] = { pc, base, sema }, p;

	hdr[0] = 8;
	hdr[1] = (uint32_t)(24 + strlen(provider) + strlen(name) + strlen(args) + 3);
	hdr[2] = 3;	/* NT_STAPSDT */
	put(img, *off, hdr, sizeof(hdr));
	put(img, *off + 12, "stapsdt", 8);
	p = *off + 20;
	put(img, p, addr, sizeof(addr));
	p += sizeof(addr);
	put(img, p, provider, strlen(provider) + 1);
	p += strlen(provider) + 1;
	put(img, p, name, strlen(name) + 1);
	p += strlen(name) + 1;
	put(img, p, args, strlen(args) + 1);
	*off += note_size(provider, name, args);
}

static void write_types_note(struct usdt_image *img, uint64_t *off, const char *name,
			     const char *types)
{
	uint32_t hdr[3] = { 10, (uint32_t)(strlen(name) + strlen(types) + 2), 1 };

	put(img, *off, hdr, sizeof(hdr));
	put(img, *off + 12, "scry-usdt", 10);
	put(img, *off + 24, name, strlen(name) + 1);
	put(img, *off + 24 + strlen(name) + 1, types, strlen(types) + 1);
	*off += types_note_size(name, types);
}

int usdt_build(const char *provider, const struct usdt_build_probe *probes, size_t nr,
	       struct usdt_image *img)
{
	static const uint8_t site_code[SITE_SIZE] = {
		0x90, 0xc3,	/* nop (the probe's pc); ret */
		0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc,
	};
	char (*args)[256] = NULL;
	char (*types)[128] = NULL;
	struct layout l;
	uint64_t str, sym, note, soname;
	uint32_t *hash;
	size_t i;
	int err;

	memset(img, 0, sizeof(*img));
	if (!usdt_build_name_ok(provider))
		return -EINVAL;
	if (nr > USDT_BUILD_MAX_PROBES)
		return -E2BIG;
	args = calloc(nr ? nr : 1, sizeof(*args));
	types = calloc(nr ? nr : 1, sizeof(*types));
	if (!args || !types) {
		err = -ENOMEM;
		goto out;
	}
	err = plan(provider, probes, nr, args, types, &l);
	if (err)
		goto out;
	img->data = calloc(1, l.size);
	img->site = calloc(nr ? nr : 1, sizeof(*img->site));
	img->sema = calloc(nr ? nr : 1, sizeof(*img->sema));
	if (!img->data || !img->site || !img->sema) {
		err = -ENOMEM;
		goto out;
	}
	img->size = l.size;
	img->nr = nr;
	write_headers(img, &l);
	write_sections(img, &l);

	/* .dynstr and .dynsym */
	str = 1;
	soname = str;
	snprintf((char *)img->data + l.dynstr + str, l.dynstr_size - str, "libscry-usdt-%s.so",
		 provider);
	str += strlen((char *)img->data + l.dynstr + str) + 1;
	sym = l.dynsym + sizeof(Elf64_Sym);
	for (i = 0; i < nr; i++) {
		char *s = (char *)img->data + l.dynstr + str;

		img->site[i] = l.text + SITE_SIZE * i;
		img->sema[i] = l.probes + 2 * i;
		put(img, img->site[i], site_code, sizeof(site_code));
		snprintf(s, l.dynstr_size - str, "%s__%s", provider, probes[i].name);
		put_sym(img, sym, (uint32_t)str, STT_FUNC, S_TEXT, img->site[i]);
		str += strlen(s) + 1;
		sym += sizeof(Elf64_Sym);
		s = (char *)img->data + l.dynstr + str;
		snprintf(s, l.dynstr_size - str, "%s_%s_semaphore", provider, probes[i].name);
		put_sym(img, sym, (uint32_t)str, STT_OBJECT, S_PROBES, img->sema[i]);
		str += strlen(s) + 1;
		sym += sizeof(Elf64_Sym);
	}
	if (!nr)
		put(img, l.text, site_code + 1, 1);	/* a lone ret: .text is never empty */

	/* .hash: one bucket, every symbol on its chain (ld.so compares names) */
	hash = calloc(2 + 1 + (1 + 2 * nr), sizeof(*hash));
	if (!hash) {
		err = -ENOMEM;
		goto out;
	}
	hash[0] = 1;
	hash[1] = (uint32_t)(1 + 2 * nr);
	hash[2] = (uint32_t)(2 * nr);
	for (i = 1; i <= 2 * nr; i++)
		hash[3 + i] = (uint32_t)(i - 1);
	put(img, l.hash, hash, l.hash_size);
	free(hash);

	write_dynamic(img, &l, soname);

	note = l.note;
	for (i = 0; i < nr; i++)
		write_note(img, &note, provider, probes[i].name, args[i], img->site[i], l.base,
			   img->sema[i]);
	note = l.types;
	for (i = 0; i < nr; i++)
		write_types_note(img, &note, probes[i].name, types[i]);
out:
	free(args);
	free(types);
	if (err)
		usdt_image_release(img);
	return err;
}
