// SPDX-License-Identifier: GPL-2.0
/* Strings and buffers: str, buf, strncmp, strcontains, path, strerror. */
#include <string.h>

#include <linux/bpf.h>

#include "lang/sema.h"
#include "util/strbuf.h"

/* The longest str()/buf(): past the BPF stack, values live in a scratch map (codegen/gen.c). */
#define STR_MAX_LEN 8192

/* The length argument of str()/buf(): a constant, else the default. */
static uint32_t len_arg(struct sema *s, const struct node *call, struct node *arg, uint32_t def)
{
	int64_t v;

	if (!want_int(s, call, arg, 1))
		return def;
	if (!sema_const(s, arg, &v))
		return def;	/* read at run time, bounded by the default */
	if (v < 1 || v > STR_MAX_LEN) {
		sema_err(s, arg->loc, NULL, "%s(): the length must be from 1 to %d", call->name, STR_MAX_LEN);
		return def;
	}
	return (uint32_t)v + (call->name[0] == 's');
}

static void check_str(struct sema *s, struct node *call, struct node **args, int nargs)
{
	struct node *a = args[0];
	/* config max_strlen, BPFTRACE_MAX_STRLEN (sema's lang_config), 64 by default */
	uint32_t max = sema_max_strlen(s), size = max < STR_MAX_LEN ? max : STR_MAX_LEN;
	const char *param;

	if (a->kind == N_POSPARAM && !(a->flags & NF_ARGC)) {
		/* str($1): the parameter's text, "" when not given */
		param = sema_param(s, a);
		a->type = type_str(sema_arena(s), param ? (uint32_t)strlen(param) + 1 : 1);
		call->type = a->type;
		return;
	}
	sema_expr(s, a);
	if (nargs == 2) {
		sema_expr(s, args[1]);
		size = len_arg(s, call, args[1], size);
	}
	if (a->type && a->type->kind == TY_STR) {
		/* str(s, n) of a string: cut to n bytes (scry's; bpftrace refuses it) */
		call->type = nargs == 2 && size < a->type->size ? type_str(sema_arena(s), size) : a->type;
		return;
	}
	if (a->type && !type_is_intlike(a->type) && a->type->kind != TY_ARRAY)
		sema_err(s, a->loc, NULL, "str() needs a pointer or a string, not '%s'", type_name(a->type));
	call->type = type_str(sema_arena(s), size);
}

/*
 * buf(p, n) / buf(array[, n]) / buf(string, n): up to n bytes (at most
 * 1024), printed as bpftrace's buffers (%r).  Its value: the u64 length,
 * then the bytes.
 */
static void check_buf(struct sema *s, struct node *call, struct node **args, int nargs)
{
	struct type *t = type_new(sema_arena(s), TY_BUF);
	const struct type *at = args[0]->type;

	call->type = t;
	if (!t)
		return;
	t->size = 64;
	if (at && (at->kind == TY_ARRAY || at->kind == TY_STR)) {
		t->size = at->kind == TY_STR && at->size > 1 ? at->size - 1 : at->size;
	} else if (at && !type_is_intlike(at)) {
		sema_err(s, args[0]->loc, NULL, "buf() needs a pointer or an array, not '%s'",
			 type_name(at));
	} else if (nargs == 1) {
		sema_err(s, call->loc, "write buf(PTR, LEN)", "buf() of a pointer needs a length");
	}
	if (nargs == 2)
		t->size = len_arg(s, call, args[1], 64);	/* past a string: its zero padding */
}

static void check_strncmp(struct sema *s, struct node *call, struct node **args, int nargs)
{
	int64_t v;

	call->type = type_int(sema_arena(s), 8, true);
	want_str(s, call, args[0], 0);
	want_str(s, call, args[1], 1);
	if (want_int(s, call, args[2], 2) && !sema_const(s, args[2], &v))
		sema_err(s, args[2]->loc, NULL, "strncmp(): the length must be a constant");
}

static void check_strcontains(struct sema *s, struct node *call, struct node **args, int nargs)
{
	call->type = type_simple(sema_arena(s), TY_BOOL);
	want_str(s, call, args[0], 0);
	want_str(s, call, args[1], 1);
}

static void check_path(struct sema *s, struct node *call, struct node **args, int nargs)
{
	call->type = type_str(sema_arena(s), 64);
	if (args[0]->type && !type_is_intlike(args[0]->type))
		sema_err(s, args[0]->loc, NULL, "path() needs a pointer to a struct path, not '%s'",
			 type_name(args[0]->type));
}

