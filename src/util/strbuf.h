/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A growable, always NUL-terminated string: the one string buffer of scry.
 * A zeroed struct strbuf is a valid empty buffer.  strbuf_release() frees it
 * and leaves it empty again; strbuf_detach() hands the memory to the caller.
 */
#ifndef SCRY_UTIL_STRBUF_H
#define SCRY_UTIL_STRBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf {
	char *buf;	/* NULL or NUL-terminated */
	size_t len;
	size_t alloc;
};

#define STRBUF_INIT { 0 }

/* All return 0 or -ENOMEM. */
int strbuf_grow(struct strbuf *sb, size_t extra);
int strbuf_add(struct strbuf *sb, const void *data, size_t len);
int strbuf_addstr(struct strbuf *sb, const char *s);
int strbuf_addch(struct strbuf *sb, char c);
int strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* A number in decimal, without printf (hot in scry serve's scrapes).  0 or -ENOMEM. */
int strbuf_add_u64(struct strbuf *sb, uint64_t v);
int strbuf_add_i64(struct strbuf *sb, int64_t v);
void strbuf_reset(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
/* Returns the string (never NULL: "" when empty), caller frees. */
char *strbuf_detach(struct strbuf *sb);
/* Never NULL. */
static inline const char *strbuf_str(const struct strbuf *sb)
{
	return sb->buf ? sb->buf : "";
}

/*
 * Read a whole file (at most max bytes; more is -EFBIG) into sb.
 * Returns 0 or -errno.
 */
int strbuf_read_file(struct strbuf *sb, const char *path, size_t max);

#endif
