// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: strace-style formatting of system calls and strace's
 * -e trace=SET syntax (out/syscall_fmt.c).  The input is a set expression,
 * a NUL, then the bytes of one record as the kernel side would read them
 * (number, return value, arguments, the struct/buffer window, strings).
 *
 *	make fuzz && build/fuzz/syscall_fmt -max_total_time=60 fuzz/corpus/syscall_fmt
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "out/syscall_fmt.h"
#include "util/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool sel[SC_MAX_NR];
	struct strbuf sb = STRBUF_INIT;
	struct sc_record r = { 0 };
	char set[256], s0[SC_STRLEN * 4 + 1] = "", s1[SC_STRLEN + 1] = "", a0[34] = "";
	const uint8_t *nul = memchr(data, 0, size), *p;
	const char *bad;
	size_t n, rest;
	int bad_len, i;

	n = nul ? (size_t)(nul - data) : size;
	if (n >= sizeof(set))
		n = sizeof(set) - 1;
	memcpy(set, data, n);
	set[n] = '\0';
	sc_parse_set(set, sel, &bad, &bad_len);
	if (!nul)
		return 0;
	p = nul + 1;
	rest = size - (size_t)(p - data);
	if (rest < 4 + 8 + 48 + 1)
		return 0;
	memcpy(&r.nr, p, 4);
	r.nr = (int)((unsigned)r.nr % (SC_MAX_NR + 8));
	memcpy(&r.ret, p + 4, 8);
	memcpy(r.args, p + 12, 48);
	r.has_ret = p[60] & 1;
	r.win_read = p[60] & 2;
	p += 61;
	rest -= 61;
	n = rest < SC_WIN ? rest : SC_WIN;
	memcpy(r.win, p, n);
	p += n;
	rest -= n;
	n = rest < sizeof(s0) - 1 ? rest : sizeof(s0) - 1;
	memcpy(s0, p, n);
	s0[n] = '\0';
	strncpy(s1, s0, sizeof(s1) - 1);
	strncpy(a0, s0, sizeof(a0) - 1);
	r.str[0] = s0;
	r.str[1] = s1;
	for (i = 0; i < SC_MAX_ARGV; i++)
		r.argv[i] = a0;
	r.argc = (int)(r.args[5] % 8);
	r.envc = (int)(r.args[4] % 300);
	sc_format_call(&sb, &r);
	sc_format_ret(&sb, &r);
	strbuf_release(&sb);
	return 0;
}
