// SPDX-License-Identifier: GPL-2.0
/*
 * kstack, ustack, ksym(), usym(), func: what the program stores so that
 * user space can print stacks and symbols later.
 *
 * A stack is 16 bytes: the s64 id from bpf_get_stackid() (negative: the
 * read failed, and it was counted), the u32 pid whose memory the user
 * addresses belong to, then the print mode and the frame limit.  The
 * addresses themselves wait in the program's stack-trace map.
 */
#include <string.h>

#include "codegen/gen.h"
#include "out/stack.h"

static int current_pid(struct pcg *p)
{
	int r = ir_vreg(&p->f);

	ir_call(&p->f, BPF_FUNC_get_current_pid_tgid, 0);
	ir_mov(&p->f, r, BPF_REG_0);
	ir_alu64_imm(&p->f, BPF_RSH, r, 32);
	return r;
}

/* Counts a failed stack read in slot 1 of the per-CPU "lost" counters. */
static void count_failure(struct pcg *p, int skip)
{
	struct ir_func *f = &p->f;
	int key = ir_stack(f, 8), v = ir_vreg(f), ptr = ir_vreg(f);

	ir_st(f, BPF_W, BPF_REG_10, (int16_t)key, 1);
	ir_ld_map(f, BPF_REG_1, cg_map_ref(p, p->cg->cp->lost_map));
	ir_mov(f, BPF_REG_2, BPF_REG_10);
	ir_alu64_imm(f, BPF_ADD, BPF_REG_2, key);
	ir_call(f, BPF_FUNC_map_lookup_elem, 2);
	ir_mov(f, ptr, BPF_REG_0);
	ir_jmp_imm(f, BPF_JEQ, ptr, 0, skip);
	ir_ldx(f, BPF_DW, v, ptr, 0);
	ir_alu64_imm(f, BPF_ADD, v, 1);
	ir_stx(f, BPF_DW, ptr, 0, v);
}

struct val cg_stack(struct pcg *p, const struct node *e, bool user)
{
	struct ir_func *f = &p->f;
	enum stack_mode mode = (enum stack_mode)p->cg->lp->config.stack_mode;	/* config stack_mode */
	int64_t limit = 0;
	const struct node *a = e->kind == N_CALL ? e->kids : NULL;
	int fp = cg_stack_zeroed(p, 16), id = ir_vreg(f), ok = ir_label_new(f);

	p->cg->cp->needs_syms = true;
	if (p->cg->cp->stack_map < 0) {
		cg_error(p->cg, e->loc, "no stack map (internal error)");
		return (struct val){ .mem = true, .fp = fp, .t = e->type };
	}
	if (a && a->kind == N_BUILTIN) {
		stack_mode_parse(a->name, &mode);
		a = a->next;
	}
	if (a && !cg_const(p->cg, a, &limit))
		limit = 0;
	if (limit < 0 || limit > STACK_MAX_DEPTH)
		limit = STACK_MAX_DEPTH;

	ir_mov(f, BPF_REG_1, p->ctx);
	ir_ld_map(f, BPF_REG_2, cg_map_ref(p, p->cg->cp->stack_map));
	ir_mov_imm(f, BPF_REG_3, user ? BPF_F_USER_STACK : 0);
	ir_call(f, BPF_FUNC_get_stackid, 3);
	ir_mov(f, id, BPF_REG_0);
	ir_stx(f, BPF_DW, BPF_REG_10, (int16_t)fp, id);
	if (user)
		ir_stx(f, BPF_W, BPF_REG_10, (int16_t)(fp + 8), current_pid(p));
	ir_st(f, BPF_B, BPF_REG_10, (int16_t)(fp + 12), (int32_t)mode);
	ir_st(f, BPF_B, BPF_REG_10, (int16_t)(fp + 13), (int32_t)limit);
	ir_st(f, BPF_B, BPF_REG_10, (int16_t)(fp + 14), user);
	/* Kernel stacks of a sample taken in user mode fail with -EFAULT: that is "no stack". */
	ir_jmp_imm(f, BPF_JSGE, id, 0, ok);
	if (!user) {
		ir_jmp_imm(f, BPF_JEQ, id, -14, ok);
	}
	count_failure(p, ok);
	ir_label(f, ok);
	return (struct val){ .mem = true, .fp = fp, .t = e->type };
}

/* ksym(addr) / usym(addr) / func: the address (and for user ones the pid), resolved later. */
struct val cg_sym(struct pcg *p, const struct node *e, int addr, bool user)
{
	int fp = cg_stack_zeroed(p, 16);

	p->cg->cp->needs_syms = true;
	ir_stx(&p->f, BPF_DW, BPF_REG_10, (int16_t)fp, addr);
	if (user)
		ir_stx(&p->f, BPF_W, BPF_REG_10, (int16_t)(fp + 8), current_pid(p));
	return (struct val){ .mem = true, .fp = fp, .t = e->type };
}
