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

/* strings, symbols, variables */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "codegen/args.h"
#include "lang/sema.h"
#include "probe/probe.h"
#include "sym/regs.h"

void cgb_errorf(struct pcg *p, const struct node *e, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cg_error(p->cg, e->loc, "%s", msg);
}

void cgb_fail(struct pcg *p)
{
	if (!p->cg->err)
		p->cg->err = -EINVAL;
}

const struct node *cgb_arg(const struct node *e, int i)
{
	const struct node *k = e->kind == N_CALL ? e->kids : NULL;

	while (k && i--)
		k = k->next;
	return k;
}

struct cg_val cgb_expr(struct pcg *p, const struct node *e)
{
	struct val v;
	int64_t c;

	if (e->kind == N_IDENT && cg_const(p->cg, e, &c))	/* a named constant (EPERM) */
		return cg_reg(cgb_imm(p, c));
	v = cg_expr(p, e);

	return (struct cg_val){ .mem = v.mem, .reg = v.reg, .fp = v.fp };
}

bool cgb_const(struct pcg *p, const struct node *e, int64_t *v)
{
	return cg_const(p->cg, e, v);
}

const struct lang_env *cgb_env(struct pcg *p)
{
	return p->cg->env;
}

const char *cgb_param(struct pcg *p, int64_t i)
{
	return i >= 1 && i <= p->cg->o->nr_params ? p->cg->o->params[i - 1] : NULL;
}

int cgb_mov(struct pcg *p, int reg)
{
	int r = ir_vreg(&p->f);

	ir_mov(&p->f, r, reg);
	return r;
}

void cgb_alu_reg(struct pcg *p, int op, int dst, int src)
{
	ir_alu64_reg(&p->f, (uint8_t)op, dst, src);
}

int cgb_fp_addr(struct pcg *p, int fp)
{
	return cg_fp_addr(p, fp);
}

static uint8_t ldx_size(uint32_t size)
{
	return size == 1 ? BPF_B : size == 2 ? BPF_H : size == 4 ? BPF_W : BPF_DW;
}

int cgb_load(struct pcg *p, int fp, uint32_t size)
{
	return cgb_load_ptr(p, BPF_REG_10, (int16_t)fp, size);
}

int cgb_load_ptr(struct pcg *p, int reg, int16_t off, uint32_t size)
{
	int r = ir_vreg(&p->f);

	ir_ldx(&p->f, ldx_size(size), r, reg, off);
	return r;
}

void cgb_copy(struct pcg *p, int dst_fp, int src_fp, uint32_t size)
{
	uint32_t i;
	int t = ir_vreg(&p->f);

	for (i = 0; i < size; i += 8) {
		ir_ldx(&p->f, BPF_DW, t, BPF_REG_10, (int16_t)(src_fp + (int)i));
		ir_stx(&p->f, BPF_DW, BPF_REG_10, (int16_t)(dst_fp + (int)i), t);
	}
}

int cgb_dest(struct pcg *p, uint32_t size, bool zero)
{
	uint32_t n = cgb_stack_size(size ? size : 8), i;
	int fp = p->gen_dest_fp;

	if (!p->gen_dest_size || p->gen_dest_size < n)
		return cg_stack_zeroed(p, size);
	p->gen_dest_size = 0;	/* once */
	for (i = 0; zero && i < n; i += 8)
		ir_st(&p->f, BPF_DW, BPF_REG_10, (int16_t)(fp + (int)i), 0);
	return fp;
}

int cgb_string(struct pcg *p, const char *s, uint32_t len, uint32_t size)
{
	int fp = cg_stack_zeroed(p, size);

	cg_store_string(p, fp, size, s, len);
	return fp;
}

int cgb_label_new(struct pcg *p)
{
	return ir_label_new(&p->f);
}

void cgb_label(struct pcg *p, int label)
{
	ir_label(&p->f, label);
}

void cgb_jmp_imm(struct pcg *p, int op, int reg, int32_t imm, int label)
{
	ir_jmp_imm(&p->f, (uint8_t)op, reg, imm, label);
}

void cgb_jmp_reg(struct pcg *p, int op, int reg, int src, int label)
{
	ir_jmp_reg(&p->f, (uint8_t)op, reg, src, label);
}

void cgb_ja(struct pcg *p, int label)
{
	ir_ja(&p->f, label);
}

void cgb_bswap(struct pcg *p, int reg, int bits)
{
	/* BPF_TO_BE on a little-endian machine swaps (src_reg must be r0: reserved) */
	ir_alu32_reg(&p->f, BPF_END, reg, BPF_REG_0);
	if (!p->f.err && p->f.len)
		p->f.insns[p->f.len - 1].imm = bits;
}

int cgb_read_helper(const struct node *arg, bool str)
{
	bool kernel = arg && arg->type && arg->type->kind == TY_PTR && !arg->type->user;

	if (str)
		return kernel ? BPF_FUNC_probe_read_kernel_str : BPF_FUNC_probe_read_user_str;
	return kernel ? BPF_FUNC_probe_read_kernel : BPF_FUNC_probe_read_user;
}

