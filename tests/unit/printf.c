// SPDX-License-Identifier: GPL-2.0
/* printf rendering against what bpftrace 0.17 printed for the same calls. */
#include <stdlib.h>

#include "out/printf.h"
#include "test.h"

#define U(x) { .kind = PV_UINT, .u = (x) }
#define I(x) { .kind = PV_INT, .i = (x) }
#define S(x) { .kind = PV_STR, .str = (x), .len = sizeof(x) }

static char *render(const char *f, const struct pvalue *args, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	struct fmt parsed;
	size_t off;
	const char *why;

	if (fmt_parse(f, &parsed, &off, &why))
		return strdup("PARSE ERROR");
	if (fmt_render(&sb, f, &parsed, args, n))
		return strdup("RENDER ERROR");
	return strbuf_detach(&sb);
}

TEST(conversions)
{
	/* printf("%d|%5d|%-5d|%05d|%x|%X|%o|%u|%s|%10s|%-10s|%c|%p|%%|%lu|%llx|%hhd|%ld\n",
	 *        -3, 42, 42, 42, 255, 255, 8, (int32)-1, "str", "r", "l", 65, 4096, 7, 255, 300, -9) */
	struct pvalue a[] = { I(-3), I(42), I(42), I(42), I(255), I(255), I(8), I(-1), S("str"), S("r"),
			      S("l"), I(65), U(4096), I(7), I(255), I(300), I(-9) };
	char *out = render("%d|%5d|%-5d|%05d|%x|%X|%o|%u|%s|%10s|%-10s|%c|%p|%%|%lu|%llx|%hhd|%ld\n", a,
			   sizeof(a) / sizeof(a[0]));

	CHECK_STR(out, "-3|   42|42   |00042|ff|FF|10|4294967295|str|         r|l         |A|0x1000|%|7|ff|44|-9\n");
	free(out);
}

TEST(c_widths)
{
	/* printf("%d %u %x %ld %hd %c|\n", 5000000000 x4, 70000, 256+66) */
	struct pvalue a[] = { I(5000000000), I(5000000000), I(5000000000), I(5000000000), I(70000),
			      I(322) };
	char *out = render("%d %u %x %ld %hd %c|\n", a, 6);

	CHECK_STR(out, "705032704 705032704 2a05f200 5000000000 4464 B|\n");
	free(out);
	{
		struct pvalue b[] = { I(-1), I(-1), I(-1) };	/* (int8)-1, sign-extended */

		out = render("%d %u %x\n", b, 3);
		CHECK_STR(out, "-1 4294967295 ffffffff\n");
		free(out);
	}
	{
		struct pvalue c[] = { S("abcdef"), S("xyz") };

		out = render("%.3s|%5.2s|\n", c, 2);
		CHECK_STR(out, "abc|   xy|\n");
		free(out);
	}
}

TEST(unterminated_string_arg)
{
	char buf[4] = { 'a', 'b', 'c', 'd' };	/* fills its buffer, no NUL */
	struct pvalue a[] = { { .kind = PV_STR, .str = buf, .len = 4 } };
	char *out = render("[%s]", a, 1);

	CHECK_STR(out, "[abcd]");
	free(out);
}

TEST(parse_errors)
{
	struct fmt f;
	size_t off = 99;
	const char *why = NULL;

	CHECK(fmt_parse("ok %d %s %%", &f, &off, &why) == 0 && f.nr_specs == 2);
	CHECK(f.specs[1].cls == FMT_ARG_STR && f.specs[1].start == 6 && f.specs[1].end == 8);
	CHECK(fmt_parse("bad %y here", &f, &off, &why) == -22 && off == 4);
	CHECK_STR(why, "unknown conversion");
	CHECK(fmt_parse("end %", &f, &off, &why) == -22 && off == 4);
	CHECK(fmt_parse("%ls", &f, &off, &why) == -22);
}

int main(void)
{
	RUN(conversions);
	RUN(c_widths);
	RUN(unterminated_string_arg);
	RUN(parse_errors);
	return test_status();
}
