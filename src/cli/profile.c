// SPDX-License-Identifier: GPL-2.0
/*
 * scry profile: a CPU profiler that aggregates in the kernel.
 *
 * cpu-clock sampling at -F Hz on every CPU runs a PERF_EVENT program that
 * takes bpf_get_stackid() of the kernel and the user stack into one
 * STACK_TRACE map and counts {tgid, kernel stack id, user stack id, comm}
 * in a hash map.  At the end the maps are read once, symbolized, and
 * written as folded stacks, JSON or an SVG flame graph.
 *
 * No stack is lost silently.  A stack that cannot be stored keeps its
 * sample: the key carries the negative error instead of an id, and the
 * sample is counted under a "[... stack lost: reason]" frame.  A hash
 * collision in the stack map gets a second chance in an overflow map.  Per-CPU
 * counters count every sample, every stack not taken (-EFAULT: no stack of
 * that kind, normal), stacks stored in the overflow map, hash collisions in
 * both maps (-EEXIST: BPF_F_REUSE_STACKID is not used because it would
 * silently re-attribute older samples to the newer stack), a full stack
 * map (-ENOMEM), other failures, and samples dropped because the counts map
 * was full.  They are printed to stderr and written in the JSON.
 *
 * User stacks are symbolized from snapshots of /proc/PID/maps taken while
 * the processes live: at attach time for -p, then every 250 ms for the
 * target of -p/-c and for every process newly seen in the counts map.
 *
 * JSON (--format json):
 *   {"profile": {"frequency_hz": 99, "duration_ms": 2010, "target": "all"|"pid"|"command",
 *                "pid": N|null, "kernel_stacks": true, "user_stacks": true},
 *    "totals": {"samples": N, "counted": N, "distinct_stacks": N},
 *    "lost": {"kernel_stack_collisions": N, "kernel_stack_map_full": N,
 *             "kernel_stack_failed": N, "user_stack_collisions": N,
 *             "user_stack_map_full": N, "user_stack_failed": N,
 *             "counts_map_full": N},
 *    "overflow_map": {"kernel": N, "user": N},
 *    "no_stack": {"kernel": N, "user": N},
 *    "stacks": [{"pid": N, "comm": "x", "count": N,
 *                "frames": [{"name": "main", "kernel": false, "addr": "0x55..",
 *                            "offset": 22, "module": "/path"}, ...]}, ...]}
 * Stacks are ordered by count (highest first); frames go from the
 * outermost caller to the leaf, user frames before kernel frames; "name"
 * is null when the address has no symbol; a lost stack is one frame with
 * "lost": "collision"|"map full"|"error N" and no address.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "codegen/bpf/insn.h"
#include "mech/bpf.h"
#include "mech/perf_event.h"
#include "out/flamegraph.h"
#include "out/json.h"
#include "out/stack.h"
#include "runtime/child.h"
#include "runtime/loop.h"
#include "sym/ksyms.h"
#include "sym/usyms.h"
#include "util/log.h"
#include "util/strbuf.h"

#define MAX_CPUS 1024
#define STACK_ENTRIES 16384	/* a power of two: every bucket has a free-list entry */
#define OVERFLOW_ENTRIES 4096	/* stacks whose bucket was taken in the first map */
#define OVERFLOW_ID (1 << 30)	/* tags a stack id of the overflow map */
#define COUNT_ENTRIES 32768
#define TICK_MS 250
#define NO_STACK INT32_MIN	/* that kind of stack was not asked for */

/* The key counted by the BPF program: 32 bytes, no holes. */
struct prof_key {
	uint32_t tgid;
	int32_t kstack;		/* stack id, or -errno, or NO_STACK */
	int32_t ustack;
	uint32_t pad;
	char comm[16];
};

enum prof_stat {
	ST_SAMPLES,
	ST_K_NONE,
	ST_K_COLLIDE,
	ST_K_FULL,
	ST_K_FAIL,
	ST_K_OVERFLOW,
	ST_U_NONE,
	ST_U_COLLIDE,
	ST_U_FULL,
	ST_U_FAIL,
	ST_U_OVERFLOW,
	ST_DROPPED,
	NR_STATS,
};

enum out_kind { OUT_FOLDED, OUT_JSON, OUT_SVG };
enum target { TARGET_ALL, TARGET_PID, TARGET_CMD };

struct profile {
	unsigned int hz;
	double duration;	/* 0: until Ctrl-C or the target ends */
	bool kernel, user;
	enum target target;
	pid_t pid;
	const char *cmd;
	struct child child;
	bool have_child;
	int stack_map, overflow_map, count_map, stat_map, prog;
	int fds[MAX_CPUS], links[MAX_CPUS], nr_fds;
	struct usyms *us;
	struct ksyms *ks;
	bool done;
	double elapsed;
};

