// SPDX-License-Identifier: GPL-2.0
/*
 * scry trace: the system calls of a process and its descendants, printed
 * as strace prints them, read in the kernel by BPF.
 *
 * The BPF side is a program in scry's own language, generated here and
 * compiled by scry's compiler like any script (--program prints it):
 * raw_syscalls:sys_enter keeps the call's number, arguments and start
 * time per thread; raw_syscalls:sys_exit reads the strings and the one
 * struct or buffer the call has (which ones comes from
 * out/syscall_fmt.c's table, or the syscall tracepoint's format file) and
 * sends everything in one ring-buffer event; sched_process_fork adds the
 * children to the traced set (a map), so filtering by process and by call
 * happens in the kernel.  The session's output stream comes back here
 * (a cookie FILE), and each event becomes one strace line.  Events the
 * ring buffer refused are counted by the session and reported.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "codegen/codegen.h"
#include "codegen/program.h"
#include "lang/lang.h"
#include "mech/tracefs.h"
#include "out/json.h"
#include "out/syscall_fmt.h"
#include "runtime/session.h"
#include "sym/btf.h"
#include "util/strbuf.h"

#define PATH_READ 128		/* bytes of a path argument read in the kernel */
#define MAX_TIDS 65536
#define NEXEC (1 + SC_MAX_ARGV)
#define TABS "\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t"	/* gen_search's depth: log2(512) + 2 */
#define POLL_MS 20		/* the events read at least this often (they wake nobody) */

enum tstamp { TS_NONE, TS_T, TS_TT, TS_TTT, TS_REL };

struct tid_state {
	int tid;
	bool live;		/* seen and not exited: counts for the [pid N] prefix */
	int exit_code;
	char *exec[NEXEC];	/* execve's path and arguments (at its entry, again from the new stack) */
	uint64_t win[8];	/* the struct/buffer of the call ending now (~W before its ~X) */
	char *str1;		/* its second string (~S before its ~X) */
	char *sig;		/* a "--- SIG... ---" line for after the call in progress */
	bool win_read;
	int argc, envc;
	uint64_t exec_ns;
};

struct sc_sum {
	uint64_t calls, errors, ns;
};

struct tracer {
	FILE *out;
	bool json;
	bool summary;		/* -s: only the table */
	bool show_time;		/* -T */
	enum tstamp ts;
	bool sel[SC_MAX_NR];
	bool all;
	pid_t pid;
	const char *cmd;
	struct strbuf line;	/* the session's output, cut into lines */
	struct tid_state *tids;
	size_t nr_tids, cap_tids;
	int nprocs;
	bool pid_column;	/* -o FILE: "PID " on every line, as strace -f -o */
	bool started;		/* -c: the command's calls count from its execve on, as strace's */
	int last_exited, last_code;
	uint64_t mono_to_real;	/* add to CLOCK_MONOTONIC ns for the wall clock */
	uint64_t last_ns;	/* -r */
	struct sc_sum sums[SC_MAX_NR];
	uint64_t lost;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: scry trace [-p PID | -c 'CMD' | -- CMD ARGS...] [-e trace=SET] [-s] [-T]\n"
		"                  [-t|-tt|-ttt|-r] [-o FILE] [-f text|json] [--program]\n"
		"\n"
		"System calls of a process and its children, as strace -f prints them, read\n"
		"in the kernel with BPF (the process is never stopped).\n"
		"\n"
		"  -p PID         trace process PID (and the children it starts from now on)\n"
		"  -c CMD         run CMD (split into words like a shell) and trace it\n"
		"  -e trace=SET   only these calls: names, classes (%%file %%network %%process\n"
		"                 %%memory %%signal %%desc %%ipc %%creds %%clock %%stat), commas, '!' first\n"
		"                 for all the others\n"
		"  -s             a summary table instead, as strace -c (calls, errors, time)\n"
		"  -T             time spent in each call\n"
		"  -t, -tt, -ttt  time of day, with microseconds, as seconds since the epoch\n"
		"  -r             time since the previous call\n"
		"  -o FILE        write to FILE (default: stderr, as strace)\n"
		"  -f text|json   output format (json: one object per call)\n"
		"  --program      print the generated program in scry's language and exit\n"
		"  -h, --help     this text\n");
}

/* ---- the program ---- */

/* The strings and struct each call needs, from the table or the tracepoint format. */
static void learn_generic(int nr)
{
	bool is_ptr[6] = { 0 }, is_str[6] = { 0 };
	struct tp_format fmt = { 0 };
	char ev[80];
	size_t i;
	int n = 0;

	if (sc_known(nr) || !sc_name(nr))
		return;
	snprintf(ev, sizeof(ev), "sys_enter_%s", sc_name(nr));
	if (tp_format_read("syscalls", ev, &fmt))
		return;
	for (i = 0; i < fmt.nr_fields && n < 6; i++) {
		const struct tp_field *f = &fmt.fields[i];

		if (!strncmp(f->name, "common_", 7) || !strcmp(f->name, "__syscall_nr"))
			continue;
		is_ptr[n] = strchr(f->type, '*') != NULL;
		is_str[n] = !strcmp(f->type, "const char *") &&
			    (strstr(f->name, "name") || strstr(f->name, "path") || strstr(f->name, "file"));
		n++;
	}
	sc_set_generic(nr, n, is_ptr, is_str);
	tp_format_release(&fmt);
}

