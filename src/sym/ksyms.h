/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel address → symbol, from /proc/kallsyms, loaded once into a sorted
 * table.  Names carry their module: "nf_hook_slow" or "xt_foo [xt_mod]".
 */
#ifndef SCRY_SYM_KSYMS_H
#define SCRY_SYM_KSYMS_H

#include <stddef.h>
#include <stdint.h>

struct ksym {
	uint64_t addr;
	const char *name;
	const char *module;	/* "" for the core kernel */
};

struct ksyms;

/* Load /proc/kallsyms.  Returns 0 or -errno; *out is freed with ksyms_free(). */
int ksyms_load(struct ksyms **out);

/* Build from a kallsyms-format text (for tests and fuzzing).  Same contract. */
int ksyms_parse(const char *text, size_t len, struct ksyms **out);

void ksyms_free(struct ksyms *ks);

/*
 * The symbol that contains addr (the last one at or below it, only if addr
 * is not past the end of the kernel text it belongs to), or NULL.
 * *off is addr - sym->addr.  Pointers live as long as ks.
 */
const struct ksym *ksyms_lookup(const struct ksyms *ks, uint64_t addr, uint64_t *off);

/* The address of a symbol by name (first match), or 0. */
uint64_t ksyms_addr(const struct ksyms *ks, const char *name);

size_t ksyms_count(const struct ksyms *ks);

#endif
