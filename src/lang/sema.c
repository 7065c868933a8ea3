// SPDX-License-Identifier: GPL-2.0
/*
 * The checker: scopes, types, maps, built-ins and where they are valid.
 *
 * Maps are global and a probe may read a map that a later probe writes, so
 * the checker walks the program twice: the first walk, silent, only learns
 * the maps' key and value types from every write; the second walk checks
 * every use against them and reports.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/passes.h"
#include "lang/sema.h"

struct symbol {
	const char *name;
	struct type *type;
	bool fixed;		/* declared 'let $x: TYPE': assignments do not widen it */
	struct loc loc;
	struct symbol *next;
};

struct sema {
	struct lang_program *p;
	const struct lang_opts *o;
	struct arena *a;
	struct diags *d;
	bool quiet;		/* the first walk: learn map types, report nothing */
	bool oom;
	struct node *probe;
	const struct attach *at;
	unsigned ctx;
	struct symbol *probe_vars;	/* '$x = ...': the whole probe */
	struct symbol *let_vars;	/* 'let $x': the enclosing block */
	struct symbol *block_mark;	/* let_vars when the current block began */
	int loops;
	int callback_loops;	/* for bodies that run as a callback: no 'return' there */
	bool agg_ok;		/* checking the value of '@m[...] = ' */
	struct map_info **maps_tail;
};

struct type *probes_tp_args(struct lang_program *p, const struct attach *at);

struct arena *sema_arena(struct sema *s)
{
	return s->a;
}

const struct lang_env *sema_env(struct sema *s)
{
	return s->p->env;
}

void sema_err(struct sema *s, struct loc loc, const char *hint, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (s->quiet)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_add(s->d, DIAG_ERROR, loc, hint, "%s", msg);
}

void sema_warn(struct sema *s, struct loc loc, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (s->quiet)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_add(s->d, DIAG_WARNING, loc, NULL, "%s", msg);
}

bool sema_unsafe(struct sema *s)
{
	return s->o->unsafe;
}

unsigned sema_ctx(struct sema *s)
{
	return s->ctx;
}

const struct attach *sema_attach(struct sema *s)
{
	return s->at;
}

static struct type *ty_int(struct sema *s, uint32_t size, bool sign)
{
	struct type *t = type_int(s->a, size, sign);

	if (!t)
		s->oom = true;
	return t;
}

static struct type *ty(struct sema *s, enum type_kind k)
{
	struct type *t = type_simple(s->a, k);

	if (!t)
		s->oom = true;
	return t;
}

static char *hintf(char *buf, size_t len, const char *best)
{
	if (!best)
		return NULL;
	snprintf(buf, len, "did you mean '%s'?", best);
	return buf;
}

const char *sema_param(struct sema *s, const struct node *n)
{
	if (n->kind != N_POSPARAM || (n->flags & NF_ARGC) || n->ival == 0 ||
	    n->ival > (uint64_t)s->o->nr_params)
		return NULL;
	return s->o->params[n->ival - 1];
}

/*
 * a op b as the generated program computes it, and as bpftrace does: 64-bit
 * two's complement wrapping for + - *, UNSIGNED division and modulo (BPF's
 * BPF_DIV/BPF_MOD; INT64_MIN / -1 is 0), logical >>.  False when C leaves it
 * undefined and the checker reports it: a zero divisor, a shift count outside
 * 0..63.  All arithmetic is on uint64_t: no undefined behaviour in scry.
 */
static bool fold_binop(int op, int64_t a, int64_t b, int64_t *v)
{
	uint64_t ua = (uint64_t)a, ub = (uint64_t)b;

	switch (op) {
	case '+': *v = (int64_t)(ua + ub); return true;
	case '-': *v = (int64_t)(ua - ub); return true;
	case '*': *v = (int64_t)(ua * ub); return true;
	case '/': if (!ub) return false; *v = (int64_t)(ua / ub); return true;
	case '%': if (!ub) return false; *v = (int64_t)(ua % ub); return true;
	case '&': *v = (int64_t)(ua & ub); return true;
	case '|': *v = (int64_t)(ua | ub); return true;
	case '^': *v = (int64_t)(ua ^ ub); return true;
	case OP_SHL: if (ub > 63) return false; *v = (int64_t)(ua << ub); return true;
	case OP_SHR: if (ub > 63) return false; *v = (int64_t)(ua >> ub); return true;
	}
	return false;
}

static bool const_value(struct sema *s, struct node *n, int64_t *v)
{
	int64_t a, b;
	const char *param;
	char *end;

	switch (n->kind) {
	case N_INT:
		*v = (int64_t)n->ival;
		return true;
	case N_BOOL:
	case N_IDENT:
		*v = (int64_t)n->ival;
		return true;
	case N_POSPARAM:
		if (n->flags & NF_ARGC) {
			*v = s->o->nr_params;
			return true;
		}
		param = sema_param(s, n);
		if (!param) {
			*v = 0;
			return true;
		}
		errno = 0;
		*v = strtoll(param, &end, 0);
		return *param && !*end && !errno;
	case N_BUILTIN: {
		const struct named *e;

		for (e = s->p->enums; e; e = e->next) {
			if (!strcmp(e->name, n->name)) {
				*v = e->value;
				return true;
			}
		}
		if (lang_var_find(n->name))
			return false;
		return lang_const_find(n->name, v) ||
		       (s->p->env->kernel_enum && !s->p->env->kernel_enum(s->p->env->ctx, n->name, v));
	}
	case N_UNOP:
		if (!sema_const(s, n->l, &a))
			return false;
		switch (n->op) {
		case '-': *v = (int64_t)(0 - (uint64_t)a); return true;
		case '+': *v = a; return true;
		case '~': *v = (int64_t)~(uint64_t)a; return true;
		case '!': *v = !a; return true;
		}
		return false;
	case N_BINOP:
		if (!sema_const(s, n->l, &a) || !sema_const(s, n->r, &b))
			return false;
		return fold_binop(n->op, a, b, v);
	default:
		return false;
	}
}

bool sema_const(struct sema *s, struct node *n, int64_t *v)
{
	if (n->flags & NF_CONST) {
		*v = n->cval;
		return true;
	}
	if (!const_value(s, n, v))
		return false;
	n->flags |= NF_CONST;
	n->cval = *v;
	return true;
}

/* ---- variables ---- */

static struct symbol *var_find(struct sema *s, const char *name)
{
	struct symbol *v;

	for (v = s->let_vars; v; v = v->next)
		if (!strcmp(v->name, name))
			return v;
	for (v = s->probe_vars; v; v = v->next)
		if (!strcmp(v->name, name))
			return v;
	return NULL;
}

static struct symbol *var_add(struct sema *s, struct symbol **list, const char *name,
			      struct type *t, struct loc loc)
{
	struct symbol *v = arena_alloc(s->a, sizeof(*v));

	if (!v) {
		s->oom = true;
		return NULL;
	}
	v->name = name;
	v->type = t;
	v->loc = loc;
	v->next = *list;
	*list = v;
	return v;
}

static const char *var_suggest(struct sema *s, const char *name)
{
	const char *cands[64];
	struct symbol *v;
	size_t n = 0;

	for (v = s->let_vars; v && n < 31; v = v->next)
		cands[n++] = v->name;
	for (v = s->probe_vars; v && n < 63; v = v->next)
		cands[n++] = v->name;
	cands[n] = NULL;
	return did_you_mean(name, cands);
}

/* ---- type compatibility ---- */

/*
 * Can a slot of type *slot also hold t?  Widens *slot (integers, strings,
 * buffers) when it can.  A slot NULL is set to t.
 */
static bool unify(struct sema *s, struct type **slot, struct type *t)
{
	struct type *o = *slot, *n;
	size_t i;

	if (!t)
		return true;
	if (!o) {
		*slot = t;
		return true;
	}
	if (t->kind == TY_UNKNOWN || o->kind == TY_UNKNOWN)
		return o->kind == TY_UNKNOWN ? (*slot = t, true) : true;
	if (type_is_int(o) && type_is_int(t)) {
		if (o->kind == TY_BOOL && t->kind == TY_BOOL)
			return true;
		if (t->size > o->size || o->kind == TY_BOOL) {
			n = ty_int(s, t->size > o->size ? t->size : o->size, o->kind == TY_BOOL ? t->sign : o->sign);
			if (n)
				*slot = n;
		}
		return true;
	}
	if (o->kind == TY_PTR && (t->kind == TY_PTR || t->kind == TY_INT))
		return true;
	if (o->kind != t->kind)
		return false;
	switch (o->kind) {
	case TY_STR: case TY_BUF:
		if (t->size > o->size) {
			n = type_new(s->a, o->kind);
			if (!n) {
				s->oom = true;
				return true;
			}
			*n = *o;
			n->size = t->size;
			*slot = n;
		}
		return true;
	case TY_TUPLE: {
		struct type *copy;

		if (o->nfields != t->nfields)
			return false;
		copy = type_new(s->a, TY_TUPLE);
		if (!copy) {
			s->oom = true;
			return true;
		}
		*copy = *o;
		copy->fields = arena_alloc(s->a, sizeof(struct field) * o->nfields);
		if (!copy->fields) {
			s->oom = true;
			return true;
		}
		memcpy(copy->fields, o->fields, sizeof(struct field) * o->nfields);
		for (i = 0; i < o->nfields; i++)
			if (!unify(s, &copy->fields[i].type, t->fields[i].type))
				return false;
		*slot = copy;
		return true;
	}
	default:
		return type_equal(o, t);
	}
}