/* Appends "$id == A || $id == B ..." for the numbers in ids. */
static int add_id_test(struct strbuf *sb, const char *var, const int *ids, int n)
{
	int i, err = 0;

	for (i = 0; i < n && !err; i++)
		err = strbuf_addf(sb, "%s%s == %d", i ? " || " : "", var, ids[i]);
	return err;
}

/*
 * if ($id < N) { ... } else { ... } down to one run of numbers [runs[lo],
 * runs[lo + 1]) sharing a layout (lay: the tuple fields + 1 of the first
 * string, the second and the struct, 4 bits each; -1 none), which sets
 * $s0, $s1 and $w.  A call costs log2(runs) tests rather than one per number.
 */
static int gen_search(struct strbuf *sb, const int *lay, const int *runs, int lo, int hi, int depth)
{
	int mid, l, err;

	if (hi - lo == 1) {
		l = lay[runs[lo]];
		if (l < 0)
			return 0;
		err = strbuf_addf(sb, "%.*s", depth, TABS);
		if (l & 0xf)
			err = err ?: strbuf_addf(sb, " $s0 = $e.%d;", l & 0xf);
		if (l >> 4 & 0xf)
			err = err ?: strbuf_addf(sb, " $s1 = $e.%d;", l >> 4 & 0xf);
		if (l >> 8 & 0xf)
			err = err ?: strbuf_addf(sb, " $w = $e.%d;", l >> 8 & 0xf);
		return err ?: strbuf_addch(sb, '\n');
	}
	mid = lo + (hi - lo) / 2;
	err = strbuf_addf(sb, "%.*sif ($id < %d) {\n", depth, TABS, runs[mid]);
	err = err ?: gen_search(sb, lay, runs, lo, mid, depth + 1);
	err = err ?: strbuf_addf(sb, "%.*s} else {\n", depth, TABS);
	err = err ?: gen_search(sb, lay, runs, mid, hi, depth + 1);
	return err ?: strbuf_addf(sb, "%.*s}\n", depth, TABS);
}

