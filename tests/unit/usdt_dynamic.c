// SPDX-License-Identifier: GPL-2.0
/*
 * libscry-usdt (lib/usdt/): the ELF builder's objects read back by scry's
 * own ELF and USDT note readers (the ones `scry list` uses), argument specs
 * of every type, errors, load/fire/unload in this process, threads.  No
 * tracer is attached (tests/e2e/usdt_dynamic.sh does that).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <sys/wait.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build.h"
#include "sym/procmaps.h"
#include "scry_usdt.h"
#include "sym/elf.h"
#include "sym/usdt.h"
#include "test.h"

static const enum scry_usdt_type all12[] = {
	SCRY_USDT_INT8, SCRY_USDT_UINT8, SCRY_USDT_INT16, SCRY_USDT_UINT16,
	SCRY_USDT_INT32, SCRY_USDT_UINT32, SCRY_USDT_INT64, SCRY_USDT_UINT64,
	SCRY_USDT_STRING, SCRY_USDT_INT8, SCRY_USDT_INT32, SCRY_USDT_INT64,
};

TEST(build_read_back)
{
	static const char *const types[] = {
		"int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "uint64",
		"int8", "int32", "int64",
	};
	static const char *const declared[] = {
		"int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "string",
		"int8", "int32", "int64",
	};
	const enum scry_usdt_type one[] = { SCRY_USDT_STRING };
	struct usdt_build_probe bp[] = {
		{ "all", 12, all12 }, { "none", 0, NULL }, { "s", 1, one },
	};
	struct usdt_image img;
	struct usdt_list l = { 0 };
	struct elf_symtab tab = { 0 };
	struct elf_file *ef = NULL;
	size_t i;

	CHECK(usdt_build("unit", bp, 3, &img) == 0);
	CHECK(elf_file_open_mem(img.data, img.size, "unit", &ef) == 0);
	if (!ef)
		goto out;
	CHECK(elf_file_type(ef) == 3);	/* ET_DYN */
	CHECK(usdt_read(ef, &l) == 0);
	CHECK(l.nr == 3);
	for (i = 0; i < l.nr && i < 3; i++) {
		CHECK_STR(l.probes[i].provider, "unit");
		CHECK_STR(l.probes[i].name, bp[i].name);
		CHECK(l.probes[i].args_ok);
		CHECK(l.probes[i].nr_args == bp[i].nr_args);
		/* file offsets are addresses in this layout */
		CHECK(l.probes[i].pc == img.site[i] && l.probes[i].pc_offset == img.site[i]);
		CHECK(l.probes[i].semaphore == img.sema[i] && l.probes[i].sema_offset == img.sema[i]);
		CHECK(img.data[img.site[i]] == 0x90);	/* the nop */
	}
	for (i = 0; l.nr && i < 12; i++) {
		CHECK_STR(usdt_arg_type(&l.probes[0].args[i]), types[i]);
		/* the note says "8@" for a string; .note.scry-usdt says what was declared */
		CHECK_STR(usdt_declared_type(&l.probes[0], i), declared[i]);
	}
	CHECK(l.nr < 3 || !usdt_declared_type(&l.probes[1], 0));
	CHECK(l.nr < 3 || !strcmp(usdt_declared_type(&l.probes[2], 0), "string"));
	CHECK_STR(l.probes[0].arg_str, "-1@%rdi 1@%rsi -2@%rdx 2@%rcx -4@%r8 4@%r9 -8@8(%rsp) "
		  "8@16(%rsp) 8@24(%rsp) -1@32(%rsp) -4@40(%rsp) -8@48(%rsp)");
	CHECK(l.nr < 3 || l.probes[2].args[0].kind == USDT_ARG_REG);
	CHECK(elf_file_functions(ef, &tab) == 0);
	CHECK(tab.nr == 3);
	for (i = 0; i < tab.nr; i++)
		CHECK(!strncmp(tab.syms[i].name, "unit__", 6));
out:
	elf_symtab_release(&tab);
	usdt_list_release(&l);
	elf_file_close(ef);
	usdt_image_release(&img);
}

