// SPDX-License-Identifier: GPL-2.0
/*
 * The parser: hand-written recursive descent, C's precedence by climbing.
 *
 * After an error the parser is in "panic" until it resynchronises at the end
 * of a statement (';' or '}') or of a probe, so that one run reports several
 * independent mistakes without a cascade of follow-ups.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/lex.h"
#include "lang/passes.h"
#include "lang/sema.h"
#include "util/suggest.h"

#define MAX_DEPTH 128

struct parser {
	struct lexer lx;
	struct token tok;	/* the current token */
	struct lang_program *prog;
	struct arena *a;
	struct diags *d;
	bool panic;		/* an error was reported: stay quiet until resync */
	bool oom;
	bool in_pred;		/* a '/' at nesting 0 ends the predicate */
	int nest;		/* (, [ nesting inside a predicate */
	int depth;		/* recursion depth */
	/* the named records whose '{ ... }' is being read, outermost first */
	const struct type *defining[8];
	int ndefining;
};

static void next(struct parser *p)
{
	lex_next(&p->lx, &p->tok);
	if (p->tok.kind == T_ERROR)
		p->panic = true;	/* the lexer reported it */
}

static bool is_punct(const struct parser *p, int op)
{
	return p->tok.kind == T_PUNCT && p->tok.op == op;
}

static bool is_word(const struct parser *p, const char *w)
{
	return p->tok.kind == T_IDENT && strlen(w) == p->tok.tlen && !memcmp(p->tok.text, w, p->tok.tlen);
}

static const char *tok_desc(const struct token *t)
{
	static char buf[64];

	switch (t->kind) {
	case T_EOF: return "end of input";
	case T_STR: return "string";
	case T_HASH: return "preprocessor line";
	default:
		snprintf(buf, sizeof(buf), "'%.*s'", (int)(t->tlen > 40 ? 40 : t->tlen), t->text);
		return buf;
	}
}

