// SPDX-License-Identifier: GPL-2.0
/*
 * The user-space symbolizer.  An address goes
 *	process address -> file offset (the mapping: addr - start + pgoff)
 *	file offset -> ELF virtual address (the PT_LOAD segment holding it)
 *	ELF virtual address -> function (the sorted symbol table)
 * which is right for executables, PIE executables and shared libraries
 * alike, whatever their load bias and however the loader split them into
 * mappings.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "sym/elf.h"
#include "sym/procmaps.h"
#include "sym/usyms.h"
#include "util/log.h"
#include "util/strbuf.h"

#define MAX_LOADS 64		/* PT_LOAD segments kept per object */
#define MAX_REGIONS 65536	/* executable mappings kept per process */

struct uload {
	uint64_t vaddr, offset, filesz;
};

/* An ELF object, shared by every process that maps it. */
struct uobj {
	char *path;
	unsigned int maj, min;
	uint64_t ino;
	struct elf_file *ef;	/* NULL: could not be read, frames stay unknown */
	struct elf_file *dbg;	/* its separate debug file (/usr/lib/debug/.build-id), or NULL */
	struct elf_symtab tab;
	char **demangled;	/* parallel to tab.syms, filled lazily; NULL: not C++ */
	unsigned char *demangle_done;
	struct uload loads[MAX_LOADS];
	size_t nr_loads;
};

/* One executable mapping of a process. */
struct uregion {
	uint64_t start, end, pgoff;
	const char *name;	/* owned by the proc's names */
	struct uobj *obj;	/* NULL: anonymous, [vdso], unreadable */
};

struct uproc {
	pid_t pid;
	struct uregion *r;
	size_t n;
	char **names;
	size_t nr_names;
	bool refreshed;		/* one refresh after a miss, not one per frame */
};

struct usyms {
	struct uobj **objs;
	size_t nr_objs, alloc_objs;
	struct uproc *procs;	/* sorted by pid */
	size_t nr_procs, alloc_procs;
	size_t last;		/* index of the last process looked up */
};

typedef char *(*cxa_demangle_fn)(const char *, char *, size_t *, int *);

static cxa_demangle_fn demangler(void)
{
	static int tried;
	static cxa_demangle_fn fn;
	void *h;

	if (tried)
		return fn;
	tried = 1;
	/* Kept open for the life of the process: the function is used until exit. */
	h = dlopen("libstdc++.so.6", RTLD_LAZY | RTLD_LOCAL);
	if (h)
		fn = (cxa_demangle_fn)dlsym(h, "__cxa_demangle");
	if (!fn)
		pr_debug("usyms: no libstdc++ __cxa_demangle, C++ names stay mangled");
	return fn;
}

bool usyms_can_demangle(void)
{
	return demangler() != NULL;
}

char *usyms_demangle(const char *name)
{
	cxa_demangle_fn fn;
	int status = -1;
	char *s;

	if (strncmp(name, "_Z", 2))
		return NULL;
	fn = demangler();
	if (!fn)
		return NULL;
	s = fn(name, NULL, NULL, &status);
	if (status) {
		free(s);
		return NULL;
	}
	return s;
}

int usyms_new(struct usyms **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

static void obj_free(struct uobj *o)
{
	size_t i;

	if (!o)
		return;
	if (o->demangled)
		for (i = 0; i < o->tab.nr; i++)
			free(o->demangled[i]);
	free(o->demangled);
	free(o->demangle_done);
	elf_symtab_release(&o->tab);
	elf_file_close(o->ef);
	elf_file_close(o->dbg);
	free(o->path);
	free(o);
}

static void proc_release(struct uproc *p)
{
	size_t i;

	for (i = 0; i < p->nr_names; i++)
		free(p->names[i]);
	free(p->names);
	free(p->r);
	memset(p, 0, sizeof(*p));
}

void usyms_free(struct usyms *u)
{
	size_t i;

	if (!u)
		return;
	for (i = 0; i < u->nr_objs; i++)
		obj_free(u->objs[i]);
	free(u->objs);
	for (i = 0; i < u->nr_procs; i++)
		proc_release(&u->procs[i]);
	free(u->procs);
	free(u);
}

/* The PT_LOAD segments, read with libelf over our own fd (elf.h keeps its Elf private). */
static int read_loads(const char *path, struct uobj *o)
{
	GElf_Phdr ph;
	size_t n, i;
	Elf *e = NULL;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (elf_version(EV_CURRENT) == EV_NONE) {
		err = -EINVAL;
		goto out;
	}
	e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!e || elf_getphdrnum(e, &n)) {
		err = -EINVAL;
		goto out;
	}
	for (i = 0; i < n && o->nr_loads < MAX_LOADS; i++) {
		if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		o->loads[o->nr_loads].vaddr = ph.p_vaddr;
		o->loads[o->nr_loads].offset = ph.p_offset;
		o->loads[o->nr_loads].filesz = ph.p_filesz;
		o->nr_loads++;
	}
out:
	elf_end(e);
	close(fd);
	return err;
}