TEST(build_errors)
{
	const enum scry_usdt_type bad[] = { SCRY_USDT_STRING + 1 };
	struct usdt_build_probe bp = { "x", 1, bad };
	struct usdt_build_probe many[USDT_BUILD_MAX_PROBES + 1];
	struct usdt_image img;
	char buf[8];
	size_t i;

	CHECK(usdt_build("bad name", NULL, 0, &img) == -EINVAL);
	CHECK(usdt_build("p", &bp, 1, &img) == -EINVAL);
	bp.name = "9x";
	bp.nr_args = 0;
	CHECK(usdt_build("p", &bp, 1, &img) == -EINVAL);
	for (i = 0; i <= USDT_BUILD_MAX_PROBES; i++)
		many[i] = (struct usdt_build_probe){ "x", 0, NULL };
	CHECK(usdt_build("p", many, USDT_BUILD_MAX_PROBES + 1, &img) == -E2BIG);
	CHECK(usdt_build("p", many, 2, &img) == -EINVAL);	/* two probes named "x" */
	CHECK(usdt_build_args(all12, 12, buf, sizeof(buf)) == -ENOSPC);
	CHECK(usdt_build_args(all12, 13, buf, sizeof(buf)) == -EINVAL);
	CHECK(usdt_build_name_ok("a_B9") && !usdt_build_name_ok("") && !usdt_build_name_ok("a-b"));
	CHECK(!usdt_build_name_ok("a1234567890123456789012345678901234567890123456789012345678901234"));
	CHECK(usdt_build("empty", NULL, 0, &img) == 0 && img.size > 0);
	usdt_image_release(&img);
	usdt_image_release(NULL);
}

TEST(load_fire_unload)
{
	const enum scry_usdt_type t[] = { SCRY_USDT_INT64, SCRY_USDT_STRING };
	struct scry_usdt_provider *p = NULL;
	struct scry_usdt_probe *req = NULL, *all = NULL;
	const volatile uint16_t *sem;
	char link[256];
	ssize_t n;
	int i;

	CHECK(scry_usdt_provider_new("bad-name", &p) == -EINVAL && !p);
	CHECK(scry_usdt_provider_new("unit", &p) == 0);
	CHECK(scry_usdt_probe_add(p, "request", t, 2, &req) == 0);
	CHECK(scry_usdt_probe_add(p, "request", t, 2, NULL) == -EEXIST);
	CHECK(strstr(scry_usdt_error(p), "has a probe 'request' already") != NULL);
	CHECK(scry_usdt_probe_add(p, "x", t, 13, NULL) == -E2BIG);
	CHECK(scry_usdt_probe_add(p, "all", all12, 12, &all) == 0);
	CHECK(!scry_usdt_path(p) && !scry_usdt_loaded(p));
	CHECK(scry_usdt_fire(req, (int64_t)1, "x") == -ENOENT);
	CHECK(*scry_usdt_semaphore(req) == 0 && !scry_usdt_enabled(req));
	CHECK(scry_usdt_load(p) == 0);
	CHECK_STR(scry_usdt_error(p), "");
	CHECK(scry_usdt_load(p) == -EBUSY);
	CHECK(scry_usdt_probe_add(p, "late", NULL, 0, NULL) == -EBUSY);
	CHECK(scry_usdt_path(p) && !strncmp(scry_usdt_path(p), "/proc/", 6));
	n = scry_usdt_path(p) ? readlink(scry_usdt_path(p), link, sizeof(link) - 1) : -1;
	if (n > 0) {
		link[n] = '\0';
		CHECK(!strncmp(link, "/memfd:scry-usdt-unit", 21) || strstr(link, "(deleted)"));
	}
	sem = scry_usdt_semaphore(req);
	CHECK(*sem == 0 && !SCRY_USDT_ENABLED(sem));
	CHECK(scry_usdt_site(req) && *(const unsigned char *)scry_usdt_site(req) == 0x90);
	for (i = 0; i < 1000; i++)
		CHECK(scry_usdt_fire(req, (int64_t)i, "GET /") == 0);
	CHECK(scry_usdt_fire(all, -1, 255, -2, 65535, -3, 4000000000u, (int64_t)-4, UINT64_MAX, "s",
			     -128, -5, (int64_t)-6) == 0);
	CHECK(scry_usdt_unload(p) == 0);
	CHECK(scry_usdt_unload(p) == 0);
	CHECK(scry_usdt_fire(req, (int64_t)1, "x") == -ENOENT && !scry_usdt_site(req));
	CHECK(scry_usdt_probe_add(p, "late", NULL, 0, NULL) == 0);
	CHECK(scry_usdt_load(p) == 0);
	scry_usdt_provider_free(p);	/* unloads */
	scry_usdt_provider_free(NULL);
}

static void *fire_many(void *arg)
{
	struct scry_usdt_probe *pr = arg;
	int i;

	for (i = 0; i < 100000; i++)
		if (scry_usdt_fire(pr, (int64_t)i, "thread"))
			return (void *)1;
	return NULL;
}

