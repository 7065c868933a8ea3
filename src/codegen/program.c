// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "codegen/program.h"

void vtype_release(struct vtype *t)
{
	uint32_t i;

	for (i = 0; t->fields && i < t->nr_fields; i++) {
		vtype_release(&t->fields[i].type);
		free(t->fields[i].name);
	}
	free(t->fields);
	for (i = 0; i < t->nr_enums; i++)
		free(t->enums[i].name);
	free(t->enums);
	memset(t, 0, sizeof(*t));
}

void compiled_program_free(struct compiled_program *cp)
{
	size_t i, k;

	if (!cp)
		return;
	for (i = 0; i < cp->nr_maps; i++) {
		free(cp->maps[i].name);
		vtype_release(&cp->maps[i].key);
		vtype_release(&cp->maps[i].value);
	}
	free(cp->maps);
	for (i = 0; i < cp->nr_printfs; i++) {
		for (k = 0; k < cp->printfs[i].nr_args; k++)
			vtype_release(&cp->printfs[i].args[k].type);
		free(cp->printfs[i].args);
		free(cp->printfs[i].fmt);
	}
	free(cp->printfs);
	free(cp->helper_sites);
	for (i = 0; i < cp->nr_progs; i++) {
		struct cprog *p = &cp->progs[i];

		for (k = 0; k < p->nr_points; k++) {
			free((char *)p->points[k].target);
			free((char *)p->points[k].func);
		}
		free(p->points);
		free(p->name);
		free(p->insns);
		free(p->locs);
		free(p->map_idx);
		free(p->func_offs);
	}
	free(cp->progs);
	for (i = 0; i < cp->nr_probe_names; i++)
		free(cp->probe_names[i]);
	free(cp->probe_names);
	free(cp);
}
