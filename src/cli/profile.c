// SPDX-License-Identifier: GPL-2.0
/*
 * scry profile: a CPU profiler that aggregates in the kernel.
 *
 * It is a program in scry's language, compiled and run like any other:
 *
 *	profile:hz:99 /pid == N/ { @samples = count(); @stacks[kstack, ustack, pid, comm] = count(); }
 *
 * (the predicate is /pid == cpid/ for -c, absent for -a; --kernel-only and
 * --user-only leave one stack out).  The session attaches it on every CPU
 * and, for -p/-c, leaves the choice of the process to the predicate, so that
 * every thread of it is sampled.  When the time is up, the target ends or on
 * Ctrl-C the session stops, and the two maps are read here, symbolized, and
 * written as folded stacks, JSON or an SVG flame graph.
 *
 * No stack is lost silently.  A stack that cannot be stored keeps its
 * sample: the key holds the negative error bpf_get_stackid() returned
 * instead of an id, and the sample is counted under a "[... stack lost:
 * reason]" frame.  Those keys give, per kind of stack, the hash collisions
 * in the stack map (-EEXIST: the reuse-stackid flag is not used as it would
 * silently re-attribute older samples to the newer stack), a full stack map
 * (-ENOMEM), other failures, and stacks not taken (-EFAULT: no stack of that
 * kind, normal).  @samples counts every sample, so @samples minus the counts
 * is the samples dropped because @stacks was full.  They are printed to
 * stderr and written in the JSON.
 *
 * User stacks are symbolized from snapshots of /proc/PID/maps taken while
 * the processes live: at start for -p, then every 250 ms for the target of
 * -p/-c and for every process newly seen in @stacks.
 *
 * JSON (--format json):
 *   {"profile": {"frequency_hz": 99, "duration_ms": 2010, "target": "all"|"pid"|"command",
 *                "pid": N|null, "kernel_stacks": true, "user_stacks": true},
 *    "totals": {"samples": N, "counted": N, "distinct_stacks": N},
 *    "lost": {"kernel_stack_collisions": N, "kernel_stack_map_full": N,
 *             "kernel_stack_failed": N, "user_stack_collisions": N,
 *             "user_stack_map_full": N, "user_stack_failed": N,
 *             "counts_map_full": N},
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
#include "codegen/codegen.h"
#include "lang/lang.h"
#include "mech/bpf.h"
#include "out/flamegraph.h"
#include "out/json.h"
#include "out/stack.h"
#include "runtime/decode.h"
#include "runtime/session.h"
#include "sym/ksyms.h"
#include "sym/usyms.h"
#include "util/log.h"
#include "util/strbuf.h"

/*
 * The stack map gets 32768 buckets (the kernel rounds max_entries up to a
 * power of two) for 20480 stacks; @stacks room for 32768 keys.  Both are
 * more than a language program's defaults: a system-wide profile sees many
 * distinct stacks, and every bucket taken raises the odds of a collision.
 */
#define STACK_ENTRIES 20480
#define COUNT_ENTRIES 32768
#define TICK_MS 250
#define NO_STACK INT64_MIN	/* that kind of stack was not asked for */

enum lost_kind { LK_NONE, LK_COLLIDE, LK_FULL, LK_FAIL, NR_LOST_KINDS };

enum out_kind { OUT_FOLDED, OUT_JSON, OUT_SVG };
enum target { TARGET_ALL, TARGET_PID, TARGET_CMD };

/* Where the fields of a @stacks key lie (-1: not in this program's key). */
struct key_layout {
	int kstack, ustack, pid, comm;
};

struct profile {
	unsigned int hz;
	double duration;	/* 0: until Ctrl-C or the target ends */
	bool kernel, user;
	enum target target;
	pid_t pid;
	const char *cmd;
	struct session *s;
	struct lang_env lenv;		/* what the compiler asks of the system */
	const struct decode_env *env;	/* the session's: stack map, symbolizers */
	int samples_map, stacks_map;	/* indexes in the compiled program's maps */
	struct key_layout kl;
	double start;		/* CLOCK_MONOTONIC s when sampling began */
	char own_comm[17];	/* -c: scry's name, which the command had until its exec */
	char cmd_comm[17];	/* -c: the command's name after its exec, or "" */
	double elapsed;
};

