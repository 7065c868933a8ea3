// SPDX-License-Identifier: GPL-2.0
/*
 * watchpoint:ADDRESS:LENGTH:MODE and asyncwatchpoint: hardware breakpoints
 * on memory.  Checked as written; scry cannot attach them yet (no program
 * type), so the code generator refuses them with their place.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "probe/probe.h"

static int wp_parse(const struct provider *self, struct probe_spec *sp)
{
	uint64_t addr;
	const char *m;

	if (!*sp->parts[0] || !sp->number(sp->parts[0], &addr) || !*sp->parts[1] ||
	    !sp->number(sp->parts[1], &sp->rate) ||
	    (sp->rate != 1 && sp->rate != 2 && sp->rate != 4 && sp->rate != 8)) {
		snprintf(sp->hint, sizeof(sp->hint),
			 "the form is 'watchpoint:ADDRESS:LENGTH:MODE', LENGTH 1, 2, 4 or 8");
		snprintf(sp->msg, sizeof(sp->msg), "invalid watchpoint '%s'", sp->text);
		return -EINVAL;
	}
	for (m = sp->parts[2]; *m; m++) {
		if (!strchr("rwx", *m)) {
			snprintf(sp->hint, sizeof(sp->hint), "the mode is made of r, w and x");
			snprintf(sp->msg, sizeof(sp->msg), "invalid watchpoint mode '%s'", sp->parts[2]);
			return -EINVAL;
		}
	}
	return 0;
}

const struct provider provider_watchpoint = {
	.name = "watchpoint",
	.alias = "w",
	.min_parts = 3,
	.max_parts = 3,
	.usage = "watchpoint:ADDRESS:LENGTH:MODE",
	.parse = wp_parse,
};

const struct provider provider_asyncwatchpoint = {
	.name = "asyncwatchpoint",
	.alias = "aw",
	.min_parts = 3,
	.max_parts = 3,
	.usage = "asyncwatchpoint:ADDRESS:LENGTH:MODE",
	.parse = wp_parse,
};
