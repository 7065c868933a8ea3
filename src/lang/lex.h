/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lexer: on demand, one token at a time, so that the parser can switch
 * to reading a probe's attach point as raw text ("uprobe:/bin/bash:readline"
 * is not a sequence of C tokens).  Lexical errors go to the diagnostics and
 * come back as T_ERROR.
 */
#ifndef SCRY_LANG_LEX_H
#define SCRY_LANG_LEX_H

#include <stdint.h>

#include "lang/ast.h"
#include "lang/diag.h"

enum tok {
	T_EOF,
	T_ERROR,
	T_IDENT,	/* keywords too: the parser looks at the text */
	T_INT,		/* ival */
	T_STR,		/* str, slen: escapes resolved */
	T_VAR,		/* $x */
	T_PARAM,	/* $1 (ival), $# (ival 0, argc) */
	T_MAP,		/* @x, @ */
	T_PUNCT,	/* op: a character or OP_* */
	T_ASSIGN,	/* op: 0 for '=', else the operator of "op=" */
	T_HASH,		/* a '#' line: text is the line */
	T_ATTACH,	/* only from lex_attach(): text */
};

/* Punctuators beyond ast.h's operators. */
enum {
	OP_INC = 300, OP_DEC, OP_ARROW, OP_DOTDOT,
};

struct token {
	enum tok kind;
	int op;
	bool argc;
	struct loc loc;
	const char *text;	/* into the source */
	size_t tlen;
	uint64_t ival;
	const char *str;	/* arena */
	size_t slen;
};

struct define {
	const char *name;
	struct token value;
	struct define *next;
};

struct lexer {
	const char *src;
	size_t len, pos;
	uint32_t line, col;
	struct diags *d;
	struct arena *a;
	struct define *defines;
};

void lex_init(struct lexer *lx, const char *src, size_t len, struct diags *d, struct arena *a);
void lex_next(struct lexer *lx, struct token *t);
/* Raw attach point text: up to white space, ',', '{' or a predicate's '/'. */
void lex_attach(struct lexer *lx, struct token *t);
/* Record "#define NAME VALUE" when VALUE is one literal token; false otherwise. */
bool lex_define(struct lexer *lx, const char *line, size_t len, struct loc loc);
/* Parse one integer literal (with '_', 1e6, duration suffixes); false if s is not one. */
bool lex_number(const char *s, size_t len, uint64_t *val);
bool lex_number_plain(const char *s, uint64_t *val);	/* NUL-terminated s */

#endif