struct prof_entry {
	struct prof_key key;
	uint64_t count;
};

struct entries {
	struct prof_entry *v;
	size_t n, alloc;
};

static void profile_usage(FILE *f)
{
	fprintf(f,
		"usage: scry profile [-F HZ] [-p PID | -c CMD | -a] [-d SECONDS]\n"
		"                    [--kernel-only | --user-only] [-o FILE] [--format folded|json|svg]\n"
		"\n"
		"Sample on-CPU stacks on every CPU at HZ (cpu-clock), aggregated in the kernel,\n"
		"and write them symbolized when the time is up, the target ends, or on Ctrl-C.\n"
		"\n"
		"  -F, --frequency HZ  samples per second and CPU (default 99)\n"
		"  -p, --pid PID       only process PID (ends when it exits)\n"
		"  -c, --command CMD   run CMD and profile it (ends when it exits)\n"
		"  -a, --all           every process (the default)\n"
		"  -d, --duration S    stop after S seconds (decimals allowed)\n"
		"  --kernel-only       kernel stacks only\n"
		"  --user-only         user stacks only\n"
		"  -o, --output FILE   write to FILE; its extension picks the format:\n"
		"                      .svg, .json, .folded or .txt (folded)\n"
		"  --format FMT        folded (default: 'comm;outer;...;leaf COUNT' lines),\n"
		"                      json (stacks with frames and counts, totals, losses),\n"
		"                      svg (an interactive flame graph)\n"
		"  -v                  verbose\n"
		"  -h, --help          this text\n"
		"\n"
		"Lost stacks (hash collisions, full maps, failed reads) are counted and printed\n"
		"to stderr at the end; their samples appear under a '[... stack lost: ...]' frame.\n"
		"A frame without a symbol shows as '[object]', or '[unknown]' without an object\n"
		"(a run of those as one, in folded and SVG output; JSON keeps every frame).\n");
}

/* ---- the BPF program ---- */

/* stats[idx]++ (per CPU).  Clobbers r0-r5. */
static void emit_count(struct insn_buf *b, int stat_map, int idx)
{
	int skip = insn_label_new(b);

	insn_st(b, BPF_W, BPF_REG_10, -44, idx);
	insn_ld_map_fd(b, BPF_REG_1, stat_map);
	insn_mov64_reg(b, BPF_REG_2, BPF_REG_10);
	insn_alu64_imm(b, BPF_ADD, BPF_REG_2, -44);
	insn_call(b, BPF_FUNC_map_lookup_elem);
	insn_jmp_imm(b, BPF_JEQ, BPF_REG_0, 0, skip);
	insn_mov64_imm(b, BPF_REG_1, 1);
	insn_atomic(b, BPF_DW, BPF_ADD, BPF_REG_0, 0, BPF_REG_1);
	insn_label_place(b, skip);
}

/*
 * key.{kstack,ustack} at fp+off = bpf_get_stackid(ctx, stacks, flags).  On a
 * hash collision (-EEXIST) the stack goes to the overflow map instead: the
 * stack it collided with lives in the first map, so the new one finds its
 * bucket in the second free unless another overflowing stack took it; its
 * id there is tagged with OVERFLOW_ID.  Errors are counted.
 */
static void emit_stackid(struct insn_buf *b, const struct profile *p, int16_t off, uint64_t flags,
			 int first_stat)
{
	int ok = insn_label_new(b), next = insn_label_new(b), fail = insn_label_new(b);
	int l_collide = insn_label_new(b), l_full = insn_label_new(b), l_other = insn_label_new(b);

	insn_mov64_reg(b, BPF_REG_1, BPF_REG_6);
	insn_ld_map_fd(b, BPF_REG_2, p->stack_map);
	insn_mov64_imm(b, BPF_REG_3, (int32_t)flags);
	insn_call(b, BPF_FUNC_get_stackid);
	insn_jmp_imm(b, BPF_JSGE, BPF_REG_0, 0, ok);
	insn_jmp_imm(b, BPF_JNE, BPF_REG_0, -EEXIST, fail);
	insn_mov64_reg(b, BPF_REG_1, BPF_REG_6);
	insn_ld_map_fd(b, BPF_REG_2, p->overflow_map);
	insn_mov64_imm(b, BPF_REG_3, (int32_t)flags);
	insn_call(b, BPF_FUNC_get_stackid);
	insn_jmp_imm(b, BPF_JSLT, BPF_REG_0, 0, fail);
	insn_alu64_imm(b, BPF_OR, BPF_REG_0, OVERFLOW_ID);
	insn_stx(b, BPF_W, BPF_REG_10, off, BPF_REG_0);
	emit_count(b, p->stat_map, first_stat + 4);
	insn_ja(b, next);

	insn_label_place(b, fail);
	insn_stx(b, BPF_W, BPF_REG_10, off, BPF_REG_0);
	insn_mov64_reg(b, BPF_REG_8, BPF_REG_0);
	insn_jmp_imm(b, BPF_JEQ, BPF_REG_8, -EEXIST, l_collide);
	insn_jmp_imm(b, BPF_JEQ, BPF_REG_8, -ENOMEM, l_full);
	/* -EFAULT: no stack of this kind (user mode for kstack, kernel thread for ustack). */
	insn_jmp_imm(b, BPF_JNE, BPF_REG_8, -EFAULT, l_other);
	emit_count(b, p->stat_map, first_stat + 0);
	insn_ja(b, next);
	insn_label_place(b, l_other);
	emit_count(b, p->stat_map, first_stat + 3);
	insn_ja(b, next);
	insn_label_place(b, l_collide);
	emit_count(b, p->stat_map, first_stat + 1);
	insn_ja(b, next);
	insn_label_place(b, l_full);
	emit_count(b, p->stat_map, first_stat + 2);
	insn_ja(b, next);

	insn_label_place(b, ok);
	insn_stx(b, BPF_W, BPF_REG_10, off, BPF_REG_0);
	insn_label_place(b, next);
}

