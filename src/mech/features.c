// SPDX-License-Identifier: GPL-2.0
/*
 * Feature probes.  Every item is decided by doing the thing once: loading a
 * two-instruction program, creating a one-entry map, opening a disabled perf
 * event.  Config files and other tools' reports are not consulted: on
 * custom kernels they are wrong (bpftool says tracing programs are missing
 * when tp_btf loads fine, bpftrace says override_return works when the
 * verifier refuses it).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "mech/bpf.h"
#include "mech/cleanup.h"
#include "mech/bpf.h"
#include "mech/features.h"
#include "mech/tracefs.h"
#include "sym/btf.h"
#include "util/log.h"
#include "util/strbuf.h"

/* Not in the 6.1 UAPI headers Debian 12 ships. */
#define ATTACH_TRACE_UPROBE_MULTI 48

/* Raw instructions: the probes are too small to need an assembler. */
#define I_MOV_IMM(d, v) \
	((struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = (d), .imm = (v) })
#define I_MOV_REG(d, s) \
	((struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = (d), .src_reg = (s) })
#define I_ADD_IMM(d, v) \
	((struct bpf_insn){ .code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = (d), .imm = (v) })
#define I_ST_DW(d, o, v) \
	((struct bpf_insn){ .code = BPF_ST | BPF_MEM | BPF_DW, .dst_reg = (d), .off = (o), .imm = (v) })
#define I_ST_W(d, o, v) \
	((struct bpf_insn){ .code = BPF_ST | BPF_MEM | BPF_W, .dst_reg = (d), .off = (o), .imm = (v) })
#define I_JEQ_IMM(d, v, o) \
	((struct bpf_insn){ .code = BPF_JMP | BPF_JEQ | BPF_K, .dst_reg = (d), .off = (o), .imm = (v) })
#define I_CALL(fn) ((struct bpf_insn){ .code = BPF_JMP | BPF_CALL, .imm = (fn) })
#define I_EXIT() ((struct bpf_insn){ .code = BPF_JMP | BPF_EXIT })
/* 64-bit immediate load: two slots; src selects a map fd or a subprogram. */
#define I_LD_IMM64(d, s, v)                                                               \
	((struct bpf_insn){ .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = (d), .src_reg = (s), \
			    .imm = (v) }),                                                \
	((struct bpf_insn){ .code = 0 })

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static char vlog[16384];	/* verifier log of the last load; probes run one at a time */

static const struct bpf_insn ret0[] = { I_MOV_IMM(BPF_REG_0, 0), I_EXIT() };

/* ---- recording results ---- */

static void set_ok(struct feature *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_ok(struct feature *f, const char *fmt, ...)
{
	va_list ap;

	f->ok = true;
	f->err = 0;
	va_start(ap, fmt);
	vsnprintf(f->detail, sizeof(f->detail), fmt, ap);
	va_end(ap);
}

/* "ENOENT (No such file or directory)" */
static void errno_text(int err, char *buf, size_t len)
{
	const char *name = strerrorname_np(err);

	if (name)
		snprintf(buf, len, "%s (%s)", name, strerrordesc_np(err));
	else
		snprintf(buf, len, "errno %d", err);
}

/*
 * The verifier's message: its last line that is not one of the statistics
 * lines it ends with ("processed N insns ...", "verification time ...").
 */
static void verifier_last_line(const char *log, char *buf, size_t len)
{
	const char *end = log + strnlen(log, sizeof(vlog)), *start;

	buf[0] = '\0';
	while (end > log) {
		while (end > log && (end[-1] == '\n' || end[-1] == ' '))
			end--;
		for (start = end; start > log && start[-1] != '\n'; start--)
			;
		if (strncmp(start, "processed ", 10) && strncmp(start, "verification time", 17)) {
			snprintf(buf, len, "%.*s", (int)(end - start), start);
			return;
		}
		end = start;
	}
}

/*
 * Not ok because the call described by what failed with err (positive);
 * log, when non-empty, is the verifier's and its last line is kept.
 */
static void set_fail(struct feature *f, int err, const char *log, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void set_fail(struct feature *f, int err, const char *log, const char *fmt, ...)
{
	char what[128], etext[96], last[160] = "";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (log && *log)
		verifier_last_line(log, last, sizeof(last));
	f->ok = false;
	f->err = err;
	if (!err) {
		snprintf(f->detail, sizeof(f->detail), "%s", what);
		return;
	}
	errno_text(err, etext, sizeof(etext));
	if (*last)
		snprintf(f->detail, sizeof(f->detail), "%s: %s; verifier: %s", what, etext, last);
	else
		snprintf(f->detail, sizeof(f->detail), "%s: %s", what, etext);
}

/* ---- small tools ---- */

/*
 * Load a program, keeping the verifier log.  Returns the fd (the caller
 * closes it) or -errno, in which case f records why.
 */
static int load_prog(struct feature *f, enum bpf_prog_type type, const char *name,
		     const struct bpf_insn *insns, size_t cnt, struct bpf_prog_load_opts *opts)
{
	LIBBPF_OPTS(bpf_prog_load_opts, none);
	const char *license = "GPL";	/* several helpers are GPL-only */
	int fd, err;

	if (!opts)
		opts = &none;
	vlog[0] = '\0';
	opts->log_buf = vlog;
	opts->log_size = sizeof(vlog);
	opts->log_level = 1;
	fd = scry_sys_prog_load(type, name, license, insns, cnt, opts);
	if (fd >= 0)
		return fd;
	err = errno ? errno : EINVAL;
	set_fail(f, err, vlog, "BPF_PROG_LOAD '%s'", name);
	return -err;
}

/* A one-entry map; returns the fd (caller closes) or -errno with f filled in. */
static int create_map(struct feature *f, enum bpf_map_type type, const char *what,
		      uint32_t key_size, uint32_t value_size, uint32_t max_entries,
		      const struct bpf_map_create_opts *opts)
{
	int fd = scry_sys_map_create(type, NULL, key_size, value_size, max_entries, opts);
	int err;

	if (fd >= 0)
		return fd;
	err = errno ? errno : EINVAL;
	set_fail(f, err, NULL, "BPF_MAP_CREATE %s", what);
	return -err;
}

/* Returns the perf fd (the caller closes it) or -errno, not reported. */
static int perf_open(struct perf_event_attr *attr, pid_t pid, int cpu)
{
	int fd = (int)syscall(__NR_perf_event_open, attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);

	return fd >= 0 ? fd : -errno;
}

/* The BTF id of NAME of KIND in vmlinux, or -errno with f filled in. */
static int vmlinux_id(struct feature *f, const char *name, int kind)
{
	const struct btf *btf;
	int err, id;

	btf = kernel_btf(&err);
	if (!btf) {
		set_fail(f, -err, NULL, "vmlinux BTF (needed for '%s')", name);
		return err;
	}
	id = btf__find_by_name_kind(btf, name, kind);
	if (id <= 0) {
		set_fail(f, ENOENT, NULL, "'%s' in vmlinux BTF", name);
		return -ENOENT;
	}
	return id;
}

/* Reads a small decimal file; returns the value >= 0 or -errno. */
static long read_long(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	long v = -EINVAL;
	char *end;
	int err;

	err = strbuf_read_file(&sb, path, 64);
	if (err) {
		v = err;
		goto out;
	}
	errno = 0;
	v = strtol(strbuf_str(&sb), &end, 10);
	if (errno || end == strbuf_str(&sb) || v < 0)
		v = -EINVAL;
out:
	strbuf_release(&sb);
	return v;
}

/*
 * Between creating something in tracefs and removing it again, Ctrl-C must
 * not leave it behind: the window is a few syscalls long, so block instead.
 */
static void block_signals(sigset_t *old)
{
	sigset_t all;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, old);
}

static void restore_signals(const sigset_t *old)
{
	sigprocmask(SIG_SETMASK, old, NULL);
}

/* ---- system ---- */

static void probe_tracefs(struct feature *f)
{
	const char *dir = tracefs_dir(false);

	if (dir)
		set_ok(f, "%s", dir);
	else
		set_fail(f, ENOENT, NULL, "no usable tracefs mount, and mounting one failed");
}

static void probe_bpf(struct feature *f)
{
	int fd = create_map(f, BPF_MAP_TYPE_ARRAY, "array", 4, 8, 1, NULL);

	if (fd < 0)
		return;
	close(fd);
	set_ok(f, "created an array map");
}

static void probe_jit(struct feature *f)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);
	int fd, err;

	fd = load_prog(f, BPF_PROG_TYPE_SOCKET_FILTER, "scry_feat_jit", ret0, ARRAY_LEN(ret0), NULL);
	if (fd < 0)
		return;
	memset(&info, 0, sizeof(info));
	err = bpf_obj_get_info_by_fd(fd, &info, &len);
	if (err)
		set_fail(f, errno, NULL, "BPF_OBJ_GET_INFO_BY_FD");
	else if (!info.jited_prog_len)
		set_fail(f, 0, NULL, "loaded program not JIT-compiled (jited_prog_len 0)");
	else
		set_ok(f, "a 2-instruction program JIT-compiled to %u bytes", info.jited_prog_len);
	close(fd);
}

