// SPDX-License-Identifier: GPL-2.0
/*
 * Attach points: which provider, which target and function, positional
 * parameters replaced; tracepoint arguments typed from the format file that
 * the environment hands over (never read here directly: the front end is pure).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/lex.h"
#include "lang/passes.h"
#include "lang/sema.h"
#include "mech/tracefs.h"
#include "util/strbuf.h"

/* The tracepoint formats the program uses, read once each. */
struct tp_cache {
	char *cat, *event;
	int err;
	struct tp_format fmt;
	struct type *rec;
	struct tp_cache *next;
};

void tp_cache_free(struct tp_cache *c);

void tp_cache_free(struct tp_cache *c)
{
	while (c) {
		struct tp_cache *n = c->next;

		tp_format_release(&c->fmt);
		free(c->cat);
		free(c->event);
		free(c);
		c = n;
	}
}

/* A struct known by name only: the checker asks for its layout when a program looks inside. */
static struct type *named_record(struct arena *a, const char *name)
{
	struct type *t = type_new(a, TY_RECORD);

	if (t)
		t->name = arena_strdup(a, name);
	return t;
}

/* A C type from a format file ("const char *", "unsigned long") as a scry type. */
static struct type *tp_field_type(struct arena *a, const struct tp_field *f, bool user)
{
	struct type *t, *base;
	char word[64] = "";
	const char *s = f->type, *e;
	uint32_t size = 1;
	bool sign = true;
	size_t n;

	if ((f->flags & TP_FIELD_DATA_LOC) || (f->flags & TP_FIELD_ARRAY)) {
		bool chars = !strcmp(f->type, "char") || !strcmp(f->type, "const char") ||
			     !strcmp(f->type, "unsigned char");

		if (f->flags & TP_FIELD_DATA_LOC)
			return chars ? type_str(a, 64) : type_simple(a, TY_UNKNOWN);
		if (chars)
			return type_str(a, f->array_len ? f->array_len : 1);
		t = type_new(a, TY_ARRAY);
		if (!t)
			return NULL;
		t->nelem = f->array_len;
		base = f->array_len ? type_int(a, f->size / f->array_len ?: 1, f->flags & TP_FIELD_SIGNED)
				    : type_int(a, 1, false);
		t->elem = base;
		t->size = f->size;
		if (!base || !t->elem || (t->elem->size != 1 && t->elem->size != 2 &&
					  t->elem->size != 4 && t->elem->size != 8))
			return type_simple(a, TY_UNKNOWN);
		return t;
	}
	if (f->flags & TP_FIELD_POINTER) {
		/* The last word before the '*': "const char *" -> char. */
		e = strchr(s, '*');
		while (e && e > s && e[-1] == ' ')
			e--;
		n = 0;
		while (e && e > s && e[-1] != ' ' && n < sizeof(word) - 1)
			e--, n++;
		if (e && n)
			memcpy(word, e, n);
		word[n] = '\0';
		if (strstr(s, "struct ")) {
			base = type_new(a, TY_RECORD);
			if (base)
				base->name = arena_printf(a, "struct %s", word);
		} else if (!strcmp(word, "void")) {
			base = type_simple(a, TY_NONE);
		} else if (type_int_name(word, &size, &sign)) {
			base = type_int(a, size, strstr(s, "unsigned") ? false : sign);
		} else {
			base = type_int(a, 1, false);
		}
		return base ? type_ptr(a, base, user) : NULL;
	}
	if (f->size == 1 || f->size == 2 || f->size == 4 || f->size == 8)
		return type_int(a, f->size, f->flags & TP_FIELD_SIGNED);
	t = type_new(a, TY_BUF);
	if (t)
		t->size = f->size;
	return t;
}

static struct tp_cache *tp_lookup(struct lang_program *p, const struct lang_opts *o,
				  const char *cat, const char *event)
{
	struct tp_cache *c;
	size_t i;
	bool user = !strcmp(cat, "syscalls");

	for (c = p->tp_cache; c; c = c->next)
		if (!strcmp(c->cat, cat) && !strcmp(c->event, event))
			return c;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->cat = strdup(cat);
	c->event = strdup(event);
	c->next = p->tp_cache;
	p->tp_cache = c;
	if (!c->cat || !c->event)
		return NULL;
	c->err = p->env->tp_format(p->env->ctx, cat, event, &c->fmt);
	if (c->err)
		return c;
	c->rec = type_new(p->arena, TY_RECORD);
	if (!c->rec)
		return NULL;
	c->rec->name = arena_printf(p->arena, "struct %s:%s", cat, event);
	c->rec->defined = true;
	c->rec->fields = arena_alloc(p->arena, sizeof(struct field) * (c->fmt.nr_fields + 1));
	if (!c->rec->fields)
		return NULL;
	for (i = 0; i < c->fmt.nr_fields; i++) {
		const struct tp_field *f = &c->fmt.fields[i];
		struct field *rf;

		if (f->flags & TP_FIELD_COMMON)
			continue;
		rf = &c->rec->fields[c->rec->nfields++];
		rf->name = arena_strdup(p->arena, f->name);
		rf->type = tp_field_type(p->arena, f, user);
		rf->offset = f->offset;
		if (!rf->name || !rf->type)
			return NULL;
		if (f->offset + f->size > c->rec->size)
			c->rec->size = f->offset + f->size;
	}
	return c;
}

