/* SPDX-License-Identifier: GPL-2.0 */
/*
 * USDT: the static probes of user space programs, as <sys/sdt.h> records
 * them in ELF notes (section .note.stapsdt, owner "stapsdt", type 3):
 *
 *	desc = pc, base, semaphore (addresses, 4 or 8 bytes each)
 *	       "provider\0" "name\0" "arg spec\0"
 *
 * and the x86-64 argument specs of those notes ("-4@%edi 8@16(%rbp)").
 * Notes are hostile input: every size and string is checked against the
 * section that holds it.
 */
#ifndef SCRY_SYM_USDT_H
#define SCRY_SYM_USDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct elf_file;

#define USDT_MAX_ARGS 12	/* <sys/sdt.h> allows 12 */
#define USDT_SYM_MAX 128

enum usdt_arg_kind {
	USDT_ARG_BAD,	/* a spec this parser does not know (%xmm0, %st(1)) */
	USDT_ARG_REG,	/* the value is in register base: "-4@%edi" */
	USDT_ARG_IMM,	/* a constant, disp: "4@$5" */
	USDT_ARG_MEM,	/* at disp + base + index * scale: "-8@16(%rbp)", "4@-4(%rbp,%rax,4)" */
	USDT_ARG_RIP,	/* at sym + disp, relative to %rip: "8@sym+8(%rip)" */
};

struct usdt_arg {
	enum usdt_arg_kind kind;
	uint8_t size;		/* of the value in bytes: 1, 2, 4, 8 */
	bool is_signed;		/* "-4@": sign-extend */
	/*
	 * Registers are offsets into the kernel's struct pt_regs (x86-64), -1 for
	 * none.  For USDT_ARG_REG, reg_size and reg_shift say which part of the
	 * register was named: %al is (1, 0), %ah (1, 8), %ax (2, 0), %eax (4, 0).
	 */
	int16_t base;
	int16_t index;
	uint8_t reg_size;
	uint8_t reg_shift;
	uint8_t scale;		/* 1, 2, 4, 8 (1 without an index) */
	int64_t disp;		/* the displacement, or the constant of USDT_ARG_IMM */
	char sym[USDT_SYM_MAX];	/* USDT_ARG_RIP: the symbol, "" for a plain disp(%rip) */
	/* Where this argument's text is in the arg string: [spec_off, spec_off + spec_len). */
	uint16_t spec_off;
	uint16_t spec_len;
};

/*
 * Parse one argument spec of len bytes (not NUL-terminated).  Returns 0 or
 * -EINVAL; on -EINVAL arg->kind is USDT_ARG_BAD and size/is_signed still say
 * what the "N@" prefix said (8, unsigned without one).  Nothing is reported.
 */
int usdt_arg_parse(const char *spec, size_t len, struct usdt_arg *arg);

/*
 * Split the arg string of a note on blanks and parse each.  Returns 0, or
 * -EINVAL when one spec is bad (all are still there, that one USDT_ARG_BAD),
 * -E2BIG beyond max.  *nr is the number of args found (at most max).
 */
int usdt_args_parse(const char *str, struct usdt_arg *args, size_t max, size_t *nr);

/* "int32", "uint64"...: the type of the value, as bpftrace names it.  Static. */
const char *usdt_arg_type(const struct usdt_arg *arg);

/* A register by name without '%' ("r8d", "ah") -> pt_regs offset, or -1. */
int usdt_reg_lookup(const char *name, size_t len, uint8_t *size, uint8_t *shift);

struct usdt_note {
	uint64_t pc, base, semaphore;	/* as written in the note */
	const char *provider, *name, *args;	/* NUL-terminated, inside the note */
};

/*
 * Walk the stapsdt notes of a .note.stapsdt section's raw bytes; notes of
 * other owners or types are skipped.  is64: ELFCLASS64 addresses; swap: the
 * file's byte order is not ours.  fn's non-zero return stops the walk and is
 * returned.  Returns 0, fn's value, or -EINVAL on a malformed note (sizes
 * that do not fit, strings not terminated); nothing is reported.
 */
typedef int (*usdt_note_fn)(const struct usdt_note *n, void *ctx);
int usdt_notes_parse(const void *data, size_t size, bool is64, bool swap, usdt_note_fn fn,
		     void *ctx);

struct usdt_probe {
	const char *provider, *name, *arg_str;	/* borrowed from the elf_file */
	uint64_t pc;		/* vaddr, after the .stapsdt.base (prelink) adjustment */
	uint64_t semaphore;	/* vaddr, 0: none; adjusted */
	uint64_t pc_offset;	/* file offset of pc: where a uprobe attaches */
	uint64_t sema_offset;	/* file offset of the semaphore (ref_ctr_offset); 0: none */
	bool args_ok;		/* every spec parsed */
	size_t nr_args;
	struct usdt_arg args[USDT_MAX_ARGS];
	/*
	 * libscry-usdt objects (lib/usdt/) also declare the types, in a
	 * .note.scry-usdt note ("int64 string"): kept here as codes for
	 * usdt_declared_type(), 0 where nothing was declared (every other binary).
	 */
	uint8_t declared[USDT_MAX_ARGS];
};

struct usdt_list {
	struct usdt_probe *probes;	/* in note order: one per site */
	size_t nr;
};

/*
 * The USDT probes of ef, one per site (a probe used at several places is
 * there several times).  A file without .note.stapsdt has none.  Returns 0 or
 * -errno; a malformed note or an address outside every segment is reported
 * as "'path': ..." and is -EINVAL.  Release with usdt_list_release(); the
 * strings are borrowed from ef, which must stay open while l is used.
 */
int usdt_read(const struct elf_file *ef, struct usdt_list *l);

/*
 * The type argument i was declared with ("int64", "string"...; static) in a
 * libscry-usdt object, or NULL when p has no such declaration for it.
 */
const char *usdt_declared_type(const struct usdt_probe *p, size_t i);

/* Frees and zeroes; accepts a zeroed list. */
void usdt_list_release(struct usdt_list *l);

#endif