static void probe_btf(struct feature *f)
{
	const struct btf *btf;
	int err;

	btf = kernel_btf(&err);
	if (btf)
		set_ok(f, "/sys/kernel/btf/vmlinux: %u types", btf__type_cnt(btf) - 1);
	else
		set_fail(f, -err, NULL, "loading /sys/kernel/btf/vmlinux");
}

static void probe_lockdown(struct feature *f)
{
	static const char path[] = "/sys/kernel/security/lockdown";
	struct strbuf sb = STRBUF_INIT;
	bool mounted = false;
	const char *s, *l, *r;
	int err;

	if (access("/sys/kernel/security/lsm", F_OK) && access(path, F_OK)) {
		/* securityfs not mounted: mount it for the read, then put things back */
		if (mount("securityfs", "/sys/kernel/security", "securityfs", 0, NULL)) {
			/* cannot tell: assume the common case, and say so */
			set_ok(f, "unknown: securityfs is not mounted and mounting it failed: %s",
			       strerror(errno));
			return;
		}
		mounted = true;
	}
	err = strbuf_read_file(&sb, path, 256);
	if (mounted)
		umount2("/sys/kernel/security", MNT_DETACH);
	if (err == -ENOENT) {
		set_ok(f, "no lockdown LSM ('%s' absent)", path);
		goto out;
	}
	if (err) {
		set_fail(f, -err, NULL, "reading '%s'", path);
		goto out;
	}
	/* "none [integrity] confidentiality": the bracketed word is the mode */
	s = strbuf_str(&sb);
	l = strchr(s, '[');
	r = l ? strchr(l, ']') : NULL;
	if (!l || !r) {
		set_fail(f, EINVAL, NULL, "parsing '%s'", path);
		goto out;
	}
	if (!strncmp(l + 1, "confidentiality", (size_t)(r - l - 1)))
		set_fail(f, 0, NULL, "lockdown=confidentiality: reads of kernel memory are refused");
	else if (!strncmp(l + 1, "integrity", (size_t)(r - l - 1)))
		set_ok(f, "integrity: writes to user and kernel memory are refused");
	else
		set_ok(f, "%.*s", (int)(r - l - 1), l + 1);
out:
	strbuf_release(&sb);
}

/* ---- program types ---- */

static void probe_simple_prog(struct feature *f, enum bpf_prog_type type, const char *name,
			      struct bpf_prog_load_opts *opts)
{
	int fd = load_prog(f, type, name, ret0, ARRAY_LEN(ret0), opts);

	if (fd < 0)
		return;
	close(fd);
	set_ok(f, "loaded");
}