/* strerror(errno): the number travels, user space names it (strerror_r) as bpftrace does. */
static int strerror_format(const uint8_t *data, struct strbuf *out)
{
	char buf[256];
	int64_t n;

	memcpy(&n, data, sizeof(n));
	if (n < INT32_MIN || n > INT32_MAX)
		return strbuf_addf(out, "Unknown error %lld", (long long)n);
	return strbuf_addstr(out, strerror_r((int)n, buf, sizeof(buf)));
}

static void check_strerror(struct sema *s, struct node *call, struct node **args, int nargs)
{
	struct type *t = type_new(sema_arena(s), TY_FORMATTED);

	call->type = t;
	if (t) {
		t->name = "strerror";
		t->size = 8;
		t->format = strerror_format;
	}
	want_int(s, call, args[0], 0);
}


/*
 * str(p[, n]): at most n bytes and the NUL, read from p's address space
 * into a zeroed slot; str(s) of a string copies (and cuts) it; str($1) is
 * the parameter's text.
 */
static struct cg_val str_gen(struct pcg *p, const struct node *e)
{
	const struct node *a0 = cgb_arg(e, 0), *a1 = cgb_arg(e, 1);
	uint32_t size = e->type && e->type->kind == TY_STR ? e->type->size : 64, n;
	struct cg_val src;
	int fp, a[3];

	if (a0->kind == N_POSPARAM) {
		const char *text = a0->flags & NF_ARGC ? NULL : cgb_param(p, (int64_t)a0->ival);

		text = text ? text : "";
		return cg_mem(cgb_string(p, text, (uint32_t)strnlen(text, size - 1), size));
	}
	src = cgb_expr(p, a0);
	fp = cgb_dest(p, size, true);	/* in place when it can: the read stops at the NUL */
	if (src.mem) {
		uint32_t i;

		n = cgb_size(a0) < cgb_stack_size(size) ? cgb_size(a0) : cgb_stack_size(size);
		cgb_copy(p, fp, src.fp, n);
		if (a0->type && size < a0->type->size) {
			int z = cgb_imm(p, 0);

			for (i = size - 1; i < n; i++)	/* the NUL, and the rest of the slot zeroed */
				cgb_store(p, fp + (int)i, z, 1);
		}
		return cg_mem(fp);
	}
	a[0] = cgb_fp_addr(p, fp);
	if (a1) {
		/* n + 1 bytes with the NUL, within the buffer */
		int lim = cgb_mov(p, cgb_expr(p, a1).reg), ok = cgb_label_new(p);

		cgb_alu_imm(p, BPF_ADD, lim, 1);
		cgb_jmp_imm(p, BPF_JLE, lim, (int32_t)size, ok);
		cgb_alu_imm(p, BPF_MOV, lim, (int32_t)size);
		cgb_label(p, ok);
		a[1] = lim;
	} else {
		a[1] = cgb_imm(p, size);
	}
	a[2] = src.reg;
	cgb_helper(p, cgb_read_helper(a0, true), 3, a);
	return cg_mem(fp);
}


static struct cg_val strerror_gen(struct pcg *p, const struct node *e)
{
	int fp = cgb_stack(p, 8);

	cgb_store(p, fp, cgb_expr(p, cgb_arg(e, 0)).reg, 8);
	return cg_mem(fp);
}

/* A string argument on the stack, and how many bytes of it can be read. */
static int str_arg(struct pcg *p, const struct node *a, uint32_t *size)
{
	struct cg_val v = cgb_expr(p, a);

	*size = a->type ? a->type->size : 0;
	return v.fp;
}

/*
 * strncmp(s1, s2, n): 0 when the first n bytes agree (up to a NUL in
 * both), 1 when they differ, as bpftrace.
 */
static struct cg_val strncmp_gen(struct pcg *p, const struct node *e)
{
	uint32_t sa, sb, i, n;
	int fa = str_arg(p, cgb_arg(e, 0), &sa), fb = str_arg(p, cgb_arg(e, 1), &sb);
	int r = cgb_imm(p, 0), differ = cgb_label_new(p), out = cgb_label_new(p), x, y;
	int64_t lim = 0;

	cgb_const(p, cgb_arg(e, 2), &lim);
	n = lim < 0 ? 0 : (uint64_t)lim > (sa > sb ? sa : sb) ? (sa > sb ? sa : sb) : (uint32_t)lim;
	for (i = 0; i < n; i++) {
		if (i >= sa && i >= sb)
			break;	/* both buffers full: equal */
		if (i >= sa || i >= sb) {
			/* past one buffer: that string ended, the other must end here too */
			x = cgb_load(p, (i >= sa ? fb : fa) + (int)i, 1);
			cgb_jmp_imm(p, BPF_JNE, x, 0, differ);
			break;
		}
		x = cgb_load(p, fa + (int)i, 1);
		y = cgb_load(p, fb + (int)i, 1);
		cgb_jmp_reg(p, BPF_JNE, x, y, differ);
		cgb_jmp_imm(p, BPF_JEQ, x, 0, out);
	}
	cgb_ja(p, out);
	cgb_label(p, differ);
	cgb_alu_imm(p, BPF_MOV, r, 1);
	cgb_label(p, out);
	return cg_reg(r);
}

