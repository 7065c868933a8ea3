// SPDX-License-Identifier: GPL-2.0
/* Placeholder: uprobe:BIN:FUNC, uretprobe:BIN:FUNC. */
#include "probe/probe.h"

const struct provider provider_uprobe = {
	.name = "uprobe",
	.alias = "u",
};

const struct provider provider_uretprobe = {
	.name = "uretprobe",
	.alias = "ur",
};
