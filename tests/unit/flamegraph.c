// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>

#include "out/flamegraph.h"
#include "test.h"

static char *folded(const struct flamegraph *fg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	flamegraph_write_folded(fg, f);
	fclose(f);
	return buf;
}

TEST(merges_and_folds)
{
	struct flamegraph fg = { 0 };
	const char *a[] = { "main", "a", "b", "c" };
	const char *b[] = { "main", "a", "x" };
	const char *m[] = { "main" };
	char *out;

	CHECK(flamegraph_add(&fg, a, 4, 90) == 0);
	CHECK(flamegraph_add(&fg, b, 3, 7) == 0);
	CHECK(flamegraph_add(&fg, a, 4, 3) == 0);
	CHECK(flamegraph_add(&fg, m, 1, 2) == 0);
	CHECK(fg.root.total == 102);
	out = folded(&fg);
	CHECK_STR(out, "main 2\nmain;a;b;c 93\nmain;a;x 7\n");
	free(out);
	flamegraph_release(&fg);
	CHECK(fg.root.total == 0 && !fg.root.children);
}

TEST(reads_folded_lines)
{
	struct flamegraph fg = { 0 };
	char *out;

	CHECK(flamegraph_add_folded(&fg, "main;zz;b 5\n") == 0);
	CHECK(flamegraph_add_folded(&fg, "main;aa 1") == 0);
	CHECK(flamegraph_add_folded(&fg, "main;zz;b 2") == 0);
	CHECK(flamegraph_add_folded(&fg, "func with spaces;x 4") == 0);
	CHECK(flamegraph_add_folded(&fg, "nocount") == -22);
	CHECK(flamegraph_add_folded(&fg, "a;b 12x") == -22);
	CHECK(flamegraph_add_folded(&fg, "") == -22);
	out = folded(&fg);
	CHECK_STR(out, "func with spaces;x 4\nmain;aa 1\nmain;zz;b 7\n");
	free(out);
	flamegraph_release(&fg);
}

TEST(svg_is_escaped)
{
	struct flamegraph fg = { 0 };
	const char *a[] = { "main", "std::vector<int>::push_back&\"'" };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CHECK(flamegraph_add(&fg, a, 2, 1) == 0);
	CHECK(flamegraph_write_svg(&fg, f, NULL) == 0);
	fclose(f);
	CHECK(strstr(buf, "std::vector&lt;int&gt;::push_back&amp;&quot;&apos;") != NULL);
	CHECK(strstr(buf, "<int>") == NULL);
	CHECK(strstr(buf, "main (1 samples, 100.00%)") != NULL);
	free(buf);
	flamegraph_release(&fg);
}

int main(void)
{
	RUN(merges_and_folds);
	RUN(reads_folded_lines);
	RUN(svg_is_escaped);
	return test_status();
}
