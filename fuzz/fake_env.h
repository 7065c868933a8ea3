/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fuzz targets' stand-in for tracefs: every tracepoint has the same
 * small format, so that typed 'args' is exercised without tracefs;
 * "nothere" events do not exist.  Messages are swallowed.
 */
#ifndef SCRY_FUZZ_FAKE_ENV_H
#define SCRY_FUZZ_FAKE_ENV_H

#include <errno.h>
#include <string.h>

#include "lang/lang.h"
#include "mech/tracefs.h"
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

static const struct lang_env fake_env = { fake_tp, NULL };

static void quiet(enum log_level level, const char *msg)
{
}

#endif
