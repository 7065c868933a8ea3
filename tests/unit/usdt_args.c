// SPDX-License-Identifier: GPL-2.0
/* USDT argument specs and the stapsdt note walker. */
#include <errno.h>
#include <stdint.h>

#include "sym/usdt.h"
#include "test.h"

enum { AX = 80, BX = 40, CX = 88, DX = 96, SI = 104, DI = 112, BP = 32, SP = 152, R8 = 72,
       R15 = 0, IP = 128 };

static int parse(const char *s, struct usdt_arg *a)
{
	return usdt_arg_parse(s, strlen(s), a);
}

TEST(registers)
{
	static const struct {
		const char *spec;
		int size, is_signed, base, reg_size, reg_shift;
		const char *type;
	} t[] = {
		{ "-4@%edi", 4, 1, DI, 4, 0, "int32" },
		{ "8@%rax", 8, 0, AX, 8, 0, "uint64" },
		{ "-8@%rsp", 8, 1, SP, 8, 0, "int64" },
		{ "4@%r8d", 4, 0, R8, 4, 0, "uint32" },
		{ "2@%r8w", 2, 0, R8, 2, 0, "uint16" },
		{ "-1@%r8b", 1, 1, R8, 1, 0, "int8" },
		{ "1@%r15b", 1, 0, R15, 1, 0, "uint8" },
		{ "1@%al", 1, 0, AX, 1, 0, "uint8" },
		{ "1@%ah", 1, 0, AX, 1, 8, "uint8" },
		{ "-1@%dh", 1, 1, DX, 1, 8, "int8" },
		{ "2@%si", 2, 0, SI, 2, 0, "uint16" },
		{ "1@%sil", 1, 0, SI, 1, 0, "uint8" },
		{ "-1@%dil", 1, 1, DI, 1, 0, "int8" },
		{ "4@%ebp", 4, 0, BP, 4, 0, "uint32" },
		{ "-2@%cx", 2, 1, CX, 2, 0, "int16" },
		{ "%rbx", 8, 0, BX, 8, 0, "uint64" },	/* no size: 8, unsigned */
	};
	struct usdt_arg a;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int err = parse(t[i].spec, &a);

		if (err || a.kind != USDT_ARG_REG || a.size != t[i].size ||
		    a.is_signed != t[i].is_signed || a.base != t[i].base ||
		    a.reg_size != t[i].reg_size || a.reg_shift != t[i].reg_shift || a.index != -1)
			printf("    %s: err %d kind %d size %d signed %d base %d reg %d/%d\n",
			       t[i].spec, err, a.kind, a.size, a.is_signed, a.base, a.reg_size,
			       a.reg_shift);
		CHECK(!err && a.kind == USDT_ARG_REG && a.base == t[i].base);
		CHECK(a.size == t[i].size && a.is_signed == t[i].is_signed);
		CHECK(a.reg_size == t[i].reg_size && a.reg_shift == t[i].reg_shift);
		CHECK_STR(usdt_arg_type(&a), t[i].type);
	}
}

TEST(immediates)
{
	struct usdt_arg a;

	CHECK(!parse("$5", &a) && a.kind == USDT_ARG_IMM && a.disp == 5 && a.size == 8);
	CHECK(!parse("-4@$-17", &a) && a.kind == USDT_ARG_IMM && a.disp == -17 && a.is_signed);
	CHECK(!parse("8@$0x10", &a) && a.disp == 16);
	CHECK(!parse("8@$9223372036854775807", &a) && a.disp == INT64_MAX);
	CHECK(!parse("-8@$-9223372036854775808", &a) && a.disp == INT64_MIN);
	CHECK(parse("8@$9223372036854775808", &a) == -EINVAL);
	CHECK(parse("8@$", &a) == -EINVAL && a.kind == USDT_ARG_BAD);
}

TEST(memory)
{
	struct usdt_arg a;

	CHECK(!parse("-8@16(%rbp)", &a));
	CHECK(a.kind == USDT_ARG_MEM && a.base == BP && a.index == -1 && a.disp == 16);
	CHECK(a.size == 8 && a.is_signed);
	CHECK(!parse("4@-4(%rbp,%rax,4)", &a));
	CHECK(a.kind == USDT_ARG_MEM && a.base == BP && a.index == AX && a.scale == 4);
	CHECK(a.disp == -4 && a.size == 4 && !a.is_signed);
	CHECK(!parse("-8@(%rax,%rdi,8)", &a));
	CHECK(a.kind == USDT_ARG_MEM && a.base == AX && a.index == DI && a.scale == 8 && !a.disp);
	CHECK(!parse("8@(%rsp)", &a) && a.base == SP && a.index == -1 && a.scale == 1);
	CHECK(!parse("8@(,%rcx,2)", &a) && a.base == -1 && a.index == CX && a.scale == 2);
	CHECK(!parse("8@0x20(%r8,%rbx)", &a) && a.base == R8 && a.index == BX && a.scale == 1);
	CHECK(a.disp == 32);
}

TEST(rip_relative)
{
	struct usdt_arg a;

	CHECK(!parse("8@sym(%rip)", &a));
	CHECK(a.kind == USDT_ARG_RIP && a.base == IP && !a.disp);
	CHECK_STR(a.sym, "sym");
	CHECK(!parse("8@sym+8(%rip)", &a) && a.disp == 8);
	CHECK_STR(a.sym, "sym");
	CHECK(!parse("-4@_ZN3foo3barE-12(%rip)", &a) && a.disp == -12 && a.is_signed);
	CHECK_STR(a.sym, "_ZN3foo3barE");
	CHECK(!parse("4@counter.0(%rip)", &a));
	CHECK_STR(a.sym, "counter.0");
	CHECK(!parse("8@-0x10(%rip)", &a) && a.kind == USDT_ARG_RIP && a.disp == -16);
	CHECK_STR(a.sym, "");
}

