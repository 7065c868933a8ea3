/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Data sources.  Each probe type (provider) lives in its own file in
 * src/probe/ behind struct provider, and is registered by one line in
 * registry.c.  Adding a probe type is adding one file plus that line.
 */
#ifndef SCRY_PROBE_PROBE_H
#define SCRY_PROBE_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct probe_arg {
	const char *type;	/* "const char *", "int32" */
	const char *name;	/* "filename", "arg0" */
	const char *spec;	/* NULL, or where it comes from: "-4@%edi" */
};

/* One listed probe.  The sink copies what it keeps: all pointers are borrowed. */
struct probe_entry {
	const char *name;	/* full name: "tracepoint:sched:sched_switch" */
	bool available;		/* false: exists, but this kernel cannot attach it */
	const char *reason;	/* why not available, or NULL */
	/* Filled only when the query is verbose: */
	size_t nr_args;
	const struct probe_arg *args;
	bool has_semaphore;	/* USDT */
	uint64_t semaphore;	/* file offset of the USDT semaphore */
};

struct list_query {
	const char *pattern;	/* fnmatch() over full names; NULL matches all */
	pid_t pid;		/* > 0: the uprobes/USDT of what this process maps */
	bool verbose;		/* fill args */
	const char *where;	/* the script's place for warnings ("stdin:1:1"), or NULL */
};

struct list_sink {
	int (*emit)(struct list_sink *sink, const struct probe_entry *e);
};

/* A resolved attach point: what a probe of the program attaches to. */
struct probe_point {
	const char *provider;	/* canonical name */
	const char *target;	/* tracepoint category, binary, unit ("hz", "ms") */
	const char *func;	/* event, function, USDT name, software/hardware event name */
	uint64_t offset;	/* "+OFF" of kprobe/uprobe */
	uint64_t rate;		/* profile/interval rate, software/hardware sample period */
	pid_t pid;		/* > 0: only this process (uprobe, usdt, software, hardware) */
	uint64_t cookie;	/* bpf_get_attach_cookie() in the program, where supported */
	/*
	 * The traced program's binary (-c's command found on $PATH, -p's
	 * /proc/PID/exe), for probes on "the traced program" (watchpoint:FUNC+argN),
	 * or NULL.  Set by the session at attach time.
	 */
	const char *exe;
};

/*
 * What attaching created: perf event fds, link fds, a timer.  Everything
 * dies with its fd, so detaching is closing; attachment_release() does it.
 * A zeroed struct is empty and valid.
 */
struct scry_interval;

/*
 * An fd a provider needs watched while the probe runs: the session calls
 * fn(ctx) when fd is readable (a negative return stops the session), and
 * release(ctx) at the end, after the attachment's fds are closed.
 */
struct attach_poll {
	int fd;
	int (*fn)(void *ctx);	/* > 0: the probe is done, the session ends as after exit() */
	void (*release)(void *ctx);
	void *ctx;
};

struct attachment {
	int *fds;
	size_t nr_fds, alloc;
	struct scry_interval *timer;	/* interval: ticks run the program from user space */
	int signo;		/* > 0: the session runs the program when scry gets this signal */
	struct attach_poll poll;	/* poll.fn NULL: none */
};

/* Keeps fd (closed by attachment_release).  Returns 0 or -ENOMEM (fd is then closed). */
int attachment_add_fd(struct attachment *a, int fd);
/*
 * Attaches prog_fd to the perf event pfd (or -errno from opening it, which
 * is passed through) and keeps the event and its link in a.  Returns 0 or
 * -errno, reported.
 */
int attachment_add_perf(struct attachment *a, int pfd, int prog_fd, uint64_t cookie);
/* Closes everything, frees, and zeroes a.  Accepts a zeroed struct. */
void attachment_release(struct attachment *a);

/*
 * What a probe gives its program: which builtins make sense in it.  The
 * checker (lang/) refuses the others; the code generator reads them too.
 */
enum {
	CTX_ARGN = 1 << 0,	/* arg0..argN, sarg0.. */
	CTX_RETVAL = 1 << 1,	/* retval */
	CTX_FUNC = 1 << 2,	/* func */
	CTX_ARGS = 1 << 3,	/* args (typed arguments) */
	CTX_USER = 1 << 4,	/* user space: the target is a binary, func is a usym, ustack meaningful */
	CTX_KPROBE = 1 << 5,	/* override() */
	CTX_SPECIAL = 1 << 6,	/* BEGIN/END/interval: no task context, run by scry */
	CTX_TP = 1 << 7,	/* args typed from the tracefs format file */
	CTX_FUNC_IP = 1 << 8,	/* func is the instruction pointer of the context (entry probes) */
	CTX_BTF = 1 << 9,	/* args typed from the kernel function's BTF prototype */
	CTX_DWARF = 1 << 10,	/* args and retval typed from the binary's DWARF (env user_func_args) */
};

