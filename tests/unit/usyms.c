// SPDX-License-Identifier: GPL-2.0
/*
 * The user symbolizer on this very process (a PIE executable and libc, a
 * shared library), on a made-up maps text that loads the same executable
 * at another base (the bias must come from the mapping, not the ELF), and
 * on processes that do not exist.
 */
#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sym/usyms.h"
#include "util/strbuf.h"
#include "test.h"

__attribute__((noinline)) int usyms_test_target(int x);
__attribute__((noinline)) int usyms_test_target(int x)
{
	return x * 7 + 3;
}

TEST(own_executable)
{
	struct usyms *u;
	struct usym s;
	uint64_t addr = (uint64_t)(uintptr_t)usyms_test_target + 1;

	CHECK(usyms_new(&u) == 0);
	CHECK(usyms_lookup(u, getpid(), addr, &s) == 0);
	CHECK_STR(s.name, "usyms_test_target");
	CHECK(s.off == 1);
	CHECK(s.module && strstr(s.module, "tests/unit/usyms"));
	/* Cached: the same answer, same pointers. */
	{
		struct usym t;

		CHECK(usyms_lookup(u, getpid(), addr, &t) == 0);
		CHECK(t.name == s.name);
	}
	usyms_free(u);
}

TEST(shared_library)
{
	struct usyms *u;
	struct usym s;
	void *fn = dlsym(RTLD_DEFAULT, "getppid");

	CHECK(fn != NULL);
	CHECK(usyms_new(&u) == 0);
	CHECK(usyms_lookup(u, getpid(), (uint64_t)(uintptr_t)fn + 2, &s) == 0);
	CHECK_STR(s.name, "getppid");
	CHECK(s.off == 2);
	CHECK(s.module && strstr(s.module, "libc.so"));
	usyms_free(u);
}

/* This executable's mappings, moved to base 0x200000000 under a made-up pid. */
TEST(bias_from_mapping)
{
	struct strbuf maps = STRBUF_INIT, moved = STRBUF_INIT;
	char exe[4096], *line, *save = NULL;
	uint64_t base = 0, newbase = 0x200000000ULL;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	struct usyms *u;
	struct usym s;
	const pid_t fake = 0x7ffffff0;

	CHECK(n > 0);
	exe[n > 0 ? n : 0] = '\0';
	CHECK(strbuf_read_file(&maps, "/proc/self/maps", 1 << 20) == 0);
	for (line = strtok_r(maps.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		uint64_t start, end;
		char rest[4200];

		if (!strstr(line, exe) || sscanf(line, "%" SCNx64 "-%" SCNx64 " %4199[^\n]", &start,
						 &end, rest) != 3)
			continue;
		if (!base)
			base = start;
		strbuf_addf(&moved, "%" PRIx64 "-%" PRIx64 " %s\n", start - base + newbase,
			    end - base + newbase, rest);
	}
	CHECK(base != 0);
	CHECK(usyms_new(&u) == 0);
	CHECK(usyms_snapshot_text(u, fake, moved.buf, moved.len) == 0);
	CHECK(usyms_lookup(u, fake, (uint64_t)(uintptr_t)usyms_test_target - base + newbase + 3,
			   &s) == 0);
	CHECK_STR(s.name, "usyms_test_target");
	CHECK(s.off == 3);
	/*
	 * Only the executable mapping, which does not start at file offset 0:
	 * a symbolizer that took the first mapping's start as the load base
	 * would be off by its file offset.
	 */
	{
		const char *x = strstr(moved.buf, " r-xp ");
		const char *from = x, *to;

		while (from > moved.buf && from[-1] != '\n')
			from--;
		to = x ? strchr(x, '\n') : NULL;
		CHECK(x && to);
		if (x && to) {
			CHECK(usyms_snapshot_text(u, fake - 1, from, (size_t)(to + 1 - from)) == 0);
			CHECK(usyms_lookup(u, fake - 1, (uint64_t)(uintptr_t)usyms_test_target - base +
					   newbase + 3, &s) == 0);
			CHECK_STR(s.name, "usyms_test_target");
		}
	}
	/* An address of the made-up process outside every mapping. */
	CHECK(usyms_lookup(u, fake, 0x1000, &s) == -ENOENT);
	CHECK(s.name == NULL && s.module == NULL);
	usyms_free(u);
	strbuf_release(&maps);
	strbuf_release(&moved);
}

TEST(hostile_maps)
{
	static const char bad[] = "zzzz-1000 r-xp 0 fe:00 1 /bin/true\n";
	static const char nofile[] = "1000-2000 r-xp 00000000 fe:00 4242 /nonexistent/scry/lib.so\n"
				     "3000-4000 r-xp 00000000 00:00 0 [vdso]\n";
	struct usyms *u;
	struct usym s;

	CHECK(usyms_new(&u) == 0);
	CHECK(usyms_snapshot_text(u, 42, bad, sizeof(bad) - 1) < 0);
	CHECK(usyms_snapshot_text(u, 43, nofile, sizeof(nofile) - 1) == 0);
	CHECK(usyms_lookup(u, 43, 0x1800, &s) == -ENOENT);
	CHECK_STR(s.module, "/nonexistent/scry/lib.so");
	CHECK(usyms_lookup(u, 43, 0x3010, &s) == -ENOENT);
	CHECK_STR(s.module, "[vdso]");
	usyms_free(u);
	usyms_free(NULL);
}

TEST(gone_process)
{
	struct usyms *u;
	struct usym s;
	int i;

	CHECK(usyms_new(&u) == 0);
	/* pid_max is at most 2^22: this one cannot exist.  Asked twice: cached as empty. */
	for (i = 0; i < 2; i++) {
		CHECK(usyms_lookup(u, 0x7ffffffe, 0x401000, &s) == -ENOENT);
		CHECK(s.name == NULL && s.module == NULL);
	}
	CHECK(usyms_snapshot(u, 0x7ffffffd, false) < 0);
	usyms_free(u);
}

TEST(demangle)
{
	char *s;

	if (!usyms_can_demangle())
		SKIP_TEST("no libstdc++ __cxa_demangle");
	s = usyms_demangle("_ZN3foo3barEi");
	CHECK_STR(s, "foo::bar(int)");
	free(s);
	CHECK(usyms_demangle("main") == NULL);
	CHECK(usyms_demangle("_Z!!garbage") == NULL);
}

int main(void)
{
	RUN(own_executable);
	RUN(shared_library);
	RUN(bias_from_mapping);
	RUN(hostile_maps);
	RUN(gone_process);
	RUN(demangle);
	return test_status();
}
