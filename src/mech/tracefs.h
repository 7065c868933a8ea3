/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tracefs: where it is, what events it has, and their format files.
 *
 * The environment variable SCRY_TRACEFS names another directory to use as
 * tracefs (read only): the language tests type tracepoint arguments from a
 * fixed copy of format files so that they need neither root nor this kernel.
 */
#ifndef SCRY_MECH_TRACEFS_H
#define SCRY_MECH_TRACEFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The tracefs directory, mounting tracefs on /sys/kernel/tracing if it is not
 * mounted anywhere (as perf and libtracefs do).  NULL if there is none; the
 * reason is reported once with pr_err() when report is true.  The string is
 * static.
 */
const char *tracefs_dir(bool report);

/* path = tracefs_dir() + "/" + rel.  Returns 0, -ENOENT (no tracefs) or -ENAMETOOLONG. */
int tracefs_path(char *buf, size_t len, const char *rel);

/*
 * Writes s to path in one write(2), appending or truncating (O_TRUNC on an
 * events file removes every event in it).  Returns 0 or -errno, not reported.
 */
int tracefs_write(const char *path, const char *s, bool append);

/* Field flags of struct tp_field. */
enum {
	TP_FIELD_SIGNED = 1 << 0,
	TP_FIELD_ARRAY = 1 << 1,	/* "char comm[16]": fixed array of array_len */
	TP_FIELD_DATA_LOC = 1 << 2,	/* "__data_loc char[] name": u32 (len << 16 | offset) */
	TP_FIELD_POINTER = 1 << 3,	/* the C type ends in '*' */
	TP_FIELD_COMMON = 1 << 4,	/* common_* header fields */
};

struct tp_field {
	char *name;	/* "filename" */
	char *type;	/* "const char *"; the element type for arrays and __data_loc: "char" */
	uint32_t offset;
	uint32_t size;
	uint32_t array_len;	/* TP_FIELD_ARRAY only */
	uint32_t flags;
};

struct tp_format {
	char *name;	/* the "name:" line */
	uint32_t id;	/* the "ID:" line */
	size_t nr_fields;
	struct tp_field *fields;	/* in file order, common_* first */
};

/*
 * Parse the text of a format file.  Untrusted input: every read is bounded.
 * Returns 0 or -EINVAL (malformed; nothing is reported) or -ENOMEM.
 * On success fmt owns memory: release it with tp_format_release().
 */
int tp_format_parse(const char *text, size_t len, struct tp_format *fmt);

/* Read and parse events/CATEGORY/EVENT/format.  Returns 0 or -errno, not reported. */
int tp_format_read(const char *category, const char *event, struct tp_format *fmt);

/* Frees what fmt owns and zeroes it; accepts a zeroed or half-built fmt. */
void tp_format_release(struct tp_format *fmt);

/* The field named name, or NULL. */
const struct tp_field *tp_format_field(const struct tp_format *fmt, const char *name);

/*
 * Calls fn once for every event in available_events, in its order,
 * stopping early when fn returns non-zero (that value is returned).
 * cat_glob, when non-NULL, is an fnmatch() pattern that prunes categories.
 * Returns 0, fn's value, or -errno when tracefs has no events directory.
 */
typedef int (*tracefs_event_fn)(const char *category, const char *event, void *ctx);
int tracefs_for_each_event(const char *cat_glob, tracefs_event_fn fn, void *ctx);

#endif
