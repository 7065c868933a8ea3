// SPDX-License-Identifier: GPL-2.0
/*
 * libscry-usdt: providers, probes, load/unload, fire (contract in
 * scry_usdt.h).  The object comes from build.c; here it is put where ld.so
 * and the kernel's uprobes can reach it without a name on disk: a memfd,
 * dlopen'ed as /proc/self/fd/N.  bcc (bpftrace) and scry find a "/memfd:"
 * mapping of /proc/PID/maps through the process's fd of the same inode, so
 * the fd stays open while the object is loaded.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "build.h"
#include "scry_usdt.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U	/* Linux 6.3: says we mean to execute it (no warning) */
#endif

struct scry_usdt_probe {
	struct scry_usdt_provider *owner;
	char name[SCRY_USDT_NAME_MAX + 1];
	size_t nr_args;
	enum scry_usdt_type types[SCRY_USDT_MAX_ARGS];
	void *site;			/* NULL while not loaded */
	const volatile uint16_t *sema;	/* &unloaded_sema while not loaded */
};

struct scry_usdt_provider {
	char name[SCRY_USDT_NAME_MAX + 1];
	struct scry_usdt_probe **probes;	/* each its own allocation: pointers stay valid */
	size_t nr;
	void *handle;	/* dlopen's, NULL: not loaded */
	int fd;		/* the object's memfd / O_TMPFILE, -1 */
	char path[64];
	char err[256];
};

static const volatile uint16_t unloaded_sema;

__attribute__((format(printf, 3, 4)))
static int fail(struct scry_usdt_provider *p, int err, const char *fmt, ...)
{
	va_list ap;

	if (p) {
		va_start(ap, fmt);
		vsnprintf(p->err, sizeof(p->err), fmt, ap);
		va_end(ap);
	}
	return err;
}

int scry_usdt_provider_new(const char *name, struct scry_usdt_provider **out)
{
	struct scry_usdt_provider *p;

	*out = NULL;
	if (!usdt_build_name_ok(name))
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	strcpy(p->name, name);	/* checked: at most SCRY_USDT_NAME_MAX */
	p->fd = -1;
	*out = p;
	return 0;
}

void scry_usdt_provider_free(struct scry_usdt_provider *p)
{
	size_t i;

	if (!p)
		return;
	scry_usdt_unload(p);
	for (i = 0; i < p->nr; i++)
		free(p->probes[i]);
	free(p->probes);
	free(p);
}

int scry_usdt_probe_add(struct scry_usdt_provider *p, const char *name,
			const enum scry_usdt_type *types, size_t nr, struct scry_usdt_probe **out)
{
	struct scry_usdt_probe *pr, **v;
	size_t i;

	if (out)
		*out = NULL;
	if (!p)
		return -EINVAL;
	if (p->handle)
		return fail(p, -EBUSY, "provider '%s' is loaded: unload it to add probe '%s'",
			    p->name, name ? name : "");
	if (!usdt_build_name_ok(name))
		return fail(p, -EINVAL, "'%s' is not a probe name (letters, digits and '_', at "
			    "most %d)", name ? name : "", SCRY_USDT_NAME_MAX);
	if (nr > SCRY_USDT_MAX_ARGS)
		return fail(p, -E2BIG, "probe '%s': %zu arguments, at most %d", name, nr,
			    SCRY_USDT_MAX_ARGS);
	for (i = 0; i < nr; i++)
		if (types[i] < SCRY_USDT_INT8 || types[i] > SCRY_USDT_STRING)
			return fail(p, -EINVAL, "probe '%s': argument %zu has no type %d", name, i,
				    (int)types[i]);
	for (i = 0; i < p->nr; i++)
		if (!strcmp(p->probes[i]->name, name))
			return fail(p, -EEXIST, "provider '%s' has a probe '%s' already", p->name,
				    name);
	if (p->nr >= USDT_BUILD_MAX_PROBES)
		return fail(p, -E2BIG, "provider '%s': at most %d probes", p->name,
			    USDT_BUILD_MAX_PROBES);
	v = realloc(p->probes, (p->nr + 1) * sizeof(*v));
	if (!v)
		return fail(p, -ENOMEM, "out of memory");
	p->probes = v;
	pr = calloc(1, sizeof(*pr));
	if (!pr)
		return fail(p, -ENOMEM, "out of memory");
	pr->owner = p;
	strcpy(pr->name, name);
	pr->nr_args = nr;
	if (nr)
		memcpy(pr->types, types, nr * sizeof(*types));
	pr->sema = &unloaded_sema;
	p->probes[p->nr++] = pr;
	if (out)
		*out = pr;
	return 0;
}

