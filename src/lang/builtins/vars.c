// SPDX-License-Identifier: GPL-2.0
/*
 * Built-in variables: pid, comm, args, retval...  Each carries its code
 * generation (codegen/builtin_api.h); args and ctx are read through their
 * fields by the code generator.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

#include "lang/env.h"
#include "lang/sema.h"
#include "sym/regs.h"
#include "util/strbuf.h"

static struct type *u32(struct sema *s) { return type_int(sema_arena(s), 4, false); }
static struct type *u64(struct sema *s) { return type_int(sema_arena(s), 8, false); }
static struct type *s64(struct sema *s) { return type_int(sema_arena(s), 8, true); }
static struct type *u8(struct sema *s) { return type_int(sema_arena(s), 1, false); }
static struct type *comm(struct sema *s) { return type_str(sema_arena(s), 16); }
static struct type *str64(struct sema *s) { return type_str(sema_arena(s), 64); }
static struct type *kstack(struct sema *s) { return type_simple(sema_arena(s), TY_KSTACK); }
static struct type *ustack(struct sema *s) { return type_simple(sema_arena(s), TY_USTACK); }
static struct type *unknown(struct sema *s) { return type_simple(sema_arena(s), TY_UNKNOWN); }

static struct type *func(struct sema *s)
{
	return type_simple(sema_arena(s), sema_ctx(s) & CTX_USER ? TY_USYM : TY_KSYM);
}

static struct type *curtask(struct sema *s)
{
	struct type *t = type_new(sema_arena(s), TY_RECORD);

	if (!t)
		return NULL;
	t->name = "struct task_struct";
	return type_ptr(sema_arena(s), t, false);
}

/*
 * username: the program sends the uid (8 bytes), user space names it as
 * bpftrace does (the number when the user has no name).
 */
static int username_format(const uint8_t *data, struct strbuf *out)
{
	struct passwd pw, *res = NULL;
	uint32_t uid;
	char buf[1024];

	memcpy(&uid, data, sizeof(uid));
	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) || !res)
		return strbuf_addf(out, "%u", uid);
	return strbuf_addstr(out, res->pw_name);
}

static struct type *username(struct sema *s)
{
	struct type *t = type_new(sema_arena(s), TY_FORMATTED);

	if (t) {
		t->name = "username";
		t->size = 8;
		t->format = username_format;
	}
	return t;
}

static struct cg_val username_gen(struct pcg *p, const struct node *e)
{
	int r = cgb_helper(p, BPF_FUNC_get_current_uid_gid, 0, NULL);

	cgb_alu_imm(p, BPF_LSH, r, 32);	/* the low 32 bits: the uid */
	cgb_alu_imm(p, BPF_RSH, r, 32);
	return cg_reg(r);
}

/* The value of a helper without arguments. */
static struct cg_val helper0(struct pcg *p, int helper)
{
	return cg_reg(cgb_helper(p, helper, 0, NULL));
}

/* The low (high: shift 32) half of a helper's u64. */
static struct cg_val helper_half(struct pcg *p, int helper, bool high)
{
	int r = cgb_helper(p, helper, 0, NULL);

	if (!high)
		cgb_alu_imm(p, BPF_LSH, r, 32);
	cgb_alu_imm(p, BPF_RSH, r, 32);
	return cg_reg(r);
}

static struct cg_val pid_gen(struct pcg *p, const struct node *e)
{
	return helper_half(p, BPF_FUNC_get_current_pid_tgid, true);
}

static struct cg_val tid_gen(struct pcg *p, const struct node *e)
{
	return helper_half(p, BPF_FUNC_get_current_pid_tgid, false);
}

static struct cg_val uid_gen(struct pcg *p, const struct node *e)
{
	return helper_half(p, BPF_FUNC_get_current_uid_gid, false);
}

static struct cg_val gid_gen(struct pcg *p, const struct node *e)
{
	return helper_half(p, BPF_FUNC_get_current_uid_gid, true);
}

