// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "mech/tracefs.h"
#include "util/log.h"
#include "util/strbuf.h"

#ifndef TRACEFS_MAGIC
#define TRACEFS_MAGIC 0x74726163
#endif

static bool is_tracefs(const char *dir)
{
	struct statfs st;
	char p[PATH_MAX];

	if (statfs(dir, &st) || st.f_type != TRACEFS_MAGIC)
		return false;
	if (snprintf(p, sizeof(p), "%s/events", dir) >= (int)sizeof(p))
		return false;
	return access(p, F_OK) == 0;
}

/* The first tracefs mount in /proc/mounts, or "". */
static void find_mount(char *out, size_t len)
{
	char line[PATH_MAX + 256], dev[64], dir[PATH_MAX], type[64];
	FILE *f = fopen("/proc/mounts", "re");

	out[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %4095s %63s", dev, dir, type) != 3)
			continue;
		if (!strcmp(type, "tracefs") && is_tracefs(dir)) {
			snprintf(out, len, "%s", dir);
			break;
		}
	}
	fclose(f);
}

const char *tracefs_dir(bool report)
{
	static char dir[PATH_MAX];
	static int state;	/* 0 unknown, 1 found, -errno not there */
	static const char *const candidates[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	const char *env;
	size_t i;

	if (state == 1)
		return dir;
	if (state < 0)
		goto fail;

	env = getenv("SCRY_TRACEFS");
	if (env && *env) {
		snprintf(dir, sizeof(dir), "%s", env);
		state = 1;
		return dir;
	}
	for (i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
		if (is_tracefs(candidates[i])) {
			snprintf(dir, sizeof(dir), "%s", candidates[i]);
			state = 1;
			return dir;
		}
	}
	find_mount(dir, sizeof(dir));
	if (dir[0]) {
		state = 1;
		return dir;
	}
	/* Not mounted: mount it where the kernel expects it, as perf does. */
	if (mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL) == 0 &&
	    is_tracefs("/sys/kernel/tracing")) {
		pr_info("mounted tracefs on '/sys/kernel/tracing'");
		snprintf(dir, sizeof(dir), "/sys/kernel/tracing");
		state = 1;
		return dir;
	}
	state = errno ? -errno : -ENOENT;
fail:
	if (report)
		pr_err("tracefs is not mounted and mounting it on '/sys/kernel/tracing' failed: %s",
		       strerror(-state));
	return NULL;
}

int tracefs_path(char *buf, size_t len, const char *rel)
{
	const char *dir = tracefs_dir(false);
	int n;

	if (!dir)
		return -ENOENT;
	n = snprintf(buf, len, "%s/%s", dir, rel);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

int tracefs_write(const char *path, const char *s, bool append)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | (append ? O_APPEND : O_TRUNC));
	size_t len = strlen(s);
	ssize_t n;
	int err = 0;

	if (fd < 0)
		return -errno;
	n = write(fd, s, len);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
	close(fd);
	return err;
}

void tp_format_release(struct tp_format *fmt)
{
	size_t i;

	if (!fmt)
		return;
	for (i = 0; i < fmt->nr_fields; i++) {
		free(fmt->fields[i].name);
		free(fmt->fields[i].type);
	}
	free(fmt->fields);
	free(fmt->name);
	memset(fmt, 0, sizeof(*fmt));
}

const struct tp_field *tp_format_field(const struct tp_format *fmt, const char *name)
{
	size_t i;

	for (i = 0; i < fmt->nr_fields; i++)
		if (!strcmp(fmt->fields[i].name, name))
			return &fmt->fields[i];
	return NULL;
}

