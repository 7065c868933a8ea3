// SPDX-License-Identifier: GPL-2.0
/*
 * watchpoint:ADDRESS:LENGTH:MODE and asyncwatchpoint: hardware breakpoints
 * on memory (PERF_TYPE_BREAKPOINT), the program run on every access as a
 * perf-event program.  MODE is made of r, w and x (x86 watches writes,
 * reads-or-writes and execution; not reads alone).
 *
 * watchpoint:FUNC+argN:LENGTH:MODE (bpftrace 0.17, with -p or -c): the
 * address is argument N of function FUNC of the traced program, known only
 * when FUNC runs.  A uprobe on FUNC samples the argument's register into a
 * perf ring that scry watches; a tiny program on the same uprobe stops the
 * process (SIGSTOP) until scry has opened the breakpoint, then SIGCONT lets
 * it go on, so that not one access is missed.  asyncwatchpoint does not
 * stop it (accesses right after the call may be missed).  Each address is
 * watched once.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <asm/perf_regs.h>
#include <linux/bpf.h>
#include <linux/hw_breakpoint.h>

#include <bpf/libbpf.h>

#include "mech/bpf.h"
#include "mech/perf_event.h"
#include "probe/probe.h"
#include "probe/user_resolve.h"
#include "util/log.h"

/* The registers of arg0..arg5 in perf's x86-64 numbering (PERF_SAMPLE_REGS_USER). */
static const int wp_arg_regs[] = {
	PERF_REG_X86_DI, PERF_REG_X86_SI, PERF_REG_X86_DX,
	PERF_REG_X86_CX, PERF_REG_X86_R8, PERF_REG_X86_R9,
};

#define WP_MAX_ADDRS 64

/* What a function-argument watchpoint keeps while it runs (freed by wp_release). */
struct wp_watch {
	int epfd;			/* the uprobes' rings */
	struct perf_sample_ring rings[8];
	size_t nr_rings;
	int prog_fd;			/* the watchpoint's program (the session's) */
	struct attachment *a;		/* where the breakpoints go */
	uint64_t len;
	unsigned int bp_type;
	bool sync;			/* the process is stopped at FUNC until watched */
	char name[192];			/* "watchpoint:FUNC+argN:LEN:MODE", for messages */
	uint64_t addrs[WP_MAX_ADDRS];
	size_t nr_addrs;
};

static unsigned int wp_mode(const char *m)
{
	unsigned int t = 0;

	for (; *m; m++)
		t |= *m == 'r' ? HW_BREAKPOINT_R : *m == 'w' ? HW_BREAKPOINT_W :
		     *m == 'x' ? HW_BREAKPOINT_X : HW_BREAKPOINT_INVALID;
	return t;
}

static int wp_parse(const struct provider *self, struct probe_spec *sp)
{
	char *plus = strchr(sp->parts[0], '+');
	uint64_t v;
	const char *m;

	if (plus && !strncmp(plus + 1, "arg", 3) && plus[4] >= '0' && plus[4] <= '5' && !plus[5] &&
	    plus > sp->parts[0]) {
		*plus = '\0';
		sp->func = sp->parts[0];	/* FUNC of the traced program */
		sp->offset = (uint64_t)(plus[4] - '0');
	} else if (!plus && *sp->parts[0] && sp->number(sp->parts[0], &v)) {
		sp->func = NULL;
		sp->offset = v;	/* the address */
	} else {
		snprintf(sp->hint, sizeof(sp->hint),
			 "the forms are '%s:ADDRESS:LENGTH:MODE' and '%s:FUNCTION+argN:LENGTH:MODE'",
			 self->name, self->name);
		snprintf(sp->msg, sizeof(sp->msg), "invalid %s '%s'", self->name, sp->text);
		return -EINVAL;
	}
	if (!*sp->parts[1] || !sp->number(sp->parts[1], &sp->rate) ||
	    (sp->rate != 1 && sp->rate != 2 && sp->rate != 4 && sp->rate != 8)) {
		snprintf(sp->hint, sizeof(sp->hint), "the length is 1, 2, 4 or 8");
		snprintf(sp->msg, sizeof(sp->msg), "invalid length '%s' in %s '%s'", sp->parts[1],
			 self->name, sp->text);
		return -EINVAL;
	}
	for (m = sp->parts[2]; *m; m++) {
		if (!strchr("rwx", *m) || strchr(m + 1, *m)) {
			snprintf(sp->hint, sizeof(sp->hint), "the mode is made of r, w and x");
			snprintf(sp->msg, sizeof(sp->msg), "invalid watchpoint mode '%s'", sp->parts[2]);
			return -EINVAL;
		}
	}
	if (!*sp->parts[2]) {
		snprintf(sp->msg, sizeof(sp->msg), "empty watchpoint mode in '%s'", sp->text);
		return -EINVAL;
	}
	sp->target = sp->parts[2];	/* the mode */
	return 0;
}

