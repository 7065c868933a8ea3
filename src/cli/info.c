// SPDX-License-Identifier: GPL-2.0
/* Placeholder: replaced by the info command. */
#include "cli/cli.h"

int info_print(const struct cli_opts *o)
{
	return 1;
}

int cmd_info(int argc, char **argv, struct cli_opts *o)
{
	return info_print(o);
}
