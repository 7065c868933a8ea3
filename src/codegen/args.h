/* SPDX-License-Identifier: GPL-2.0 */
/* Arguments placed by the provider (PF_ARGS_PER_SITE probe types: USDT). */
#ifndef SCRY_CODEGEN_ARGS_H
#define SCRY_CODEGEN_ARGS_H

#include "codegen/gen.h"

/*
 * argN where the provider's .arg says it is, for the program being compiled
 * (one point).  The value comes back sign- or zero-extended to 64 bits.
 */
struct val cg_arg_at(struct pcg *p, const struct node *e, int i);

#endif
