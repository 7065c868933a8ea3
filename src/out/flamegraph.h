/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Flame graphs: stacks with counts merged into a tree, written as folded
 * stacks ("main;a;b;c 42", what flamegraph.pl, speedscope and inferno read)
 * or as a self-contained interactive SVG (hover shows the frame and its
 * share, click zooms, Ctrl-F / the Search button highlights).
 */
#ifndef SCRY_OUT_FLAMEGRAPH_H
#define SCRY_OUT_FLAMEGRAPH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct fg_node {
	char *name;
	uint64_t total;		/* samples in this frame and below */
	struct fg_node *children;	/* first child */
	struct fg_node *next;	/* next sibling */
};

/* A zeroed struct flamegraph is empty and valid. */
struct flamegraph {
	struct fg_node root;	/* unnamed; root.total = all samples */
};

/* frames[0] is the outermost caller (e.g. "main"), frames[n-1] the leaf.  0 or -ENOMEM. */
int flamegraph_add(struct flamegraph *fg, const char *const *frames, size_t n, uint64_t count);

/*
 * One folded line, "a;b;c 12" (the count after the last space).  Returns 0,
 * -EINVAL for a line without a count, -ENOMEM.
 */
int flamegraph_add_folded(struct flamegraph *fg, const char *line);

/* Folded stacks, one line per distinct stack, children in name order. */
void flamegraph_write_folded(const struct flamegraph *fg, FILE *f);

struct fg_svg_opts {
	const char *title;	/* NULL: "Flame Graph" */
	const char *subtitle;	/* NULL: none */
	unsigned int width;	/* 0: 1200 */
	const char *unit;	/* "samples" when NULL */
};

/* The SVG document.  Returns 0 or -EIO when writing failed. */
int flamegraph_write_svg(const struct flamegraph *fg, FILE *f, const struct fg_svg_opts *opts);

/* Frees every node; fg is empty afterwards. */
void flamegraph_release(struct flamegraph *fg);

#endif