static void *own_provider(void *arg)
{
	const enum scry_usdt_type t[] = { SCRY_USDT_INT64, SCRY_USDT_STRING };
	struct scry_usdt_provider *p;
	struct scry_usdt_probe *pr;
	char name[32];
	int i, bad = 0;

	snprintf(name, sizeof(name), "thr%d", (int)(intptr_t)arg);
	if (scry_usdt_provider_new(name, &p) || scry_usdt_probe_add(p, "x", t, 2, &pr))
		return (void *)1;
	for (i = 0; i < 20; i++) {
		bad |= scry_usdt_load(p) != 0;
		bad |= scry_usdt_fire(pr, (int64_t)i, "x") != 0;
		bad |= scry_usdt_unload(p) != 0;
	}
	scry_usdt_provider_free(p);
	return (void *)(intptr_t)bad;
}

TEST(threads)
{
	const enum scry_usdt_type t[] = { SCRY_USDT_INT64, SCRY_USDT_STRING };
	struct scry_usdt_provider *p;
	struct scry_usdt_probe *pr;
	pthread_t th[8];
	void *ret;
	int i;

	CHECK(scry_usdt_provider_new("shared", &p) == 0);
	CHECK(scry_usdt_probe_add(p, "x", t, 2, &pr) == 0);
	CHECK(scry_usdt_load(p) == 0);
	for (i = 0; i < 4; i++)
		CHECK(pthread_create(&th[i], NULL, fire_many, pr) == 0);
	for (i = 4; i < 8; i++)
		CHECK(pthread_create(&th[i], NULL, own_provider, (void *)(intptr_t)i) == 0);
	for (i = 0; i < 8; i++) {
		CHECK(pthread_join(th[i], &ret) == 0);
		CHECK(ret == NULL);
	}
	scry_usdt_provider_free(p);
}

struct found {
	char path[128];
	int n;
};

static int find_object(const struct procmap *m, void *arg)
{
	struct found *f = arg;

	if (strchr(m->perms, 'x') && !strncmp(m->path, "/proc/", 6) && strstr(m->path, "/fd/")) {
		snprintf(f->path, sizeof(f->path), "%s", m->path);
		f->n++;
	}
	return 0;
}

/*
 * Where memfds may not be executed (vm.memfd_noexec=2, set here in a pid
 * namespace of our own, which the setting is per), the object goes to an
 * unnamed O_TMPFILE file; scry's maps reader still names it /proc/PID/fd/N.
 * Runs in a child: 0 when all went as it should.
 */
static int fallback_child(void)
{
	const enum scry_usdt_type t[] = { SCRY_USDT_INT64 };
	struct scry_usdt_provider *p;
	struct scry_usdt_probe *pr;
	struct found f = { 0 };
	char self[32], maps[1 << 16];
	ssize_t n;
	int fd, host_pid;

	fd = open("/proc/sys/vm/memfd_noexec", O_WRONLY);
	if (fd < 0 || write(fd, "2", 1) != 1)
		return 2;	/* no such setting: skip */
	close(fd);
	/* /proc is the parent namespace's: /proc/self says our pid there */
	n = readlink("/proc/self", self, sizeof(self) - 1);
	if (n <= 0)
		return 3;
	self[n] = '\0';
	host_pid = atoi(self);
	if (scry_usdt_provider_new("fallback", &p) || scry_usdt_probe_add(p, "x", t, 1, &pr) ||
	    scry_usdt_load(p))
		return 4;
	fd = open("/proc/self/maps", O_RDONLY);
	n = fd >= 0 ? read(fd, maps, sizeof(maps) - 1) : -1;
	if (n <= 0)
		return 5;
	maps[n] = '\0';
	if (strstr(maps, "memfd:scry-usdt") || !strstr(maps, " (deleted)"))
		return 6;	/* not the fallback */
	if (procmaps_for_each(host_pid, find_object, &f) || f.n != 1)
		return 7;
	if (scry_usdt_fire(pr, (int64_t)1) || scry_usdt_unload(p))
		return 8;
	scry_usdt_provider_free(p);
	return 0;
}

TEST(tmpfile_fallback)
{
	int status = -1;
	pid_t pid;

	if (geteuid())
		SKIP_TEST("needs root (a pid namespace and vm.memfd_noexec)");
	if (unshare(CLONE_NEWPID))
		SKIP_TEST("no pid namespace");
	pid = fork();
	if (pid == 0)
		_exit(fallback_child());
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 2)
		SKIP_TEST("no vm.memfd_noexec (Linux < 6.3)");
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	if (WIFEXITED(status) && WEXITSTATUS(status))
		printf("    fallback child failed at step %d\n", WEXITSTATUS(status));
}

int main(void)
{
	RUN(build_read_back);
	RUN(build_errors);
	RUN(load_fire_unload);
	RUN(threads);
	RUN(tmpfile_fallback);	/* last: it leaves this process in a new pid namespace for children */
	return test_status();
}
