// SPDX-License-Identifier: GPL-2.0
/* ELF files (on this test's own binary), the library cache, /proc/PID/maps. */
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>

#include "sym/elf.h"
#include "sym/libpath.h"
#include "sym/procmaps.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "test.h"

static char last_msg[1024];
static int nr_msgs;

static void capture(enum log_level level, const char *msg)
{
	(void)level;
	snprintf(last_msg, sizeof(last_msg), "%s", msg);
	nr_msgs++;
}

__attribute__((noinline)) int unit_elf_known_function(int x);
__attribute__((noinline)) int unit_elf_known_function(int x)
{
	return x * 7 + 1;
}

static const struct elf_sym *find(const struct elf_symtab *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->nr; i++)
		if (!strcmp(t->syms[i].name, name))
			return &t->syms[i];
	return NULL;
}

TEST(own_binary)
{
	struct elf_symtab t = { 0 };
	const struct elf_sym *s, *l;
	struct elf_file *ef = NULL;
	uint64_t off = 0, at = 0;
	uint8_t id[64];

	CHECK(!elf_file_open("/proc/self/exe", &ef));
	if (!ef)
		return;
	CHECK(elf_file_type(ef) == ET_DYN || elf_file_type(ef) == ET_EXEC);
	CHECK(elf_file_class(ef) == ELFCLASS64 && !elf_file_swapped(ef));
	CHECK(!elf_file_functions(ef, &t));
	s = find(&t, "unit_elf_known_function");
	CHECK(s && find(&t, "main") && !find(&t, "last_msg"));
	CHECK(s && s->type == STT_FUNC && s->size > 0);
	CHECK(s && !elf_vaddr_to_offset(ef, s->addr, &off) && off > 0);
	CHECK(elf_vaddr_to_offset(ef, UINT64_MAX - 1, &off) == -ENOENT);
	CHECK(elf_build_id(ef, id, sizeof(id)) == 20);
	CHECK(elf_build_id(ef, id, 4) == -ENOSPC);
	CHECK(!elf_symtab_sort_by_addr(&t));
	s = find(&t, "unit_elf_known_function");
	l = s ? elf_symtab_lookup(&t, s->addr + 1, &at) : NULL;
	CHECK(l == s && at == 1);
	CHECK(!s || !elf_symtab_lookup(&t, s->addr + s->size, &at) ||
	      elf_symtab_lookup(&t, s->addr + s->size, &at) != s);
	CHECK(elf_symtab_lookup(&t, 0, &at) == NULL);
	elf_symtab_release(&t);
	elf_symtab_release(&t);
	elf_file_close(ef);
	elf_file_close(NULL);
}

TEST(bad_files)
{
	static const char text[] = "not an elf at all";
	static const char magic_only[] = "\177ELF\002\001\001";
	struct elf_file *ef = (struct elf_file *)1;

	nr_msgs = 0;
	CHECK(elf_file_open("/nonexistent/x", &ef) == -ENOENT && !ef);
	CHECK_STR(last_msg, "'/nonexistent/x': no such file");
	CHECK(elf_file_open("/", &ef) == -EISDIR);
	CHECK_STR(last_msg, "'/': is a directory");
	CHECK(elf_file_open_mem(text, sizeof(text), "mem", &ef) == -ENOEXEC);
	CHECK_STR(last_msg, "'mem': not an ELF file");
	CHECK(elf_file_open_mem(magic_only, sizeof(magic_only), "m", &ef) == -ENOEXEC);
	CHECK_STR(last_msg, "'m': truncated or corrupted ELF header");
	CHECK(nr_msgs == 4);
}

TEST(resolve)
{
	struct strbuf sb = STRBUF_INIT;
	char *cwd = getcwd(NULL, 0);
	char want[4200];

	CHECK(!libpath_resolve("/bin/sh", &sb));
	CHECK_STR(strbuf_str(&sb), "/bin/sh");
	CHECK(!libpath_resolve("./x/y", &sb));
	snprintf(want, sizeof(want), "%s/x/y", cwd);
	CHECK_STR(strbuf_str(&sb), want);
	CHECK(!libpath_resolve("sh", &sb) && sb.buf && sb.buf[0] == '/');
	CHECK(libpath_resolve("no-such-program-or-library-xyz", &sb) == -ENOENT);
	CHECK(!libpath_find_library("c", &sb) && strstr(strbuf_str(&sb), "/libc.so"));
	CHECK(!libpath_find_library("libc", &sb) && strstr(strbuf_str(&sb), "/libc.so"));
	strbuf_release(&sb);
	free(cwd);
}