static void probe_prog_tracepoint(struct feature *f)
{
	probe_simple_prog(f, BPF_PROG_TYPE_TRACEPOINT, "scry_feat_tp", NULL);
}

static void probe_prog_raw_tp(struct feature *f)
{
	probe_simple_prog(f, BPF_PROG_TYPE_RAW_TRACEPOINT, "scry_feat_rawtp", NULL);
}

static void probe_prog_perf_event(struct feature *f)
{
	probe_simple_prog(f, BPF_PROG_TYPE_PERF_EVENT, "scry_feat_perf", NULL);
}

static void probe_prog_kprobe(struct feature *f)
{
	probe_simple_prog(f, BPF_PROG_TYPE_KPROBE, "scry_feat_kp", NULL);
}

static void probe_prog_syscall(struct feature *f)
{
	LIBBPF_OPTS(bpf_prog_load_opts, o, .prog_flags = BPF_F_SLEEPABLE);

	probe_simple_prog(f, BPF_PROG_TYPE_SYSCALL, "scry_feat_sys", &o);
}

static void probe_tracing_prog(struct feature *f, enum bpf_attach_type at, const char *target,
			       int kind, const char *name)
{
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = at);
	int id = vmlinux_id(f, target, kind);

	if (id < 0)
		return;
	o.attach_btf_id = (uint32_t)id;
	probe_simple_prog(f, BPF_PROG_TYPE_TRACING, name, &o);
	if (f->ok)
		set_ok(f, "loaded on '%s'", target);
}

static void probe_prog_tp_btf(struct feature *f)
{
	probe_tracing_prog(f, BPF_TRACE_RAW_TP, "btf_trace_sched_switch", BTF_KIND_TYPEDEF,
			   "scry_feat_btf");
}

static void probe_fentry(struct feature *f)
{
	probe_tracing_prog(f, BPF_TRACE_FENTRY, "vfs_read", BTF_KIND_FUNC, "scry_feat_fent");
}

static void probe_prog_iter(struct feature *f)
{
	probe_tracing_prog(f, BPF_TRACE_ITER, "bpf_iter_task", BTF_KIND_FUNC, "scry_feat_iter");
}

/* ---- attachment ---- */

/* perf type of a dynamic PMU (kprobe, uprobe), or -errno */
static int pmu_type(const char *pmu)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/type", pmu);
	return (int)read_long(path);
}

static void probe_kprobe(struct feature *f)
{
	static const char func[] = "vfs_read";
	char path[PATH_MAX], def[96], group[48];
	struct perf_event_attr a;
	int type, fd, err;
	sigset_t old;

	type = pmu_type("kprobe");
	if (type >= 0) {
		memset(&a, 0, sizeof(a));
		a.size = sizeof(a);
		a.type = (uint32_t)type;
		a.config1 = (uint64_t)(uintptr_t)func;	/* kprobe_func */
		a.disabled = 1;
		fd = perf_open(&a, -1, 0);
		if (fd < 0) {
			set_fail(f, -fd, NULL, "perf_event_open(kprobe PMU, '%s')", func);
			return;
		}
		close(fd);
		set_ok(f, "kprobe PMU (type %d) opened on '%s'", type, func);
		return;
	}
	/* no PMU: the older text interface, with an event made and removed at once */
	if (tracefs_path(path, sizeof(path), "kprobe_events") || access(path, F_OK)) {
		set_fail(f, ENOENT, NULL, "no kprobe PMU and no 'kprobe_events' in tracefs");
		return;
	}
	err = tracefs_scry_name(group, sizeof(group), "feat");
	if (err) {
		set_fail(f, -err, NULL, "naming a kprobe event group");
		return;
	}
	snprintf(def, sizeof(def), "p:%s/probe %s", group, func);
	block_signals(&old);
	err = tracefs_write(path, def, true);
	if (!err) {
		snprintf(def, sizeof(def), "-:%s/probe", group);
		tracefs_write(path, def, true);
	}
	restore_signals(&old);
	if (err)
		set_fail(f, -err, NULL, "writing '%s' to 'kprobe_events'", def);
	else
		set_ok(f, "kprobe_events accepted a probe on '%s'", func);
}

static __attribute__((noinline, used)) int feature_uprobe_target(int x)
{
	/* never called while probed: only its address is used */
	return x * 3 + 1;
}

/*
 * File and file offset of feature_uprobe_target in this process's own
 * executable mapping, from /proc/self/maps.  0 or -errno.
 */
static int self_text_offset(char *path, size_t len, uint64_t *off)
{
	uintptr_t addr = (uintptr_t)&feature_uprobe_target;
	char line[PATH_MAX + 128], perms[8];
	unsigned long long start, end, pgoff;
	FILE *fp = fopen("/proc/self/maps", "re");
	int err = -ENOENT, pos = 0;
	char *file, *nl;

	if (!fp)
		return -errno;
	/* "start-end perms offset dev inode   path", the path running to the end of the line */
	while (fgets(line, sizeof(line), fp)) {
		nl = strchr(line, '\n');
		if (!nl)
			break;	/* longer than any path: not a line we can trust */
		*nl = '\0';
		if (sscanf(line, "%llx-%llx %7s %llx %*s %*s%n", &start, &end, perms, &pgoff,
			   &pos) != 4 || !pos)
			continue;
		file = line + pos;
		file += strspn(file, " ");
		if (addr < start || addr >= end || perms[2] != 'x' || file[0] != '/')
			continue;
		if (strlen(file) >= len)
			break;
		memcpy(path, file, strlen(file) + 1);
		*off = addr - start + pgoff;
		err = 0;
		break;
	}
	fclose(fp);
	return err;
}

