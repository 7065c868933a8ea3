/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libscry-usdt: USDT probes declared at run time, for programs that have no
 * ELF file of their own (Python, Node.js, ...).
 *
 *	struct scry_usdt_provider *p;
 *	struct scry_usdt_probe *req;
 *	enum scry_usdt_type t[] = { SCRY_USDT_INT64, SCRY_USDT_STRING };
 *
 *	scry_usdt_provider_new("app", &p);
 *	scry_usdt_probe_add(p, "request", t, 2, &req);
 *	scry_usdt_load(p);
 *	if (scry_usdt_enabled(req))
 *		scry_usdt_fire(req, (int64_t)5, "GET /");
 *	scry_usdt_provider_free(p);		(unloads)
 *
 * scry_usdt_load() builds a small x86-64 shared object in memory holding one
 * probe site (a nop, as <sys/sdt.h> emits) and one semaphore (in section
 * .probes) per probe, described by .note.stapsdt notes; writes it to a memfd
 * and dlopen()s it.  No file is ever created on disk, so nothing is left
 * behind however the process ends.  The memfd stays open while the provider
 * is loaded: tracers find the object as /proc/PID/fd/N (what
 * scry_usdt_path() returns, and what scry and bpftrace list), e.g.
 *
 *	scry -p PID -e 'usdt:*:app:request { @[str(arg1)] = sum(arg0); }'
 *
 * Probes added after scry_usdt_load() need scry_usdt_unload() and a new
 * scry_usdt_load() (a new object); a tracer started before sees the new
 * object only when it is started again.
 *
 * Errors: every function returns 0 or a negative errno and prints nothing;
 * scry_usdt_error() says what went wrong in one line.
 *
 * Threads: scry_usdt_fire*(), scry_usdt_enabled() and the semaphore may be
 * used from any thread at once.  The calls that change a provider (add,
 * load, unload, free) must not run at the same time as any other call on
 * that provider or its probes.  Different providers are independent.  After
 * fork() the child has its own copy of the loaded object and memfd.
 */
#ifndef SCRY_USDT_H
#define SCRY_USDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SCRY_USDT_MAX_ARGS 12	/* as <sys/sdt.h> */
#define SCRY_USDT_NAME_MAX 64	/* provider and probe names: [A-Za-z_][A-Za-z0-9_]* */

/* Argument types; the note says "-4@" for INT32, "8@" for STRING (a pointer)... */
enum scry_usdt_type {
	SCRY_USDT_INT8 = 1,
	SCRY_USDT_UINT8,
	SCRY_USDT_INT16,
	SCRY_USDT_UINT16,
	SCRY_USDT_INT32,
	SCRY_USDT_UINT32,
	SCRY_USDT_INT64,
	SCRY_USDT_UINT64,
	SCRY_USDT_STRING,	/* const char *, NUL-terminated */
};

struct scry_usdt_provider;
struct scry_usdt_probe;

#define SCRY_USDT_API __attribute__((visibility("default")))

/*
 * A new, empty provider.  *out is freed by scry_usdt_provider_free().
 * -EINVAL for a bad name, -ENOMEM.
 */
SCRY_USDT_API int scry_usdt_provider_new(const char *name, struct scry_usdt_provider **out);

/* Unloads if loaded, then frees the provider and its probes.  Accepts NULL. */
SCRY_USDT_API void scry_usdt_provider_free(struct scry_usdt_provider *p);

/*
 * Add probe name with nr argument types (0..12).  *out (may be NULL)
 * belongs to p.  -EINVAL (bad name or type), -E2BIG (too many arguments),
 * -EEXIST (the name is taken), -EBUSY (p is loaded), -ENOMEM.
 */
SCRY_USDT_API int scry_usdt_probe_add(struct scry_usdt_provider *p, const char *name,
			const enum scry_usdt_type *types, size_t nr, struct scry_usdt_probe **out);

/*
 * Build the object, write it to a memfd (or, where memfd cannot be
 * executed, an unnamed O_TMPFILE file) and dlopen it.  -EBUSY when loaded
 * already, -ENOEXEC when the dynamic loader refuses it (see
 * scry_usdt_error()), -errno of the failing call otherwise.
 */
SCRY_USDT_API int scry_usdt_load(struct scry_usdt_provider *p);

/*
 * dlclose the object and close its file; the probes read as disabled and
 * firing them does nothing until the next load.  0 when not loaded.
 */
SCRY_USDT_API int scry_usdt_unload(struct scry_usdt_provider *p);

/* true between a successful load and the unload. */
SCRY_USDT_API bool scry_usdt_loaded(const struct scry_usdt_provider *p);

/*
 * Where a tracer finds the loaded object: "/proc/PID/fd/N".  NULL when not
 * loaded.  The string belongs to p and changes with the next call.
 */
SCRY_USDT_API const char *scry_usdt_path(struct scry_usdt_provider *p);

/* The last error of a call on p (or of a probe of p), "" if none.  Belongs to p. */
SCRY_USDT_API const char *scry_usdt_error(const struct scry_usdt_provider *p);

/* The provider's and a probe's name, the probe's argument count and types. */
SCRY_USDT_API const char *scry_usdt_provider_name(const struct scry_usdt_provider *p);
SCRY_USDT_API const char *scry_usdt_probe_name(const struct scry_usdt_probe *pr);
SCRY_USDT_API size_t scry_usdt_probe_nargs(const struct scry_usdt_probe *pr);
SCRY_USDT_API enum scry_usdt_type scry_usdt_probe_type(const struct scry_usdt_probe *pr, size_t i);

/*
 * The probe's semaphore: non-zero while a tracer is attached (the kernel
 * counts attachments in it).  Before load and after unload it points at a
 * zero.  Reading it is the whole cost of a disabled probe:
 *
 *	const volatile uint16_t *sem = scry_usdt_semaphore(req);
 *	if (SCRY_USDT_ENABLED(sem)) scry_usdt_fire(req, ...);
 *
 * The pointer changes with load/unload: take it after scry_usdt_load().
 */
SCRY_USDT_API const volatile uint16_t *scry_usdt_semaphore(const struct scry_usdt_probe *pr);
#define SCRY_USDT_ENABLED(sem) __builtin_expect(*(sem) != 0, 0)

/* The same as a call: is a tracer attached to pr now? */
SCRY_USDT_API bool scry_usdt_enabled(const struct scry_usdt_probe *pr);

/*
 * Fire pr: the tracer sees the arguments as the note describes them.  The
 * variadic arguments follow the types: int for INT8..UINT32 (C's promotion),
 * int64_t/uint64_t for INT64/UINT64, const char * for STRING.  Returns 0, or
 * -ENOENT when p is not loaded.  Firing a disabled probe is allowed (cheap:
 * a call of a nop); guard with SCRY_USDT_ENABLED to skip computing the
 * arguments.
 */
SCRY_USDT_API int scry_usdt_fire(const struct scry_usdt_probe *pr, ...);

/* The same with the arguments in an array of nargs values (strings as pointers). */
SCRY_USDT_API int scry_usdt_fire_args(const struct scry_usdt_probe *pr, const uint64_t *args);

/*
 * The probe site itself, for bindings that call it directly (ctypes): a
 * function of the probe's arguments in the C calling convention, returning
 * nothing.  NULL when not loaded.
 */
SCRY_USDT_API void *scry_usdt_site(const struct scry_usdt_probe *pr);

#ifdef __cplusplus
}
#endif

#endif