static int gen_program(struct tracer *t, struct strbuf *sb)
{
	uint32_t mm_off = 0, stack_off = 0, size;
	char root[32];
	int ids[SC_MAX_NR], lay[SC_MAX_NR], runs[SC_MAX_NR], nruns, n, nr, err, s0, s1, w;

	if (kernel_btf_member("task_struct", "mm", &mm_off, &size) || size != 8 ||
	    kernel_btf_member("mm_struct", "start_stack", &stack_off, &size) || size != 8)
		mm_off = stack_off = 0;	/* no BTF: the arguments read at the call's entry only */
	if (t->pid)
		snprintf(root, sizeof(root), "%d", (int)t->pid);
	else
		snprintf(root, sizeof(root), "cpid");
	err = strbuf_addf(sb,
		"// scry trace: generated\n"
		"tracepoint:sched:sched_process_fork /pid == %s || @scry_t[tid]/ {\n"
		"\t@scry_t[args.child_pid] = 1;\n"
		"}\n"
		"tracepoint:sched:sched_process_exit /pid == %s || @scry_t[tid]/ {\n"
		"\tprintf(\"~Z %%d %%d\\n\", tid, pid);\n"
		"\tdelete(@scry_t[tid]);\n"
		"}\n"
		"tracepoint:signal:signal_generate /args.sig == 17 && (args.pid == %s || @scry_t[args.pid])/ {\n"
		"\tprintf(\"~K %%d %%d %%d\\n\", args.pid, args.sig, args.code);\n"
		"}\n"
		"tracepoint:sched:sched_process_exec /pid == %s || @scry_t[tid]/ {\n"
		"\tprintf(\"~P %%d\\x1f%%s\\n\", tid, args.filename);\n"
		"}\n"
		"tracepoint:raw_syscalls:sys_enter /(pid == %s || @scry_t[tid])",
		root, root, root, root, root);
	if (!t->all) {
		for (n = 0, nr = 0; nr < SC_MAX_NR; nr++)
			if (t->sel[nr] || nr == 59 || nr == 322 || nr == 60 || nr == 231)
				ids[n++] = nr;	/* exec and exit always: where a process starts and ends */
		err = err ?: strbuf_addstr(sb, " && (");
		err = err ?: add_id_test(sb, "args.id", ids, n);
		err = err ?: strbuf_addch(sb, ')');
	}
	err = err ?: strbuf_addf(sb,
		"/ {\n"
		"\t@scry_e[tid] = (args.id, args.args[0], args.args[1], args.args[2], args.args[3], args.args[4], args.args[5], nsecs);\n"
		"\tif (args.id == 59 || args.id == 322) {\n"
		"\t\t$p = args.id == 59 ? args.args[1] : args.args[2];\n"
		"\t\t$v = args.id == 59 ? args.args[2] : args.args[3];\n"
		"\t\t$f = args.id == 59 ? args.args[0] : args.args[1];\n"
		"\t\t$argc = 0;\n"
		"\t\twhile ($argc < %d) { if ($p == 0 || *uptr((uint64 *)($p + $argc * 8)) == 0) { break; } $argc++; }\n"
		"\t\t$envc = 0;\n"
		"\t\twhile ($envc < 128) { if ($v == 0 || *uptr((uint64 *)($v + $envc * 8)) == 0) { break; } $envc++; }\n"
		"\t\tprintf(\"~E %%d %%llu %%d %%d\\x1f%%s\\n\", tid, nsecs, $argc, $envc, str(uptr($f), %d));\n"
		"\t\t$i = 0;\n"
		"\t\twhile ($i < $argc && $i < %d) {\n"
		"\t\t\tprintf(\"~A %%d %%d\\x1f%%s\\n\", tid, $i, str(uptr(*uptr((uint64 *)($p + $i * 8))), %d));\n"
		"\t\t\t$i++;\n"
		"\t\t}\n"
		"\t}\n"
		"\tif (args.id == 60 || args.id == 231) {\n"
		"\t\tprintf(\"~Q %%d %%d %%lld %%llu\\n\", tid, args.id, args.args[0], nsecs);\n"
		"\t}\n"
		"}\n"
		"tracepoint:raw_syscalls:sys_exit {\n"
		"\t$e = @scry_e[tid];\n"
		"\tif ($e.7 == 0) { return; }\n"	/* one lookup: nsecs is never 0 */
		"\tdelete(@scry_e[tid]);\n"
		"\t$id = $e.0;\n"
		"\t$s0 = (uint64)0;\n"
		"\t$s1 = (uint64)0;\n"
		"\t$w = (uint64)0;\n", SC_MAX_ARGV + 1, PATH_READ - 1, SC_MAX_ARGV, SC_STRLEN + 1);
	/*
	 * A new image's arguments from its stack (argc, argv[], NULL, envp[]),
	 * which the kernel has just written: the caller's strings may be on
	 * pages its process had not touched yet (a literal in a fresh child's
	 * .rodata), which BPF cannot fault in at the call's entry.
	 */
	if (mm_off && stack_off)
		err = err ?: strbuf_addf(sb,
			"\tif (($id == 59 || $id == 322) && args.ret == 0) {\n"
			"\t\t$sp = *kptr((uint64 *)(*kptr((uint64 *)((uint64)curtask + %u)) + %u));\n"
			"\t\t$n = *uptr((uint64 *)$sp);\n"
			"\t\t$i = 0;\n"
			"\t\twhile ($i < $n && $i < %d) {\n"
			"\t\t\tprintf(\"~A %%d %%d\\x1f%%s\\n\", tid, $i, str(uptr(*uptr((uint64 *)($sp + 8 + $i * 8))), %d));\n"
			"\t\t\t$i++;\n"
			"\t\t}\n"
			"\t\tprintf(\"~C %%d %%d\\n\", tid, $n);\n"
			"\t}\n", mm_off, stack_off, SC_MAX_ARGV, SC_STRLEN + 1);
	/* a failed one: the kernel has read the path by now, often the page of the arguments too */
	err = err ?: strbuf_addf(sb,
		"\tif (($id == 59 || $id == 322) && args.ret != 0) {\n"
		"\t\t$p = $id == 59 ? $e.2 : $e.3;\n"
		"\t\tprintf(\"~A %%d %%d\\x1f%%s\\n\", tid, -1, str(uptr($id == 59 ? $e.1 : $e.2), %d));\n"
		"\t\t$i = 0;\n"
		"\t\twhile ($p != 0 && $i < %d) {\n"
		"\t\t\t$a = *uptr((uint64 *)($p + $i * 8));\n"
		"\t\t\tif ($a == 0) { break; }\n"
		"\t\t\tprintf(\"~A %%d %%d\\x1f%%s\\n\", tid, $i, str(uptr($a), %d));\n"
		"\t\t\t$i++;\n"
		"\t\t}\n"
		"\t}\n", PATH_READ - 1, SC_MAX_ARGV, SC_STRLEN + 1);
	/* the layout of each number, then a binary search over the runs of one layout */
	for (nr = 0; nr < SC_MAX_NR; nr++) {
		lay[nr] = -1;
		if (!sc_name(nr) || (!t->all && !t->sel[nr]) || nr == 59 || nr == 322)
			continue;
		learn_generic(nr);
		sc_layout(nr, &s0, &s1, &w);
		if (s0 >= 0 || s1 >= 0 || w >= 0)
			lay[nr] = (s0 + 1) | (s1 + 1) << 4 | (w + 1) << 8;
	}
	for (nr = 0, nruns = 0; nr < SC_MAX_NR; nr++)
		if (!nr || lay[nr] != lay[nr - 1])
			runs[nruns++] = nr;
	err = err ?: strbuf_addf(sb, "\tif ((uint64)$id < %d) {\n", SC_MAX_NR);
	err = err ?: gen_search(sb, lay, runs, 0, nruns, 2);
	err = err ?: strbuf_addstr(sb, "\t}\n");
	err = err ?: strbuf_addf(sb,
		"\tif ($w) {\n"
		"\t\tprintf(\"~W %%d %%llx %%llx %%llx %%llx %%llx %%llx %%llx %%llx\\n\", tid,\n"
		"\t\t       *uptr((uint64 *)$w), *uptr((uint64 *)($w + 8)), *uptr((uint64 *)($w + 16)),\n"
		"\t\t       *uptr((uint64 *)($w + 24)), *uptr((uint64 *)($w + 32)), *uptr((uint64 *)($w + 40)),\n"
		"\t\t       *uptr((uint64 *)($w + 48)), *uptr((uint64 *)($w + 56)));\n"
		"\t}\n"
		"\tif ($s1) { printf(\"~S %%d\\x1f%%s\\n\", tid, str(uptr($s1), %d)); }\n"
		"\tif ($s0) {\n"
		"\t\tprintf(\"~X %%d %%lld %%lld %%llu %%llu %%llx %%llx %%llx %%llx %%llx %%llx\\x1f%%s\\n\",\n"
		"\t\t       tid, $id, args.ret, $e.7, nsecs, $e.1, $e.2, $e.3, $e.4, $e.5, $e.6,\n"
		"\t\t       str(uptr($s0), %d));\n"
		"\t} else {\n"
		"\t\tprintf(\"~X %%d %%lld %%lld %%llu %%llu %%llx %%llx %%llx %%llx %%llx %%llx\\n\",\n"
		"\t\t       tid, $id, args.ret, $e.7, nsecs, $e.1, $e.2, $e.3, $e.4, $e.5, $e.6);\n"
		"\t}\n"
		"}\n"
		"END { clear(@scry_e); clear(@scry_t); }\n", PATH_READ - 1, PATH_READ - 1);
	return err;
}

