/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ELF builder of libscry-usdt: pure (memory in, memory out), so the unit
 * test and the fuzz target drive it without loading anything.
 *
 * The object, x86-64 ET_DYN, laid out as the linker lays out a library
 * built with <sys/sdt.h> probes and semaphores:
 *
 *	0x0000  R   ELF header, program headers, .hash, .dynsym, .dynstr,
 *	            .stapsdt.base
 *	0x1000  RX  .text: per probe a 16-byte site, "nop; ret" (the nop is the
 *	            probe's pc, as DTRACE_PROBE emits it)
 *	0x2000+ RW  .dynamic, .probes: per probe a 2-byte semaphore
 *	(not loaded) .note.stapsdt (owner "stapsdt", type 3), .note.scry-usdt
 *	            (owner "scry-usdt", type 1, desc "NAME\0int64 string\0": the
 *	            declared types, which "8@" cannot tell from a pointer; scry
 *	            lists them), .shstrtab, section headers
 *
 * File offsets equal addresses.  Site i is the function PROVIDER__NAME,
 * its semaphore the object PROVIDER_NAME_semaphore (sdt.h's name).  Argument
 * k of a site is where the C calling convention puts it at the function's
 * first instruction: %rdi %rsi %rdx %rcx %r8 %r9, then 8(%rsp) ... 48(%rsp),
 * with the size and sign of its type ("-4@%rdi", "8@16(%rsp)").
 */
#ifndef SCRY_LIB_USDT_BUILD_H
#define SCRY_LIB_USDT_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "scry_usdt.h"

struct usdt_build_probe {
	const char *name;
	size_t nr_args;
	const enum scry_usdt_type *types;
};

struct usdt_image {
	uint8_t *data;		/* malloc'd, size bytes: the whole file */
	size_t size;
	uint64_t *site;		/* [nr] vaddr of each probe's nop */
	uint64_t *sema;		/* [nr] vaddr of each probe's semaphore */
	size_t nr;
};

/* true for [A-Za-z_][A-Za-z0-9_]{0,63}. */
int usdt_build_name_ok(const char *name);

/*
 * The note's argument string of one probe into buf ("-8@%rdi 8@%rsi").
 * Returns 0, -EINVAL (bad type, more than 12), -ENOSPC (len too small).
 */
int usdt_build_args(const enum scry_usdt_type *types, size_t nr, char *buf, size_t len);

/*
 * Build the object of provider with probes[nr] into img (released with
 * usdt_image_release(), which accepts a zeroed image).  Names must pass
 * usdt_build_name_ok() and differ; returns 0, -EINVAL, -E2BIG (too many probes for one
 * page of sites and semaphores: 256), -ENOMEM.
 */
#define USDT_BUILD_MAX_PROBES 256
int usdt_build(const char *provider, const struct usdt_build_probe *probes, size_t nr,
	       struct usdt_image *img);
void usdt_image_release(struct usdt_image *img);

#endif
