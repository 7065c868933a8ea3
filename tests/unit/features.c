// SPDX-License-Identifier: GPL-2.0
/*
 * The contract of feature_get(), whatever this kernel can do (these run as
 * any user: without privileges every probe simply says no, with a reason).
 */
#include <errno.h>
#include <string.h>

#include "mech/features.h"
#include "test.h"

TEST(every_item_is_complete)
{
	int i;

	for (i = 0; i < FEAT__COUNT; i++) {
		const struct feature *f = feature_get((enum feature_id)i);

		CHECK(f != NULL);
		CHECK(f->key && *f->key && f->desc && *f->desc && f->group && *f->group);
		CHECK(strlen(f->detail) > 0);
		if (f->ok) {
			CHECK(f->err == 0);
			CHECK(f->instead == NULL);
		} else {
			CHECK(f->err >= 0);
			CHECK(f->instead && *f->instead);
		}
	}
}

TEST(keys_are_unique)
{
	int i, j;

	for (i = 0; i < FEAT__COUNT; i++)
		for (j = i + 1; j < FEAT__COUNT; j++)
			CHECK(strcmp(feature_get((enum feature_id)i)->key,
				     feature_get((enum feature_id)j)->key));
}

TEST(results_are_cached)
{
	const struct feature *a = feature_get(FEAT_PROG_TRACEPOINT);
	bool ok = a->ok;

	CHECK(feature_get(FEAT_PROG_TRACEPOINT) == a);
	CHECK(feature_has(FEAT_PROG_TRACEPOINT) == ok);
}

TEST(failure_names_the_errno)
{
	int i;

	for (i = 0; i < FEAT__COUNT; i++) {
		const struct feature *f = feature_get((enum feature_id)i);

		if (!f->ok && f->err)
			CHECK(strstr(f->detail, strerrorname_np(f->err)) != NULL);
	}
}

TEST(out_of_range_is_not_ok)
{
	const struct feature *f = feature_get(FEAT__COUNT);

	CHECK(f != NULL);
	CHECK(!f->ok);
	CHECK(!feature_has((enum feature_id)-1));
	CHECK_STR(f->key, "unknown");
}

TEST(preserves_errno)
{
	errno = 1234;
	feature_get(FEAT_PERF_HARDWARE);
	CHECK(errno == 1234);
}

int main(void)
{
	RUN(every_item_is_complete);
	RUN(keys_are_unique);
	RUN(results_are_cached);
	RUN(failure_names_the_errno);
	RUN(out_of_range_is_not_ok);
	RUN(preserves_errno);
	return test_status();
}
