// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "util/log.h"

static void default_handler(enum log_level level, const char *msg)
{
	fprintf(stderr, "scry: %s%s\n", level == LOG_WARN ? "warning: " : "", msg);
}

static log_fn handler = default_handler;
static enum log_level max_level = LOG_WARN;

void log_set_handler(log_fn fn)
{
	handler = fn ? fn : default_handler;
}

void log_set_level(enum log_level max)
{
	max_level = max;
}

enum log_level log_get_level(void)
{
	return max_level;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (level > max_level)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	handler(level, buf);
}

void log_phase(const char *what)
{
	static int on = -1;
	struct timespec ts;

	if (on < 0)
		on = getenv("SCRY_PHASES") != NULL;
	if (!on)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	log_msg(LOG_WARN, "phase %s %lld", what, (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
}
