// SPDX-License-Identifier: GPL-2.0
/* Output and control: printf, system, cat, exit, time, strftime, join, signal, override. */
#include <signal.h>
#include <string.h>

#include <linux/bpf.h>

#include "lang/sema.h"
#include "out/printf.h"

/* Anything printf's %s can show: every value but none, aggregations and records. */
static bool printable(const struct type *t)
{
	return t && t->kind != TY_NONE && t->kind != TY_AGG && t->kind != TY_RECORD;
}

void check_format(struct sema *s, const struct node *call, struct node **args, int nargs)
{
	const char *f, *end;
	int i = 1;

	if (!want_literal_str(s, call, args[0], 0))
		return;
	f = args[0]->str;
	end = f + args[0]->slen;
	while (f < end) {
		const char *start = f;
		char conv;

		if (*f++ != '%')
			continue;
		if (f < end && *f == '%') {
			f++;
			continue;
		}
		while (f < end && *f && strchr("-+ #0", *f))
			f++;
		while (f < end && ((*f >= '0' && *f <= '9') || *f == '.'))
			f++;
		while (f < end && *f && strchr("hljztL", *f))
			f++;
		if (f >= end) {
			sema_err(s, args[0]->loc, NULL, "%s(): the format ends inside a conversion '%.*s'",
				 call->name, (int)(end - start), start);
			return;
		}
		conv = *f++;
		if (conv == 'r' && f < end && (*f == 'x' || *f == 'h'))
			f++;
		if (!conv || !strchr("diuxXocspr", conv)) {
			sema_err(s, args[0]->loc, "the conversions are %d %i %u %x %X %o %c %s %p %r",
				 "%s(): unknown conversion '%%%c' in the format", call->name, conv);
			return;
		}
		if (i >= nargs) {
			sema_err(s, call->loc, NULL, "%s(): the format has more conversions than arguments (%d)",
				 call->name, nargs - 1);
			return;
		}
		if (args[i]->type && args[i]->type->kind != TY_UNKNOWN) {
			const struct type *t = args[i]->type;
			bool ok = conv == 's' ? printable(t) : conv == 'r' ?
				  (t->kind == TY_BUF || t->kind == TY_STR) : type_is_intlike(t);

			if (!ok)
				sema_err(s, args[i]->loc,
					 conv == 's' ? NULL : t->kind == TY_STR ? "use %s for strings" : NULL,
					 "%s(): '%.*s' expects %s, argument %d is '%s'", call->name,
					 (int)(f - start), start, conv == 's' ? "a printable value" :
					 conv == 'r' ? "a buffer" : "an integer", i + 1, type_name(t));
		}
		i++;
	}
	if (i < nargs)
		sema_err(s, args[i]->loc, NULL, "%s(): %d argument%s but the format has %d conversion%s",
			 call->name, nargs - 1, nargs - 1 == 1 ? "" : "s", i - 1, i - 1 == 1 ? "" : "s");
}

static void check_printf(struct sema *s, struct node *call, struct node **args, int nargs)
{
	call->type = type_simple(sema_arena(s), TY_NONE);
	check_format(s, call, args, nargs);
}

/* system(), signal(), override(): only with --unsafe, refused as bpftrace does. */
static bool want_unsafe(struct sema *s, const struct node *call)
{
	if (sema_unsafe(s))
		return true;
	sema_err(s, call->loc, NULL, "%s() is an unsafe function being used in safe mode", call->name);
	return false;
}

static void check_system(struct sema *s, struct node *call, struct node **args, int nargs)
{
	check_printf(s, call, args, nargs);
	want_unsafe(s, call);
}

/* bpf_trace_printk() takes three values at most. */
static void check_debugf(struct sema *s, struct node *call, struct node **args, int nargs)
{
	check_printf(s, call, args, nargs);
	if (nargs > 4)
		sema_err(s, args[4]->loc, NULL, "debugf(): at most 3 arguments (bpf_trace_printk())");
	sema_warn(s, call->loc, "The debugf() builtin is not recommended for production use. "
		  "For more information see bpf_trace_printk in bpf-helpers(7).");
}

static void check_exit(struct sema *s, struct node *call, struct node **args, int nargs)
{
	call->type = type_simple(sema_arena(s), TY_NONE);
	if (nargs)
		want_int(s, call, args[0], 0);
}

