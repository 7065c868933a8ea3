/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one table of x86-64 struct pt_regs offsets
 * (arch/x86/include/asm/ptrace.h): USDT argument specs, kprobe/uprobe
 * arguments, retval, func and reg() all read the context through it.
 */
#ifndef SCRY_SYM_REGS_H
#define SCRY_SYM_REGS_H

#include <stdint.h>

enum {
	PT_R15 = 0, PT_R14 = 8, PT_R13 = 16, PT_R12 = 24, PT_BP = 32, PT_BX = 40,
	PT_R11 = 48, PT_R10 = 56, PT_R9 = 64, PT_R8 = 72, PT_AX = 80, PT_CX = 88,
	PT_DX = 96, PT_SI = 104, PT_DI = 112, PT_ORIG_AX = 120, PT_IP = 128, PT_CS = 136,
	PT_FLAGS = 144, PT_SP = 152, PT_SS = 160,
};

/* The System V calling convention's argument registers: arg0..arg5. */
#define PT_NR_ARGS 6
static const int16_t pt_args[PT_NR_ARGS] = { PT_DI, PT_SI, PT_DX, PT_CX, PT_R8, PT_R9 };

#endif
