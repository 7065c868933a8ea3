// SPDX-License-Identifier: GPL-2.0
/*
 * Addresses, symbols, stacks and the kernel's view of things: ksym, usym,
 * kaddr, uaddr, kstack, ustack, reg, percpu_kaddr, ntop, macaddr, cgroupid,
 * cgroup_path, kptr, uptr, bswap, pton.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <linux/bpf.h>

#include "lang/env.h"
#include "lang/sema.h"
#include "sym/regs.h"
#include "util/strbuf.h"

/* A value that user space formats (lang/types.h TY_FORMATTED): size bytes. */
static struct type *formatted(struct sema *s, const char *name, uint32_t size,
			      int (*format)(const uint8_t *data, struct strbuf *out))
{
	struct type *t = type_new(sema_arena(s), TY_FORMATTED);

	if (t) {
		t->name = name;
		t->size = size;
		t->format = format;
	}
	return t;
}

static void check_ksym(struct sema *s, struct node *call, struct node **args, int nargs)
{
	call->type = type_simple(sema_arena(s), call->name[0] == 'k' ? TY_KSYM : TY_USYM);
	want_int(s, call, args[0], 0);
}

static void check_kaddr(struct sema *s, struct node *call, struct node **args, int nargs)
{
	call->type = type_int(sema_arena(s), 8, false);
	want_literal_str(s, call, args[0], 0);
	if (nargs == 2)
		want_int(s, call, args[1], 1);
}

static void check_uaddr(struct sema *s, struct node *call, struct node **args, int nargs)
{
	struct type *t = type_int(sema_arena(s), 8, false);

	call->type = t ? type_ptr(sema_arena(s), t, true) : NULL;
	want_literal_str(s, call, args[0], 0);
}

/* kstack([MODE][, LIMIT]): MODE is a bare word. */
static void check_stack(struct sema *s, struct node *call, struct node **args, int nargs)
{
	static const char *const modes[] = { "bpftrace", "perf", "raw", NULL };
	int i = 0;
	int64_t v;

	call->type = type_simple(sema_arena(s), call->name[0] == 'k' ? TY_KSTACK : TY_USTACK);
	if (nargs && args[0]->kind == N_BUILTIN) {
		size_t k;

		for (k = 0; modes[k] && strcmp(modes[k], args[0]->name); k++)
			;
		if (!modes[k])
			sema_err(s, args[0]->loc, "the modes are bpftrace, perf and raw",
				 "%s(): unknown stack mode '%s'", call->name, args[0]->name);
		args[0]->type = type_simple(sema_arena(s), TY_NONE);
		i = 1;
	}
	if (i < nargs) {
		sema_expr(s, args[i]);
		if (!sema_const(s, args[i], &v) || v < 1 || v > 1024)
			sema_err(s, args[i]->loc, NULL, "%s(): the limit must be a constant from 1 to 1024",
				 call->name);
		i++;
	}
	if (i < nargs)
		sema_err(s, args[i]->loc, NULL, "%s(): unexpected argument", call->name);
}

static void check_reg(struct sema *s, struct node *call, struct node **args, int nargs)
{
	const char *names[PT_NR_REGS + 1], *best;
	char hint[64];
	size_t i;

	call->type = type_int(sema_arena(s), 8, false);
	if (!want_literal_str(s, call, args[0], 0) || pt_reg_offset(args[0]->str) >= 0)
		return;
	for (i = 0; i < PT_NR_REGS; i++)
		names[i] = pt_regs[i].name;
	names[i] = NULL;
	best = did_you_mean(args[0]->str, names);
	snprintf(hint, sizeof(hint), "did you mean '%s'?", best ?: "");
	sema_err(s, args[0]->loc, best ? hint : NULL, "reg(): unknown register '%s'", args[0]->str);
}

/*
 * ntop: 8 bytes of address family (AF_INET, AF_INET6), then the address in
 * network order (4 or 16 bytes), printed by inet_ntop() as bpftrace does.
 */