static void probe_uprobe(struct feature *f)
{
	char path[PATH_MAX];
	struct perf_event_attr a;
	uint64_t off;
	int type, fd, err;

	type = pmu_type("uprobe");
	if (type < 0) {
		set_fail(f, -type, NULL, "reading '/sys/bus/event_source/devices/uprobe/type'");
		return;
	}
	err = self_text_offset(path, sizeof(path), &off);
	if (err) {
		set_fail(f, -err, NULL, "finding scry's own text in '/proc/self/maps'");
		return;
	}
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = (uint32_t)type;
	a.config1 = (uint64_t)(uintptr_t)path;
	a.config2 = off;
	a.disabled = 1;
	fd = perf_open(&a, getpid(), -1);
	if (fd < 0) {
		set_fail(f, -fd, NULL, "perf_event_open(uprobe PMU, '%s':0x%llx)", path,
			 (unsigned long long)off);
		return;
	}
	close(fd);
	set_ok(f, "uprobe PMU (type %d) opened on scry itself", type);
}

/* BPF_LINK_CREATE as kernels from 6.6 lay it out for uprobe_multi. */
union link_create_uprobe_multi {
	char raw[128];	/* zero tail, within what every kernel accepts */
	struct {
		uint32_t prog_fd, target_fd, attach_type, flags;
		uint64_t path, offsets, ref_ctr_offsets, cookies;
		uint32_t cnt, flags2, pid;
	} lc;
};

static void probe_uprobe_multi(struct feature *f)
{
	LIBBPF_OPTS(bpf_prog_load_opts, o,
		    .expected_attach_type = (enum bpf_attach_type)ATTACH_TRACE_UPROBE_MULTI);
	union link_create_uprobe_multi at;
	char path[PATH_MAX];
	uint64_t off;
	int prog, link, err;

	err = self_text_offset(path, sizeof(path), &off);
	if (err) {
		set_fail(f, -err, NULL, "finding scry's own text in '/proc/self/maps'");
		return;
	}
	prog = load_prog(f, BPF_PROG_TYPE_KPROBE, "scry_feat_um", ret0, ARRAY_LEN(ret0), &o);
	if (prog < 0)
		return;
	memset(&at, 0, sizeof(at));
	at.lc.prog_fd = (uint32_t)prog;
	at.lc.attach_type = ATTACH_TRACE_UPROBE_MULTI;
	at.lc.path = (uint64_t)(uintptr_t)path;
	at.lc.offsets = (uint64_t)(uintptr_t)&off;
	at.lc.cnt = 1;
	at.lc.pid = (uint32_t)getpid();
	link = (int)syscall(__NR_bpf, BPF_LINK_CREATE, &at, sizeof(at));
	if (link < 0) {
		set_fail(f, errno, NULL, "BPF_LINK_CREATE uprobe_multi (attach type %d)",
			 ATTACH_TRACE_UPROBE_MULTI);
	} else {
		close(link);
		set_ok(f, "linked on scry itself");
	}
	close(prog);
}

static void probe_uprobe_sleepable(struct feature *f)
{
	LIBBPF_OPTS(bpf_prog_load_opts, o, .prog_flags = BPF_F_SLEEPABLE);
	const struct bpf_insn insns[] = {
		I_MOV_REG(BPF_REG_1, BPF_REG_10),
		I_ADD_IMM(BPF_REG_1, -8),
		I_MOV_IMM(BPF_REG_2, 8),
		I_MOV_IMM(BPF_REG_3, 0),
		I_CALL(BPF_FUNC_copy_from_user),
		I_MOV_IMM(BPF_REG_0, 0),
		I_EXIT(),
	};
	int fd = load_prog(f, BPF_PROG_TYPE_KPROBE, "scry_feat_ups", insns, ARRAY_LEN(insns), &o);

	if (fd < 0)
		return;
	close(fd);
	set_ok(f, "loaded with bpf_copy_from_user");
}

static void probe_perf_link(struct feature *f)
{
	struct perf_event_attr a;
	int prog, pfd, link;

	prog = load_prog(f, BPF_PROG_TYPE_PERF_EVENT, "scry_feat_plink", ret0, ARRAY_LEN(ret0),
			 NULL);
	if (prog < 0)
		return;
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_TASK_CLOCK;
	a.sample_period = 1000000000;	/* a program that never gets to run */
	a.disabled = 1;
	pfd = perf_open(&a, 0, -1);
	if (pfd < 0) {
		set_fail(f, -pfd, NULL, "perf_event_open(task-clock) to link to");
		goto out;
	}
	link = bpf_link_create(prog, pfd, BPF_PERF_EVENT, NULL);
	if (link < 0) {
		set_fail(f, errno, NULL, "BPF_LINK_CREATE perf_event");
	} else {
		close(link);
		set_ok(f, "linked a perf_event program to task-clock");
	}
	close(pfd);
out:
	close(prog);
}

/* ---- maps ---- */

static void probe_ringbuf(struct feature *f)
{
	int fd = create_map(f, BPF_MAP_TYPE_RINGBUF, "ringbuf", 0, 0, (uint32_t)getpagesize(), NULL);

	if (fd < 0)
		return;
	close(fd);
	set_ok(f, "created");
}

static void probe_percpu_maps(struct feature *f)
{
	int h, a;

	h = create_map(f, BPF_MAP_TYPE_PERCPU_HASH, "percpu_hash", 4, 8, 1, NULL);
	if (h < 0)
		return;
	close(h);
	a = create_map(f, BPF_MAP_TYPE_PERCPU_ARRAY, "percpu_array", 4, 8, 1, NULL);
	if (a < 0)
		return;
	close(a);
	set_ok(f, "created percpu_hash and percpu_array");
}

static void probe_stack_trace(struct feature *f)
{
	int fd = create_map(f, BPF_MAP_TYPE_STACK_TRACE, "stack_trace", 4, 8 * 32, 1, NULL);

	if (fd < 0)
		return;
	close(fd);
	set_ok(f, "created");
}

/* ---- perf events ---- */

static void probe_perf(struct feature *f, struct perf_event_attr *a, const char *what)
{
	int fd;

	a->size = sizeof(*a);
	a->disabled = 1;
	fd = perf_open(a, 0, -1);
	if (fd < 0) {
		set_fail(f, -fd, NULL, "perf_event_open(%s)", what);
		return;
	}
	close(fd);
	set_ok(f, "opened %s on scry itself", what);
}