/* ---- events back to lines ---- */

static struct tid_state *tid_get(struct tracer *t, int tid)
{
	size_t i;

	for (i = 0; i < t->nr_tids; i++)
		if (t->tids[i].tid == tid)
			return &t->tids[i];
	if (t->nr_tids == t->cap_tids) {
		size_t cap = t->cap_tids ? t->cap_tids * 2 : 16;
		struct tid_state *n;

		if (cap > MAX_TIDS)
			return NULL;
		n = realloc(t->tids, cap * sizeof(*n));
		if (!n)
			return NULL;
		t->tids = n;
		t->cap_tids = cap;
	}
	memset(&t->tids[t->nr_tids], 0, sizeof(t->tids[0]));
	t->tids[t->nr_tids].tid = tid;
	return &t->tids[t->nr_tids++];
}

/* Marks tid as seen: a process strace would have attached. */
static void tid_seen(struct tracer *t, int tid)
{
	struct tid_state *s = tid_get(t, tid);

	if (s && !s->live) {
		s->live = true;
		t->nprocs++;
	}
}

static int leader(struct tracer *t, struct strbuf *sb, int tid, uint64_t ns)
{
	int err = 0;

	if (t->pid_column)
		err = strbuf_addf(sb, "%-5d ", tid);
	else if (t->nprocs > 1)
		err = strbuf_addf(sb, "[pid %5d] ", tid);
	if (t->ts != TS_NONE) {
		uint64_t real = ns + t->mono_to_real;
		time_t sec = (time_t)(real / 1000000000ULL);
		struct tm tm;
		char b[32];

		localtime_r(&sec, &tm);
		strftime(b, sizeof(b), "%H:%M:%S", &tm);
		if (t->ts == TS_T)
			err = err ?: strbuf_addf(sb, "%s ", b);
		else if (t->ts == TS_TT)
			err = err ?: strbuf_addf(sb, "%s.%06llu ", b, (unsigned long long)(real % 1000000000ULL / 1000));
		else if (t->ts == TS_TTT)
			err = err ?: strbuf_addf(sb, "%lld.%06llu ", (long long)sec,
						 (unsigned long long)(real % 1000000000ULL / 1000));
		else {
			uint64_t d = t->last_ns && ns > t->last_ns ? ns - t->last_ns : 0;

			err = err ?: strbuf_addf(sb, "%6llu.%06llu ", (unsigned long long)(d / 1000000000ULL),
						 (unsigned long long)(d % 1000000000ULL / 1000));
			t->last_ns = ns;
		}
	}
	return err;
}

/* Pads the call to strace's column 40 and adds " = RET". */
static int finish(struct tracer *t, struct strbuf *sb, const struct sc_record *r, uint64_t dur)
{
	int err = 0;

	if (sb->len < 39)
		while (sb->len < 39 && !err)
			err = strbuf_addch(sb, ' ');
	err = err ?: strbuf_addstr(sb, " = ");
	err = err ?: sc_format_ret(sb, r);
	if (t->show_time && r->has_ret)
		err = err ?: strbuf_addf(sb, " <%llu.%06llu>", (unsigned long long)(dur / 1000000000ULL),
					 (unsigned long long)(dur % 1000000000ULL / 1000));
	return err ?: strbuf_addch(sb, '\n');
}