static void perr(struct parser *p, struct loc loc, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void perr(struct parser *p, struct loc loc, const char *hint, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (p->panic)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_add(p->d, DIAG_ERROR, loc, hint, "%s", msg);
	p->panic = true;
}

static bool expect(struct parser *p, int op, const char *what)
{
	if (is_punct(p, op)) {
		next(p);
		return true;
	}
	perr(p, p->tok.loc, NULL, "expected '%s' %s, got %s", op_str(op), what, tok_desc(&p->tok));
	return false;
}

static struct node *mk(struct parser *p, enum node_kind kind, struct loc loc)
{
	struct node *n = node_new(p->a, kind, loc);

	if (!n)
		p->oom = true;
	return n;
}

/* Extend n's span to reach the end of 'to'. */
static void span(struct node *n, struct loc to)
{
	if (n && to.off + to.len > n->loc.off)
		n->loc.len = to.off + to.len - n->loc.off;
}

static struct node *expr(struct parser *p);
static struct node *unary(struct parser *p);
static bool lang_var_find_name(struct parser *p);
static struct node *block(struct parser *p);
static struct node *block_expr(struct parser *p);

/* ---- types ---- */

static struct type *record_type(struct parser *p, const char *name)
{
	struct named *r;
	struct type *t;

	for (r = p->prog->records; r; r = r->next)
		if (!strcmp(r->name, name))
			return r->type;
	t = type_new(p->a, TY_RECORD);
	r = arena_alloc(p->a, sizeof(*r));
	if (!t || !r) {
		p->oom = true;
		return NULL;
	}
	t->name = name;
	r->name = name;
	r->type = t;
	r->next = p->prog->records;
	p->prog->records = r;
	return t;
}

static struct type *typedef_find(const struct parser *p);

static bool starts_type(const struct parser *p)
{
	static const char *const words[] = {
		"struct", "union", "enum", "unsigned", "signed", "const", "volatile", "void",
		"string", NULL,
	};
	uint32_t size;
	bool sign;
	char name[32];
	size_t i;

	if (p->tok.kind != T_IDENT || p->tok.tlen >= sizeof(name))
		return false;
	if (typedef_find(p))
		return true;
	memcpy(name, p->tok.text, p->tok.tlen);
	name[p->tok.tlen] = '\0';
	for (i = 0; words[i]; i++)
		if (!strcmp(name, words[i]))
			return true;
	return type_int_name(name, &size, &sign);
}

static char *tok_str(struct parser *p)
{
	char *s = arena_strndup(p->a, p->tok.text, p->tok.tlen);

	if (!s)
		p->oom = true;
	return s;
}

static struct type *typedef_find(const struct parser *p)
{
	struct named *t;

	for (t = p->prog->typedefs; t; t = t->next)
		if (strlen(t->name) == p->tok.tlen && !memcmp(t->name, p->tok.text, p->tok.tlen))
			return t->type;
	return NULL;
}

static bool record_body(struct parser *p, struct type *rec);
static bool named_record_body(struct parser *p, struct type *rec);

/* The typedef of the script (or integer type name) nearest to name, for did-you-mean. */
static const char *typedef_suggest(const struct parser *p, const char *name)
{
	static const char *const ints[] = {
		"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
		"char", "short", "int", "long", "size_t", "pid_t", "u8", "u16", "u32", "u64",
	};
	const char *cands[96];
	const struct named *t;
	size_t n = 0, i;

	for (t = p->prog->typedefs; t && n < 64; t = t->next)
		cands[n++] = t->name;
	for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
		cands[n++] = ints[i];
	cands[n] = NULL;
	return did_you_mean(name, cands);
}

/* Array dimensions after a declarator: '[N][M]' is an array of N arrays of M. */
static struct type *dims(struct parser *p, struct type *t)
{
	uint32_t n[8];
	int k = 0;

	while (is_punct(p, '[')) {
		next(p);
		if (p->tok.kind != T_INT || p->tok.ival > 65536 || k == 8) {
			perr(p, p->tok.loc, NULL, "expected an array length from 0 to 65536");
			return NULL;
		}
		n[k++] = (uint32_t)p->tok.ival;
		next(p);
		if (!expect(p, ']', "after the array length"))
			return NULL;
	}
	while (k-- > 0 && t)
		t = type_array(p->a, t, n[k]);
	if (!t)
		p->oom = true;
	return t;
}

static struct type *ptrs(struct parser *p, struct type *t)
{
	for (;;) {
		while (is_word(p, "const") || is_word(p, "volatile") || is_word(p, "restrict"))
			next(p);
		if (!is_punct(p, '*'))
			return t;
		t = type_ptr(p->a, t, false);
		if (!t) {
			p->oom = true;
			return NULL;
		}
		next(p);
	}
}

/* The base of a C type: 'unsigned long', 'struct foo' (or its definition when def), a typedef. */
static struct type *parse_base(struct parser *p, bool def)
{
	struct type *t = NULL;
	bool is_unsigned = false, is_signed = false;
	int longs = 0, shorts = 0, chars = 0, ints = 0;

	while (is_word(p, "const") || is_word(p, "volatile"))
		next(p);
	if (is_word(p, "struct") || is_word(p, "union") || is_word(p, "enum")) {
		bool is_enum = is_word(p, "enum"), is_union = is_word(p, "union");
		const char *kw = is_union ? "union" : is_enum ? "enum" : "struct";
		struct token kwt = p->tok;

		next(p);
		if (def && is_punct(p, '{') && !is_enum) {
			/* struct { ... } member; an anonymous type */
			t = type_new(p->a, TY_RECORD);
			if (!t) {
				p->oom = true;
				return NULL;
			}
			t->name = arena_printf(p->a, "%s <anon>", kw);
			t->is_union = is_union;
			return record_body(p, t) ? t : NULL;
		}
		if (p->tok.kind != T_IDENT) {
			perr(p, p->tok.loc, NULL, "expected a name after '%.*s'", (int)kwt.tlen, kwt.text);
			return NULL;
		}
		if (is_enum) {
			t = type_int(p->a, 4, true);
			if (t)
				t->name = arena_printf(p->a, "enum %.*s", (int)p->tok.tlen, p->tok.text);
		} else {
			t = record_type(p, arena_printf(p->a, "%s %.*s", kw, (int)p->tok.tlen,
							p->tok.text));
		}
		next(p);
		if (t && def && !is_enum && is_punct(p, '{')) {
			if (t->defined) {
				perr(p, kwt.loc, NULL, "'%s' is defined twice", t->name);
				return NULL;
			}
			t->is_union = is_union;
			return named_record_body(p, t) ? t : NULL;
		}
	} else if (is_word(p, "void")) {
		t = type_simple(p->a, TY_NONE);
		next(p);
	} else if (is_word(p, "string")) {
		t = type_str(p->a, 64);
		next(p);
	} else if (typedef_find(p)) {
		t = typedef_find(p);
		next(p);
	} else if (is_word(p, "bool")) {
		t = lang_bool_type(p->a);
		next(p);
	} else {
		for (;;) {
			if (is_word(p, "unsigned"))
				is_unsigned = true;
			else if (is_word(p, "signed"))
				is_signed = true;
			else if (is_word(p, "long"))
				longs++;
			else if (is_word(p, "short"))
				shorts++;
			else if (is_word(p, "char"))
				chars++;
			else if (is_word(p, "int"))
				ints++;
			else if (is_word(p, "const") || is_word(p, "volatile"))
				;
			else
				break;
			next(p);
		}
		if (is_unsigned || is_signed || longs || shorts || chars || ints) {
			uint32_t size = chars ? 1 : shorts ? 2 : longs ? 8 : 4;

			t = type_int(p->a, size, !is_unsigned);
			if (t)
				t->chr = chars && !is_unsigned;
		} else if (p->tok.kind == T_IDENT) {
			uint32_t size;
			bool sign;
			char *name = tok_str(p);

			if (name && type_int_name(name, &size, &sign)) {
				t = type_int(p->a, size, sign);
				next(p);
			} else {
				perr(p, p->tok.loc, NULL, "unknown type '%s'", name ? name : "");
				return NULL;
			}
		} else {
			perr(p, p->tok.loc, NULL, "expected a type, got %s", tok_desc(&p->tok));
			return NULL;
		}
	}
	if (!t) {
		p->oom = true;
		return NULL;
	}
	while (is_word(p, "const") || is_word(p, "volatile"))
		next(p);
	return t;
}

/* A C type name: base, then '*'s, then [N]... when allow_array. */
static struct type *parse_type(struct parser *p, bool allow_array)
{
	struct type *t = parse_base(p, false);

	if (t)
		t = ptrs(p, t);
	if (t && allow_array && is_punct(p, '['))
		t = dims(p, t);
	return t;
}

/*
 * A declarator after a base type: '*'s, a name, '[N]'s; a function pointer
 * '(*name)(...)' is an opaque pointer.  *name is NULL when there is none.
 */
static struct type *declarator(struct parser *p, struct type *base, const char **name)
{
	struct type *t = ptrs(p, base);

	*name = NULL;
	if (!t)
		return NULL;
	if (is_punct(p, '(')) {
		int depth = 0;

		next(p);
		if (!expect(p, '*', "in a function pointer"))
			return NULL;
		if (p->tok.kind == T_IDENT) {
			*name = tok_str(p);
			next(p);
		}
		if (!expect(p, ')', "after the name of the function pointer"))
			return NULL;
		if (!is_punct(p, '(')) {
			perr(p, p->tok.loc, NULL, "expected '(' for the parameters, got %s",
			     tok_desc(&p->tok));
			return NULL;
		}
		do {
			if (is_punct(p, '('))
				depth++;
			else if (is_punct(p, ')'))
				depth--;
			else if (p->tok.kind == T_EOF) {
				perr(p, p->tok.loc, NULL, "unterminated parameter list");
				return NULL;
			}
			next(p);
		} while (depth > 0);
		t = type_ptr(p->a, type_simple(p->a, TY_NONE), false);
		if (!t)
			p->oom = true;
		return t;
	}
	if (p->tok.kind == T_IDENT) {
		*name = tok_str(p);
		next(p);
	}
	return dims(p, t);
}

/* ---- expressions ---- */

static struct node *call_args(struct parser *p, struct node *n, int close)
{
	p->nest++;
	if (!is_punct(p, close)) {
		for (;;) {
			struct node *a = expr(p);

			if (!a)
				return NULL;
			node_append(n, a);
			if (!is_punct(p, ','))
				break;
			next(p);
		}
	}
	p->nest--;
	span(n, p->tok.loc);
	if (!expect(p, close, close == ')' ? "to close the call" : "to close the map key"))
		return NULL;
	return n;
}

static struct node *primary(struct parser *p)
{
	struct token t = p->tok;
	struct node *n = NULL;

	if (is_punct(p, '{'))	/* a block expression: { stmts; value } */
		return block_expr(p);
	switch (t.kind) {
	case T_INT:
		n = mk(p, N_INT, t.loc);
		if (n)
			n->ival = t.ival;
		next(p);
		return n;
	case T_STR:
		n = mk(p, N_STR, t.loc);
		if (n) {
			n->str = t.str;
			n->slen = t.slen;
		}
		next(p);
		return n;
	case T_VAR:
		n = mk(p, N_VAR, t.loc);
		if (n)
			n->name = tok_str(p);
		next(p);
		return n;
	case T_PARAM:
		n = mk(p, N_POSPARAM, t.loc);
		if (n) {
			n->ival = t.ival;
			n->flags = t.argc ? NF_ARGC : 0;
		}
		next(p);
		return n;
	case T_MAP:
		n = mk(p, N_MAP, t.loc);
		if (!n)
			return NULL;
		n->name = tok_str(p);
		next(p);
		if (is_punct(p, '[')) {
			next(p);
			if (is_punct(p, ']')) {
				perr(p, p->tok.loc, NULL, "a map key cannot be empty");
				return NULL;
			}
			return call_args(p, n, ']');
		}
		return n;
	case T_IDENT:
		if (is_word(p, "true") || is_word(p, "false")) {
			n = mk(p, N_BOOL, t.loc);
			if (n)
				n->ival = is_word(p, "true");
			next(p);
			return n;
		}
		n = mk(p, N_BUILTIN, t.loc);
		if (!n)
			return NULL;
		n->name = tok_str(p);
		next(p);
		if (is_punct(p, '(')) {
			n->kind = N_CALL;
			next(p);
			return call_args(p, n, ')');
		}
		return n;
	case T_PUNCT:
		if (t.op == '(') {
			struct node *first;

			next(p);
			p->nest++;
			first = expr(p);
			if (!first)
				return NULL;
			if (is_punct(p, ',')) {
				n = mk(p, N_TUPLE, t.loc);
				if (!n)
					return NULL;
				node_append(n, first);
				while (is_punct(p, ',')) {
					struct node *e;

					next(p);
					e = expr(p);
					if (!e)
						return NULL;
					node_append(n, e);
				}
			} else {
				n = first;
			}
			p->nest--;
			if (n->kind == N_TUPLE)
				span(n, p->tok.loc);
			if (!expect(p, ')', "to close the parenthesis"))
				return NULL;
			return n;
		}
		break;
	default:
		break;
	}
	perr(p, t.loc, NULL, "expected an expression, got %s", tok_desc(&t));
	return NULL;
}

static struct node *postfix(struct parser *p)
{
	struct node *n = primary(p);

	while (n) {
		struct loc at = p->tok.loc;
		struct node *m;

		if (is_punct(p, '[')) {
			next(p);
			m = mk(p, N_INDEX, n->loc);
			if (!m)
				return NULL;
			m->l = n;
			p->nest++;
			m->r = expr(p);
			p->nest--;
			if (!m->r)
				return NULL;
			span(m, p->tok.loc);
			if (!expect(p, ']', "to close the index"))
				return NULL;
			n = m;
		} else if (is_punct(p, '.') || is_punct(p, OP_ARROW)) {
			bool arrow = is_punct(p, OP_ARROW);

			next(p);
			m = mk(p, N_FIELD, n->loc);
			if (!m)
				return NULL;
			m->l = n;
			m->flags = arrow ? NF_ARROW : 0;
			if (p->tok.kind == T_IDENT) {
				m->name = tok_str(p);
			} else if (p->tok.kind == T_INT && !arrow) {
				m->flags |= NF_INDEX;
				m->ival = p->tok.ival;
			} else {
				perr(p, p->tok.loc, NULL, "expected a field name after '%s'",
				     arrow ? "->" : ".");
				return NULL;
			}
			span(m, p->tok.loc);
			m->name_loc = p->tok.loc;
			next(p);
			n = m;
		} else if (is_punct(p, OP_INC) || is_punct(p, OP_DEC)) {
			m = mk(p, N_INCDEC, n->loc);
			if (!m)
				return NULL;
			m->op = is_punct(p, OP_INC) ? '+' : '-';
			m->l = n;
			span(m, at);
			next(p);
			n = m;
		} else {
			break;
		}
	}
	return n;
}

static struct node *unary(struct parser *p)
{
	struct token t = p->tok;
	struct node *n;

	if (++p->depth > MAX_DEPTH) {
		perr(p, t.loc, NULL, "expression nested too deeply");
		return NULL;
	}
	if (t.kind == T_PUNCT && (t.op == '!' || t.op == '~' || t.op == '-' || t.op == '+' ||
				  t.op == '*' || t.op == '&' || t.op == OP_INC || t.op == OP_DEC)) {
		next(p);
		n = mk(p, t.op == OP_INC || t.op == OP_DEC ? N_INCDEC : N_UNOP, t.loc);
		if (!n)
			goto out;
		n->op = t.op == OP_INC ? '+' : t.op == OP_DEC ? '-' : t.op;
		if (n->kind == N_INCDEC)
			n->flags = NF_PREFIX;
		n->l = unary(p);
		if (!n->l)
			n = NULL;
		else
			span(n, (struct loc){ .off = n->l->loc.off, .len = n->l->loc.len });
		goto out;
	}
	if (is_punct(p, '(')) {
		/* A cast, if a type name follows; else a parenthesised expression. */
		struct lexer save = p->lx;
		struct token save_tok = p->tok;

		next(p);
		if (starts_type(p)) {
			struct type *ty = parse_type(p, true);

			if (!ty || !expect(p, ')', "after the type of the cast")) {
				n = NULL;
				goto out;
			}
			n = mk(p, N_CAST, t.loc);
			if (!n)
				goto out;
			n->cast_type = ty;
			n->l = unary(p);
			if (!n->l)
				n = NULL;
			else
				span(n, n->l->loc);
			goto out;
		}
		/* "(name)x": a cast to a type that does not exist */
		if (p->tok.kind == T_IDENT && !lang_var_find_name(p)) {
			struct token ty_tok = p->tok;

			bool stars = false;

			next(p);
			while (is_punct(p, '*')) {
				stars = true;
				next(p);
			}
			if (is_punct(p, ')')) {
				next(p);
				if (stars || p->tok.kind == T_INT || p->tok.kind == T_VAR ||
				    p->tok.kind == T_IDENT || p->tok.kind == T_MAP || is_punct(p, '(')) {
					char name[64], hint[96];
					const char *best;

					snprintf(name, sizeof(name), "%.*s", (int)ty_tok.tlen, ty_tok.text);
					best = typedef_suggest(p, name);
					if (best)
						snprintf(hint, sizeof(hint), "did you mean '%s'?", best);
					p->panic = false;
					perr(p, ty_tok.loc, best ? hint : NULL, "unknown type '%s'", name);
					n = NULL;
					goto out;
				}
			}
		}
		p->lx = save;
		p->tok = save_tok;
	}
	if (is_word(p, "sizeof") || is_word(p, "offsetof")) {
		bool off = is_word(p, "offsetof");

		next(p);
		n = mk(p, off ? N_OFFSETOF : N_SIZEOF, t.loc);
		if (!n || !expect(p, '(', off ? "after 'offsetof'" : "after 'sizeof'")) {
			n = NULL;
			goto out;
		}
		p->nest++;
		if (starts_type(p)) {
			n->cast_type = parse_type(p, true);
			if (!n->cast_type) {
				n = NULL;
				goto out;
			}
		} else if (!off) {
			n->l = expr(p);
			if (!n->l) {
				n = NULL;
				goto out;
			}
		} else {
			perr(p, p->tok.loc, NULL, "expected a struct type, got %s", tok_desc(&p->tok));
			n = NULL;
			goto out;
		}
		if (off) {
			struct strbuf_lite {
				char buf[256];
				size_t len;
			} path = { .len = 0 };

			if (!expect(p, ',', "after the type")) {
				n = NULL;
				goto out;
			}
			for (;;) {
				if (p->tok.kind != T_IDENT || path.len + p->tok.tlen + 2 > sizeof(path.buf)) {
					perr(p, p->tok.loc, NULL, "expected a field name, got %s",
					     tok_desc(&p->tok));
					n = NULL;
					goto out;
				}
				memcpy(path.buf + path.len, p->tok.text, p->tok.tlen);
				path.len += p->tok.tlen;
				path.buf[path.len] = '\0';
				next(p);
				if (!is_punct(p, '.'))
					break;
				path.buf[path.len++] = '.';
				next(p);
			}
			n->name = arena_strdup(p->a, path.buf);
		}
		p->nest--;
		span(n, p->tok.loc);
		if (!expect(p, ')', "to close the parenthesis"))
			n = NULL;
		goto out;
	}
	n = postfix(p);
out:
	p->depth--;
	return n;
}

/* Is the current identifier a built-in variable or an enum constant (so "(pid)" is not a cast)? */
static bool lang_var_find_name(struct parser *p)
{
	char name[64];
	const struct named *e;
	int64_t v;

	if (p->tok.tlen >= sizeof(name))
		return false;
	memcpy(name, p->tok.text, p->tok.tlen);
	name[p->tok.tlen] = '\0';
	for (e = p->prog->enums; e; e = e->next)
		if (!strcmp(e->name, name))
			return true;
	return lang_var_find(name) != NULL || lang_const_find(name, &v);
}

static int binprec(const struct parser *p)
{
	if (p->tok.kind != T_PUNCT)
		return -1;
	switch (p->tok.op) {
	case OP_LOR: return 1;
	case OP_LAND: return 2;
	case '|': return 3;
	case '^': return 4;
	case '&': return 5;
	case OP_EQ: case OP_NE: return 6;
	case '<': case '>': case OP_LE: case OP_GE: return 7;
	case OP_SHL: case OP_SHR: return 8;
	case '+': case '-': return 9;
	case '/':
		if (p->in_pred && p->nest == 0)
			return -1;	/* the end of the predicate */
		return 10;
	case '*': case '%': return 10;
	}
	return -1;
}

static struct node *binary(struct parser *p, int minprec)
{
	struct node *lhs = unary(p);
	int prec;

	while (lhs && (prec = binprec(p)) >= minprec) {
		struct node *n = mk(p, N_BINOP, lhs->loc);

		if (!n)
			return NULL;
		n->op = p->tok.op;
		next(p);
		n->l = lhs;
		if (++p->depth > MAX_DEPTH) {
			perr(p, p->tok.loc, NULL, "expression nested too deeply");
			return NULL;
		}
		n->r = binary(p, prec + 1);
		p->depth--;
		if (!n->r)
			return NULL;
		span(n, n->r->loc);
		lhs = n;
	}
	return lhs;
}

static struct node *expr(struct parser *p)
{
	struct node *c = binary(p, 1), *n;

	if (!c || !is_punct(p, '?'))
		return c;
	n = mk(p, N_TERNARY, c->loc);
	if (!n)
		return NULL;
	next(p);
	n->x = c;
	if (!is_punct(p, ':')) {
		p->nest++;
		n->l = expr(p);
		p->nest--;
		if (!n->l)
			return NULL;
	}
	if (!expect(p, ':', "in the conditional expression"))
		return NULL;
	if (++p->depth > MAX_DEPTH) {
		perr(p, p->tok.loc, NULL, "expression nested too deeply");
		return NULL;
	}
	n->r = expr(p);
	p->depth--;
	if (!n->r)
		return NULL;
	span(n, n->r->loc);
	return n;
}

/* ---- statements ---- */

/* Skip to the end of the current statement: past ';', or before '}'. */
static void sync_stmt(struct parser *p)
{
	int depth = 0;

	while (p->tok.kind != T_EOF) {
		if (is_punct(p, '{') || is_punct(p, '(') || is_punct(p, '['))
			depth++;
		if (is_punct(p, ')') || is_punct(p, ']'))
			depth -= depth > 0;
		if (is_punct(p, '}')) {
			if (depth == 0)
				break;
			depth--;
		}
		if (is_punct(p, ';') && depth == 0) {
			next(p);
			break;
		}
		next(p);
	}
	p->panic = false;
}

static struct node *paren_cond(struct parser *p, const char *what)
{
	struct node *c;

	if (!is_punct(p, '(')) {
		perr(p, p->tok.loc, NULL, "expected '(' after '%s', got %s", what, tok_desc(&p->tok));
		return NULL;
	}
	next(p);
	p->nest++;
	c = expr(p);
	p->nest--;
	if (!c || !expect(p, ')', "after the condition"))
		return NULL;
	return c;
}

static struct node *stmt(struct parser *p)
{
	struct token t = p->tok;
	struct node *n, *e;

	if (is_punct(p, '{'))
		return block(p);
	if (is_word(p, "if")) {
		n = mk(p, N_IF, t.loc);
		next(p);
		if (!n || !(n->x = paren_cond(p, "if")) || !(n->l = block(p)))
			return NULL;
		if (is_word(p, "else")) {
			next(p);
			n->r = is_word(p, "if") ? stmt(p) : block(p);
			if (!n->r)
				return NULL;
		}
		return n;
	}
	if (is_word(p, "while")) {
		n = mk(p, N_WHILE, t.loc);
		next(p);
		if (!n || !(n->x = paren_cond(p, "while")) || !(n->l = block(p)))
			return NULL;
		return n;
	}
	if (is_word(p, "unroll")) {
		n = mk(p, N_UNROLL, t.loc);
		next(p);
		if (!n || !(n->x = paren_cond(p, "unroll")) || !(n->l = block(p)))
			return NULL;
		return n;
	}
	if (is_word(p, "for")) {
		n = mk(p, N_FOR, t.loc);
		next(p);
		if (!n || !expect(p, '(', "after 'for'"))
			return NULL;
		if (p->tok.kind != T_VAR) {
			perr(p, p->tok.loc, NULL, "expected a variable after 'for (', got %s",
			     tok_desc(&p->tok));
			return NULL;
		}
		n->name = tok_str(p);
		n->name_loc = p->tok.loc;
		next(p);
		if (!expect(p, ':', "after the loop variable"))
			return NULL;
		p->nest++;
		e = expr(p);
		if (e && is_punct(p, OP_DOTDOT)) {
			struct node *r = mk(p, N_RANGE, e->loc);

			next(p);
			if (!r)
				return NULL;
			r->l = e;
			r->r = expr(p);
			if (!r->r)
				return NULL;
			span(r, r->r->loc);
			e = r;
		}
		p->nest--;
		if (!e || !expect(p, ')', "after the loop's map or range"))
			return NULL;
		n->x = e;
		n->l = block(p);
		return n->l ? n : NULL;
	}
	if (is_word(p, "break") || is_word(p, "continue")) {
		n = mk(p, is_word(p, "break") ? N_BREAK : N_CONTINUE, t.loc);
		next(p);
		return n;
	}
	if (is_word(p, "return")) {
		n = mk(p, N_RETURN, t.loc);
		next(p);
		if (n && !is_punct(p, ';') && !is_punct(p, '}')) {
			n->l = expr(p);
			if (!n->l)
				return NULL;
		}
		return n;
	}
	if (is_word(p, "let")) {
		n = mk(p, N_LET, t.loc);
		next(p);
		if (!n)
			return NULL;
		if (p->tok.kind != T_VAR) {
			perr(p, p->tok.loc, NULL, "expected a variable after 'let', got %s",
			     tok_desc(&p->tok));
			return NULL;
		}
		n->name = tok_str(p);
		n->loc = p->tok.loc;
		next(p);
		if (is_punct(p, ':')) {
			next(p);
			n->cast_type = parse_type(p, true);
			if (!n->cast_type)
				return NULL;
		}
		if (p->tok.kind == T_ASSIGN && p->tok.op == 0) {
			next(p);
			n->r = expr(p);
			if (!n->r)
				return NULL;
		}
		return n;
	}
	e = expr(p);
	if (!e)
		return NULL;
	if (p->tok.kind == T_ASSIGN) {
		n = mk(p, N_ASSIGN, e->loc);
		if (!n)
			return NULL;
		n->op = p->tok.op;
		n->l = e;
		if (e->kind != N_MAP && e->kind != N_VAR) {
			perr(p, e->loc, "only maps (@x) and variables ($x) can be assigned",
			     "cannot assign to this expression");
			return NULL;
		}
		next(p);
		n->r = expr(p);
		if (!n->r)
			return NULL;
		span(n, n->r->loc);
		return n;
	}
	n = mk(p, N_EXPR, e->loc);
	if (n) {
		n->l = e;
		n->loc.len = e->loc.len;
	}
	return n;
}

static bool compound(const struct node *n)
{
	return n->kind == N_IF || n->kind == N_WHILE || n->kind == N_UNROLL ||
	       n->kind == N_FOR || n->kind == N_BLOCK;
}

static struct node *block(struct parser *p)
{
	struct node *b = mk(p, N_BLOCK, p->tok.loc);

	unsigned errs = p->d->nr_errors;

	if (!b)
		return NULL;
	if (!is_punct(p, '{')) {
		perr(p, p->tok.loc, NULL, "expected '{', got %s", tok_desc(&p->tok));
		return NULL;
	}
	if (++p->depth > MAX_DEPTH) {
		perr(p, p->tok.loc, NULL, "blocks nested too deeply");
		return NULL;
	}
	next(p);
	while (!is_punct(p, '}') && p->tok.kind != T_EOF && !p->oom) {
		struct node *s;

		if (is_punct(p, ';')) {
			next(p);
			continue;
		}
		s = stmt(p);
		if (s) {
			node_append(b, s);
			if (is_punct(p, ';')) {
				next(p);
			} else if (!is_punct(p, '}') && !compound(s)) {
				perr(p, p->tok.loc, NULL, "expected ';' or '}' after the statement, got %s",
				     tok_desc(&p->tok));
			}
		}
		if (p->panic) {
			if (p->depth > MAX_DEPTH)
				break;
			sync_stmt(p);
		}
	}
	p->depth--;
	if (p->tok.kind == T_EOF) {
		/* after another error the missing '}' is most likely its echo */
		if (p->d->nr_errors == errs)
			perr(p, b->loc, "every '{' needs its '}'", "unterminated block");
		p->panic = true;
		return NULL;
	}
	span(b, p->tok.loc);
	next(p);
	return b;
}

/*
 * { stmt; stmt; expr }: the statements of a block, and the value of its last
 * expression when no ';' follows it (NULL: the block has no value).  The
 * body of a macro has this form too.
 */
static struct node *block_expr(struct parser *p)
{
	struct node *n = mk(p, N_BLOCKEXPR, p->tok.loc), *b = mk(p, N_BLOCK, p->tok.loc), *last = NULL;
	bool bare = false;

	if (!n || !b)
		return NULL;
	n->l = b;
	if (!expect(p, '{', "to start the block"))
		return NULL;
	if (++p->depth > MAX_DEPTH) {
		perr(p, p->tok.loc, NULL, "blocks nested too deeply");
		return NULL;
	}
	while (!is_punct(p, '}') && p->tok.kind != T_EOF && !p->oom && !p->panic) {
		struct node *s;

		if (is_punct(p, ';')) {
			next(p);
			continue;
		}
		s = stmt(p);
		if (!s)
			break;
		if (last)
			node_append(b, last);
		last = s;
		bare = !is_punct(p, ';');
		if (!bare)
			next(p);
		else if (!is_punct(p, '}') && !compound(s))
			perr(p, p->tok.loc, NULL, "expected ';' or '}' after the statement, got %s",
			     tok_desc(&p->tok));
	}
	p->depth--;
	if (p->panic || p->oom)
		return NULL;
	if (last && bare && last->kind == N_EXPR)
		n->r = last->l;		/* the value */
	else if (last)
		node_append(b, last);
	if (!is_punct(p, '}')) {
		perr(p, n->loc, "every '{' needs its '}'", "unterminated block");
		return NULL;
	}
	span(n, p->tok.loc);
	next(p);
	return n;
}

/* macro name($a, @b) { body }: parameters are variables and maps, as bpftrace's. */
static struct node *macro_def(struct parser *p)
{
	struct node *n = mk(p, N_MACRO, p->tok.loc);

	if (!n)
		return NULL;
	next(p);
	if (p->tok.kind != T_IDENT) {
		perr(p, p->tok.loc, NULL, "expected the macro's name after 'macro', got %s",
		     tok_desc(&p->tok));
		return NULL;
	}
	n->name = tok_str(p);
	n->name_loc = p->tok.loc;
	next(p);
	if (!expect(p, '(', "after the macro's name"))
		return NULL;
	while (!is_punct(p, ')')) {
		struct node *a;

		if (p->tok.kind != T_VAR && p->tok.kind != T_MAP) {
			perr(p, p->tok.loc, "a macro takes variables ($x) and maps (@x)",
			     "expected a parameter, got %s", tok_desc(&p->tok));
			return NULL;
		}
		a = mk(p, p->tok.kind == T_VAR ? N_VAR : N_MAP, p->tok.loc);
		if (!a)
			return NULL;
		a->name = tok_str(p);
		node_append(n, a);
		next(p);
		if (!is_punct(p, ','))
			break;
		next(p);
	}
	if (!expect(p, ')', "after the macro's parameters"))
		return NULL;
	n->l = block_expr(p);
	return n->l ? n : NULL;
}

/* let @name = hash(N) | lruhash(N) | percpuhash(N) | percpulruhash(N); */
static struct node *map_decl(struct parser *p)
{
	static const char *const kinds[] = { "hash", "lruhash", "percpuhash", "percpulruhash" };
	struct node *n = mk(p, N_MAPDECL, p->tok.loc);
	size_t i;

	if (!n)
		return NULL;
	next(p);
	if (p->tok.kind != T_MAP) {
		perr(p, p->tok.loc, NULL, "expected a map after 'let' outside a probe, got %s",
		     tok_desc(&p->tok));
		return NULL;
	}
	n->name = tok_str(p);
	n->name_loc = p->tok.loc;
	next(p);
	if (!(p->tok.kind == T_ASSIGN && p->tok.op == 0)) {
		perr(p, p->tok.loc, NULL, "expected '=' after the map's name");
		return NULL;
	}
	next(p);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (is_word(p, kinds[i]))
			break;
	if (p->tok.kind != T_IDENT || i == sizeof(kinds) / sizeof(kinds[0])) {
		perr(p, p->tok.loc, "the kinds are hash, lruhash, percpuhash and percpulruhash",
		     "expected a map kind, got %s", tok_desc(&p->tok));
		return NULL;
	}
	n->str = kinds[i];
	n->loc = p->tok.loc;
	next(p);
	if (!expect(p, '(', "after the map kind"))
		return NULL;
	if (p->tok.kind != T_INT || p->tok.ival == 0 || p->tok.ival > (1u << 30)) {
		perr(p, p->tok.loc, NULL, "a map's size is a number from 1 to %u", 1u << 30);
		return NULL;
	}
	n->ival = p->tok.ival;
	next(p);
	if (!expect(p, ')', "after the map's size"))
		return NULL;
	if (is_punct(p, ';'))
		next(p);
	return n;
}

/* ---- top level ---- */

/* Does the n bytes at s (not NUL-terminated) start with word? */
static bool starts(const char *s, size_t n, const char *word)
{
	size_t w = strlen(word);

	return n >= w && !memcmp(s, word, w);
}

static void hash_line(struct parser *p)
{
	const char *s = p->tok.text;
	size_t len = p->tok.tlen, i = 1;

	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (starts(s + i, len - i, "include")) {
		/* Headers give kernel types; scry types them from BTF later, or not at all. */
	} else if (starts(s + i, len - i, "define")) {
		if (!lex_define(&p->lx, s + i + 6, len - i - 6, p->tok.loc)) {
			struct loc at = p->tok.loc;

			at.len = (uint32_t)len;
			diag_add(p->d, DIAG_WARNING, at, NULL,
				 "'#define' is not a simple constant: ignored");
		}
	} else if (starts(s + i, len - i, "if") || starts(s + i, len - i, "else") ||
		   starts(s + i, len - i, "endif") || starts(s + i, len - i, "elif")) {
		/* conditionals only choose between #includes, which are ignored anyway */
	} else {
		struct loc at = p->tok.loc;

		at.len = (uint32_t)len;
		diag_add(p->d, DIAG_WARNING, at, NULL, "preprocessor line ignored");
	}
	next(p);
}

/* The records holds() has looked inside: each once, so shared members cost nothing more. */
struct held {
	const struct type *seen[512];
	size_t n;
};

/* Does a value of type t hold rec (by value: as itself, an element, a member)? */
static bool holds(const struct type *t, const struct type *rec, struct held *h)
{
	size_t i;

	while (t && t->kind == TY_ARRAY)
		t = t->elem;
	if (!t)
		return false;
	if (t == rec)
		return true;
	if (t->kind != TY_RECORD)
		return false;
	for (i = 0; i < h->n; i++)
		if (h->seen[i] == t)
			return false;
	if (h->n == sizeof(h->seen) / sizeof(h->seen[0]))
		return true;	/* more records nested by value than any real type has */
	h->seen[h->n++] = t;
	for (i = 0; i < t->nfields; i++)
		if (holds(t->fields[i].type, rec, h))
			return true;
	return false;
}

static bool being_defined(const struct parser *p, const struct type *rec)
{
	int i;

	for (i = 0; i < p->ndefining; i++)
		if (p->defining[i] == rec)
			return true;
	return false;
}

/* record_body() of a named record, which may not be defined again inside itself (C's rule). */
static bool named_record_body(struct parser *p, struct type *rec)
{
	bool ok;

	if (being_defined(p, rec)) {
		perr(p, p->tok.loc, NULL, "nested redefinition of '%s'", rec->name);
		return false;
	}
	if (p->ndefining == (int)(sizeof(p->defining) / sizeof(p->defining[0]))) {
		perr(p, p->tok.loc, NULL, "definition nested too deeply");
		return false;
	}
	p->defining[p->ndefining++] = rec;
	ok = record_body(p, rec);
	p->ndefining--;
	return ok;
}

/* '{ members } ' of a struct or union, rec's kind (is_union) already set. */
static bool record_body(struct parser *p, struct type *rec)
{
	struct type_layout l = { 0 };

	if (++p->depth > MAX_DEPTH) {
		perr(p, p->tok.loc, NULL, "definition nested too deeply");
		return false;
	}
	if (!expect(p, '{', "to start the definition"))
		return false;
	rec->size = 0;
	rec->nfields = 0;
	rec->cap = 0;
	rec->fields = NULL;
	while (!is_punct(p, '}') && p->tok.kind != T_EOF) {
		struct type *base = parse_base(p, true);

		if (!base)
			return false;
		if (is_punct(p, ';') && base->kind == TY_RECORD &&
		    (!base->defined || base == rec || being_defined(p, base))) {
			/* 'struct x;': declares a type, adds no member */
			next(p);
			continue;
		}
		if (is_punct(p, ';') && base->kind == TY_RECORD) {
			/* an anonymous struct or union: its members are rec's */
			if (type_record_add(p->a, rec, &l, NULL, base, -1)) {
				p->oom = true;
				return false;
			}
			next(p);
			continue;
		}
		for (;;) {
			const char *fname;
			struct type *ft = declarator(p, base, &fname);
			int bits = -1;
			struct token at = p->tok;

			if (!ft)
				return false;
			if (is_punct(p, ':')) {
				next(p);
				at = p->tok;
				if (p->tok.kind != T_INT || p->tok.ival > 64 || !type_is_int(ft) ||
				    ft->kind == TY_BOOL) {
					perr(p, at.loc, NULL, "expected a bitfield width of an integer member");
					return false;
				}
				bits = (int)p->tok.ival;
				if ((uint32_t)bits > ft->size * 8) {
					perr(p, at.loc, NULL, "bitfield '%s' is wider than its type",
					     fname ? fname : "");
					return false;
				}
				next(p);
			} else if (!fname) {
				perr(p, p->tok.loc, NULL, "expected a field name, got %s", tok_desc(&p->tok));
				return false;
			}
			if (ft->kind == TY_NONE) {
				perr(p, at.loc, NULL, "field '%s' has type 'void'", fname ? fname : "");
				return false;
			}
			{
				const struct type *e = ft;
				struct held h = { .n = 0 };

				while (e->kind == TY_ARRAY && e->elem)
					e = e->elem;
				if (holds(ft, rec, &h) || being_defined(p, e)) {
					/* C's rule: only a pointer may lead back to a record being defined */
					perr(p, at.loc, "a pointer to it is allowed",
					     "field '%s' has incomplete type '%s'", fname ? fname : "",
					     e->name ? e->name : "struct");
					return false;
				}
			}
			if (type_record_add(p->a, rec, &l, fname, ft, bits)) {
				p->oom = true;
				return false;
			}
			if (!is_punct(p, ','))
				break;
			next(p);
		}
		if (!expect(p, ';', "after the field"))
			return false;
	}
	if (!expect(p, '}', "to end the definition"))
		return false;
	type_record_finish(rec, &l);
	p->depth--;
	return true;
}

/* enum [NAME] { A, B = 2 } */
static struct type *enum_body(struct parser *p, struct type *t)
{
	struct type_enum *list = NULL;
	size_t n = 0, cap = 0;
	int64_t val = 0;

	if (!expect(p, '{', "to start the enum"))
		return NULL;
	while (p->tok.kind == T_IDENT) {
		struct named *c = arena_alloc(p->a, sizeof(*c));

		if (!c) {
			p->oom = true;
			return NULL;
		}
		c->name = tok_str(p);
		c->type = t;
		next(p);
		if (p->tok.kind == T_ASSIGN && p->tok.op == 0) {
			bool neg = false;

			next(p);
			if (is_punct(p, '-')) {
				neg = true;
				next(p);
			}
			if (p->tok.kind != T_INT) {
				perr(p, p->tok.loc, NULL, "expected an integer, got %s", tok_desc(&p->tok));
				return NULL;
			}
			val = neg ? -(int64_t)p->tok.ival : (int64_t)p->tok.ival;
			next(p);
		}
		c->value = val++;
		c->next = p->prog->enums;
		p->prog->enums = c;
		if (n == cap) {
			struct type_enum *grown;

			cap = cap ? cap * 2 : 8;
			grown = arena_alloc(p->a, cap * sizeof(*grown));
			if (!grown) {
				p->oom = true;
				return NULL;
			}
			if (n)
				memcpy(grown, list, n * sizeof(*grown));
			list = grown;
		}
		list[n].name = c->name;
		list[n++].value = c->value;
		if (!is_punct(p, ','))
			break;
		next(p);
	}
	if (!expect(p, '}', "to end the enum"))
		return NULL;
	t->enumerators = list;
	t->nenumerators = n;
	if (t->name) {
		/* named: '(enum NAME)x' finds its constants */
		struct named *r = arena_alloc(p->a, sizeof(*r));

		if (!r) {
			p->oom = true;
			return NULL;
		}
		r->name = t->name;
		r->type = t;
		r->next = p->prog->typedefs;
		p->prog->typedefs = r;
	}
	return t;
}

/*
 * struct NAME { fields } ;   union...   enum NAME { A, B = 2 } ;
 * struct NAME ;   typedef TYPE NAME ;   (the ';' is optional, as in bpftrace)
 */
static struct node *typedef_def(struct parser *p)
{
	struct token t = p->tok;
	bool is_enum = is_word(p, "enum"), is_typedef = is_word(p, "typedef");
	struct node *n = mk(p, N_TYPEDEF, t.loc);
	struct type *ty;

	if (!n)
		return NULL;
	if (is_enum) {
		next(p);
		ty = type_int(p->a, 4, true);
		if (!ty) {
			p->oom = true;
			return NULL;
		}
		if (p->tok.kind == T_IDENT) {
			n->name = ty->name = arena_printf(p->a, "enum %.*s", (int)p->tok.tlen,
							  p->tok.text);
			next(p);
		}
		if (!enum_body(p, ty))
			return NULL;
		n->cast_type = ty;
	} else if (is_typedef) {
		struct named *td = arena_alloc(p->a, sizeof(*td));
		const char *name;

		next(p);
		if (is_word(p, "enum")) {
			next(p);
			ty = type_int(p->a, 4, true);
			if (!ty || !td) {
				p->oom = true;
				return NULL;
			}
			if (p->tok.kind == T_IDENT) {
				ty->name = arena_printf(p->a, "enum %.*s", (int)p->tok.tlen, p->tok.text);
				next(p);
			}
			if (is_punct(p, '{') && !enum_body(p, ty))
				return NULL;
		} else {
			ty = parse_base(p, true);
		}
		if (!ty || !td)
			return NULL;
		ty = declarator(p, ty, &name);
		if (!ty)
			return NULL;
		if (!name) {
			perr(p, p->tok.loc, NULL, "expected the name of the typedef, got %s",
			     tok_desc(&p->tok));
			return NULL;
		}
		td->name = name;
		td->type = ty;
		td->next = p->prog->typedefs;
		p->prog->typedefs = td;
		n->name = name;
		n->cast_type = ty;
	} else {
		ty = parse_base(p, true);
		if (!ty)
			return NULL;
		if (ty->kind != TY_RECORD) {
			perr(p, t.loc, NULL, "expected a struct or union definition");
			return NULL;
		}
		n->name = ty->name;
		n->cast_type = ty;
	}
	if (is_punct(p, ';'))
		next(p);
	return n;
}

static struct node *config_block(struct parser *p)
{
	struct node *n = mk(p, N_CONFIG, p->tok.loc);

	if (!n)
		return NULL;
	next(p);
	if (!(p->tok.kind == T_ASSIGN && p->tok.op == 0)) {
		perr(p, p->tok.loc, NULL, "expected '=' after 'config'");
		return NULL;
	}
	next(p);
	if (!expect(p, '{', "to start the config block"))
		return NULL;
	while (p->tok.kind == T_IDENT) {
		struct node *as = mk(p, N_ASSIGN, p->tok.loc), *key = mk(p, N_IDENT, p->tok.loc);

		if (!as || !key)
			return NULL;
		key->name = tok_str(p);
		as->l = key;
		next(p);
		if (!(p->tok.kind == T_ASSIGN && p->tok.op == 0)) {
			perr(p, p->tok.loc, NULL, "expected '=' after the config key");
			return NULL;
		}
		next(p);
		as->r = primary(p);
		if (!as->r)
			return NULL;
		node_append(n, as);
		if (!is_punct(p, ';'))
			break;
		next(p);
	}
	if (!expect(p, '}', "to end the config block"))
		return NULL;
	return n;
}

static struct node *probe(struct parser *p)
{
	struct node *n = mk(p, N_PROBE, p->tok.loc);
	struct token t;

	if (!n)
		return NULL;
	/* The current token was only peeked: re-read its text as an attach point. */
	p->lx.pos = p->tok.loc.off;
	p->lx.line = p->tok.loc.line;
	p->lx.col = p->tok.loc.col;
	for (;;) {
		struct node *at;

		lex_attach(&p->lx, &t);
		if (t.tlen == 0) {
			next(p);
			perr(p, p->tok.loc, NULL, "expected a probe, got %s", tok_desc(&p->tok));
			return NULL;
		}
		at = mk(p, N_ATTACH, t.loc);
		if (!at)
			return NULL;
		at->str = arena_strndup(p->a, t.text, t.tlen);
		node_append(n, at);
		next(p);
		if (!is_punct(p, ','))
			break;
	}
	if (is_punct(p, '/')) {
		next(p);
		p->in_pred = true;
		p->nest = 0;
		n->x = expr(p);
		p->in_pred = false;
		if (!n->x)
			return NULL;
		if (!expect(p, '/', "to end the predicate"))
			return NULL;
	}
	n->l = block(p);
	return n->l ? n : NULL;
}

/* Skip to the next top-level item after an error in a probe. */
static void sync_top(struct parser *p)
{
	int depth = 0;

	while (p->tok.kind != T_EOF) {
		if (is_punct(p, '{'))
			depth++;
		if (is_punct(p, '}') && --depth <= 0) {
			next(p);
			break;
		}
		next(p);
	}
	p->panic = false;
	p->depth = 0;
	p->nest = 0;
	p->in_pred = false;
}

int parse_program(struct lang_program *prog, const char *src, size_t len)
{
	struct parser p = { .prog = prog, .a = prog->arena, .d = &prog->diags };
	struct node *root;
	unsigned errs = prog->diags.nr_errors;

	lex_init(&p.lx, src, len, p.d, p.a);
	root = prog->ast = node_new(p.a, N_PROGRAM, (struct loc){ .line = 1, .col = 1 });
	if (!root)
		return -ENOMEM;
	next(&p);
	while (p.tok.kind != T_EOF && !p.oom) {
		struct node *item;

		if (p.tok.kind == T_HASH) {
			hash_line(&p);
			continue;
		}
		if (p.tok.kind == T_ERROR) {
			sync_top(&p);
			continue;
		}
		if (is_word(&p, "struct") || is_word(&p, "union") || is_word(&p, "enum") ||
		    is_word(&p, "typedef"))
			item = typedef_def(&p);
		else if (is_word(&p, "config"))
			item = config_block(&p);
		else if (is_word(&p, "macro"))
			item = macro_def(&p);
		else if (is_word(&p, "let"))
			item = map_decl(&p);
		else if (is_punct(&p, ';')) {
			next(&p);
			continue;
		} else
			item = probe(&p);
		if (item)
			node_append(root, item);
		if (p.panic || !item)
			sync_top(&p);
	}
	if (p.oom)
		return -ENOMEM;
	if (root->nkids == 0 && prog->diags.nr_errors == errs)
		diag_add(p.d, DIAG_ERROR, p.tok.loc, NULL, "no probes in the program");
	return prog->diags.nr_errors > errs ? -EINVAL : 0;
}