static int write_all(int fd, const uint8_t *data, size_t size)
{
	ssize_t n;

	while (size) {
		n = write(fd, data, size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		data += n;
		size -= (size_t)n;
	}
	return 0;
}

/* A memfd holding img, or -errno. */
static int memfd_object(struct scry_usdt_provider *p)
{
	char name[SCRY_USDT_NAME_MAX + 16];
	int fd;

	snprintf(name, sizeof(name), "scry-usdt-%s", p->name);
	fd = memfd_create(name, MFD_CLOEXEC | MFD_EXEC);
	if (fd < 0 && errno == EINVAL)
		fd = memfd_create(name, MFD_CLOEXEC);	/* before Linux 6.3 */
	return fd < 0 ? -errno : fd;
}

/*
 * Where memfds cannot be executed (vm.memfd_noexec=2): a file with no name
 * in $TMPDIR, /tmp or /dev/shm (O_TMPFILE), so again nothing to leave behind.
 */
static int tmpfile_object(void)
{
	const char *dirs[] = { getenv("TMPDIR"), "/tmp", "/dev/shm" };
	size_t i;
	int fd, err = -ENOENT;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (!dirs[i] || !dirs[i][0])
			continue;
		fd = open(dirs[i], O_TMPFILE | O_RDWR | O_CLOEXEC, 0700);
		if (fd >= 0)
			return fd;
		err = -errno;
	}
	return err;
}

/* Write img to fd and dlopen it; on failure p->err says why, fd is left open. */
static int open_object(struct scry_usdt_provider *p, int fd, const struct usdt_image *img)
{
	char path[64];
	int err;

	err = write_all(fd, img->data, img->size);
	if (err)
		return fail(p, err, "provider '%s': cannot write its object: %s", p->name,
			    strerror(-err));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	p->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!p->handle) {
		const char *e = dlerror();

		return fail(p, -ENOEXEC, "provider '%s': the dynamic loader refused its object: %s",
			    p->name, e ? e : "unknown error");
	}
	return 0;
}