static void emit_json(struct tracer *t, const struct sc_record *r, const char *call, const char *ret,
		      uint64_t t0, uint64_t dur)
{
	struct json_writer w;
	const char *name = sc_name(r->nr);
	char num[24];

	json_init(&w, t->out);
	json_obj_begin(&w);
	json_kv_int(&w, "pid", r->tid);
	if (name) {
		json_kv_str(&w, "syscall", name);
	} else {
		snprintf(num, sizeof(num), "syscall_%#x", (unsigned)r->nr);
		json_kv_str(&w, "syscall", num);
	}
	json_kv_str(&w, "call", call);
	if (r->has_ret) {
		json_kv_int(&w, "return", r->ret);
		if (r->ret < 0 && r->ret > -4096)
			json_kv_str(&w, "errno", strerrorname_np((int)-r->ret));
		json_kv_uint(&w, "duration_ns", dur);
	}
	json_kv_str(&w, "text", ret);
	json_kv_uint(&w, "time_ns", t0 + t->mono_to_real);
	json_obj_end(&w);
	fputc('\n', t->out);
}

static void print_pending_signal(struct tracer *t, int tid)
{
	struct tid_state *s = tid_get(t, tid);

	if (!s || !s->sig)
		return;
	if (t->pid_column)
		fprintf(t->out, "%-5d ", tid);
	else if (t->nprocs > 1)
		fprintf(t->out, "[pid %5d] ", tid);
	fputs(s->sig, t->out);
	free(s->sig);
	s->sig = NULL;
}

static void print_record(struct tracer *t, const struct sc_record *r, uint64_t t0, uint64_t t1)
{
	struct strbuf sb = STRBUF_INIT, call = STRBUF_INIT, ret = STRBUF_INIT;
	uint64_t dur = t1 > t0 ? t1 - t0 : 0;

	if (r->nr >= 0 && r->nr < SC_MAX_NR && r->has_ret && (t->all || t->sel[r->nr])) {
		t->sums[r->nr].calls++;
		t->sums[r->nr].ns += dur;
		if (r->ret < 0 && r->ret > -4096)
			t->sums[r->nr].errors++;
	}
	if (t->summary)
		return;
	if (!t->all && (r->nr < 0 || r->nr >= SC_MAX_NR || !t->sel[r->nr])) {
		if (!t->json)
			print_pending_signal(t, r->tid);	/* signals show whatever the set */
		return;
	}
	if (t->json) {
		if (!sc_format_call(&call, r) && !sc_format_ret(&ret, r))
			emit_json(t, r, strbuf_str(&call), strbuf_str(&ret), t0, dur);
	} else if (!leader(t, &sb, r->tid, r->has_ret ? t0 : t0) && !sc_format_call(&sb, r) &&
		   !finish(t, &sb, r, dur)) {
		fputs(strbuf_str(&sb), t->out);
	}
	strbuf_release(&sb);
	strbuf_release(&call);
	strbuf_release(&ret);
	if (!t->summary && !t->json)
		print_pending_signal(t, r->tid);
}

/*
 * One event of the program: tag is the letter after its format's '~', v its
 * integer arguments in order, str its string argument ("" when none).
 */