/* ---- expressions ---- */

static void expr(struct sema *s, struct node *n);
static void stmt(struct sema *s, struct node *n);
static void block(struct sema *s, struct node *n);
static void block_value(struct sema *s, struct node *n);

void sema_expr(struct sema *s, struct node *n)
{
	expr(s, n);
}

static struct type *tuple_of(struct sema *s, struct node *kids)
{
	struct type *t = type_new(s->a, TY_TUPLE);
	struct node *k;
	size_t i = 0, n = 0;

	for (k = kids; k; k = k->next)
		n++;
	if (!t || !(t->fields = arena_alloc(s->a, sizeof(struct field) * (n + 1)))) {
		s->oom = true;
		return NULL;
	}
	t->nfields = n;
	for (k = kids; k; k = k->next, i++) {
		t->fields[i].type = k->type;
		t->fields[i].offset = t->size;
		t->size += k->type ? k->type->size : 8;
	}
	return t;
}

static struct map_info *map_get(struct sema *s, struct node *n)
{
	struct map_info *m;

	for (m = s->p->maps; m; m = m->next)
		if (!strcmp(m->name, n->name))
			return m;
	m = arena_alloc(s->a, sizeof(*m));
	if (!m) {
		s->oom = true;
		return NULL;
	}
	m->name = n->name;
	m->first = n->loc;
	*s->maps_tail = m;
	s->maps_tail = &m->next;
	return m;
}

static bool storable(const struct type *t)
{
	return t && t->kind != TY_NONE && t->kind != TY_AGG &&
	       (t->kind != TY_RECORD || t->defined);
}

/* The keys of '@m[k...]': checked against the map's key type. */
static struct map_info *map_keys(struct sema *s, struct node *n)
{
	struct map_info *m = map_get(s, n);
	struct type *key = NULL;
	struct node *k;

	if (!m)
		return NULL;
	n->map = m;
	m->nr_uses++;
	for (k = n->kids; k; k = k->next) {
		expr(s, k);
		if (k->type && !storable(k->type)) {
			sema_err(s, k->loc, NULL, "a map key cannot be of type '%s'", type_name(k->type));
			return m;
		}
	}
	if (!n->kids)
		return m;
	key = n->nkids == 1 ? n->kids->type : tuple_of(s, n->kids);
	if (!key)
		return m;
	if (!unify(s, &m->key, key))
		sema_err(s, n->loc, NULL, "map '%s' has keys of type '%s', here '%s'", m->name,
			 type_name(m->key), type_name(key));
	return m;
}

static void map_no_key_check(struct sema *s, struct node *n, struct map_info *m)
{
	if (!n->kids && m->key && !s->quiet) {
		sema_err(s, n->loc, NULL, "map '%s' has keys of type '%s': it needs '%s[...]' here",
			 m->name, type_name(m->key), m->name);
	} else if (n->kids && !m->key && !s->quiet && m->nr_writes) {
		sema_err(s, n->loc, NULL, "map '%s' has no keys", m->name);
	}
}

/* A map written with a value of type t. */
static void map_write(struct sema *s, struct node *n, struct type *t, struct loc at)
{
	struct map_info *m = map_keys(s, n);

	if (!m)
		return;
	m->nr_writes++;
	n->flags |= NF_LVALUE;
	if (m->key && !n->kids && !s->quiet)
		map_no_key_check(s, n, m);
	if (t && !unify(s, &m->value, t)) {
		if (m->value->kind == TY_AGG || t->kind == TY_AGG)
			sema_err(s, at, NULL, "map '%s' holds '%s' values, here '%s'", m->name,
				 type_name(m->value), type_name(t));
		else
			sema_err(s, at, NULL, "map '%s' holds values of type '%s', here '%s'", m->name,
				 type_name(m->value), type_name(t));
	}
	n->type = m->value;
}

static const char *map_suggest(struct sema *s, const char *name)
{
	const char *cands[64];
	struct map_info *m;
	size_t n = 0;

	for (m = s->p->maps; m && n < 63; m = m->next)
		if (m->nr_writes)
			cands[n++] = m->name;
	cands[n] = NULL;
	return did_you_mean(name, cands);
}

static void map_read(struct sema *s, struct node *n)
{
	struct map_info *m = map_keys(s, n);
	char hint[128];

	if (!m)
		return;
	n->type = m->value;
	if (s->quiet)
		return;
	if (!m->nr_writes) {
		sema_err(s, n->loc, hintf(hint, sizeof(hint), map_suggest(s, m->name)),
			 "map '%s' is read but never assigned", m->name);
		n->type = ty(s, TY_UNKNOWN);
		return;
	}
	map_no_key_check(s, n, m);
	if (m->value && m->value->kind == TY_AGG) {
		switch (m->value->agg) {
		case AGG_COUNT: case AGG_SUM: case AGG_MIN: case AGG_MAX: case AGG_AVG:
			n->type = ty_int(s, 8, m->value->agg != AGG_COUNT);
			break;
		default:
			sema_err(s, n->loc, "print the whole map with print()",
				 "the value of a '%s' map cannot be read", agg_name(m->value->agg));
			n->type = ty(s, TY_UNKNOWN);
		}
	}
}

/*
 * A struct known only by name ("struct task_struct" behind curtask, a cast
 * to a kernel type): the script's definition, else the kernel's BTF through
 * the environment.  Fills rec in place; false when nobody knows its layout.
 */
static bool resolve_record(struct sema *s, struct type *rec)
{
	const struct named *r;
	struct type *out = NULL;
	const struct lang_env *env = s->p->env;

	if (!rec || rec->kind != TY_RECORD)
		return false;
	if (rec->defined)
		return true;
	if (!rec->name)
		return false;
	for (r = s->p->records; r; r = r->next) {
		if (r->type != rec && r->type->defined && !strcmp(r->name, rec->name)) {
			*rec = *r->type;
			return true;
		}
	}
	/* a user probe's: the binary's DWARF (sym/dwarf.c) first */
	if ((s->ctx & CTX_DWARF) && env && env->user_type && s->at && s->at->target &&
	    !probe_is_glob(s->at->target)) {
		if (env->user_type(env->ctx, s->a, s->at->target, rec->name, &out) == -ENOMEM)
			s->oom = true;
		if (out && out->kind == TY_RECORD && out->defined) {
			const char *name = rec->name;

			*rec = *out;
			rec->name = name;
			return true;
		}
		out = NULL;	/* not the binary's: a kernel struct (curtask's) */
	}
	if (env && env->kernel_type && !env->kernel_type(env->ctx, s->a, rec->name, &out) && out &&
	    out->kind == TY_RECORD && out->defined) {
		const char *name = rec->name;

		*rec = *out;
		rec->name = name;
		return true;
	}
	return false;
}

/* An enum type known by name ("enum x"): its constants, from the script or the kernel's BTF. */
static void resolve_enum(struct sema *s, struct type *t)
{
	const struct named *r;
	struct type *out = NULL;
	const struct lang_env *env = s->p->env;

	for (r = s->p->typedefs; r; r = r->next) {
		if (r->type != t && r->type->nenumerators && !strcmp(r->name, t->name)) {
			t->enumerators = r->type->enumerators;
			t->nenumerators = r->type->nenumerators;
			return;
		}
	}
	if (env && env->kernel_type && !env->kernel_type(env->ctx, s->a, t->name, &out) && out &&
	    out->kind == TY_INT) {
		t->enumerators = out->enumerators;
		t->nenumerators = out->nenumerators;
		t->size = out->size;
		t->sign = out->sign;
	}
}

/* t as seen through a pointer of address space user: pointers read from user memory are user's. */
static struct type *as_user(struct sema *s, struct type *t, bool user)
{
	struct type *c;

	if (!t || t->kind != TY_PTR || t->user == user || !user)
		return t;
	c = type_ptr(s->a, t->elem, true);
	if (!c)
		s->oom = true;
	return c ?: t;
}

/* What reading a member of type t gives: char[N] reads as a string. */
static struct type *member_value(struct sema *s, struct type *t, bool user)
{
	if (t && t->kind == TY_ARRAY && t->elem && t->elem->kind == TY_INT && t->elem->chr &&
	    t->nelem) {
		struct type *str = type_str(s->a, t->nelem);

		if (!str)
			s->oom = true;
		return str ?: t;
	}
	if (t && t->kind == TY_RECORD)
		resolve_record(s, t);
	if (t && t->kind == TY_INT && t->name && !t->nenumerators)
		resolve_enum(s, t);
	return as_user(s, t, user);
}

