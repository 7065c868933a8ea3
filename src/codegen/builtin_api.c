// SPDX-License-Identifier: GPL-2.0
/* The code generator's interface for the built-ins' family files (builtin_api.h). */
#include "codegen/builtin_api.h"
#include "codegen/gen.h"

int cgb_helper(struct pcg *p, int helper, int nargs, const int *args)
{
	return cg_call(p, helper, nargs, args);
}

int cgb_imm(struct pcg *p, int64_t v)
{
	int r = ir_vreg(&p->f);

	if (v >= INT32_MIN && v <= INT32_MAX)
		ir_mov_imm(&p->f, r, (int32_t)v);
	else
		ir_ld_imm64(&p->f, r, (uint64_t)v);
	return r;
}

void cgb_alu_imm(struct pcg *p, int op, int reg, int32_t imm)
{
	ir_alu64_imm(&p->f, (uint8_t)op, reg, imm);
}

int cgb_stack(struct pcg *p, uint32_t size)
{
	return cg_stack_zeroed(p, size);
}

void cgb_store(struct pcg *p, int fp, int reg, uint32_t size)
{
	ir_stx(&p->f, size == 1 ? BPF_B : size == 2 ? BPF_H : size == 4 ? BPF_W : BPF_DW,
	       BPF_REG_10, (int16_t)fp, reg);
}

void cgb_error(struct pcg *p, const struct node *e, const char *msg)
{
	cg_error(p->cg, e->loc, "%s", msg);
}
