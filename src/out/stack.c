// SPDX-License-Identifier: GPL-2.0
/* Stack formatting as bpftrace's get_stack() does it (see stack.h). */
#include <bpf/bpf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "out/stack.h"
#include "sym/ksyms.h"
#include "sym/usyms.h"
#include "util/log.h"

int stack_mode_parse(const char *s, enum stack_mode *mode)
{
	if (!strcmp(s, "bpftrace"))
		*mode = STACK_MODE_BPFTRACE;
	else if (!strcmp(s, "perf"))
		*mode = STACK_MODE_PERF;
	else if (!strcmp(s, "raw"))
		*mode = STACK_MODE_RAW;
	else
		return -EINVAL;
	return 0;
}

int stack_frame_sym(struct strbuf *sb, uint64_t addr, bool user, bool with_offset,
		    bool with_module, const struct stack_syms *syms)
{
	const char *name = NULL, *module = NULL;
	uint64_t off = 0;
	int err;

	if (!user && syms && syms->ks) {
		const struct ksym *k = ksyms_lookup(syms->ks, addr, &off);

		if (k)
			name = k->name;
	} else if (user && syms && syms->us) {
		struct usym us;

		usyms_lookup(syms->us, syms->pid, addr, &us);
		name = us.name;
		off = us.off;
		module = us.module;
	}
	if (name) {
		err = strbuf_addstr(sb, name);
		if (!err && with_offset)
			err = strbuf_addf(sb, "+%" PRIu64, off);
		if (!err && user && with_module)
			err = strbuf_addf(sb, " (%s)", module ? module : "[unknown]");
		return err;
	}
	/* C++'s operator<<(void *): "0x..." in lower-case hex. */
	err = strbuf_addf(sb, "0x%" PRIx64, addr);
	if (!err && user && with_module)
		err = strbuf_addstr(sb, " ([unknown])");
	return err;
}

int stack_format(struct strbuf *sb, const uint64_t *addrs, size_t n, bool user,
		 enum stack_mode mode, int indent, const struct stack_syms *syms)
{
	size_t i;
	int err = strbuf_addch(sb, '\n');

	for (i = 0; i < n && !err && addrs[i]; i++) {
		switch (mode) {
		case STACK_MODE_RAW:
			err = strbuf_addf(sb, "%" PRIx64 "\n", addrs[i]);
			continue;
		case STACK_MODE_PERF:
			err = strbuf_addf(sb, "\t%" PRIx64 " ", addrs[i]);
			break;
		case STACK_MODE_BPFTRACE:
			err = strbuf_addf(sb, "%*s", indent, "");
			break;
		}
		if (!err)
			err = stack_frame_sym(sb, addrs[i], user, true, mode == STACK_MODE_PERF, syms);
		if (!err)
			err = strbuf_addch(sb, '\n');
	}
	return err;
}

int stack_map_read(int map_fd, int64_t stackid, uint64_t *addrs, size_t max_depth)
{
	uint32_t id;
	size_t n;

	if (stackid < 0 || stackid > UINT32_MAX)
		return -ENOENT;
	id = (uint32_t)stackid;
	memset(addrs, 0, max_depth * sizeof(*addrs));
	if (bpf_map_lookup_elem(map_fd, &id, addrs)) {
		int err = -errno;

		if (err == -ENOENT)
			return err;
		pr_err("cannot read stack %u from the stack map: %s", id, strerror(-err));
		return err;
	}
	for (n = 0; n < max_depth && addrs[n]; n++)
		;
	return (int)n;
}