static void on_event(struct tracer *t, char tag, const int64_t *v, int nv, const char *str)
{
	struct sc_record r = { 0 };
	struct tid_state *s;
	int i;

	if (!t->started) {
		/*
		 * scry's own child before its exec: strace shows the command from
		 * the execve that worked (it searches PATH itself), so the
		 * attempts of the child's execvp are kept quiet.
		 */
		if (tag == 'X') {
			if (nv < 3 || (v[1] != 59 && v[1] != 322) || v[2])
				return;
			t->started = true;
		} else if (tag != 'E' && tag != 'A' && tag != 'C' && tag != 'P') {
			return;
		}
	}
	if (nv < 1)
		return;
	switch (tag) {
	case 'W':	/* tid, the struct's 8 words: before its ~X */
		s = tid_get(t, (int)v[0]);
		if (!s || nv < 9)
			return;
		for (i = 0; i < 8; i++)
			s->win[i] = (uint64_t)v[1 + i];
		s->win_read = true;
		break;
	case 'S':	/* tid, the second string: before its ~X */
		s = tid_get(t, (int)v[0]);
		if (s) {
			free(s->str1);
			s->str1 = strdup(str);
		}
		break;
	case 'X':	/* tid, nr, ret, start, end, the 6 arguments[, the first string] */
		if (nv < 11)
			return;
		r.tid = (int)v[0];
		r.nr = (int)v[1];
		r.ret = v[2];
		r.has_ret = true;
		for (i = 0; i < 6; i++)
			r.args[i] = (uint64_t)v[5 + i];
		s = tid_get(t, r.tid);
		if (!s)
			return;
		if (s->win_read) {
			memcpy(r.win, s->win, sizeof(r.win));
			r.win_read = true;
			s->win_read = false;
		}
		r.str[0] = str;
		r.str[1] = s->str1;
		tid_seen(t, r.tid);
		if (r.nr == 59 || r.nr == 322) {
			/* execve's strings were read at its entry or from the new image */
			r.str[0] = s->exec[0];
			for (i = 0; i < SC_MAX_ARGV; i++)
				r.argv[i] = s->exec[1 + i];
			r.argc = s->argc;
			r.envc = s->envc;
			print_record(t, &r, (uint64_t)v[3], (uint64_t)v[4]);
			for (i = 0; i < NEXEC; i++) {
				free(s->exec[i]);
				s->exec[i] = NULL;
			}
			return;
		}
		print_record(t, &r, (uint64_t)v[3], (uint64_t)v[4]);
		free(s->str1);
		s->str1 = NULL;
		break;
	case 'P':	/* tid, the kernel's copy of the path: for when the page was not there at entry */
		s = tid_get(t, (int)v[0]);
		if (s && s->exec[0] && !s->exec[0][0]) {
			free(s->exec[0]);
			s->exec[0] = strdup(str);
		}
		break;
	case 'A': {	/* tid, index (-1: the path), the string */
		int k = nv >= 2 ? (int)v[1] : -2;

		s = tid_get(t, (int)v[0]);
		/* read again at the call's exit: a string read there replaces one that was not */
		if (s && k >= -1 && k < SC_MAX_ARGV && (str[0] || !s->exec[1 + k])) {
			free(s->exec[1 + k]);
			s->exec[1 + k] = strdup(str);
		}
		break;
	}
	case 'C':	/* tid, argc on the new image's stack (envp's count is the one read at entry) */
		s = tid_get(t, (int)v[0]);
		if (s && nv >= 2)
			s->argc = (int)v[1];
		break;
	case 'E':	/* tid, time, argc, envc, the path: execve's entry */
		if (nv < 4)
			return;
		tid_seen(t, (int)v[0]);
		s = tid_get(t, (int)v[0]);
		if (!s)
			return;
		s->argc = (int)v[2];
		s->envc = (int)v[3];
		for (i = 0; i < NEXEC; i++) {
			free(s->exec[i]);
			s->exec[i] = NULL;
		}
		s->exec[0] = strdup(str);
		break;
	case 'Q':	/* tid, nr, status, time: exit and exit_group, which do not return */
		if (nv < 4)
			return;
		r.tid = (int)v[0];
		r.nr = (int)v[1];
		r.args[0] = (uint64_t)v[2];
		tid_seen(t, r.tid);
		s = tid_get(t, r.tid);
		if (s)
			s->exit_code = (int)(r.args[0] & 0xff);
		print_record(t, &r, (uint64_t)v[3], 0);
		break;
	case 'Z':	/* tid, pid: the thread ended */
		s = tid_get(t, (int)v[0]);
		if (!s || !s->live)
			return;
		if (!t->summary && !t->json) {
			print_pending_signal(t, s->tid);
			if (t->pid_column)
				fprintf(t->out, "%-5d ", s->tid);
			else if (t->nprocs > 1)
				fprintf(t->out, "[pid %5d] ", s->tid);
			fprintf(t->out, "+++ exited with %d +++\n", s->exit_code);
		}
		t->last_exited = s->tid;
		t->last_code = s->exit_code;
		s->live = false;
		t->nprocs--;
		break;
	case 'K':	/* pid, signal, code: SIGCHLD generated for a traced process */
		s = tid_get(t, (int)v[0]);
		if (!s || !s->live || t->summary || t->json || nv < 3)
			return;
		/* strace shows a signal when it is delivered: after the call in progress */
		free(s->sig);
		if (asprintf(&s->sig, "--- SIGCHLD {si_signo=SIGCHLD, si_code=%s, si_pid=%d, si_uid=%d, si_status=%d, si_utime=0, si_stime=0} ---\n",
			     v[2] == 1 ? "CLD_EXITED" : v[2] == 2 ? "CLD_KILLED" : "CLD_DUMPED",
			     t->last_exited, (int)getuid(), t->last_code) < 0)
			s->sig = NULL;
		break;
	default:
		break;
	}
}

/*
 * The session's printf events, decoded here rather than formatted and
 * parsed back: the reader's time per call is what a busy machine takes
 * from the traced program.
 */
static bool on_printf(void *ctx, const struct cprintf *pf, const uint8_t *p, size_t size)
{
	struct tracer *t = ctx;
	char str[PATH_READ + 1] = "";
	int64_t v[16];
	uint32_t i;
	int nv = 0;

	if (pf->fmt[0] != '~' || !pf->fmt[1])
		return false;
	for (i = 0; i < pf->nr_args; i++) {
		const struct vfield *a = &pf->args[i];
		uint32_t sz = a->type.size;

		if ((size_t)a->offset + sz > size)
			return true;	/* short: not one of ours */
		if (a->type.kind == VT_STR) {
			size_t n = sz < sizeof(str) - 1 ? sz : sizeof(str) - 1;

			memcpy(str, p + a->offset, n);
			str[n] = '\0';
		} else if (a->type.kind == VT_INT && nv < 16) {
			uint64_t x = 0;

			if (sz > 8)
				return true;
			memcpy(&x, p + a->offset, sz);	/* little-endian: the low bytes */
			if (a->type.sign && sz < 8 && (x >> (sz * 8 - 1) & 1))
				x |= ~0ULL << (sz * 8);
			v[nv++] = (int64_t)x;
		}
	}
	on_event(t, pf->fmt[1], v, nv, str);
	return true;
}

