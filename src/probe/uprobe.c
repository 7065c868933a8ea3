// SPDX-License-Identifier: GPL-2.0
/*
 * uprobe:BIN:FUNC, uretprobe:BIN:FUNC — dynamic probes on the functions of
 * user space binaries.  Listing reads the function symbols of BIN (.symtab
 * and .dynsym) or, with -p PID, of every binary the process maps.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/bpf.h>

#include "lang/env.h"
#include "mech/features.h"
#include "mech/perf_event.h"
#include "probe/kfunc_list.h"
#include "probe/user_resolve.h"
#include "probe/user_target.h"
#include "sym/dwarf.h"
#include "sym/elf.h"
#include "util/log.h"
#include "util/strbuf.h"

/* BPF_TRACE_UPROBE_MULTI: newer than the UAPI headers of this distribution. */
#define SCRY_TRACE_UPROBE_MULTI 48
#define SCRY_UPROBE_MULTI_RETURN 1u

struct uprobe_ctx {
	const char *prefix;
	struct list_sink *sink;
	struct strbuf name;
	struct probe_arg args[16];	/* -v: the parameters of the function listed */
	size_t nr_args;
	struct strbuf text;		/* their types and names, NUL-separated */
};

static int keep_param(const char *ctype, const char *name, void *arg)
{
	struct uprobe_ctx *c = arg;

	if (c->nr_args == sizeof(c->args) / sizeof(c->args[0]))
		return 0;
	/* offsets now, pointers once the text stops moving */
	c->args[c->nr_args].type = (const char *)(uintptr_t)c->text.len;
	if (strbuf_addstr(&c->text, ctype) || strbuf_addch(&c->text, '\0'))
		return -ENOMEM;
	c->args[c->nr_args].name = (const char *)(uintptr_t)c->text.len;
	if (strbuf_addstr(&c->text, name) || strbuf_addch(&c->text, '\0'))
		return -ENOMEM;
	c->nr_args++;
	return 0;
}

/* -v: the parameters of func from the DWARF (none when it does not have them). */
static int fill_args(struct uprobe_ctx *c, struct dwarf_file *df, const char *func,
		     struct probe_entry *e)
{
	size_t i;
	int err;

	c->nr_args = 0;
	strbuf_reset(&c->text);
	e->nr_args = 0;
	e->args = NULL;
	if (!df)
		return 0;
	err = dwarf_func_params(df, func, keep_param, c);
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	for (i = 0; i < c->nr_args; i++) {
		c->args[i].type = strbuf_str(&c->text) + (uintptr_t)c->args[i].type;
		c->args[i].name = strbuf_str(&c->text) + (uintptr_t)c->args[i].name;
	}
	e->nr_args = c->nr_args;
	e->args = c->args;
	return 0;
}

static int list_symtab(struct uprobe_ctx *c, struct elf_file *ef, const char *shown,
		       const struct list_query *q, struct dwarf_file *df)
{
	struct probe_entry e = { .available = true };
	struct elf_symtab tab = { 0 };
	size_t i;
	int err;

	err = elf_file_functions(ef, &tab);
	for (i = 0; !err && i < tab.nr; i++) {
		strbuf_reset(&c->name);
		err = strbuf_addf(&c->name, "%s:%s:%s", c->prefix, shown, tab.syms[i].name);
		if (err || !list_query_match(q, strbuf_str(&c->name)))
			continue;
		e.name = strbuf_str(&c->name);
		err = q->verbose ? fill_args(c, df, tab.syms[i].name, &e) : 0;
		err = err ?: c->sink->emit(c->sink, &e);
	}
	elf_symtab_release(&tab);
	return err;
}

/*
 * The functions of the binary's symbol tables and, as bpftrace lists them,
 * of its separate debug file's (a stripped library's .symtab is there); with
 * -v each with its parameters from the DWARF.
 */
static int list_binary(const char *path, const char *shown, const struct list_query *q,
		       void *arg)
{
	struct uprobe_ctx *c = arg;
	struct dwarf_file *df = NULL;
	struct elf_file *ef, *dbg = NULL;
	int err, derr;

	err = user_binary_open(path, &ef);
	if (err)
		return err;
	derr = dwarf_file_open(path, &df);
	if (derr && derr != -ENODATA) {
		elf_file_close(ef);
		return derr;	/* a corrupted debug file: reported */
	}
	err = list_symtab(c, ef, shown, q, df);
	if (!err && df && dwarf_file_separate(df) &&
	    !elf_file_open(dwarf_file_separate(df), &dbg))
		err = list_symtab(c, dbg, shown, q, df);
	elf_file_close(dbg);
	dwarf_file_close(df);
	elf_file_close(ef);
	return err;
}

