// SPDX-License-Identifier: GPL-2.0
/*
 * Many syscalls:sys_enter_* (or sys_exit_*) points, one program: instead of
 * one perf event per tracepoint (~370 for sys_enter_*, attached one by one:
 * tens of seconds), the probe runs as one raw tracepoint on sys_enter
 * (sys_exit) that keeps the calls of its points (a bitmap test on the
 * syscall number) and names the point for the 'probe' builtin (a binary
 * search over the numbers, each leaf storing its name).  Used when the
 * probe does not read 'args' (their layouts differ per call).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

#include "codegen/gen.h"
#include "out/syscall_fmt.h"
#include "sym/regs.h"

void sc_dispatch_release(struct sc_dispatch *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->name[i]);
	free(d->name);
	free(d->nr);
	memset(d, 0, sizeof(*d));
}

static int by_nr(const void *a, const void *b, void *ctx)
{
	const int *nr = ctx;

	return nr[*(const size_t *)a] - nr[*(const size_t *)b];
}

/* The tracepoint's name of a call where it is not the call's name in <asm/unistd.h>. */
static int tp_nr(const char *ev)
{
	static const char *const alias[][2] = {
		{ "newfstat", "fstat" }, { "newlstat", "lstat" }, { "newstat", "stat" },
		{ "newuname", "uname" }, { "sendfile64", "sendfile" }, { "umount", "umount2" },
	};
	size_t i;

	for (i = 0; i < sizeof(alias) / sizeof(alias[0]); i++)
		if (!strcmp(ev, alias[i][0]))
			return sc_nr(alias[i][1]);
	return sc_nr(ev);
}

int sc_dispatch_plan(const struct probe_point *pts, size_t n, struct sc_dispatch *d)
{
	const char *prefix;
	size_t i, *order = NULL;
	int *nr = NULL, err = -ENOENT;

	memset(d, 0, sizeof(*d));
	if (!n || !pts[0].func)
		return -ENOENT;
	prefix = !strncmp(pts[0].func, "sys_enter_", 10) ? "sys_enter_" :
		 !strncmp(pts[0].func, "sys_exit_", 9) ? "sys_exit_" : NULL;
	if (!prefix)
		return -ENOENT;
	nr = calloc(n, sizeof(*nr));
	order = calloc(n, sizeof(*order));
	d->nr = calloc(n, sizeof(*d->nr));
	d->name = calloc(n, sizeof(*d->name));
	if (!nr || !order || !d->nr || !d->name) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		const struct probe_point *pp = &pts[i];

		if (!pp->func || strncmp(pp->func, prefix, strlen(prefix)))
			goto out;
		nr[i] = tp_nr(pp->func + strlen(prefix));
		if (nr[i] < 0 || nr[i] >= SC_MAX_NR)
			goto out;	/* a call scry cannot number: attach them one by one */
		order[i] = i;
	}
	qsort_r(order, n, sizeof(*order), by_nr, nr);
	for (i = 0; i < n; i++) {
		const struct probe_point *pp = &pts[order[i]];

		if (i && nr[order[i]] == nr[order[i - 1]])
			goto out;	/* two points, one number (compat names): keep it simple */
		d->nr[i] = nr[order[i]];
		if (asprintf(&d->name[i], "tracepoint:syscalls:%s", pp->func) < 0) {
			d->name[i] = NULL;
			err = -ENOMEM;
			goto out;
		}
		d->n = i + 1;
	}
	d->exit = !strcmp(prefix, "sys_exit_");
	err = 0;
out:
	free(nr);
	free(order);
	if (err)
		sc_dispatch_release(d);
	return err;
}

/* The syscall number: sys_enter's second argument, or regs->orig_ax at sys_exit. */
static int dispatch_nr(struct pcg *p)
{
	int r = ir_vreg(&p->f);

	if (!p->scd->exit) {
		ir_ldx(&p->f, BPF_DW, r, p->ctx, 8);
	} else {
		int fp = cg_stack_zeroed(p, 8), a[3], regs = ir_vreg(&p->f);

		ir_ldx(&p->f, BPF_DW, regs, p->ctx, 0);
		ir_alu64_imm(&p->f, BPF_ADD, regs, PT_ORIG_AX);
		a[0] = cg_fp_addr(p, fp);
		a[1] = ir_vreg(&p->f);
		ir_mov_imm(&p->f, a[1], 8);
		a[2] = regs;
		cg_call(p, BPF_FUNC_probe_read_kernel, 3, a);
		ir_ldx(&p->f, BPF_DW, r, BPF_REG_10, (int16_t)fp);
	}
	return r;
}

void sc_dispatch_filter(struct pcg *p)
{
	uint64_t words[SC_MAX_NR / 64] = { 0 };
	int nr = dispatch_nr(p), w = ir_vreg(&p->f), bits = ir_vreg(&p->f), sh = ir_vreg(&p->f);
	int ok = ir_label_new(&p->f);
	size_t i;

	for (i = 0; i < p->scd->n; i++)
		words[p->scd->nr[i] / 64] |= 1ULL << (p->scd->nr[i] % 64);
	ir_jmp_imm(&p->f, BPF_JGE, nr, SC_MAX_NR, p->exit_label);	/* also the negative ones */
	ir_mov(&p->f, w, nr);
	ir_alu64_imm(&p->f, BPF_RSH, w, 6);
	ir_mov(&p->f, sh, nr);
	ir_alu64_imm(&p->f, BPF_AND, sh, 63);
	for (i = 0; i < SC_MAX_NR / 64; i++) {
		int next = ir_label_new(&p->f);

		if (!words[i])
			continue;
		ir_jmp_imm(&p->f, BPF_JNE, w, (int32_t)i, next);
		ir_ld_imm64(&p->f, bits, words[i]);
		ir_alu64_reg(&p->f, BPF_RSH, bits, sh);
		ir_alu64_imm(&p->f, BPF_AND, bits, 1);
		ir_jmp_imm(&p->f, BPF_JNE, bits, 0, ok);
		ir_ja(&p->f, p->exit_label);
		ir_label(&p->f, next);
	}
	ir_ja(&p->f, p->exit_label);
	ir_label(&p->f, ok);
}

static void search(struct pcg *p, int nr, int fp, uint32_t size, size_t lo, size_t hi, int done)
{
	size_t mid;
	int left;

	if (hi - lo == 1) {
		size_t len = strlen(p->scd->name[lo]);

		cg_store_string(p, fp, size, p->scd->name[lo], len < size ? len : size - 1);
		ir_ja(&p->f, done);
		return;
	}
	mid = lo + (hi - lo) / 2;
	left = ir_label_new(&p->f);
	ir_jmp_imm(&p->f, BPF_JLT, nr, p->scd->nr[mid], left);
	search(p, nr, fp, size, mid, hi, done);
	ir_label(&p->f, left);
	search(p, nr, fp, size, lo, mid, done);
}

struct val sc_dispatch_probe(struct pcg *p, const struct type *t)
{
	uint32_t size = t && t->kind == TY_STR ? t->size : 64;
	int fp = cg_stack_zeroed(p, size), nr = dispatch_nr(p), done = ir_label_new(&p->f);

	search(p, nr, fp, size, 0, p->scd->n, done);
	ir_label(&p->f, done);
	return (struct val){ .mem = true, .fp = fp, .t = t };
}
