/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stacks printed as bpftrace prints kstack / ustack, in its three modes:
 *
 *   bpftrace (default)   "\n" then per frame: INDENT spaces, "func+off\n"
 *   perf                 "\n" then per frame: "\t<hex addr> func+off\n",
 *                        user frames followed by " (object path)"
 *   raw                  "\n" then per frame: "<hex addr>\n"
 *
 * The indent is 8 in printf("%s", kstack) and 4 for a map key
 * (@[kstack] = count()).  An address without a symbol prints as "0x<hex>"
 * (user frames in perf mode add " ([unknown])").  Frames end at the first
 * zero address.  Kernel offsets and user offsets are decimal.
 */
#ifndef SCRY_OUT_STACK_H
#define SCRY_OUT_STACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/strbuf.h"

struct ksyms;
struct usyms;

enum stack_mode {
	STACK_MODE_BPFTRACE,
	STACK_MODE_PERF,
	STACK_MODE_RAW,
};

/* bpftrace's indents: printf("%s", kstack) and a map key. */
#define STACK_INDENT_PRINTF 8
#define STACK_INDENT_MAP 4

/* The deepest stack the kernel hands out (kernel.perf_event_max_stack default). */
#define STACK_MAX_DEPTH 127

/* "bpftrace", "perf", "raw" -> mode.  0 or -EINVAL. */
int stack_mode_parse(const char *s, enum stack_mode *mode);

/*
 * Where the symbols come from.  ks NULL: kernel frames print as addresses;
 * us NULL: user frames too.  pid is the process of user frames.
 */
struct stack_syms {
	const struct ksyms *ks;
	struct usyms *us;
	pid_t pid;
};

/*
 * Appends one stack (addrs[0] is the innermost frame) to sb as bpftrace
 * prints it.  user: the addresses are user space ones (ustack).  Returns 0
 * or -ENOMEM.
 */
int stack_format(struct strbuf *sb, const uint64_t *addrs, size_t n, bool user,
		 enum stack_mode mode, int indent, const struct stack_syms *syms);

/*
 * One frame's symbol: "func+off", or "func" when !with_offset, or "0x<hex>"
 * when unknown; with_module appends " (path)" / " ([unknown])" (user
 * frames only).  Returns 0 or -ENOMEM.
 */
int stack_frame_sym(struct strbuf *sb, uint64_t addr, bool user, bool with_offset,
		    bool with_module, const struct stack_syms *syms);

/*
 * Reads stack id from a BPF_MAP_TYPE_STACK_TRACE map whose values are
 * max_depth u64 addresses into addrs (room for max_depth).  Returns the
 * number of frames (up to the first zero) or -errno: -ENOENT for an id not
 * in the map (not reported), others reported.
 */
int stack_map_read(int map_fd, int64_t stackid, uint64_t *addrs, size_t max_depth);

#endif