static void check_time(struct sema *s, struct node *call, struct node **args, int nargs)
{
	call->type = type_simple(sema_arena(s), TY_NONE);
	if (nargs)
		want_literal_str(s, call, args[0], 0);
}

static void check_strftime(struct sema *s, struct node *call, struct node **args, int nargs)
{
	call->type = type_simple(sema_arena(s), TY_TIME);
	want_literal_str(s, call, args[0], 0);
	want_int(s, call, args[1], 1);
}

static void check_join(struct sema *s, struct node *call, struct node **args, int nargs)
{
	call->type = type_simple(sema_arena(s), TY_NONE);
	want_int(s, call, args[0], 0);	/* a char *[]: pointers are integers here */
	if (nargs == 2)
		want_literal_str(s, call, args[1], 1);
}

static const struct {
	const char *name;
	int nr;
} signals[] = {
	{ "SIGHUP", SIGHUP }, { "SIGINT", SIGINT }, { "SIGQUIT", SIGQUIT }, { "SIGILL", SIGILL },
	{ "SIGTRAP", SIGTRAP }, { "SIGABRT", SIGABRT }, { "SIGBUS", SIGBUS }, { "SIGFPE", SIGFPE },
	{ "SIGKILL", SIGKILL }, { "SIGUSR1", SIGUSR1 }, { "SIGSEGV", SIGSEGV }, { "SIGUSR2", SIGUSR2 },
	{ "SIGPIPE", SIGPIPE }, { "SIGALRM", SIGALRM }, { "SIGTERM", SIGTERM }, { "SIGCHLD", SIGCHLD },
	{ "SIGCONT", SIGCONT }, { "SIGSTOP", SIGSTOP }, { "SIGTSTP", SIGTSTP }, { "SIGTTIN", SIGTTIN },
	{ "SIGTTOU", SIGTTOU }, { "SIGURG", SIGURG }, { "SIGXCPU", SIGXCPU }, { "SIGXFSZ", SIGXFSZ },
	{ "SIGVTALRM", SIGVTALRM }, { "SIGPROF", SIGPROF }, { "SIGWINCH", SIGWINCH }, { "SIGIO", SIGIO },
	{ "SIGPWR", SIGPWR }, { "SIGSYS", SIGSYS },
};

/* "SIGUSR1" or "USR1": its number, or 0. */
static int signal_nr(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (!strcmp(signals[i].name, name) || !strcmp(signals[i].name + 3, name))
			return signals[i].nr;
	return 0;
}

static void check_signal(struct sema *s, struct node *call, struct node **args, int nargs)
{
	call->type = type_simple(sema_arena(s), TY_NONE);
	if (args[0]->kind == N_STR && !signal_nr(args[0]->str))
		sema_err(s, args[0]->loc, NULL, "signal(): unknown signal '%s'", args[0]->str);
	else if (args[0]->kind != N_STR)
		want_int(s, call, args[0], 0);
	if (!want_unsafe(s, call))
		return;
	/* BEGIN, END: scry itself would be signalled */
	if ((sema_ctx(s) & CTX_SPECIAL) && sema_attach(s))
		sema_err(s, call->loc, NULL, "signal can not be used with \"%s\" probes",
			 sema_attach(s)->provider);
}

static void check_override(struct sema *s, struct node *call, struct node **args, int nargs)
{
	call->type = type_simple(sema_arena(s), TY_NONE);
	want_int(s, call, args[0], 0);
	want_unsafe(s, call);
}

static void check_unwatch(struct sema *s, struct node *call, struct node **args, int nargs)
{
	call->type = type_simple(sema_arena(s), TY_NONE);
	want_int(s, call, args[0], 0);
}

/* ---- code generation ---- */

static struct cg_val none(struct pcg *p)
{
	return cg_reg(cgb_imm(p, 0));
}

/* The arguments of call e, at most FMT_MAX_ARGS + 1 of them. */
static int gather(const struct node *e, const struct node **args)
{
	const struct node *k;
	int n = 0;

	for (k = e->kids; k && n < FMT_MAX_ARGS + 1; k = k->next)
		args[n++] = k;
	return n;
}

/* F(FORMAT, ...): the values travel, user space renders the format and does action. */
static struct cg_val format_event(struct pcg *p, const struct node *e, enum cprintf_action action)
{
	const struct node *args[FMT_MAX_ARGS + 1];
	int na = gather(e, args), id;