/* Split s on ':' outside double quotes, quotes removed; at most max parts. */
static int split(struct arena *a, const char *s, char **parts, int max)
{
	int n = 0;

	while (n < max) {
		struct strbuf sb = STRBUF_INIT;
		bool q = false;

		for (; *s && (q || *s != ':' || s[1] == ':'); s++) {
			/* C++ names: "foo::bar" is one field */
			if (*s == ':' && s[1] == ':') {
				if (strbuf_addstr(&sb, "::")) {
					strbuf_release(&sb);
					return -ENOMEM;
				}
				s++;
				continue;
			}
			if (*s == '"') {
				q = !q;
				continue;
			}
			if (strbuf_addch(&sb, *s)) {
				strbuf_release(&sb);
				return -ENOMEM;
			}
		}
		parts[n] = arena_strdup(a, strbuf_str(&sb));
		strbuf_release(&sb);
		if (!parts[n++])
			return -ENOMEM;
		if (!*s)
			return n;
		s++;
	}
	return n + 1;	/* more than max */
}

static void probe_err(struct lang_program *p, struct node *at, const char *hint, const char *fmt,
		      ...) __attribute__((format(printf, 4, 5)));

static void probe_err(struct lang_program *p, struct node *at, const char *hint, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_add(&p->diags, DIAG_ERROR, at->loc, hint, "%s", msg);
}

/* "$1" anywhere in the text is replaced by the positional parameter. */
static char *subst_params(struct lang_program *p, const struct lang_opts *o, struct node *at)
{
	struct strbuf sb = STRBUF_INIT;
	const char *s = at->str;
	char *out = NULL;

	while (*s) {
		if (*s == '$' && s[1] >= '1' && s[1] <= '9') {
			long n = strtol(s + 1, (char **)&s, 10);

			if (n > o->nr_params) {
				probe_err(p, at, "give it after the program: scry -e '...' ARG",
					  "positional parameter $%ld is used in the probe but not given", n);
				goto out;
			}
			if (strbuf_addstr(&sb, o->params[n - 1]))
				goto out;
			continue;
		}
		if (strbuf_addch(&sb, *s++))
			goto out;
	}
	out = arena_strdup(p->arena, strbuf_str(&sb));
out:
	strbuf_release(&sb);
	return out;
}

static bool number(const char *s, uint64_t *v)
{
	return lex_number_plain(s, v);
}

/*
 * A type from a provider's ctx_fields spelling: "uint32", "string[16]",
 * "struct task_struct *" (its known fields filled in, each struct once).
 */
static struct type *ctx_struct_type(struct lang_program *p, const struct provider *prov,
				    const char *name, const char *btf_name, int depth);

static struct type *ctx_field_type(struct lang_program *p, const struct provider *prov,
				   const char *spell, int depth)
{
	uint32_t size, len;
	bool sign;
	char name[64];
	size_t n;

	if (sscanf(spell, "string[%u]", &len) == 1)
		return type_str(p->arena, len);
	if (type_int_name(spell, &size, &sign))
		return type_int(p->arena, size, sign);
	n = strlen(spell);
	if (strncmp(spell, "struct ", 7) || n < 9 || spell[n - 1] != '*' || n - 9 >= sizeof(name))
		return type_simple(p->arena, TY_UNKNOWN);
	memcpy(name, spell + 7, n - 9);
	name[n - 9] = '\0';
	return type_ptr(p->arena, ctx_struct_type(p, prov, arena_printf(p->arena, "struct %s", name),
						  name, depth + 1), false);
}

