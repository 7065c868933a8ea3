// SPDX-License-Identifier: GPL-2.0
/* Placeholder: replaced by the language front end. */
#include <stdio.h>

#include "cli/cli.h"

int program_main(const struct cli_opts *o)
{
	fprintf(stderr, "scry: error: the language is not built yet\n");
	return 1;
}