#define INET_SIZE 24

static int inet_format(const uint8_t *data, struct strbuf *out)
{
	char text[INET6_ADDRSTRLEN];
	uint64_t af;

	memcpy(&af, data, sizeof(af));
	if (!inet_ntop(af == AF_INET6 ? AF_INET6 : AF_INET, data + 8, text, sizeof(text)))
		return strbuf_addstr(out, "");
	return strbuf_addstr(out, text);
}

static void check_ntop(struct sema *s, struct node *call, struct node **args, int nargs)
{
	struct node *a = args[nargs - 1];
	const struct type *t = a->type;

	call->type = formatted(s, "inet", INET_SIZE, inet_format);
	if (nargs == 2)
		want_int(s, call, args[0], 0);
	if (!t || t->kind == TY_UNKNOWN)
		return;
	if (type_is_int(t))
		return;
	if ((t->kind == TY_ARRAY || t->kind == TY_BUF) && (t->size == 4 || t->size == 16))
		return;
	sema_err(s, a->loc, NULL, "ntop() needs an IPv4 integer or a 4 or 16 byte array, not '%s'",
		 type_name(t));
}

/* macaddr: the 6 bytes, as bpftrace prints them ("%02X:..."). */
static int mac_format(const uint8_t *d, struct strbuf *out)
{
	return strbuf_addf(out, "%02X:%02X:%02X:%02X:%02X:%02X", d[0], d[1], d[2], d[3], d[4], d[5]);
}

static void check_macaddr(struct sema *s, struct node *call, struct node **args, int nargs)
{
	const struct type *t = args[0]->type;

	call->type = formatted(s, "macaddr", 8, mac_format);
	if (args[0]->kind == N_STR)
		sema_err(s, args[0]->loc, NULL, "macaddr() does not take a literal string");
	else if (t && !type_is_intlike(t) && !((t->kind == TY_ARRAY || t->kind == TY_BUF) && t->size == 6))
		sema_err(s, args[0]->loc, NULL, "macaddr() needs a pointer or a 6 byte array, not '%s'",
			 type_name(t));
}

static void check_cgroupid(struct sema *s, struct node *call, struct node **args, int nargs)
{
	call->type = type_int(sema_arena(s), 8, false);
	want_literal_str(s, call, args[0], 0);
}

/*
 * cgroup_path(id): the cgroup's path in every mounted hierarchy that has
 * it, "unified:/x,blkio:/y,..." as bpftrace 0.17 prints it (cgroup v2
 * first, then the v1 hierarchies by name).  Resolved in user space when
 * printed, from /proc/mounts and the cgroup file systems.
 */
static int cg_id_of(const char *path, uint64_t *id)
{
	union {
		struct file_handle fh;
		char buf[sizeof(struct file_handle) + 8];
	} h;
	int mount_id;
	struct stat st;

	h.fh.handle_bytes = 8;
	if (!name_to_handle_at(AT_FDCWD, path, &h.fh, &mount_id, 0) && h.fh.handle_bytes == 8) {
		memcpy(id, h.fh.f_handle, 8);
		return 0;
	}
	if (stat(path, &st))
		return -errno;
	*id = st.st_ino;
	return 0;
}

/* Finds the directory under dir (path, of room size) whose cgroup id is id; depth-limited. */
static bool cg_find(char *path, size_t room, uint64_t id, int depth)
{
	size_t len = strlen(path);
	struct dirent *d;
	uint64_t have = ~id;	/* never id unless read */
	bool found = false;
	DIR *dir;

	if (!cg_id_of(path, &have) && have == id)
		return true;
	if (depth > 32 || !(dir = opendir(path)))
		return false;
	while (!found && (d = readdir(dir))) {
		if (d->d_type != DT_DIR || d->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path + len, room - len, "/%s", d->d_name) >= room - len)
			continue;
		found = cg_find(path, room, id, depth + 1);
		if (!found)
			path[len] = '\0';
	}
	closedir(dir);
	return found;
}