/* Is t a value that lives in memory and can be copied (a struct or an array)? */
static bool is_aggregate(const struct type *t)
{
	return t && (t->kind == TY_RECORD || t->kind == TY_ARRAY);
}

static struct field *record_field(const struct type *rec, const char *name)
{
	size_t i;

	for (i = 0; i < rec->nfields; i++)
		if (rec->fields[i].name && !strcmp(rec->fields[i].name, name))
			return &rec->fields[i];
	return NULL;
}

static const char *field_suggest(const struct type *rec, const char *name)
{
	const char *cands[128];
	size_t i, n = 0;

	for (i = 0; i < rec->nfields && n < 127; i++)
		if (rec->fields[i].name)
			cands[n++] = rec->fields[i].name;
	cands[n] = NULL;
	return did_you_mean(name, cands);
}

static const char *record_suggest(struct sema *s, const char *name)
{
	const char *cands[64];
	const struct named *r;
	size_t n = 0;

	for (r = s->p->records; r && n < 63; r = r->next)
		if (r->type->defined)
			cands[n++] = r->name;
	cands[n] = NULL;
	return did_you_mean(name, cands);
}

static void field(struct sema *s, struct node *n)
{
	struct type *t, *rec;
	struct field *f;
	char hint[128];

	expr(s, n->l);
	t = n->l->type;
	n->type = ty(s, TY_UNKNOWN);
	if (!t || t->kind == TY_UNKNOWN)
		return;
	if (n->flags & NF_INDEX) {
		if (t->kind != TY_TUPLE) {
			sema_err(s, n->loc, NULL, "'.%" PRIu64 "' needs a tuple, not '%s'", n->ival,
				 type_name(t));
			return;
		}
		if (n->ival >= t->nfields) {
			sema_err(s, n->name_loc, NULL, "tuple index %" PRIu64 " out of range: the tuple has %zu fields",
				 n->ival, t->nfields);
			return;
		}
		n->type = t->fields[n->ival].type;
		return;
	}
	rec = t;
	if (n->flags & NF_ARROW) {
		if (t->kind == TY_PTR && t->elem && t->elem->kind == TY_RECORD) {
			rec = t->elem;
		} else if (t->kind == TY_RECORD && n->l->kind == N_BUILTIN) {
			/* 'args->f': bpftrace 0.17's spelling for the argument record */
		} else if (t->kind == TY_RECORD) {
			sema_err(s, n->loc, "use '.' on a struct", "'->' used on '%s', which is not a pointer",
				 type_name(t));
			return;
		} else {
			sema_err(s, n->loc, NULL, "'->%s' needs a pointer to a struct, not '%s'", n->name,
				 type_name(t));
			return;
		}
	} else if (t->kind == TY_PTR && t->elem && t->elem->kind == TY_RECORD) {
		sema_err(s, n->loc, "use '->' on a pointer", "'.' used on '%s', which is a pointer",
			 type_name(t));
		return;
	} else if (t->kind != TY_RECORD) {
		sema_err(s, n->loc, NULL, "'.%s' needs a struct, not '%s'", n->name, type_name(t));
		return;
	}
	if (!resolve_record(s, rec)) {
		if (rec == t || n->l->kind == N_BUILTIN)
			return;	/* args of an unknown layout: unchecked */
		sema_err(s, n->loc, "define it in the script, or trace a kernel with BTF",
			 "the layout of '%s' is not known", rec->name);
		return;
	}
	f = record_field(rec, n->name);
	if (!f) {
		sema_err(s, n->name_loc, hintf(hint, sizeof(hint), field_suggest(rec, n->name)),
			 "'%s' has no field '%s'", rec->name, n->name);
		return;
	}
	n->type = member_value(s, f->type, t->kind == TY_PTR && t->user);
}

static struct type *arith_result(struct sema *s, const struct type *a, const struct type *b)
{
	bool sign = true;

	if (a->kind == TY_INT && !a->sign && a->size == 8)
		sign = false;
	if (b->kind == TY_INT && !b->sign && b->size == 8)
		sign = false;
	return ty_int(s, 8, sign);
}

static bool is_str(const struct type *t)
{
	return t && t->kind == TY_STR;
}

static void binop(struct sema *s, struct node *n)
{
	struct type *a, *b;

	expr(s, n->l);
	expr(s, n->r);
	a = n->l->type;
	b = n->r->type;
	if (!a || !b)
		return;
	switch (n->op) {
	case OP_EQ: case OP_NE: case '<': case '>': case OP_LE: case OP_GE:
		n->type = ty(s, TY_BOOL);
		if (is_str(a) && is_str(b) && (n->op == OP_EQ || n->op == OP_NE))
			return;
		if (is_aggregate(a) && (n->op == OP_EQ || n->op == OP_NE) && type_equal(a, b) &&
		    a->size == b->size)
			return;
		if (type_is_intlike(a) && type_is_intlike(b))
			return;
		if ((a->kind == TY_KSYM || a->kind == TY_USYM || a->kind == TY_INET) && type_equal(a, b))
			return;
		sema_err(s, n->loc, is_str(a) && is_str(b) ? "strings compare with == and != only" :
			 is_str(a) || is_str(b) ? "compare a string with a string: str() reads one" : NULL,
			 "cannot compare '%s' with '%s'", type_name(a), type_name(b));
		return;
	case OP_LAND: case OP_LOR:
		n->type = ty(s, TY_BOOL);
		if (!type_is_intlike(a))
			sema_err(s, n->l->loc, NULL, "'%s' needs a condition, not '%s'", op_str(n->op),
				 type_name(a));
		else if (!type_is_intlike(b))
			sema_err(s, n->r->loc, NULL, "'%s' needs a condition, not '%s'", op_str(n->op),
				 type_name(b));
		return;
	}
	if ((n->op == '+' || n->op == '-') && a->kind == TY_PTR && type_is_int(b)) {
		n->type = a;
		return;
	}
	if (!type_is_intlike(a) || !type_is_intlike(b)) {
		struct node *bad = !type_is_intlike(a) ? n->l : n->r;

		sema_err(s, bad->loc, NULL, "'%s' needs integers, not '%s'", op_str(n->op),
			 type_name(bad->type));
		n->type = ty(s, TY_UNKNOWN);
		return;
	}
	if ((n->op == '/' || n->op == '%')) {
		int64_t v;

		if (sema_const(s, n->r, &v) && v == 0)
			sema_err(s, n->r->loc, NULL, "%s by zero", n->op == '/' ? "division" : "modulo");
	}
	if (n->op == OP_SHL || n->op == OP_SHR) {
		int64_t v;

		if (sema_const(s, n->r, &v) && (v < 0 || v > 63))
			sema_err(s, n->r->loc, "the count of a shift is 0 to 63",
				 "shift count %lld is out of range", (long long)v);
	}
	n->type = arith_result(s, a, b);
}

static void unop(struct sema *s, struct node *n)
{
	struct type *t;

	expr(s, n->l);
	t = n->l->type;
	if (!t)
		return;
	switch (n->op) {
	case '!':
		n->type = ty(s, TY_BOOL);
		if (!type_is_intlike(t))
			sema_err(s, n->loc, NULL, "'!' needs an integer or a condition, not '%s'", type_name(t));
		return;
	case '*':
		if (t->kind == TY_PTR) {
			n->type = t->elem && t->elem->kind != TY_NONE ? t->elem : ty_int(s, 8, false);
			n->type = member_value(s, n->type, t->user);
			if (n->type->kind == TY_RECORD && !resolve_record(s, n->type))
				sema_err(s, n->loc, "define it in the script, or trace a kernel with BTF",
					 "the layout of '%s' is not known", n->type->name);
			return;
		}
		if (t->kind == TY_UNKNOWN || t->kind == TY_INT) {
			n->type = ty_int(s, 8, false);
			return;
		}
		sema_err(s, n->loc, NULL, "'*' needs a pointer, not '%s'", type_name(t));
		n->type = ty(s, TY_UNKNOWN);
		return;
	case '&':
		if (n->l->kind != N_FIELD && n->l->kind != N_INDEX && n->l->kind != N_UNOP &&
		    n->l->kind != N_VAR && n->l->kind != N_MAP) {
			sema_err(s, n->loc, NULL, "'&' needs a field, an element or a variable");
			n->type = ty(s, TY_UNKNOWN);
			return;
		}
		{
			/* the address space of the memory the member or element is in */
			const struct node *b = n->l;
			bool user = false;

			while (b && (b->kind == N_FIELD || b->kind == N_INDEX) && b->l && b->l->type &&
			       b->l->type->kind != TY_PTR)
				b = b->l;
			if (b && b->l && b->l->type && b->l->type->kind == TY_PTR)
				user = b->l->type->user;
			n->type = type_ptr(s->a, t, user);
		}
		if (!n->type)
			s->oom = true;
		return;
	default:
		if (!type_is_intlike(t)) {
			sema_err(s, n->loc, NULL, "'%s' needs an integer, not '%s'", op_str(n->op),
				 type_name(t));
			n->type = ty(s, TY_UNKNOWN);
			return;
		}
		n->type = ty_int(s, 8, n->op == '-' ? true : t->kind == TY_INT ? t->sign || t->size < 8 : true);
	}
}

