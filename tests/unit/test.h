/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unit tests are small main()s on three macros, printing the lines that
 * tests/run.sh counts:
 *
 *	TEST(name) { CHECK(cond); CHECK_STR(a, b); if (!root) SKIP_TEST("needs root"); }
 *	int main(void) { RUN(name); ...; return test_status(); }
 */
#ifndef SCRY_TESTS_TEST_H
#define SCRY_TESTS_TEST_H

#include <stdio.h>
#include <string.h>

static int test_failed_now, test_failures;
static const char *test_skipped_now;

/* "tracefs_format" for tests/unit/tracefs_format.c */
static inline const char *test_suite(const char *file)
{
	static char name[64];
	const char *s = strrchr(file, '/');
	size_t n;

	s = s ? s + 1 : file;
	n = strcspn(s, ".");
	if (n >= sizeof(name))
		n = sizeof(name) - 1;
	memcpy(name, s, n);
	name[n] = '\0';
	return name;
}

#define TEST(name) static void name(void)

#define CHECK(cond)                                                                      \
	do {                                                                             \
		if (!(cond)) {                                                           \
			printf("    %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
			test_failed_now = 1;                                             \
		}                                                                        \
	} while (0)

#define CHECK_STR(a, b)                                                                  \
	do {                                                                             \
		const char *a_ = (a), *b_ = (b);                                         \
		if (!a_ || !b_ || strcmp(a_, b_)) {                                      \
			printf("    %s:%d: '%s' != '%s'\n", __FILE__, __LINE__,           \
			       a_ ? a_ : "(null)", b_ ? b_ : "(null)");                  \
			test_failed_now = 1;                                             \
		}                                                                        \
	} while (0)

/* Inside a test: stop it and count it as skipped, with the reason. */
#define SKIP_TEST(reason)                                                                \
	do {                                                                             \
		test_skipped_now = (reason);                                             \
		return;                                                                  \
	} while (0)

#define RUN(name)                                                                        \
	do {                                                                             \
		test_failed_now = 0;                                                     \
		test_skipped_now = NULL;                                                 \
		name();                                                                  \
		if (test_skipped_now && !test_failed_now)                                \
			printf("SKIP: %s: %s (%s)\n", test_suite(__FILE__), #name,       \
			       test_skipped_now);                                        \
		else                                                                     \
			printf("%s: %s: %s\n", test_failed_now ? "FAIL" : "PASS",       \
			       test_suite(__FILE__), #name);                             \
		test_failures += test_failed_now;                                        \
	} while (0)

static inline int test_status(void)
{
	return test_failures ? 1 : 0;
}

#endif
