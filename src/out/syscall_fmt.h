/* SPDX-License-Identifier: GPL-2.0 */
/*
 * System calls as strace prints them: names (x86-64 numbers), what each
 * argument is (scry's own table for the common calls; the syscall
 * tracepoint's format file for the others), flags and enums by name,
 * strings and buffers escaped and cut as strace cuts them, return values
 * with errno names, and strace's classes (%file, %network, ...).
 *
 * Pure formatting: the caller gives the values read in the kernel.
 */
#ifndef SCRY_OUT_SYSCALL_FMT_H
#define SCRY_OUT_SYSCALL_FMT_H

#include <stdbool.h>
#include <stdint.h>

#include "util/strbuf.h"

#define SC_MAX_NR 512		/* syscall numbers below this */
#define SC_STRLEN 32		/* strace's default -s: bytes of a string or buffer shown */
#define SC_WIN 64		/* bytes read from the one struct/buffer argument */
#define SC_MAX_ARGV 32		/* execve arguments shown: strace's -s 32 elements, then "..." */

/* strace's classes. */
enum {
	SC_FILE = 1 << 0,
	SC_NETWORK = 1 << 1,
	SC_PROCESS = 1 << 2,
	SC_MEMORY = 1 << 3,
	SC_SIGNAL = 1 << 4,
	SC_DESC = 1 << 5,
	SC_IPC = 1 << 6,
	SC_CREDS = 1 << 7,
	SC_CLOCK = 1 << 8,
	SC_STAT = 1 << 9,
};

/* One system call, as read in the kernel. */
struct sc_record {
	int tid;
	int nr;
	int64_t ret;
	bool has_ret;		/* false: shown at entry ("= ?": exit_group, execve's entry) */
	uint64_t args[6];
	uint8_t win[SC_WIN];	/* the struct or buffer argument (sc_layout()'s win) */
	bool win_read;
	const char *str[2];	/* sc_layout()'s string arguments, NULL when not read */
	const char *argv[SC_MAX_ARGV];	/* execve */
	int argc, envc;		/* execve: how many argv / envp entries (-1: unknown) */
};

/* The name of syscall nr, or NULL when scry does not know it. */
const char *sc_name(int nr);

/* The number of the syscall called name, or -1. */
int sc_nr(const char *name);

/* strace's classes of nr (SC_*). */
unsigned int sc_classes(int nr);

/*
 * What the kernel side must read for nr: the arguments (0..5) holding
 * strings into str[0]/str[1] and the one struct/buffer argument read into
 * win (-1 each when none).  Needs the layout of calls scry has no table
 * for (see sc_set_generic()).
 */
void sc_layout(int nr, int *str0, int *str1, int *win);

/*
 * Teaches the formatter a call scry has no table for, from its tracepoint
 * format: nargs arguments, is_ptr[i] / is_str[i] per argument.  Returns 0
 * or -errno.
 */
int sc_set_generic(int nr, int nargs, const bool *is_ptr, const bool *is_str);

/* Is nr known (from the table or sc_set_generic())? */
bool sc_known(int nr);

/* "openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY)" without the return value.  0 or -ENOMEM. */
int sc_format_call(struct strbuf *sb, const struct sc_record *r);

/* "3", "0x7f...", "-1 ENOENT (No such file or directory)", "?".  0 or -ENOMEM. */
int sc_format_ret(struct strbuf *sb, const struct sc_record *r);

/* A signal's name ("SIGCHLD"), into buf. */
const char *sc_signame(int sig, char *buf, int len);

/*
 * strace's -e trace=SET: names, classes (%file ...), comma lists, leading
 * '!' for the complement; "all".  Sets sel[nr] for every selected call.
 * Returns 0, or -EINVAL with the offending word in *bad.
 */
int sc_parse_set(const char *set, bool sel[SC_MAX_NR], const char **bad, int *bad_len);

#endif