/* The session's own lines: only "Lost N events" concerns us. */
static void on_line(struct tracer *t, char *l)
{
	if (!strncmp(l, "Lost ", 5)) {
		t->lost += strtoull(l + 5, NULL, 10);
		fprintf(stderr, "scry trace: %s: the ring buffer was full, some calls are missing\n", l);
	}
}

/* The session's output stream: cut into lines, each one an event. */
static ssize_t cookie_write(void *c, const char *buf, size_t n)
{
	struct tracer *t = c;
	size_t i, start = 0;

	for (i = 0; i < n; i++) {
		if (buf[i] != '\n')
			continue;
		if (strbuf_add(&t->line, buf + start, i - start))
			return -1;
		on_line(t, t->line.buf ? t->line.buf : (char *)"");
		strbuf_reset(&t->line);
		start = i + 1;
	}
	if (start < n && strbuf_add(&t->line, buf + start, n - start))
		return -1;
	return (ssize_t)n;
}

static int by_time(const void *a, const void *b, void *ctx)
{
	const struct sc_sum *s = ctx;
	int x = *(const int *)a, y = *(const int *)b;

	if (s[x].ns != s[y].ns)
		return s[x].ns < s[y].ns ? 1 : -1;
	return x - y;
}

/* strace -c's table. */
static void print_summary(struct tracer *t)
{
	static const char dash[] = "------ ----------- ----------- --------- --------- ----------------\n";
	uint64_t total_ns = 0, calls = 0, errors = 0;
	int order[SC_MAX_NR], n = 0, i;
	char num[24];

	for (i = 0; i < SC_MAX_NR; i++) {
		if (!t->sums[i].calls)
			continue;
		order[n++] = i;
		total_ns += t->sums[i].ns;
		calls += t->sums[i].calls;
		errors += t->sums[i].errors;
	}
	qsort_r(order, (size_t)n, sizeof(int), by_time, t->sums);
	if (t->json) {
		struct json_writer w;

		for (i = 0; i < n; i++) {
			const struct sc_sum *s = &t->sums[order[i]];

			json_init(&w, t->out);
			json_obj_begin(&w);
			json_kv_str(&w, "syscall", sc_name(order[i]));
			json_kv_uint(&w, "calls", s->calls);
			json_kv_uint(&w, "errors", s->errors);
			json_kv_uint(&w, "ns", s->ns);
			json_obj_end(&w);
			fputc('\n', t->out);
		}
		return;
	}
	fputs("% time     seconds  usecs/call     calls    errors syscall\n", t->out);
	fputs(dash, t->out);
	for (i = 0; i < n; i++) {
		const struct sc_sum *s = &t->sums[order[i]];

		if (s->errors)
			snprintf(num, sizeof(num), "%llu", (unsigned long long)s->errors);
		else
			num[0] = '\0';
		fprintf(t->out, "%6.2f %11.6f %11llu %9llu %9s %s\n",
			total_ns ? 100.0 * (double)s->ns / (double)total_ns : 0.0, (double)s->ns / 1e9,
			(unsigned long long)(s->ns / 1000 / s->calls), (unsigned long long)s->calls, num,
			sc_name(order[i]));
	}
	fputs(dash, t->out);
	if (errors)
		snprintf(num, sizeof(num), "%llu", (unsigned long long)errors);
	else
		num[0] = '\0';
	fprintf(t->out, "%6.2f %11.6f %11llu %9llu %9s total\n", 100.0, (double)total_ns / 1e9,
		calls ? (unsigned long long)(total_ns / 1000 / calls) : 0ULL, (unsigned long long)calls,
		num);
}

static uint64_t clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int run(struct tracer *t, const struct cli_opts *o, bool print_program)
{
	struct strbuf src = STRBUF_INIT, diag = STRBUF_INIT;
	struct lang_program *prog = NULL;
	struct compiled_program *cp = NULL;
	struct lang_env env;
	struct lang_opts lo = { .filename = "scry-trace", .env = &env };
	cookie_io_functions_t io = { .write = cookie_write };
	FILE *events = NULL;
	int err, code = 0;

	err = cli_env(&env, false);
	if (err)
		goto out;
	/* a roomy ring buffer (16 MiB on 2 CPUs): one event per call, bursts of thousands */
	if (!env.perf_rb_pages)
		env.perf_rb_pages = 2048;
	err = gen_program(t, &src);
	if (err)
		goto out;
	if (print_program) {
		fputs(strbuf_str(&src), stdout);
		goto out;
	}
	err = lang_compile(strbuf_str(&src), src.len, &lo, &prog);
	if (prog && diag_render(&prog->diags, &diag) == 0)
		fputs(strbuf_str(&diag), stderr);
	if (err)
		goto out;
	{
		struct codegen_opts co = {
			.source_name = "scry-trace",
			.pid = t->pid,
			.rb_batch = true,	/* a wakeup per call would cost the traced program more than the call */
		};

		err = codegen_program(prog, &co, &cp);
		if (err)
			goto out;
	}
	cp->source = strbuf_str(&src);
	cp->source_len = src.len;
	events = fopencookie(t, "w", io);
	if (!events) {
		err = -errno;
		goto out;
	}
	setvbuf(events, NULL, _IOFBF, 1 << 16);	/* the session flushes after each read of the ring */
	t->mono_to_real = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_MONOTONIC);
	{
		struct session_opts so = {
			.out = events,
			.pid = t->pid,
			.cmd = t->cmd,
			.verbose = o->verbose,
			.no_attach_message = true,
			.poll_ms = POLL_MS,
			.on_printf = on_printf,
			.on_printf_ctx = t,
		};

		err = session_run(cp, &so, &code);
	}
	fflush(events);
	if (t->summary)
		print_summary(t);
	if (t->lost)
		fprintf(stderr, "scry trace: %llu events lost in all\n", (unsigned long long)t->lost);