struct names_seen {
	int n;
	char path[4][256], name[4][256];
};

static int name_one(const char *path, const char *name, void *arg)
{
	struct names_seen *s = arg;

	if (s->n < 4) {
		snprintf(s->path[s->n], sizeof(s->path[0]), "%s", path);
		snprintf(s->name[s->n], sizeof(s->name[0]), "%s", name);
	}
	s->n++;
	return 0;
}

/* Each binary: the file to open and the user's spelling (libpath_for_each). */
TEST(resolve_names)
{
	char dir[] = "/tmp/scry-unit-XXXXXX", sub[300], old_cwd[4096], *path = getenv("PATH");
	char newpath[8192], f[400];
	struct names_seen s = { 0 };
	const char *names[] = { "a/prog1", "a/prog2", "b/prog1" };
	size_t i;

	CHECK(mkdtemp(dir) != NULL);
	CHECK(getcwd(old_cwd, sizeof(old_cwd)) != NULL);
	snprintf(sub, sizeof(sub), "%s/a", dir);
	CHECK(!mkdir(sub, 0755));
	snprintf(sub, sizeof(sub), "%s/b", dir);
	CHECK(!mkdir(sub, 0755));
	for (i = 0; i < 3; i++) {
		FILE *fp;

		snprintf(f, sizeof(f), "%s/%s", dir, names[i]);
		fp = fopen(f, "w");
		CHECK(fp && fclose(fp) == 0);
		CHECK(!chmod(f, 0755));
	}
	CHECK(!chdir(dir));
	CHECK(!libpath_for_each("./a/prog*", NULL, 0, name_one, &s) && s.n == 2);
	CHECK_STR(s.name[0], "./a/prog1");
	CHECK_STR(s.name[1], "./a/prog2");
	snprintf(f, sizeof(f), "%s/a/prog2", dir);
	CHECK_STR(s.path[1], f);
	s.n = 0;
	CHECK(!libpath_for_each("a/../b/prog1", NULL, 0, name_one, &s) && s.n == 1);
	CHECK_STR(s.name[0], "a/../b/prog1");
	s.n = 0;
	CHECK(!libpath_for_each("/x/y", "/proc/1/root", 0, name_one, &s) && s.n == 1);
	CHECK_STR(s.path[0], "/proc/1/root/x/y");
	CHECK_STR(s.name[0], "/x/y");
	/* A bare name in two $PATH directories: both, in $PATH's order. */
	snprintf(newpath, sizeof(newpath), "%s/b:%s/a", dir, dir);
	setenv("PATH", newpath, 1);
	s.n = 0;
	CHECK(!chdir("/"));
	CHECK(!libpath_for_each("prog1", NULL, 0, name_one, &s) && s.n == 2);
	snprintf(f, sizeof(f), "%s/b/prog1", dir);
	CHECK_STR(s.name[0], f);
	CHECK(libpath_for_each("./a/nothing*", NULL, 0, name_one, &s) == -ENOENT);
	if (path)
		setenv("PATH", path, 1);
	CHECK(!chdir(old_cwd));
	for (i = 0; i < 3; i++) {
		snprintf(f, sizeof(f), "%s/%s", dir, names[i]);
		unlink(f);
	}
	snprintf(sub, sizeof(sub), "%s/a", dir);
	rmdir(sub);
	snprintf(sub, sizeof(sub), "%s/b", dir);
	rmdir(sub);
	rmdir(dir);
}

struct cache_seen {
	int n;
	char keys[4][32], values[4][64];
	uint32_t flags[4];
};

static int cache_entry(const char *key, const char *value, uint32_t flags, void *ctx)
{
	struct cache_seen *s = ctx;

	if (s->n < 4) {
		snprintf(s->keys[s->n], 32, "%s", key);
		snprintf(s->values[s->n], 64, "%s", value);
		s->flags[s->n] = flags;
	}
	s->n++;
	return 0;
}

static void put32(unsigned char *b, uint32_t v)
{
	memcpy(b, &v, 4);
}