static struct type *ctx_struct_type(struct lang_program *p, const struct provider *prov,
				    const char *name, const char *btf_name, int depth)
{
	const struct ctx_field *f;
	struct type *rec = type_new(p->arena, TY_RECORD);
	size_t nr = 0;

	if (!rec)
		return NULL;
	rec->name = name;
	for (f = prov->ctx_fields; f->name; f++)
		nr += !strcmp(f->owner, name);
	if (!nr || depth > 4)
		return rec;	/* undefined: unchecked */
	rec->fields = arena_alloc(p->arena, sizeof(struct field) * nr);
	if (!rec->fields)
		return NULL;
	for (f = prov->ctx_fields; f->name; f++) {
		uint32_t off, size;
		struct field *rf;

		if (strcmp(f->owner, name) ||
		    p->env->btf_member(p->env->ctx, btf_name, f->name, &off, &size))
			continue;
		rf = &rec->fields[rec->nfields++];
		rf->name = f->name;
		rf->offset = off;
		rf->type = ctx_field_type(p, prov, f->type, depth);
		if (!rf->type)
			return NULL;
		if (off + size > rec->size)
			rec->size = off + size;
	}
	rec->defined = rec->nfields > 0;
	return rec;
}

/* iter:NAME: 'ctx' points to struct bpf_iter__NAME, its fields typed from the provider's table. */
static int ctx_type(struct lang_program *p, struct attach *at)
{
	const struct provider *prov = at->prov;
	const struct ctx_field *f;
	struct type *rec;
	char btf_name[128];
	size_t nr = 0;

	if (!prov->ctx_struct || !prov->ctx_fields || !at->func || !p->env->btf_member)
		return 0;
	snprintf(btf_name, sizeof(btf_name), "%s%s", prov->ctx_struct, at->func);
	rec = type_new(p->arena, TY_RECORD);
	if (!rec)
		return -ENOMEM;
	rec->name = arena_printf(p->arena, "struct %s", btf_name);
	for (f = prov->ctx_fields; f->name; f++)
		nr += !strcmp(f->owner, at->func);
	rec->fields = arena_alloc(p->arena, sizeof(struct field) * (nr + 1));
	if (!rec->name || !rec->fields)
		return -ENOMEM;
	for (f = prov->ctx_fields; f->name; f++) {
		uint32_t off, size;
		struct field *rf;

		if (strcmp(f->owner, at->func) ||
		    p->env->btf_member(p->env->ctx, btf_name, f->name, &off, &size))
			continue;
		rf = &rec->fields[rec->nfields++];
		rf->name = f->name;
		rf->offset = off;
		rf->type = ctx_field_type(p, prov, f->type, 0);
		if (!rf->type)
			return -ENOMEM;
	}
	if (!rec->nfields)
		return 0;	/* no BTF for it: ctx stays a number */
	rec->defined = true;
	at->ctx_type = type_ptr(p->arena, rec, false);
	return at->ctx_type ? 0 : -ENOMEM;
}

