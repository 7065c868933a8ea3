/* SPDX-License-Identifier: GPL-2.0 */
/* /proc/kallsyms, the kernel's symbol table. */
#ifndef SCRY_SYM_KALLSYMS_H
#define SCRY_SYM_KALLSYMS_H

#include <stdint.h>

/*
 * Calls fn for every symbol line of /proc/kallsyms: address, type letter
 * ('T', 't', ...), name, and module ("" for the core kernel).  Stops when fn
 * returns non-zero and returns that value; -errno if the file cannot be read.
 */
typedef int (*kallsyms_fn)(uint64_t addr, char type, const char *name, const char *module,
			   void *ctx);
int kallsyms_for_each(kallsyms_fn fn, void *ctx);

#endif
