// SPDX-License-Identifier: GPL-2.0
/*
 * iter:NAME[:PIN] — BPF iterators over kernel objects: iter:task (every
 * task), iter:task_file (every open file of every task), iter:task_vma
 * (every mapping).  The kernel's iterators are the bpf_iter_NAME functions
 * in vmlinux BTF; the program is a tracing program (BPF_TRACE_ITER) whose
 * ctx points to struct bpf_iter__NAME (ctx->task->pid, ctx->fd,
 * ctx->vma->vm_start: the fields below, offsets from BTF).
 *
 * Without PIN the iteration runs once, once the probes are attached (the
 * session reads the iterator to its end), then the session ends as after
 * exit().  -p PID visits that process's tasks only.  With PIN the iterator
 * link is pinned at /sys/fs/bpf/PIN (or PIN itself when it is a path): every
 * read of that file runs the program (its output goes where scry's does),
 * until scry ends and removes the pin.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <linux/bpf.h>

#include "lang/env.h"
#include "mech/features.h"
#include "probe/probe.h"
#include "sym/btf.h"
#include "util/log.h"

/* What the program may read through ctx (bpftrace's documented uses and their neighbours). */
static const struct ctx_field iter_fields[] = {
	{ "task", "task", "struct task_struct *" },
	{ "task_file", "task", "struct task_struct *" },
	{ "task_file", "fd", "uint32" },
	{ "task_file", "file", "struct file *" },
	{ "task_vma", "task", "struct task_struct *" },
	{ "task_vma", "vma", "struct vm_area_struct *" },
	{ "struct task_struct", "pid", "int32" },
	{ "struct task_struct", "tgid", "int32" },
	{ "struct task_struct", "comm", "string[16]" },
	{ "struct task_struct", "prio", "int32" },
	{ "struct task_struct", "flags", "uint32" },
	{ "struct task_struct", "real_parent", "struct task_struct *" },
	{ "struct task_struct", "group_leader", "struct task_struct *" },
	{ "struct task_struct", "mm", "struct mm_struct *" },
	{ "struct file", "f_flags", "uint32" },
	{ "struct file", "f_mode", "uint32" },
	{ "struct file", "f_pos", "int64" },
	{ "struct file", "f_inode", "struct inode *" },
	{ "struct inode", "i_ino", "uint64" },
	{ "struct inode", "i_mode", "uint16" },
	{ "struct inode", "i_size", "int64" },
	{ "struct vm_area_struct", "vm_start", "uint64" },
	{ "struct vm_area_struct", "vm_end", "uint64" },
	{ "struct vm_area_struct", "vm_pgoff", "uint64" },
	{ "struct vm_area_struct", "vm_file", "struct file *" },
	{ "struct vm_area_struct", "vm_mm", "struct mm_struct *" },
	{ "struct mm_struct", "total_vm", "uint64" },
	{ NULL, NULL, NULL },
};

struct iter_ctx {
	const struct list_query *q;
	struct list_sink *sink;
	char name[256];
};

/* Iterator targets are defined as "bpf_iter_NAME(struct bpf_iter_meta *meta, ...)". */
static bool is_iter_target(unsigned int type_id)
{
	const struct btf *btf = kernel_btf(NULL);
	const struct btf_type *t = btf__type_by_id(btf, type_id);
	const struct btf_param *p;

	if (!t || !btf_is_func(t))
		return false;
	t = btf__type_by_id(btf, t->type);
	if (!t || !btf_is_func_proto(t) || btf_vlen(t) < 1)
		return false;
	p = btf_params(t);
	t = btf__type_by_id(btf, p[0].type);
	if (!t || !btf_is_ptr(t))
		return false;
	t = btf__type_by_id(btf, t->type);
	return t && btf_is_struct(t) && !strcmp(btf__name_by_offset(btf, t->name_off), "bpf_iter_meta");
}

static int iter_one(const char *it, unsigned int type_id, void *arg)
{
	struct iter_ctx *c = arg;
	struct probe_entry e = { .available = true };

	if (snprintf(c->name, sizeof(c->name), "iter:%s", it) >= (int)sizeof(c->name))
		return 0;
	/* bpf_iter_get_info() takes the meta too, but is a helper, not a target */
	if (!strcmp(it, "get_info") || !is_iter_target(type_id))
		return 0;
	if (!list_query_match(c->q, c->name))
		return 0;
	e.name = c->name;
	return c->sink->emit(c->sink, &e);
}

static int iter_list(const struct provider *self, const struct list_query *q,
		     struct list_sink *sink)
{
	struct iter_ctx c = { .q = q, .sink = sink };
	int err = kernel_btf_for_each(BTF_KIND_FUNC, "bpf_iter_", iter_one, &c);

	return err < 0 && err != -ENOMEM ? 0 : err;
}

static int iter_parse(const struct provider *self, struct probe_spec *sp)
{
	sp->func = sp->parts[0];	/* the iterator */
	sp->target = sp->nparts == 2 ? sp->parts[1] : NULL;	/* the pin */
	if (!*sp->parts[0] || (sp->target && !*sp->target)) {
		snprintf(sp->hint, sizeof(sp->hint), "the form is '%s'", self->usage);
		snprintf(sp->msg, sizeof(sp->msg), "invalid iter probe '%s'", sp->text);
		return -EINVAL;
	}
	return 0;
}