/* The value of "key:" inside [p, end) up to ';', as an unsigned number. */
static int parse_attr(const char *p, const char *end, const char *key, uint32_t *out)
{
	size_t klen = strlen(key);
	unsigned long v = 0;
	const char *q;

	for (q = p; q + klen <= end; q++)
		if (!memcmp(q, key, klen))
			break;
	if (q + klen > end)
		return -EINVAL;
	q += klen;
	while (q < end && *q == ' ')
		q++;
	if (q >= end || *q < '0' || *q > '9')
		return -EINVAL;
	for (; q < end && *q >= '0' && *q <= '9'; q++) {
		v = v * 10 + (unsigned long)(*q - '0');
		if (v > UINT32_MAX)
			return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

static bool is_ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/*
 * decl is "TYPE NAME", "TYPE NAME[N]", "__data_loc TYPE[] NAME" (no ';').
 * Fills name, type, flags and array_len of f.
 */
static int parse_decl(const char *decl, size_t len, struct tp_field *f)
{
	const char *end = decl + len, *name_end, *name_start, *br = NULL;
	struct strbuf type = STRBUF_INIT;
	uint32_t n = 0;
	int err = -EINVAL;

	while (end > decl && end[-1] == ' ')
		end--;
	/* Trailing "[N]" belongs to the name's declarator. */
	if (end > decl && end[-1] == ']') {
		for (br = end - 1; br > decl && *br != '['; br--)
			;
		if (*br != '[')
			return -EINVAL;
		name_end = br;
	} else {
		name_end = end;
	}
	name_start = name_end;
	while (name_start > decl && is_ident_char(name_start[-1]))
		name_start--;
	if (name_start == name_end || name_start == decl)
		return -EINVAL;

	/* The type is everything before the name, trimmed. */
	{
		const char *ts = decl, *te = name_start;

		while (ts < te && *ts == ' ')
			ts++;
		while (te > ts && te[-1] == ' ')
			te--;
		if (te - ts > 10 && !memcmp(ts, "__data_loc", 10)) {
			f->flags |= TP_FIELD_DATA_LOC;
			ts += 10;
			while (ts < te && *ts == ' ')
				ts++;
		}
		/* "__data_loc char[] name": the type is "char" */
		if ((f->flags & TP_FIELD_DATA_LOC) && te - ts > 2 && !memcmp(te - 2, "[]", 2))
			te -= 2;
		while (te > ts && te[-1] == ' ')
			te--;
		if (ts == te)
			return -EINVAL;
		if (strbuf_add(&type, ts, (size_t)(te - ts)))
			goto nomem;
		if (te[-1] == '*')
			f->flags |= TP_FIELD_POINTER;
	}
	if (br) {
		const char *q;

		for (q = br + 1; q < end - 1; q++) {
			if (*q < '0' || *q > '9')
				goto out;	/* "[FOO]" symbolic sizes are not expected */
			n = n * 10 + (uint32_t)(*q - '0');
			if (n > 1 << 20)
				goto out;
		}
		f->flags |= TP_FIELD_ARRAY;
		f->array_len = n;
	}
	f->name = strndup(name_start, (size_t)(name_end - name_start));
	if (!f->name)
		goto nomem;
	f->type = strbuf_detach(&type);
	if (!f->type)
		goto nomem;
	if (!strncmp(f->name, "common_", 7))
		f->flags |= TP_FIELD_COMMON;
	return 0;
nomem:
	err = -ENOMEM;
out:
	strbuf_release(&type);
	free(f->name);
	f->name = NULL;
	return err;
}

static int add_field(struct tp_format *fmt, const char *line, const char *end)
{
	const char *decl = line + 6, *semi;	/* after "field:" */
	struct tp_field f = { 0 }, *nf;
	uint32_t is_signed = 0;
	int err;

	semi = memchr(decl, ';', (size_t)(end - decl));
	if (!semi)
		return -EINVAL;
	err = parse_attr(semi, end, "offset:", &f.offset);
	err = err ?: parse_attr(semi, end, "size:", &f.size);
	if (err)
		return err;
	/* "signed:" is missing in very old kernels; treat as unsigned. */
	if (!parse_attr(semi, end, "signed:", &is_signed) && is_signed)
		f.flags |= TP_FIELD_SIGNED;
	if ((uint64_t)f.offset + f.size > 1 << 16)
		return -EINVAL;
	err = parse_decl(decl, (size_t)(semi - decl), &f);
	if (err)
		return err;
	if (fmt->nr_fields >= 1024)
		goto toobig;
	nf = realloc(fmt->fields, (fmt->nr_fields + 1) * sizeof(*nf));
	if (!nf) {
		err = -ENOMEM;
		goto fail;
	}
	fmt->fields = nf;
	fmt->fields[fmt->nr_fields++] = f;
	return 0;
toobig:
	err = -EINVAL;
fail:
	free(f.name);
	free(f.type);
	return err;
}

int tp_format_parse(const char *text, size_t len, struct tp_format *fmt)
{
	const char *p = text, *end = text + len, *eol;
	bool have_id = false;
	int err = 0;

	memset(fmt, 0, sizeof(*fmt));
	for (; p < end; p = eol + 1) {
		const char *l;

		eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		for (l = p; l < eol && (*l == ' ' || *l == '\t'); l++)
			;
		if (eol - l >= 5 && !memcmp(l, "name:", 5) && !fmt->name) {
			l += 5;
			while (l < eol && *l == ' ')
				l++;
			fmt->name = strndup(l, (size_t)(eol - l));
			if (!fmt->name) {
				err = -ENOMEM;
				break;
			}
		} else if (eol - l >= 3 && !memcmp(l, "ID:", 3)) {
			err = parse_attr(l, eol, "ID:", &fmt->id);
			have_id = !err;
		} else if (eol - l >= 6 && !memcmp(l, "field:", 6)) {
			err = add_field(fmt, l, eol);
		} else if (eol - l >= 10 && !memcmp(l, "print fmt:", 10)) {
			break;
		}
		if (err)
			break;
		if (eol == end)
			break;
	}
	if (!err && (!fmt->name || !have_id || !fmt->nr_fields))
		err = -EINVAL;
	if (err)
		tp_format_release(fmt);
	return err;
}

int tp_format_read(const char *category, const char *event, struct tp_format *fmt)
{
	struct strbuf sb = STRBUF_INIT;
	char rel[512], path[PATH_MAX];
	int err;

	if (snprintf(rel, sizeof(rel), "events/%s/%s/format", category, event) >= (int)sizeof(rel))
		return -ENAMETOOLONG;
	if (strchr(category, '/') || strchr(event, '/') || !strcmp(category, "..") ||
	    !strcmp(event, ".."))
		return -EINVAL;
	err = tracefs_path(path, sizeof(path), rel);
	err = err ?: strbuf_read_file(&sb, path, 1 << 20);
	err = err ?: tp_format_parse(sb.buf, sb.len, fmt);
	strbuf_release(&sb);
	return err;
}

int tracefs_for_each_event(const char *cat_glob, tracefs_event_fn fn, void *ctx)
{
	struct strbuf sb = STRBUF_INIT;
	char path[PATH_MAX], *line, *next, *colon;
	int err;

	/*
	 * available_events lists what can be enabled: the events directory
	 * also holds ftrace's internal events, which cannot be attached.
	 */
	err = tracefs_path(path, sizeof(path), "available_events");
	err = err ?: strbuf_read_file(&sb, path, 64 << 20);
	if (err)
		goto out;
	for (line = sb.buf; line && *line && !err; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		colon = strchr(line, ':');
		if (!colon || colon == line || !colon[1])
			continue;
		*colon = '\0';
		if (cat_glob && fnmatch(cat_glob, line, 0))
			continue;
		err = fn(line, colon + 1, ctx);
	}
out:
	strbuf_release(&sb);
	return err;
}