struct cg_hier {
	char name[64];
	char mnt[PATH_MAX];
	bool v2;
};

static int cg_hier_cmp(const void *a, const void *b)
{
	const struct cg_hier *x = a, *y = b;

	if (x->v2 != y->v2)
		return x->v2 ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* The hierarchy's name from its mount options: its controllers, or name=X. */
static void cg_hier_name(char *opts, char *name, size_t size)
{
	static const char *const flags[] = { "rw", "ro", "relatime", "noatime", "nosuid", "nodev",
					     "noexec", "seclabel", "xattr", "clone_children",
					     "nsdelegate", "memory_recursiveprot", NULL };
	char *o, *save = NULL;
	size_t n = 0, k;

	name[0] = '\0';
	for (o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		for (k = 0; flags[k] && strcmp(flags[k], o); k++)
			;
		if (flags[k] || strchr(o, '=') != (strncmp(o, "name=", 5) ? NULL : o + 4))
			continue;
		if (!strncmp(o, "name=", 5))
			o += 5;
		n += (size_t)snprintf(name + n, n < size ? size - n : 0, "%s%s", n ? "," : "", o);
	}
}

static int cgpath_format(const uint8_t *data, struct strbuf *out)
{
	struct cg_hier *h = NULL, *nh;
	char line[4096], dev[256], mnt[PATH_MAX], type[64], opts[1024];
	char path[PATH_MAX];
	size_t n = 0, i;
	uint64_t id;
	bool first = true;
	int err = 0;
	FILE *f;

	memcpy(&id, data, sizeof(id));
	f = fopen("/proc/mounts", "re");
	if (!f)
		return strbuf_addstr(out, "");
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%255s %4095s %63s %1023s", dev, mnt, type, opts) != 4 ||
		    (strcmp(type, "cgroup") && strcmp(type, "cgroup2")))
			continue;
		nh = realloc(h, (n + 1) * sizeof(*h));
		if (!nh)
			break;
		h = nh;
		h[n].v2 = !strcmp(type, "cgroup2");
		snprintf(h[n].mnt, sizeof(h[n].mnt), "%s", mnt);
		if (h[n].v2)
			snprintf(h[n].name, sizeof(h[n].name), "unified");
		else
			cg_hier_name(opts, h[n].name, sizeof(h[n].name));
		n++;
	}
	fclose(f);
	if (n)
		qsort(h, n, sizeof(*h), cg_hier_cmp);
	for (i = 0; i < n && !err; i++) {
		snprintf(path, sizeof(path), "%s", h[i].mnt);
		if (!cg_find(path, sizeof(path), id, 0))
			continue;
		err = strbuf_addf(out, "%s%s:%s", first ? "" : ",", h[i].name,
				  path[strlen(h[i].mnt)] ? path + strlen(h[i].mnt) : "/");
		first = false;
	}
	free(h);
	return err;
}

static void check_cgroup_path(struct sema *s, struct node *call, struct node **args, int nargs)
{
	call->type = formatted(s, "cgroup_path", 8, cgpath_format);
	want_int(s, call, args[0], 0);
	if (nargs == 2 && want_literal_str(s, call, args[1], 1))
		sema_err(s, args[1]->loc, NULL, "cgroup_path(): the filter is not supported by scry yet");
}

static void check_kptr(struct sema *s, struct node *call, struct node **args, int nargs)
{
	call->type = args[0]->type;
	if (args[0]->type && args[0]->type->kind == TY_PTR) {
		struct type *t = type_ptr(sema_arena(s), args[0]->type->elem, call->name[0] == 'u');

		call->type = t;
		return;
	}
	want_int(s, call, args[0], 0);
}

/* bswap(n): the bytes of n's width reversed; unsigned as bpftrace's. */
static void check_bswap(struct sema *s, struct node *call, struct node **args, int nargs)
{
	const struct type *t = args[0]->type;

	call->type = type_int(sema_arena(s), t && type_is_int(t) && t->size ? t->size : 8, false);
	want_int(s, call, args[0], 0);
}