static int iter_prepare(const struct provider *self, const struct lang_env *env,
			const char *where, const struct probe_point *pp, struct load_prep *out)
{
	char fn[128];
	int id;

	snprintf(fn, sizeof(fn), "bpf_iter_%s", pp->func ?: "");
	id = env->btf_func_id ? env->btf_func_id(env->ctx, fn) : -ENOENT;
	if (id <= 0) {
		pr_err("%s: iter: this kernel has no iterator '%s' (see 'scry -l \"iter:*\"')", where,
		       pp->func ?: "");
		return -EINVAL;
	}
	out->attach_btf_id = (uint32_t)id;
	out->expected_attach_type = BPF_TRACE_ITER;
	return 0;
}

static int iter_usable(const struct provider *self, char *why, size_t len)
{
	const struct feature *f = feature_get(FEAT_PROG_ITER);

	if (f->ok)
		return 0;
	snprintf(why, len, "iter probes cannot be used on this kernel (%s)", f->detail);
	return -EOPNOTSUPP;
}

/* A run of the iterator, or a pin to remove: what the attachment's poll keeps. */
struct iter_run {
	int link;	/* borrowed: the attachment closes it */
	int efd;	/* readable at once: the run happens from the session's loop */
	char pin[4096];	/* "" when not pinned */
};

/* Reads the iterator to its end: the program runs once per object. */
static int iter_poll(void *ctx)
{
	struct iter_run *r = ctx;
	char buf[4096];
	int fd = bpf_iter_create(r->link), err = 0;
	ssize_t n;

	if (fd < 0) {
		err = -errno;
		pr_err("iter: cannot start the iterator: %s", strerror(errno));
		return err;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		;
	if (n < 0) {
		err = -errno;
		pr_err("iter: reading the iterator: %s", strerror(errno));
	}
	close(fd);
	return err ? err : 1;	/* done: the session ends */
}

static void iter_release(void *ctx)
{
	struct iter_run *r = ctx;

	if (!r)
		return;
	if (r->pin[0])
		unlink(r->pin);
	if (r->efd >= 0)
		close(r->efd);
	free(r);
}

static int iter_attach(const struct provider *self, const struct probe_point *pp, int prog_fd,
		       struct attachment *a)
{
	union bpf_iter_link_info linfo;
	LIBBPF_OPTS(bpf_link_create_opts, lo);
	struct iter_run *r;
	int link, err;

	if (a->poll.release) {
		pr_err("iter:%s: one iterator per probe", pp->func);
		return -EINVAL;
	}
	memset(&linfo, 0, sizeof(linfo));
	if (pp->pid > 0) {
		linfo.task.pid = (uint32_t)pp->pid;	/* -p: that process's tasks */
		lo.iter_info = &linfo;
		lo.iter_info_len = sizeof(linfo);
	}
	link = bpf_link_create(prog_fd, 0, BPF_TRACE_ITER, &lo);
	if (link < 0) {
		err = -errno;
		pr_err("iter:%s: cannot attach the iterator: %s", pp->func, strerror(errno));
		return err;
	}
	err = attachment_add_fd(a, link);
	if (err)
		return err;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->link = link;
	r->efd = -1;
	if (pp->target) {
		snprintf(r->pin, sizeof(r->pin), "%s%s", strchr(pp->target, '/') ? "" : "/sys/fs/bpf/",
			 pp->target);
		if (bpf_obj_pin(link, r->pin)) {
			err = -errno;
			pr_err("iter:%s:%s: cannot pin the iterator at %s: %s%s", pp->func, pp->target,
			       r->pin, strerror(errno),
			       errno == ENOENT || errno == EPERM ?
				       " (is a bpf file system mounted there? mount -t bpf bpf /sys/fs/bpf)" : "");
			r->pin[0] = '\0';
			iter_release(r);
			return err;
		}
		pr_info("iter:%s: pinned at %s: every read of it runs the program", pp->func, r->pin);
		a->poll = (struct attach_poll){ .fd = -1, .release = iter_release, .ctx = r };
		return 0;
	}
	r->efd = eventfd(1, EFD_CLOEXEC);
	if (r->efd < 0) {
		err = -errno;
		iter_release(r);
		return err;
	}
	a->poll = (struct attach_poll){ .fd = r->efd, .fn = iter_poll, .release = iter_release,
					.ctx = r };
	return 0;
}

const struct provider provider_iter = {
	.name = "iter",
	.alias = "it",
	.min_parts = 1,
	.max_parts = 2,
	.usage = "iter:NAME[:PIN]",
	.parse = iter_parse,
	.ctx_kind = PCTX_NONE,
	.flags = PF_CTX_OBJECT,
	.ctx_struct = "bpf_iter__",
	.ctx_fields = iter_fields,
	.prog_type = BPF_PROG_TYPE_TRACING,
	.prepare = iter_prepare,
	.usable = iter_usable,
	.attach = iter_attach,
	.list = iter_list,
};