/*
 * The 'args' of a tracepoint probe: the event's record, or for several
 * events the fields they all have with the same type.  NULL when a format
 * is not known (wildcards, no tracefs): then args is unchecked.
 */
static struct type *tp_args(struct sema *s)
{
	struct type *first = NULL, *rec, *merged;
	struct node *at;
	size_t i;
	bool same = true;

	for (at = s->probe->kids; at; at = at->next) {
		rec = probes_tp_args(s->p, at->attach);
		if (!rec)
			return NULL;
		if (!first)
			first = rec;
		else if (rec != first)
			same = false;
	}
	if (same)
		return first;
	merged = type_new(s->a, TY_RECORD);
	if (!merged || !(merged->fields = arena_alloc(s->a, sizeof(struct field) * (first->nfields + 1)))) {
		s->oom = true;
		return NULL;
	}
	merged->name = "struct tracepoint args";
	merged->defined = true;
	for (i = 0; i < first->nfields; i++) {
		const struct field *f = &first->fields[i];

		for (at = s->probe->kids; at; at = at->next) {
			const struct type *r = probes_tp_args(s->p, at->attach);
			size_t j;

			for (j = 0; j < r->nfields; j++)
				if (!strcmp(r->fields[j].name, f->name) && type_equal(r->fields[j].type, f->type))
					break;
			if (j == r->nfields)
				break;
		}
		if (!at)
			merged->fields[merged->nfields++] = *f;
	}
	return merged;
}

/*
 * uprobe/uretprobe: the function's parameters and return type from the
 * binary's DWARF, asked of the env once per attach point and only when the
 * program uses them.  0, or what the env said (-ENODATA: no debug
 * information; -ENOENT: no such function in it; -EOPNOTSUPP: nothing to
 * ask (wildcards, an offset) or the env cannot say: args stays unchecked).
 */
static int user_ask(struct sema *s, struct attach *at)
{
	const struct lang_env *env = s->p->env;
	int err;

	if (at->user_asked)
		return at->user_err;
	at->user_asked = true;
	if (!env->user_func_args || !at->target || !at->func || !*at->func || at->offset ||
	    probe_is_glob(at->target) || probe_is_glob(at->func))
		return at->user_err = -EOPNOTSUPP;
	err = env->user_func_args(env->ctx, s->a, at->target, at->func, &at->user_args);
	if (!err && env->user_func_ret)
		err = env->user_func_ret(env->ctx, s->a, at->target, at->func, &at->user_ret);
	if (err == -ENOMEM)
		s->oom = true;
	return at->user_err = err;
}

static void user_ask_err(struct sema *s, struct node *n, const struct attach *at, int err)
{
	if (err == -ENODATA)
		sema_err(s, n->loc, "build it with -g, or install its debug package",
			 "'%s' needs the debug information of '%s': none found (in the binary, by "
			 "build id, by debuglink)", n->name, at->target);
	else if (err == -ENOENT)
		sema_err(s, n->loc, NULL, "function '%s' is not in the debug information of '%s'",
			 at->func, at->target);
	else if (err == -EINVAL)
		sema_err(s, n->loc, NULL, "'%s' needs the debug information of '%s', which is "
			 "corrupted", n->name, at->target);
	else if (err != -EOPNOTSUPP && err != -ENOMEM)
		sema_err(s, n->loc, NULL, "cannot read the debug information of '%s': %s", at->target,
			 strerror(-err));
}

/* The typed 'args' (or, ret, retval) of a user probe; NULL: unchecked, or an error reported. */
static struct type *user_typed(struct sema *s, struct node *n, bool ret)
{
	struct type *first = NULL, *t;
	struct node *k;
	int err;

	for (k = s->probe->kids; k; k = k->next) {
		err = user_ask(s, k->attach);
		if (err) {
			if (!ret)	/* retval without DWARF is what it always was: 64 bits */
				user_ask_err(s, n, k->attach, err);
			return NULL;
		}
		t = ret ? k->attach->user_ret : k->attach->user_args;
		if (!t)
			return NULL;
		if (first && !type_equal(first, t)) {
			sema_err(s, n->loc, "give them a probe each",
				 "'%s' differs between the functions of this probe", n->name);
			return NULL;
		}
		first = t;
	}
	return first;
}

static void builtin(struct sema *s, struct node *n)
{
	const struct lang_var *v = lang_var_find(n->name);
	const struct named *e;
	char hint[128];

	if (!v) {
		for (e = s->p->enums; e; e = e->next) {
			if (!strcmp(e->name, n->name)) {
				n->kind = N_IDENT;
				n->type = ty_int(s, 8, true);
				if (n->type && e->type) {
					/* of its enum type: '%s' prints its name */
					n->type->enumerators = e->type->enumerators;
					n->type->nenumerators = e->type->nenumerators;
				}
				n->ival = (uint64_t)e->value;
				return;
			}
		}
		{
			int64_t cv;

			if (lang_const_find(n->name, &cv) ||
			    (s->p->env->kernel_enum &&
			     !s->p->env->kernel_enum(s->p->env->ctx, n->name, &cv))) {
				n->kind = N_IDENT;
				n->type = ty_int(s, 8, true);
				n->ival = (uint64_t)cv;
				return;
			}
		}
		if (lang_func_find(n->name))
			sema_err(s, n->loc, NULL, "'%s' is a function: call it as '%s()'", n->name, n->name);
		else
			sema_err(s, n->loc, hintf(hint, sizeof(hint), did_you_mean(n->name, lang_builtin_names())),
				 "unknown identifier '%s'", n->name);
		n->type = ty(s, TY_UNKNOWN);
		return;
	}
	if (v->ctx && !(s->ctx & v->ctx)) {
		static const struct {
			unsigned ctx;
			const char *where;
		} wh[] = {
			{ CTX_RETVAL, "return probes (kretprobe, uretprobe, fexit)" },
			{ CTX_ARGS, "probes with typed arguments (tracepoint, fentry, fexit, uprobe)" },
			{ CTX_FUNC, "probes on a function (kprobe, uprobe, fentry...)" },
			{ CTX_ARGN, "kprobe, uprobe, usdt and rawtracepoint probes" },
		};
		size_t i;

		for (i = 0; i < sizeof(wh) / sizeof(wh[0]) && !(wh[i].ctx & v->ctx); i++)
			;
		sema_err(s, n->loc, NULL, "'%s' is valid only in %s, not in %s probes", n->name,
			 i < sizeof(wh) / sizeof(wh[0]) ? wh[i].where : "some probes",
			 s->at && s->at->provider ? s->at->provider : "these");
		n->type = ty(s, TY_UNKNOWN);
		return;
	}
	/* iter: ctx points to the iterator's BTF record, typed by the provider */
	if (!strcmp(n->name, "ctx") && s->at && s->at->ctx_type && s->probe->kids &&
	    !s->probe->kids->next) {
		n->type = s->at->ctx_type;
		return;
	}
	if (!strcmp(n->name, "args") && (s->ctx & (CTX_TP | CTX_BTF))) {
		n->type = tp_args(s);
		if (n->type)
			return;
	}
	if ((s->ctx & CTX_DWARF) && ((!strcmp(n->name, "args") && (s->ctx & CTX_ARGS)) ||
				      (!strcmp(n->name, "retval") && (s->ctx & CTX_RETVAL)))) {
		n->type = user_typed(s, n, n->name[0] == 'r');
		if (n->type)
			return;
	}
	n->type = v->type(s);
	if (!n->type)
		s->oom = true;
}

static void call(struct sema *s, struct node *n)
{
	const struct lang_func *f = lang_func_find(n->name);
	struct node *args[16], *a;
	bool agg_ok = s->agg_ok, bad = false;
	int nargs = 0;
	char hint[160];

	s->agg_ok = false;
	n->type = ty(s, TY_UNKNOWN);
	if (!f) {
		for (a = n->kids; a; a = a->next)
			expr(s, a);
		sema_err(s, n->loc, hintf(hint, sizeof(hint), did_you_mean(n->name, lang_builtin_names())),
			 "unknown function '%s'", n->name);
		return;
	}
	n->func = f;
	n->type = ty(s, TY_NONE);
	for (a = n->kids; a; a = a->next) {
		if (nargs == 16) {
			sema_err(s, a->loc, NULL, "too many arguments");
			return;
		}
		args[nargs++] = a;
	}
	if (nargs < f->min_args || (f->max_args >= 0 && nargs > f->max_args)) {
		snprintf(hint, sizeof(hint), "the form is '%s'", f->usage);
		for (a = n->kids; a; a = a->next)
			if (!(f->flags & (LF_RAW | LF_MAP_ARG)))
				expr(s, a);
		sema_err(s, n->loc, hint, "%s() takes %s%d argument%s, %d given", n->name,
			 f->max_args < 0 ? "at least " : f->min_args == f->max_args ? "" : "up to ",
			 f->max_args < 0 || f->min_args == f->max_args ? f->min_args : f->max_args,
			 (f->max_args < 0 || f->min_args == f->max_args ? f->min_args : f->max_args) == 1
				 ? "" : "s", nargs);
		n->type = ty(s, TY_UNKNOWN);
		return;
	}
	if ((f->flags & LF_AGG) && !agg_ok) {
		snprintf(hint, sizeof(hint), "write it as '@name[keys] = %s(...)'", n->name);
		sema_err(s, n->loc, hint, "%s() is an aggregation: it can only be assigned to a map",
			 n->name);
		bad = true;
	}
	if (f->ctx && !(s->ctx & f->ctx))
		sema_err(s, n->loc, NULL, "%s() is not valid in %s probes", n->name,
			 s->at && s->at->provider ? s->at->provider : "these");
	if (f->flags & LF_MAP_ARG) {
		sema_map_arg(s, n, args[0], f->flags & LF_KEYED_MAP);
		for (a = args[0]->next; a && !(f->flags & LF_RAW); a = a->next)
			expr(s, a);
	} else if (!(f->flags & LF_RAW)) {
		for (a = n->kids; a; a = a->next)
			expr(s, a);
	}
	f->check(s, n, args, nargs);
	if (!n->type)
		s->oom = true;
	else if (bad)
		n->type = ty(s, TY_UNKNOWN);	/* reported: no follow-up errors */
}