/* strcontains(h, n): 1 when n occurs in h (up to their NULs). */
static struct cg_val strcontains_gen(struct pcg *p, const struct node *e)
{
	const struct node *na = cgb_arg(e, 1);
	uint32_t sh, sn, i, j, nlen;
	int fh = str_arg(p, cgb_arg(e, 0), &sh), fn = str_arg(p, na, &sn);
	int r = cgb_imm(p, 1), found = cgb_label_new(p), out = cgb_label_new(p), x, y;

	/* a literal needle unrolls by its length; any other by its buffer, ending at its NUL */
	nlen = na->kind == N_STR ? (uint32_t)na->slen : sn;
	if ((uint64_t)sh * (nlen + 1) > 16384) {
		cgb_error(p, e, "strcontains(): the strings are too long to compare here");
		return cg_reg(r);
	}
	if (na->kind == N_STR && !nlen)
		return cg_reg(r);
	for (i = 0; i < sh; i++) {
		int next = cgb_label_new(p);

		for (j = 0; j < nlen; j++) {
			y = cgb_load(p, fn + (int)j, 1);
			if (na->kind != N_STR)
				cgb_jmp_imm(p, BPF_JEQ, y, 0, found);	/* the whole needle matched */
			if (i + j >= sh) {
				cgb_ja(p, next);
				break;
			}
			x = cgb_load(p, fh + (int)(i + j), 1);
			cgb_jmp_reg(p, BPF_JNE, x, y, next);
			cgb_jmp_imm(p, BPF_JEQ, x, 0, next);
		}
		cgb_ja(p, found);
		cgb_label(p, next);
		/* the haystack ended: no later start can match */
		x = cgb_load(p, fh + (int)i, 1);
		cgb_jmp_imm(p, BPF_JEQ, x, 0, out);
	}
	cgb_label(p, out);
	cgb_alu_imm(p, BPF_MOV, r, 0);
	cgb_label(p, found);
	return cg_reg(r);
}


static struct cg_val buf_gen(struct pcg *p, const struct node *e)
{
	const struct node *a0 = cgb_arg(e, 0), *a1 = cgb_arg(e, 1);
	uint32_t size = e->type->size;
	int fp = cgb_stack(p, 8 + size), len, a[3];
	struct cg_val src = cgb_expr(p, a0);
	int64_t n;

	if (!a1 || cgb_const(p, a1, &n)) {
		len = cgb_imm(p, size);
	} else {
		/* a length known at run time: at most the buffer's */
		int ok = cgb_label_new(p);

		len = cgb_mov(p, cgb_expr(p, a1).reg);
		cgb_jmp_imm(p, BPF_JLE, len, (int32_t)size, ok);
		cgb_alu_imm(p, BPF_MOV, len, (int32_t)size);
		cgb_label(p, ok);
	}
	cgb_store(p, fp, len, 8);
	if (src.mem) {
		uint32_t have = cgb_size(a0), i;
		int z = cgb_imm(p, 0);

		cgb_copy(p, fp + 8, src.fp, have < cgb_stack_size(size) ? have : cgb_stack_size(size));
		for (i = size; i < cgb_stack_size(size) && i < have; i++)
			cgb_store(p, fp + 8 + (int)i, z, 1);	/* nothing past the length */
		return cg_mem(fp);
	}
	a[0] = cgb_fp_addr(p, fp + 8);
	a[1] = len;
	a[2] = src.reg;
	cgb_helper(p, cgb_read_helper(a0, false), 3, a);
	return cg_mem(fp);
}

const struct lang_func func_str = { "str", 1, 2, LF_RAW, 0, "str(ADDR[, LEN])", check_str, str_gen };
const struct lang_func func_buf = { "buf", 1, 2, 0, 0, "buf(ADDR, LEN)", check_buf, buf_gen };
const struct lang_func func_strncmp = { "strncmp", 3, 3, 0, 0, "strncmp(S1, S2, N)", check_strncmp, strncmp_gen };
const struct lang_func func_strcontains = { "strcontains", 2, 2, 0, 0, "strcontains(HAYSTACK, NEEDLE)",
					    check_strcontains, strcontains_gen };
const struct lang_func func_path = { "path", 1, 2, 0, 0, "path(PATH[, LEN])", check_path };
const struct lang_func func_strerror = { "strerror", 1, 1, 0, 0, "strerror(ERRNO)", check_strerror, strerror_gen };