/*
 * Stripped libraries (Debian's libc) keep only .dynsym; their local
 * functions (__libc_start_call_main) are in the separate debug file that
 * a -dbg package installs under /usr/lib/debug/.build-id/xx/yyyy.debug.
 * Its symbols are merged in when it is there.
 */
static void add_debug_symbols(struct uobj *o)
{
	static const char hexd[] = "0123456789abcdef";
	struct elf_symtab dt = { 0 };
	struct elf_sym *v;
	uint8_t id[64];
	char path[sizeof("/usr/lib/debug/.build-id/") + 2 * sizeof(id) + 8];
	struct stat st;
	int len, i;
	size_t n;

	len = elf_build_id(o->ef, id, sizeof(id));
	if (len < 2)
		return;
	n = (size_t)snprintf(path, sizeof(path), "/usr/lib/debug/.build-id/%c%c/", hexd[id[0] >> 4],
			     hexd[id[0] & 15]);
	for (i = 1; i < len; i++) {
		path[n++] = hexd[id[i] >> 4];
		path[n++] = hexd[id[i] & 15];
	}
	memcpy(path + n, ".debug", sizeof(".debug"));
	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return;
	if (elf_file_open(path, &o->dbg))
		return;
	if (elf_file_functions(o->dbg, &dt) || !dt.nr)
		goto drop;
	v = realloc(o->tab.syms, (o->tab.nr + dt.nr) * sizeof(*v));
	if (!v)
		goto drop;
	memcpy(v + o->tab.nr, dt.syms, dt.nr * sizeof(*v));
	o->tab.syms = v;
	o->tab.nr += dt.nr;
	o->tab.sorted = false;
	elf_symtab_release(&dt);
	return;
drop:
	elf_symtab_release(&dt);
	elf_file_close(o->dbg);
	o->dbg = NULL;
}

/*
 * Opens the object behind a mapping.  Through /proc/PID/root so that a
 * process in another mount namespace gets its own file, and through
 * /proc/PID/map_files when the path no longer names the mapped inode
 * (deleted or replaced).
 */
static void obj_load(struct uobj *o, pid_t pid, const struct procmap *m)
{
	char buf[PATH_MAX + 64];
	const char *tries[3];
	struct stat st;
	size_t i, nt = 0;
	char *root = NULL, *mapf = NULL;
	int err;

	if (pid > 0 && asprintf(&root, "/proc/%d/root%s", (int)pid, m->path) > 0)
		tries[nt++] = root;
	tries[nt++] = m->path;
	if (pid > 0 && asprintf(&mapf, "/proc/%d/map_files/%" PRIx64 "-%" PRIx64, (int)pid,
				m->start, m->end) > 0)
		tries[nt++] = mapf;
	for (i = 0; i < nt; i++) {
		if (stat(tries[i], &st) || !S_ISREG(st.st_mode))
			continue;
		if (m->inode && st.st_ino != m->inode)
			continue;
		snprintf(buf, sizeof(buf), "%s", tries[i]);
		break;
	}
	if (i == nt) {
		pr_debug("usyms: cannot find '%s' of process %d", m->path, (int)pid);
		goto out;
	}
	err = elf_file_open(buf, &o->ef);
	if (err)
		goto out;
	err = elf_file_functions(o->ef, &o->tab);
	if (!err) {
		add_debug_symbols(o);
		err = elf_symtab_sort_by_addr(&o->tab);
	}
	if (!err)
		err = read_loads(buf, o);
	if (err) {
		pr_debug("usyms: cannot read the symbols of '%s': %s", m->path, strerror(-err));
		elf_symtab_release(&o->tab);
		elf_file_close(o->ef);
		elf_file_close(o->dbg);
		o->ef = NULL;
		o->dbg = NULL;
		o->nr_loads = 0;
	}
out:
	free(root);
	free(mapf);
}