static int load_prog(struct profile *p)
{
	struct insn_buf b = INSN_BUF_INIT;
	struct scry_prog_spec spec = { .type = BPF_PROG_TYPE_PERF_EVENT, .name = "profile" };
	int out, insert, dropped, err;

	out = insn_label_new(&b);
	insert = insn_label_new(&b);
	dropped = insn_label_new(&b);
	/* key at fp-32: tgid -32, kstack -28, ustack -24, pad -20, comm -16; one at -40 */
	insn_mov64_reg(&b, BPF_REG_6, BPF_REG_1);
	insn_call(&b, BPF_FUNC_get_current_pid_tgid);
	insn_mov64_reg(&b, BPF_REG_7, BPF_REG_0);
	insn_alu64_imm(&b, BPF_RSH, BPF_REG_7, 32);
	if (p->target != TARGET_ALL)
		insn_jmp_imm(&b, BPF_JNE, BPF_REG_7, p->pid, out);
	emit_count(&b, p->stat_map, ST_SAMPLES);
	insn_stx(&b, BPF_W, BPF_REG_10, -32, BPF_REG_7);
	insn_st(&b, BPF_W, BPF_REG_10, -20, 0);
	insn_mov64_reg(&b, BPF_REG_1, BPF_REG_10);
	insn_alu64_imm(&b, BPF_ADD, BPF_REG_1, -16);
	insn_mov64_imm(&b, BPF_REG_2, 16);
	insn_call(&b, BPF_FUNC_get_current_comm);
	if (p->kernel)
		emit_stackid(&b, p, -28, 0, ST_K_NONE);
	else
		insn_st(&b, BPF_W, BPF_REG_10, -28, NO_STACK);
	if (p->user)
		emit_stackid(&b, p, -24, BPF_F_USER_STACK, ST_U_NONE);
	else
		insn_st(&b, BPF_W, BPF_REG_10, -24, NO_STACK);

	insn_ld_map_fd(&b, BPF_REG_1, p->count_map);
	insn_mov64_reg(&b, BPF_REG_2, BPF_REG_10);
	insn_alu64_imm(&b, BPF_ADD, BPF_REG_2, -32);
	insn_call(&b, BPF_FUNC_map_lookup_elem);
	insn_jmp_imm(&b, BPF_JEQ, BPF_REG_0, 0, insert);
	insn_mov64_imm(&b, BPF_REG_1, 1);
	insn_atomic(&b, BPF_DW, BPF_ADD, BPF_REG_0, 0, BPF_REG_1);
	insn_ja(&b, out);

	insn_label_place(&b, insert);
	insn_st(&b, BPF_DW, BPF_REG_10, -40, 1);
	insn_ld_map_fd(&b, BPF_REG_1, p->count_map);
	insn_mov64_reg(&b, BPF_REG_2, BPF_REG_10);
	insn_alu64_imm(&b, BPF_ADD, BPF_REG_2, -32);
	insn_mov64_reg(&b, BPF_REG_3, BPF_REG_10);
	insn_alu64_imm(&b, BPF_ADD, BPF_REG_3, -40);
	insn_mov64_imm(&b, BPF_REG_4, BPF_NOEXIST);
	insn_call(&b, BPF_FUNC_map_update_elem);
	insn_jmp_imm(&b, BPF_JEQ, BPF_REG_0, 0, out);
	/* Another CPU inserted the same key in between: add to its count. */
	insn_jmp_imm(&b, BPF_JNE, BPF_REG_0, -EEXIST, dropped);
	insn_ld_map_fd(&b, BPF_REG_1, p->count_map);
	insn_mov64_reg(&b, BPF_REG_2, BPF_REG_10);
	insn_alu64_imm(&b, BPF_ADD, BPF_REG_2, -32);
	insn_call(&b, BPF_FUNC_map_lookup_elem);
	insn_jmp_imm(&b, BPF_JEQ, BPF_REG_0, 0, dropped);
	insn_mov64_imm(&b, BPF_REG_1, 1);
	insn_atomic(&b, BPF_DW, BPF_ADD, BPF_REG_0, 0, BPF_REG_1);
	insn_ja(&b, out);
	insn_label_place(&b, dropped);
	emit_count(&b, p->stat_map, ST_DROPPED);

	insn_label_place(&b, out);
	insn_mov64_imm(&b, BPF_REG_0, 0);
	insn_exit(&b);

	err = insn_buf_finish(&b);
	if (err)
		goto out;
	spec.insns = b.insns;
	spec.nr_insns = b.len;
	err = scry_prog_load(&spec, NULL, NULL);
	if (err >= 0) {
		p->prog = err;
		err = 0;
	}
out:
	insn_buf_release(&b);
	return err;
}