static struct cg_val cpu_gen(struct pcg *p, const struct node *e)
{
	return helper0(p, BPF_FUNC_get_smp_processor_id);
}

static struct cg_val nsecs_gen(struct pcg *p, const struct node *e)
{
	return helper0(p, BPF_FUNC_ktime_get_ns);
}

static struct cg_val jiffies_gen(struct pcg *p, const struct node *e)
{
	return helper0(p, BPF_FUNC_jiffies64);
}

static struct cg_val cgroup_gen(struct pcg *p, const struct node *e)
{
	return helper0(p, BPF_FUNC_get_current_cgroup_id);
}

static struct cg_val curtask_gen(struct pcg *p, const struct node *e)
{
	return helper0(p, BPF_FUNC_get_current_task);
}

static struct cg_val rand_gen(struct pcg *p, const struct node *e)
{
	return helper0(p, BPF_FUNC_get_prandom_u32);
}

/* numaid: the NUMA node of the CPU the probe runs on. */
static struct cg_val numaid_gen(struct pcg *p, const struct node *e)
{
	return helper0(p, BPF_FUNC_get_numa_node_id);
}


static struct cg_val elapsed_gen(struct pcg *p, const struct node *e)
{
	int r = cgb_helper(p, BPF_FUNC_ktime_get_ns, 0, NULL);

	cgb_alu_reg(p, BPF_SUB, r, cgb_imm(p, (int64_t)cgb_env(p)->start_ns));
	return cg_reg(r);
}

static struct cg_val ncpus_gen(struct pcg *p, const struct node *e)
{
	return cg_reg(cgb_imm(p, cgb_env(p)->ncpus));
}

static struct cg_val comm_gen(struct pcg *p, const struct node *e)
{
	int fp = cgb_dest(p, 16, false), a[2];	/* the helper pads with NULs */

	a[0] = cgb_fp_addr(p, fp);
	a[1] = cgb_imm(p, 16);
	cgb_helper(p, BPF_FUNC_get_current_comm, 2, a);
	return cg_mem(fp);
}

/* Reads size bytes at the kernel address in reg into the zeroed slot fp; their value. */
static int read_kernel(struct pcg *p, int fp, int addr, uint32_t size)
{
	int a[3];

	a[0] = cgb_fp_addr(p, fp);
	a[1] = cgb_imm(p, size);
	a[2] = addr;
	cgb_helper(p, BPF_FUNC_probe_read_kernel, 3, a);
	return cgb_load(p, fp, size);
}

/* ppid: curtask->real_parent->tgid, with the offsets from the kernel's BTF. */
static struct cg_val ppid_gen(struct pcg *p, const struct node *e)
{
	const struct lang_env *env = cgb_env(p);
	uint32_t off_parent, off_tgid, sz_parent, sz_tgid;
	int task, fp;

	if (!env->btf_member ||
	    env->btf_member(env->ctx, "task_struct", "real_parent", &off_parent, &sz_parent) ||
	    env->btf_member(env->ctx, "task_struct", "tgid", &off_tgid, &sz_tgid) || sz_tgid != 4) {
		cgb_error(p, e, "'ppid' needs the kernel's BTF (/sys/kernel/btf/vmlinux)");
		return cg_reg(cgb_imm(p, 0));
	}
	fp = cgb_stack(p, 8);	/* one slot for both reads */
	task = cgb_helper(p, BPF_FUNC_get_current_task, 0, NULL);
	cgb_alu_imm(p, BPF_ADD, task, (int32_t)off_parent);
	task = read_kernel(p, fp, task, 8);
	cgb_alu_imm(p, BPF_ADD, task, (int32_t)off_tgid);
	return cg_reg(read_kernel(p, fp, task, 4));
}

static struct cg_val cpid_gen(struct pcg *p, const struct node *e)
{
	return cgb_cpid(p, e);
}

