// SPDX-License-Identifier: GPL-2.0
/* The lexer.  Scripts are untrusted: every read checks pos < len. */
#include <ctype.h>
#include <string.h>

#include "lang/lex.h"

void lex_init(struct lexer *lx, const char *src, size_t len, struct diags *d, struct arena *a)
{
	memset(lx, 0, sizeof(*lx));
	lx->src = src;
	lx->len = len;
	lx->line = 1;
	lx->col = 1;
	lx->d = d;
	lx->a = a;
	/* "#!" is a comment on the first line only. */
	if (len >= 2 && src[0] == '#' && src[1] == '!')
		while (lx->pos < len && src[lx->pos] != '\n')
			lx->pos++, lx->col++;
}

static int peekc(const struct lexer *lx, size_t ahead)
{
	return lx->pos + ahead < lx->len ? (unsigned char)lx->src[lx->pos + ahead] : -1;
}

static void advance(struct lexer *lx)
{
	if (lx->pos >= lx->len)
		return;
	if (lx->src[lx->pos] == '\n') {
		lx->line++;
		lx->col = 1;
	} else {
		lx->col++;
	}
	lx->pos++;
}

static struct loc here(const struct lexer *lx)
{
	return (struct loc){ .line = lx->line, .col = lx->col, .off = (uint32_t)lx->pos, .len = 1 };
}

static bool at_line_start(const struct lexer *lx)
{
	size_t i = lx->pos;

	while (i > 0 && (lx->src[i - 1] == ' ' || lx->src[i - 1] == '\t'))
		i--;
	return i == 0 || lx->src[i - 1] == '\n';
}

static void skip_space(struct lexer *lx)
{
	for (;;) {
		int c = peekc(lx, 0);

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
			advance(lx);
		} else if (c == '/' && peekc(lx, 1) == '/') {
			while (peekc(lx, 0) != -1 && peekc(lx, 0) != '\n')
				advance(lx);
		} else if (c == '/' && peekc(lx, 1) == '*') {
			struct loc at = here(lx);

			advance(lx);
			advance(lx);
			while (peekc(lx, 0) != -1 && !(peekc(lx, 0) == '*' && peekc(lx, 1) == '/'))
				advance(lx);
			if (peekc(lx, 0) == -1) {
				at.len = 2;
				diag_err(lx->d, at, "unterminated comment");
				return;
			}
			advance(lx);
			advance(lx);
		} else {
			return;
		}
	}
}

static bool is_ident(int c, bool first)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (!first && c >= '0' && c <= '9');
}

static bool mul_ok(uint64_t *v, uint64_t m)
{
	if (m && *v > UINT64_MAX / m)
		return false;
	*v *= m;
	return true;
}

bool lex_number(const char *s, size_t len, uint64_t *val)
{
	static const struct {
		const char *sfx;
		uint64_t mul;
	} units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000ULL },
		{ "m", 60000000000ULL }, { "h", 3600000000000ULL }, { "d", 86400000000000ULL },
		{ "u", 1 }, { "l", 1 }, { "ul", 1 }, { "lu", 1 }, { "ll", 1 }, { "ull", 1 },
		{ "llu", 1 }, { "U", 1 }, { "L", 1 }, { "UL", 1 }, { "ULL", 1 }, { "LL", 1 },
	};
	uint64_t v = 0;
	unsigned base = 10, digits = 0;
	size_t i = 0, k;

	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16, i = 2;
	else if (len >= 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B'))
		base = 2, i = 2;
	else if (len >= 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'O'))
		base = 8, i = 2;
	else if (len >= 2 && s[0] == '0' && isdigit((unsigned char)s[1]))
		base = 8, i = 1;
	for (; i < len; i++) {
		int c = (unsigned char)s[i], dv;

		if (c == '_' && digits)
			continue;
		if (c >= '0' && c <= '9')
			dv = c - '0';
		else if (base == 16 && isxdigit(c))
			dv = tolower(c) - 'a' + 10;
		else
			break;
		if (dv >= (int)base)
			return false;
		if (!mul_ok(&v, base) || v + (uint64_t)dv < v)
			return false;
		v += (uint64_t)dv;
		digits++;
	}
	if (!digits)
		return false;
	if (base == 10 && i < len && (s[i] == 'e' || s[i] == 'E') && i + 1 < len &&
	    isdigit((unsigned char)s[i + 1])) {
		unsigned e = 0;

		for (i++; i < len && isdigit((unsigned char)s[i]); i++) {
			e = e * 10 + (unsigned)(s[i] - '0');
			if (e > 19)
				return false;
		}
		while (e--)
			if (!mul_ok(&v, 10))
				return false;
	}
	if (i < len) {
		for (k = 0; k < sizeof(units) / sizeof(units[0]); k++)
			if (strlen(units[k].sfx) == len - i && !memcmp(units[k].sfx, s + i, len - i))
				break;
		if (k == sizeof(units) / sizeof(units[0]) || !mul_ok(&v, units[k].mul))
			return false;
	}
	*val = v;
	return true;
}