void sema_map_arg(struct sema *s, struct node *call, struct node *m, bool keyed_ok)
{
	struct map_info *mi;
	char hint[128];

	if (m->kind != N_MAP) {
		expr(s, m);
		sema_err(s, m->loc, NULL, "%s() needs a map as argument 1", call->name);
		return;
	}
	if (m->kids && !keyed_ok) {
		sema_err(s, m->loc, NULL, "%s() takes the whole map: write '%s', not '%s[...]'",
			 call->name, m->name, m->name);
		return;
	}
	mi = map_keys(s, m);
	if (!mi)
		return;
	m->type = mi->value;
	if (s->quiet)
		return;
	if (!mi->nr_writes)
		sema_err(s, m->loc, hintf(hint, sizeof(hint), map_suggest(s, mi->name)),
			 "map '%s' is used but never assigned", mi->name);
	else if (m->kids && !mi->key)
		sema_err(s, m->loc, NULL, "map '%s' has no keys", mi->name);
}

static void cast(struct sema *s, struct node *n)
{
	struct type *to = n->cast_type, *from;

	expr(s, n->l);
	from = n->l->type;
	n->type = to;
	if (to->kind == TY_PTR && !to->user) {
		/*
		 * The address space: a pointer's own; uptr()/kptr() of an
		 * integer; else the probe's (user-space probes read the traced
		 * process's memory).
		 */
		bool user = s->ctx & CTX_USER;

		if (from && from->kind == TY_PTR)
			user = from->user;
		else if (n->l->kind == N_CALL && n->l->name && !strcmp(n->l->name, "uptr"))
			user = true;
		else if (n->l->kind == N_CALL && n->l->name && !strcmp(n->l->name, "kptr"))
			user = false;
		n->type = to = as_user(s, to, user);
	}
	if (to->kind == TY_INT && to->name && !to->nenumerators)
		resolve_enum(s, to);
	if (!from || from->kind == TY_UNKNOWN) {
		if (to->kind == TY_PTR && to->elem && to->elem->kind == TY_RECORD)
			resolve_record(s, to->elem);
		return;
	}
	if (to->kind == TY_PTR && to->elem && to->elem->kind == TY_RECORD &&
	    !resolve_record(s, to->elem)) {
		char hint[128];

		const char *best = record_suggest(s, to->elem->name);

		sema_err(s, n->loc, best ? hintf(hint, sizeof(hint), best) :
			 "define it in the script; the kernel's types come from its BTF",
			 "unknown type '%s'", to->elem->name);
		n->type = ty(s, TY_UNKNOWN);
		return;
	}
	if (to->kind == TY_INT || to->kind == TY_PTR || to->kind == TY_BOOL) {
		if (!type_is_intlike(from))
			sema_err(s, n->loc, NULL, "cannot cast '%s' to '%s'", type_name(from), type_name(to));
		return;
	}
	if (to->kind == TY_ARRAY && to->elem &&
	    (to->elem->kind == TY_INT || (to->elem->kind == TY_ARRAY && to->elem->elem &&
					   to->elem->elem->kind == TY_INT))) {
		if (!(type_is_int(from) && from->size == to->size) &&
		    !(from->kind == TY_ARRAY && from->size == to->size))
			sema_err(s, n->loc, "the sizes must match", "cannot cast '%s' to '%s'",
				 type_name(from), type_name(to));
		return;
	}
	sema_err(s, n->loc, to->kind == TY_RECORD ? "cast to a pointer: '(struct x *)'" : NULL,
		 "cannot cast to '%s'", type_name(to));
	n->type = ty(s, TY_UNKNOWN);
}

static void ternary(struct sema *s, struct node *n)
{
	struct type *t;

	expr(s, n->x);
	if (n->l)
		expr(s, n->l);
	expr(s, n->r);
	if (n->x->type && !type_is_intlike(n->x->type))
		sema_err(s, n->x->loc, NULL, "the condition must be an integer or a comparison, not '%s'",
			 type_name(n->x->type));
	t = n->l ? n->l->type : n->x->type;
	n->type = t;
	if (!t || !n->r->type)
		return;
	if (type_is_int(t) && type_is_int(n->r->type)) {
		n->type = arith_result(s, t, n->r->type);
		return;
	}
	if (!unify(s, &n->type, n->r->type))
		sema_err(s, n->loc, NULL, "the branches have different types: '%s' and '%s'",
			 type_name(t), type_name(n->r->type));
}

/* Constants are folded once, here (sema_const() marks n): the code generator reads cval. */
static void fold(struct sema *s, struct node *n)
{
	int64_t v;

	if (type_is_intlike(n->type))
		sema_const(s, n, &v);
}

