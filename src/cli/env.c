// SPDX-License-Identifier: GPL-2.0
/*
 * The compiler's environment (lang/env.h), filled by the command line:
 *
 *   live	tracefs, kallsyms, the kernel's BTF, ELF files and feature probes
 *		of this machine.  With --dry-run no feature is probed (a probe
 *		is a bpf() call): every feature is taken as present, so the
 *		program shown is the one a capable kernel would get.
 *   fake	$SCRY_FAKE_ENV names a text file that answers everything
 *		(the golden tests: the same output on every machine and for
 *		every user).  One answer per line, '#' starts a comment:
 *
 *	tracefs DIR				events/CAT/EVENT/format below DIR
 *	ncpus N  /  ncpus_possible N  /  start_ns N  /  perf_rb_pages N  /  map_keys_max N
 *	pidns DEV INO	(scry's pid namespace: pid(curr_ns))
 *	max_strlen N	(BPFTRACE_MAX_STRLEN)
 *	btf_var NAME ID	(a kernel variable's BTF id: percpu_kaddr())
 *	feature KEY				present (mech/features.c keys)
 *	ksym ADDR TYPE NAME			as /proc/kallsyms
 *	btf_member STRUCT MEMBER OFFSET SIZE
 *	btf_func NAME ID
 *	raw_tp NAME [BTF_ID]
 *	btf_params FUNC NAME:SIZE[:s][:pN[s]]...	a kernel function's parameters
 *	usym PATH NAME VADDR fixed|pie		a symbol of a binary
 *	ufunc PATH NAME FILE_OFFSET SIZE	a function uprobes can name
 *	usdt PATH PROVIDER:NAME PC_OFFSET PC SEMA_OFFSET [ARG_SPEC...]
 *	uargs PATH FUNC [NAME:TYPE...]		a function's parameters, from DWARF
 *	uret PATH FUNC TYPE			its return type
 *	utype PATH NAME SIZE [FIELD:OFFSET:TYPE...]	a struct of the binary (NAME
 *						struct.Foo, union.U: '.' for ' ')
 *
 * TYPE in the DWARF lines: i1 i2 i4 i8 u1 u2 u4 u8, sN (char[N]), void,
 * struct.NAME / union.NAME (by name: utype gives the layout), *TYPE (a
 * user pointer).  Without any uargs line the binaries' DWARF is unknown.
 *	nodwarf PATH				a binary without debug information
 *	kernel_btf FILE				the kernel's types: a BTF file (raw or ELF .BTF)
 *
 * Relative paths in "tracefs" and "kernel_btf" are from the file's directory.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <elf.h>

#include "cli/cli.h"
#include "lang/ast.h"
#include "lang/env.h"
#include "lang/types.h"
#include "mech/features.h"
#include "mech/tracefs.h"
#include "probe/kfunc_list.h"
#include "probe/probe.h"
#include "probe/user_resolve.h"
#include "sym/btf.h"
#include "sym/dwarf.h"

#include <bpf/btf.h>
#include "sym/elf.h"
#include "sym/kallsyms.h"
#include "sym/libpath.h"
#include "sym/usdt.h"
#include "util/log.h"
#include "util/strbuf.h"

/* ---- live ---- */

static int live_tp_format(void *ctx, const char *cat, const char *ev, struct tp_format *fmt)
{
	return tp_format_read(cat, ev, fmt);
}

static int live_tp_events(void *ctx, const char *cat_glob,
			  int (*fn)(const char *category, const char *event, void *arg), void *arg)
{
	return tracefs_for_each_event(cat_glob, fn, arg);
}

static int live_kernel_funcs(void *ctx, const char *prefix, const struct list_query *q,
			     struct list_sink *sink)
{
	return kfunc_list_kallsyms(prefix, q, sink, true, NULL);
}

struct ksym_find {
	const char *name;
	uint64_t addr;
};

static int ksym_one(uint64_t addr, char type, const char *name, const char *module, void *ctx)
{
	struct ksym_find *k = ctx;

	if (strcmp(name, k->name))
		return 0;
	k->addr = addr;
	return 1;
}

static int live_kernel_sym(void *ctx, const char *name, uint64_t *addr)
{
	struct ksym_find k = { .name = name };

	if (kallsyms_for_each(ksym_one, &k) < 0 || !k.addr)
		return -ENOENT;
	*addr = k.addr;
	return 0;
}