static void lex_string(struct lexer *lx, struct token *t)
{
	char *out = arena_alloc(lx->a, lx->len - lx->pos + 1);
	size_t n = 0;

	advance(lx);
	for (;;) {
		int c = peekc(lx, 0);

		if (c == -1 || c == '\n') {
			diag_err(lx->d, t->loc, "unterminated string");
			t->kind = T_ERROR;
			return;
		}
		advance(lx);
		if (c == '"')
			break;
		if (c == '\\') {
			struct loc at = here(lx);
			int e = peekc(lx, 0), v, k;

			at.off--, at.col--, at.len = 2;
			advance(lx);
			switch (e) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'a': c = '\a'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'v': c = '\v'; break;
			case 'e': c = 27; break;
			case '\\': case '"': case '\'': case '?': c = e; break;
			case 'x':
				for (v = 0, k = 0; k < 2 && isxdigit(peekc(lx, 0)); k++) {
					v = v * 16 + (isdigit(peekc(lx, 0)) ? peekc(lx, 0) - '0'
									   : tolower(peekc(lx, 0)) - 'a' + 10);
					advance(lx);
				}
				if (!k) {
					diag_err(lx->d, at, "'\\x' used with no following hex digits");
					t->kind = T_ERROR;
				}
				c = v;
				break;
			case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7':
				for (v = 0, k = 0; k < 3 && peekc(lx, 0) >= '0' && peekc(lx, 0) <= '7'; k++) {
					v = v * 8 + peekc(lx, 0) - '0';
					advance(lx);
				}
				c = v & 0xff;
				break;
			default:
				if (e == -1 || e == '\n') {
					diag_err(lx->d, t->loc, "unterminated string");
					t->kind = T_ERROR;
					return;
				}
				at.len = 2;
				diag_add(lx->d, DIAG_ERROR, at, "the escapes are \\n \\t \\r \\\\ \\\" \\xHH \\ooo",
					 "invalid escape sequence '\\%c'", e);
				t->kind = T_ERROR;
				c = e;
			}
		}
		if (out)
			out[n++] = (char)c;
	}
	t->str = out;
	t->slen = n;
}

static const struct {
	const char *s;
	int op;
	bool assign;
} puncts[] = {
	{ "<<=", OP_SHL, true }, { ">>=", OP_SHR, true },
	{ "+=", '+', true }, { "-=", '-', true }, { "*=", '*', true }, { "/=", '/', true },
	{ "%=", '%', true }, { "&=", '&', true }, { "|=", '|', true }, { "^=", '^', true },
	{ "==", OP_EQ, false }, { "!=", OP_NE, false }, { "<=", OP_LE, false },
	{ ">=", OP_GE, false }, { "&&", OP_LAND, false }, { "||", OP_LOR, false },
	{ "<<", OP_SHL, false }, { ">>", OP_SHR, false }, { "++", OP_INC, false },
	{ "--", OP_DEC, false }, { "->", OP_ARROW, false }, { "..", OP_DOTDOT, false },
};

static void lex_define_lookup(struct lexer *lx, struct token *t)
{
	const struct define *df;

	for (df = lx->defines; df; df = df->next) {
		if (strlen(df->name) == t->tlen && !memcmp(df->name, t->text, t->tlen)) {
			struct loc loc = t->loc;

			*t = df->value;
			t->loc = loc;
			return;
		}
	}
}