static void probe_perf_software(struct feature *f)
{
	struct perf_event_attr a = { .type = PERF_TYPE_SOFTWARE, .config = PERF_COUNT_SW_TASK_CLOCK };

	probe_perf(f, &a, "task-clock");
}

static void probe_perf_hardware(struct feature *f)
{
	struct perf_event_attr a = { .type = PERF_TYPE_HARDWARE, .config = PERF_COUNT_HW_CPU_CYCLES };

	probe_perf(f, &a, "PERF_TYPE_HARDWARE cycles");
}

static void probe_breakpoint(struct feature *f)
{
	volatile uint64_t watched = 0;
	struct perf_event_attr a = {
		.type = PERF_TYPE_BREAKPOINT,
		.bp_type = HW_BREAKPOINT_W,
		.bp_addr = (uint64_t)(uintptr_t)&watched,
		.bp_len = HW_BREAKPOINT_LEN_8,
		.sample_period = 1,
	};

	probe_perf(f, &a, "an 8-byte write watchpoint");
}

/* ---- helpers ---- */

/*
 * A one-entry array whose value is a struct holding a struct bpf_timer,
 * described in BTF as the verifier requires.  Returns the map fd (caller
 * closes) or -errno with f filled in.
 */
static int timer_map(struct feature *f)
{
	LIBBPF_OPTS(bpf_map_create_opts, mo);
	struct btf *btf = btf__new_empty();
	const void *raw;
	uint32_t size;
	int key, timer, value, btf_fd = -1, fd = -ENOMEM;

	if (!btf) {
		set_fail(f, ENOMEM, NULL, "building BTF for a bpf_timer map");
		return -ENOMEM;
	}
	key = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	timer = btf__add_struct(btf, "bpf_timer", 16);
	value = btf__add_struct(btf, "scry_timer", 16);
	if (key < 0 || timer < 0 || value < 0 || btf__add_field(btf, "t", timer, 0, 0)) {
		set_fail(f, ENOMEM, NULL, "building BTF for a bpf_timer map");
		goto out;
	}
	raw = btf__raw_data(btf, &size);
	btf_fd = raw ? bpf_btf_load(raw, size, NULL) : -1;
	if (btf_fd < 0) {
		fd = -(errno ? errno : EINVAL);
		set_fail(f, -fd, NULL, "BPF_BTF_LOAD for a bpf_timer map");
		goto out;
	}
	mo.btf_fd = (uint32_t)btf_fd;
	mo.btf_key_type_id = (uint32_t)key;
	mo.btf_value_type_id = (uint32_t)value;
	fd = create_map(f, BPF_MAP_TYPE_ARRAY, "array with a bpf_timer", 4, 16, 1, &mo);
out:
	if (btf_fd >= 0)
		close(btf_fd);
	btf__free(btf);
	return fd;
}

static void probe_timer(struct feature *f, enum bpf_prog_type type, struct bpf_prog_load_opts *o,
			const char *name)
{
	int map, prog;

	map = timer_map(f);
	if (map < 0)
		return;
	{
		const struct bpf_insn insns[] = {
			I_LD_IMM64(BPF_REG_1, BPF_PSEUDO_MAP_FD, map),
			I_ST_W(BPF_REG_10, -4, 0),
			I_MOV_REG(BPF_REG_2, BPF_REG_10),
			I_ADD_IMM(BPF_REG_2, -4),
			I_CALL(BPF_FUNC_map_lookup_elem),
			I_JEQ_IMM(BPF_REG_0, 0, 5),
			I_MOV_REG(BPF_REG_1, BPF_REG_0),
			I_LD_IMM64(BPF_REG_2, BPF_PSEUDO_MAP_FD, map),
			I_MOV_IMM(BPF_REG_3, 1),	/* CLOCK_MONOTONIC */
			I_CALL(BPF_FUNC_timer_init),
			I_MOV_IMM(BPF_REG_0, 0),
			I_EXIT(),
		};

		prog = load_prog(f, type, name, insns, ARRAY_LEN(insns), o);
	}
	if (prog >= 0) {
		close(prog);
		set_ok(f, "bpf_timer_init accepted");
	}
	close(map);
}

static void probe_timer_tp(struct feature *f)
{
	probe_timer(f, BPF_PROG_TYPE_TRACEPOINT, NULL, "scry_feat_ttp");
}

static void probe_timer_tp_btf(struct feature *f)
{
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = BPF_TRACE_RAW_TP);
	int id = vmlinux_id(f, "btf_trace_sched_switch", BTF_KIND_TYPEDEF);

	if (id < 0)
		return;
	o.attach_btf_id = (uint32_t)id;
	probe_timer(f, BPF_PROG_TYPE_TRACING, &o, "scry_feat_tbtf");
}

static void probe_timer_syscall(struct feature *f)
{
	LIBBPF_OPTS(bpf_prog_load_opts, o, .prog_flags = BPF_F_SLEEPABLE);

	probe_timer(f, BPF_PROG_TYPE_SYSCALL, &o, "scry_feat_tsys");
}

/* Load insns as TYPE; ok when the verifier accepts them. */
static void probe_helper(struct feature *f, enum bpf_prog_type type, const char *name,
			 const struct bpf_insn *insns, size_t cnt, const char *helper)
{
	int fd = load_prog(f, type, name, insns, cnt, NULL);

	if (fd < 0)
		return;
	close(fd);
	set_ok(f, "%s accepted", helper);
}

