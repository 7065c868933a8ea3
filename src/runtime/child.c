// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <wordexp.h>

#include "runtime/child.h"
#include "util/log.h"

static void child_main(char **argv, int go, int err_fd)
{
	sigset_t none;
	char b;
	int e;

	/* Back to default signal handling: the parent blocks some for its loop. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	if (read(go, &b, 1) != 1)
		_exit(127);	/* scry went away before attaching: do not run untraced */
	close(go);
	execvp(argv[0], argv);
	e = errno;
	if (write(err_fd, &e, sizeof(e)) != sizeof(e))
		_exit(127);
	_exit(127);
}

int child_spawn(const char *cmd, struct child *c)
{
	int go[2] = { -1, -1 }, er[2] = { -1, -1 }, err;
	wordexp_t we;

	memset(c, 0, sizeof(*c));
	c->pid = -1;
	c->go_fd = c->err_fd = -1;
	err = wordexp(cmd, &we, WRDE_NOCMD | WRDE_UNDEF);
	if (err || !we.we_wordc) {
		if (!err)
			wordfree(&we);
		pr_err("cannot parse the command '%s'", cmd);
		return -EINVAL;
	}
	if (pipe2(go, O_CLOEXEC) || pipe2(er, O_CLOEXEC)) {
		err = -errno;
		pr_err("cannot run '%s': %s", cmd, strerror(-err));
		goto out;
	}
	c->pid = fork();
	if (c->pid < 0) {
		err = -errno;
		pr_err("cannot run '%s': %s", cmd, strerror(-err));
		goto out;
	}
	if (c->pid == 0) {
		close(go[1]);
		close(er[0]);
		child_main(we.we_wordv, go[0], er[1]);
	}
	c->go_fd = go[1];
	c->err_fd = er[0];
	go[1] = er[0] = -1;
	err = 0;
out:
	if (go[0] >= 0)
		close(go[0]);
	if (go[1] >= 0)
		close(go[1]);
	if (er[0] >= 0)
		close(er[0]);
	if (er[1] >= 0)
		close(er[1]);
	wordfree(&we);
	return err;
}

int child_release(struct child *c, const char *cmd)
{
	ssize_t n;
	int e = 0;

	if (write(c->go_fd, "g", 1) != 1) {
		e = errno;
		pr_err("cannot run '%s': %s", cmd, strerror(e));
		return -e;
	}
	close(c->go_fd);
	c->go_fd = -1;
	/* EOF (0 bytes) means exec succeeded: the pipe was closed on exec. */
	do {
		n = read(c->err_fd, &e, sizeof(e));
	} while (n < 0 && errno == EINTR);
	close(c->err_fd);
	c->err_fd = -1;
	if (n == sizeof(e)) {
		waitpid(c->pid, &c->status, 0);
		c->exited = true;
		pr_err("cannot run '%s': %s", cmd, strerror(e));
		return -e;
	}
	return 0;
}

bool child_reap(struct child *c)
{
	if (c->exited || c->pid <= 0)
		return true;
	if (waitpid(c->pid, &c->status, WNOHANG) == c->pid)
		c->exited = true;
	return c->exited;
}

void child_kill(struct child *c)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	bool held = c->go_fd >= 0;
	int i;

	if (c->err_fd >= 0) {
		close(c->err_fd);
		c->err_fd = -1;
	}
	if (held) {	/* never released: closing the pipe makes it exit at once */
		close(c->go_fd);
		c->go_fd = -1;
		for (i = 0; i < 100 && !child_reap(c); i++)
			nanosleep(&ts, NULL);
	}
	if (c->pid <= 0 || child_reap(c))
		return;
	kill(c->pid, SIGTERM);
	for (i = 0; i < 100 && !child_reap(c); i++)
		nanosleep(&ts, NULL);
	if (!c->exited) {
		kill(c->pid, SIGKILL);
		waitpid(c->pid, &c->status, 0);
		c->exited = true;
	}
}

int child_exit_code(const struct child *c)
{
	if (!c->exited)
		return -1;
	if (WIFSIGNALED(c->status))
		return 128 + WTERMSIG(c->status);
	return WEXITSTATUS(c->status);
}