static struct cg_val probe_gen(struct pcg *p, const struct node *e)
{
	return cgb_probe_name(p, e);
}

/* arg0..argN: as the probe type gives them. */
static struct cg_val argn_gen(struct pcg *p, const struct node *e)
{
	return cgb_ctx_arg(p, e, atoi(e->name + 3));
}

/*
 * sarg0..sargN: the function's arguments on the stack, at entry
 * sp + 8 * (N + 1) (x86-64: past the return address), read from the
 * probed code's address space.
 */
static struct cg_val sargn_gen(struct pcg *p, const struct node *e)
{
	int sp = cgb_ctx_reg(p, e, PT_SP).reg, fp = cgb_stack(p, 8), a[3];

	cgb_alu_imm(p, BPF_ADD, sp, 8 * (atoi(e->name + 4) + 1));
	a[0] = cgb_fp_addr(p, fp);
	a[1] = cgb_imm(p, 8);
	a[2] = sp;
	cgb_helper(p, cgb_ctx_user(p) ? BPF_FUNC_probe_read_user : BPF_FUNC_probe_read_kernel, 3, a);
	return cg_reg(cgb_load(p, fp, 8));
}

static struct cg_val retval_gen(struct pcg *p, const struct node *e)
{
	return cgb_ctx_retval(p, e);
}

static struct cg_val func_gen(struct pcg *p, const struct node *e)
{
	return cgb_ctx_func(p, e);
}

/* usermode: the sample interrupted user code (cs's privilege level 3). */
static struct cg_val usermode_gen(struct pcg *p, const struct node *e)
{
	int r = cgb_ctx_reg(p, e, PT_CS).reg;

	cgb_alu_imm(p, BPF_AND, r, 3);
	cgb_alu_imm(p, BPF_RSH, r, 1);	/* 3 -> 1, 0 -> 0 */
	return cg_reg(r);
}

static struct cg_val ctx_gen(struct pcg *p, const struct node *e)
{
	return cgb_ctx_ptr(p);
}

static struct cg_val stack_gen(struct pcg *p, const struct node *e)
{
	return cgb_stack_value(p, e, e->name[0] == 'u');
}

const struct lang_var lang_vars[] = {
	{ "pid", 0, u32, pid_gen },
	{ "tid", 0, u32, tid_gen },
	{ "ppid", 0, u32, ppid_gen },
	{ "uid", 0, u32, uid_gen },
	{ "gid", 0, u32, gid_gen },
	{ "cpu", 0, u32, cpu_gen },
	{ "ncpus", 0, u32, ncpus_gen },
	{ "numaid", 0, u32, numaid_gen },
	{ "cpid", 0, u32, cpid_gen },
	{ "rand", 0, u32, rand_gen },
	{ "nsecs", 0, u64, nsecs_gen },
	{ "elapsed", 0, u64, elapsed_gen },
	{ "jiffies", 0, u64, jiffies_gen },
	{ "cgroup", 0, u64, cgroup_gen },
	{ "usermode", 0, u8, usermode_gen },
	{ "comm", 0, comm, comm_gen },
	{ "username", 0, username, username_gen },
	{ "probe", 0, str64, probe_gen },
	{ "kstack", 0, kstack, stack_gen },
	{ "ustack", 0, ustack, stack_gen },
	{ "curtask", 0, curtask, curtask_gen },
	{ "ctx", 0, u64, ctx_gen },
	{ "retval", CTX_RETVAL, u64, retval_gen },
	{ "func", CTX_FUNC, func, func_gen },
	{ "args", CTX_ARGS, unknown },
	{ "__arg", CTX_ARGN, u64, argn_gen },	/* arg0..argN, matched by lang_var_find() */
	{ "__sarg", CTX_ARGN, s64, sargn_gen },	/* sarg0..sargN */
	{ NULL, 0, NULL },
};