static void probe_get_stackid(struct feature *f)
{
	int map = create_map(f, BPF_MAP_TYPE_STACK_TRACE, "stack_trace", 4, 8 * 32, 1, NULL);

	if (map < 0)
		return;
	{
		const struct bpf_insn insns[] = {
			I_LD_IMM64(BPF_REG_2, BPF_PSEUDO_MAP_FD, map),
			I_MOV_IMM(BPF_REG_3, 0),
			I_CALL(BPF_FUNC_get_stackid),
			I_MOV_IMM(BPF_REG_0, 0),
			I_EXIT(),
		};

		probe_helper(f, BPF_PROG_TYPE_TRACEPOINT, "scry_feat_stid", insns,
			     ARRAY_LEN(insns), "bpf_get_stackid");
	}
	close(map);
}

static void probe_get_stack(struct feature *f)
{
	const struct bpf_insn insns[] = {
		I_MOV_REG(BPF_REG_2, BPF_REG_10),
		I_ADD_IMM(BPF_REG_2, -64),
		I_MOV_IMM(BPF_REG_3, 64),
		I_MOV_IMM(BPF_REG_4, 0),
		I_CALL(BPF_FUNC_get_stack),
		I_MOV_IMM(BPF_REG_0, 0),
		I_EXIT(),
	};

	probe_helper(f, BPF_PROG_TYPE_TRACEPOINT, "scry_feat_stk", insns, ARRAY_LEN(insns),
		     "bpf_get_stack");
}

/*
 * BTF for a program of two functions (main and one callback), both
 * "int f(void *)": the verifier wants func_info before it accepts a
 * callback.  Returns the BTF fd (caller closes) or -errno with f filled in.
 */
static int two_func_btf(struct feature *f, uint32_t *main_id, uint32_t *cb_id)
{
	uint32_t ids[2];
	int fd = scry_btf_funcs_load(2, ids);

	if (fd < 0) {
		set_fail(f, -fd, NULL, fd == -ENOMEM ? "building BTF for a program with a callback" :
			 "BPF_BTF_LOAD for a program with a callback");
		return fd;
	}
	*main_id = ids[0];
	*cb_id = ids[1];
	return fd;
}

static void probe_loop(struct feature *f)
{
	const struct bpf_insn insns[] = {
		I_MOV_IMM(BPF_REG_1, 4),
		I_LD_IMM64(BPF_REG_2, BPF_PSEUDO_FUNC, 6),	/* the callback: 6 past the 2nd slot */
		I_MOV_IMM(BPF_REG_3, 0),
		I_MOV_IMM(BPF_REG_4, 0),
		I_CALL(BPF_FUNC_loop),
		I_MOV_IMM(BPF_REG_0, 0),
		I_EXIT(),
		/* callback (instruction 8): stop at once */
		I_MOV_IMM(BPF_REG_0, 1),
		I_EXIT(),
	};
	struct bpf_func_info fi[2] = { { .insn_off = 0 }, { .insn_off = 8 } };
	LIBBPF_OPTS(bpf_prog_load_opts, o, .func_info = fi, .func_info_cnt = 2,
		    .func_info_rec_size = sizeof(fi[0]));
	int btf_fd, fd;

	btf_fd = two_func_btf(f, &fi[0].type_id, &fi[1].type_id);
	if (btf_fd < 0)
		return;
	o.prog_btf_fd = (uint32_t)btf_fd;
	fd = load_prog(f, BPF_PROG_TYPE_TRACEPOINT, "scry_feat_loop", insns, ARRAY_LEN(insns), &o);
	if (fd >= 0) {
		close(fd);
		set_ok(f, "bpf_loop accepted");
	}
	close(btf_fd);
}

static void probe_send_signal(struct feature *f)
{
	const struct bpf_insn insns[] = {
		I_MOV_IMM(BPF_REG_1, 0),
		I_CALL(BPF_FUNC_send_signal),
		I_MOV_IMM(BPF_REG_0, 0),
		I_EXIT(),
	};

	probe_helper(f, BPF_PROG_TYPE_TRACEPOINT, "scry_feat_sig", insns, ARRAY_LEN(insns),
		     "bpf_send_signal");
}

static void probe_override_return(struct feature *f)
{
	const struct bpf_insn insns[] = {
		I_MOV_IMM(BPF_REG_2, 0),
		I_CALL(BPF_FUNC_override_return),
		I_MOV_IMM(BPF_REG_0, 0),
		I_EXIT(),
	};

	probe_helper(f, BPF_PROG_TYPE_KPROBE, "scry_feat_ovr", insns, ARRAY_LEN(insns),
		     "bpf_override_return");
}

static void probe_probe_write_user(struct feature *f)
{
	const struct bpf_insn insns[] = {
		I_ST_DW(BPF_REG_10, -8, 0),
		I_MOV_IMM(BPF_REG_1, 0),
		I_MOV_REG(BPF_REG_2, BPF_REG_10),
		I_ADD_IMM(BPF_REG_2, -8),
		I_MOV_IMM(BPF_REG_3, 8),
		I_CALL(BPF_FUNC_probe_write_user),
		I_MOV_IMM(BPF_REG_0, 0),
		I_EXIT(),
	};

	probe_helper(f, BPF_PROG_TYPE_TRACEPOINT, "scry_feat_pwu", insns, ARRAY_LEN(insns),
		     "bpf_probe_write_user");
}

static void probe_attach_cookie(struct feature *f)
{
	const struct bpf_insn insns[] = {
		I_CALL(BPF_FUNC_get_attach_cookie),
		I_MOV_IMM(BPF_REG_0, 0),
		I_EXIT(),
	};

	probe_helper(f, BPF_PROG_TYPE_TRACEPOINT, "scry_feat_cook", insns, ARRAY_LEN(insns),
		     "bpf_get_attach_cookie");
}

/* ---- tracefs, in a private instance ---- */

static void try_function_tracer(struct feature *f, const char *inst)
{
	char path[PATH_MAX];
	int err;

	if (snprintf(path, sizeof(path), "%s/current_tracer", inst) >= (int)sizeof(path)) {
		set_fail(f, ENAMETOOLONG, NULL, "tracefs instance path");
		return;
	}
	err = tracefs_write(path, "function", false);
	if (err) {
		set_fail(f, -err, NULL, "writing 'function' to current_tracer of an instance");
		return;
	}
	tracefs_write(path, "nop", false);
	set_ok(f, "current_tracer accepted 'function' in a private instance");
}