out:
	if (events)
		fclose(events);
	compiled_program_free(cp);
	lang_program_free(prog);
	strbuf_release(&src);
	strbuf_release(&diag);
	return err ? -1 : code;
}

int cmd_trace(int argc, char **argv, struct cli_opts *o)
{
	enum { OPT_PROGRAM = 256 };
	static const struct option longopts[] = {
		{ "program", no_argument, NULL, OPT_PROGRAM },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tracer *t = calloc(1, sizeof(*t));
	const char *outfile = NULL;
	char *cmd_owned = NULL;
	bool print_program = false;
	int c, status = 1, rc, i;
	char *end;

	if (!t) {
		fprintf(stderr, "scry trace: error: out of memory\n");
		return 1;
	}
	t->out = stderr;
	t->all = true;
	t->started = true;
	/* -tt and -ttt are strace's spellings: count the t's */
	while ((c = getopt_long(argc, argv, "+p:c:e:sTtro:f:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			errno = 0;
			t->pid = (pid_t)strtol(optarg, &end, 10);
			if (errno || *end || t->pid <= 0) {
				cli_usage_error("trace", "'%s' is not a process id", optarg);
				goto out;
			}
			break;
		case 'c':
			t->cmd = optarg;
			break;
		case 'e': {
			const char *set = optarg, *bad = NULL;
			int bad_len = 0;

			if (!strncmp(set, "trace=", 6))
				set += 6;
			else if (strchr(set, '=')) {
				cli_usage_error("trace", "only -e trace=SET is supported, not '%s'", optarg);
				goto out;
			}
			if (!strcmp(set, "all"))
				break;
			if (sc_parse_set(set, t->sel, &bad, &bad_len)) {
				cli_usage_error("trace", "invalid system call '%.*s'", bad_len, bad);
				goto out;
			}
			t->all = false;
			break;
		}
		case 's':
			t->summary = true;
			break;
		case 'T':
			t->show_time = true;
			break;
		case 't':
			t->ts = t->ts == TS_NONE ? TS_T : t->ts == TS_T ? TS_TT : TS_TTT;
			break;
		case 'r':
			t->ts = TS_REL;
			break;
		case 'o':
			outfile = optarg;
			break;
		case OPT_PROGRAM:
			print_program = true;
			break;
		default:
			if (cli_common_opt("trace", c, optarg, o, usage, &status))
				goto out;
			break;
		}
	}
	if (cli_take_command("trace", argv, optind, argc, t->cmd, &cmd_owned))
		goto out;
	if (cmd_owned)
		t->cmd = cmd_owned;
	if (t->cmd)
		t->started = false;
	if (!!t->cmd + !!t->pid != 1 && !print_program) {
		cli_usage_error("trace", "give one of -p PID, -c CMD or -- CMD ARGS");
		goto out;
	}
	if (t->pid && kill(t->pid, 0) && errno == ESRCH) {
		fprintf(stderr, "scry trace: error: no process %d\n", (int)t->pid);
		goto out;
	}
	t->json = o->format == FMT_JSON;
	if (outfile) {
		t->out = fopen(outfile, "we");
		if (!t->out) {
			fprintf(stderr, "scry trace: error: cannot write '%s': %s\n", outfile, strerror(errno));
			t->out = stderr;
			goto out;
		}
		t->pid_column = true;
	}
	rc = run(t, o, print_program);
	status = rc < 0 ? 1 : rc;
out:
	if (t->out != stderr && fclose(t->out)) {
		fprintf(stderr, "scry trace: error: cannot write '%s': %s\n", outfile, strerror(errno));
		status = 1;
	}
	for (i = 0; i < (int)t->nr_tids; i++)
		for (c = 0; c < NEXEC; c++)
			free(t->tids[i].exec[c]);
	for (i = 0; i < (int)t->nr_tids; i++) {
		free(t->tids[i].str1);
		free(t->tids[i].sig);
	}
	free(t->tids);
	strbuf_release(&t->line);
	free(t);
	free(cmd_owned);
	return status;
}