static bool obj_matches(const struct uobj *o, const struct procmap *m)
{
	if (m->inode)
		return o->ino == m->inode && o->maj == m->dev_major && o->min == m->dev_minor;
	return !o->ino && !strcmp(o->path, m->path);
}

/* The cached object for a file mapping, opened on first sight.  NULL on ENOMEM. */
static struct uobj *obj_get(struct usyms *u, pid_t pid, const struct procmap *m)
{
	struct uobj *o, **v;
	size_t i;

	for (i = u->nr_objs; i-- > 0;)
		if (obj_matches(u->objs[i], m))
			return u->objs[i];
	if (u->nr_objs == u->alloc_objs) {
		size_t na = u->alloc_objs ? 2 * u->alloc_objs : 16;

		v = realloc(u->objs, na * sizeof(*v));
		if (!v)
			return NULL;
		u->objs = v;
		u->alloc_objs = na;
	}
	o = calloc(1, sizeof(*o));
	if (!o)
		return NULL;
	o->path = strdup(m->path);
	if (!o->path) {
		free(o);
		return NULL;
	}
	o->maj = m->dev_major;
	o->min = m->dev_minor;
	o->ino = m->inode;
	obj_load(o, pid, m);
	u->objs[u->nr_objs++] = o;
	return o;
}

struct snap_ctx {
	struct usyms *u;
	pid_t pid;
	struct uproc p;
	size_t alloc;
	int err;
};

static int snap_line(const struct procmap *m, void *ctx)
{
	struct snap_ctx *c = ctx;
	struct uregion *r;
	char *name, **names;
	size_t len;

	if (m->perms[2] != 'x' || !m->path[0])
		return 0;
	if (c->p.n == MAX_REGIONS)
		return 0;
	if (c->p.n == c->alloc) {
		size_t na = c->alloc ? 2 * c->alloc : 32;

		r = realloc(c->p.r, na * sizeof(*r));
		if (!r)
			return -ENOMEM;
		c->p.r = r;
		names = realloc(c->p.names, na * sizeof(*names));
		if (!names)
			return -ENOMEM;
		c->p.names = names;
		c->alloc = na;
	}
	/* " (deleted)" is the kernel's remark, not part of the name. */
	len = strlen(m->path);
	if (len > 10 && !strcmp(m->path + len - 10, " (deleted)"))
		len -= 10;
	name = strndup(m->path, len);
	if (!name)
		return -ENOMEM;
	c->p.names[c->p.nr_names++] = name;
	r = &c->p.r[c->p.n];
	r->start = m->start;
	r->end = m->end;
	r->pgoff = m->offset;
	r->name = name;
	r->obj = NULL;
	if (m->path[0] != '[') {
		r->obj = obj_get(c->u, c->pid, m);
		if (!r->obj)
			return -ENOMEM;
	}
	c->p.n++;
	return 0;
}