static int live_btf_member(void *ctx, const char *s, const char *m, uint32_t *off, uint32_t *size)
{
	return kernel_btf_member(s, m, off, size);
}

static int live_btf_func_id(void *ctx, const char *name)
{
	return kernel_btf_func_id(name);
}

static int live_btf_var_id(void *ctx, const char *name)
{
	return kernel_btf_var_id(name);
}

static int live_btf_func_params(void *ctx, const char *func, struct env_param *params, size_t max,
				size_t *nr)
{
	return kernel_btf_func_params(func, params, max, nr);
}

static int live_btf_has_raw_tp(void *ctx, const char *name)
{
	return kernel_btf_has_raw_tp(name);
}

static bool live_feature(void *ctx, int id)
{
	return feature_has((enum feature_id)id);
}

static bool dry_feature(void *ctx, int id)
{
	return true;
}

static int live_uprobe_sites(void *ctx, const char *where, const char *target, const char *func,
			     uint64_t off, pid_t pid, struct user_sites *out)
{
	return user_resolve_uprobe(where, target, func, off, pid, out);
}

static int live_usdt_sites(void *ctx, const char *where, const char *target, const char *func,
			   pid_t pid, struct user_sites *out)
{
	return user_resolve_usdt(where, target, func, pid, out);
}

static int live_usdt_site(void *ctx, const char *path, uint64_t pc_offset, struct usdt_probe *site)
{
	return user_usdt_site(path, pc_offset, site);
}

static int live_user_sym(void *ctx, const char *path, const char *name, uint64_t *vaddr, bool *fixed)
{
	struct elf_file *ef = NULL;
	int err;

	err = user_symbol_addr(path, name, vaddr);
	if (err)
		return err;
	err = elf_file_open(path, &ef);
	if (!err)
		*fixed = elf_file_type(ef) == ET_EXEC;
	elf_file_close(ef);
	return err;
}

/*
 * The DWARF of the binaries programs ask about, each opened and indexed once
 * per process (a compile asks many times: args, retval, each struct).  The
 * answer "none" (-ENODATA) or a corrupted file is remembered too, so it is
 * reported once.
 */
struct dwarf_cached {
	char *path;
	int err;
	struct dwarf_file *df;
	struct dwarf_cached *next;
};

static struct dwarf_cached *dwarf_cache;

static int dwarf_cache_get(const char *target, struct dwarf_file **out)
{
	struct strbuf abs = STRBUF_INIT;
	struct dwarf_cached *c;
	int err;

	*out = NULL;
	err = libpath_resolve(target, &abs);
	if (err) {
		strbuf_release(&abs);
		return err == -ENOENT ? -EOPNOTSUPP : err;	/* the probe reports a missing binary */
	}
	for (c = dwarf_cache; c; c = c->next)
		if (!strcmp(c->path, strbuf_str(&abs)))
			break;
	if (!c) {
		c = calloc(1, sizeof(*c));
		if (!c) {
			strbuf_release(&abs);
			return -ENOMEM;
		}
		c->path = strbuf_detach(&abs);
		c->err = c->path ? dwarf_file_open(c->path, &c->df) : -ENOMEM;
		if (c->err == -ENOENT || c->err == -ENOTDIR)
			c->err = -EOPNOTSUPP;	/* not here (-p in another mount namespace): unchecked */
		c->next = dwarf_cache;
		dwarf_cache = c;
	}
	strbuf_release(&abs);
	*out = c->df;
	return c->err;
}

static int live_user_type(void *ctx, struct arena *a, const char *path, const char *name,
			  struct type **out)
{
	struct dwarf_file *df;
	int err = dwarf_cache_get(path, &df);

	return err ?: dwarf_type(df, a, name, out);
}

static int live_user_func_args(void *ctx, struct arena *a, const char *path, const char *func,
			       struct type **out)
{
	struct dwarf_file *df;
	int err = dwarf_cache_get(path, &df);

	return err ?: dwarf_func_args(df, a, func, out, NULL);
}

static int live_user_func_ret(void *ctx, struct arena *a, const char *path, const char *func,
			      struct type **out)
{
	struct dwarf_file *df;
	struct type *args;
	int err = dwarf_cache_get(path, &df);

