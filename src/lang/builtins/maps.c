// SPDX-License-Identifier: GPL-2.0
/* Aggregations and whole-map functions: count() ... lhist(), print, clear, zero, delete... */
#include <string.h>

#include "lang/sema.h"

static void agg(struct sema *s, struct node *call, enum agg_kind k)
{
	call->type = type_agg(sema_arena(s), k);
}

static void check_count(struct sema *s, struct node *call, struct node **args, int nargs)
{
	agg(s, call, AGG_COUNT);
}

static void check_sum(struct sema *s, struct node *call, struct node **args, int nargs)
{
	enum agg_kind k = !strcmp(call->name, "sum") ? AGG_SUM : !strcmp(call->name, "avg") ? AGG_AVG :
			  !strcmp(call->name, "min") ? AGG_MIN : !strcmp(call->name, "max") ? AGG_MAX :
			  !strcmp(call->name, "stats") ? AGG_STATS : AGG_HIST;

	want_int(s, call, args[0], 0);
	if (k == AGG_HIST && nargs == 2) {
		int64_t v;

		if (!sema_const(s, args[1], &v) || v < 0 || v > 5)
			sema_err(s, args[1]->loc, NULL, "hist(): the bucket exponent must be a constant from 0 to 5");
	}
	agg(s, call, k);
}

static void check_lhist(struct sema *s, struct node *call, struct node **args, int nargs)
{
	static const char *const what[] = { NULL, "min", "max", "step" };
	int64_t v[4] = { 0 };
	int i;

	want_int(s, call, args[0], 0);
	for (i = 1; i < 4; i++) {
		if (!sema_const(s, args[i], &v[i])) {
			sema_err(s, args[i]->loc, NULL, "lhist(): %s must be a constant integer", what[i]);
			goto out;
		}
	}
	if (v[1] < 0)
		sema_err(s, args[1]->loc, NULL, "lhist(): min must not be negative");
	else if (v[2] <= v[1])
		sema_err(s, args[2]->loc, NULL, "lhist(): max must be greater than min");
	else if (v[3] <= 0)
		sema_err(s, args[3]->loc, NULL, "lhist(): step must be positive");
	else if ((v[2] - v[1]) / v[3] > 1000)
		sema_err(s, args[3]->loc, "use a larger step", "lhist(): more than 1000 buckets");
out:
	agg(s, call, AGG_LHIST);
}

static void check_none(struct sema *s, struct node *call, struct node **args, int nargs)
{
	call->type = type_simple(sema_arena(s), TY_NONE);
}

static void check_delete(struct sema *s, struct node *call, struct node **args, int nargs)
{
	struct node *m = args[0];

	call->type = type_simple(sema_arena(s), TY_NONE);
	if (m->kind != N_MAP)
		return;
	if (nargs == 2 && m->kids)
		sema_err(s, call->loc, NULL, "delete(): write 'delete(%s[key])' or 'delete(%s, key)'",
			 m->name, m->name);
	/* The key of 'delete(@m, k)' must match the map's keys like '@m[k]' does. */
	if (m->map && m->map->key && nargs == 1 && !m->kids)
		sema_err(s, m->loc, "name the element: 'delete(@m[key])' or 'delete(@m, key)'",
			 "delete(): map '%s' has keys", m->name);
	if (m->map && nargs == 2 && !m->map->key && m->map->nr_writes)
		sema_err(s, args[1]->loc, NULL, "delete(): map '%s' has no keys", m->name);
	if (m->map && nargs == 2 && m->map->key && args[1]->type &&
	    args[1]->type->kind != m->map->key->kind && args[1]->type->kind != TY_UNKNOWN &&
	    !(type_is_int(args[1]->type) && type_is_int(m->map->key)))
		sema_err(s, args[1]->loc, NULL, "delete(): map '%s' has keys of type '%s', here '%s'",
			 m->name, type_name(m->map->key), type_name(args[1]->type));
}

static void check_has_key(struct sema *s, struct node *call, struct node **args, int nargs)
{
	struct node *m = args[0];

	call->type = type_simple(sema_arena(s), TY_BOOL);
	if (m->kind == N_MAP && m->map && !m->map->key && m->map->nr_writes)
		sema_err(s, m->loc, NULL, "has_key(): map '%s' has no keys", m->name);
	else if (m->kind == N_MAP && m->map && m->map->key && args[1]->type &&
		 args[1]->type->kind != m->map->key->kind && args[1]->type->kind != TY_UNKNOWN &&
		 !(type_is_int(args[1]->type) && type_is_int(m->map->key)))
		sema_err(s, args[1]->loc, NULL, "has_key(): map '%s' has keys of type '%s', here '%s'",
			 m->name, type_name(m->map->key), type_name(args[1]->type));
}

static void check_len(struct sema *s, struct node *call, struct node **args, int nargs)
{
	const struct map_info *mi = args[0]->kind == N_MAP ? args[0]->map : NULL;

	call->type = type_int(sema_arena(s), 8, true);
	/* A histogram's elements in the kernel are its (key, bucket) pairs, not its keys. */
	if (mi && mi->value && mi->value->kind == TY_AGG &&
	    (mi->value->agg == AGG_HIST || mi->value->agg == AGG_LHIST))
		sema_err(s, args[0]->loc, "count the keys in a map of count() beside it",
			 "len(): '%s' is a %s map: scry cannot count its keys in the kernel",
			 mi->name, agg_name(mi->value->agg));
}