/*
 * The functions of this family: nsecs(CLOCK), pid(NS), tid(NS).  Their
 * argument is a bare word.
 */
static const char *word_arg(struct sema *s, struct node *call, struct node **args, int nargs,
			    const char *const *words, const char *hint)
{
	size_t i;

	if (!nargs)
		return words[0];
	if (args[0]->kind == N_BUILTIN)
		for (i = 0; words[i]; i++)
			if (!strcmp(words[i], args[0]->name)) {
				args[0]->type = type_simple(sema_arena(s), TY_NONE);
				return words[i];
			}
	sema_err(s, args[0]->loc, hint, "%s(): unknown argument", call->name);
	return NULL;
}

static const char *const clocks[] = { "monotonic", "boot", "tai", "sw_tai", NULL };
static const char *const pid_nss[] = { "init", "curr_ns", NULL };

static void check_nsecs(struct sema *s, struct node *call, struct node **args, int nargs)
{
	call->type = u64(s);
	word_arg(s, call, args, nargs, clocks, "the clocks are monotonic, boot, tai and sw_tai");
}

static void check_pid(struct sema *s, struct node *call, struct node **args, int nargs)
{
	call->type = u32(s);
	word_arg(s, call, args, nargs, pid_nss, "the namespaces are curr_ns and init");
}

static const char *arg_word(const struct node *e)
{
	const struct node *a = cgb_arg(e, 0);

	return a ? a->name : "";
}

/* nsecs(boot) counts suspend too; tai and sw_tai are TAI (sw_tai: ktime_get_tai_ns too). */
static struct cg_val nsecs_fn_gen(struct pcg *p, const struct node *e)
{
	const char *c = arg_word(e);

	if (!strcmp(c, "boot"))
		return helper0(p, BPF_FUNC_ktime_get_boot_ns);
	if (!strcmp(c, "tai") || !strcmp(c, "sw_tai"))
		return helper0(p, BPF_FUNC_ktime_get_tai_ns);
	return helper0(p, BPF_FUNC_ktime_get_ns);
}

/* pid(curr_ns)/tid(curr_ns): as scry's pid namespace sees the task (0 outside it). */
static struct cg_val pid_fn_gen(struct pcg *p, const struct node *e)
{
	const struct lang_env *env = cgb_env(p);
	bool tgid = e->name[0] == 'p';
	int fp, a[4], r, ok;

	if (strcmp(arg_word(e), "curr_ns") || (!env->pidns_dev && !env->pidns_ino))
		return helper_half(p, BPF_FUNC_get_current_pid_tgid, tgid);
	fp = cgb_stack(p, 8);	/* struct bpf_pidns_info { u32 pid; u32 tgid; } */
	a[0] = cgb_imm(p, (int64_t)env->pidns_dev);
	a[1] = cgb_imm(p, (int64_t)env->pidns_ino);
	a[2] = cgb_fp_addr(p, fp);
	a[3] = cgb_imm(p, 8);
	r = cgb_helper(p, BPF_FUNC_get_ns_current_pid_tgid, 4, a);
	ok = cgb_label_new(p);
	cgb_jmp_imm(p, BPF_JEQ, r, 0, ok);
	cgb_store(p, fp, cgb_imm(p, 0), 8);	/* not in the namespace */
	cgb_label(p, ok);
	return cg_reg(cgb_load(p, fp + (tgid ? 4 : 0), 4));
}

const struct lang_func func_nsecs = { "nsecs", 0, 1, LF_RAW, 0, "nsecs([monotonic|boot|tai|sw_tai])",
				      check_nsecs, nsecs_fn_gen };
const struct lang_func func_pid = { "pid", 0, 1, LF_RAW, 0, "pid([curr_ns|init])", check_pid, pid_fn_gen };
const struct lang_func func_tid = { "tid", 0, 1, LF_RAW, 0, "tid([curr_ns|init])", check_pid, pid_fn_gen };