	return err ?: dwarf_func_args(df, a, func, &args, out);
}

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* cgroupid(): the cgroup v2 id is the file handle of its directory (8 bytes). */
static int live_cgroup_id(void *ctx, const char *path, uint64_t *id)
{
	union {
		struct file_handle fh;
		char buf[sizeof(struct file_handle) + 8];
	} h;
	int mount_id;

	h.fh.handle_bytes = 8;
	if (name_to_handle_at(AT_FDCWD, path, &h.fh, &mount_id, 0))
		return -errno;
	if (h.fh.handle_bytes != 8)
		return -EOVERFLOW;
	memcpy(id, h.fh.f_handle, 8);
	return 0;
}

/* str()'s default size: BPFTRACE_MAX_STRLEN, or bpftrace 0.17's BPFTRACE_STRLEN. */
static uint32_t strlen_env(void)
{
	const char *v = getenv("BPFTRACE_MAX_STRLEN");

	if (!v || !*v)
		v = getenv("BPFTRACE_STRLEN");
	return v && *v ? (uint32_t)strtoul(v, NULL, 10) : 0;
}

static void live_pidns(struct lang_env *env)
{
	struct stat st;

	if (!stat("/proc/self/ns/pid", &st)) {
		env->pidns_dev = st.st_dev;
		env->pidns_ino = st.st_ino;
	}
}

static int live_kernel_type(void *ctx, struct arena *a, const char *name, struct type **out)
{
	return kernel_btf_type(a, name, out);
}

static int live_kernel_enum(void *ctx, const char *name, int64_t *value)
{
	return kernel_btf_enum_value(name, value);
}

static void fill_live(struct lang_env *env, bool dry_run)
{
	const char *pages = getenv("BPFTRACE_PERF_RB_PAGES");
	const char *keys = getenv("BPFTRACE_MAP_KEYS_MAX");
	long on = sysconf(_SC_NPROCESSORS_ONLN), conf = sysconf(_SC_NPROCESSORS_CONF);

	*env = (struct lang_env){
		.tp_format = live_tp_format,
		.tp_events = live_tp_events,
		.kernel_funcs = live_kernel_funcs,
		.kernel_sym = live_kernel_sym,
		.btf_member = live_btf_member,
		.btf_func_id = live_btf_func_id,
		.btf_has_raw_tp = live_btf_has_raw_tp,
		.btf_func_params = live_btf_func_params,
		.kernel_type = live_kernel_type,
		.kernel_enum = live_kernel_enum,
		.feature = dry_run ? dry_feature : live_feature,
		.uprobe_sites = live_uprobe_sites,
		.usdt_sites = live_usdt_sites,
		.usdt_site = live_usdt_site,
		.user_sym = live_user_sym,
		.user_type = live_user_type,
		.user_func_args = live_user_func_args,
		.user_func_ret = live_user_func_ret,
		.ncpus = on > 0 ? (int)on : 1,
		.ncpus_possible = conf > 0 ? (int)conf : 1,
		.start_ns = monotonic_ns(),
		.perf_rb_pages = pages && *pages ? strtoull(pages, NULL, 10) : 0,
		.map_keys_max = keys && *keys ? (uint32_t)strtoul(keys, NULL, 10) : 0,
		.cgroup_id = live_cgroup_id,
		.max_strlen = strlen_env(),
		.btf_var_id = live_btf_var_id,
	};
	live_pidns(env);
}

/* A BPFTRACE_* number: the first of names that is set, 0 when none is. */
static uint64_t env_num(const char *a, const char *b)
{
	const char *v = getenv(a);

	if ((!v || !*v) && b)
		v = getenv(b);
	return v && *v ? strtoull(v, NULL, 10) : 0;
}