static void expr(struct sema *s, struct node *n)
{
	struct type *t;

	if (!n || s->oom)
		return;
	switch (n->kind) {
	case N_INT:
		n->type = ty_int(s, 8, n->ival <= INT64_MAX);
		break;
	case N_BOOL:
		n->type = lang_bool_type(s->a);	/* true/false print as such */
		if (!n->type)
			s->oom = true;
		break;
	case N_STR:
		n->type = type_str(s->a, (uint32_t)n->slen + 1);
		break;
	case N_POSPARAM: {
		const char *param = sema_param(s, n);
		int64_t v;

		n->type = ty_int(s, 8, true);
		if (param && !sema_const(s, n, &v))
			sema_err(s, n->loc, "read it as a string with str($N)",
				 "positional parameter $%" PRIu64 " is '%s', not a number", n->ival, param);
		fold(s, n);
		break;
	}
	case N_VAR: {
		struct symbol *v = var_find(s, n->name);
		char hint[128];

		if (!v) {
			sema_err(s, n->loc, hintf(hint, sizeof(hint), var_suggest(s, n->name)),
				 "variable '%s' used before assignment", n->name);
			n->type = ty(s, TY_UNKNOWN);
			break;
		}
		n->sym = v;
		n->type = v->type;
		break;
	}
	case N_MAP:
		map_read(s, n);
		break;
	case N_BUILTIN:
		builtin(s, n);
		fold(s, n);
		break;
	case N_CALL:
		call(s, n);
		break;
	case N_UNOP:
		unop(s, n);
		fold(s, n);
		break;
	case N_BINOP:
		binop(s, n);
		fold(s, n);
		break;
	case N_TERNARY:
		ternary(s, n);
		break;
	case N_CAST:
		cast(s, n);
		break;
	case N_FIELD:
		field(s, n);
		break;
	case N_INDEX:
		expr(s, n->l);
		expr(s, n->r);
		t = n->l->type;
		n->type = ty(s, TY_UNKNOWN);
		if (n->r->type && !type_is_int(n->r->type))
			sema_err(s, n->r->loc, NULL, "an index must be an integer, not '%s'",
				 type_name(n->r->type));
		if (!t || t->kind == TY_UNKNOWN)
			break;
		if (t->kind == TY_PTR || t->kind == TY_ARRAY) {
			int64_t v;

			n->type = t->elem && t->elem->kind != TY_NONE ? t->elem : ty_int(s, 1, false);
			n->type = member_value(s, n->type, t->user);
			if (t->kind == TY_PTR && n->type->kind == TY_RECORD && !resolve_record(s, n->type))
				sema_err(s, n->loc, "define it in the script, or trace a kernel with BTF",
					 "the layout of '%s' is not known", n->type->name);
			if (t->kind == TY_ARRAY && sema_const(s, n->r, &v) && (v < 0 || (uint64_t)v >= t->nelem))
				{
				char h[64];

				snprintf(h, sizeof(h), "its indexes are 0 to %u", t->nelem ? t->nelem - 1 : 0);
				sema_err(s, n->r->loc, h, "index %" PRId64 " is out of bounds of '%s'", v,
					 type_name(t));
			}
		} else if (t->kind == TY_STR || t->kind == TY_BUF) {
			n->type = ty_int(s, 1, t->kind == TY_STR);
		} else {
			sema_err(s, n->loc, NULL, "'[]' needs a pointer or an array, not '%s'", type_name(t));
		}
		break;
	case N_TUPLE: {
		struct node *k;

		for (k = n->kids; k; k = k->next) {
			expr(s, k);
			if (k->type && (k->type->kind == TY_NONE || k->type->kind == TY_AGG))
				sema_err(s, k->loc, NULL, "a tuple cannot hold '%s'", type_name(k->type));
		}
		n->type = tuple_of(s, n->kids);
		break;
	}
	case N_SIZEOF:
		if (n->l)
			expr(s, n->l);
		t = n->l ? n->l->type : n->cast_type;
		n->type = ty_int(s, 8, false);
		if (t && t->kind == TY_RECORD && !resolve_record(s, t)) {
			char hint[128];

			sema_err(s, n->loc, hintf(hint, sizeof(hint), record_suggest(s, t->name)),
				 "unknown type '%s'", t->name);
			break;
		}
		n->flags |= NF_CONST;
		n->cval = t ? type_sizeof(t) : 0;
		break;
	case N_OFFSETOF: {
		struct type *rec = n->cast_type;
		char path[256], *tok, *save = NULL;

		uint64_t off = 0;

		n->type = ty_int(s, 8, false);
		if (!rec || rec->kind != TY_RECORD) {
			sema_err(s, n->loc, NULL, "offsetof() needs a struct, not '%s'", type_name(rec));
			break;
		}
		snprintf(path, sizeof(path), "%s", n->name);
		for (tok = strtok_r(path, ".", &save); tok; tok = strtok_r(NULL, ".", &save)) {
			struct field *f;
			char hint[128];

			if (!rec || !resolve_record(s, rec)) {
				sema_err(s, n->loc, NULL, "the layout of '%s' is not known",
					 rec ? rec->name : tok);
				off = 0;
				break;
			}
			f = record_field(rec, tok);
			if (!f) {
				sema_err(s, n->loc, hintf(hint, sizeof(hint), field_suggest(rec, tok)),
					 "'%s' has no field '%s'", rec->name, tok);
				break;
			}
			off += f->offset;
			rec = f->type->kind == TY_RECORD ? f->type : NULL;
		}
		n->flags |= NF_CONST;
		n->cval = (int64_t)off;
		break;
	}
	case N_INCDEC:
		if (n->l->kind != N_MAP && n->l->kind != N_VAR) {
			sema_err(s, n->loc, NULL, "'%s%s' needs a map or a variable", op_str(n->op),
				 op_str(n->op));
			expr(s, n->l);
			n->type = ty(s, TY_UNKNOWN);
			break;
		}
		if (n->l->kind == N_MAP) {
			struct map_info *m = map_get(s, n->l);

			if (m && m->value && m->value->kind != TY_INT && m->value->kind != TY_UNKNOWN &&
			    !(m->value->kind == TY_AGG && m->value->agg == AGG_COUNT))
				sema_err(s, n->loc, NULL, "'%s%s' needs an integer map; '%s' holds '%s'",
					 op_str(n->op), op_str(n->op), m->name, type_name(m->value));
			else
				map_write(s, n->l, m && m->value ? m->value : ty_int(s, 8, true), n->loc);
		} else {
			expr(s, n->l);
			if (n->l->type && !type_is_int(n->l->type))
				sema_err(s, n->loc, NULL, "'%s%s' needs an integer, not '%s'", op_str(n->op),
					 op_str(n->op), type_name(n->l->type));
		}
		n->type = n->l->type ?: ty_int(s, 8, true);
		break;
	case N_IDENT:
		/* an enum or header constant, resolved by the first walk (keeps its enum type) */
		if (!n->type || n->type->kind != TY_INT)
			n->type = ty_int(s, 8, true);
		fold(s, n);
		break;
	case N_BLOCKEXPR:
		block_value(s, n);
		break;
	default:
		sema_err(s, n->loc, NULL, "unexpected statement in an expression");
	}
	if (!n->type && !s->oom)
		n->type = ty(s, TY_UNKNOWN);
}

/* ---- statements ---- */

/* { stmts; value }: a scope of its own; its type is the value's (none without one). */
static void block_value(struct sema *s, struct node *n)
{
	struct symbol *saved = s->let_vars, *mark = s->block_mark;
	struct node *k;

	s->block_mark = s->let_vars;
	for (k = n->l ? n->l->kids : NULL; k && !s->oom; k = k->next)
		stmt(s, k);
	if (n->r) {
		expr(s, n->r);
		n->type = n->r->type;
	} else {
		n->type = ty(s, TY_NONE);
	}
	s->let_vars = saved;
	s->block_mark = mark;
}

/* Can a variable declared with type to take a value of type t? */
static bool fits(struct sema *s, struct type *to, struct type *t)
{
	struct type *slot = to;

	if (type_is_int(to) && type_is_int(t))
		return true;
	if (to->kind == TY_STR && t->kind == TY_STR)
		return t->size <= to->size;
	return unify(s, &slot, t) && type_equal(slot, to);
}

static void assign(struct sema *s, struct node *n)
{
	struct node *l = n->l;
	struct type *t;

	s->agg_ok = n->op == 0 && l->kind == N_MAP;
	expr(s, n->r);
	s->agg_ok = false;
	t = n->r->type;
	if (!t)
		return;
	if (t->kind == TY_NONE) {
		sema_err(s, n->r->loc, n->r->kind == N_BLOCKEXPR ?
			 "a block's value is its last expression, with no ';' after it" : NULL,
			 "'%s' has no value to assign", n->r->kind == N_CALL ? n->r->name :
			 n->r->kind == N_BLOCKEXPR ? "this block" : "this");
		return;
	}
	if (n->op) {
		if (!type_is_intlike(t)) {
			sema_err(s, n->r->loc, NULL, "'%s=' needs an integer, not '%s'", op_str(n->op),
				 type_name(t));
			return;
		}
		t = ty_int(s, 8, true);
	}
	if (t->kind == TY_RECORD && !t->defined) {
		sema_err(s, n->r->loc, "store a pointer to it, or its fields",
			 "a struct of unknown layout cannot be assigned");
		return;
	}
	if (l->kind == N_MAP) {
		if (n->op) {
			struct map_info *m = map_get(s, l);

			if (m && m->value && !type_is_int(m->value) &&
			    !(m->value->kind == TY_AGG && m->value->agg == AGG_COUNT)) {
				sema_err(s, n->loc, NULL, "'%s=' needs an integer map; '%s' holds '%s'",
					 op_str(n->op), m->name, type_name(m->value));
				return;
			}
		}
		map_write(s, l, t, n->r->loc);
		n->type = NULL;
		return;
	}
	if (l->kind != N_VAR || !l->name) {
		/* what a macro's variable parameter became, for one */
		sema_err(s, l->loc, NULL, "cannot assign to this: a variable or a map is needed");
		return;
	}
	/* a variable */
	{
		struct symbol *v = var_find(s, l->name);

		if (!v) {
			if (n->op) {
				sema_err(s, l->loc, NULL, "variable '%s' used before assignment", l->name);
				return;
			}
			v = var_add(s, &s->probe_vars, l->name, t, l->loc);
		} else if (v->fixed ? !fits(s, v->type, t) : !unify(s, &v->type, t)) {
			sema_err(s, n->r->loc, NULL, "variable '%s' is '%s', cannot assign '%s'",
				 l->name, type_name(v->type), type_name(t));
		}
		if (t->kind == TY_AGG)
			sema_err(s, n->r->loc, "aggregations live in maps: '@name = ...'",
				 "'%s' cannot hold '%s'", l->name, type_name(t));
		l->sym = v;
		l->type = v ? v->type : NULL;
		l->flags |= NF_LVALUE;
	}
}

static void let(struct sema *s, struct node *n)
{
	struct type *t = n->cast_type;

	if (n->r) {
		expr(s, n->r);
		if (n->r->type && n->r->type->kind == TY_NONE) {
			sema_err(s, n->r->loc, NULL, "'%s' has no value to assign",
				 n->r->kind == N_CALL ? n->r->name : "this");
		} else if (t && n->r->type) {
			struct type *slot = t;

			if (!unify(s, &slot, n->r->type) ||
			    (type_is_int(t) && n->r->kind != N_INT && n->r->type->size > t->size))
				sema_err(s, n->r->loc, NULL, "'%s' is declared '%s', cannot assign '%s'",
					 n->name, type_name(t), type_name(n->r->type));
		} else {
			t = n->r->type;
		}
	}
	/* 'let $x;': the first assignment gives the type (unify() of a NULL slot) */
	n->type = NULL;
	{
		struct symbol *v;

		for (v = s->let_vars; v && v != s->block_mark; v = v->next) {
			if (!strcmp(v->name, n->name)) {
				sema_err(s, n->loc, NULL, "variable '%s' is already declared in this block",
					 n->name);
				break;
			}
		}
		n->sym = var_add(s, &s->let_vars, n->name, t, n->loc);
		if (n->sym)
			n->sym->fixed = n->cast_type != NULL;
	}
}

