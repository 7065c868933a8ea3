/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ELF files of user space: the functions they define, where a virtual address
 * lives in the file, the build id.  Over libelf.
 *
 * ELF files are hostile input: libelf bounds every section it hands out, and
 * everything read here on top of it (symbol indices, string offsets, program
 * headers, notes) is checked against the sizes the file really has.
 *
 * Uprobes attach at a file offset (elf_vaddr_to_offset()); symbolization
 * sorts the symbols by address (elf_symtab_sort_by_addr()) and looks an
 * address up (elf_symtab_lookup()).
 */
#ifndef SCRY_SYM_ELF_H
#define SCRY_SYM_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct elf_file;

/*
 * Open path.  Returns 0 or -errno, reported with pr_err() as
 * "'path': what is wrong" (missing, a directory, not ELF, corrupted).
 * *out is released with elf_file_close().
 */
int elf_file_open(const char *path, struct elf_file **out);

/*
 * The same over a buffer (the fuzzers): buf must outlive the elf_file.
 * name is only used in messages.  Errors are reported as above.
 */
int elf_file_open_mem(const void *buf, size_t len, const char *name, struct elf_file **out);

/* Accepts NULL. */
void elf_file_close(struct elf_file *ef);

/* The path or name given to open; lives as long as ef. */
const char *elf_file_name(const struct elf_file *ef);

/* ET_EXEC, ET_DYN, ET_REL, ET_CORE... (e_type). */
unsigned int elf_file_type(const struct elf_file *ef);

/* ELFCLASS32 or ELFCLASS64. */
int elf_file_class(const struct elf_file *ef);

/* e_ident[EI_DATA] is not the byte order of this machine. */
bool elf_file_swapped(const struct elf_file *ef);

/*
 * Virtual address -> offset in the file, through the PT_LOAD segment that
 * holds vaddr (p_vaddr <= vaddr < p_vaddr + p_memsz).  Returns 0, or -ENOENT
 * when no segment holds it (nothing is reported).
 */
int elf_vaddr_to_offset(const struct elf_file *ef, uint64_t vaddr, uint64_t *offset);

/*
 * The GNU build id (NT_GNU_BUILD_ID) into buf.  Returns its length in bytes,
 * -ENOENT when there is none, -ENOSPC when buf is too small.  Not reported.
 */
int elf_build_id(const struct elf_file *ef, uint8_t *buf, size_t len);

/*
 * The raw bytes of the first section called name, bounded by the file.
 * Returns 0, -ENOENT (no such section, or SHT_NOBITS) or -EINVAL (its
 * offset/size lie outside the file; reported).  *data points into ef.
 */
int elf_section_data(const struct elf_file *ef, const char *name, const void **data,
		     size_t *size, uint64_t *addr);

struct elf_sym {
	const char *name;	/* points into ef: valid while ef is open */
	uint64_t addr;		/* st_value: the virtual address */
	uint64_t size;
	unsigned char type;	/* STT_FUNC or STT_GNU_IFUNC */
	unsigned char bind;	/* STB_LOCAL, STB_GLOBAL, STB_WEAK */
};

struct elf_symtab {
	struct elf_sym *syms;
	size_t nr;
	bool sorted;		/* by address, after elf_symtab_sort_by_addr() */
};

/*
 * The defined functions (STT_FUNC, STT_GNU_IFUNC, st_shndx != SHN_UNDEF,
 * non-empty name) of .symtab and .dynsym, both: a name in both is there
 * twice, with the same address.  Returns 0 or -errno (-EINVAL: a corrupted
 * symbol table, reported).  tab is released with elf_symtab_release() and
 * must not outlive ef.
 */
int elf_file_functions(const struct elf_file *ef, struct elf_symtab *tab);

/* The same, with the data objects (STT_OBJECT) too: for uaddr(). */
int elf_file_symbols(const struct elf_file *ef, struct elf_symtab *tab);

/* Sort by address, then name; drop exact duplicates.  Returns 0. */
int elf_symtab_sort_by_addr(struct elf_symtab *tab);

/*
 * The function that holds addr in a sorted table: the symbol with the
 * greatest address <= addr, and addr inside it when its size is known.
 * NULL if none.  *off (may be NULL) gets addr - sym->addr.
 */
const struct elf_sym *elf_symtab_lookup(const struct elf_symtab *tab, uint64_t addr, uint64_t *off);

/* Frees and zeroes; accepts a zeroed tab. */
void elf_symtab_release(struct elf_symtab *tab);

#endif
