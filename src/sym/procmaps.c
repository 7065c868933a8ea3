// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing /proc/PID/maps:
 *	start-end perms offset major:minor inode [path]
 * all numbers hex but inode; the path is the rest of the line and may hold
 * spaces.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <unistd.h>

#include "sym/procmaps.h"
#include "util/log.h"
#include "util/strbuf.h"

#define LINE_MAX_LEN (4096 + PATH_MAX)

static bool hex(const char **p, const char *end, uint64_t *v, int max_digits)
{
	int n = 0;
	uint64_t x = 0;

	for (; *p < end && n < max_digits; (*p)++, n++) {
		char c = **p;

		if (c >= '0' && c <= '9')
			x = x << 4 | (uint64_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			x = x << 4 | (uint64_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			x = x << 4 | (uint64_t)(c - 'A' + 10);
		else
			break;
	}
	*v = x;
	return n > 0 && (*p == end || !((**p >= '0' && **p <= '9') || (**p >= 'a' && **p <= 'f')));
}

static bool dec(const char **p, const char *end, uint64_t *v)
{
	int n = 0;
	uint64_t x = 0;

	for (; *p < end && **p >= '0' && **p <= '9'; (*p)++, n++) {
		if (x > (UINT64_MAX - 9) / 10)
			return false;
		x = x * 10 + (uint64_t)(**p - '0');
	}
	*v = x;
	return n > 0;
}

static bool sep(const char **p, const char *end, char c)
{
	if (*p < end && **p == c) {
		(*p)++;
		return true;
	}
	return false;
}

static void blanks(const char **p, const char *end)
{
	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
}

/* One line without its '\n'; path is copied into pathbuf. */
static int parse_line(const char *p, const char *end, struct procmap *m, char *pathbuf)
{
	uint64_t maj, min;
	size_t n;

	if (!hex(&p, end, &m->start, 16) || !sep(&p, end, '-') || !hex(&p, end, &m->end, 16) ||
	    !sep(&p, end, ' ') || end - p < 4)
		return -EINVAL;
	memcpy(m->perms, p, 4);
	m->perms[4] = '\0';
	p += 4;
	if (!sep(&p, end, ' ') || !hex(&p, end, &m->offset, 16) || !sep(&p, end, ' ') ||
	    !hex(&p, end, &maj, 8) || !sep(&p, end, ':') || !hex(&p, end, &min, 8) ||
	    !sep(&p, end, ' ') || !dec(&p, end, &m->inode))
		return -EINVAL;
	m->dev_major = (unsigned int)maj;
	m->dev_minor = (unsigned int)min;
	blanks(&p, end);
	n = (size_t)(end - p);
	if (n >= PATH_MAX || memchr(p, '\0', n))
		return -EINVAL;
	memcpy(pathbuf, p, n);
	pathbuf[n] = '\0';
	m->path = pathbuf;
	return 0;
}

int procmaps_parse(const char *text, size_t len, procmap_fn fn, void *ctx)
{
	char pathbuf[PATH_MAX];
	const char *p = text, *end = text + len, *nl;
	struct procmap m;
	int err;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if (nl - p > LINE_MAX_LEN)
			return -EINVAL;
		if (nl > p) {
			memset(&m, 0, sizeof(m));
			err = parse_line(p, nl, &m, pathbuf);
			err = err ?: fn(&m, ctx);
			if (err)
				return err;
		}
		p = nl + 1;
	}
	return 0;
}

/*
 * Mappings of files that have no name any more: a memfd ("/memfd:NAME
 * (deleted)", e.g. libscry-usdt's objects) or a deleted file the process
 * keeps open.  Neither path opens anything, and every process's memfds look
 * alike, so such a mapping is given the path of the process's own fd of
 * that inode, /proc/PID/fd/N (bcc names memfds the same way), or for a memfd
 * with no fd left, /proc/PID/map_files/START-END.  A deleted file nobody
 * holds open (an upgraded library), and anything not ELF (a JIT's code
 * memfd), keeps its "(deleted)" name.
 */
struct unnamed_fd {
	uint64_t dev, ino;
	int fd;
};

struct rename_walk {
	pid_t pid;
	procmap_fn fn;
	void *ctx;
	bool scanned;
	struct unnamed_fd *fds;
	size_t nr;
	char path[64];
};

static void scan_fds(struct rename_walk *w)
{
	struct unnamed_fd *n;
	struct dirent *de;
	char dir[64], p[64 + sizeof(de->d_name)];
	struct stat st;
	DIR *d;

	w->scanned = true;
	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)w->pid);
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (stat(p, &st) || !S_ISREG(st.st_mode))
			continue;
		n = realloc(w->fds, (w->nr + 1) * sizeof(*n));
		if (!n)
			break;
		w->fds = n;
		w->fds[w->nr].dev = st.st_dev;
		w->fds[w->nr].ino = st.st_ino;
		w->fds[w->nr++].fd = atoi(de->d_name);
	}
	closedir(d);
}