uint32_t cgb_size(const struct node *e)
{
	return e->type ? cg_size(e->type) : 8;
}

int cgb_kernel_var(struct pcg *p, int32_t btf_id)
{
	int r = ir_vreg(&p->f);

	ir_ld_btf_var(&p->f, r, btf_id);
	return r;
}

struct cg_val cgb_stack_value(struct pcg *p, const struct node *e, bool user)
{
	return cg_mem(cg_stack(p, e, user).fp);
}

struct cg_val cgb_sym(struct pcg *p, const struct node *e, int addr, bool user)
{
	return cg_mem(cg_sym(p, e, addr, user).fp);
}

static bool ctx_is_regs(const struct pcg *p)
{
	return p->prov->ctx_kind == PCTX_REGS;
}

static struct cg_val ctx_u64(struct pcg *p, int16_t off)
{
	int r = ir_vreg(&p->f);

	ir_ldx(&p->f, BPF_DW, r, p->ctx, off);
	return cg_reg(r);
}

static struct cg_val zero(struct pcg *p)
{
	return cg_reg(cgb_imm(p, 0));
}

struct cg_val cgb_ctx_arg(struct pcg *p, const struct node *e, int i)
{
	struct val v;

	if (p->prov->arg) {
		v = cg_arg_at(p, e, i);
		return (struct cg_val){ .mem = v.mem, .reg = v.reg, .fp = v.fp };
	}
	if (p->prov->ctx_kind == PCTX_U64_ARGS)
		return ctx_u64(p, (int16_t)(8 * i));
	if (!ctx_is_regs(p) || i < 0 || i >= PT_NR_ARGS) {
		cg_error(p->cg, e->loc, "'%s' is not available in this probe", e->name);
		return zero(p);
	}
	return ctx_u64(p, pt_args[i]);
}

struct cg_val cgb_ctx_retval(struct pcg *p, const struct node *e)
{
	/* fexit: the return value follows the arguments */
	if (p->prov->ctx_kind == PCTX_U64_ARGS && p->at->btf_args)
		return ctx_u64(p, (int16_t)(8 * p->at->btf_args->nfields));
	if (e->type && e->type->kind == TY_INT && e->type->size < 8 && ctx_is_regs(p)) {
		/* typed from DWARF: only the low bytes of rax are the value */
		struct cg_val v = ctx_u64(p, PT_AX);
		int32_t sh = (int32_t)(64 - 8 * e->type->size);

		ir_alu64_imm(&p->f, BPF_LSH, v.reg, sh);
		ir_alu64_imm(&p->f, e->type->sign ? BPF_ARSH : BPF_RSH, v.reg, sh);
		return v;
	}
	return cgb_ctx_reg(p, e, PT_AX);
}

struct cg_val cgb_ctx_reg(struct pcg *p, const struct node *e, int16_t off)
{
	/* struct bpf_perf_event_data starts with the registers */
	if (!ctx_is_regs(p) && p->prov->ctx_kind != PCTX_PERF) {
		cg_error(p->cg, e->loc, "'%s' is not available in this probe (it has no registers)",
			 e->kind == N_CALL ? "reg()" : e->name);
		return zero(p);
	}
	return ctx_u64(p, off);
}

struct cg_val cgb_ctx_func(struct pcg *p, const struct node *e)
{
	bool user = p->prov->ctx & CTX_USER;

	if (!ctx_is_regs(p) || !(p->prov->ctx & CTX_FUNC_IP)) {
		cg_error(p->cg, e->loc, "'func' is not supported here by scry's code generator yet");
		return zero(p);
	}
	return cgb_sym(p, e, ctx_u64(p, PT_IP).reg, user);
}

struct cg_val cgb_ctx_ptr(struct pcg *p)
{
	return cg_reg(cgb_mov(p, p->ctx));
}

bool cgb_ctx_user(struct pcg *p)
{
	return p->prov->ctx & CTX_USER;
}

const char *cgb_user_path(struct pcg *p)
{
	return p->user_path;
}

struct cg_val cgb_probe_name(struct pcg *p, const struct node *e)
{
	const char *name;

	if (p->scd)
		return cg_mem(sc_dispatch_probe(p, e->type).fp);
	name = p->probe_name ? p->probe_name : p->at->resolved ? p->at->resolved : p->at->provider;
	return cg_mem(cgb_string(p, name, (uint32_t)strlen(name), e->type->size));
}

struct cg_val cgb_cpid(struct pcg *p, const struct node *e)
{
	/* written by the session once the -c command is forked */
	int v = ir_vreg(&p->f), r;

	if (p->cg->cp->cpid_map < 0)
		return zero(p);
	ir_ld_map_value(&p->f, v, cg_map_ref(p, p->cg->cp->cpid_map), 0);
	r = ir_vreg(&p->f);
	ir_ldx(&p->f, BPF_DW, r, v, 0);
	return cg_reg(r);
}
