// SPDX-License-Identifier: GPL-2.0
/* Did-you-mean hints: the language's checker and the probe resolvers share them. */
#include <string.h>

#include "util/suggest.h"

unsigned edit_distance(const char *a, const char *b)
{
	unsigned row[64], pprev[64], i, j, la = strlen(a), lb = strlen(b);

	if (la >= 63 || lb >= 63)
		return 100;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		unsigned prev = row[0], tmp, cur[64];

		row[0] = i;
		memcpy(cur, row, sizeof(cur));
		for (j = 1; j <= lb; j++) {
			unsigned best = prev + (a[i - 1] != b[j - 1]);

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			/* a swap of two neighbours ("pdi") counts as one edit */
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    pprev[j - 2] + 1 < best)
				best = pprev[j - 2] + 1;
			tmp = row[j];
			row[j] = best;
			prev = tmp;
		}
		memcpy(pprev, cur, sizeof(pprev));
	}
	return row[lb];
}

const char *did_you_mean(const char *word, const char *const *cands)
{
	const char *best = NULL;
	unsigned bd = 100, limit = strlen(word) <= 4 ? 1 : 2;

	for (; *cands; cands++) {
		unsigned dist = edit_distance(word, *cands);

		if (dist < bd && strcmp(word, *cands)) {
			bd = dist;
			best = *cands;
		}
	}
	return bd <= limit ? best : NULL;
}