int scry_usdt_load(struct scry_usdt_provider *p)
{
	struct usdt_build_probe *bp = NULL;
	struct usdt_image img = { 0 };
	struct link_map *lm = NULL;
	size_t i;
	int fd = -1, err;

	if (!p)
		return -EINVAL;
	if (p->handle)
		return fail(p, -EBUSY, "provider '%s' is loaded already", p->name);
	bp = calloc(p->nr ? p->nr : 1, sizeof(*bp));
	if (!bp) {
		err = fail(p, -ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < p->nr; i++) {
		bp[i].name = p->probes[i]->name;
		bp[i].nr_args = p->probes[i]->nr_args;
		bp[i].types = p->probes[i]->types;
	}
	err = usdt_build(p->name, bp, p->nr, &img);
	if (err) {
		fail(p, err, "provider '%s': cannot build its object: %s", p->name, strerror(-err));
		goto out;
	}
	fd = memfd_object(p);
	err = fd < 0 ? fd : open_object(p, fd, &img);
	if (err) {
		/* A memfd that may not be executed: try an unnamed file. */
		if (fd >= 0)
			close(fd);
		fd = tmpfile_object();
		if (fd < 0) {
			if (!p->err[0])
				fail(p, fd, "provider '%s': no memfd and no O_TMPFILE: %s", p->name,
				     strerror(-fd));
			err = fd;
			goto out;
		}
		p->err[0] = '\0';
		err = open_object(p, fd, &img);
		if (err)
			goto out;
	}
	if (dlinfo(p->handle, RTLD_DI_LINKMAP, &lm) || !lm) {
		err = fail(p, -ENOEXEC, "provider '%s': dlinfo failed on its object", p->name);
		goto out;
	}
	for (i = 0; i < p->nr; i++) {
		p->probes[i]->site = (void *)(uintptr_t)(lm->l_addr + img.site[i]);
		p->probes[i]->sema = (const volatile uint16_t *)(uintptr_t)(lm->l_addr + img.sema[i]);
	}
	p->fd = fd;
	fd = -1;
	p->err[0] = '\0';
out:
	if (err && p->handle) {
		dlclose(p->handle);
		p->handle = NULL;
	}
	if (fd >= 0)
		close(fd);
	usdt_image_release(&img);
	free(bp);
	return err;
}

int scry_usdt_unload(struct scry_usdt_provider *p)
{
	size_t i;
	int err = 0;

	if (!p || !p->handle)
		return 0;
	for (i = 0; i < p->nr; i++) {
		p->probes[i]->site = NULL;
		p->probes[i]->sema = &unloaded_sema;
	}
	if (dlclose(p->handle)) {
		const char *e = dlerror();

		err = fail(p, -EIO, "provider '%s': dlclose: %s", p->name, e ? e : "failed");
	}
	p->handle = NULL;
	close(p->fd);
	p->fd = -1;
	return err;
}

bool scry_usdt_loaded(const struct scry_usdt_provider *p)
{
	return p && p->handle;
}

const char *scry_usdt_path(struct scry_usdt_provider *p)
{
	if (!p || !p->handle)
		return NULL;
	/* getpid() now, not at load: a fork()ed child has the same fd under its own pid */
	snprintf(p->path, sizeof(p->path), "/proc/%d/fd/%d", (int)getpid(), p->fd);
	return p->path;
}

const char *scry_usdt_error(const struct scry_usdt_provider *p)
{
	return p ? p->err : "";
}

const char *scry_usdt_provider_name(const struct scry_usdt_provider *p)
{
	return p->name;
}

const char *scry_usdt_probe_name(const struct scry_usdt_probe *pr)
{
	return pr->name;
}

size_t scry_usdt_probe_nargs(const struct scry_usdt_probe *pr)
{
	return pr->nr_args;
}

enum scry_usdt_type scry_usdt_probe_type(const struct scry_usdt_probe *pr, size_t i)
{
	return i < pr->nr_args ? pr->types[i] : (enum scry_usdt_type)0;
}

const volatile uint16_t *scry_usdt_semaphore(const struct scry_usdt_probe *pr)
{
	return pr ? pr->sema : &unloaded_sema;
}

bool scry_usdt_enabled(const struct scry_usdt_probe *pr)
{
	return pr && *pr->sema != 0;
}

void *scry_usdt_site(const struct scry_usdt_probe *pr)
{
	return pr ? pr->site : NULL;
}

typedef void (*site6_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
typedef void (*site12_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t,
			  uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

/*
 * Call the site with a[0..nargs-1], zeros after: no memset (a "rep stos"
 * costs more than the rest of a disabled fire), and a[i] is read only for
 * i < nargs, so the caller needs to fill no more.
 */
static inline void call_site(const struct scry_usdt_probe *pr, const uint64_t *a)
{
	size_t n = pr->nr_args;
#define A(i) (n > (i) ? a[i] : 0)
	/* The site reads nothing: the tracer reads the registers and stack slots. */
	if (n <= 6)
		((site6_fn)pr->site)(A(0), A(1), A(2), A(3), A(4), A(5));
	else
		((site12_fn)pr->site)(A(0), A(1), A(2), A(3), A(4), A(5), A(6), A(7), A(8), A(9),
				      A(10), A(11));
#undef A
}

int scry_usdt_fire_args(const struct scry_usdt_probe *pr, const uint64_t *a)
{
	if (!pr || !pr->site)
		return -ENOENT;
	call_site(pr, a);
	return 0;
}

int scry_usdt_fire(const struct scry_usdt_probe *pr, ...)
{
	uint64_t v[SCRY_USDT_MAX_ARGS];	/* [0, nr_args) filled: all call_site() reads */
	va_list ap;
	size_t i;

	if (!pr || !pr->site)
		return -ENOENT;
	va_start(ap, pr);
	for (i = 0; i < pr->nr_args; i++) {
		switch (pr->types[i]) {
		case SCRY_USDT_INT8:
		case SCRY_USDT_INT16:
		case SCRY_USDT_INT32:
			v[i] = (uint64_t)(int64_t)va_arg(ap, int);
			break;
		case SCRY_USDT_UINT8:
		case SCRY_USDT_UINT16:
		case SCRY_USDT_UINT32:
			v[i] = va_arg(ap, unsigned int);
			break;
		case SCRY_USDT_INT64:
			v[i] = (uint64_t)va_arg(ap, int64_t);
			break;
		case SCRY_USDT_UINT64:
			v[i] = va_arg(ap, uint64_t);
			break;
		case SCRY_USDT_STRING:
			v[i] = (uint64_t)(uintptr_t)va_arg(ap, const char *);
			break;
		}
	}
	va_end(ap);
	call_site(pr, v);
	return 0;
}