/*
 * getopt("name"[, default]): a named program argument, given after the
 * script as --name=VALUE or --name (bpftrace 0.2x passes them after "--"),
 * known at compile time.  The default's type is the value's: an integer, a
 * string, or (no default) a bool, true when --name is given.
 */
static const char *named_arg(const char *(*param)(void *ctx, int64_t i), void *ctx, const char *name,
			     bool *found)
{
	size_t n = strlen(name);
	const char *a;
	int64_t i;

	*found = false;
	for (i = 1; (a = param(ctx, i)); i++) {
		if (strncmp(a, "--", 2) || strncmp(a + 2, name, n) || (a[2 + n] && a[2 + n] != '='))
			continue;
		*found = true;
		return a[2 + n] == '=' ? a + 3 + n : NULL;
	}
	return NULL;
}

static const char *sema_nth_param(void *ctx, int64_t i)
{
	struct node n = { .kind = N_POSPARAM, .ival = (uint64_t)i };

	return sema_param(ctx, &n);
}

static const char *cg_nth_param(void *ctx, int64_t i)
{
	return cgb_param(ctx, i);
}

/* The value of a bool option: --x, --x=true, --x=1 are true; --x=false, --x=0 false. */
static int opt_bool(const char *v, bool found)
{
	if (!found)
		return 0;
	if (!v || !strcmp(v, "true") || !strcmp(v, "1"))
		return 1;
	if (!strcmp(v, "false") || !strcmp(v, "0"))
		return 0;
	return -1;
}

static void check_getopt(struct sema *s, struct node *call, struct node **args, int nargs)
{
	const struct node *d = nargs == 2 ? args[1] : NULL;
	const char *v;
	bool found;
	char *end;

	call->type = type_simple(sema_arena(s), TY_BOOL);
	if (!want_literal_str(s, call, args[0], 0))
		return;
	v = named_arg(sema_nth_param, s, args[0]->str, &found);
	if (!d) {
		if (opt_bool(v, found) < 0)
			sema_err(s, args[0]->loc, NULL, "getopt(): '--%s=%s' is not true or false",
				 args[0]->str, v);
	} else if (d->kind == N_INT) {
		call->type = s64(s);
		if (found && (!v || !*v || (strtoll(v, &end, 0), *end)))
			sema_err(s, args[0]->loc, NULL, "getopt(): '--%s' needs an integer value", args[0]->str);
	} else if (d->kind == N_STR) {
		size_t len = found && v ? strlen(v) : d->slen;

		call->type = type_str(sema_arena(s), (uint32_t)(len > d->slen ? len : d->slen) + 1);
	} else if (d->kind == N_BOOL) {
		if (opt_bool(v, found) < 0)
			sema_err(s, args[0]->loc, NULL, "getopt(): '--%s=%s' is not true or false",
				 args[0]->str, v);
	} else {
		sema_err(s, d->loc, NULL, "getopt(): the default must be a literal integer, string or bool");
	}
}

static struct cg_val getopt_gen(struct pcg *p, const struct node *e)
{
	const struct node *d = cgb_arg(e, 1);
	bool found;
	const char *v = named_arg(cg_nth_param, p, cgb_arg(e, 0)->str, &found);

	if (d && d->kind == N_INT)
		return cg_reg(cgb_imm(p, found ? strtoll(v, NULL, 0) : (int64_t)d->ival));
	if (d && d->kind == N_STR) {
		const char *text = found && v ? v : d->str;

		return cg_mem(cgb_string(p, text, (uint32_t)strlen(text), e->type->size));
	}
	if (d && !found)
		return cg_reg(cgb_imm(p, (int64_t)d->ival));
	return cg_reg(cgb_imm(p, opt_bool(v, found)));
}

const struct lang_func func_getopt = { "getopt", 1, 2, 0, 0, "getopt(\"NAME\"[, DEFAULT])", check_getopt,
				       getopt_gen };
