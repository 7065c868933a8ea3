// SPDX-License-Identifier: GPL-2.0
/*
 * USDT notes and their x86-64 argument specs.  The spec grammar, as GCC's
 * "nor" asm constraints produce it through <sys/sdt.h>:
 *
 *	arg     := [[-]size@]operand
 *	operand := %reg | $imm | [disp](%base[,%index[,scale]]) | [disp](,%index,scale)
 *	         | sym[+-off](%rip)
 */
#include <ctype.h>
#include <errno.h>
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "sym/elf.h"
#include "sym/regs.h"
#include "sym/usdt.h"
#include "util/log.h"


static const struct {
	const char *name[5];	/* 8, 4, 2, 1 bytes, and the high byte */
	int16_t off;
} regs[] = {
	{ { "rax", "eax", "ax", "al", "ah" }, PT_AX },
	{ { "rbx", "ebx", "bx", "bl", "bh" }, PT_BX },
	{ { "rcx", "ecx", "cx", "cl", "ch" }, PT_CX },
	{ { "rdx", "edx", "dx", "dl", "dh" }, PT_DX },
	{ { "rsi", "esi", "si", "sil" }, PT_SI },
	{ { "rdi", "edi", "di", "dil" }, PT_DI },
	{ { "rbp", "ebp", "bp", "bpl" }, PT_BP },
	{ { "rsp", "esp", "sp", "spl" }, PT_SP },
	{ { "r8", "r8d", "r8w", "r8b" }, PT_R8 },
	{ { "r9", "r9d", "r9w", "r9b" }, PT_R9 },
	{ { "r10", "r10d", "r10w", "r10b" }, PT_R10 },
	{ { "r11", "r11d", "r11w", "r11b" }, PT_R11 },
	{ { "r12", "r12d", "r12w", "r12b" }, PT_R12 },
	{ { "r13", "r13d", "r13w", "r13b" }, PT_R13 },
	{ { "r14", "r14d", "r14w", "r14b" }, PT_R14 },
	{ { "r15", "r15d", "r15w", "r15b" }, PT_R15 },
	{ { "rip", "eip" }, PT_IP },
};

int usdt_reg_lookup(const char *name, size_t len, uint8_t *size, uint8_t *shift)
{
	static const uint8_t sizes[] = { 8, 4, 2, 1, 1 };
	size_t i, w;

	for (i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		for (w = 0; w < 5; w++) {
			const char *n = regs[i].name[w];

			if (n && strlen(n) == len && !memcmp(n, name, len)) {
				*size = sizes[w];
				*shift = w == 4 ? 8 : 0;
				return regs[i].off;
			}
		}
	}
	return -1;
}

/* A cursor over a bounded, not terminated string. */
struct cur {
	const char *p, *end;
};

static bool eat(struct cur *c, char ch)
{
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return true;
	}
	return false;
}

/* Signed decimal or 0x hex; no overflow past int64. */
static bool parse_int(struct cur *c, int64_t *v)
{
	bool neg = false, any = false;
	uint64_t x = 0, base = 10, d;

	if (eat(c, '-'))
		neg = true;
	else
		eat(c, '+');
	if (c->end - c->p >= 2 && c->p[0] == '0' && (c->p[1] == 'x' || c->p[1] == 'X')) {
		base = 16;
		c->p += 2;
	}
	for (; c->p < c->end; c->p++, any = true) {
		char ch = *c->p;

		if (ch >= '0' && ch <= '9')
			d = (uint64_t)(ch - '0');
		else if (base == 16 && ch >= 'a' && ch <= 'f')
			d = (uint64_t)(ch - 'a' + 10);
		else if (base == 16 && ch >= 'A' && ch <= 'F')
			d = (uint64_t)(ch - 'A' + 10);
		else
			break;
		if (x > (UINT64_MAX - d) / base)
			return false;
		x = x * base + d;
	}
	if (!any || x > (uint64_t)INT64_MAX + neg)
		return false;
	*v = neg ? (int64_t)(0 - x) : (int64_t)x;
	return true;
}

static bool parse_reg(struct cur *c, int16_t *off, uint8_t *size, uint8_t *shift)
{
	const char *s;
	int r;

	if (!eat(c, '%'))
		return false;
	for (s = c->p; c->p < c->end && isalnum((unsigned char)*c->p); c->p++)
		;
	r = usdt_reg_lookup(s, (size_t)(c->p - s), size, shift);
	*off = (int16_t)r;
	return r >= 0;
}