static int uprobe_list(const struct provider *self, const struct list_query *q,
		       struct list_sink *sink)
{
	struct uprobe_ctx c = { .prefix = self->name, .sink = sink };
	int err;

	if (!strcmp(self->name, "uretprobe") && !list_query_names(q, self))
		return 0;
	err = user_targets_for_each(self, q, list_binary, &c);
	strbuf_release(&c.name);
	strbuf_release(&c.text);
	return err;
}

/* BPF_LINK_CREATE's attr for uprobe_multi (kernel 6.6), laid out as the kernel has it. */
union uprobe_multi_attr {
	char raw[128];
	struct {
		uint32_t prog_fd, target_fd, attach_type, flags;
		uint64_t path, offsets, ref_ctr_offsets, cookies;
		uint32_t cnt, uflags, pid;
	} lc;
};

struct multi {
	const struct probe_point *pp;
	int prog_fd;
	bool ret;
	size_t skipped;
	int first_err;
};

static int multi_link(struct multi *m, const uint64_t *offs, size_t n)
{
	union uprobe_multi_attr at;
	int fd;

	memset(&at, 0, sizeof(at));
	at.lc.prog_fd = (uint32_t)m->prog_fd;
	at.lc.attach_type = SCRY_TRACE_UPROBE_MULTI;
	at.lc.path = (uint64_t)(uintptr_t)m->pp->target;
	at.lc.offsets = (uint64_t)(uintptr_t)offs;
	at.lc.cnt = (uint32_t)n;
	at.lc.uflags = m->ret ? SCRY_UPROBE_MULTI_RETURN : 0;
	at.lc.pid = m->pp->pid > 0 ? (uint32_t)m->pp->pid : 0;
	fd = (int)syscall(__NR_bpf, BPF_LINK_CREATE, &at, sizeof(at));
	return fd < 0 ? -errno : fd;
}

/*
 * The kernel refuses a whole link when one function starts with an
 * instruction uprobes cannot handle (ENOTSUPP).  Halve the set until the
 * refused functions are alone, and leave those out: a few more links,
 * each still covering many functions.
 */
static int multi_split(struct multi *m, const uint64_t *offs, size_t n, struct attachment *a)
{
	int fd = multi_link(m, offs, n), err;

	if (fd >= 0)
		return attachment_add_fd(a, fd);
	if (fd != -524 /* ENOTSUPP */ && fd != -EOPNOTSUPP && fd != -EINVAL)
		return fd;
	if (n == 1) {
		m->skipped++;
		pr_debug("%s: offset 0x%llx refused", m->pp->target, (unsigned long long)offs[0]);
		if (!m->first_err)
			m->first_err = fd;
		return 0;
	}
	err = multi_split(m, offs, n / 2, a);
	return err ?: multi_split(m, offs + n / 2, n - n / 2, a);
}

/*
 * x86 uprobes refuse a LOCK-prefixed first instruction (pthread_spin_lock
 * in libc): leave those out before asking, as every refusal costs a
 * registration of the other functions of the link.  Keeps the others in
 * offs[0..return); *skipped counts the rest.
 */
static size_t lockless(const char *path, uint64_t *offs, size_t nr, size_t *skipped)
{
	size_t i, n = 0;
	unsigned char c;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return nr;	/* the kernel will say */
	for (i = 0; i < nr; i++) {
		if (pread(fd, &c, 1, (off_t)offs[i]) == 1 && c == 0xf0) {
			pr_debug("%s: offset 0x%llx starts with a LOCK prefix: not probed", path,
				 (unsigned long long)offs[i]);
			(*skipped)++;
			continue;
		}
		offs[n++] = offs[i];
	}
	close(fd);
	return n;
}

/*
 * A wildcard: every matching function through uprobe_multi links, one
 * syscall for all of them when the kernel takes them all, instead of a
 * perf event (and an fd) per function.  The program was loaded with
 * expected_attach_type BPF_TRACE_UPROBE_MULTI for this.
 */