static void cond(struct sema *s, struct node *c, const char *what)
{
	expr(s, c);
	if (c->type && !type_is_intlike(c->type))
		sema_err(s, c->loc, is_str(c->type) ? "compare it: '== \"...\"' or strncmp()" : NULL,
			 "the condition of '%s' must be an integer or a comparison, not '%s'", what,
			 type_name(c->type));
}

static void stmt(struct sema *s, struct node *n)
{
	int64_t v;

	if (s->oom)
		return;
	switch (n->kind) {
	case N_EXPR:
		expr(s, n->l);
		break;
	case N_ASSIGN:
		assign(s, n);
		break;
	case N_LET:
		let(s, n);
		break;
	case N_BLOCK:
		block(s, n);
		break;
	case N_IF:
		cond(s, n->x, "if");
		block(s, n->l);
		if (n->r)
			stmt(s, n->r);
		break;
	case N_WHILE:
		cond(s, n->x, "while");
		s->loops++;
		block(s, n->l);
		s->loops--;
		break;
	case N_UNROLL:
		expr(s, n->x);
		if (!sema_const(s, n->x, &v) || v < 1 || v > 100)
			sema_err(s, n->x->loc, NULL, "unroll needs a constant from 1 to 100");
		else
			n->ival = (uint64_t)v;
		block(s, n->l);
		break;
	case N_FOR: {
		struct symbol *saved = s->let_vars;
		struct type *t = NULL;

		if (n->x->kind == N_RANGE) {
			expr(s, n->x->l);
			expr(s, n->x->r);
			if (n->x->l->type && !type_is_int(n->x->l->type))
				sema_err(s, n->x->l->loc, NULL, "a range needs integers, not '%s'",
					 type_name(n->x->l->type));
			if (n->x->r->type && !type_is_int(n->x->r->type))
				sema_err(s, n->x->r->loc, NULL, "a range needs integers, not '%s'",
					 type_name(n->x->r->type));
			n->x->type = ty_int(s, 8, true);
			t = n->x->type;
		} else if (n->x->kind == N_MAP && !n->x->kids) {
			struct map_info *m = map_keys(s, n->x);

			n->x->type = m ? m->value : NULL;
			if (m && m->value && m->value->kind == TY_AGG &&
			    (m->value->agg == AGG_HIST || m->value->agg == AGG_LHIST ||
			     m->value->agg == AGG_STATS)) {
				sema_err(s, n->x->loc, NULL,
					 "a loop cannot iterate over '%s': a %s() map has several values per key",
					 m->name, agg_name(m->value->agg));
			} else if (m && !m->nr_writes && !s->quiet) {
				char hint[128];

				sema_err(s, n->x->loc, hintf(hint, sizeof(hint), map_suggest(s, m->name)),
					 "map '%s' is read but never assigned", m->name);
			} else if (m && !m->key && !s->quiet) {
				sema_err(s, n->x->loc, NULL, "'for' needs a map with keys; '%s' has none",
					 m->name);
			} else if (m && m->key && m->value) {
				struct type *tu = type_new(s->a, TY_TUPLE);

				if (!tu || !(tu->fields = arena_alloc(s->a, 2 * sizeof(struct field)))) {
					s->oom = true;
					break;
				}
				tu->nfields = 2;
				tu->fields[0].type = m->key;
				tu->fields[1].type = m->value;
				/* count, sum, min, max, avg are read as integers */
				if (m->value->kind == TY_AGG && m->value->agg <= AGG_MAX)
					tu->fields[1].type = ty_int(s, 8, m->value->agg != AGG_COUNT);
				t = tu;
			}
		} else {
			expr(s, n->x);
			sema_err(s, n->x->loc, NULL, "'for' iterates over a map ('@m') or a range ('a..b')");
		}
		if (var_find(s, n->name))
			sema_err(s, n->name_loc, NULL, "the loop's variable '%s' shadows a variable of "
				 "the same name", n->name);
		n->sym = var_add(s, &s->let_vars, n->name, t ?: ty(s, TY_UNKNOWN), n->name_loc);
		n->type = NULL;
		n->cast_type = t;	/* the variable's type, for the code generator */
		s->loops++;
		s->callback_loops++;
		block(s, n->l);
		s->callback_loops--;
		s->loops--;
		s->let_vars = saved;
		break;
	}
	case N_BREAK: case N_CONTINUE:
		if (!s->loops)
			sema_err(s, n->loc, NULL, "'%s' outside a loop", n->kind == N_BREAK ? "break" : "continue");
		break;
	case N_RETURN:
		if (s->callback_loops)
			sema_err(s, n->loc, NULL, "'return' is not allowed in the body of a 'for' loop");
		if (n->l) {
			expr(s, n->l);
			if (n->l->type && !type_is_int(n->l->type))
				sema_err(s, n->l->loc, NULL, "a probe returns an integer, not '%s'",
					 type_name(n->l->type));
		}
		break;
	default:
		sema_err(s, n->loc, NULL, "unexpected statement");
	}
}

static void block(struct sema *s, struct node *n)
{
	struct symbol *saved = s->let_vars, *mark = s->block_mark;
	struct node *k;

	s->block_mark = s->let_vars;
	for (k = n->kids; k && !s->oom; k = k->next)
		stmt(s, k);
	s->let_vars = saved;
	s->block_mark = mark;
}

static void probe(struct sema *s, struct node *n)
{
	struct node *at;

	s->probe = n;
	s->probe_vars = NULL;
	s->let_vars = NULL;
	s->block_mark = NULL;
	s->loops = 0;
	s->callback_loops = 0;
	s->at = n->kids ? n->kids->attach : NULL;
	/* A built-in must be valid in every attach point of the probe. */
	s->ctx = ~0u;
	for (at = n->kids; at; at = at->next)
		s->ctx &= at->attach && at->attach->prov ? at->attach->prov->ctx : 0;
	if (n->x) {
		expr(s, n->x);
		if (n->x->type && !type_is_intlike(n->x->type))
			sema_err(s, n->x->loc, NULL, "a predicate must be an integer or a comparison, not '%s'",
				 type_name(n->x->type));
	}
	block(s, n->l);
}

static void config_set(struct sema *s, const char *key, struct node *v);

static void config(struct sema *s, struct node *n)
{
	static const char *const keys[] = {
		"max_map_keys", "max_strlen", "max_bpf_progs", "max_probes", "max_type_res_iterations",
		"log_size", "perf_rb_pages", "stack_mode", "str_trunc_trailer", "print_maps_on_exit",
		"on_stack_limit", "missing_probes", "cache_user_symbols", "cpp_demangle",
		"lazy_symbolication", "license", "unstable_map_decl", "unstable_macro", "symbol_source",
		"show_debug_info", "use_blazesym", NULL,
	};
	struct node *k;
	char hint[128];

	for (k = n->kids; k; k = k->next) {
		const char *key = k->l->name;
		size_t i;

		if (!strncmp(key, "BPFTRACE_", 9))
			key += 9;
		for (i = 0; keys[i] && strcasecmp(keys[i], key); i++)
			;
		if (!keys[i])
			sema_err(s, k->l->loc, hintf(hint, sizeof(hint), did_you_mean(key, keys)),
				 "unknown config key '%s'", k->l->name);
		/* values are literals or bare words (stack_mode = perf) */
		if (k->r->kind != N_BUILTIN)
			expr(s, k->r);
		if (keys[i])
			config_set(s, keys[i], k->r);
	}
}

/* ---- the configuration: defaults, the config block, the environment ---- */

static const char *const stack_modes[] = { "bpftrace", "perf", "raw", NULL };
static const char *const missing_modes[] = { "error", "warn", "ignore", NULL };

static int word_index(const char *const *words, const char *w)
{
	int i;

	for (i = 0; w && words[i]; i++)
		if (!strcmp(words[i], w))
			return i;
	return -1;
}

/* "true"/"false"/"1"/"0" -> 1/0, else -1 */
static int bool_word(const char *w)
{
	if (!w)
		return -1;
	if (!strcmp(w, "true") || !strcmp(w, "1"))
		return 1;
	if (!strcmp(w, "false") || !strcmp(w, "0"))
		return 0;
	return -1;
}