/* Opens the breakpoint(s) of addr and attaches prog_fd: pid > 0 that process, else every CPU. */
static int wp_open(const char *name, uint64_t addr, uint64_t len, unsigned int bp_type, pid_t pid,
		   int prog_fd, struct attachment *a)
{
	int ncpu = pid > 0 ? 1 : libbpf_num_possible_cpus(), cpu, fd, err, opened = 0;

	for (cpu = 0; cpu < ncpu; cpu++) {
		fd = perf_breakpoint_open(addr, len, bp_type, pid > 0 ? pid : -1, pid > 0 ? -1 : cpu);
		if (fd == -ENODEV && pid <= 0)
			continue;	/* possible but offline */
		if (fd == -ESRCH)
			return fd;	/* the caller decides */
		if (fd < 0) {
			if (fd == -ENOSPC)
				pr_err("%s: no hardware debug register left for 0x%llx", name,
				       (unsigned long long)addr);
			else if (fd == -EINVAL && bp_type == HW_BREAKPOINT_R)
				pr_err("%s: this machine cannot watch reads alone: use mode 'rw'",
				       name);
			else
				pr_err("%s: cannot open a breakpoint on 0x%llx: %s", name,
				       (unsigned long long)addr, strerror(-fd));
			return fd;
		}
		err = attachment_add_perf(a, fd, prog_fd, 0);
		if (err)
			return err;
		opened++;
	}
	return opened ? 0 : -ENODEV;
}

/*
 * The stop signal the uprobe's program sent is taken on the way back to
 * user space, a moment after the sample: wait for it (at most 100 ms), so
 * that the breakpoint is opened on a stopped thread.
 */
static void wp_wait_stopped(pid_t tid)
{
	char path[64], buf[512], *p;
	int i, fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)tid);
	for (i = 0; i < 1000; i++) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			return;
		buf[n] = '\0';
		p = strrchr(buf, ')');	/* the state follows the comm */
		if (!p || (p[1] == ' ' && (p[2] == 'T' || p[2] == 't' || p[2] == 'Z' || p[2] == 'X')))
			return;
		usleep(100);
	}
}

/* One uprobe sample: u32 pid, tid; u64 abi; u64 the argument's register. */
static int wp_sample(const void *sample, size_t len, void *ctx)
{
	struct wp_watch *w = ctx;
	const uint8_t *b = sample;
	uint32_t pid, tid;
	uint64_t abi, addr;
	size_t i;
	int err = 0;

	if (len < 24)
		return 0;
	memcpy(&pid, b, 4);
	memcpy(&tid, b + 4, 4);
	memcpy(&abi, b + 8, 8);
	memcpy(&addr, b + 16, 8);
	if (w->sync)
		wp_wait_stopped((pid_t)tid);
	for (i = 0; abi && i < w->nr_addrs && w->addrs[i] != addr; i++)
		;
	if (abi && i == w->nr_addrs) {
		if (w->nr_addrs == WP_MAX_ADDRS) {
			pr_warn("%s: more than %d addresses: 0x%llx is not watched", w->name,
				WP_MAX_ADDRS, (unsigned long long)addr);
		} else {
			w->addrs[w->nr_addrs++] = addr;
			err = wp_open(w->name, addr, w->len, w->bp_type, (pid_t)tid, w->prog_fd, w->a);
			if (err == -ESRCH)
				err = 0;	/* it ended before it could be watched (async) */
			if (err == -ENOSPC) {
				pr_warn("%s: 0x%llx is not watched", w->name, (unsigned long long)addr);
				err = 0;
			}
		}
	}
	if (w->sync)
		kill((pid_t)pid, SIGCONT);
	return err;
}

static int wp_poll(void *ctx)
{
	struct wp_watch *w = ctx;
	size_t i;
	int err = 0;

	for (i = 0; i < w->nr_rings && !err; i++)
		err = perf_sample_ring_drain(&w->rings[i], wp_sample, w);
	return err;
}

static void wp_release(void *ctx)
{
	struct wp_watch *w = ctx;
	size_t i;

	if (!w)
		return;
	for (i = 0; i < w->nr_rings; i++)
		perf_sample_ring_unmap(&w->rings[i]);
	if (w->epfd >= 0)
		close(w->epfd);
	free(w);
}