/* ksym(addr) / usym(addr): the address (and the pid), named in user space. */
static struct cg_val ksym_gen(struct pcg *p, const struct node *e)
{
	return cgb_sym(p, e, cgb_expr(p, cgb_arg(e, 0)).reg, e->name[0] == 'u');
}

static struct cg_val stack_gen(struct pcg *p, const struct node *e)
{
	return cgb_stack_value(p, e, e->name[0] == 'u');
}

/* kaddr("sym"): the address from the kernel's symbols, known at compile time. */
static struct cg_val kaddr_gen(struct pcg *p, const struct node *e)
{
	const struct lang_env *env = cgb_env(p);
	const struct node *name = cgb_arg(e, 0);
	uint64_t addr = 0;

	if (!env->kernel_sym || env->kernel_sym(env->ctx, name->str, &addr) || !addr) {
		cgb_errorf(p, name, "no kernel symbol '%s' in /proc/kallsyms", name->str);
		return cg_reg(cgb_imm(p, 0));
	}
	return cg_reg(cgb_imm(p, (int64_t)addr));
}

/* uaddr("sym"): the symbol's address in the probe's binary (not PIE: it loads where it says). */
static struct cg_val uaddr_gen(struct pcg *p, const struct node *e)
{
	const struct lang_env *env = cgb_env(p);
	const struct node *name = cgb_arg(e, 0);
	const char *path = cgb_user_path(p);
	uint64_t addr = 0;
	bool fixed = false;
	int err;

	if (!path) {
		cgb_error(p, e, "uaddr() needs a uprobe or usdt probe");
		return cg_reg(cgb_imm(p, 0));
	}
	err = env->user_sym ? env->user_sym(env->ctx, path, name->str, &addr, &fixed) : -ENOENT;
	if (err == -ENOENT || (!err && !addr))
		cgb_errorf(p, name, "no symbol '%s' in '%s'", name->str, path);
	else if (err)
		cgb_fail(p);	/* reported */
	else if (!fixed)
		cgb_errorf(p, e, "uaddr(): '%s' is position-independent: its addresses are known "
			   "only when it runs", path);
	return cg_reg(cgb_imm(p, (int64_t)addr));
}

/* kptr()/uptr(): the value unchanged; the address space is in the type. */
static struct cg_val kptr_gen(struct pcg *p, const struct node *e)
{
	return cgb_expr(p, cgb_arg(e, 0));
}


static struct cg_val reg_gen(struct pcg *p, const struct node *e)
{
	return cgb_ctx_reg(p, e, (int16_t)pt_reg_offset(cgb_arg(e, 0)->str));
}

static struct cg_val bswap_gen(struct pcg *p, const struct node *e)
{
	int r = cgb_mov(p, cgb_expr(p, cgb_arg(e, 0)).reg);
	uint32_t size = e->type ? e->type->size : 8;

	if (size > 1)
		cgb_bswap(p, r, (int)size * 8);
	return cg_reg(r);
}

/*
 * Reads (or copies) the size bytes of value a into the slot at fp: from a
 * pointer (an integer too when int_is_ptr) through the helper of its
 * address space, from an array already on the stack, or an integer's own
 * bytes.
 */
static void bytes_of(struct pcg *p, const struct node *a, int fp, uint32_t size, bool int_is_ptr)
{
	const struct type *t = a->type;
	struct cg_val v = cgb_expr(p, a);
	int args[3];

	if (v.mem) {
		cgb_copy(p, fp, v.fp, cgb_stack_size(size) < cgb_size(a) ? cgb_stack_size(size) : cgb_size(a));
	} else if (int_is_ptr || (t && t->kind == TY_PTR)) {
		args[0] = cgb_fp_addr(p, fp);
		args[1] = cgb_imm(p, size);
		args[2] = v.reg;
		cgb_helper(p, cgb_read_helper(a, false), 3, args);
	} else {
		cgb_store(p, fp, v.reg, size > 4 ? 8 : 4);
	}
}

