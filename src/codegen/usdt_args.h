/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The code generator's part of user space probes: resolving uprobe,
 * uretprobe and usdt attach points into probe points (probe/user_resolve.h),
 * and USDT arguments read where the site's note says they are.
 */
#ifndef SCRY_CODEGEN_USDT_ARGS_H
#define SCRY_CODEGEN_USDT_ARGS_H

#include <stdbool.h>

#include "codegen/gen.h"
#include "probe/user_resolve.h"

/* Is provider one of uprobe, uretprobe, usdt? */
bool cg_user_provider(const char *provider);

/*
 * Resolves the user space attach point node a (N_ATTACH) into *sites, with
 * cg->o->pid.  Errors are reported as "FILE:LINE:COL: ..." and set cg->err.
 * Returns 0 or -errno; *sites is released with user_sites_release().
 */
int cg_user_sites(struct cg *cg, const struct node *a, struct user_sites *sites);

/*
 * Should the wildcard uprobe a be attached with one uprobe_multi link (the
 * program is then loaded with expected_attach_type BPF_TRACE_UPROBE_MULTI)?
 * per_point: the probe is compiled once per point anyway.
 */
bool cg_user_multi(struct cg *cg, const struct attach *at, bool per_point);

#define CG_TRACE_UPROBE_MULTI 48	/* BPF_TRACE_UPROBE_MULTI */

/*
 * argN of a USDT probe: the program being compiled has one point, a USDT
 * site; its note says where argument i is (a register, a constant, memory).
 * The value comes back sign- or zero-extended to 64 bits as the note's size
 * says.
 */
struct val cg_usdt_arg(struct pcg *p, const struct node *e, int i);

#endif
