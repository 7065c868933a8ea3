// SPDX-License-Identifier: GPL-2.0
/*
 * The naming convention of scry's tracefs objects: what it makes, and what
 * the stale-object cleanup will and will not take for one of its own (a
 * false match would remove someone else's instance or event).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mech/cleanup.h"
#include "test.h"

TEST(name_has_what_and_pid)
{
	char buf[64], want[64];

	snprintf(want, sizeof(want), "scry_feat_%d", (int)getpid());
	CHECK(tracefs_scry_name(buf, sizeof(buf), "feat") == 0);
	CHECK_STR(buf, want);
	snprintf(want, sizeof(want), "scry_rec_up_%d", (int)getpid());
	CHECK(tracefs_scry_name(buf, sizeof(buf), "rec_up") == 0);
	CHECK_STR(buf, want);
}

TEST(name_refuses_bad_what)
{
	char buf[64];

	CHECK(tracefs_scry_name(buf, sizeof(buf), "") == -EINVAL);
	CHECK(tracefs_scry_name(buf, sizeof(buf), NULL) == -EINVAL);
	CHECK(tracefs_scry_name(buf, sizeof(buf), "a/b") == -EINVAL);
	CHECK(tracefs_scry_name(buf, sizeof(buf), "a b") == -EINVAL);
	CHECK(tracefs_scry_name(buf, sizeof(buf), "..") == -EINVAL);
	CHECK(tracefs_scry_name(buf, 8, "feat") == -ENAMETOOLONG);
	/* longer than a tracefs event name may be */
	CHECK(tracefs_scry_name(buf, sizeof(buf),
				"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa") ==
	      -ENAMETOOLONG);
}

TEST(parse_round_trips)
{
	char buf[64];
	pid_t pid = 0;

	CHECK(tracefs_scry_name(buf, sizeof(buf), "a_b_c") == 0);
	CHECK(tracefs_scry_name_parse(buf, &pid) == 0);
	CHECK(pid == getpid());
	CHECK(tracefs_scry_name_parse("scry_feat_4194304", &pid) == 0);
	CHECK(pid == 4194304);
	CHECK(tracefs_scry_name_parse("scry_x_1", &pid) == 0);
	CHECK(pid == 1);
}

TEST(parse_refuses_lookalikes)
{
	static const char *const bad[] = {
		"scry", "scry_", "scry_1", "scry__1", "scry_feat", "scry_feat_", "scry_feat_0",
		"scry_feat_012", "scry_feat_-1", "scry_feat_+1", "scry_feat_1x", "scry_feat_ 1",
		"scry_fe.at_1", "scry_fe/at_1", "Scry_feat_1", "xscry_feat_1", "scryfeat_1",
		"scry_feat_99999999999", "uprobes", "p_true_0x23d0", "",
		"scry_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa_1",
	};
	pid_t pid = 12345;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (tracefs_scry_name_parse(bad[i], &pid) != -EINVAL)
			printf("    accepted '%s'\n", bad[i]);
		CHECK(tracefs_scry_name_parse(bad[i], &pid) == -EINVAL);
	}
	CHECK(pid == 12345);
}

int main(void)
{
	RUN(name_has_what_and_pid);
	RUN(name_refuses_bad_what);
	RUN(parse_round_trips);
	RUN(parse_refuses_lookalikes);
	return test_status();
}