static bool is_sym_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_' || ch == '.' || ch == '$' || ch == '@';
}

/* "(%base[,%index[,scale]])" or "(,%index,scale)" */
static bool parse_mem(struct cur *c, struct usdt_arg *a)
{
	uint8_t sz, sh;
	int64_t scale;

	if (!eat(c, '('))
		return false;
	if (c->p < c->end && *c->p == '%') {
		if (!parse_reg(c, &a->base, &sz, &sh) || sz != 8 || sh)
			return false;
	}
	if (eat(c, ',')) {
		if (!parse_reg(c, &a->index, &sz, &sh) || sz != 8 || sh || a->index == PT_IP)
			return false;
		if (eat(c, ',')) {
			if (!parse_int(c, &scale) ||
			    (scale != 1 && scale != 2 && scale != 4 && scale != 8))
				return false;
			a->scale = (uint8_t)scale;
		}
	}
	if (a->base < 0 && a->index < 0)
		return false;
	return eat(c, ')');
}

int usdt_arg_parse(const char *spec, size_t len, struct usdt_arg *a)
{
	struct cur c = { spec, spec + len };
	const char *at = memchr(spec, '@', len);
	int64_t v;

	memset(a, 0, sizeof(*a));
	a->base = a->index = -1;
	a->size = 8;
	a->scale = 1;
	if (at) {
		int64_t m;

		if (!parse_int(&c, &v) || c.p != at || v < -8 || v > 8)
			goto bad_size;
		m = v < 0 ? -v : v;
		if (m != 1 && m != 2 && m != 4 && m != 8)
			goto bad_size;
		a->is_signed = v < 0;
		a->size = (uint8_t)m;
		c.p = at + 1;
	}
	if (c.p >= c.end)
		goto bad;
	if (*c.p == '%') {
		a->kind = USDT_ARG_REG;
		if (!parse_reg(&c, &a->base, &a->reg_size, &a->reg_shift) || a->base == PT_IP)
			goto bad;
	} else if (eat(&c, '$')) {
		a->kind = USDT_ARG_IMM;
		if (!parse_int(&c, &a->disp))
			goto bad;
	} else if (*c.p == '(' || *c.p == '-' || *c.p == '+' || isdigit((unsigned char)*c.p)) {
		a->kind = USDT_ARG_MEM;
		if (*c.p != '(' && !parse_int(&c, &a->disp))
			goto bad;
		if (!parse_mem(&c, a) || a->base == PT_IP) {
			/* "-8(%rip)": rip-relative without a symbol */
			if (a->base != PT_IP || a->index >= 0)
				goto bad;
			a->kind = USDT_ARG_RIP;
		}
	} else if (is_sym_char(*c.p)) {
		const char *s = c.p;
		size_t n;

		a->kind = USDT_ARG_RIP;
		while (c.p < c.end && is_sym_char(*c.p))
			c.p++;
		n = (size_t)(c.p - s);
		if (n >= sizeof(a->sym))
			goto bad;
		memcpy(a->sym, s, n);
		a->sym[n] = '\0';
		if (c.p < c.end && (*c.p == '+' || *c.p == '-') && !parse_int(&c, &a->disp))
			goto bad;
		if (!parse_mem(&c, a) || a->base != PT_IP || a->index >= 0)
			goto bad;
	} else {
		goto bad;
	}
	if (c.p != c.end)
		goto bad;
	return 0;
bad_size:
	a->size = 8;
	a->is_signed = false;
bad:
	a->kind = USDT_ARG_BAD;
	a->base = a->index = -1;
	a->sym[0] = '\0';
	return -EINVAL;
}

int usdt_args_parse(const char *str, struct usdt_arg *args, size_t max, size_t *nr)
{
	const char *p = str, *s;
	int err = 0;

	*nr = 0;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			return err;
		if (*nr == max)
			return -E2BIG;
		for (s = p; *p && *p != ' ' && *p != '\t'; p++)
			;
		if (usdt_arg_parse(s, (size_t)(p - s), &args[*nr]))
			err = -EINVAL;
		if ((size_t)(s - str) > UINT16_MAX || (size_t)(p - s) > UINT16_MAX)
			return -E2BIG;
		args[*nr].spec_off = (uint16_t)(s - str);
		args[*nr].spec_len = (uint16_t)(p - s);
		(*nr)++;
	}
}

