// SPDX-License-Identifier: GPL-2.0
#include <unistd.h>

#include "sym/ksyms.h"
#include "test.h"

static const char text[] =
	"ffffffff81000000 T _stext\n"
	"ffffffff816bab70 T vfs_read\n"
	"ffffffff816bac00 t helper.isra.0\n"
	"ffffffff82000000 D some_data\n"
	"ffffffffc0000000 t mod_fn\t[mymod]\n"
	"garbage line\n"
	"0000000000000000 T hidden\n";

TEST(lookup)
{
	struct ksyms *ks;
	const struct ksym *s;
	uint64_t off = 0;

	CHECK(ksyms_parse(text, sizeof(text) - 1, &ks) == 0);
	CHECK(ksyms_count(ks) == 4);
	s = ksyms_lookup(ks, 0xffffffff816bab70ULL + 0x10, &off);
	CHECK_STR(s ? s->name : NULL, "vfs_read");
	CHECK(off == 0x10);
	s = ksyms_lookup(ks, 0xffffffff816bac00ULL, &off);
	CHECK_STR(s ? s->name : NULL, "helper.isra.0");
	CHECK(off == 0);
	s = ksyms_lookup(ks, 0xffffffffc0000004ULL, &off);
	CHECK_STR(s ? s->module : NULL, "mymod");
	CHECK(ksyms_lookup(ks, 0x1000, &off) == NULL);
	CHECK(ksyms_lookup(ks, 0xffffffffc0000000ULL + (2 << 20), &off) == NULL);
	CHECK(ksyms_addr(ks, "vfs_read") == 0xffffffff816bab70ULL);
	CHECK(ksyms_addr(ks, "some_data") == 0);
	ksyms_free(ks);
	ksyms_free(NULL);
}

TEST(live_kallsyms)
{
	struct ksyms *ks;
	const struct ksym *s;
	uint64_t a;

	if (getuid() != 0)
		SKIP_TEST("needs root to see kernel addresses");
	CHECK(ksyms_load(&ks) == 0);
	if (!ks)
		return;
	CHECK(ksyms_count(ks) > 1000);
	a = ksyms_addr(ks, "do_syscall_64");
	CHECK(a != 0);
	s = ksyms_lookup(ks, a + 1, NULL);
	CHECK_STR(s ? s->name : NULL, "do_syscall_64");
	ksyms_free(ks);
}

int main(void)
{
	RUN(lookup);
	RUN(live_kallsyms);
	return test_status();
}