static const char *env_word(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/*
 * bpftrace's environment variables for what the config block also sets
 * (BPFTRACE_PERF_RB_PAGES, BPFTRACE_MAP_KEYS_MAX and BPFTRACE_MAX_STRLEN are
 * read with the rest of the live answers); the old names of 0.17 too.
 */
static void fill_bpftrace_vars(struct lang_env *env)
{
	if (!env->map_keys_max)
		env->map_keys_max = (uint32_t)env_num("BPFTRACE_MAX_MAP_KEYS", NULL);
	env->log_size = env_num("BPFTRACE_LOG_SIZE", NULL);
	env->max_cat_bytes = env_num("BPFTRACE_MAX_CAT_BYTES", "BPFTRACE_CAT_BYTES_MAX");
	env->on_stack_limit = (uint32_t)env_num("BPFTRACE_ON_STACK_LIMIT", NULL);
	env->stack_mode = env_word("BPFTRACE_STACK_MODE");
	env->missing_probes = env_word("BPFTRACE_MISSING_PROBES");
	env->str_trunc_trailer = env_word("BPFTRACE_STR_TRUNC_TRAILER");
	env->print_maps_on_exit = env_word("BPFTRACE_PRINT_MAPS_ON_EXIT");
}

/* ---- fake: answers from a file ---- */

#define MAX_WORDS 16

struct fake_line {
	int nw;
	char *w[MAX_WORDS];
};

struct fake {
	char *text;		/* the file, split in place into words */
	struct fake_line *lines;
	size_t nr;
	char tracefs[PATH_MAX];
	bool feature[FEAT__COUNT];
	struct btf *btf;	/* kernel_btf FILE, or NULL */
};

static struct fake fake;

/* The lines whose first word is kind, one after the other: *i is the cursor. */
static const struct fake_line *fake_next(const char *kind, size_t *i)
{
	while (*i < fake.nr) {
		const struct fake_line *l = &fake.lines[(*i)++];

		if (!strcmp(l->w[0], kind))
			return l;
	}
	return NULL;
}

static uint64_t num(const char *s)
{
	return strtoull(s, NULL, 0);
}

static int fake_kernel_type(void *ctx, struct arena *a, const char *name, struct type **out)
{
	return fake.btf ? btf_find_type(fake.btf, a, name, out) : -ENOENT;
}

static int fake_kernel_enum(void *ctx, const char *name, int64_t *value)
{
	return fake.btf ? btf_find_enum_value(fake.btf, name, value) : -ENOENT;
}

static int fake_tp_format(void *ctx, const char *cat, const char *ev, struct tp_format *fmt)
{
	struct strbuf sb = STRBUF_INIT;
	char path[PATH_MAX];
	int err;

	if (strchr(cat, '/') || strchr(ev, '/') || !strcmp(cat, "..") || !strcmp(ev, ".."))
		return -ENOENT;
	if (snprintf(path, sizeof(path), "%s/events/%s/%s/format", fake.tracefs, cat, ev) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	err = strbuf_read_file(&sb, path, 1 << 20);
	err = err ?: tp_format_parse(sb.buf, sb.len, fmt);
	strbuf_release(&sb);
	return err;
}

static int fake_tp_events(void *ctx, const char *cat_glob,
			  int (*fn)(const char *category, const char *event, void *arg), void *arg)
{
	char path[PATH_MAX];
	struct dirent **cats = NULL, **evs = NULL;
	int nc, ne, i, j, err = 0;

	if (snprintf(path, sizeof(path), "%s/events", fake.tracefs) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	nc = scandir(path, &cats, NULL, alphasort);
	if (nc < 0)
		return -ENOENT;
	for (i = 0; i < nc; i++) {
		const char *c = cats[i]->d_name;

		if (!err && c[0] != '.' && (!cat_glob || !fnmatch(cat_glob, c, 0))) {
			ne = snprintf(path, sizeof(path), "%s/events/%s", fake.tracefs, c) >=
				     (int)sizeof(path) ? -1 : scandir(path, &evs, NULL, alphasort);
			for (j = 0; j < ne; j++) {
				if (!err && evs[j]->d_name[0] != '.')
					err = fn(c, evs[j]->d_name, arg);
				free(evs[j]);
			}
			free(evs);
			evs = NULL;
		}
		free(cats[i]);
	}
	free(cats);
	return err;
}

static int fake_kernel_funcs(void *ctx, const char *prefix, const struct list_query *q,
			     struct list_sink *sink)
{
	const struct fake_line *l;
	struct probe_entry e = { .available = true };
	char name[512];
	size_t i = 0;
	int err = 0;

	while (!err && (l = fake_next("ksym", &i))) {
		if (l->nw < 4 || (strcmp(l->w[2], "t") && strcmp(l->w[2], "T")))
			continue;
		snprintf(name, sizeof(name), "%s:%s", prefix, l->w[3]);
		if (!list_query_match(q, name))
			continue;
		e.name = name;
		err = sink->emit(sink, &e);
	}
	return err;
}

static int fake_kernel_sym(void *ctx, const char *name, uint64_t *addr)
{
	const struct fake_line *l;
	size_t i = 0;

	while ((l = fake_next("ksym", &i)))
		if (l->nw >= 4 && !strcmp(l->w[3], name)) {
			*addr = strtoull(l->w[1], NULL, 16);
			return 0;
		}
	return -ENOENT;
}

static int fake_btf_member(void *ctx, const char *s, const char *m, uint32_t *off, uint32_t *size)
{
	const struct fake_line *l;
	size_t i = 0;

	while ((l = fake_next("btf_member", &i)))
		if (l->nw >= 5 && !strcmp(l->w[1], s) && !strcmp(l->w[2], m)) {
			*off = (uint32_t)num(l->w[3]);
			*size = (uint32_t)num(l->w[4]);
			return 0;
		}
	return -ENOENT;
}

/* "KIND NAME ID" lines: the id of name, or -ENOENT. */
static int fake_btf_id(const char *kind, const char *name)
{
	const struct fake_line *l;
	size_t i = 0;

	while ((l = fake_next(kind, &i)))
		if (l->nw >= 3 && !strcmp(l->w[1], name))
			return (int)num(l->w[2]);
	return -ENOENT;
}

static int fake_btf_func_id(void *ctx, const char *name)
{
	return fake_btf_id("btf_func", name);
}

static int fake_btf_var_id(void *ctx, const char *name)
{
	return fake_btf_id("btf_var", name);
}

/*
 * btf_params FUNC NAME:SIZE[:s][:p[N[s]]][:SNAME]...: "count:8", "ret:4:s", "buf:8:p",
 * "pos:8:p8s", "file:8:p:Sfile" (a struct file *)
 */
static int fake_btf_func_params(void *ctx, const char *func, struct env_param *params, size_t max,
				size_t *nr)
{
	const struct fake_line *l;
	size_t i = 0;
	int k;

	while ((l = fake_next("btf_params", &i))) {
		if (l->nw < 2 || strcmp(l->w[1], func))
			continue;
		*nr = 0;
		for (k = 2; k < l->nw && *nr < max; k++) {
			struct env_param *p = &params[(*nr)++];
			const char *c = strchr(l->w[k], ':');

			memset(p, 0, sizeof(*p));
			snprintf(p->name, sizeof(p->name), "%.*s", c ? (int)(c - l->w[k]) : 63, l->w[k]);
			p->size = c ? (uint32_t)num(c + 1) : 8;
			p->sign = c && strstr(c, ":s");
			p->ptr = c && strstr(c, ":p");
			if (p->ptr) {
				const char *e = strstr(c, ":p") + 2;

				p->elem_size = (uint32_t)strtoul(e, NULL, 10);
				p->elem_sign = strchr(e, 's') != NULL && !strstr(e, ":S");
				if (strstr(c, ":S"))
					snprintf(p->elem_record, sizeof(p->elem_record), "struct %s",
						 strstr(c, ":S") + 2);
			}
		}
		return 0;
	}
	return -ENOENT;
}

static int fake_btf_has_raw_tp(void *ctx, const char *name)
{
	const struct fake_line *l;
	size_t i = 0;

	while ((l = fake_next("raw_tp", &i)))
		if (l->nw >= 2 && !strcmp(l->w[1], name))
			return l->nw >= 3 ? (int)num(l->w[2]) : 1;
	return 0;
}

static bool fake_feature(void *ctx, int id)
{
	return id >= 0 && id < FEAT__COUNT && fake.feature[id];
}

static int add_site(struct user_sites *out, const char *path, const char *func, uint64_t off)
{
	struct user_site *n = realloc(out->v, (out->nr + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	out->v = n;
	n = &out->v[out->nr];
	n->path = strdup(path);
	n->func = strdup(func);
	n->offset = off;
	if (!n->path || !n->func) {
		free(n->path);
		free(n->func);
		return -ENOMEM;
	}
	out->nr++;
	return 0;
}

static int fake_uprobe_sites(void *ctx, const char *where, const char *target, const char *func,
			     uint64_t off, pid_t pid, struct user_sites *out)
{
	const struct fake_line *l;
	size_t i = 0;
	int err = 0;

	while (!err && (l = fake_next("ufunc", &i))) {
		if (l->nw < 5 || strcmp(l->w[1], target) || fnmatch(func, l->w[2], 0))
			continue;
		if (off >= num(l->w[4])) {
			pr_err("%s: offset 0x%llx is past the end of '%s' in '%s'", where,
			       (unsigned long long)off, l->w[2], target);
			err = -EINVAL;
			break;
		}
		err = add_site(out, l->w[1], l->w[2], num(l->w[3]) + off);
	}
	if (!err && !out->nr) {
		pr_err("%s: no function '%s' in '%s'", where, func, target);
		err = -ENOENT;
	}
	if (err)
		user_sites_release(out);
	return err;
}

static int fake_usdt_sites(void *ctx, const char *where, const char *target, const char *func,
			   pid_t pid, struct user_sites *out)
{
	const struct fake_line *l;
	size_t i = 0;
	int err = 0;

	while (!err && (l = fake_next("usdt", &i))) {
		const char *name = strchr(l->w[2], ':');

		if (l->nw < 6 || strcmp(l->w[1], target) || !name)
			continue;
		if (fnmatch(func, l->w[2], 0) && (strchr(func, ':') || fnmatch(func, name + 1, 0)))
			continue;
		err = add_site(out, l->w[1], l->w[2], num(l->w[3]));
	}
	if (!err && !out->nr) {
		pr_err("%s: no USDT probe '%s' in '%s'", where, func, target);
		err = -ENOENT;
	}
	if (err)
		user_sites_release(out);
	return err;
}

static int fake_usdt_site(void *ctx, const char *path, uint64_t pc_offset, struct usdt_probe *site)
{
	const struct fake_line *l;
	size_t i = 0;
	int k;

	while ((l = fake_next("usdt", &i))) {
		if (l->nw < 6 || strcmp(l->w[1], path) || num(l->w[3]) != pc_offset)
			continue;
		memset(site, 0, sizeof(*site));
		site->pc_offset = pc_offset;
		site->pc = num(l->w[4]);
		site->sema_offset = num(l->w[5]);
		site->args_ok = true;
		for (k = 6; k < l->nw && site->nr_args < USDT_MAX_ARGS; k++)
			if (usdt_arg_parse(l->w[k], strlen(l->w[k]), &site->args[site->nr_args++]))
				site->args_ok = false;
		return 0;
	}
	return -ENOENT;
}

static int fake_user_sym(void *ctx, const char *path, const char *name, uint64_t *vaddr, bool *fixed)
{
	const struct fake_line *l;
	size_t i = 0;

	while ((l = fake_next("usym", &i)))
		if (l->nw >= 5 && !strcmp(l->w[1], path) && !strcmp(l->w[2], name)) {
			*vaddr = num(l->w[3]);
			*fixed = !strcmp(l->w[4], "fixed");
			return 0;
		}
	return -ENOENT;
}

/* A TYPE of the uargs/uret/utype lines (the header comment), or NULL. */
static struct type *fake_type(struct arena *a, const char *s)
{
	struct type *t;
	char *dot;

	if (*s == '*') {
		t = fake_type(a, s + 1);
		return t ? type_ptr(a, t, true) : NULL;
	}
	if (!strcmp(s, "void"))
		return type_simple(a, TY_NONE);
	if ((s[0] == 'i' || s[0] == 'u') && strchr("1248", s[1]) && !s[2])
		return type_int(a, (uint32_t)(s[1] - '0'), s[0] == 'i');
	if (s[0] == 's' && s[1] >= '1' && s[1] <= '9')
		return type_str(a, (uint32_t)strtoul(s + 1, NULL, 10));
	if (!strncmp(s, "struct.", 7) || !strncmp(s, "union.", 6)) {
		t = type_new(a, TY_RECORD);
		if (!t)
			return NULL;
		t->name = arena_strdup(a, s);
		if (!t->name)
			return NULL;
		dot = strchr((char *)t->name, '.');
		*dot = ' ';
		t->is_union = s[0] == 'u';
		return t;
	}
	return NULL;
}

/* "struct Foo" as the fake file spells it: "struct.Foo". */
static bool fake_name_is(const char *word, const char *name)
{
	size_t n = strlen(word);

	if (strlen(name) != n)
		return false;
	for (; *word; word++, name++)
		if (*word != *name && !(*word == '.' && *name == ' '))
			return false;
	return true;
}

static int fake_user_type(void *ctx, struct arena *a, const char *path, const char *name,
			  struct type **out)
{
	const struct fake_line *l;
	size_t i = 0;
	int k;

	while ((l = fake_next("utype", &i))) {
		struct type *t;

		if (l->nw < 4 || strcmp(l->w[1], path) || !fake_name_is(l->w[2], name))
			continue;
		t = fake_type(a, l->w[2]);
		if (!t || t->kind != TY_RECORD)
			return -EINVAL;
		t->size = (uint32_t)num(l->w[3]);
		t->defined = true;
		t->fields = arena_alloc(a, sizeof(struct field) * (size_t)(l->nw + 1));
		if (!t->fields)
			return -ENOMEM;
		for (k = 4; k < l->nw; k++) {
			char *f = arena_strdup(a, l->w[k]), *c1, *c2;
			struct field *fd = &t->fields[t->nfields];

			if (!f || !(c1 = strchr(f, ':')) || !(c2 = strchr(c1 + 1, ':')))
				return -EINVAL;
			*c1 = *c2 = '\0';
			fd->name = f;
			fd->offset = (uint32_t)num(c1 + 1);
			fd->type = fake_type(a, c2 + 1);
			if (!fd->type)
				return -EINVAL;
			t->nfields++;
		}
		*out = t;
		return 0;
	}
	return -ENOENT;
}

static int fake_user_func_args(void *ctx, struct arena *a, const char *path, const char *func,
			       struct type **out)
{
	const struct fake_line *l;
	size_t i = 0;
	bool known = false;
	int k;

	while ((l = fake_next("uargs", &i))) {
		struct type *t;

		if (l->nw < 3 || strcmp(l->w[1], path))
			continue;
		known = true;
		if (strcmp(l->w[2], func))
			continue;
		t = type_new(a, TY_RECORD);
		if (!t || !(t->name = arena_printf(a, "struct %s:args", func)) ||
		    !(t->fields = arena_alloc(a, sizeof(struct field) * (size_t)(l->nw + 1))))
			return -ENOMEM;
		t->defined = true;
		for (k = 3; k < l->nw; k++) {
			char *f = arena_strdup(a, l->w[k]), *c;
			struct field *fd = &t->fields[t->nfields];

			if (!f || !(c = strchr(f, ':')))
				return -EINVAL;
			*c = '\0';
			fd->name = f;
			fd->offset = 8 * (uint32_t)t->nfields;
			fd->type = fake_type(a, c + 1);
			if (!fd->type)
				return -EINVAL;
			t->nfields++;
		}
		t->size = 8 * (uint32_t)t->nfields;
		*out = t;
		return 0;
	}
	for (i = 0; (l = fake_next("nodwarf", &i));)
		if (l->nw >= 2 && !strcmp(l->w[1], path))
			return -ENODATA;
	/* a binary the file says nothing of: the env cannot say (args unchecked) */
	return known ? -ENOENT : -EOPNOTSUPP;
}

static int fake_user_func_ret(void *ctx, struct arena *a, const char *path, const char *func,
			      struct type **out)
{
	const struct fake_line *l;
	size_t i = 0;

	*out = NULL;
	while ((l = fake_next("uret", &i))) {
		if (l->nw < 4 || strcmp(l->w[1], path) || strcmp(l->w[2], func))
			continue;
		*out = fake_type(a, l->w[3]);
		if (*out && (*out)->kind == TY_NONE)
			*out = NULL;
		return 0;
	}
	return 0;
}

static int fill_fake(struct lang_env *env, const char *file)
{
	struct strbuf sb = STRBUF_INIT;
	const struct fake_line *l;
	char *line, *next, *slash;
	size_t i;
	int err, id;

	err = strbuf_read_file(&sb, file, 1 << 20);
	if (err) {
		pr_err("cannot read SCRY_FAKE_ENV '%s': %s", file, strerror(-err));
		return err;
	}
	fake.text = strbuf_detach(&sb);
	*env = (struct lang_env){
		.tp_format = fake_tp_format,
		.tp_events = fake_tp_events,
		.kernel_funcs = fake_kernel_funcs,
		.kernel_sym = fake_kernel_sym,
		.btf_member = fake_btf_member,
		.btf_func_id = fake_btf_func_id,
		.btf_var_id = fake_btf_var_id,
		.btf_has_raw_tp = fake_btf_has_raw_tp,
		.btf_func_params = fake_btf_func_params,
		.kernel_type = fake_kernel_type,
		.kernel_enum = fake_kernel_enum,
		.feature = fake_feature,
		.uprobe_sites = fake_uprobe_sites,
		.usdt_sites = fake_usdt_sites,
		.usdt_site = fake_usdt_site,
		.user_sym = fake_user_sym,
		.ncpus = 1,
		.ncpus_possible = 1,
	};
	for (line = fake.text; line && *line; line = next) {
		struct fake_line fl = { 0 };
		char *w, *save = NULL;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (strchr(line, '#'))
			*strchr(line, '#') = '\0';
		for (w = strtok_r(line, " \t", &save); w && fl.nw < MAX_WORDS;
		     w = strtok_r(NULL, " \t", &save))
			fl.w[fl.nw++] = w;
		if (!fl.nw)
			continue;
		l = realloc(fake.lines, (fake.nr + 1) * sizeof(*fake.lines));
		if (!l)
			return -ENOMEM;
		fake.lines = (struct fake_line *)l;
		fake.lines[fake.nr++] = fl;
	}
	for (i = 0; i < fake.nr; i++) {
		l = &fake.lines[i];
		if (l->nw < 2)
			continue;
		if (!strcmp(l->w[0], "tracefs")) {
			slash = strrchr(file, '/');
			if (l->w[1][0] == '/' || !slash)
				snprintf(fake.tracefs, sizeof(fake.tracefs), "%s", l->w[1]);
			else
				snprintf(fake.tracefs, sizeof(fake.tracefs), "%.*s/%s",
					 (int)(slash - file), file, l->w[1]);
		} else if (!strcmp(l->w[0], "kernel_btf")) {
			char path[PATH_MAX];

			slash = strrchr(file, '/');
			if (l->w[1][0] == '/' || !slash)
				snprintf(path, sizeof(path), "%s", l->w[1]);
			else
				snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - file), file, l->w[1]);
			btf__free(fake.btf);
			fake.btf = btf__parse(path, NULL);
			if (!fake.btf) {
				pr_err("SCRY_FAKE_ENV '%s': cannot read BTF file '%s'", file, path);
				return -EINVAL;
			}
		} else if (!strcmp(l->w[0], "feature")) {
			id = feature_find(l->w[1]);
			if (id < 0) {
				pr_err("SCRY_FAKE_ENV '%s': unknown feature '%s'", file, l->w[1]);
				return -EINVAL;
			}
			fake.feature[id] = true;
		} else if (!strcmp(l->w[0], "ncpus")) {
			env->ncpus = (int)num(l->w[1]);
		} else if (!strcmp(l->w[0], "ncpus_possible")) {
			env->ncpus_possible = (int)num(l->w[1]);
		} else if (!strcmp(l->w[0], "start_ns")) {
			env->start_ns = num(l->w[1]);
		} else if (!strcmp(l->w[0], "perf_rb_pages")) {
			env->perf_rb_pages = num(l->w[1]);
		} else if (!strcmp(l->w[0], "map_keys_max")) {
			env->map_keys_max = (uint32_t)num(l->w[1]);
		} else if (!strcmp(l->w[0], "max_strlen")) {
			env->max_strlen = (uint32_t)num(l->w[1]);
		} else if (!strcmp(l->w[0], "pidns") && l->nw > 2) {
			env->pidns_dev = num(l->w[1]);
			env->pidns_ino = num(l->w[2]);
		}
	}
	if (!fake.tracefs[0])
		env->tp_format = NULL, env->tp_events = NULL;
	i = 0;
	if (fake_next("uargs", &i)) {
		env->user_type = fake_user_type;
		env->user_func_args = fake_user_func_args;
		env->user_func_ret = fake_user_func_ret;
	}
	return 0;
}

int cli_env(struct lang_env *env, bool dry_run)
{
	const char *file = getenv("SCRY_FAKE_ENV");

	int err;

	dwarf_set_debug_root(getenv("SCRY_DEBUG_ROOT"));
	if (file && *file) {
		err = fill_fake(env, file);
		if (!err)
			fill_bpftrace_vars(env);
		return err;
	}
	fill_live(env, dry_run);
	fill_bpftrace_vars(env);
	return 0;
}