static int resolve_one(struct lang_program *p, const struct lang_opts *o, struct node *n)
{
	const struct provider *prov;
	struct attach *at = arena_alloc(p->arena, sizeof(*at));
	struct probe_spec sp = { .number = number };
	char *parts[5] = { 0 }, *text, *plus;
	int nparts, nf, i;

	if (!at)
		return -ENOMEM;
	n->attach = at;
	text = subst_params(p, o, n);
	if (!text)
		return p->diags.nr_errors ? -EINVAL : -ENOMEM;
	nparts = split(p->arena, text, parts, 4);
	if (nparts < 0)
		return nparts;
	prov = provider_find(parts[0]);
	if (!prov) {
		char hint[128];
		const char *best = did_you_mean(parts[0], provider_names());

		snprintf(hint, sizeof(hint), "did you mean '%s'?", best ?: "");
		probe_err(p, n, best ? hint : "see 'scry -l' for the probes of this machine",
			  "unknown probe type '%s'", parts[0]);
		return -EINVAL;
	}
	nf = nparts - 1;
	if (nf < prov->min_parts || nf > prov->max_parts) {
		char hint[128];

		snprintf(hint, sizeof(hint), "the form is '%s'", prov->usage);
		probe_err(p, n, hint, "wrong number of fields in %s probe '%s'", prov->name, text);
		return -EINVAL;
	}
	at->prov = prov;
	at->provider = prov->name;
	at->resolved = text;
	if (nf >= 2) {
		at->target = parts[1];
		at->func = parts[nf];
		if (nf == 3)
			at->func = arena_printf(p->arena, "%s:%s", parts[2], parts[3]);
	} else if (nf == 1) {
		at->func = parts[1];
	}
	if (prov->offset && at->func && (plus = strchr(at->func, '+'))) {
		*plus = '\0';
		if (!lex_number_plain(plus + 1, &at->offset)) {
			probe_err(p, n, NULL, "invalid offset '%s' in probe '%s'", plus + 1, text);
			return -EINVAL;
		}
	}
	if (!prov->wildcard && (probe_is_glob(at->func) || probe_is_glob(at->target))) {
		probe_err(p, n, NULL, "%s probes take no wildcards", prov->name);
		return -EINVAL;
	}
	if (prov->parse) {
		sp.text = text;
		sp.nparts = nf;
		for (i = 0; i < nf; i++)
			sp.parts[i] = parts[i + 1];
		sp.target = at->target;
		sp.func = at->func;
		sp.offset = at->offset;
		if (prov->parse(prov, &sp)) {
			probe_err(p, n, sp.hint[0] ? sp.hint : NULL, "%s", sp.msg);
			return -EINVAL;
		}
		at->target = sp.target;
		at->func = sp.func;
		at->offset = sp.offset;
		at->rate = sp.rate;
	}
	/* Tracepoints: args typed from the format file the environment gives. */
	if ((prov->ctx & CTX_TP) && p->env->tp_format && !probe_is_glob(parts[1]) &&
	    !probe_is_glob(parts[2])) {
		struct tp_cache *c = tp_lookup(p, o, parts[1], parts[2]);

		if (!c)
			return -ENOMEM;
		if (c->err == -ENOENT) {
			probe_err(p, n, "see 'scry -l tracepoint:*' for the tracepoints of this machine",
				  "tracepoint '%s:%s' not found", parts[1], parts[2]);
			return -EINVAL;
		}
		if (!c->err)
			at->tp = &c->fmt;
	}
	/* fentry/fexit: args typed from the function's BTF prototype, u64 each in the context. */
	if ((prov->ctx & CTX_BTF) && p->env->btf_func_params && at->func && *at->func &&
	    !probe_is_glob(at->func)) {
		struct env_param params[16];
		size_t nr = 0, k;
		int err = p->env->btf_func_params(p->env->ctx, at->func, params, 16, &nr);
		struct type *rec;

		if (err == -ENOENT) {
			probe_err(p, n, "see 'scry -l fentry:*' for the kernel's functions",
				  "no kernel function '%s' in the kernel's BTF", at->func);
			return -EINVAL;
		}
		if (!err) {
			rec = type_new(p->arena, TY_RECORD);
			if (!rec)
				return -ENOMEM;
			rec->name = arena_printf(p->arena, "struct %s:args", at->func);
			rec->defined = true;
			rec->size = (uint32_t)(8 * nr);
			rec->fields = arena_alloc(p->arena, sizeof(struct field) * (nr + 1));
			if (!rec->fields)
				return -ENOMEM;
			for (k = 0; k < nr; k++) {
				struct field *f = &rec->fields[rec->nfields++];

				f->name = arena_strdup(p->arena, params[k].name);
				f->type = params[k].ptr && params[k].elem_record[0] ?
					type_ptr(p->arena, named_record(p->arena, params[k].elem_record), false) :
					params[k].ptr ?
					type_ptr(p->arena, type_int(p->arena, params[k].elem_size ?: 1,
								    params[k].elem_sign), false) :
					type_int(p->arena, params[k].size <= 8 ? params[k].size : 8,
						 params[k].sign);
				f->offset = (uint32_t)(8 * k);
				if (!f->name || !f->type)
					return -ENOMEM;
			}
			at->btf_args = rec;
		}
	}
	if (at->func && !*at->func && prov->max_parts) {
		probe_err(p, n, NULL, "empty function in probe '%s'", text);
		return -EINVAL;
	}
	return ctx_type(p, at);
}

/* The typed 'args' of a tracepoint probe, or NULL when it is not known. */
struct type *probes_tp_args(struct lang_program *p, const struct attach *at);

struct type *probes_tp_args(struct lang_program *p, const struct attach *at)
{
	struct tp_cache *c;

	if (at->btf_args)
		return at->btf_args;
	for (c = p->tp_cache; c && at->tp; c = c->next)
		if (&c->fmt == at->tp)
			return c->rec;
	return NULL;
}

int probes_resolve(struct lang_program *p, const struct lang_opts *o)
{
	struct node *pr, *at;
	int e;

	for (pr = p->ast->kids; pr; pr = pr->next) {
		if (pr->kind != N_PROBE)
			continue;
		for (at = pr->kids; at; at = at->next) {
			e = resolve_one(p, o, at);
			if (e == -ENOMEM)
				return e;
		}
	}
	/* Errors are in the diagnostics: the checker still looks at the other probes. */
	return 0;
}