	if (!na || args[0]->kind != N_STR) {
		cgb_error(p, e, "the format must be a literal string");
		return none(p);
	}
	id = cgb_format(p, e, args[0]->str, args[0]->slen, args + 1, na - 1, action);
	if (id >= 0)
		cgb_event_args(p, CEV_PRINTF, id, args + 1, na - 1);
	return none(p);
}

static struct cg_val printf_gen(struct pcg *p, const struct node *e)
{
	return format_event(p, e, PF_PRINTF);
}

static struct cg_val time_gen(struct pcg *p, const struct node *e)
{
	const struct node *f = cgb_arg(e, 0);
	const char *fmt = f ? f->str : "%H:%M:%S\n";
	int id = cgb_format(p, e, fmt, f ? f->slen : strlen(fmt), NULL, 0, PF_PRINTF);

	if (id >= 0)
		cgb_event_regs(p, CEV_TIME, id, 0, NULL);
	return none(p);
}

/* The time and which format: user space formats it (TY_TIME, runtime/decode.c). */
static struct cg_val strftime_gen(struct pcg *p, const struct node *e)
{
	const struct node *f = cgb_arg(e, 0);
	struct cg_val ts = cgb_expr(p, cgb_arg(e, 1));
	int fp = cgb_stack(p, 16), id;

	id = cgb_format(p, e, f->str, f->slen, NULL, 0, PF_PRINTF);
	if (id < 0)
		return none(p);
	cgb_store(p, fp, ts.reg, 8);
	cgb_store_imm(p, fp + 8, id, 4);
	return cg_mem(fp);
}

static struct cg_val exit_gen(struct pcg *p, const struct node *e)
{
	int code = cgb_arg(e, 0) ? cgb_expr(p, cgb_arg(e, 0)).reg : cgb_imm(p, 0);

	cgb_event_regs(p, CEV_EXIT, 0, 1, &code);
	cgb_stop(p);
	return none(p);
}

static struct cg_val system_gen(struct pcg *p, const struct node *e)
{
	return format_event(p, e, PF_SYSTEM);
}

static struct cg_val cat_gen(struct pcg *p, const struct node *e)
{
	return format_event(p, e, PF_CAT);
}

static struct cg_val errorf_gen(struct pcg *p, const struct node *e)
{
	return format_event(p, e, PF_ERRORF);
}

static struct cg_val warnf_gen(struct pcg *p, const struct node *e)
{
	return format_event(p, e, PF_WARNF);
}

/* signal(SIG): bpf_send_signal() to the current process, as bpftrace. */
static struct cg_val signal_gen(struct pcg *p, const struct node *e)
{
	const struct node *sig = cgb_arg(e, 0);
	int nr = sig->kind == N_STR ? cgb_imm(p, signal_nr(sig->str)) : cgb_expr(p, sig).reg;

	cgb_helper(p, BPF_FUNC_send_signal, 1, &nr);
	return none(p);
}

/*
 * debugf(FORMAT, ...): bpf_trace_printk() into the kernel's trace buffer, as
 * bpftrace; scry prints the lines of trace_pipe while it runs.  Strings go
 * as pointers to their stack slots.
 */
static struct cg_val debugf_gen(struct pcg *p, const struct node *e)
{
	const struct node *f = cgb_arg(e, 0), *k;
	int a[5], n = 2;

	cgb_want_trace_pipe(p);
	for (k = f->next; k && n < 5; k = k->next) {
		struct cg_val v = cgb_expr(p, k);

		a[n++] = v.mem ? cgb_fp_addr(p, v.fp) : v.reg;
	}
	a[0] = cgb_fp_addr(p, cgb_string(p, f->str, (uint32_t)f->slen, (uint32_t)f->slen + 1));
	a[1] = cgb_imm(p, (int64_t)f->slen + 1);
	cgb_helper(p, BPF_FUNC_trace_printk, n, a);
	return none(p);
}

/* override(rc): the probed kernel function returns rc (bpf_override_return, error injection). */
static struct cg_val override_gen(struct pcg *p, const struct node *e)
{
	int a[2];

	a[0] = cgb_ctx(p);
	a[1] = cgb_expr(p, cgb_arg(e, 0)).reg;
	cgb_helper(p, BPF_FUNC_override_return, 2, a);
	return none(p);
}

/* As bpftrace: at most 16 strings of argv, each cut at 1024 bytes. */
#define JOIN_ARGS 16
#define JOIN_ARGSIZE 1024