static int multi_attach(const struct provider *self, const struct probe_point *pp, int prog_fd,
			struct attachment *a, bool ret)
{
	struct multi m = { .pp = pp, .prog_fd = prog_fd, .ret = ret };
	uint64_t *offs = NULL;
	size_t nr = 0, n;
	int err;

	err = user_func_offsets(pp->target, pp->func, &offs, &nr);
	if (err)
		return err;
	n = lockless(pp->target, offs, nr, &m.skipped);
	err = multi_split(&m, offs, n, a);
	if (err) {
		pr_err("%s:%s:%s: cannot attach a uprobe_multi link: %s", self->name, pp->target,
		       pp->func, strerror(-err));
	} else if (m.skipped == nr && !m.first_err) {
		pr_err("%s:%s:%s: the kernel cannot probe any of the %zu functions (LOCK-prefixed "
		       "first instructions)", self->name, pp->target, pp->func, nr);
		err = -EOPNOTSUPP;
	} else if (m.skipped == nr) {
		pr_err("%s:%s:%s: the kernel refuses to probe any of the %zu functions (%s)",
		       self->name, pp->target, pp->func, nr,
		       m.first_err == -524 ? "unsupported instructions" : strerror(-m.first_err));
		err = m.first_err == -524 ? -EOPNOTSUPP : m.first_err;
	} else if (m.skipped) {
		pr_warn("%s:%s:%s: %zu of %zu functions left out: the kernel cannot probe their "
			"first instruction", self->name, pp->target, pp->func, m.skipped, nr);
	}
	free(offs);
	return err;
}

/*
 * The code generator resolved the point: target is the binary's absolute
 * path, offset the FILE offset of the instruction (func only names it).  A
 * wildcard func is left for uprobe_multi.
 */
static int uprobe_attach(const struct provider *self, const struct probe_point *pp, int prog_fd,
			 struct attachment *a)
{
	bool ret = !strcmp(self->name, "uretprobe");
	int pfd;

	if (!pp->target || pp->target[0] != '/') {
		pr_err("%s:%s:%s: the probe was not resolved to a binary", self->name,
		       pp->target ? pp->target : "", pp->func ? pp->func : "");
		return -EINVAL;
	}
	if (user_is_glob(pp->func))
		return multi_attach(self, pp, prog_fd, a, ret);
	pfd = perf_uprobe_open(pp->target, pp->offset, ret, 0, pp->pid > 0 ? pp->pid : -1);
	return attachment_add_perf(a, pfd, prog_fd, pp->cookie);
}

#define BPF_TRACE_UPROBE_MULTI_ 48	/* BPF_TRACE_UPROBE_MULTI, older headers lack it */

static int uprobe_expand(const struct provider *self, const struct lang_env *env,
			 const struct expand_req *r, int (*add)(void *arg, const struct probe_point *pp),
			 void *arg)
{
	bool multi = !r->per_point && user_is_glob(r->func) && env_feature(env, FEAT_UPROBE_MULTI);

	return user_expand(self, env, r, false, multi, add, arg);
}

const struct provider provider_uprobe = {
	.name = "uprobe",
	.alias = "u",
	.min_parts = 2,
	.max_parts = 3,
	.offset = true,
	.wildcard = true,
	.usage = "uprobe:BINARY:FUNCTION[+OFFSET]",
	.ctx = CTX_ARGN | CTX_FUNC | CTX_USER | CTX_ARGS | CTX_FUNC_IP | CTX_DWARF,
	.ctx_kind = PCTX_REGS,
	.flags = PF_NEWEST_FIRST,
	.expand = uprobe_expand,
	.multi_attach_type = BPF_TRACE_UPROBE_MULTI_,
	.prog_type = BPF_PROG_TYPE_KPROBE,
	.list = uprobe_list,
	.attach = uprobe_attach,
};

const struct provider provider_uretprobe = {
	.name = "uretprobe",
	.alias = "ur",
	.min_parts = 2,
	.max_parts = 3,
	.wildcard = true,
	.usage = "uretprobe:BINARY:FUNCTION",
	.ctx = CTX_RETVAL | CTX_FUNC | CTX_USER | CTX_DWARF,
	.ctx_kind = PCTX_REGS,
	.flags = PF_NEWEST_FIRST,
	.expand = uprobe_expand,
	.multi_attach_type = BPF_TRACE_UPROBE_MULTI_,
	.prog_type = BPF_PROG_TYPE_KPROBE,
	.list = uprobe_list,
	.attach = uprobe_attach,
};