static int create_maps(struct profile *p)
{
	struct scry_map_spec stacks = {
		.type = BPF_MAP_TYPE_STACK_TRACE, .name = "prof_stacks", .key_size = 4,
		.value_size = STACK_MAX_DEPTH * sizeof(uint64_t), .max_entries = STACK_ENTRIES,
	};
	struct scry_map_spec counts = {
		.type = BPF_MAP_TYPE_HASH, .name = "prof_counts", .key_size = sizeof(struct prof_key),
		.value_size = 8, .max_entries = COUNT_ENTRIES,
	};
	struct scry_map_spec stats = {
		.type = BPF_MAP_TYPE_PERCPU_ARRAY, .name = "prof_stats", .key_size = 4,
		.value_size = 8, .max_entries = NR_STATS,
	};

	p->stack_map = scry_map_create(&stacks);
	if (p->stack_map < 0)
		return p->stack_map;
	stacks.name = "prof_overflow";
	stacks.max_entries = OVERFLOW_ENTRIES;
	p->overflow_map = scry_map_create(&stacks);
	if (p->overflow_map < 0)
		return p->overflow_map;
	p->count_map = scry_map_create(&counts);
	if (p->count_map < 0)
		return p->count_map;
	p->stat_map = scry_map_create(&stats);
	return p->stat_map < 0 ? p->stat_map : 0;
}

static int attach(struct profile *p)
{
	int i, err, n = perf_profile_open(p->hz, p->fds, MAX_CPUS);

	if (n < 0)
		return n;
	p->nr_fds = n;
	for (i = 0; i < n; i++) {
		err = perf_attach_bpf(p->fds[i], p->prog, 0, &p->links[i]);
		if (err)
			return err;
	}
	return 0;
}

static void detach(struct profile *p)
{
	int i;

	for (i = 0; i < p->nr_fds; i++) {
		if (p->links[i] >= 0)
			close(p->links[i]);
		if (p->fds[i] >= 0)
			close(p->fds[i]);
		p->links[i] = p->fds[i] = -1;
	}
	p->nr_fds = 0;
}

static void release(struct profile *p)
{
	detach(p);
	if (p->prog >= 0)
		close(p->prog);
	if (p->stack_map >= 0)
		close(p->stack_map);
	if (p->overflow_map >= 0)
		close(p->overflow_map);
	if (p->count_map >= 0)
		close(p->count_map);
	if (p->stat_map >= 0)
		close(p->stat_map);
	p->prog = p->stack_map = p->overflow_map = p->count_map = p->stat_map = -1;
	usyms_free(p->us);
	ksyms_free(p->ks);
	p->us = NULL;
	p->ks = NULL;
}

/* ---- while it runs ---- */

static int snap_key(const void *key, const void *value, void *ctx)
{
	const struct prof_key *k = key;
	struct profile *p = ctx;

	if (k->tgid && k->ustack >= 0 && !usyms_has(p->us, (pid_t)k->tgid))
		usyms_snapshot(p->us, (pid_t)k->tgid, false);
	return 0;
}

/* Maps of the processes seen so far, taken while they live. */
static void tick(struct profile *p)
{
	if (!p->user)
		return;
	if (p->target != TARGET_ALL)
		usyms_snapshot(p->us, p->pid, true);
	else
		scry_map_for_each(p->count_map, snap_key, p, NULL);
}