static void check_print(struct sema *s, struct node *call, struct node **args, int nargs)
{
	int i;

	call->type = type_simple(sema_arena(s), TY_NONE);
	if (args[0]->kind != N_MAP || args[0]->kids) {
		sema_expr(s, args[0]);
		if (args[0]->type && args[0]->type->kind == TY_NONE)
			sema_err(s, args[0]->loc, NULL, "print(): nothing to print");
		if (nargs > 1)
			sema_err(s, args[1]->loc, NULL, "print(): top and div apply only to a whole map");
	} else {
		sema_map_arg(s, call, args[0], false);
	}
	for (i = 1; i < nargs; i++) {
		sema_expr(s, args[i]);
		want_int(s, call, args[i], i);
	}
}

/* ---- code generation ---- */

static struct cg_val none(struct pcg *p)
{
	return cg_reg(cgb_imm(p, 0));
}

/* '@m[k] = count()' and the others: codegen/maps.c updates the map's value in place. */
static struct cg_val agg_gen(struct pcg *p, const struct node *e)
{
	cgb_aggregate(p, e);
	return cg_reg(-1);	/* a statement: no value (the checker allows no other use) */
}

/* print(@m[, top[, div]]), clear(@m), zero(@m): user space does it, when the event arrives. */
static struct cg_val map_event(struct pcg *p, const struct node *e, enum cevent kind)
{
	const struct node *m = cgb_arg(e, 0), *top = cgb_arg(e, 1), *div = cgb_arg(e, 2);
	int32_t w[2] = { 0, 0 };
	int64_t v;

	if (!m || m->kind != N_MAP || !m->map) {
		cgb_error(p, e, "this takes a map");
		return none(p);
	}
	if (top && cgb_const(p, top, &v))
		w[0] = (int32_t)v;
	else if (top)
		cgb_error(p, top, "print(): top must be a constant");
	if (div && cgb_const(p, div, &v))
		w[1] = (int32_t)v;
	else if (div)
		cgb_error(p, div, "print(): div must be a constant");
	/* bpftrace 0.17 prints a stats() map whole and undivided, whatever top and div say */
	if (m->map->value && m->map->value->kind == TY_AGG && m->map->value->agg == AGG_STATS)
		w[0] = w[1] = 0;
	cgb_event_imms(p, kind, cgb_map_id(p, m), 2, w);
	return none(p);
}

static struct cg_val print_gen(struct pcg *p, const struct node *e)
{
	const struct node *a = cgb_arg(e, 0);
	int id;

	if (a->kind == N_MAP && !a->kids)
		return map_event(p, e, CEV_PRINT_MAP);
	/* print(value): the value travels, user space prints it as bpftrace does */
	id = cgb_format(p, e, "", 0, &a, 1, PF_PRINTF);
	if (id >= 0)
		cgb_event_args(p, CEV_PRINT_VALUE, id, &a, 1);
	return none(p);
}

static struct cg_val clear_gen(struct pcg *p, const struct node *e)
{
	return map_event(p, e, CEV_CLEAR_MAP);
}

static struct cg_val zero_gen(struct pcg *p, const struct node *e)
{
	return map_event(p, e, CEV_ZERO_MAP);
}

static struct cg_val delete_gen(struct pcg *p, const struct node *e)
{
	cgb_map_delete(p, e);
	return none(p);
}

static struct cg_val has_key_gen(struct pcg *p, const struct node *e)
{
	return cgb_map_has_key(p, e);
}

/* The kernel counts a hash map's elements: bpf_map_sum_elem_count(). */
static struct cg_val len_gen(struct pcg *p, const struct node *e)
{
	int m = cgb_map_ptr(p, cgb_arg(e, 0)), r = cgb_kfunc(p, "bpf_map_sum_elem_count", 1, &m);

	if (r < 0) {
		cgb_error(p, e, "len() needs the kernel function bpf_map_sum_elem_count "
			  "(Linux 6.6 or later, with BTF)");
		return none(p);
	}
	return cg_reg(r);
}

const struct lang_func func_count = { "count", 0, 0, LF_AGG, 0, "count()", check_count, agg_gen };
const struct lang_func func_sum = { "sum", 1, 1, LF_AGG, 0, "sum(N)", check_sum, agg_gen };
const struct lang_func func_avg = { "avg", 1, 1, LF_AGG, 0, "avg(N)", check_sum, agg_gen };
const struct lang_func func_min = { "min", 1, 1, LF_AGG, 0, "min(N)", check_sum, agg_gen };
const struct lang_func func_max = { "max", 1, 1, LF_AGG, 0, "max(N)", check_sum, agg_gen };
const struct lang_func func_stats = { "stats", 1, 1, LF_AGG, 0, "stats(N)", check_sum, agg_gen };
const struct lang_func func_hist = { "hist", 1, 2, LF_AGG, 0, "hist(N[, BITS])", check_sum, agg_gen };
const struct lang_func func_lhist = { "lhist", 4, 4, LF_AGG, 0, "lhist(N, MIN, MAX, STEP)",
				      check_lhist, agg_gen };
const struct lang_func func_clear = { "clear", 1, 1, LF_MAP_ARG, 0, "clear(@map)", check_none,
				      clear_gen };
const struct lang_func func_zero = { "zero", 1, 1, LF_MAP_ARG, 0, "zero(@map)", check_none, zero_gen };
const struct lang_func func_delete = { "delete", 1, 2, LF_MAP_ARG | LF_KEYED_MAP, 0,
				       "delete(@map[KEY]) or delete(@map, KEY)", check_delete,
				       delete_gen };
const struct lang_func func_has_key = { "has_key", 2, 2, LF_MAP_ARG, 0, "has_key(@map, KEY)",
					check_has_key, has_key_gen };
const struct lang_func func_len = { "len", 1, 1, LF_MAP_ARG, 0, "len(@map)", check_len, len_gen };
const struct lang_func func_print = { "print", 1, 3, LF_RAW, 0, "print(@map[, TOP[, DIV]]) or print(VALUE)",
				      check_print, print_gen };