static int cmp_region(const void *a, const void *b)
{
	const struct uregion *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Index of pid in the sorted procs, or where it would go (*found false). */
static size_t proc_find(const struct usyms *u, pid_t pid, bool *found)
{
	size_t lo = 0, hi = u->nr_procs;

	if (u->last < u->nr_procs && u->procs[u->last].pid == pid) {
		*found = true;
		return u->last;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (u->procs[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < u->nr_procs && u->procs[lo].pid == pid;
	return lo;
}

bool usyms_has(const struct usyms *u, pid_t pid)
{
	bool found;

	proc_find(u, pid, &found);
	return found;
}

/* Puts a finished snapshot in place of pid's (taking its memory). */
static int proc_store(struct usyms *u, struct uproc *p)
{
	bool found;
	size_t i = proc_find(u, p->pid, &found);

	if (p->n > 1)
		qsort(p->r, p->n, sizeof(*p->r), cmp_region);
	if (found) {
		p->refreshed = u->procs[i].refreshed;
		proc_release(&u->procs[i]);
		u->procs[i] = *p;
		u->last = i;
		return 0;
	}
	if (u->nr_procs == u->alloc_procs) {
		size_t na = u->alloc_procs ? 2 * u->alloc_procs : 16;
		struct uproc *v = realloc(u->procs, na * sizeof(*v));

		if (!v)
			return -ENOMEM;
		u->procs = v;
		u->alloc_procs = na;
	}
	memmove(&u->procs[i + 1], &u->procs[i], (u->nr_procs - i) * sizeof(*u->procs));
	u->procs[i] = *p;
	u->nr_procs++;
	u->last = i;
	return 0;
}

static int snapshot(struct usyms *u, pid_t pid, const char *text, size_t len)
{
	struct snap_ctx c = { .u = u, .pid = pid, .p = { .pid = pid } };
	int err;

	if (text)
		err = procmaps_parse(text, len, snap_line, &c);
	else {
		struct strbuf sb = STRBUF_INIT;
		char path[64];

		/* Read quietly: a process that is gone is an expected case here. */
		snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
		err = strbuf_read_file(&sb, path, 64 << 20);
		if (!err)
			err = procmaps_parse(strbuf_str(&sb), sb.len, snap_line, &c);
		strbuf_release(&sb);
		/*
		 * A process that is exiting (or a zombie) shows no mappings: keep
		 * what was seen while it lived rather than forget it.
		 */
		if (!err && !c.p.n && usyms_has(u, pid))
			err = -ESRCH;
	}
	if (!err)
		err = proc_store(u, &c.p);
	if (err)
		proc_release(&c.p);
	return err;
}

int usyms_snapshot(struct usyms *u, pid_t pid, bool refresh)
{
	if (!refresh && usyms_has(u, pid))
		return 0;
	return snapshot(u, pid, NULL, 0);
}

int usyms_snapshot_text(struct usyms *u, pid_t pid, const char *text, size_t len)
{
	return snapshot(u, pid, text, len);
}

static const struct uregion *region_find(const struct uproc *p, uint64_t addr)
{
	size_t lo = 0, hi = p->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (p->r[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || addr >= p->r[lo - 1].end)
		return NULL;
	return &p->r[lo - 1];
}

/* File offset -> ELF virtual address through the segment that holds it. */
static bool offset_to_vaddr(const struct uobj *o, uint64_t off, uint64_t *vaddr)
{
	size_t i;

	for (i = 0; i < o->nr_loads; i++) {
		const struct uload *l = &o->loads[i];

		if (off >= l->offset && off - l->offset < l->filesz) {
			*vaddr = off - l->offset + l->vaddr;
			return true;
		}
	}
	return false;
}

static const char *sym_name(struct uobj *o, const struct elf_sym *s)
{
	size_t i = (size_t)(s - o->tab.syms);

	if (strncmp(s->name, "_Z", 2))
		return s->name;
	if (!o->demangled) {
		o->demangled = calloc(o->tab.nr, sizeof(*o->demangled));
		o->demangle_done = calloc(o->tab.nr, 1);
		if (!o->demangled || !o->demangle_done) {
			free(o->demangled);
			free(o->demangle_done);
			o->demangled = NULL;
			o->demangle_done = NULL;
			return s->name;
		}
	}
	if (!o->demangle_done[i]) {
		o->demangled[i] = usyms_demangle(s->name);
		o->demangle_done[i] = 1;
	}
	return o->demangled[i] ? o->demangled[i] : s->name;
}

int usyms_lookup(struct usyms *u, pid_t pid, uint64_t addr, struct usym *out)
{
	const struct uregion *r;
	const struct elf_sym *s;
	struct uproc *p;
	uint64_t vaddr;
	bool found;
	size_t i;

	memset(out, 0, sizeof(*out));
	i = proc_find(u, pid, &found);
	if (!found) {
		if (snapshot(u, pid, NULL, 0)) {
			/* Gone: remember it as empty, not one /proc read per frame. */
			struct uproc empty = { .pid = pid, .refreshed = true };

			if (proc_store(u, &empty))
				return -ENOENT;
		}
		i = proc_find(u, pid, &found);
		if (!found)
			return -ENOENT;
	}
	u->last = i;
	p = &u->procs[i];
	r = region_find(p, addr);
	if (!r && !p->refreshed) {
		/* Mapped since the snapshot (dlopen)?  Look once more while it lives. */
		p->refreshed = true;
		if (!snapshot(u, pid, NULL, 0)) {
			i = proc_find(u, pid, &found);
			p = &u->procs[i];
			r = region_find(p, addr);
		}
	}
	if (!r)
		return -ENOENT;
	out->module = r->name;
	if (!r->obj || !r->obj->ef)
		return -ENOENT;
	if (!offset_to_vaddr(r->obj, addr - r->start + r->pgoff, &vaddr))
		return -ENOENT;
	out->elf_addr = vaddr;
	s = elf_symtab_lookup(&r->obj->tab, vaddr, &out->off);
	if (!s)
		return -ENOENT;
	out->name = sym_name(r->obj, s);
	return 0;
}