/*
 * join(argv[, sep]): the strings are read straight into an event in the ring
 * buffer (16 KiB would not fit on the stack): a u64 count, then the strings
 * until the first NULL pointer; user space joins them with sep.
 */
static struct cg_val join_gen(struct pcg *p, const struct node *e)
{
	const struct node *argv = cgb_arg(e, 0), *sep = cgb_arg(e, 1);
	struct vfield fields[JOIN_ARGS + 1];
	int a[3], i, id, arr, slot, done;
	struct cgb_event ev;

	fields[0] = (struct vfield){ 0, { .kind = VT_INT, .size = 8 } };
	for (i = 0; i < JOIN_ARGS; i++)
		fields[i + 1] = (struct vfield){ 8 + (uint32_t)i * JOIN_ARGSIZE,
						 { .kind = VT_STR, .size = JOIN_ARGSIZE } };
	id = cgb_format_fields(p, e, sep ? sep->str : " ", sep ? sep->slen : 1, fields, JOIN_ARGS + 1,
			       PF_JOIN);
	if (id < 0)
		return none(p);
	arr = cgb_expr(p, argv).reg;
	slot = cgb_stack(p, 8);
	done = cgb_label_new(p);
	cgb_event_begin(p, CEV_PRINTF, id, 16 + JOIN_ARGS * JOIN_ARGSIZE, &ev);
	cgb_store_imm_at(p, ev.ptr, 8, 0, 8);
	for (i = 0; i < JOIN_ARGS; i++) {
		int s;

		a[0] = cgb_fp_addr(p, slot);
		a[1] = cgb_imm(p, 8);
		a[2] = cgb_mov(p, arr);
		cgb_alu_imm(p, BPF_ADD, a[2], 8 * i);
		cgb_helper(p, cgb_read_helper(argv, false), 3, a);
		s = cgb_load(p, slot, 8);
		cgb_jmp_imm(p, BPF_JEQ, s, 0, done);
		a[0] = cgb_mov(p, ev.ptr);
		cgb_alu_imm(p, BPF_ADD, a[0], 16 + i * JOIN_ARGSIZE);
		a[1] = cgb_imm(p, JOIN_ARGSIZE);
		a[2] = s;
		cgb_helper(p, cgb_read_helper(argv, true), 3, a);
		cgb_store_imm_at(p, ev.ptr, 8, i + 1, 8);
	}
	cgb_label(p, done);
	cgb_event_end(p, &ev);
	return none(p);
}

const struct lang_func func_printf = { "printf", 1, -1, 0, 0, "printf(FORMAT, ...)", check_printf,
				       printf_gen };
const struct lang_func func_errorf = { "errorf", 1, -1, 0, 0, "errorf(FORMAT, ...)", check_printf,
				       errorf_gen };
const struct lang_func func_warnf = { "warnf", 1, -1, 0, 0, "warnf(FORMAT, ...)", check_printf,
				      warnf_gen };
const struct lang_func func_system = { "system", 1, -1, 0, 0, "system(FORMAT, ...)", check_system,
				       system_gen };
const struct lang_func func_cat = { "cat", 1, -1, 0, 0, "cat(FORMAT, ...)", check_printf, cat_gen };
const struct lang_func func_debugf = { "debugf", 1, 4, 0, 0, "debugf(FORMAT, ...)", check_debugf,
				       debugf_gen };
const struct lang_func func_exit = { "exit", 0, 1, 0, 0, "exit([CODE])", check_exit, exit_gen };
const struct lang_func func_time = { "time", 0, 1, 0, 0, "time([FORMAT])", check_time, time_gen };
const struct lang_func func_strftime = { "strftime", 2, 2, 0, 0, "strftime(FORMAT, NSECS)",
					 check_strftime, strftime_gen };
const struct lang_func func_join = { "join", 1, 2, 0, 0, "join(ARGV[, SEP])", check_join, join_gen };
const struct lang_func func_signal = { "signal", 1, 1, 0, 0, "signal(SIG)", check_signal,
				       signal_gen };
const struct lang_func func_override = { "override", 1, 1, 0, CTX_KPROBE, "override(RC)",
					 check_override, override_gen };
const struct lang_func func_unwatch = { "unwatch", 1, 1, 0, 0, "unwatch(ADDR)", check_unwatch };