static int on_signal(int signo, void *ctx)
{
	struct profile *p = ctx;

	if (signo == SIGCHLD) {
		if (p->have_child && child_reap(&p->child))
			return 1;
		return 0;
	}
	return 1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run(struct profile *p, struct loop *l)
{
	double start = now_s(), end = p->duration > 0 ? start + p->duration : 0;
	int ret;

	for (;;) {
		int wait = TICK_MS;

		if (end) {
			double left = end - now_s();

			if (left <= 0)
				break;
			if (left * 1000 < wait)
				wait = (int)(left * 1000) + 1;
		}
		ret = loop_run(l, wait);
		if (ret < 0)
			return ret;
		if (ret)
			break;
		if (p->target == TARGET_PID && kill(p->pid, 0) && errno == ESRCH)
			break;
		tick(p);
	}
	p->elapsed = now_s() - start;
	return 0;
}

/* ---- reading and writing ---- */

static int collect(const void *key, const void *value, void *ctx)
{
	struct entries *e = ctx;
	struct prof_entry *v;

	if (e->n == e->alloc) {
		size_t na = e->alloc ? 2 * e->alloc : 256;

		v = realloc(e->v, na * sizeof(*v));
		if (!v)
			return -ENOMEM;
		e->v = v;
		e->alloc = na;
	}
	memcpy(&e->v[e->n].key, key, sizeof(struct prof_key));
	memcpy(&e->v[e->n].count, value, sizeof(uint64_t));
	e->n++;
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct prof_entry *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return memcmp(&x->key, &y->key, sizeof(x->key));
}

static const char *lost_reason(int32_t id, char *buf, size_t len)
{
	if (id == -EEXIST)
		return "collision";
	if (id == -ENOMEM)
		return "map full";
	snprintf(buf, len, "error %d", (int)id);
	return buf;
}

/* One frame of a symbolized stack. */
struct frame {
	uint64_t addr;
	bool kernel;
	const char *name;	/* NULL: unknown */
	uint64_t off;
	const char *module;
	const char *lost;	/* a lost stack: the reason */
};

struct frames {
	struct frame v[2 * STACK_MAX_DEPTH + 2];
	size_t n;
	char lost_buf[2][32];
};

/* Appends one stack, outermost first. */
static void add_stack(struct profile *p, struct frames *f, int32_t id, bool kernel, pid_t pid)
{
	uint64_t addrs[STACK_MAX_DEPTH];
	int n, i;

	if (id == NO_STACK || id == -EFAULT)
		return;
	if (id < 0) {
		struct frame *fr = &f->v[f->n++];

		memset(fr, 0, sizeof(*fr));
		fr->kernel = kernel;
		fr->lost = lost_reason(id, f->lost_buf[kernel], sizeof(f->lost_buf[0]));
		return;
	}
	if (id & OVERFLOW_ID)
		n = stack_map_read(p->overflow_map, id & ~OVERFLOW_ID, addrs, STACK_MAX_DEPTH);
	else
		n = stack_map_read(p->stack_map, id, addrs, STACK_MAX_DEPTH);
	if (n < 0) {
		struct frame *fr = &f->v[f->n++];

		memset(fr, 0, sizeof(*fr));
		fr->kernel = kernel;
		fr->lost = "unreadable";
		return;
	}
	for (i = n - 1; i >= 0; i--) {
		struct frame *fr = &f->v[f->n++];

		memset(fr, 0, sizeof(*fr));
		fr->addr = addrs[i];
		fr->kernel = kernel;
		if (kernel) {
			const struct ksym *k = p->ks ? ksyms_lookup(p->ks, addrs[i], &fr->off) : NULL;

			fr->name = k ? k->name : NULL;
		} else {
			struct usym us;

			usyms_lookup(p->us, pid, addrs[i], &us);
			fr->name = us.name;
			fr->off = us.off;
			fr->module = us.module;
		}
	}
}

static void symbolize(struct profile *p, const struct prof_entry *e, struct frames *f)
{
	f->n = 0;
	add_stack(p, f, e->key.ustack, false, (pid_t)e->key.tgid);
	add_stack(p, f, e->key.kstack, true, (pid_t)e->key.tgid);
}

/* The folded name of a frame: "func", "[libc.so.6]" (object without the symbol), "[unknown]". */
static void frame_label(const struct frame *fr, struct strbuf *sb)
{
	strbuf_reset(sb);
	if (fr->lost)
		strbuf_addf(sb, "[%s stack lost: %s]", fr->kernel ? "kernel" : "user", fr->lost);
	else if (fr->name)
		strbuf_addstr(sb, fr->name);
	else if (fr->module && fr->module[0]) {
		const char *base = strrchr(fr->module, '/');

		strbuf_addf(sb, "[%s]", base ? base + 1 : fr->module);
	} else
		strbuf_addstr(sb, "[unknown]");
}

static void comm_str(const struct prof_key *k, char out[17])
{
	size_t i;

	memcpy(out, k->comm, 16);
	out[16] = '\0';
	/* ';' separates frames in folded stacks. */
	for (i = 0; out[i]; i++)
		if (out[i] == ';' || out[i] == '\n')
			out[i] = '_';
}

static int build_flamegraph(struct profile *p, const struct entries *es, struct flamegraph *fg)
{
	struct strbuf labels[2 * STACK_MAX_DEPTH + 3];
	const char *frames[2 * STACK_MAX_DEPTH + 3];
	struct frames *f = malloc(sizeof(*f));
	size_t i, j, n;
	int err = 0;

	if (!f)
		return -ENOMEM;
	memset(labels, 0, sizeof(labels));
	for (i = 0; i < es->n && !err; i++) {
		char comm[17];

		symbolize(p, &es->v[i], f);
		comm_str(&es->v[i].key, comm);
		frames[0] = comm;
		for (j = 0, n = 1; j < f->n; j++) {
			frame_label(&f->v[j], &labels[n - 1]);
			/*
			 * A run of frames without even an object (a process gone
			 * before its maps were read, garbage past code without frame
			 * pointers) says nothing more than one of them, and 127 of
			 * them make the graph unreadably tall.
			 */
			if (n > 1 && !strcmp(strbuf_str(&labels[n - 1]), "[unknown]") &&
			    !strcmp(frames[n - 1], "[unknown]"))
				continue;
			frames[n] = strbuf_str(&labels[n - 1]);
			n++;
		}
		err = flamegraph_add(fg, frames, n, es->v[i].count);
	}
	for (j = 0; j < sizeof(labels) / sizeof(labels[0]); j++)
		strbuf_release(&labels[j]);
	free(f);
	return err;
}

static void write_json(struct profile *p, const struct entries *es, const uint64_t *st,
		       uint64_t counted, FILE *out)
{
	static const char *const targets[] = { "all", "pid", "command" };
	struct frames *f = malloc(sizeof(*f));
	struct json_writer w;
	char buf[32];
	size_t i, j;

	json_init(&w, out);
	json_obj_begin(&w);
	json_key(&w, "profile");
	json_obj_begin(&w);
	json_kv_uint(&w, "frequency_hz", p->hz);
	json_kv_uint(&w, "duration_ms", (uint64_t)(p->elapsed * 1000 + 0.5));
	json_kv_str(&w, "target", targets[p->target]);
	json_key(&w, "pid");
	if (p->target == TARGET_ALL)
		json_null(&w);
	else
		json_int(&w, p->pid);
	json_kv_bool(&w, "kernel_stacks", p->kernel);
	json_kv_bool(&w, "user_stacks", p->user);
	json_obj_end(&w);

	json_key(&w, "totals");
	json_obj_begin(&w);
	json_kv_uint(&w, "samples", st[ST_SAMPLES]);
	json_kv_uint(&w, "counted", counted);
	json_kv_uint(&w, "distinct_stacks", es->n);
	json_obj_end(&w);

	json_key(&w, "lost");
	json_obj_begin(&w);
	json_kv_uint(&w, "kernel_stack_collisions", st[ST_K_COLLIDE]);
	json_kv_uint(&w, "kernel_stack_map_full", st[ST_K_FULL]);
	json_kv_uint(&w, "kernel_stack_failed", st[ST_K_FAIL]);
	json_kv_uint(&w, "user_stack_collisions", st[ST_U_COLLIDE]);
	json_kv_uint(&w, "user_stack_map_full", st[ST_U_FULL]);
	json_kv_uint(&w, "user_stack_failed", st[ST_U_FAIL]);
	json_kv_uint(&w, "counts_map_full", st[ST_DROPPED]);
	json_obj_end(&w);

	json_key(&w, "overflow_map");
	json_obj_begin(&w);
	json_kv_uint(&w, "kernel", st[ST_K_OVERFLOW]);
	json_kv_uint(&w, "user", st[ST_U_OVERFLOW]);
	json_obj_end(&w);

	json_key(&w, "no_stack");
	json_obj_begin(&w);
	json_kv_uint(&w, "kernel", st[ST_K_NONE]);
	json_kv_uint(&w, "user", st[ST_U_NONE]);
	json_obj_end(&w);

	json_key(&w, "stacks");
	json_arr_begin(&w);
	for (i = 0; f && i < es->n; i++) {
		char comm[17];

		symbolize(p, &es->v[i], f);
		comm_str(&es->v[i].key, comm);
		json_obj_begin(&w);
		json_kv_uint(&w, "pid", es->v[i].key.tgid);
		json_kv_str(&w, "comm", comm);
		json_kv_uint(&w, "count", es->v[i].count);
		json_key(&w, "frames");
		json_arr_begin(&w);
		for (j = 0; j < f->n; j++) {
			const struct frame *fr = &f->v[j];

			json_obj_begin(&w);
			json_kv_bool(&w, "kernel", fr->kernel);
			if (fr->lost) {
				json_kv_str(&w, "lost", fr->lost);
			} else {
				json_kv_str(&w, "name", fr->name);
				snprintf(buf, sizeof(buf), "0x%" PRIx64, fr->addr);
				json_kv_str(&w, "addr", buf);
				if (fr->name)
					json_kv_uint(&w, "offset", fr->off);
				if (!fr->kernel)
					json_kv_str(&w, "module", fr->module);
			}
			json_obj_end(&w);
		}
		json_arr_end(&w);
		json_obj_end(&w);
	}
	json_arr_end(&w);
	json_obj_end(&w);
	fputc('\n', out);
	free(f);
}

static int report(struct profile *p, enum out_kind kind, FILE *out)
{
	struct entries es = { 0 };
	struct flamegraph fg = { 0 };
	uint64_t st[NR_STATS] = { 0 }, counted = 0, lost;
	char title[128], sub[256];
	uint32_t k;
	size_t i;
	int err;

	for (k = 0; k < NR_STATS; k++) {
		err = scry_map_percpu_sum_u64(p->stat_map, &k, &st[k]);
		if (err)
			goto out;
	}
	err = scry_map_for_each(p->count_map, collect, &es, NULL);
	if (err)
		goto out;
	if (es.n > 1)
		qsort(es.v, es.n, sizeof(*es.v), cmp_entry);
	for (i = 0; i < es.n; i++)
		counted += es.v[i].count;
	if (p->kernel) {
		err = ksyms_load(&p->ks);
		if (err)
			pr_warn("profile: no kernel symbols: %s", strerror(-err));
	}

	if (kind == OUT_JSON) {
		write_json(p, &es, st, counted, out);
	} else {
		err = build_flamegraph(p, &es, &fg);
		if (err)
			goto out;
		if (kind == OUT_FOLDED) {
			flamegraph_write_folded(&fg, out);
		} else {
			struct fg_svg_opts o = { .title = title, .subtitle = sub };

			snprintf(title, sizeof(title), "scry profile");
			if (p->target == TARGET_ALL)
				snprintf(sub, sizeof(sub), "all processes, %u Hz, %.1f s, %" PRIu64 " samples",
					 p->hz, p->elapsed, counted);
			else
				snprintf(sub, sizeof(sub), "%s %d, %u Hz, %.1f s, %" PRIu64 " samples",
					 p->target == TARGET_CMD ? "command" : "pid", (int)p->pid, p->hz,
					 p->elapsed, counted);
			err = flamegraph_write_svg(&fg, out, &o);
			if (err)
				goto out;
		}
	}
	lost = st[ST_K_COLLIDE] + st[ST_K_FULL] + st[ST_K_FAIL] + st[ST_U_COLLIDE] +
	       st[ST_U_FULL] + st[ST_U_FAIL];
	fprintf(stderr, "scry profile: %" PRIu64 " samples in %.2f s at %u Hz, %" PRIu64
		" counted in %zu distinct stacks\n", st[ST_SAMPLES], p->elapsed, p->hz, counted, es.n);
	fprintf(stderr, "scry profile: lost stacks: %" PRIu64 " (kernel: %" PRIu64 " collisions, %"
		PRIu64 " map full, %" PRIu64 " failed; user: %" PRIu64 " collisions, %" PRIu64
		" map full, %" PRIu64 " failed); samples dropped (counts map full): %" PRIu64 "\n",
		lost, st[ST_K_COLLIDE], st[ST_K_FULL], st[ST_K_FAIL], st[ST_U_COLLIDE], st[ST_U_FULL],
		st[ST_U_FAIL], st[ST_DROPPED]);
	if (st[ST_K_OVERFLOW] + st[ST_U_OVERFLOW])
		fprintf(stderr, "scry profile: %" PRIu64 " kernel and %" PRIu64 " user stacks went to"
			" the overflow map after a hash collision\n", st[ST_K_OVERFLOW], st[ST_U_OVERFLOW]);
out:
	flamegraph_release(&fg);
	free(es.v);
	return err;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

int cmd_profile(int argc, char **argv, struct cli_opts *o)
{
	enum { OPT_KERNEL = 256, OPT_USER, OPT_FORMAT };
	static const struct option longopts[] = {
		{ "frequency", required_argument, NULL, 'F' },
		{ "pid", required_argument, NULL, 'p' },
		{ "command", required_argument, NULL, 'c' },
		{ "all", no_argument, NULL, 'a' },
		{ "duration", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "kernel-only", no_argument, NULL, OPT_KERNEL },
		{ "user-only", no_argument, NULL, OPT_USER },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct profile p = {
		.hz = 99, .kernel = true, .user = true,
		.stack_map = -1, .overflow_map = -1, .count_map = -1, .stat_map = -1, .prog = -1,
	};
	const char *outfile = NULL, *format = NULL;
	enum out_kind kind = OUT_FOLDED;
	struct loop *l = NULL;
	FILE *out = stdout;
	int c, i, err, status = 1, targets = 0;
	char *end;

	for (i = 0; i < MAX_CPUS; i++)
		p.fds[i] = p.links[i] = -1;
	while ((c = getopt_long(argc, argv, "F:p:c:ad:o:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'F': {
			unsigned long v;

			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || !v || v > 100000) {
				cli_usage_error("profile", "'%s' is not a frequency (1..100000 Hz)", optarg);
				return 1;
			}
			p.hz = (unsigned int)v;
			break;
		}
		case 'p':
			errno = 0;
			p.pid = (pid_t)strtol(optarg, &end, 10);
			if (errno || *end || p.pid <= 0) {
				cli_usage_error("profile", "'%s' is not a process id", optarg);
				return 1;
			}
			p.target = TARGET_PID;
			targets++;
			break;
		case 'c':
			p.cmd = optarg;
			p.target = TARGET_CMD;
			targets++;
			break;
		case 'a':
			targets++;
			break;
		case 'd':
			errno = 0;
			p.duration = strtod(optarg, &end);
			if (errno || *end || !(p.duration > 0) || p.duration > 1e7) {
				cli_usage_error("profile", "'%s' is not a duration in seconds", optarg);
				return 1;
			}
			break;
		case 'o':
			outfile = optarg;
			break;
		case OPT_KERNEL:
			p.user = false;
			break;
		case OPT_USER:
			p.kernel = false;
			break;
		case OPT_FORMAT:
			format = optarg;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'h':
			profile_usage(stdout);
			return 0;
		default:
			fprintf(stderr, "Try 'scry profile --help'.\n");
			return 1;
		}
	}
	if (optind < argc) {
		cli_usage_error("profile", "unexpected argument '%s'", argv[optind]);
		return 1;
	}
	if (targets > 1) {
		cli_usage_error("profile", "-p, -c and -a exclude each other");
		return 1;
	}
	if (!p.kernel && !p.user) {
		cli_usage_error("profile", "--kernel-only and --user-only exclude each other");
		return 1;
	}
	if (format) {
		if (!strcmp(format, "folded"))
			kind = OUT_FOLDED;
		else if (!strcmp(format, "json"))
			kind = OUT_JSON;
		else if (!strcmp(format, "svg"))
			kind = OUT_SVG;
		else {
			cli_usage_error("profile", "unknown format '%s' (expected folded, json or svg)",
					format);
			return 1;
		}
	} else if (outfile) {
		if (ends_with(outfile, ".svg"))
			kind = OUT_SVG;
		else if (ends_with(outfile, ".json"))
			kind = OUT_JSON;
	}
	log_set_level(o->verbose >= 2 ? LOG_DEBUG : o->verbose ? LOG_INFO : LOG_WARN);
	if (p.target == TARGET_PID && kill(p.pid, 0) && errno == ESRCH) {
		fprintf(stderr, "scry profile: error: no process %d\n", (int)p.pid);
		return 1;
	}
	if (outfile) {
		out = fopen(outfile, "we");
		if (!out) {
			fprintf(stderr, "scry profile: error: cannot write '%s': %s\n", outfile,
				strerror(errno));
			return 1;
		}
	}

	err = loop_new(on_signal, &p, &l);
	if (err) {
		fprintf(stderr, "scry profile: error: event loop: %s\n", strerror(-err));
		goto out;
	}
	err = usyms_new(&p.us);
	if (err)
		goto out;
	if (p.target == TARGET_CMD) {
		err = child_spawn(p.cmd, &p.child);
		if (err)
			goto out;
		p.have_child = true;
		p.pid = p.child.pid;
	}
	err = create_maps(&p);
	if (!err)
		err = load_prog(&p);
	if (!err)
		err = attach(&p);
	if (err)
		goto out;
	if (p.target == TARGET_PID && p.user)
		usyms_snapshot(p.us, p.pid, false);
	if (p.have_child) {
		err = child_release(&p.child, p.cmd);
		if (err)
			goto out;
	}
	err = run(&p, l);
	detach(&p);
	if (!err) {
		/* Last look at maps of processes that still live. */
		tick(&p);
		err = report(&p, kind, out);
	}
	if (!err)
		status = 0;
out:
	detach(&p);
	if (p.have_child && !p.child.exited)
		child_kill(&p.child);
	release(&p);
	loop_free(l);
	if (out != stdout && fclose(out)) {
		fprintf(stderr, "scry profile: error: cannot write '%s': %s\n", outfile,
			strerror(errno));
		status = 1;
	}
	return status;
}