static void try_hist_trigger(struct feature *f, const char *inst)
{
	static const char trig[] = "hist:keys=common_pid";
	char path[PATH_MAX];
	int err;

	if (snprintf(path, sizeof(path), "%s/events/sched/sched_switch/trigger", inst) >=
	    (int)sizeof(path)) {
		set_fail(f, ENAMETOOLONG, NULL, "tracefs instance path");
		return;
	}
	err = tracefs_write(path, trig, true);
	if (err) {
		set_fail(f, -err, NULL, "writing '%s' to sched_switch's trigger in an instance", trig);
		return;
	}
	err = tracefs_write(path, "!hist:keys=common_pid", true);
	if (err)
		pr_warn("cannot remove the hist trigger in '%s': %s", path, strerror(-err));
	set_ok(f, "sched_switch accepted '%s' in a private instance", trig);
}

/*
 * Both tracefs items are tried in one fresh instance, because making and
 * removing one costs tens of milliseconds (the kernel waits for RCU).  The
 * instance is removed before returning, with signals blocked meanwhile so
 * that it cannot be left behind; the top level is never touched.
 */
static struct feature inst_ftrace, inst_hist;

static void instance_items(void)
{
	static bool done;
	char inst[PATH_MAX], rel[96], name[72];
	sigset_t old;

	if (done)
		return;
	done = true;
	if (!tracefs_dir(false)) {
		set_fail(&inst_ftrace, ENOENT, NULL, "no tracefs");
		inst_hist = inst_ftrace;
		return;
	}
	if (tracefs_scry_name(name, sizeof(name), "feat") ||
	    snprintf(rel, sizeof(rel), "instances/%s", name) >= (int)sizeof(rel) ||
	    tracefs_path(inst, sizeof(inst), rel)) {
		set_fail(&inst_ftrace, ENAMETOOLONG, NULL, "tracefs instance path");
		inst_hist = inst_ftrace;
		return;
	}
	block_signals(&old);
	if (mkdir(inst, 0700)) {
		set_fail(&inst_ftrace, errno, NULL, "creating tracefs instance '%s'", rel);
		inst_hist = inst_ftrace;
	} else {
		try_function_tracer(&inst_ftrace, inst);
		try_hist_trigger(&inst_hist, inst);
		if (rmdir(inst))
			pr_warn("cannot remove tracefs instance '%s': %s", inst, strerror(errno));
	}
	restore_signals(&old);
}

static void copy_result(struct feature *f, const struct feature *from)
{
	f->ok = from->ok;
	f->err = from->err;
	memcpy(f->detail, from->detail, sizeof(f->detail));
}

static void probe_ftrace_function(struct feature *f)
{
	instance_items();
	copy_result(f, &inst_ftrace);
}

static void probe_hist_trigger(struct feature *f)
{
	instance_items();
	copy_result(f, &inst_hist);
}

/* ---- the table ---- */

#define G_SYSTEM "Kernel features"
#define G_PROG "Program types"
#define G_ATTACH "Attach"
#define G_MAPS "Maps"
#define G_HELPERS "Helpers"
#define G_PERF "Perf events"
#define G_TRACEFS "Tracefs"

struct feature_def {
	const char *key;
	const char *desc;
	const char *group;
	const char *instead;
	void (*probe)(struct feature *f);
};