/* Sets one key of the config block (key as in the checker's table) from its value v. */
static void config_set(struct sema *s, const char *key, struct node *v)
{
	struct lang_config *c = &s->p->config;
	const char *word = v->kind == N_BUILTIN || v->kind == N_IDENT ? v->name :
			   v->kind == N_STR ? v->str : NULL;
	int64_t num = 0;
	bool is_num = sema_const(s, v, &num) && v->kind != N_BOOL;
	int i;

	if (!strcmp(key, "stack_mode") || !strcmp(key, "missing_probes")) {
		const char *const *w = key[0] == 's' ? stack_modes : missing_modes;

		i = word_index(w, word);
		if (i < 0)
			sema_err(s, v->loc, key[0] == 's' ? "stack_mode is bpftrace, perf or raw" :
				 "missing_probes is error, warn or ignore",
				 "invalid value for config key '%s'", key);
		else if (key[0] == 's')
			c->stack_mode = i;
		else
			c->missing_probes = i;
		return;
	}
	if (!strcmp(key, "print_maps_on_exit")) {
		i = v->kind == N_BOOL ? (int)v->ival : is_num ? (num != 0) : bool_word(word);
		if (i < 0)
			sema_err(s, v->loc, NULL, "config key '%s' is true or false", key);
		else
			c->print_maps_on_exit = i;
		return;
	}
	if (!strcmp(key, "str_trunc_trailer")) {
		if (v->kind != N_STR)
			sema_err(s, v->loc, NULL, "config key '%s' is a string", key);
		else
			c->str_trunc_trailer = v->str;
		return;
	}
	if (!strcmp(key, "max_strlen") || !strcmp(key, "max_map_keys") ||
	    !strcmp(key, "perf_rb_pages") || !strcmp(key, "log_size") ||
	    !strcmp(key, "max_cat_bytes") || !strcmp(key, "on_stack_limit")) {
		if (!is_num || num < 0 || num > (1ll << 30)) {
			sema_err(s, v->loc, NULL, "config key '%s' is a number from 0 to %d", key,
				 1 << 30);
			return;
		}
		if (!strcmp(key, "max_strlen")) {
			if (num < 1 || num > 8192)
				sema_err(s, v->loc, "strings up to 8192 bytes are read",
					 "max_strlen must be from 1 to 8192");
			else
				c->max_strlen = (uint32_t)num;
		} else if (!strcmp(key, "max_map_keys")) {
			if (num < 1)
				sema_err(s, v->loc, NULL, "max_map_keys must be at least 1");
			else
				c->max_map_keys = (uint32_t)num;
		} else if (!strcmp(key, "perf_rb_pages")) {
			c->perf_rb_pages = (uint64_t)num;
		} else if (!strcmp(key, "log_size")) {
			c->log_size = (uint64_t)num;
		} else if (!strcmp(key, "max_cat_bytes")) {
			c->max_cat_bytes = (uint64_t)num;
		} else {
			c->on_stack_limit = (uint32_t)num;
		}
	}
	/* the other keys are accepted as bpftrace's; they change nothing in scry */
}

/* bpftrace's defaults, the config blocks, then BPFTRACE_* from the environment. */
static void config_all(struct sema *s)
{
	const struct lang_env *e = s->p->env;
	struct lang_config *c = &s->p->config;
	struct node *n;
	int i;

	*c = (struct lang_config){ .max_strlen = 64, .max_map_keys = 4096, .max_cat_bytes = 10240,
				   .on_stack_limit = 32, .print_maps_on_exit = true,
				   .str_trunc_trailer = ".." };
	for (n = s->p->ast->kids; n; n = n->next)
		if (n->kind == N_CONFIG)
			config(s, n);
	if (e->max_strlen)
		c->max_strlen = e->max_strlen > 8192 ? 8192 : e->max_strlen;
	if (e->map_keys_max)
		c->max_map_keys = e->map_keys_max;
	if (e->perf_rb_pages)
		c->perf_rb_pages = e->perf_rb_pages;
	if (e->log_size)
		c->log_size = e->log_size;
	if (e->max_cat_bytes)
		c->max_cat_bytes = e->max_cat_bytes;
	if (e->on_stack_limit)
		c->on_stack_limit = e->on_stack_limit;
	if ((i = word_index(stack_modes, e->stack_mode)) >= 0)
		c->stack_mode = i;
	if ((i = word_index(missing_modes, e->missing_probes)) >= 0)
		c->missing_probes = i;
	if ((i = bool_word(e->print_maps_on_exit)) >= 0)
		c->print_maps_on_exit = i;
	if (e->str_trunc_trailer)
		c->str_trunc_trailer = e->str_trunc_trailer;
}

uint32_t sema_max_strlen(struct sema *s)
{
	return s->p->config.max_strlen;
}

static void walk(struct sema *s)
{
	struct node *n;

	for (n = s->p->ast->kids; n && !s->oom; n = n->next) {
		struct node *at;

		for (at = n->kids; n->kind == N_PROBE && at; at = at->next)
			if (!at->attach || !at->attach->prov)
				break;
		if (n->kind == N_PROBE && !at)
			probe(s, n);
	}
}

/*
 * let @m = hash(N)...: the map's BPF type and size.  As bpftrace: values
 * live in hash and lruhash maps, aggregations in the per-CPU kinds.
 */
static void map_decls(struct sema *s)
{
	static const struct {
		const char *name;
		uint32_t type;
		bool percpu;
	} kinds[] = {
		{ "hash", BPF_MAP_TYPE_HASH, false },
		{ "lruhash", BPF_MAP_TYPE_LRU_HASH, false },
		{ "percpuhash", BPF_MAP_TYPE_PERCPU_HASH, true },
		{ "percpulruhash", BPF_MAP_TYPE_LRU_PERCPU_HASH, true },
	};
	struct node *n, *d;
	struct map_info *m;
	size_t i;

	for (n = s->p->ast->kids; n; n = n->next) {
		bool agg;

		if (n->kind != N_MAPDECL)
			continue;
		for (d = s->p->ast->kids; d != n; d = d->next)
			if (d->kind == N_MAPDECL && !strcmp(d->name, n->name))
				break;
		if (d != n) {
			sema_err(s, n->name_loc, NULL, "map '%s' is declared twice", n->name);
			continue;
		}
		for (m = s->p->maps; m && strcmp(m->name, n->name); m = m->next)
			;
		if (!m || !m->value) {
			diag_add(s->d, DIAG_WARNING, n->name_loc, NULL,
				 "map '%s' is declared but never used", n->name);
			continue;
		}
		for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]) && strcmp(kinds[i].name, n->str); i++)
			;
		if (i == sizeof(kinds) / sizeof(kinds[0]))
			continue;	/* the parser knows only these */
		agg = m->value->kind == TY_AGG;
		if (agg != kinds[i].percpu) {
			sema_err(s, n->loc, agg ? "aggregations (count(), sum()...) live in percpuhash "
				 "and percpulruhash maps" : "values live in hash and lruhash maps",
				 "map '%s' is declared '%s' but holds '%s'", n->name, n->str,
				 type_name(m->value));
			continue;
		}
		if (!m->key && n->ival != 1)
			sema_err(s, n->loc, "a map without keys holds one element",
				 "map '%s' has no keys: its size must be 1", n->name);
		m->decl_type = kinds[i].type;
		m->decl_entries = (uint32_t)n->ival;
	}
}

int sema_check(struct lang_program *p, const struct lang_opts *o)
{
	struct sema s = { .p = p, .o = o, .a = p->arena, .d = &p->diags };
	unsigned errs = p->diags.nr_errors;
	struct map_info *m;

	s.maps_tail = &p->maps;
	config_all(&s);		/* before the probes: max_strlen sizes their strings */
	s.quiet = true;
	walk(&s);
	for (m = p->maps; m; m = m->next)
		m->nr_uses = 0;
	s.quiet = false;
	walk(&s);
	if (s.oom)
		return -ENOMEM;
	map_decls(&s);
	/* "@mpa used only once" next to an "@map": most likely a typo */
	for (m = p->maps; m; m = m->next) {
		const char *cands[64], *best;
		struct map_info *other;
		size_t k = 0;
		char hint[128];

		if (m->nr_uses != 1 || !m->nr_writes || strlen(m->name) < 4)
			continue;
		for (other = p->maps; other && k < 63; other = other->next)
			if (other != m && other->nr_uses > 1)
				cands[k++] = other->name;
		cands[k] = NULL;
		best = did_you_mean(m->name, cands);
		if (best)
			diag_add(s.d, DIAG_WARNING, m->first, hintf(hint, sizeof(hint), best),
				 "map '%s' is used only once", m->name);
	}
	return p->diags.nr_errors > errs ? -EINVAL : 0;
}

bool want_int(struct sema *s, const struct node *call, struct node *arg, int i)
{
	if (!arg->type || type_is_intlike(arg->type))
		return true;
	sema_err(s, arg->loc, arg->type->kind == TY_STR && arg->kind == N_STR ? NULL : NULL,
		 "%s(): argument %d must be an integer, not '%s'", call->name, i + 1,
		 type_name(arg->type));
	return false;
}

bool want_str(struct sema *s, const struct node *call, struct node *arg, int i)
{
	if (!arg->type || arg->type->kind == TY_STR || arg->type->kind == TY_UNKNOWN)
		return true;
	sema_err(s, arg->loc, type_is_intlike(arg->type) ? "read a string from a pointer with str()" : NULL,
		 "%s(): argument %d must be a string, not '%s'", call->name, i + 1, type_name(arg->type));
	return false;
}

bool want_literal_str(struct sema *s, const struct node *call, struct node *arg, int i)
{
	if (arg->kind == N_STR)
		return true;
	sema_err(s, arg->loc, NULL, "%s(): argument %d must be a string literal", call->name, i + 1);
	return false;
}
