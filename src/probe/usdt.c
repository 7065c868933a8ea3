// SPDX-License-Identifier: GPL-2.0
/* Placeholder: usdt:BIN:PROVIDER:NAME. */
#include "probe/probe.h"

const struct provider provider_usdt = {
	.name = "usdt",
	.alias = "U",
};
