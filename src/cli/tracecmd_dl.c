// SPDX-License-Identifier: GPL-2.0
/*
 * libtracecmd, opened when first used.  Only `scry report` reads trace.dat
 * files, yet a libtracecmd linked in the ordinary way is loaded (with
 * libzstd and the shared libtraceevent and libtracefs it needs) at every
 * start of every command: a third of a millisecond of the dynamic loader's
 * work before main().  These are the few entry points scry calls, with the
 * library's own signatures; each finds the real one with dlsym() on its
 * first call.
 *
 * scry links libtraceevent and libtracefs in and exports their symbols
 * (Makefile), so the libtracecmd opened here binds to scry's copies and
 * the tep_handle it makes is the one report.c reads with tep_*().
 */
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>

#include <trace-cmd.h>

#define LIBTRACECMD "libtracecmd.so.1"

/* The library's symbol NAME, or NULL (errno ENOSYS) when it is missing. */
static void *sym(const char *name)
{
	static void *h;
	void *p;

	if (!h)
		h = dlopen(LIBTRACECMD, RTLD_LAZY | RTLD_LOCAL);
	p = h ? dlsym(h, name) : NULL;
	if (!p)
		errno = ENOSYS;
	return p;
}

#define REAL(name) ((__typeof__(&name))sym(#name))

struct tracecmd_input *tracecmd_open(const char *file, int flags)
{
	__typeof__(&tracecmd_open) f = REAL(tracecmd_open);

	return f ? f(file, flags) : NULL;
}

void tracecmd_close(struct tracecmd_input *handle)
{
	__typeof__(&tracecmd_close) f;

	if (!handle)
		return;
	f = REAL(tracecmd_close);
	if (f)
		f(handle);
}

struct tep_handle *tracecmd_get_tep(struct tracecmd_input *handle)
{
	__typeof__(&tracecmd_get_tep) f = REAL(tracecmd_get_tep);

	return f ? f(handle) : NULL;
}

int tracecmd_iterate_events(struct tracecmd_input *handle, cpu_set_t *cpus, int cpu_size,
			    int (*callback)(struct tracecmd_input *handle, struct tep_record *, int,
					    void *),
			    void *callback_data)
{
	__typeof__(&tracecmd_iterate_events) f = REAL(tracecmd_iterate_events);

	return f ? f(handle, cpus, cpu_size, callback, callback_data) : -1;
}

void tracecmd_set_loglevel(enum tep_loglevel level)
{
	__typeof__(&tracecmd_set_loglevel) f = REAL(tracecmd_set_loglevel);

	if (f)
		f(level);
}
