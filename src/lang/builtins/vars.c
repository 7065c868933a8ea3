// SPDX-License-Identifier: GPL-2.0
/* Built-in variables: pid, comm, args, retval... */
#include <string.h>

#include "lang/sema.h"

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

const struct lang_var lang_vars[] = {
	{ "pid", 0, u32 },
	{ "tid", 0, u32 },
	{ "ppid", 0, u32 },
	{ "uid", 0, u32 },
	{ "gid", 0, u32 },
	{ "cpu", 0, u32 },
	{ "ncpus", 0, u32 },
	{ "numaid", 0, u32 },
	{ "cpid", 0, u32 },
	{ "rand", 0, u32 },
	{ "nsecs", 0, u64 },
	{ "elapsed", 0, u64 },
	{ "jiffies", 0, u64 },
	{ "cgroup", 0, u64 },
	{ "usermode", 0, u8 },
	{ "comm", 0, comm },
	{ "username", 0, str64 },
	{ "probe", 0, str64 },
	{ "kstack", 0, kstack },
	{ "ustack", 0, ustack },
	{ "curtask", 0, curtask },
	{ "ctx", 0, u64 },
	{ "retval", CTX_RETVAL, u64 },
	{ "func", CTX_FUNC, func },
	{ "args", CTX_ARGS, unknown },
	{ "__arg", CTX_ARGN, u64 },	/* arg0..argN, matched by lang_var_find() */
	{ "__sarg", CTX_ARGN, s64 },	/* sarg0..sargN */
	{ NULL, 0, NULL },
};