/* ntop([af, ]addr): the family (from the size when not given), then the address. */
static struct cg_val ntop_gen(struct pcg *p, const struct node *e)
{
	const struct node *a = cgb_arg(e, e->kids->next ? 1 : 0);
	int fp = cgb_stack(p, INET_SIZE);
	uint32_t size = a->type && !type_is_int(a->type) && a->type->size == 16 ? 16 : 4;

	if (e->kids->next)
		cgb_store(p, fp, cgb_expr(p, e->kids).reg, 8);
	else
		cgb_store(p, fp, cgb_imm(p, size == 16 ? AF_INET6 : AF_INET), 8);
	if (a->type && type_is_int(a->type) && e->kids->next)
		size = 4;	/* an integer is an IPv4 address */
	bytes_of(p, a, fp + 8, size, false);
	return cg_mem(fp);
}

static struct cg_val macaddr_gen(struct pcg *p, const struct node *e)
{
	int fp = cgb_stack(p, 8);

	bytes_of(p, cgb_arg(e, 0), fp, 6, true);
	return cg_mem(fp);
}


/* pton("addr"): the address's bytes in network order, an array of 4 or 16 u8, known at compile time. */
static int pton_parse(const char *text, uint8_t out[16])
{
	if (inet_pton(AF_INET, text, out) == 1)
		return 4;
	if (inet_pton(AF_INET6, text, out) == 1)
		return 16;
	return 0;
}

static void check_pton(struct sema *s, struct node *call, struct node **args, int nargs)
{
	struct type *t = type_new(sema_arena(s), TY_ARRAY);
	uint8_t bytes[16];
	int n = 4;

	if (want_literal_str(s, call, args[0], 0) && !(n = pton_parse(args[0]->str, bytes))) {
		sema_err(s, args[0]->loc, NULL, "pton(): '%s' is not an IPv4 or IPv6 address", args[0]->str);
		n = 4;
	}
	call->type = t;
	if (t) {
		t->elem = type_int(sema_arena(s), 1, false);
		t->nelem = (uint32_t)n;
		t->size = (uint32_t)n;
	}
}

static struct cg_val pton_gen(struct pcg *p, const struct node *e)
{
	uint8_t b[16] = { 0 };
	int n = pton_parse(cgb_arg(e, 0)->str, b), fp = cgb_stack(p, 16), i;

	for (i = 0; i < n; i += 4)
		cgb_store(p, fp + i, cgb_imm(p, (int32_t)(b[i] | b[i + 1] << 8 | b[i + 2] << 16 |
							   (uint32_t)b[i + 3] << 24)), 4);
	return cg_mem(fp);
}


/* cgroupid("/sys/fs/cgroup/unified/x"): the cgroup's id, known at compile time. */
static struct cg_val cgroupid_gen(struct pcg *p, const struct node *e)
{
	const struct lang_env *env = cgb_env(p);
	const struct node *path = cgb_arg(e, 0);
	uint64_t id = 0;
	int err = env->cgroup_id ? env->cgroup_id(env->ctx, path->str, &id) : -ENOSYS;

	if (err == -ENOSYS)
		cgb_errorf(p, path, "cgroupid(): the cgroup ids are not known here");
	else if (err)
		cgb_errorf(p, path, "cgroupid(): no cgroup id for '%s': %s", path->str, strerror(-err));
	return cg_reg(cgb_imm(p, (int64_t)id));
}


static struct cg_val cgroup_path_gen(struct pcg *p, const struct node *e)
{
	int fp = cgb_stack(p, 8);

	cgb_store(p, fp, cgb_expr(p, cgb_arg(e, 0)).reg, 8);
	return cg_mem(fp);
}


/*
 * percpu_kaddr("var"[, cpu]): the address of a per-CPU kernel variable on
 * this CPU (bpf_this_cpu_ptr) or on cpu (bpf_per_cpu_ptr: 0 past the last
 * CPU), from the variable's BTF id.
 */
