// SPDX-License-Identifier: GPL-2.0
/*
 * uprobe:BIN:FUNC, uretprobe:BIN:FUNC — dynamic probes on the functions of
 * user space binaries.  Listing reads the function symbols of BIN (.symtab
 * and .dynsym) or, with -p PID, of every binary the process maps.
 */
#include <elf.h>
#include <errno.h>
#include <string.h>

#include "probe/kfunc_list.h"
#include "probe/user_target.h"
#include "sym/elf.h"
#include "util/log.h"
#include "util/strbuf.h"

struct uprobe_ctx {
	const char *prefix;
	struct list_sink *sink;
	struct strbuf name;
};

/* Opens path for listing its probes: an executable or a shared library. */
int user_binary_open(const char *path, struct elf_file **ef);

int user_binary_open(const char *path, struct elf_file **ef)
{
	unsigned int type;
	int err;

	err = elf_file_open(path, ef);
	if (err)
		return err;
	type = elf_file_type(*ef);
	if (type != ET_EXEC && type != ET_DYN) {
		pr_err("'%s': not an executable or shared library", path);
		elf_file_close(*ef);
		*ef = NULL;
		return -ENOEXEC;
	}
	return 0;
}

static int list_binary(const char *path, const struct list_query *q, void *arg)
{
	struct uprobe_ctx *c = arg;
	struct probe_entry e = { .available = true };
	struct elf_symtab tab = { 0 };
	struct elf_file *ef;
	size_t i;
	int err;

	err = user_binary_open(path, &ef);
	err = err ?: elf_file_functions(ef, &tab);
	for (i = 0; !err && i < tab.nr; i++) {
		strbuf_reset(&c->name);
		err = strbuf_addf(&c->name, "%s:%s:%s", c->prefix, path, tab.syms[i].name);
		if (err || !list_query_match(q, strbuf_str(&c->name)))
			continue;
		e.name = strbuf_str(&c->name);
		err = c->sink->emit(c->sink, &e);
	}
	elf_symtab_release(&tab);
	elf_file_close(ef);
	return err;
}

static int uprobe_list(const struct provider *self, const struct list_query *q,
		       struct list_sink *sink)
{
	struct uprobe_ctx c = { .prefix = self->name, .sink = sink };
	int err;

	if (!strcmp(self->name, "uretprobe") && !list_query_names(q, self))
		return 0;
	err = user_targets_for_each(self, q, list_binary, &c);
	strbuf_release(&c.name);
	return err;
}

const struct provider provider_uprobe = {
	.name = "uprobe",
	.alias = "u",
	.list = uprobe_list,
};

const struct provider provider_uretprobe = {
	.name = "uretprobe",
	.alias = "ur",
	.list = uprobe_list,
};
