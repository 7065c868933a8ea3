// SPDX-License-Identifier: GPL-2.0
/*
 * Macros, as current bpftrace has them:
 *
 *	macro inc($x) { $x += 1; $x }	macro set(@m) { @m[1] = 2; }
 *
 * A call is replaced by a copy of the macro's body, a block expression whose
 * value is its last expression.  A variable parameter given a variable
 * stands for that variable (assignments reach it); given any other
 * expression, the expression is put where the parameter is used.  A map
 * parameter stands for the map given.  The macro's own variables get names
 * of their own in each expansion, so they never meet the caller's
 * (hygiene).  A bare name that is a macro without parameters is a call.
 * Macros may call macros, in any order of definition; a macro reached again
 * from its own expansion is refused with the chain of calls.
 *
 * Runs between the parser and the checker, on the AST alone.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lang/passes.h"

#define MACRO_DEPTH 32
#define MACRO_NODES 200000	/* nodes all expansions may make: a($x) { $x + $x } nests 2^N */

struct expander {
	struct lang_program *p;
	struct arena *a;
	struct diags *d;
	const struct node *stack[MACRO_DEPTH];
	int depth;
	unsigned serial;
	size_t nodes;
	bool oom;
	bool too_big;		/* reported */
};

/* One expansion: the macro, its arguments, and the suffix of its own variables. */
struct subst {
	const struct node *m;
	const struct node *args[16];
	unsigned serial;
};

static const struct node *find_macro(const struct expander *x, const char *name)
{
	const struct node *n;

	for (n = x->p->ast->kids; n; n = n->next)
		if (n->kind == N_MACRO && !strcmp(n->name, name))
			return n;
	return NULL;
}

static int param_index(const struct subst *s, const struct node *n)
{
	const struct node *k;
	int i = 0;

	for (k = s->m->kids; k; k = k->next, i++)
		if (k->kind == n->kind && !strcmp(k->name, n->name))
			return i;
	return -1;
}

static struct node *clone(struct expander *x, const struct node *n, const struct subst *s);

static struct node *clone_list(struct expander *x, const struct node *k, const struct subst *s,
			       struct node *parent)
{
	for (; k && !x->oom; k = k->next) {
		struct node *c = clone(x, k, s);

		if (!c)
			return NULL;
		c->next = NULL;
		node_append(parent, c);
	}
	return parent;
}

/* The macro's own variable "$y" in expansion s: "$y_m<serial>". */
static const char *own_name(struct expander *x, const char *name, const struct subst *s)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s_m%u", name, s->serial);
	return arena_strdup(x->a, buf);
}

/* A deep copy of n; with s, the body of a macro being expanded. */
static struct node *clone(struct expander *x, const struct node *n, const struct subst *s)
{
	struct node *c;
	int i;

	if (!n)
		return NULL;
	if (s && (n->kind == N_VAR || n->kind == N_MAP) && (i = param_index(s, n)) >= 0) {
		const struct node *arg = s->args[i];

		if (n->kind == N_VAR && arg->kind != N_VAR)
			return clone(x, arg, NULL);	/* the expression itself */
		c = clone(x, arg, NULL);
		if (c && n->kind == N_MAP && n->kids) {	/* @m[k] in the body: the keys are the body's */
			c->kids = NULL;
			c->nkids = 0;
			if (!clone_list(x, n->kids, s, c))
				return NULL;
		}
		if (c)
			c->loc = n->loc;
		return c;
	}
	if (s && n->kind == N_MAP) {	/* hygiene: a macro sees only the maps it is given */
		diag_add(x->d, DIAG_ERROR, n->loc, "pass the map as a parameter: macro f(@m)",
			 "macro '%s' uses map '%s', which is not one of its parameters", s->m->name,
			 n->name);
		return NULL;
	}
	if (++x->nodes > MACRO_NODES) {
		if (!x->too_big)
			diag_add(x->d, DIAG_ERROR, n->loc, NULL, "macro expansion too large (over %d nodes)",
				 MACRO_NODES);
		x->too_big = true;
		return NULL;
	}
	c = arena_alloc(x->a, sizeof(*c));
	if (!c) {
		x->oom = true;
		return NULL;
	}
	*c = *n;
	c->next = NULL;
	c->kids = NULL;
	c->nkids = 0;
	if (s && (n->kind == N_VAR || n->kind == N_LET || n->kind == N_FOR) && n->name &&
	    n->name[0] == '$') {
		c->name = own_name(x, n->name, s);
		if (!c->name) {
			x->oom = true;
			return NULL;
		}
	}
	if ((n->x && !(c->x = clone(x, n->x, s))) || (n->l && !(c->l = clone(x, n->l, s))) ||
	    (n->r && !(c->r = clone(x, n->r, s))))
		return NULL;
	if (n->kids && !clone_list(x, n->kids, s, c))
		return NULL;
	return c;
}

