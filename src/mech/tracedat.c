// SPDX-License-Identifier: GPL-2.0
/*
 * trace.dat version 6: the writer, the bounded header walker that reads the
 * lost counts back, and the ring-buffer page builder.  See tracedat.h.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include "mech/tracedat.h"
#include "mech/tracefs.h"
#include "util/log.h"
#include "util/strbuf.h"

#define MAGIC "\027\010\104tracing"
#define MAGIC_LEN 10
#define OPT_CPUSTAT 2
#define OPT_UNAME 5
#define OPT_CPUCOUNT 8
#define MAX_SECTION (256u << 20)	/* kallsyms of a big kernel is ~20 MB */

/* Ring-buffer event header types (events/header_event). */
#define RB_TYPE_DATA_MAX 28
#define RB_TYPE_TIME_EXTEND 30
#define RB_DELTA_BITS 27
#define RB_PAGE_HDR 16

static int put(struct strbuf *sb, const void *p, size_t n)
{
	return strbuf_add(sb, p, n);
}

static int put_u16(struct strbuf *sb, uint16_t v)
{
	return put(sb, &v, sizeof(v));
}

static int put_u32(struct strbuf *sb, uint32_t v)
{
	return put(sb, &v, sizeof(v));
}

static int put_u64(struct strbuf *sb, uint64_t v)
{
	return put(sb, &v, sizeof(v));
}

