// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sym/kallsyms.h"

int kallsyms_for_each(kallsyms_fn fn, void *ctx)
{
	char line[512], *name, *mod, *end;
	FILE *f = fopen("/proc/kallsyms", "re");
	int err = 0;

	if (!f)
		return -errno;
	while (!err && fgets(line, sizeof(line), f)) {
		uint64_t addr = strtoull(line, &end, 16);
		char type;

		/* "ffffffff816bab70 T vfs_read\t[module]\n" */
		if (end == line || end[0] != ' ' || !end[1] || end[2] != ' ')
			continue;
		type = end[1];
		name = end + 3;
		name[strcspn(name, "\n")] = '\0';
		mod = strchr(name, '\t');
		if (mod) {
			*mod++ = '\0';
			if (*mod == '[')
				mod++;
			mod[strcspn(mod, "]")] = '\0';
		} else {
			mod = name + strlen(name);
		}
		err = fn(addr, type, name, mod, ctx);
	}
	fclose(f);
	return err;
}
