/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fuzz targets' environment (lang/env.h): the one injected struct the
 * compiler asks everything of.  Every tracepoint has the same small format,
 * so that typed 'args' is exercised without tracefs; "nothere" events do not
 * exist.  Kernel symbols, BTF and user binaries are answered from small
 * tables, features are all present; nothing reads the machine.  Messages
 * are swallowed.
 */
#ifndef SCRY_FUZZ_FAKE_ENV_H
#define SCRY_FUZZ_FAKE_ENV_H

#include <errno.h>
#include <string.h>

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>

#include "lang/lang.h"
#include "mech/tracefs.h"
#include "probe/probe.h"
#include "probe/user_resolve.h"
#include "sym/usdt.h"
#include "util/log.h"

static const char fake_format[] =
	"name: fake\nID: 1\nformat:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
	"\tfield:const char * filename;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\tfield:int flags;\toffset:16;\tsize:4;\tsigned:1;\n"
	"\tfield:char comm[16];\toffset:20;\tsize:16;\tsigned:0;\n"
	"\tfield:__data_loc char[] name;\toffset:36;\tsize:4;\tsigned:0;\n"
	"\tfield:u64 count;\toffset:40;\tsize:8;\tsigned:0;\n\n"
	"print fmt: \"x\"\n";

static int fake_tp(void *ctx, const char *category, const char *event, struct tp_format *fmt)
{
	if (!strcmp(event, "nothere"))
		return -ENOENT;
	return tp_format_parse(fake_format, sizeof(fake_format) - 1, fmt);
}

static int fake_tp_events(void *ctx, const char *cat_glob,
			  int (*fn)(const char *category, const char *event, void *arg), void *arg)
{
	static const char *const evs[][2] = { { "sched", "sched_switch" }, { "sched", "sched_wakeup" },
					      { "syscalls", "sys_enter_read" } };
	size_t i;
	int err = 0;

	for (i = 0; i < sizeof(evs) / sizeof(evs[0]) && !err; i++)
		if (!cat_glob || !fnmatch(cat_glob, evs[i][0], 0))
			err = fn(evs[i][0], evs[i][1], arg);
	return err;
}

static const char *const fake_kfuncs[] = { "vfs_read", "vfs_write", "do_sys_open", NULL };

static int fake_kernel_funcs(void *ctx, const char *prefix, const struct list_query *q,
			     struct list_sink *sink)
{
	struct probe_entry e = { .available = true };
	char name[128];
	size_t i;
	int err = 0;

	for (i = 0; fake_kfuncs[i] && !err; i++) {
		snprintf(name, sizeof(name), "%s:%s", prefix, fake_kfuncs[i]);
		e.name = name;
		if (list_query_match(q, name))
			err = sink->emit(sink, &e);
	}
	return err;
}

static int fake_kernel_sym(void *ctx, const char *name, uint64_t *addr)
{
	size_t i;

	for (i = 0; fake_kfuncs[i]; i++)
		if (!strcmp(fake_kfuncs[i], name)) {
			*addr = 0xffffffff81000000ull + 0x100 * i;
			return 0;
		}
	return -ENOENT;
}

static int fake_btf_member(void *ctx, const char *s, const char *m, uint32_t *off, uint32_t *size)
{
	if (!strcmp(s, "task_struct") && !strcmp(m, "real_parent"))
		return *off = 2456, *size = 8, 0;
	if (!strcmp(s, "task_struct") && !strcmp(m, "tgid"))
		return *off = 2444, *size = 4, 0;
	return -ENOENT;
}

static int fake_btf_func_id(void *ctx, const char *name)
{
	return strcmp(name, "bpf_map_sum_elem_count") ? -ENOENT : 4242;
}

static int fake_btf_has_raw_tp(void *ctx, const char *name)
{
	return !strcmp(name, "sched_switch") ? 77 : 0;
}

static bool fake_feature(void *ctx, int id)
{
	return true;
}

static int fake_site(struct user_sites *out, const char *path, const char *func, uint64_t off)
{
	out->v = calloc(1, sizeof(*out->v));
	if (!out->v)
		return -ENOMEM;
	out->v[0].path = strdup(path);
	out->v[0].func = strdup(func);
	out->v[0].offset = off;
	out->nr = 1;
	if (!out->v[0].path || !out->v[0].func) {
		user_sites_release(out);
		return -ENOMEM;
	}
	return 0;
}

static int fake_uprobe_sites(void *ctx, const char *where, const char *target, const char *func,
			     uint64_t off, pid_t pid, struct user_sites *out)
{
	if (strcmp(target, "/bin/sh") || fnmatch(func, "main", 0))
		return -ENOENT;
	return fake_site(out, "/bin/sh", "main", 0x1000 + off);
}

static int fake_usdt_sites(void *ctx, const char *where, const char *target, const char *func,
			   pid_t pid, struct user_sites *out)
{
	if (strcmp(target, "/bin/sh") || (fnmatch(func, "prov:probe", 0) && fnmatch(func, "probe", 0)))
		return -ENOENT;
	return fake_site(out, "/bin/sh", "prov:probe", 0x2000);
}

static int fake_usdt_site(void *ctx, const char *path, uint64_t pc_offset, struct usdt_probe *site)
{
	static const char *const specs[] = { "-4@%edi", "8@8(%rax)", "4@$7", "8@sym(%rip)" };
	size_t i;

	memset(site, 0, sizeof(*site));
	site->pc_offset = pc_offset;
	site->pc = 0x402000;
	site->args_ok = true;
	for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++)
		usdt_arg_parse(specs[i], strlen(specs[i]), &site->args[site->nr_args++]);
	return 0;
}

static int fake_user_sym(void *ctx, const char *path, const char *name, uint64_t *vaddr, bool *fixed)
{
	if (strcmp(name, "main") && strcmp(name, "sym"))
		return -ENOENT;
	*vaddr = 0x401000;
	*fixed = true;
	return 0;
}

static const struct lang_env fake_env = {
	.tp_format = fake_tp,
	.tp_events = fake_tp_events,
	.kernel_funcs = fake_kernel_funcs,
	.kernel_sym = fake_kernel_sym,
	.btf_member = fake_btf_member,
	.btf_func_id = fake_btf_func_id,
	.btf_has_raw_tp = fake_btf_has_raw_tp,
	.feature = fake_feature,
	.uprobe_sites = fake_uprobe_sites,
	.usdt_sites = fake_usdt_sites,
	.usdt_site = fake_usdt_site,
	.user_sym = fake_user_sym,
	.ncpus = 2,
	.ncpus_possible = 2,
};

static void quiet(enum log_level level, const char *msg)
{
}

#endif