void lex_next(struct lexer *lx, struct token *t)
{
	size_t start, k;
	int c;

	skip_space(lx);
	memset(t, 0, sizeof(*t));
	t->loc = here(lx);
	start = lx->pos;
	t->text = lx->src + start;
	c = peekc(lx, 0);
	if (c == -1) {
		t->kind = T_EOF;
		t->loc.len = 0;
		return;
	}
	if (c == '#' && at_line_start(lx)) {
		while (peekc(lx, 0) != -1 && peekc(lx, 0) != '\n') {
			/* A backslash-newline continues a preprocessor line. */
			if (peekc(lx, 0) == '\\' && peekc(lx, 1) == '\n')
				advance(lx);
			advance(lx);
		}
		t->kind = T_HASH;
	} else if (is_ident(c, true)) {
		while (is_ident(peekc(lx, 0), false))
			advance(lx);
		t->kind = T_IDENT;
	} else if (isdigit(c)) {
		while (is_ident(peekc(lx, 0), false))
			advance(lx);
		t->kind = T_INT;
		if (!lex_number(t->text, lx->pos - start, &t->ival)) {
			t->loc.len = (uint32_t)(lx->pos - start);
			diag_err(lx->d, t->loc, "invalid integer literal '%.*s'",
				 (int)(lx->pos - start), t->text);
			t->kind = T_ERROR;
		}
	} else if (c == '"') {
		t->kind = T_STR;
		lex_string(lx, t);
	} else if (c == '$') {
		advance(lx);
		if (isdigit(peekc(lx, 0))) {
			uint64_t v = 0;

			while (isdigit(peekc(lx, 0))) {
				v = v * 10 + (uint64_t)(peekc(lx, 0) - '0');
				if (v > 1000000)
					v = 1000000;
				advance(lx);
			}
			t->kind = T_PARAM;
			t->ival = v;
		} else if (peekc(lx, 0) == '#') {
			advance(lx);
			t->kind = T_PARAM;
			t->argc = true;
		} else if (is_ident(peekc(lx, 0), true)) {
			while (is_ident(peekc(lx, 0), false))
				advance(lx);
			t->kind = T_VAR;
		} else {
			diag_add(lx->d, DIAG_ERROR, t->loc, "variables are written '$name'",
				 "'$' must be followed by a name or a number");
			t->kind = T_ERROR;
		}
	} else if (c == '@') {
		advance(lx);
		while (is_ident(peekc(lx, 0), false))
			advance(lx);
		t->kind = T_MAP;
	} else {
		for (k = 0; k < sizeof(puncts) / sizeof(puncts[0]); k++) {
			size_t n = strlen(puncts[k].s);

			if (lx->pos + n <= lx->len && !memcmp(lx->src + lx->pos, puncts[k].s, n))
				break;
		}
		if (k < sizeof(puncts) / sizeof(puncts[0])) {
			size_t n = strlen(puncts[k].s);

			while (n--)
				advance(lx);
			t->kind = puncts[k].assign ? T_ASSIGN : T_PUNCT;
			t->op = puncts[k].op;
		} else if (c && strchr("{}()[];,.:?/+-*%&|^~!<>=", c)) {
			advance(lx);
			t->kind = c == '=' ? T_ASSIGN : T_PUNCT;
			t->op = c == '=' ? 0 : c;
		} else {
			advance(lx);
			if (c >= 0x20 && c < 0x7f)
				diag_err(lx->d, t->loc, "unexpected character '%c'", c);
			else
				diag_err(lx->d, t->loc, "unexpected byte 0x%02x", c);
			t->kind = T_ERROR;
		}
	}
	t->tlen = lx->pos - start;
	t->loc.len = (uint32_t)(t->tlen ? t->tlen : 1);
	if (t->kind == T_IDENT && lx->defines)
		lex_define_lookup(lx, t);
}

/*
 * Does the '/' at pos continue a relative path ("bin/app", "./prog",
 * "../lib/x.so")?  Only if path characters run from it to a ':', so that
 * the segment is followed by another: "f/pid == 1/" and "f/x/" (the last
 * segment, then a predicate) end the attach point at the '/'.
 */
static bool slash_in_path(const struct lexer *lx, size_t pos)
{
	for (pos++; pos < lx->len; pos++) {
		int c = (unsigned char)lx->src[pos];

		if (c == ':')
			return true;
		if (!isalnum(c) && !strchr("_-.+/*[]#@~", c))
			return false;
	}
	return false;
}

void lex_attach(struct lexer *lx, struct token *t)
{
	size_t start, seg;
	bool path = false;

	skip_space(lx);
	memset(t, 0, sizeof(*t));
	t->loc = here(lx);
	start = seg = lx->pos;
	for (;;) {
		int c = peekc(lx, 0);

		if (c == -1 || isspace(c) || c == ',' || c == '{' || c == '}' || c == ';')
			break;
		if (c == '/' && !(path || lx->pos == seg || slash_in_path(lx, lx->pos)))
			break;
		if (c == '/' && lx->pos == seg)
			path = true;
		if (c == ':') {
			path = false;
			seg = lx->pos + 1;
		}
		if (c == '"') {
			/* A quoted part ("uprobe:\"/a b/c\":f") is kept as written. */
			advance(lx);
			while (peekc(lx, 0) != -1 && peekc(lx, 0) != '"' && peekc(lx, 0) != '\n')
				advance(lx);
			if (peekc(lx, 0) != '"')
				break;
		}
		advance(lx);
	}
	t->kind = T_ATTACH;
	t->text = lx->src + start;
	t->tlen = lx->pos - start;
	t->loc.len = (uint32_t)(t->tlen ? t->tlen : 1);
}

bool lex_define(struct lexer *lx, const char *line, size_t len, struct loc loc)
{
	struct lexer sub;
	struct token name, value, end;
	struct diags quiet;
	struct define *df;

	/* Lex the value alone, with errors going nowhere: it may be any C. */
	diags_init(&quiet, lx->a, "", line, len);
	quiet.nr_errors = DIAG_MAX_ERRORS;
	lex_init(&sub, line, len, &quiet, lx->a);
	sub.defines = lx->defines;
	lex_next(&sub, &name);
	if (name.kind != T_IDENT || sub.pos >= len || line[sub.pos] == '(')
		return false;
	lex_next(&sub, &value);
	lex_next(&sub, &end);
	if ((value.kind != T_INT && value.kind != T_STR) || end.kind != T_EOF)
		return false;
	df = arena_alloc(lx->a, sizeof(*df));
	if (!df)
		return false;
	df->name = arena_strndup(lx->a, name.text, name.tlen);
	df->value = value;
	(void)loc;
	df->next = lx->defines;
	lx->defines = df;
	return true;
}

bool lex_number_plain(const char *s, uint64_t *val)
{
	return lex_number(s, strlen(s), val);
}
