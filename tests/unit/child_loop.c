// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <unistd.h>

#include "runtime/child.h"
#include "runtime/loop.h"
#include "test.h"
#include "util/log.h"

static char path[64];

static int on_signal(int signo, void *ctx)
{
	struct child *c = ctx;

	if (signo == SIGCHLD && child_reap(c))
		return 1;
	return 0;
}

static void quiet(enum log_level level, const char *msg)
{
}

TEST(held_until_released)
{
	struct child c;
	struct loop *l = NULL;
	char cmd[160];
	int ret;

	snprintf(path, sizeof(path), "/tmp/scry-child-%d", (int)getpid());
	unlink(path);
	snprintf(cmd, sizeof(cmd), "sh -c 'touch %s; exit 3'", path);
	CHECK(loop_new(on_signal, &c, &l) == 0);
	CHECK(child_spawn(cmd, &c) == 0);
	usleep(100 * 1000);
	CHECK(access(path, F_OK) != 0);	/* held: has not run */
	CHECK(child_release(&c, cmd) == 0);
	ret = loop_run(l, 5000);
	CHECK(ret == 1);
	CHECK(c.exited && child_exit_code(&c) == 3);
	CHECK(access(path, F_OK) == 0);
	unlink(path);
	loop_free(l);
}

TEST(exec_failure_is_reported)
{
	struct child c;

	log_set_handler(quiet);
	CHECK(child_spawn("/nonexistent/cmd arg", &c) == 0);
	CHECK(child_release(&c, "/nonexistent/cmd arg") == -2);
	CHECK(c.exited);
	log_set_handler(NULL);
}

TEST(killed_before_release_never_runs)
{
	struct child c;
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "touch %s", path);
	unlink(path);
	CHECK(child_spawn(cmd, &c) == 0);
	child_kill(&c);
	CHECK(c.exited && child_exit_code(&c) == 127);
	CHECK(access(path, F_OK) != 0);
}

TEST(loop_timeout)
{
	struct loop *l;

	CHECK(loop_new(NULL, NULL, &l) == 0);
	CHECK(loop_run(l, 50) == 0);
	loop_free(l);
	loop_free(NULL);
}

int main(void)
{
	RUN(held_until_released);
	RUN(exec_failure_is_reported);
	RUN(killed_before_release_never_runs);
	RUN(loop_timeout);
	return test_status();
}