const char *usdt_arg_type(const struct usdt_arg *a)
{
	switch (a->size) {
	case 1:
		return a->is_signed ? "int8" : "uint8";
	case 2:
		return a->is_signed ? "int16" : "uint16";
	case 4:
		return a->is_signed ? "int32" : "uint32";
	default:
		return a->is_signed ? "int64" : "uint64";
	}
}

static uint32_t get32(const unsigned char *p, bool swap)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return swap ? __builtin_bswap32(v) : v;
}

static uint64_t get_addr(const unsigned char *p, bool is64, bool swap)
{
	uint64_t v;

	if (!is64)
		return get32(p, swap);
	memcpy(&v, p, sizeof(v));
	return swap ? __builtin_bswap64(v) : v;
}

/* The next NUL-terminated string in [*p, end), or NULL. */
static const char *take_str(const char **p, const char *end)
{
	const char *s = *p, *nul;

	if (s >= end)
		return NULL;
	nul = memchr(s, '\0', (size_t)(end - s));
	if (!nul)
		return NULL;
	*p = nul + 1;
	return s;
}

int usdt_notes_parse(const void *data, size_t size, bool is64, bool swap, usdt_note_fn fn,
		     void *ctx)
{
	const unsigned char *base = data;
	size_t off = 0, asz = is64 ? 8 : 4;
	int err;

	/* Notes are 4-byte aligned: a tail shorter than a header is padding. */
	while (size - off >= 12) {
		const unsigned char *h = base + off;
		uint64_t namesz = get32(h, swap), descsz = get32(h + 4, swap);
		uint32_t type = get32(h + 8, swap);
		uint64_t name_off = off + 12, desc_off = name_off + ((namesz + 3) & ~3ULL);
		uint64_t next = desc_off + ((descsz + 3) & ~3ULL);
		struct usdt_note n;
		const char *p, *end;

		if (desc_off > size || descsz > size - desc_off)
			return -EINVAL;
		off = next > size ? size : (size_t)next;
		if (namesz != 8 || type != 3 || memcmp(base + name_off, "stapsdt", 8))
			continue;
		if (descsz < 3 * asz)
			return -EINVAL;
		p = (const char *)base + desc_off;
		end = p + descsz;
		n.pc = get_addr((const unsigned char *)p, is64, swap);
		n.base = get_addr((const unsigned char *)p + asz, is64, swap);
		n.semaphore = get_addr((const unsigned char *)p + 2 * asz, is64, swap);
		p += 3 * asz;
		n.provider = take_str(&p, end);
		n.name = n.provider ? take_str(&p, end) : NULL;
		n.args = n.name ? take_str(&p, end) : NULL;
		if (!n.args || !*n.provider || !*n.name)
			return -EINVAL;
		err = fn(&n, ctx);
		if (err)
			return err;
	}
	return 0;
}

struct read_ctx {
	const struct elf_file *ef;
	struct usdt_list *l;
	size_t alloc;
	bool has_base;
	uint64_t base_addr;	/* sh_addr of .stapsdt.base */
	bool reported;
};

