/* SPDX-License-Identifier: GPL-2.0 */
/* Did-you-mean hints, for every layer that names things back to the user. */
#ifndef SCRY_UTIL_SUGGEST_H
#define SCRY_UTIL_SUGGEST_H

/* Levenshtein distance (a swap of neighbours counts one), capped at 100. */
unsigned edit_distance(const char *a, const char *b);
/* The closest of cands (NULL-terminated) within a small distance, or NULL. */
const char *did_you_mean(const char *word, const char *const *cands);

#endif