static void expand(struct expander *x, struct node *n);

/* Replaces call n (N_CALL, or a bare name) by the expansion of macro m. */
static void expand_call(struct expander *x, struct node *n, const struct node *m)
{
	struct subst s = { .m = m, .serial = ++x->serial };
	struct node *body, *next = n->next;
	const struct node *a, *k;
	size_t nargs = n->kind == N_CALL ? n->nkids : 0, i;
	char chain[512];
	int d;

	if (nargs != m->nkids) {
		diag_add(x->d, DIAG_ERROR, n->loc, NULL, "macro '%s' takes %zu argument%s, got %zu",
			 m->name, m->nkids, m->nkids == 1 ? "" : "s", nargs);
		return;
	}
	if (nargs > sizeof(s.args) / sizeof(s.args[0])) {
		diag_add(x->d, DIAG_ERROR, n->loc, NULL, "macro '%s' has too many parameters", m->name);
		return;
	}
	for (d = 0; d < x->depth; d++) {
		size_t len = 0;

		if (x->stack[d] != m)
			continue;
		for (; d < x->depth; d++)
			len += (size_t)snprintf(chain + len, len < sizeof(chain) ? sizeof(chain) - len : 0,
						"%s > ", x->stack[d]->name);
		snprintf(chain + (len < sizeof(chain) ? len : sizeof(chain) - 1),
			 len < sizeof(chain) ? sizeof(chain) - len : 1, "%s", m->name);
		diag_add(x->d, DIAG_ERROR, n->loc, "a macro cannot expand to itself",
			 "recursive macro call: %s", chain);
		return;
	}
	if (x->depth == MACRO_DEPTH) {
		diag_add(x->d, DIAG_ERROR, n->loc, NULL, "macros nested too deeply");
		return;
	}
	for (a = n->kind == N_CALL ? n->kids : NULL, k = m->kids, i = 0; a && k;
	     a = a->next, k = k->next, i++) {
		if (k->kind == N_MAP && (a->kind != N_MAP || a->kids)) {
			diag_add(x->d, DIAG_ERROR, a->loc, NULL,
				 "macro '%s': the argument for '%s' must be a map", m->name, k->name);
			return;
		}
		s.args[i] = a;
	}
	body = clone(x, m->l, &s);
	if (!body)
		return;
	x->stack[x->depth++] = m;
	expand(x, body);
	x->depth--;
	body->loc = n->loc;
	*n = *body;
	n->next = next;
}

/* Expands every macro call under n, arguments first. */
static void expand(struct expander *x, struct node *n)
{
	const struct node *m;
	struct node *k;

	if (!n || x->oom)
		return;
	expand(x, n->x);
	expand(x, n->l);
	expand(x, n->r);
	for (k = n->kids; k; k = k->next)
		expand(x, k);
	if ((n->kind == N_CALL || n->kind == N_BUILTIN || n->kind == N_IDENT) && n->name &&
	    (m = find_macro(x, n->name)))
		expand_call(x, n, m);
}

int macros_expand(struct lang_program *p)
{
	struct expander x = { .p = p, .a = p->arena, .d = &p->diags };
	unsigned errs = p->diags.nr_errors;
	struct node *n;

	for (n = p->ast->kids; n; n = n->next) {
		const struct node *first;

		if (n->kind != N_MACRO)
			continue;
		first = find_macro(&x, n->name);
		if (first != n)
			diag_add(x.d, DIAG_ERROR, n->name_loc, NULL,
				 "macro '%s' is defined twice (first at line %u)", n->name,
				 first->loc.line);
	}
	for (n = p->ast->kids; n && !x.oom; n = n->next)
		if (n->kind == N_PROBE)
			expand(&x, n);
	if (x.oom)
		return -ENOMEM;
	return p->diags.nr_errors > errs ? -EINVAL : 0;
}