/* One element of @stacks, decoded. */
struct prof_entry {
	uint32_t tgid;
	int64_t kstack;		/* stack id, or -errno, or NO_STACK */
	int64_t ustack;
	char comm[16];
	uint64_t count;
};

struct entries {
	struct prof_entry *v;
	size_t n;
};

static void profile_usage(FILE *f)
{
	fprintf(f,
		"usage: scry profile [-F HZ] [-p PID | -c CMD | -a] [-d SECONDS]\n"
		"                    [--kernel-only | --user-only] [-o FILE] [-f folded|json|svg]\n"
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
		"  -f, --format FMT    folded (default: 'comm;outer;...;leaf COUNT' lines),\n"
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

/* ---- the program ---- */

/* The program's text into sb.  0 or -ENOMEM. */
static int program_text(const struct profile *p, struct strbuf *sb)
{
	int err = strbuf_addf(sb, "profile:hz:%u ", p->hz);

	if (p->target == TARGET_PID)
		err = err ?: strbuf_addf(sb, "/pid == %d/ ", (int)p->pid);
	else if (p->target == TARGET_CMD)
		err = err ?: strbuf_addstr(sb, "/pid == cpid/ ");
	err = err ?: strbuf_addf(sb, "{ @samples = count(); @stacks[%s%spid, comm] = count(); }\n",
				 p->kernel ? "kstack, " : "", p->user ? "ustack, " : "");
	return err;
}

static int key_layout(const struct cmap *m, struct key_layout *kl)
{
	uint32_t i;

	kl->kstack = kl->ustack = kl->pid = kl->comm = -1;
	if (m->key.kind != VT_TUPLE)
		return -EINVAL;
	for (i = 0; i < m->key.nr_fields; i++) {
		const struct vfield *f = &m->key.fields[i];

		if (f->type.kind == VT_KSTACK)
			kl->kstack = (int)f->offset;
		else if (f->type.kind == VT_USTACK)
			kl->ustack = (int)f->offset;
		else if (f->type.kind == VT_INT && f->type.size == 8)
			kl->pid = (int)f->offset;
		else if (f->type.kind == VT_STR && f->type.size == 16)
			kl->comm = (int)f->offset;
	}
	return kl->pid < 0 || kl->comm < 0 ? -EINVAL : 0;
}

/*
 * The program compiled as `scry -e` compiles its own: into *out (free with
 * compiled_program_free()), its text in src (which must outlive *out).
 * Returns 0 or -errno, reported.
 */
static int compile(struct profile *p, struct strbuf *src, struct compiled_program **out)
{
	struct lang_opts lo = { .filename = "profile", .env = &p->lenv };
	struct codegen_opts co = { .source_name = "profile" };
	struct lang_program *lp = NULL;
	struct compiled_program *cp = NULL;
	struct strbuf diags = STRBUF_INIT;
	int err;

	*out = NULL;
	err = cli_env(&p->lenv, false);
	err = err ?: program_text(p, src);
	err = err ?: lang_compile(strbuf_str(src), src->len, &lo, &lp);
	if (err && lp && !diag_render(&lp->diags, &diags))
		pr_err("profile: the program does not compile:\n%s%s", strbuf_str(src),
		       strbuf_str(&diags));
	err = err ?: codegen_program(lp, &co, &cp);
	if (err)
		goto out;
	cp->source = strbuf_str(src);
	cp->source_len = src->len;
	p->samples_map = session_find_map(cp, "@samples");
	p->stacks_map = session_find_map(cp, "@stacks");
	if (p->samples_map < 0 || p->stacks_map < 0 || cp->stack_map < 0 ||
	    key_layout(&cp->maps[p->stacks_map], &p->kl)) {
		pr_err("profile: the compiled program lacks its maps (internal error)");
		err = -EINVAL;
		goto out;
	}
	/* Sizes are the caller's to choose: the session creates the maps as described. */
	cp->maps[cp->stack_map].max_entries = STACK_ENTRIES;
	cp->maps[p->stacks_map].max_entries = COUNT_ENTRIES;
	*out = cp;
	cp = NULL;
out:
	compiled_program_free(cp);
	lang_program_free(lp);
	strbuf_release(&diags);
	return err;
}

static uint64_t key_u64(const uint8_t *key, int off)
{
	uint64_t v;

	memcpy(&v, key + off, sizeof(v));
	return v;
}

/* The name of process pid (0: this one) into out, "" when it cannot be read. */
static void read_comm(pid_t pid, char out[17])
{
	struct strbuf sb = STRBUF_INIT;
	char path[64];
	size_t n;

	out[0] = '\0';
	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/comm");
	if (!strbuf_read_file(&sb, path, 64)) {
		n = strcspn(strbuf_str(&sb), "\n");
		if (n > 16)
			n = 16;
		memcpy(out, strbuf_str(&sb), n);
		out[n] = '\0';
	}
	strbuf_release(&sb);
}

/* ---- while it runs ---- */

static int snap_key(const void *key, const void *value, void *ctx)
{
	struct profile *p = ctx;
	pid_t pid = (pid_t)key_u64(key, p->kl.pid);

	if (p->kl.ustack < 0)
		return 1;	/* no user stacks: nothing to symbolize */
	if (pid && (int64_t)key_u64(key, p->kl.ustack) >= 0 && !usyms_has(p->env->us, pid))
		usyms_snapshot(p->env->us, pid, false);
	return 0;
}

/*
 * Maps of the processes seen so far, taken while they live.  The target's
 * are read again each time (it may have mapped libraries since), except
 * for the last look: a process that just ended reads as no maps at all.
 */
static void tick(struct profile *p, bool last)
{
	if (!p->user || !p->env->us)
		return;
	if (p->target != TARGET_ALL)
		usyms_snapshot(p->env->us, p->pid, !last);
	else
		scry_map_for_each(session_map_fd(p->s, (size_t)p->stacks_map), snap_key, p, NULL);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Until the time is up, the target ends, or Ctrl-C.  0 or -errno. */
static int run(struct profile *p)
{
	double end = p->duration > 0 ? p->start + p->duration : 0;
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
		ret = session_wait(p->s, wait);
		if (ret < 0)
			return ret;
		if (ret)
			break;
		tick(p, false);
	}
	p->elapsed = now_s() - p->start;
	return 0;
}

/* ---- reading and writing ---- */

static int collect(struct profile *p, struct entries *out, uint64_t *samples)
{
	const struct key_layout *kl = &p->kl;
	struct map_entries es = { 0 };
	size_t i;
	int err;

	*samples = 0;
	err = session_map_read(p->s, (size_t)p->samples_map, &es);
	if (!err && es.n)
		*samples = (uint64_t)es.v[0].a;
	map_entries_release(&es);
	err = err ?: session_map_read(p->s, (size_t)p->stacks_map, &es);
	if (err)
		goto out;
	out->v = calloc(es.n ? es.n : 1, sizeof(*out->v));
	if (!out->v) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < es.n; i++) {
		const uint8_t *key = es.v[i].key;
		struct prof_entry *e = &out->v[i];

		e->tgid = (uint32_t)key_u64(key, kl->pid);
		e->kstack = kl->kstack >= 0 ? (int64_t)key_u64(key, kl->kstack) : NO_STACK;
		e->ustack = kl->ustack >= 0 ? (int64_t)key_u64(key, kl->ustack) : NO_STACK;
		memcpy(e->comm, key + kl->comm, sizeof(e->comm));
		e->count = (uint64_t)es.v[i].a;
	}
	out->n = es.n;
out:
	map_entries_release(&es);
	return err;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct prof_entry *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if (x->tgid != y->tgid)
		return x->tgid < y->tgid ? -1 : 1;
	if (x->kstack != y->kstack)
		return x->kstack < y->kstack ? -1 : 1;
	if (x->ustack != y->ustack)
		return x->ustack < y->ustack ? -1 : 1;
	return memcmp(x->comm, y->comm, sizeof(x->comm));
}

/* What became of a stack: taken (-1), or why not. */
static int lost_kind(int64_t id)
{
	if (id >= 0 || id == NO_STACK)
		return -1;
	if (id == -EFAULT)
		return LK_NONE;
	if (id == -EEXIST)
		return LK_COLLIDE;
	if (id == -ENOMEM)
		return LK_FULL;
	return LK_FAIL;
}

static const char *lost_reason(int64_t id, char *buf, size_t len)
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
static void add_stack(struct profile *p, struct frames *f, int64_t id, bool kernel, pid_t pid)
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
	n = stack_map_read(p->env->stack_fd, id, addrs, STACK_MAX_DEPTH);
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
			const struct ksym *k =
				p->env->ks ? ksyms_lookup(p->env->ks, addrs[i], &fr->off) : NULL;

			fr->name = k ? k->name : NULL;
		} else {
			struct usym us = { 0 };

			if (p->env->us)
				usyms_lookup(p->env->us, pid, addrs[i], &us);
			fr->name = us.name;
			fr->off = us.off;
			fr->module = us.module;
		}
	}
}