/* How the program's context is laid out. */
enum probe_ctx {
	PCTX_NONE,		/* nothing to read (BEGIN, END, interval: run by scry) */
	PCTX_REGS,		/* struct pt_regs (kprobe, uprobe, usdt) */
	PCTX_U64_ARGS,		/* u64 args[] (raw tracepoints, fentry/fexit) */
	PCTX_RECORD,		/* the tracepoint's record (its format file) */
	PCTX_PERF,		/* struct bpf_perf_event_data (profile, software, hardware) */
};

/* Flags of a provider. */
enum {
	PF_AFTER_EXIT = 1 << 0,	/* still runs after exit() (END) */
	PF_ARGS_PER_SITE = 1 << 1, /* argN is where each site says: a program per site (usdt) */
	PF_ARGS_PER_LAYOUT = 1 << 2, /* args differs between points' layouts (tracepoint) */
	/*
	 * The kernel runs the programs on one event newest first (perf events
	 * on a tracepoint, uprobe consumers): the session attaches these in
	 * reverse script order, so that they run in script order (bpftrace's
	 * *_order cases).
	 */
	PF_NEWEST_FIRST = 1 << 3,
	/*
	 * The context's second word is the object visited (iter: task, file,
	 * vma), NULL on the last call: the program is not run for that one.
	 */
	PF_CTX_OBJECT = 1 << 4,
};

/*
 * A field of the record 'ctx' points to (struct NAME where NAME is
 * ctx_struct followed by the point's func), or of a struct reached through it:
 * what the checker types ctx->task->pid with.  Offsets come from the
 * kernel's BTF (lang_env.btf_member); a field BTF does not have is left out.
 */
struct ctx_field {
	const char *owner;	/* "task_file": of ctx at that point; "struct task_struct": of that struct */
	const char *name;	/* "task", "pid" */
	const char *type;	/* "struct task_struct *", "uint32", "string[16]" */
};

/*
 * An attach point as written, split on ':' (the provider name removed), for
 * a provider's .parse to check and refine.  The caller has already checked
 * the number of fields, split "+OFFSET" off func when the provider takes
 * offsets, and refused wildcards when it takes none; target and func are the
 * second-to-last and last fields (func alone when there is one).
 */
struct probe_spec {
	const char *text;	/* the whole spec, parameters substituted */
	int nparts;
	char *parts[4];		/* the fields */
	const char *target, *func;	/* in and out */
	uint64_t offset, rate;		/* out */
	/* The language's number syntax ("1_000", "0x10", "5ms"), for the fields. */
	bool (*number)(const char *s, uint64_t *v);
	char msg[256];		/* on error: what is wrong */
	char hint[192];		/* on error: what to write instead, or "" */
};

/* What the code generator asks a provider to expand into probe points. */
struct expand_req {
	const char *where;	/* "FILE:LINE:COL", for the messages */
	const char *target, *func;
	uint64_t offset, rate;
	pid_t pid;		/* -p: user binaries through its mappings */
	bool per_point;		/* a program per point anyway (no multi-attach) */
};

/* Where argument i of a site is (USDT: as its note says). */
struct arg_loc {
	enum { ARG_CTX, ARG_IMM, ARG_USER_MEM } kind;
	int16_t base;		/* ARG_CTX/ARG_USER_MEM: context offset of the base register, -1 none */
	int16_t index;		/* ARG_USER_MEM: context offset of the index register, -1 none */
	uint8_t scale;		/* of the index: 1, 2, 4, 8 */
	uint8_t shift;		/* ARG_CTX: of the register (the high byte: 8) */
	uint8_t size;		/* of the value: 1, 2, 4, 8 */
	bool sign;
	int64_t disp;		/* ARG_IMM: the value; ARG_USER_MEM: added to the address */
};

struct lang_env;

/* Program load settings a provider asks for (codegen/program.h copies them). */
struct load_prep {
	int expected_attach_type;	/* BPF_* attach type, 0: none */
	uint32_t attach_btf_id;		/* fentry/fexit: the function's BTF id */
};