static const struct feature_def defs[FEAT__COUNT] = {
	[FEAT_TRACEFS] = { "tracefs", "tracefs mounted", G_SYSTEM,
		"no tracepoint list or text tracing; BPF raw tracepoints still work", probe_tracefs },
	[FEAT_BPF] = { "bpf", "bpf() syscall", G_SYSTEM,
		"tracefs text tracing only (no maps, no aggregation)", probe_bpf },
	[FEAT_JIT] = { "jit", "BPF JIT compiler", G_SYSTEM,
		"programs run in the BPF interpreter (slower)", probe_jit },
	[FEAT_BTF] = { "btf", "kernel BTF (/sys/kernel/btf/vmlinux)", G_SYSTEM,
		"tracepoint format files for types; no tp_btf, fentry or kernel struct access",
		probe_btf },
	[FEAT_LOCKDOWN] = { "lockdown", "not locked down to confidentiality", G_SYSTEM,
		"no reads of kernel memory: tracepoint arguments and user memory only",
		probe_lockdown },
	[FEAT_PROG_TRACEPOINT] = { "prog_tracepoint", "tracepoint programs", G_PROG,
		"raw tracepoints (raw_tp or tp_btf)", probe_prog_tracepoint },
	[FEAT_PROG_RAW_TP] = { "prog_raw_tp", "raw_tp programs", G_PROG,
		"tracepoint programs", probe_prog_raw_tp },
	[FEAT_PROG_TP_BTF] = { "prog_tp_btf", "tp_btf programs (typed raw tracepoints)", G_PROG,
		"tracepoint programs, or raw_tp", probe_prog_tp_btf },
	[FEAT_PROG_PERF_EVENT] = { "prog_perf_event", "perf_event programs (profile:)", G_PROG,
		"sample with a perf ring buffer and callchains, without BPF",
		probe_prog_perf_event },
	[FEAT_PROG_KPROBE] = { "prog_kprobe", "kprobe programs (also used by uprobes)", G_PROG,
		"tracefs uprobe_events (text only)", probe_prog_kprobe },
	[FEAT_PROG_SYSCALL] = { "prog_syscall", "syscall programs (sleepable)", G_PROG,
		"a raw_tp program run with BPF_PROG_TEST_RUN", probe_prog_syscall },
	[FEAT_PROG_ITER] = { "prog_iter", "BPF iterators (iter/task)", G_PROG,
		"read /proc", probe_prog_iter },
	[FEAT_KPROBE] = { "kprobe", "kprobes (kprobe PMU or kprobe_events)", G_ATTACH,
		"use tracepoints, or fentry where available", probe_kprobe },
	[FEAT_UPROBE] = { "uprobe", "uprobes (uprobe PMU)", G_ATTACH,
		"tracefs uprobe_events (text only)", probe_uprobe },
	[FEAT_UPROBE_MULTI] = { "uprobe_multi", "uprobe_multi links", G_ATTACH,
		"one uprobe perf event per address", probe_uprobe_multi },
	[FEAT_UPROBE_SLEEPABLE] = { "uprobe_sleepable", "sleepable uprobe programs", G_ATTACH,
		"bpf_probe_read_user (fails on pages not yet faulted in)", probe_uprobe_sleepable },
	[FEAT_FENTRY] = { "fentry", "fentry/fexit (BPF trampolines)", G_ATTACH,
		"use kprobes where available, else tracepoints", probe_fentry },
	[FEAT_PERF_LINK] = { "perf_link", "bpf_link for perf events", G_ATTACH,
		"attach with PERF_EVENT_IOC_SET_BPF (no bpf_cookie)", probe_perf_link },
	[FEAT_RINGBUF] = { "ringbuf", "BPF ring buffer", G_MAPS,
		"a perf event array", probe_ringbuf },
	[FEAT_PERCPU_MAPS] = { "percpu_maps", "per-CPU hash and array maps", G_MAPS,
		"plain hash and array maps with atomic adds", probe_percpu_maps },
	[FEAT_STACK_TRACE] = { "stack_trace", "stack trace maps", G_MAPS,
		"bpf_get_stack into the event", probe_stack_trace },
	[FEAT_HELPER_GET_STACKID] = { "helper_get_stackid", "bpf_get_stackid (tracepoint)",
		G_HELPERS, "bpf_get_stack into the event", probe_get_stackid },
	[FEAT_HELPER_GET_STACK] = { "helper_get_stack", "bpf_get_stack (tracepoint)", G_HELPERS,
		"bpf_get_stackid with a stack trace map", probe_get_stack },
	[FEAT_HELPER_LOOP] = { "helper_loop", "bpf_loop (tracepoint)", G_HELPERS,
		"unrolled loops with a fixed bound", probe_loop },
	[FEAT_HELPER_TIMER_TP] = { "helper_timer_tracepoint", "bpf_timer in tracepoint programs",
		G_HELPERS, "bpf_timer in tp_btf or syscall programs, or a timerfd in scry",
		probe_timer_tp },
	[FEAT_HELPER_TIMER_TP_BTF] = { "helper_timer_tp_btf", "bpf_timer in tp_btf programs",
		G_HELPERS, "a timerfd in scry running BPF_PROG_TEST_RUN", probe_timer_tp_btf },
	[FEAT_HELPER_TIMER_SYSCALL] = { "helper_timer_syscall", "bpf_timer in syscall programs",
		G_HELPERS, "a timerfd in scry running BPF_PROG_TEST_RUN", probe_timer_syscall },
	[FEAT_HELPER_SEND_SIGNAL] = { "helper_send_signal", "bpf_send_signal (tracepoint)",
		G_HELPERS, "kill() from scry, after the event", probe_send_signal },
	[FEAT_HELPER_OVERRIDE_RETURN] = { "helper_override_return",
		"bpf_override_return (kprobe)", G_HELPERS, "none: override() is refused",
		probe_override_return },
	[FEAT_HELPER_PROBE_WRITE_USER] = { "helper_probe_write_user",
		"bpf_probe_write_user (tracepoint)", G_HELPERS,
		"none: writes to user memory are refused", probe_probe_write_user },
	[FEAT_HELPER_ATTACH_COOKIE] = { "helper_attach_cookie",
		"bpf_get_attach_cookie (tracepoint)", G_HELPERS, "one program per attach point",
		probe_attach_cookie },
	[FEAT_PERF_SOFTWARE] = { "perf_software", "software events (task-clock)", G_PERF,
		"tracepoints; no profile: or software: probes", probe_perf_software },
	[FEAT_PERF_HARDWARE] = { "perf_hardware", "hardware counters (cycles)", G_PERF,
		"use software events (cpu-clock, task-clock)", probe_perf_hardware },
	[FEAT_BREAKPOINT] = { "breakpoint", "hardware breakpoints (watchpoints)", G_PERF,
		"none: no watchpoint probes", probe_breakpoint },
	[FEAT_FTRACE_FUNCTION] = { "ftrace_function", "the function tracer", G_TRACEFS,
		"use tracepoints", probe_ftrace_function },
	[FEAT_HIST_TRIGGER] = { "hist_trigger", "hist triggers", G_TRACEFS,
		"aggregate in BPF maps", probe_hist_trigger },
};

int feature_find(const char *key)
{
	int i;

	for (i = 0; i < FEAT__COUNT; i++)
		if (defs[i].key && !strcmp(defs[i].key, key))
			return i;
	return -ENOENT;
}

const struct feature *feature_get(enum feature_id id)
{
	static struct feature cache[FEAT__COUNT];
	static bool done[FEAT__COUNT];
	static struct feature unknown = {
		.key = "unknown",
		.desc = "unknown feature",
		.group = "Unknown",
		.detail = "no such feature",
	};
	const struct feature_def *d;
	struct timespec t0, t1;
	struct feature *f;
	int saved = errno;

	if ((unsigned int)id >= FEAT__COUNT || !defs[id].probe)
		return &unknown;
	f = &cache[id];
	if (done[id])
		return f;
	d = &defs[id];
	f->key = d->key;
	f->desc = d->desc;
	f->group = d->group;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	d->probe(f);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	f->instead = f->ok ? NULL : d->instead;
	done[id] = true;
	pr_debug("feature %s: %s: %s (%.2f ms)", f->key, f->ok ? "yes" : "no", f->detail,
		 (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	errno = saved;
	return f;
}
