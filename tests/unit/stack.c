// SPDX-License-Identifier: GPL-2.0
/*
 * Stacks as bpftrace 0.17 prints them.  The expected texts are bpftrace's
 * own output for a getppid() syscall (kstack, kstack(perf), ustack(3),
 * ustack(perf, 3), @[kstack] = count()), with the addresses replaced by
 * those of a fixed symbol table.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "out/stack.h"
#include "sym/ksyms.h"
#include "sym/usyms.h"
#include "test.h"

static const char kallsyms[] =
	"ffffffff81000000 T _stext\n"
	"ffffffff810000ba T entry_SYSCALL_64_after_hwframe\n"
	"ffffffff81415bf0 T syscall_trace_enter\n"
	"ffffffff814b09a0 T perf_syscall_enter\n"
	"ffffffff821ed4a0 T do_syscall_64\n"
	"ffffffff82200000 T _etext\n";

static const uint64_t kaddrs[] = {
	0xffffffff814b0b2dULL, 0xffffffff81415d70ULL, 0xffffffff821ed69aULL,
	0xffffffff81000130ULL, 0, 0xffffffff81000000ULL,
};

static char *fmt(const uint64_t *a, size_t n, bool user, enum stack_mode m, int indent,
		 const struct stack_syms *s)
{
	struct strbuf sb = STRBUF_INIT;

	CHECK(stack_format(&sb, a, n, user, m, indent, s) == 0);
	return strbuf_detach(&sb);
}

TEST(kernel_modes)
{
	struct stack_syms s = { 0 };
	struct ksyms *ks;
	char *out;

	CHECK(ksyms_parse(kallsyms, sizeof(kallsyms) - 1, &ks) == 0);
	s.ks = ks;
	out = fmt(kaddrs, 6, false, STACK_MODE_BPFTRACE, STACK_INDENT_PRINTF, &s);
	CHECK_STR(out, "\n"
		       "        perf_syscall_enter+397\n"
		       "        syscall_trace_enter+384\n"
		       "        do_syscall_64+506\n"
		       "        entry_SYSCALL_64_after_hwframe+118\n");
	free(out);
	out = fmt(kaddrs, 6, false, STACK_MODE_BPFTRACE, STACK_INDENT_MAP, &s);
	CHECK_STR(out, "\n"
		       "    perf_syscall_enter+397\n"
		       "    syscall_trace_enter+384\n"
		       "    do_syscall_64+506\n"
		       "    entry_SYSCALL_64_after_hwframe+118\n");
	free(out);
	out = fmt(kaddrs, 2, false, STACK_MODE_PERF, STACK_INDENT_PRINTF, &s);
	CHECK_STR(out, "\n"
		       "\tffffffff814b0b2d perf_syscall_enter+397\n"
		       "\tffffffff81415d70 syscall_trace_enter+384\n");
	free(out);
	out = fmt(kaddrs, 6, false, STACK_MODE_RAW, STACK_INDENT_PRINTF, &s);
	CHECK_STR(out, "\nffffffff814b0b2d\nffffffff81415d70\nffffffff821ed69a\nffffffff81000130\n");
	free(out);
	/* No symbol: C++'s (void *) output. */
	{
		const uint64_t a[] = { 0x1234abcdULL };

		out = fmt(a, 1, false, STACK_MODE_BPFTRACE, 8, &s);
		CHECK_STR(out, "\n        0x1234abcd\n");
		free(out);
	}
	/* Empty stack: only the leading newline. */
	out = fmt(kaddrs, 0, false, STACK_MODE_BPFTRACE, 8, &s);
	CHECK_STR(out, "\n");
	free(out);
	ksyms_free(ks);
}

__attribute__((noinline)) int stack_test_fn(int x);
__attribute__((noinline)) int stack_test_fn(int x)
{
	return x * 3 + 1;
}

TEST(user_modes)
{
	struct stack_syms s = { .pid = getpid() };
	uint64_t a[3] = { (uint64_t)(uintptr_t)stack_test_fn + 2, 0x10, 0 };
	struct usyms *us;
	char *out, exe[4096], want[8192];
	ssize_t n;

	CHECK(usyms_new(&us) == 0);
	s.us = us;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	CHECK(n > 0);
	exe[n > 0 ? n : 0] = '\0';
	out = fmt(a, 3, true, STACK_MODE_BPFTRACE, 8, &s);
	CHECK_STR(out, "\n        stack_test_fn+2\n        0x10\n");
	free(out);
	out = fmt(a, 3, true, STACK_MODE_PERF, 8, &s);
	snprintf(want, sizeof(want), "\n\t%llx stack_test_fn+2 (%s)\n\t10 0x10 ([unknown])\n",
		 (unsigned long long)a[0], exe);
	CHECK_STR(out, want);
	free(out);
	usyms_free(us);
}

TEST(mode_names)
{
	enum stack_mode m;

	CHECK(stack_mode_parse("perf", &m) == 0 && m == STACK_MODE_PERF);
	CHECK(stack_mode_parse("raw", &m) == 0 && m == STACK_MODE_RAW);
	CHECK(stack_mode_parse("bpftrace", &m) == 0 && m == STACK_MODE_BPFTRACE);
	CHECK(stack_mode_parse("dwarf", &m) == -EINVAL);
}

int main(void)
{
	RUN(kernel_modes);
	RUN(user_modes);
	RUN(mode_names);
	return test_status();
}