static struct cg_val percpu_kaddr_gen(struct pcg *p, const struct node *e)
{
	const struct lang_env *env = cgb_env(p);
	const struct node *name = cgb_arg(e, 0), *cpu = cgb_arg(e, 1);
	int id = env->btf_var_id ? env->btf_var_id(env->ctx, name->str) : -ENOSYS;
	uint64_t addr;
	int a[2];

	if (id < 0) {
		cgb_errorf(p, name, id == -ENOENT ? "percpu_kaddr(): no kernel variable '%s' in the kernel's BTF" :
			   "percpu_kaddr(): kernel variables are not known here (no BTF)", name->str);
		return cg_reg(cgb_imm(p, 0));
	}
	if (env->kernel_sym && env->kernel_sym(env->ctx, name->str, &addr)) {
		/* the kernel resolves the BTF variable through kallsyms */
		cgb_errorf(p, name, "percpu_kaddr(): '%s' is not in /proc/kallsyms (the kernel needs "
			   "CONFIG_KALLSYMS_ALL)", name->str);
		return cg_reg(cgb_imm(p, 0));
	}
	a[0] = cgb_kernel_var(p, id);
	if (!cpu)
		return cg_reg(cgb_helper(p, BPF_FUNC_this_cpu_ptr, 1, a));
	a[1] = cgb_expr(p, cpu).reg;
	return cg_reg(cgb_helper(p, BPF_FUNC_per_cpu_ptr, 2, a));
}

const struct lang_func func_ksym = { "ksym", 1, 1, 0, 0, "ksym(ADDR)", check_ksym, ksym_gen };
const struct lang_func func_usym = { "usym", 1, 1, 0, 0, "usym(ADDR)", check_ksym, ksym_gen };
const struct lang_func func_kaddr = { "kaddr", 1, 1, 0, 0, "kaddr(\"SYMBOL\")", check_kaddr, kaddr_gen };
const struct lang_func func_percpu_kaddr = { "percpu_kaddr", 1, 2, 0, 0,
					     "percpu_kaddr(\"SYMBOL\"[, CPU])", check_kaddr, percpu_kaddr_gen };
const struct lang_func func_uaddr = { "uaddr", 1, 1, 0, CTX_USER, "uaddr(\"SYMBOL\")", check_uaddr, uaddr_gen };
const struct lang_func func_kstack = { "kstack", 0, 2, LF_RAW, 0, "kstack([MODE][, LIMIT])",
				       check_stack, stack_gen };
const struct lang_func func_ustack = { "ustack", 0, 2, LF_RAW, 0, "ustack([MODE][, LIMIT])",
				       check_stack, stack_gen };
const struct lang_func func_reg = { "reg", 1, 1, 0, 0, "reg(\"NAME\")", check_reg, reg_gen };
const struct lang_func func_ntop = { "ntop", 1, 2, 0, 0, "ntop([AF, ]ADDR)", check_ntop, ntop_gen };
const struct lang_func func_macaddr = { "macaddr", 1, 1, 0, 0, "macaddr(ADDR)", check_macaddr, macaddr_gen };
const struct lang_func func_cgroupid = { "cgroupid", 1, 1, 0, 0, "cgroupid(\"PATH\")", check_cgroupid, cgroupid_gen };
const struct lang_func func_cgroup_path = { "cgroup_path", 1, 2, 0, 0, "cgroup_path(ID[, FILTER])",
					    check_cgroup_path, cgroup_path_gen };
const struct lang_func func_kptr = { "kptr", 1, 1, 0, 0, "kptr(ADDR)", check_kptr, kptr_gen };
const struct lang_func func_uptr = { "uptr", 1, 1, 0, 0, "uptr(ADDR)", check_kptr, kptr_gen };
const struct lang_func func_bswap = { "bswap", 1, 1, 0, 0, "bswap(N)", check_bswap, bswap_gen };
const struct lang_func func_pton = { "pton", 1, 1, 0, 0, "pton(\"ADDRESS\")", check_pton, pton_gen };