/* The program on FUNC's uprobe: stop the process (scry continues it), keep the sample. */
static int wp_stop_prog(void)
{
	static const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_1, .imm = SIGSTOP },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_send_signal },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 1 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct scry_prog_spec spec = {
		.type = BPF_PROG_TYPE_KPROBE,
		.name = "scry_watch_stop",
		.insns = insns,
		.nr_insns = sizeof(insns) / sizeof(insns[0]),
	};

	return scry_prog_load(&spec, NULL, NULL);
}

static int wp_attach_func(const struct provider *self, const struct probe_point *pp, int prog_fd,
			  struct attachment *a)
{
	struct wp_watch *w = a->poll.ctx;
	struct epoll_event ev = { .events = EPOLLIN };
	uint64_t *offs = NULL;
	size_t nr = 0, i;
	int fd = -1, stop = -1, err;

	if (!pp->exe || pp->pid <= 0) {
		pr_err("%s:%s+arg%llu: the function is the traced program's: give -p PID or -c CMD",
		       self->name, pp->func, (unsigned long long)pp->offset);
		return -EINVAL;
	}
	if (!w) {
		w = calloc(1, sizeof(*w));
		if (!w)
			return -ENOMEM;
		w->epfd = epoll_create1(EPOLL_CLOEXEC);
		if (w->epfd < 0) {
			err = -errno;
			free(w);
			return err;
		}
		w->prog_fd = prog_fd;
		w->a = a;
		w->len = pp->rate;
		w->bp_type = wp_mode(pp->target);
		w->sync = !strcmp(self->name, "watchpoint");
		snprintf(w->name, sizeof(w->name), "%s:%s+arg%llu:%llu:%s", self->name, pp->func,
			 (unsigned long long)pp->offset, (unsigned long long)pp->rate, pp->target);
		a->poll = (struct attach_poll){ .fd = w->epfd, .fn = wp_poll, .release = wp_release,
						.ctx = w };
	}
	if (w->nr_rings == sizeof(w->rings) / sizeof(w->rings[0])) {
		pr_err("%s: too many functions in one probe", w->name);
		return -E2BIG;
	}
	err = user_func_offsets(pp->exe, pp->func, &offs, &nr);	/* reported */
	if (err)
		return err;
	for (i = 0; i < nr && !err && w->nr_rings < sizeof(w->rings) / sizeof(w->rings[0]); i++) {
		fd = perf_uprobe_regs_open(pp->exe, offs[i], 1ULL << wp_arg_regs[pp->offset], pp->pid);
		if (fd < 0) {
			err = fd;
			break;
		}
		err = perf_sample_ring_map(fd, 1, &w->rings[w->nr_rings]);
		if (err) {
			pr_err("%s: cannot map the uprobe's ring: %s", w->name, strerror(-err));
			close(fd);
			break;
		}
		w->nr_rings++;
		ev.data.u32 = (uint32_t)w->nr_rings;
		if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, fd, &ev)) {
			err = -errno;
			close(fd);
			break;
		}
		if (w->sync) {
			stop = wp_stop_prog();
			if (stop < 0) {
				err = stop;
				close(fd);
				break;
			}
			err = attachment_add_fd(a, stop);
			err = err ?: attachment_add_perf(a, fd, stop, 0);
		} else {
			err = attachment_add_fd(a, fd);
		}
	}
	free(offs);
	return err;
}

static int wp_attach(const struct provider *self, const struct probe_point *pp, int prog_fd,
		     struct attachment *a)
{
	char name[192];

	if (pp->func)
		return wp_attach_func(self, pp, prog_fd, a);
	snprintf(name, sizeof(name), "%s:0x%llx:%llu:%s", self->name,
		 (unsigned long long)pp->offset, (unsigned long long)pp->rate, pp->target);
	return wp_open(name, pp->offset, pp->rate, wp_mode(pp->target), pp->pid, prog_fd, a);
}

const struct provider provider_watchpoint = {
	.name = "watchpoint",
	.alias = "w",
	.min_parts = 3,
	.max_parts = 3,
	.usage = "watchpoint:ADDRESS:LENGTH:MODE",
	.parse = wp_parse,
	.ctx_kind = PCTX_PERF,
	.prog_type = BPF_PROG_TYPE_PERF_EVENT,
	.attach = wp_attach,
};

const struct provider provider_asyncwatchpoint = {
	.name = "asyncwatchpoint",
	.alias = "aw",
	.min_parts = 3,
	.max_parts = 3,
	.usage = "asyncwatchpoint:ADDRESS:LENGTH:MODE",
	.parse = wp_parse,
	.ctx_kind = PCTX_PERF,
	.prog_type = BPF_PROG_TYPE_PERF_EVENT,
	.attach = wp_attach,
};