/* Only ELF objects are renamed: a JIT's code memfd stays "(deleted)" and skipped. */
static bool is_elf(const char *path)
{
	char magic[4];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	ok = pread(fd, magic, sizeof(magic), 0) == sizeof(magic) && !memcmp(magic, "\177ELF", 4);
	close(fd);
	return ok;
}

static int rename_unnamed(const struct procmap *m, void *arg)
{
	struct rename_walk *w = arg;
	size_t n = strlen(m->path), i;
	bool memfd = !strncmp(m->path, "/memfd:", 7);
	struct procmap r;

	if (n <= 10 || strcmp(m->path + n - 10, " (deleted)"))
		return w->fn(m, w->ctx);
	if (!w->scanned)
		scan_fds(w);
	r = *m;
	for (i = 0; i < w->nr; i++) {
		if (w->fds[i].ino == m->inode && major(w->fds[i].dev) == m->dev_major &&
		    minor(w->fds[i].dev) == m->dev_minor) {
			snprintf(w->path, sizeof(w->path), "/proc/%d/fd/%d", (int)w->pid, w->fds[i].fd);
			break;
		}
	}
	if (i == w->nr && memfd)
		snprintf(w->path, sizeof(w->path), "/proc/%d/map_files/%llx-%llx", (int)w->pid,
			 (unsigned long long)m->start, (unsigned long long)m->end);
	else if (i == w->nr)
		return w->fn(m, w->ctx);
	if (!is_elf(w->path))
		return w->fn(m, w->ctx);
	r.path = w->path;
	return w->fn(&r, w->ctx);
}

int procmaps_for_each(pid_t pid, procmap_fn fn, void *ctx)
{
	struct rename_walk w = { .pid = pid, .fn = fn, .ctx = ctx };
	struct strbuf sb = STRBUF_INIT;
	char path[64];
	int err;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	err = strbuf_read_file(&sb, path, 256 << 20);
	if (err) {
		if (err == -ENOENT)
			pr_err("no process %d", (int)pid);
		else
			pr_err("cannot read '%s': %s", path, strerror(-err));
		goto out;
	}
	err = procmaps_parse(strbuf_str(&sb), sb.len, rename_unnamed, &w);
	if (err == -EINVAL)
		pr_err("'%s': malformed line", path);
out:
	free(w.fds);
	strbuf_release(&sb);
	return err;
}

int procmaps_root(pid_t pid, char *buf, size_t len)
{
	char self[64], other[64], link[64];
	ssize_t n;

	if (len)
		buf[0] = '\0';
	n = readlink("/proc/self/ns/mnt", self, sizeof(self) - 1);
	if (n < 0)
		return 0;	/* no namespaces to tell apart */
	self[n] = '\0';
	snprintf(link, sizeof(link), "/proc/%d/ns/mnt", (int)pid);
	n = readlink(link, other, sizeof(other) - 1);
	if (n < 0)
		return -errno;
	other[n] = '\0';
	if (!strcmp(self, other))
		return 0;
	if ((size_t)snprintf(buf, len, "/proc/%d/root", (int)pid) >= len)
		return -ENAMETOOLONG;
	return 0;
}