TEST(rejects)
{
	static const char *const bad[] = {
		"", "@", "3@%rax", "16@%rax", "0@%rax", "-@%rax", "8@", "8@%", "8@%rzz",
		"8@%xmm0", "8@%st(1)", "8@%rip", "8@sym", "8@sym(%rax)", "8@8(%eax)",
		"8@8(%rax", "8@8(%rax,%rbx,3)", "8@8(%rax,%rip)", "8@(%rax))", "8@%rax ",
		"8@(,)", "8@()", "4@$5x", "8@99999999999999999999(%rax)", "-4@%edi,",
		"8@sym+(%rip)", "8@$0x",
	};
	struct usdt_arg a;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int err = parse(bad[i], &a);

		if (err != -EINVAL || a.kind != USDT_ARG_BAD)
			printf("    '%s' accepted (kind %d)\n", bad[i], a.kind);
		CHECK(err == -EINVAL && a.kind == USDT_ARG_BAD);
	}
	/* A bounded read: the length given is all there is. */
	CHECK(!usdt_arg_parse("-4@%edi garbage", 7, &a) && a.base == DI);
	CHECK(usdt_arg_parse("-4@%edi", 6, &a) == -EINVAL);
}

TEST(arg_strings)
{
	struct usdt_arg a[USDT_MAX_ARGS];
	const char *s = "-4@%edi  8@16(%rbp)\t$5";
	size_t nr;

	CHECK(!usdt_args_parse(s, a, USDT_MAX_ARGS, &nr) && nr == 3);
	CHECK(a[0].kind == USDT_ARG_REG && a[1].kind == USDT_ARG_MEM && a[2].kind == USDT_ARG_IMM);
	CHECK(a[1].spec_off == 9 && a[1].spec_len == 10);
	CHECK(!usdt_args_parse("", a, USDT_MAX_ARGS, &nr) && nr == 0);
	CHECK(usdt_args_parse("-4@%edi 8@%xmm1 8@%rax", a, USDT_MAX_ARGS, &nr) == -EINVAL);
	CHECK(nr == 3 && a[1].kind == USDT_ARG_BAD && a[2].kind == USDT_ARG_REG);
	CHECK(usdt_args_parse("1 2 3", a, 2, &nr) == -E2BIG && nr == 2);
}

/* A note as <sys/sdt.h> lays it out, 64-bit, this machine's byte order. */
static size_t make_note(unsigned char *b, uint32_t namesz, uint32_t descsz, const char *strs,
			size_t strs_len)
{
	uint32_t h[3] = { namesz, descsz, 3 };
	uint64_t addrs[3] = { 0x1130, 0x2004, 0x4010 };
	size_t off = 0;

	memcpy(b, h, 12);
	memcpy(b + 12, "stapsdt", 8);
	off = 20;
	memcpy(b + off, addrs, 24);
	memcpy(b + off + 24, strs, strs_len);
	off += 24 + strs_len;
	while (off % 4)
		b[off++] = 0;
	return off;
}

static int count_note(const struct usdt_note *n, void *ctx)
{
	int *count = ctx;

	if (n->pc == 0x1130 && n->base == 0x2004 && n->semaphore == 0x4010 &&
	    !strcmp(n->provider, "prov") && !strcmp(n->name, "name") &&
	    !strcmp(n->args, "-4@%edi"))
		(*count)++;
	return 0;
}

TEST(notes)
{
	static const char strs[] = "prov\0name\0-4@%edi";
	unsigned char b[256];
	size_t len, two;
	int count = 0;

	len = make_note(b, 8, 24 + sizeof(strs), strs, sizeof(strs));
	two = make_note(b + len, 8, 24 + sizeof(strs), strs, sizeof(strs));
	CHECK(!usdt_notes_parse(b, len + two, true, false, count_note, &count) && count == 2);
	/* descsz past the section, namesz huge, strings not terminated, too short */
	make_note(b, 8, 4096, strs, sizeof(strs));
	CHECK(usdt_notes_parse(b, len, true, false, count_note, &count) == -EINVAL);
	make_note(b, 0xffffffff, 24 + sizeof(strs), strs, sizeof(strs));
	CHECK(usdt_notes_parse(b, len, true, false, count_note, &count) == -EINVAL);
	make_note(b, 8, 24 + sizeof(strs) - 1, strs, sizeof(strs) - 1);
	CHECK(usdt_notes_parse(b, len, true, false, count_note, &count) == -EINVAL);
	make_note(b, 8, 20, strs, sizeof(strs));
	CHECK(usdt_notes_parse(b, len, true, false, count_note, &count) == -EINVAL);
	/* another owner's note is skipped */
	make_note(b, 8, 24 + sizeof(strs), strs, sizeof(strs));
	memcpy(b + 12, "stapsdx", 8);
	count = 0;
	CHECK(!usdt_notes_parse(b, len, true, false, count_note, &count) && count == 0);
	CHECK(!usdt_notes_parse(b, 0, true, false, count_note, &count));
}

int main(void)
{
	RUN(registers);
	RUN(immediates);
	RUN(memory);
	RUN(rip_relative);
	RUN(rejects);
	RUN(arg_strings);
	RUN(notes);
	return test_status();
}