TEST(ldcache)
{
	static const char strs[] = "libfoo.so.1\0/lib/libfoo.so.1";
	unsigned char b[256] = { 0 };
	struct cache_seen s = { 0 };
	size_t strs_at = 48 + 24, len = strs_at + sizeof(strs);

	/* new format: one entry, offsets from the start */
	memcpy(b, "glibc-ld.so.cache1.1", 20);
	put32(b + 20, 1);
	put32(b + 24, sizeof(strs));
	put32(b + 48, 0x0303);
	put32(b + 52, (uint32_t)strs_at);
	put32(b + 56, (uint32_t)strs_at + 12);
	memcpy(b + strs_at, strs, sizeof(strs));
	CHECK(!ldcache_parse(b, len, cache_entry, &s) && s.n == 1);
	CHECK_STR(s.keys[0], "libfoo.so.1");
	CHECK_STR(s.values[0], "/lib/libfoo.so.1");
	CHECK(ldcache_flags_native(s.flags[0]));
	/* a string offset past the end, an entry count past the end, cut short */
	put32(b + 56, 4000);
	CHECK(ldcache_parse(b, len, cache_entry, &s) == -EINVAL);
	put32(b + 56, (uint32_t)strs_at + 12);
	put32(b + 20, 1000);
	CHECK(ldcache_parse(b, len, cache_entry, &s) == -EINVAL);
	put32(b + 20, 1);
	CHECK(ldcache_parse(b, len - 1, cache_entry, &s) == -EINVAL);
	CHECK(ldcache_parse(b, 10, cache_entry, &s) == -EINVAL);

	/* old format: offsets from the end of the entries */
	memset(b, 0, sizeof(b));
	memcpy(b, "ld.so-1.7.0", 11);
	put32(b + 12, 1);
	put32(b + 16, 0x0303);
	put32(b + 20, 0);
	put32(b + 24, 12);
	memcpy(b + 28, strs, sizeof(strs));
	s.n = 0;
	CHECK(!ldcache_parse(b, 28 + sizeof(strs), cache_entry, &s) && s.n == 1);
	CHECK_STR(s.values[0], "/lib/libfoo.so.1");

	/* this machine's cache, if it has one: libc is in it */
	{
		struct strbuf c = STRBUF_INIT;

		s.n = 0;
		if (!strbuf_read_file(&c, "/etc/ld.so.cache", 64 << 20))
			CHECK(!ldcache_parse(c.buf, c.len, cache_entry, &s) && s.n > 0);
		strbuf_release(&c);
	}
}

struct maps_seen {
	int n;
	struct procmap m[3];
	char paths[3][64];
};

static int map_entry(const struct procmap *m, void *ctx)
{
	struct maps_seen *s = ctx;

	if (s->n < 3) {
		s->m[s->n] = *m;
		snprintf(s->paths[s->n], 64, "%s", m->path);
	}
	s->n++;
	return 0;
}

static int count_self(const struct procmap *m, void *ctx)
{
	(void)m;
	++*(int *)ctx;
	return 0;
}

TEST(procmaps)
{
	static const char text[] =
		"55d0c0a00000-55d0c0a28000 r--p 00000000 fe:01 1835090    /usr/bin/bash\n"
		"7ffd1c9e8000-7ffd1c9ea000 r-xp 00000000 00:00 0                          [vdso]\n"
		"7f00aa000000-7f00aa001000 rw-p 00001000 08:02 42 /tmp/a b (deleted)";
	struct maps_seen s = { 0 };
	int n = 0;

	CHECK(!procmaps_parse(text, sizeof(text) - 1, map_entry, &s) && s.n == 3);
	CHECK(s.m[0].start == 0x55d0c0a00000 && s.m[0].end == 0x55d0c0a28000);
	CHECK(s.m[0].dev_major == 0xfe && s.m[0].dev_minor == 1 && s.m[0].inode == 1835090);
	CHECK_STR(s.m[0].perms, "r--p");
	CHECK_STR(s.paths[0], "/usr/bin/bash");
	CHECK_STR(s.paths[1], "[vdso]");
	CHECK(s.m[2].offset == 0x1000);
	CHECK_STR(s.paths[2], "/tmp/a b (deleted)");
	CHECK(procmaps_parse("zz-1 r-xp 0 0:0 0\n", 18, map_entry, &s) == -EINVAL);
	CHECK(procmaps_parse("1-2 r-xp 0 0:0\n", 15, map_entry, &s) == -EINVAL);
	CHECK(procmaps_parse("1-2 r-", 6, map_entry, &s) == -EINVAL);
	CHECK(!procmaps_for_each(getpid(), count_self, &n) && n > 3);
	CHECK(procmaps_for_each(999999999, count_self, &n) == -ENOENT);
}

int main(void)
{
	log_set_handler(capture);
	RUN(own_binary);
	RUN(bad_files);
	RUN(resolve);
	RUN(resolve_names);
	RUN(ldcache);
	RUN(procmaps);
	return test_status();
}