/* Appends the tracefs file rel (or an absolute path), prefixed by its size in size_len bytes. */
static int put_file(struct strbuf *sb, const char *rel, int size_len, bool optional)
{
	struct strbuf f = STRBUF_INIT;
	char path[4096];
	int err;

	if (rel[0] == '/')
		snprintf(path, sizeof(path), "%s", rel);
	else if ((err = tracefs_path(path, sizeof(path), rel)))
		return err;
	err = strbuf_read_file(&f, path, MAX_SECTION);
	if (err && optional) {
		strbuf_reset(&f);
		err = 0;
	}
	if (err) {
		pr_err("cannot read '%s': %s", path, strerror(-err));
		goto out;
	}
	err = size_len == 8 ? put_u64(sb, f.len) : put_u32(sb, (uint32_t)f.len);
	err = err ? : put(sb, f.buf ? f.buf : "", f.len);
out:
	strbuf_release(&f);
	return err;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every events/ftrace/NAME/format, by name. */
static int put_ftrace_formats(struct strbuf *sb)
{
	char dir[4096], rel[4096];
	char **names = NULL;
	size_t nr = 0, i;
	struct dirent *de;
	DIR *d;
	int err;

	if ((err = tracefs_path(dir, sizeof(dir), "events/ftrace")))
		return err;
	d = opendir(dir);
	if (!d) {
		/* no ftrace system: store none */
		return put_u32(sb, 0);
	}
	while ((de = readdir(d))) {
		char **n;

		if (de->d_name[0] == '.' || de->d_type != DT_DIR)
			continue;
		n = realloc(names, (nr + 1) * sizeof(*names));
		if (!n || !(n[nr] = strdup(de->d_name))) {
			names = n ? n : names;
			err = -ENOMEM;
			break;
		}
		names = n;
		nr++;
	}
	closedir(d);
	if (err)
		goto out;
	qsort(names, nr, sizeof(*names), cmp_str);
	err = put_u32(sb, (uint32_t)nr);
	for (i = 0; i < nr && !err; i++) {
		snprintf(rel, sizeof(rel), "events/ftrace/%s/format", names[i]);
		err = put_file(sb, rel, 8, false);
	}
out:
	for (i = 0; i < nr; i++)
		free(names[i]);
	free(names);
	return err;
}

/* The events grouped by system, in the order of their first appearance. */
static int put_systems(struct strbuf *sb, const struct tracedat_info *in)
{
	bool *done = calloc(in->nr_events + 1, 1);
	uint32_t nr_sys = 0;
	size_t i, j;
	int err = 0;

	if (!done)
		return -ENOMEM;
	for (i = 0; i < in->nr_events; i++) {
		for (j = 0; j < i; j++)
			if (!strcmp(in->events[i].system, in->events[j].system))
				break;
		if (j == i)
			nr_sys++;
	}
	err = put_u32(sb, nr_sys);
	for (i = 0; i < in->nr_events && !err; i++) {
		uint32_t n = 0;

		if (done[i])
			continue;
		for (j = i; j < in->nr_events; j++)
			if (!strcmp(in->events[i].system, in->events[j].system))
				n++;
		err = put(sb, in->events[i].system, strlen(in->events[i].system) + 1);
		err = err ? : put_u32(sb, n);
		for (j = i; j < in->nr_events && !err; j++) {
			if (strcmp(in->events[i].system, in->events[j].system))
				continue;
			done[j] = true;
			err = put_u64(sb, in->events[j].len);
			err = err ? : put(sb, in->events[j].format, in->events[j].len);
		}
	}
	free(done);
	return err;
}

static int put_option(struct strbuf *sb, uint16_t id, const void *data, uint32_t len)
{
	int err = put_u16(sb, id);

	err = err ? : put_u32(sb, len);
	return err ? : put(sb, data, len);
}

static int put_cpustats(struct strbuf *sb, const struct tracedat_info *in)
{
	struct strbuf s = STRBUF_INIT;
	int cpu, err = 0;

	for (cpu = 0; cpu < in->nr_cpus && !err; cpu++) {
		const struct tracedat_cpu *c = &in->cpus[cpu];

		strbuf_reset(&s);
		if (c->stats)
			err = strbuf_addf(&s, "CPU: %d\n%s", cpu, c->stats);
		else
			err = strbuf_addf(&s, "CPU: %d\nentries: %" PRIu64 "\noverrun: 0\n"
					  "commit overrun: 0\ndropped events: %" PRIu64 "\n",
					  cpu, c->entries, c->lost);
		err = err ? : put_option(sb, OPT_CPUSTAT, strbuf_str(&s), (uint32_t)s.len + 1);
	}
	strbuf_release(&s);
	return err;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Copies size bytes of in_fd from offset 0 to out_fd. */
static int copy_data(int out_fd, int in_fd, uint64_t size)
{
	off_t off = 0;

	while ((uint64_t)off < size) {
		ssize_t n = sendfile(out_fd, in_fd, &off, (size_t)(size - (uint64_t)off));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
	}
	return 0;
}

int tracedat_write(int fd, const struct tracedat_info *in)
{
	struct strbuf sb = STRBUF_INIT;
	uint32_t page = (uint32_t)sysconf(_SC_PAGESIZE);
	uint64_t off, table;
	int cpu, err;

	err = put(&sb, MAGIC, MAGIC_LEN);
	err = err ? : put(&sb, "6", 2);
	err = err ? : put(&sb, "\0\010", 2);	/* little endian, 8-byte longs */
	err = err ? : put_u32(&sb, page);
	err = err ? : put(&sb, "header_page", 12);
	err = err ? : put_file(&sb, "events/header_page", 8, false);
	err = err ? : put(&sb, "header_event", 13);
	err = err ? : put_file(&sb, "events/header_event", 8, false);
	err = err ? : put_ftrace_formats(&sb);
	err = err ? : put_systems(&sb, in);
	if (!err && in->kallsyms)
		err = put_file(&sb, "/proc/kallsyms", 4, true);
	else if (!err)
		err = put_u32(&sb, 0);
	err = err ? : put_file(&sb, "printk_formats", 4, true);
	err = err ? : put_u64(&sb, in->cmdlines_len);
	err = err ? : put(&sb, in->cmdlines ? in->cmdlines : "", in->cmdlines_len);
	err = err ? : put_u32(&sb, (uint32_t)in->nr_cpus);
	err = err ? : put(&sb, "options  ", 10);
	if (!err) {
		uint32_t n = (uint32_t)in->nr_cpus;

		err = put_option(&sb, OPT_CPUCOUNT, &n, sizeof(n));
	}
	if (!err && in->uname)
		err = put_option(&sb, OPT_UNAME, in->uname, (uint32_t)strlen(in->uname) + 1);
	err = err ? : put_cpustats(&sb, in);
	err = err ? : put_u16(&sb, 0);
	err = err ? : put(&sb, "flyrecord", 10);
	if (err)
		goto out;
	table = sb.len;
	off = (table + (uint64_t)in->nr_cpus * 16 + page - 1) / page * page;
	for (cpu = 0; cpu < in->nr_cpus && !err; cpu++) {
		err = put_u64(&sb, in->cpus[cpu].size ? off : 0);
		err = err ? : put_u64(&sb, in->cpus[cpu].size);
		off += in->cpus[cpu].size;
	}
	while (!err && sb.len % page)
		err = strbuf_addch(&sb, 0);
	if (err)
		goto out;
	err = write_all(fd, sb.buf, sb.len);
	for (cpu = 0; cpu < in->nr_cpus && !err; cpu++)
		if (in->cpus[cpu].size)
			err = copy_data(fd, in->cpus[cpu].fd, in->cpus[cpu].size);
	if (err)
		pr_err("cannot write the recording: %s", strerror(-err));
out:
	if (err == -ENOMEM)
		pr_err("out of memory writing the recording");
	strbuf_release(&sb);
	return err;
}

/* ---- reading the header back (untrusted) ---- */

struct cursor {
	const uint8_t *p;
	size_t len, off;
	const char **where;
};

static int need(struct cursor *c, size_t n, const char *what)
{
	if (n > c->len - c->off) {
		*c->where = what;
		return -EINVAL;
	}
	return 0;
}

static int get_u16(struct cursor *c, uint16_t *v, const char *what)
{
	if (need(c, 2, what))
		return -EINVAL;
	memcpy(v, c->p + c->off, 2);
	c->off += 2;
	return 0;
}

static int get_u32(struct cursor *c, uint32_t *v, const char *what)
{
	if (need(c, 4, what))
		return -EINVAL;
	memcpy(v, c->p + c->off, 4);
	c->off += 4;
	return 0;
}

static int get_u64(struct cursor *c, uint64_t *v, const char *what)
{
	if (need(c, 8, what))
		return -EINVAL;
	memcpy(v, c->p + c->off, 8);
	c->off += 8;
	return 0;
}

static int skip(struct cursor *c, uint64_t n, const char *what)
{
	if (n > c->len - c->off) {
		*c->where = what;
		return -EINVAL;
	}
	c->off += (size_t)n;
	return 0;
}

static int expect(struct cursor *c, const char *s, size_t n, const char *what)
{
	if (need(c, n, what) || memcmp(c->p + c->off, s, n)) {
		*c->where = what;
		return -EINVAL;
	}
	c->off += n;
	return 0;
}

/* A NUL-terminated string inside the buffer. */
static int skip_str(struct cursor *c, const char *what)
{
	const void *nul = memchr(c->p + c->off, 0, c->len - c->off);

	if (!nul) {
		*c->where = what;
		return -EINVAL;
	}
	c->off = (size_t)((const uint8_t *)nul - c->p) + 1;
	return 0;
}

static uint64_t stat_line(const char *s, size_t len, const char *key)
{
	size_t kl = strlen(key), i = 0;

	while (i < len) {
		const char *line = s + i, *nl = memchr(line, '\n', len - i);
		size_t ll = nl ? (size_t)(nl - line) : len - i;

		if (ll > kl && !memcmp(line, key, kl)) {
			char num[32];
			size_t n = ll - kl < sizeof(num) - 1 ? ll - kl : sizeof(num) - 1;

			memcpy(num, line + kl, n);
			num[n] = 0;
			return strtoull(num, NULL, 10);
		}
		i += ll + 1;
	}
	return 0;
}

/* A CPUSTAT option: "CPU: N\n" and the stats lines; others ("Buffer: x") are ignored. */
static void parse_cpustat(const uint8_t *d, uint32_t len, struct tracedat_stats *st)
{
	const char *s = (const char *)d;
	uint64_t lost;
	long cpu;
	char num[16];
	size_t n;

	if (len < 6 || memcmp(s, "CPU: ", 5))
		return;
	for (n = 0; n < sizeof(num) - 1 && 5 + n < len && s[5 + n] >= '0' && s[5 + n] <= '9'; n++)
		num[n] = s[5 + n];
	num[n] = 0;
	if (!n)
		return;
	cpu = strtol(num, NULL, 10);
	if (cpu > 255)
		cpu = 255;
	lost = stat_line(s, len, "overrun: ") + stat_line(s, len, "dropped events: ");
	st->lost[cpu] += lost;
	st->lost_total += lost;
	st->have_cpustat = true;
}

int tracedat_stats(const void *buf, size_t len, struct tracedat_stats *st, const char **where)
{
	struct cursor c = { .p = buf, .len = len, .where = where };
	uint32_t n, i, j, nr_cpus, nsys;
	uint64_t size, off;
	uint16_t id;
	int err;

	memset(st, 0, sizeof(*st));
	*where = NULL;
	if ((err = expect(&c, MAGIC, MAGIC_LEN, "magic")))
		return err;
	if (need(&c, 2, "version"))
		return -EINVAL;
	if (!memcmp(c.p + c.off, "7", 2))
		return 0;	/* version 7: sections; libtracecmd reads it, no stats here */
	if ((err = expect(&c, "6", 2, "version (only 6 and 7 are known)")))
		return err;
	if (need(&c, 6, "file header") || c.p[c.off] != 0) {
		*where = "file header (only little-endian files are read)";
		return -EINVAL;
	}
	c.off += 6;
	err = expect(&c, "header_page", 12, "header_page");
	err = err ? : get_u64(&c, &size, "header_page");
	err = err ? : skip(&c, size, "header_page");
	err = err ? : expect(&c, "header_event", 13, "header_event");
	err = err ? : get_u64(&c, &size, "header_event");
	err = err ? : skip(&c, size, "header_event");
	err = err ? : get_u32(&c, &n, "ftrace formats");
	for (i = 0; i < n && !err; i++) {
		err = get_u64(&c, &size, "ftrace formats");
		err = err ? : skip(&c, size, "ftrace formats");
	}
	err = err ? : get_u32(&c, &nsys, "event formats");
	for (i = 0; i < nsys && !err; i++) {
		err = skip_str(&c, "event formats");
		err = err ? : get_u32(&c, &n, "event formats");
		for (j = 0; j < n && !err; j++) {
			err = get_u64(&c, &size, "event formats");
			err = err ? : skip(&c, size, "event formats");
		}
	}
	err = err ? : get_u32(&c, &n, "kallsyms");
	err = err ? : skip(&c, n, "kallsyms");
	err = err ? : get_u32(&c, &n, "printk formats");
	err = err ? : skip(&c, n, "printk formats");
	err = err ? : get_u64(&c, &size, "cmdlines");
	err = err ? : skip(&c, size, "cmdlines");
	err = err ? : get_u32(&c, &nr_cpus, "cpu count");
	if (err)
		return err;
	st->nr_cpus = (int)(nr_cpus > 4096 ? 4096 : nr_cpus);
	if (need(&c, 10, "options"))
		return -EINVAL;
	if (!memcmp(c.p + c.off, "options  ", 10)) {
		c.off += 10;
		for (;;) {
			uint32_t olen;

			if ((err = get_u16(&c, &id, "options")))
				return err;
			if (!id)
				break;
			if ((err = get_u32(&c, &olen, "options")) || (err = need(&c, olen, "options")))
				return err;
			if (id == OPT_CPUSTAT)
				parse_cpustat(c.p + c.off, olen, st);
			c.off += olen;
		}
	}
	if (need(&c, 10, "flyrecord"))
		return -EINVAL;
	if (!memcmp(c.p + c.off, "latency  ", 10))
		return 0;
	if ((err = expect(&c, "flyrecord", 10, "flyrecord")))
		return err;
	for (i = 0; i < nr_cpus; i++) {
		if ((err = get_u64(&c, &off, "cpu data table")) ||
		    (err = get_u64(&c, &size, "cpu data table")))
			return err;
		if (off > len || size > len - off) {
			*where = "cpu data (the file is shorter than its table says)";
			return -EINVAL;
		}
	}
	return 0;
}

/* ---- ring-buffer pages ---- */

int tracedat_page_init(struct tracedat_page *p, int fd, uint32_t page_size)
{
	memset(p, 0, sizeof(*p));
	p->fd = fd;
	p->page_size = page_size;
	p->page = calloc(1, page_size);
	return p->page ? 0 : -ENOMEM;
}

int tracedat_page_flush(struct tracedat_page *p)
{
	uint64_t commit = p->used;
	int err;

	if (p->err || !p->used)
		return p->err;
	memcpy(p->page + 8, &commit, 8);
	memset(p->page + RB_PAGE_HDR + p->used, 0, p->page_size - RB_PAGE_HDR - p->used);
	err = write_all(p->fd, p->page, p->page_size);
	if (err)
		p->err = err;
	else
		p->written += p->page_size;
	p->used = 0;
	return err;
}

static void put_hdr(struct tracedat_page *p, uint32_t type_len, uint32_t delta)
{
	uint32_t h = type_len | (delta << 5);

	memcpy(p->page + RB_PAGE_HDR + p->used, &h, 4);
	p->used += 4;
}

int tracedat_page_add(struct tracedat_page *p, uint64_t ts, const void *data, uint32_t len)
{
	uint32_t alen = (len + 3) & ~3u, need_len, small;
	uint64_t delta;

	if (p->err)
		return p->err;
	small = alen && alen <= RB_TYPE_DATA_MAX * 4;
	need_len = 4 + (small ? 0 : 4) + alen;
	if (need_len + 8 > p->page_size - RB_PAGE_HDR)
		return -E2BIG;
	if (p->used) {
		delta = ts > p->last_ts ? ts - p->last_ts : 0;
		if (p->used + need_len + (delta >> RB_DELTA_BITS ? 8 : 0) > p->page_size - RB_PAGE_HDR &&
		    tracedat_page_flush(p))
			return p->err;
	}
	if (!p->used) {
		memcpy(p->page, &ts, 8);
		p->last_ts = ts;
	}
	delta = ts > p->last_ts ? ts - p->last_ts : 0;
	if (delta >> RB_DELTA_BITS) {
		uint32_t hi = (uint32_t)(delta >> RB_DELTA_BITS);

		put_hdr(p, RB_TYPE_TIME_EXTEND, (uint32_t)(delta & ((1u << RB_DELTA_BITS) - 1)));
		memcpy(p->page + RB_PAGE_HDR + p->used, &hi, 4);
		p->used += 4;
		delta = 0;
	}
	if (ts > p->last_ts)
		p->last_ts = ts;
	if (small) {
		put_hdr(p, alen / 4, (uint32_t)delta);
	} else {
		uint32_t l = alen + 4;

		put_hdr(p, 0, (uint32_t)delta);
		memcpy(p->page + RB_PAGE_HDR + p->used, &l, 4);
		p->used += 4;
	}
	memcpy(p->page + RB_PAGE_HDR + p->used, data, len);
	memset(p->page + RB_PAGE_HDR + p->used + len, 0, alen - len);
	p->used += alen;
	p->entries++;
	return 0;
}

void tracedat_page_release(struct tracedat_page *p)
{
	free(p->page);
	p->page = NULL;
}

void tracedat_event_release(struct tracedat_event *e)
{
	if (!e)
		return;
	free(e->system);
	free(e->name);
	free(e->format);
	memset(e, 0, sizeof(*e));
}