static void symbolize(struct profile *p, const struct prof_entry *e, struct frames *f)
{
	f->n = 0;
	add_stack(p, f, e->ustack, false, (pid_t)e->tgid);
	add_stack(p, f, e->kstack, true, (pid_t)e->tgid);
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

static void comm_str(const struct profile *p, const struct prof_entry *e, char out[17])
{
	size_t i;

	memcpy(out, e->comm, 16);
	out[16] = '\0';
	/*
	 * -c: a sample taken while the command was still in its execve() has
	 * the name of the scry it was forked from; it is the command's start.
	 */
	if (p->cmd_comm[0] && !strcmp(out, p->own_comm))
		memcpy(out, p->cmd_comm, 17);
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
		comm_str(p, &es->v[i], comm);
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

/* What the run counted besides the stacks. */
struct tally {
	uint64_t samples, counted, dropped;
	uint64_t lost[2][NR_LOST_KINDS];	/* [kernel][enum lost_kind] */
};

static void write_json(struct profile *p, const struct entries *es, const struct tally *t,
		       FILE *out)
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
	json_kv_uint(&w, "samples", t->samples);
	json_kv_uint(&w, "counted", t->counted);
	json_kv_uint(&w, "distinct_stacks", es->n);
	json_obj_end(&w);

	json_key(&w, "lost");
	json_obj_begin(&w);
	json_kv_uint(&w, "kernel_stack_collisions", t->lost[1][LK_COLLIDE]);
	json_kv_uint(&w, "kernel_stack_map_full", t->lost[1][LK_FULL]);
	json_kv_uint(&w, "kernel_stack_failed", t->lost[1][LK_FAIL]);
	json_kv_uint(&w, "user_stack_collisions", t->lost[0][LK_COLLIDE]);
	json_kv_uint(&w, "user_stack_map_full", t->lost[0][LK_FULL]);
	json_kv_uint(&w, "user_stack_failed", t->lost[0][LK_FAIL]);
	json_kv_uint(&w, "counts_map_full", t->dropped);
	json_obj_end(&w);

	json_key(&w, "no_stack");
	json_obj_begin(&w);
	json_kv_uint(&w, "kernel", t->lost[1][LK_NONE]);
	json_kv_uint(&w, "user", t->lost[0][LK_NONE]);
	json_obj_end(&w);

	json_key(&w, "stacks");
	json_arr_begin(&w);
	for (i = 0; f && i < es->n; i++) {
		char comm[17];

		symbolize(p, &es->v[i], f);
		comm_str(p, &es->v[i], comm);
		json_obj_begin(&w);
		json_kv_uint(&w, "pid", es->v[i].tgid);
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
	struct tally t = { 0 };
	char title[128], sub[256];
	uint64_t lost;
	size_t i;
	int err, k;

	err = collect(p, &es, &t.samples);
	if (err)
		goto out;
	if (es.n > 1)
		qsort(es.v, es.n, sizeof(*es.v), cmp_entry);
	for (i = 0; i < es.n; i++) {
		t.counted += es.v[i].count;
		k = lost_kind(es.v[i].kstack);
		if (k >= 0)
			t.lost[1][k] += es.v[i].count;
		k = lost_kind(es.v[i].ustack);
		if (k >= 0)
			t.lost[0][k] += es.v[i].count;
	}
	/* Every sample bumps @samples; the ones @stacks had no room for are the difference. */
	t.dropped = t.samples > t.counted ? t.samples - t.counted : 0;
	if (p->kernel && !p->env->ks)
		pr_warn("profile: no kernel symbols: kernel frames show as [unknown]");

	if (kind == OUT_JSON) {
		write_json(p, &es, &t, out);
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
					 p->hz, p->elapsed, t.counted);
			else
				snprintf(sub, sizeof(sub), "%s %d, %u Hz, %.1f s, %" PRIu64 " samples",
					 p->target == TARGET_CMD ? "command" : "pid", (int)p->pid, p->hz,
					 p->elapsed, t.counted);
			err = flamegraph_write_svg(&fg, out, &o);
			if (err)
				goto out;
		}
	}
	lost = t.lost[1][LK_COLLIDE] + t.lost[1][LK_FULL] + t.lost[1][LK_FAIL] +
	       t.lost[0][LK_COLLIDE] + t.lost[0][LK_FULL] + t.lost[0][LK_FAIL];
	fprintf(stderr, "scry profile: %" PRIu64 " samples in %.2f s at %u Hz, %" PRIu64
		" counted in %zu distinct stacks\n", t.samples, p->elapsed, p->hz, t.counted, es.n);
	fprintf(stderr, "scry profile: lost stacks: %" PRIu64 " (kernel: %" PRIu64 " collisions, %"
		PRIu64 " map full, %" PRIu64 " failed; user: %" PRIu64 " collisions, %" PRIu64
		" map full, %" PRIu64 " failed); samples dropped (counts map full): %" PRIu64 "\n",
		lost, t.lost[1][LK_COLLIDE], t.lost[1][LK_FULL], t.lost[1][LK_FAIL],
		t.lost[0][LK_COLLIDE], t.lost[0][LK_FULL], t.lost[0][LK_FAIL], t.dropped);
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
	enum { OPT_KERNEL = 256, OPT_USER };
	static const struct option longopts[] = {
		{ "frequency", required_argument, NULL, 'F' },
		{ "pid", required_argument, NULL, 'p' },
		{ "command", required_argument, NULL, 'c' },
		{ "all", no_argument, NULL, 'a' },
		{ "duration", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "kernel-only", no_argument, NULL, OPT_KERNEL },
		{ "user-only", no_argument, NULL, OPT_USER },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct profile p = { .hz = 99, .kernel = true, .user = true };
	struct session_opts so = { .out = stderr, .no_attach_message = true, .attach_everywhere = true };
	struct compiled_program *cp = NULL;
	struct strbuf src = STRBUF_INIT;
	const char *outfile = NULL, *format = NULL;
	enum out_kind kind = OUT_FOLDED;
	FILE *out = stdout;
	int c, err, status = 1, targets = 0;
	char *end;

	while ((c = getopt_long(argc, argv, "F:p:c:ad:o:f:vh", longopts, NULL)) != -1) {
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
		case 'f':
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

	err = compile(&p, &src, &cp);
	if (err)
		goto out;
	so.verbose = o->verbose;
	so.pid = p.target == TARGET_PID ? p.pid : 0;
	so.cmd = p.target == TARGET_CMD ? p.cmd : NULL;
	p.start = now_s();	/* the probes are attached within the next few ms */
	err = session_start(cp, &so, &p.s);
	if (err)
		goto out;
	p.env = session_decode_env(p.s);
	if (p.target == TARGET_CMD) {
		p.pid = session_child_pid(p.s);
		/* The exec is done once session_start() has released the command. */
		read_comm(0, p.own_comm);
		read_comm(p.pid, p.cmd_comm);
	}
	if (p.target == TARGET_PID && p.user && p.env->us)
		usyms_snapshot(p.env->us, p.pid, false);
	err = run(&p);
	err = err ?: session_stop(p.s);
	if (!err) {
		/* Last look at maps of processes that still live. */
		tick(&p, true);
		err = report(&p, kind, out);
	}
	if (!err)
		status = 0;
out:
	session_free(p.s);
	compiled_program_free(cp);
	strbuf_release(&src);
	if (out != stdout && fclose(out)) {
		fprintf(stderr, "scry profile: error: cannot write '%s': %s\n", outfile,
			strerror(errno));
		status = 1;
	}
	return status;
}
