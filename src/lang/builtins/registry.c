// SPDX-License-Identifier: GPL-2.0
/*
 * The table of built-in functions: one line each.  Adding a built-in is
 * adding its struct lang_func to a family file and one line here.
 */
#include <stdlib.h>
#include <string.h>

#include "lang/sema.h"

#define F(name) extern const struct lang_func func_##name;
#define FUNCS(X)                                                                              \
	/* output.c */                                                                        \
	X(printf) X(errorf) X(warnf) X(debugf) X(system) X(cat) X(exit) X(time) X(strftime)   \
	X(join) X(signal) X(override) X(unwatch)                                              \
	/* maps.c */                                                                          \
	X(count) X(sum) X(avg) X(min) X(max) X(stats) X(hist) X(lhist) X(clear) X(zero)       \
	X(delete) X(has_key) X(len) X(print)                                                  \
	/* strings.c */                                                                       \
	X(str) X(buf) X(strncmp) X(strcontains) X(path) X(strerror)                           \
	/* symbols.c */                                                                       \
	X(ksym) X(usym) X(kaddr) X(percpu_kaddr) X(uaddr) X(kstack) X(ustack) X(reg) X(ntop)  \
	X(macaddr) X(cgroupid) X(cgroup_path) X(kptr) X(uptr) X(bswap)                      \
	X(pton)                                                                               \
	/* vars.c */                                                                          \
	X(nsecs) X(pid) X(tid)                                                                \
	X(getopt)                                                                             \
	/* new built-ins: one line each, above this one */
FUNCS(F)
#undef F

#define F(name) &func_##name,
static const struct lang_func *const funcs[] = { FUNCS(F) NULL };
#undef F

extern const struct lang_var lang_vars[];

const struct lang_func *lang_func_find(const char *name)
{
	size_t i;

	for (i = 0; funcs[i]; i++)
		if (!strcmp(funcs[i]->name, name))
			return funcs[i];
	return NULL;
}

static bool argn(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);
	const char *p = name + n;

	if (strncmp(name, prefix, n) || !*p || strlen(p) > 2)
		return false;
	for (; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

const struct lang_var *lang_var_find(const char *name)
{
	size_t i;

	if (argn(name, "arg"))
		name = "__arg";
	else if (argn(name, "sarg"))
		name = "__sarg";
	for (i = 0; lang_vars[i].name; i++)
		if (!strcmp(lang_vars[i].name, name))
			return &lang_vars[i];
	return NULL;
}

const char *const *lang_builtin_names(void)
{
	static const char *names[128];
	size_t i, n = 0;

	if (names[0])
		return names;
	for (i = 0; lang_vars[i].name && n < 60; i++)
		if (lang_vars[i].name[0] != '_')
			names[n++] = lang_vars[i].name;
	names[n++] = "arg0";
	for (i = 0; funcs[i] && n < 127; i++)
		names[n++] = funcs[i]->name;
	names[n] = NULL;
	return names;
}