static int add_probe(const struct usdt_note *n, void *arg)
{
	struct read_ctx *c = arg;
	struct usdt_list *l = c->l;
	struct usdt_probe *p;

	if (l->nr == c->alloc) {
		size_t na = c->alloc ? c->alloc * 2 : 16;
		struct usdt_probe *nv = realloc(l->probes, na * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		l->probes = nv;
		c->alloc = na;
	}
	p = &l->probes[l->nr];
	memset(p, 0, sizeof(*p));
	p->provider = n->provider;
	p->name = n->name;
	p->arg_str = n->args;
	p->pc = n->pc;
	p->semaphore = n->semaphore;
	/*
	 * Prelink moves the file but not the notes: the distance between where
	 * .stapsdt.base is now and where the note says it was is the shift.
	 */
	if (c->has_base && n->base) {
		p->pc += c->base_addr - n->base;
		if (p->semaphore)
			p->semaphore += c->base_addr - n->base;
	}
	if (elf_vaddr_to_offset(c->ef, p->pc, &p->pc_offset)) {
		pr_err("'%s': usdt probe '%s:%s' is at 0x%llx, outside every segment",
		       elf_file_name(c->ef), p->provider, p->name, (unsigned long long)p->pc);
		c->reported = true;
		return -EINVAL;
	}
	if (p->semaphore && elf_vaddr_to_offset(c->ef, p->semaphore, &p->sema_offset)) {
		pr_err("'%s': the semaphore of usdt probe '%s:%s' is at 0x%llx, outside every segment",
		       elf_file_name(c->ef), p->provider, p->name, (unsigned long long)p->semaphore);
		c->reported = true;
		return -EINVAL;
	}
	p->args_ok = !usdt_args_parse(p->arg_str, p->args, USDT_MAX_ARGS, &p->nr_args);
	l->nr++;
	return 0;
}

static const char *const declared_names[] = {
	"int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "string",
};

/* "int64 string" into codes (1 + index in declared_names), unknown words 0. */
static void set_declared(struct usdt_probe *p, const char *s)
{
	size_t i, k, len;

	for (i = 0; *s && i < USDT_MAX_ARGS; i++) {
		len = strcspn(s, " ");
		for (k = 0; k < sizeof(declared_names) / sizeof(declared_names[0]); k++)
			if (strlen(declared_names[k]) == len && !memcmp(declared_names[k], s, len))
				p->declared[i] = (uint8_t)(k + 1);
		s += len;
		s += *s == ' ';
	}
}

/*
 * libscry-usdt's .note.scry-usdt: per probe owner "scry-usdt", type 1, desc
 * "name\0types\0".  A hint for listing only: anything malformed is ignored.
 */
static void read_declared(const struct elf_file *ef, struct usdt_list *l)
{
	const unsigned char *base;
	const void *data;
	size_t size, off = 0, i;

	if (elf_section_data(ef, ".note.scry-usdt", &data, &size, NULL))
		return;
	base = data;
	while (size - off >= 12) {
		const unsigned char *h = base + off;
		uint64_t namesz = get32(h, false), descsz = get32(h + 4, false);
		uint64_t desc_off = off + 12 + ((namesz + 3) & ~3ULL);
		uint64_t next = desc_off + ((descsz + 3) & ~3ULL);
		const char *p, *end, *name, *types;

		if (desc_off > size || descsz > size - desc_off)
			return;
		off = next > size ? size : (size_t)next;
		if (namesz != 10 || get32(h + 8, false) != 1 || memcmp(h + 12, "scry-usdt", 10))
			continue;
		p = (const char *)base + desc_off;
		end = p + descsz;
		name = take_str(&p, end);
		types = name ? take_str(&p, end) : NULL;
		for (i = 0; types && i < l->nr; i++)
			if (!strcmp(l->probes[i].name, name))
				set_declared(&l->probes[i], types);
	}
}

const char *usdt_declared_type(const struct usdt_probe *p, size_t i)
{
	if (i >= USDT_MAX_ARGS || !p->declared[i])
		return NULL;
	return declared_names[p->declared[i] - 1];
}

int usdt_read(const struct elf_file *ef, struct usdt_list *l)
{
	struct read_ctx c = { .ef = ef, .l = l };
	const void *data, *unused;
	size_t size, usize;
	int err;

	memset(l, 0, sizeof(*l));
	err = elf_section_data(ef, ".note.stapsdt", &data, &size, NULL);
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	err = elf_section_data(ef, ".stapsdt.base", &unused, &usize, &c.base_addr);
	if (err && err != -ENOENT)
		goto out;
	c.has_base = !err;
	err = usdt_notes_parse(data, size, elf_file_class(ef) == ELFCLASS64, elf_file_swapped(ef),
			       add_probe, &c);
	if (err == -EINVAL && !c.reported)
		pr_err("'%s': malformed usdt note (number %zu in .note.stapsdt)", elf_file_name(ef),
		       l->nr + 1);
	if (!err && !elf_file_swapped(ef))
		read_declared(ef, l);
out:
	if (err)
		usdt_list_release(l);
	return err;
}

void usdt_list_release(struct usdt_list *l)
{
	free(l->probes);
	memset(l, 0, sizeof(*l));
}
