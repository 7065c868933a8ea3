/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one table of x86-64 struct pt_regs offsets
 * (arch/x86/include/asm/ptrace.h): USDT argument specs, kprobe/uprobe
 * arguments, retval, func and reg() all read the context through it.
 */
#ifndef SCRY_SYM_REGS_H
#define SCRY_SYM_REGS_H

#include <stdint.h>
#include <string.h>

enum {
	PT_R15 = 0, PT_R14 = 8, PT_R13 = 16, PT_R12 = 24, PT_BP = 32, PT_BX = 40,
	PT_R11 = 48, PT_R10 = 56, PT_R9 = 64, PT_R8 = 72, PT_AX = 80, PT_CX = 88,
	PT_DX = 96, PT_SI = 104, PT_DI = 112, PT_ORIG_AX = 120, PT_IP = 128, PT_CS = 136,
	PT_FLAGS = 144, PT_SP = 152, PT_SS = 160,
};

/* Every register by the name reg() and bpftrace give it. */
static const struct {
	const char *name;
	int16_t off;
} pt_regs[] = {
	{ "r15", PT_R15 }, { "r14", PT_R14 }, { "r13", PT_R13 }, { "r12", PT_R12 },
	{ "bp", PT_BP }, { "bx", PT_BX }, { "r11", PT_R11 }, { "r10", PT_R10 }, { "r9", PT_R9 },
	{ "r8", PT_R8 }, { "ax", PT_AX }, { "cx", PT_CX }, { "dx", PT_DX }, { "si", PT_SI },
	{ "di", PT_DI }, { "orig_ax", PT_ORIG_AX }, { "ip", PT_IP }, { "cs", PT_CS },
	{ "flags", PT_FLAGS }, { "sp", PT_SP }, { "ss", PT_SS },
};
#define PT_NR_REGS ((int)(sizeof(pt_regs) / sizeof(pt_regs[0])))

/* The pt_regs offset of register name, or -1. */
static inline int pt_reg_offset(const char *name)
{
	int i;

	for (i = 0; i < PT_NR_REGS; i++)
		if (!strcmp(pt_regs[i].name, name))
			return pt_regs[i].off;
	return -1;
}

/* The System V calling convention's argument registers: arg0..arg5. */
#define PT_NR_ARGS 6
static const int16_t pt_args[PT_NR_ARGS] = { PT_DI, PT_SI, PT_DX, PT_CX, PT_R8, PT_R9 };

#endif