struct provider {
	const char *name;	/* "tracepoint" */
	const char *alias;	/* "t", or NULL */
	const char *old_names[2];	/* other spellings that name it ("kfunc"), or NULL */
	/* ---- syntax: checked by the front end ---- */
	int min_parts, max_parts;	/* ':'-separated fields after the name */
	bool offset;			/* accepts "+OFFSET" on the function */
	bool wildcard;			/* accepts * ? [ */
	const char *usage;		/* "tracepoint:CATEGORY:EVENT" */
	/* Checks and refines sp; 0, or -EINVAL with sp->msg (and sp->hint) set.  NULL: as split. */
	int (*parse)(const struct provider *self, struct probe_spec *sp);
	/* ---- what the program sees ---- */
	unsigned ctx;			/* CTX_* */
	enum probe_ctx ctx_kind;
	/* 'ctx' as a pointer to BTF struct ctx_struct + func ("bpf_iter__"), typed by ctx_fields; NULL: a number */
	const char *ctx_struct;
	const struct ctx_field *ctx_fields;	/* NULL-terminated (name NULL) */
	unsigned flags;			/* PF_* */
	/*
	 * Argument i of the single point pp (PF_ARGS_PER_SITE providers):
	 * 0, or -errno after one pr_err() prefixed with where.
	 */
	int (*arg)(const struct provider *self, const struct lang_env *env, const char *where,
		   const struct probe_point *pp, int i, struct arg_loc *loc);
	/* ---- from attach point to probe points ---- */
	/*
	 * Calls add(arg, pp) for every point r names (wildcards expanded, user
	 * binaries resolved); 0, -ESRCH (a wildcard that matches nothing, not
	 * reported: the code generator skips it in a list of attach points and
	 * reports it alone), or -errno after one pr_err() prefixed with
	 * r->where.  NULL: the attach point is its one point (no wildcards).
	 */
	int (*expand)(const struct provider *self, const struct lang_env *env,
		      const struct expand_req *r,
		      int (*add)(void *arg, const struct probe_point *pp), void *arg);
	/*
	 * The cheaper provider a point of this one can run as when the program
	 * never reads what only this one gives (tracepoint -> rawtracepoint), or
	 * NULL.  NULL hook: none.
	 */
	const struct provider *(*lighter)(const struct provider *self, const struct lang_env *env,
					  const struct probe_point *pp);
	/*
	 * Many points of this provider as one program at one cheaper point
	 * that tells them apart by the syscall number (syscalls:sys_enter_* ->
	 * raw_syscalls:sys_enter, codegen/sc_dispatch.c): fills *one and
	 * returns the provider it runs as, or NULL.  NULL hook: never.
	 */
	const struct provider *(*dispatch)(const struct provider *self, const struct lang_env *env,
					   const struct probe_point *pts, size_t n,
					   struct probe_point *one);
	/* expected attach type of one program attached at many points by one link, 0: none */
	int multi_attach_type;
	/* ---- loading ---- */
	/*
	 * The BPF program type a probe of this kind is compiled to, and how its
	 * context is read; 0 (BPF_PROG_TYPE_UNSPEC) for types scry cannot
	 * attach (yet).
	 */
	int prog_type;
	/*
	 * Load settings for a program attached at pp (the first point): 0, or
	 * -errno after one pr_err() prefixed with where.  NULL: none.
	 */
	int (*prepare)(const struct provider *self, const struct lang_env *env, const char *where,
		       const struct probe_point *pp, struct load_prep *out);
	/* ---- running ---- */
	/*
	 * Attach prog_fd at pp, adding what it creates to a.  Returns 0 or
	 * -errno after one clear pr_err() naming the probe and, when the kernel
	 * lacks what is needed, what to use instead.  NULL for BEGIN and END,
	 * which the session runs itself.
	 */
	int (*attach)(const struct provider *self, const struct probe_point *pp, int prog_fd,
		      struct attachment *a);
	/*
	 * Can this kernel attach probes of this type at all?  0, or -errno with
	 * one sentence in why saying what is missing and what to use instead
	 * (the caller reports it with the probe's place).  Asked before anything
	 * is loaded.  NULL: always.
	 */
	int (*usable)(const struct provider *self, char *why, size_t len);
	/*
	 * Emit every probe of this type that matches q.  Returns 0 or -errno
	 * (reported with pr_err: a missing binary, a file that is not ELF).
	 * NULL when the probe type has nothing to list.
	 */
	int (*list)(const struct provider *self, const struct list_query *q,
		    struct list_sink *sink);
};

/* NULL-terminated, in listing order. */
extern const struct provider *const providers[];

/* By name, alias or old name ("t", "kfunc"), or NULL. */
const struct provider *provider_find(const char *name);

/* The names and aliases longer than 2 characters, NULL-terminated (did-you-mean). */
const char *const *provider_names(void);

/* Does s hold a wildcard (* ? [)? */
bool probe_is_glob(const char *s);

/*
 * The [UNIT:]RATE fields of profile and interval probes: sp->rate and
 * sp->target (the unit, default_unit when none is written).  0 or -EINVAL
 * with sp->msg set.
 */
int probe_parse_rate(const struct provider *self, struct probe_spec *sp, const char *default_unit);

/*
 * Does q match the probe full_name?  A pattern without ':' matches against
 * the last fields too, as bpftrace does ('sys_enter_open*').
 */
bool list_query_match(const struct list_query *q, const char *full_name);

/*
 * Should provider p be asked at all?  Compares the first field of the
 * pattern with p's name and alias.
 */
bool list_query_wants(const struct list_query *q, const struct provider *p);

/*
 * Field i (0-based) of the pattern split on ':' into buf, "" when the pattern
 * has fewer fields.  Returns the number of fields of the pattern.
 */
int list_query_field(const struct list_query *q, int i, char *buf, size_t len);

#endif
