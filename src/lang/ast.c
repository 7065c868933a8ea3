// SPDX-License-Identifier: GPL-2.0
/* The arena, node constructors and the -d ast dump. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/ast.h"
#include "util/strbuf.h"

#define CHUNK (64 * 1024)

struct chunk {
	struct chunk *next;
	size_t used, size;
	_Alignas(16) unsigned char data[];
};

struct arena {
	struct chunk *head;
};

struct arena *arena_new(void)
{
	return calloc(1, sizeof(struct arena));
}

void arena_free(struct arena *a)
{
	struct chunk *c, *n;

	if (!a)
		return;
	for (c = a->head; c; c = n) {
		n = c->next;
		free(c);
	}
	free(a);
}

void *arena_alloc(struct arena *a, size_t size)
{
	struct chunk *c = a->head;
	void *p;

	size = (size + 15) & ~(size_t)15;
	if (!c || c->size - c->used < size) {
		size_t csize = size > CHUNK / 4 ? size : CHUNK;

		c = malloc(sizeof(*c) + csize);
		if (!c)
			return NULL;
		c->size = csize;
		c->used = 0;
		/* A big block goes behind the current chunk so that its free room stays usable. */
		if (csize != CHUNK && a->head) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	p = c->data + c->used;
	c->used += size;
	memset(p, 0, size);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p = arena_alloc(a, len + 1);

	if (p)
		memcpy(p, s, len);
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char tmp[512];
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	return arena_strndup(a, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

struct node *node_new(struct arena *a, enum node_kind kind, struct loc loc)
{
	struct node *n = arena_alloc(a, sizeof(*n));

	if (n) {
		n->kind = kind;
		n->loc = loc;
	}
	return n;
}

struct type *lang_bool_type(struct arena *a)
{
	struct type *t = type_simple(a, TY_BOOL);

	if (t)
		t->name = "bool";
	return t;
}

void node_append(struct node *parent, struct node *kid)
{
	struct node **p = &parent->kids;

	/* Lists are short (arguments, statements of a block): the walk is fine. */
	while (*p)
		p = &(*p)->next;
	*p = kid;
	parent->nkids++;
}

const char *op_str(int op)
{
	static char one[2][2];
	static int k;

	switch (op) {
	case OP_LAND: return "&&";
	case OP_LOR: return "||";
	case OP_EQ: return "==";
	case OP_NE: return "!=";
	case OP_LE: return "<=";
	case OP_GE: return ">=";
	case OP_SHL: return "<<";
	case OP_SHR: return ">>";
	case 0: return "";
	}
	k ^= 1;
	one[k][0] = (char)op;
	one[k][1] = '\0';
	return one[k];
}

static const char *const kind_names[] = {
	[N_INT] = "int", [N_STR] = "string", [N_BOOL] = "bool", [N_BUILTIN] = "builtin",
	[N_POSPARAM] = "param", [N_VAR] = "var", [N_MAP] = "map", [N_CALL] = "call",
	[N_UNOP] = "unop", [N_BINOP] = "binop", [N_TERNARY] = "ternary", [N_CAST] = "cast",
	[N_FIELD] = "field", [N_INDEX] = "index", [N_TUPLE] = "tuple", [N_SIZEOF] = "sizeof",
	[N_OFFSETOF] = "offsetof", [N_INCDEC] = "incdec", [N_IDENT] = "ident",
	[N_EXPR] = "expr", [N_ASSIGN] = "assign", [N_LET] = "let", [N_IF] = "if",
	[N_UNROLL] = "unroll", [N_WHILE] = "while", [N_FOR] = "for", [N_RANGE] = "range",
	[N_BREAK] = "break", [N_CONTINUE] = "continue", [N_RETURN] = "return",
	[N_BLOCK] = "block", [N_PROBE] = "probe", [N_ATTACH] = "attach", [N_CONFIG] = "config",
	[N_TYPEDEF] = "typedef", [N_PROGRAM] = "program",
	[N_BLOCKEXPR] = "blockexpr", [N_MACRO] = "macro", [N_MAPDECL] = "mapdecl",
};

static int dump_str(struct strbuf *sb, const char *s, size_t len)
{
	size_t i;
	int err = strbuf_addch(sb, '"');

	for (i = 0; i < len && !err; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			err = strbuf_addf(sb, "\\%c", c);
		else if (c == '\n')
			err = strbuf_addstr(sb, "\\n");
		else if (c == '\t')
			err = strbuf_addstr(sb, "\\t");
		else if (c < 0x20 || c >= 0x7f)
			err = strbuf_addf(sb, "\\x%02x", c);
		else
			err = strbuf_addch(sb, (char)c);
	}
	return err ?: strbuf_addch(sb, '"');
}

static int dump(const struct node *n, int depth, const char *role, struct strbuf *sb);

static int dump_list(const struct node *n, int depth, struct strbuf *sb)
{
	int err = 0;

	for (; n && !err; n = n->next)
		err = dump(n, depth, NULL, sb);
	return err;
}

static int dump(const struct node *n, int depth, const char *role, struct strbuf *sb)
{
	int err = 0, i;

	if (!n)
		return 0;
	for (i = 0; i < depth && !err; i++)
		err = strbuf_addstr(sb, "  ");
	if (role)
		err = err ?: strbuf_addf(sb, "%s: ", role);
	err = err ?: strbuf_addstr(sb, kind_names[n->kind]);
	switch (n->kind) {
	case N_INT:
		err = err ?: strbuf_addf(sb, " %" PRIu64, n->ival);
		break;
	case N_BOOL:
		err = err ?: strbuf_addstr(sb, n->ival ? " true" : " false");
		break;
	case N_STR:
		err = err ?: strbuf_addch(sb, ' ');
		err = err ?: dump_str(sb, n->str, n->slen);
		break;
	case N_POSPARAM:
		if (n->flags & NF_ARGC)
			err = err ?: strbuf_addstr(sb, " $#");
		else
			err = err ?: strbuf_addf(sb, " $%" PRIu64, n->ival);
		break;
	case N_UNOP: case N_BINOP:
		err = err ?: strbuf_addf(sb, " %s", op_str(n->op));
		break;
	case N_ASSIGN:
		err = err ?: strbuf_addf(sb, " %s=", op_str(n->op));
		break;
	case N_INCDEC:
		err = err ?: strbuf_addf(sb, n->flags & NF_PREFIX ? " %s%sx" : " x%s%s",
					 op_str(n->op), op_str(n->op));
		break;
	case N_FIELD:
		if (n->flags & NF_INDEX)
			err = err ?: strbuf_addf(sb, " .%" PRIu64, n->ival);
		else
			err = err ?: strbuf_addf(sb, " %s%s", n->flags & NF_ARROW ? "->" : ".", n->name);
		break;
	case N_UNROLL:
		err = err ?: strbuf_addf(sb, " %" PRIu64, n->ival);
		break;
	case N_IDENT:
		err = err ?: strbuf_addf(sb, " %s", n->name);
		if (n->type)	/* a constant, not a config key */
			err = err ?: strbuf_addf(sb, " = %" PRId64, (int64_t)n->ival);
		break;
	case N_ATTACH: {
		const struct attach *at = n->attach;

		err = err ?: strbuf_addf(sb, " %s", at && at->resolved ? at->resolved : n->str);
		if (at && at->provider) {
			err = err ?: strbuf_addf(sb, " [provider %s", at->provider);
			if (at->target)
				err = err ?: strbuf_addf(sb, " target %s", at->target);
			if (at->func)
				err = err ?: strbuf_addf(sb, " func %s", at->func);
			if (at->offset)
				err = err ?: strbuf_addf(sb, " offset %" PRIu64, at->offset);
			if (at->rate)
				err = err ?: strbuf_addf(sb, " rate %" PRIu64, at->rate);
			err = err ?: strbuf_addch(sb, ']');
		}
		break;
	}
	case N_CAST: case N_SIZEOF: case N_OFFSETOF: case N_TYPEDEF: case N_LET:
		if (n->name)
			err = err ?: strbuf_addf(sb, " %s", n->name);
		if (n->cast_type) {
			err = err ?: strbuf_addstr(sb, n->kind == N_LET ? " as " : " (");
			err = err ?: type_format(n->cast_type, sb);
			if (n->kind != N_LET)
				err = err ?: strbuf_addch(sb, ')');
		}
		break;
	default:
		if (n->name)
			err = err ?: strbuf_addf(sb, " %s", n->name);
	}
	if (n->type && n->kind != N_TYPEDEF) {
		err = err ?: strbuf_addstr(sb, " : ");
		err = err ?: type_format(n->type, sb);
	}
	err = err ?: strbuf_addch(sb, '\n');

	switch (n->kind) {
	case N_PROBE:
		err = err ?: dump_list(n->kids, depth + 1, sb);
		err = err ?: dump(n->x, depth + 1, "predicate", sb);
		err = err ?: dump(n->l, depth + 1, NULL, sb);
		break;
	case N_IF:
		err = err ?: dump(n->x, depth + 1, "cond", sb);
		err = err ?: dump(n->l, depth + 1, "then", sb);
		err = err ?: dump(n->r, depth + 1, "else", sb);
		break;
	case N_WHILE: case N_FOR:
		err = err ?: dump(n->x, depth + 1, n->kind == N_FOR ? "in" : "cond", sb);
		err = err ?: dump(n->l, depth + 1, NULL, sb);
		break;
	case N_TERNARY:
		err = err ?: dump(n->x, depth + 1, "cond", sb);
		err = err ?: dump(n->l, depth + 1, "then", sb);
		err = err ?: dump(n->r, depth + 1, "else", sb);
		break;
	default:
		err = err ?: dump(n->x, depth + 1, NULL, sb);
		err = err ?: dump(n->l, depth + 1, NULL, sb);
		err = err ?: dump(n->r, depth + 1, NULL, sb);
		err = err ?: dump_list(n->kids, depth + 1, sb);
	}
	return err;
}

int ast_dump(const struct node *prog, const struct map_info *maps, struct strbuf *out)
{
	int err = dump(prog, 0, NULL, out);

	if (maps)
		err = err ?: strbuf_addstr(out, "maps\n");
	for (; maps && !err; maps = maps->next) {
		err = strbuf_addf(out, "  %s", maps->name);
		if (maps->key) {
			err = err ?: strbuf_addstr(out, " key ");
			err = err ?: type_format(maps->key, out);
		}
		err = err ?: strbuf_addstr(out, " value ");
		err = err ?: (maps->value ? type_format(maps->value, out) : strbuf_addstr(out, "?"));
		err = err ?: strbuf_addch(out, '\n');
	}
	return err;
}
