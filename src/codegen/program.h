/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the code generator hands to the runtime: a compiled program, with no
 * reference to the AST.  Maps with their layouts, BPF programs with where
 * they attach, and the tables that give meaning to the events the programs
 * send through the ring buffer (printf formats and argument layouts).
 *
 * Pure data; built by codegen, consumed by runtime/session.c.  Everything is
 * owned by the struct compiled_program and freed by compiled_program_free().
 */
#ifndef SCRY_CODEGEN_PROGRAM_H
#define SCRY_CODEGEN_PROGRAM_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codegen/ir.h"

struct strbuf;
#include "out/printf.h"
#include "probe/probe.h"

/* How bytes in a map key, map value or event decode into a printable value. */
enum vtype_kind {
	VT_NONE,
	VT_INT,		/* size 1, 2, 4, 8; sign */
	VT_STR,		/* size bytes, NUL-terminated unless full */
	VT_TUPLE,	/* fields */
	VT_KSTACK,	/* s64 stack id, u32 pid, u8 mode, u8 limit, u8 user (codegen/stacks.c) */
	VT_USTACK,	/* the same */
	VT_KSYM,	/* u64 address */
	VT_USYM,	/* u64 address, u32 pid */
	VT_FORMATTED,	/* size bytes formatted by the built-in's own hook (format) */
	VT_PROBE,	/* u64 index into compiled_program.probe_names */
	VT_TIME,	/* u64 CLOCK_MONOTONIC ns, u32 index of the strftime() format in printfs */
	VT_BUF,		/* buf(): u64 length, then size - 8 bytes of data */
	VT_RECORD,	/* a C struct/union: named fields at their offsets */
	VT_ARRAY,	/* nelem elements of fields[0].type, stride bytes apart */
};

struct vtype {
	enum vtype_kind kind;
	uint32_t size;		/* bytes it occupies */
	bool sign;
	uint32_t nr_fields;
	struct vfield *fields;	/* VT_TUPLE */
	/* VT_FORMATTED: the built-in's formatting (lang/types.h TY_FORMATTED) */
	int (*format)(const uint8_t *data, struct strbuf *out);
	uint16_t bit_offset, bit_size;	/* VT_INT of a bitfield: bit_size > 0 */
	uint32_t stride, nelem;		/* VT_ARRAY */
	/* VT_INT of an enum type: its constants (malloc'd with their names), for %s */
	struct venum *enums;
	uint32_t nr_enums;
};

struct venum {
	int64_t value;
	char *name;
};

struct vfield {
	uint32_t offset;
	struct vtype type;
	char *name;		/* VT_RECORD: the member's name (malloc'd, freed with the vtype) */
};

/* What a map holds, which decides how it is updated, read and printed. */
enum cmap_kind {
	CMAP_VALUE,	/* assigned values: HASH */
	CMAP_COUNT,	/* PERCPU_HASH, u64 */
	CMAP_SUM,	/* PERCPU_HASH, s64/u64 */
	CMAP_MIN,	/* PERCPU_HASH, { s64 value; u64 set } */
	CMAP_MAX,
	CMAP_AVG,	/* PERCPU_HASH, { s64 total; u64 count } */
	CMAP_STATS,
	CMAP_HIST,	/* PERCPU_HASH, key + u64 bucket, u64 count */
	CMAP_LHIST,
};

struct cmap {
	char *name;		/* "@x" */
	enum cmap_kind kind;
	enum bpf_map_type type;
	uint32_t key_size, value_size, max_entries;
	bool has_keys;		/* keys as written; hist/lhist add a bucket after them */
	struct vtype key;	/* the user key (VT_NONE for @x without keys) */
	struct vtype value;	/* CMAP_VALUE: what is stored */
	int64_t lmin, lmax, lstep;	/* CMAP_LHIST */
	bool hist_sum;		/* CMAP_HIST/LHIST: value { count, sum of the values } */
};

/* What user space does with a format site's rendered text: which built-in sent it. */
enum cprintf_action {
	PF_PRINTF,	/* printf(), print(value), time(), strftime(): the text, on the output */
	PF_SYSTEM,	/* system(): the text is a command, run (--unsafe) */
	PF_CAT,		/* cat(): the text names a file, printed */
	PF_ERRORF,	/* errorf(): on stderr as "FILE:LINE:COL-END: ERROR: text", the line, ~~~ */
	PF_WARNF,	/* warnf(): the same with WARNING */
	PF_JOIN,	/* join(): the args are the strings, fmt their separator */
};

/* One printf()/print-like call site: its format and where its arguments lie in the event. */
struct cprintf {
	char *fmt;
	struct fmt parsed;
	uint32_t nr_args;
	struct vfield *args;	/* offsets from the start of the event payload */
	enum cprintf_action action;
	uint32_t line, col, len;	/* the call in the script (errorf, warnf) */
};

/* Events a program sends to user space (the first u64 of each ring buffer record). */
enum cevent {
	CEV_PRINTF = 1,		/* id: cprintf index; payload: args */
	CEV_EXIT,		/* payload: s64 exit code */
	CEV_PRINT_MAP,		/* id: map index; payload: u64 top, u64 div */
	CEV_CLEAR_MAP,		/* id: map index */
	CEV_ZERO_MAP,		/* id: map index */
	CEV_TIME,		/* id: cprintf index of the strftime format; no payload */
	CEV_PRINT_VALUE,	/* id: cprintf index whose one arg is the value */
	CEV_HELPER_ERROR,	/* id: helper_sites index; payload: s64 the helper's return */
};

/* -k/-kk: a helper call whose failure is reported, and where it is in the script. */
struct chelper_site {
	const char *helper;	/* "map_update_elem" (static) */
	uint32_t line, col, len;
};

#define CEVENT_HDR(kind, id) (((uint64_t)(kind) << 32) | (uint32_t)(id))

struct cprog {
	char *name;		/* for the kernel: scry_<provider> */
	const struct provider *provider;
	int prog_type;
	uint32_t expected_attach_type;
	uint32_t attach_btf_id;
	struct probe_point *points;	/* where it attaches (none for BEGIN/END) */
	size_t nr_points;
	size_t nr_stands_for;	/* > nr_points: the points it replaces ("Attaching N probes") */
	struct bpf_insn *insns;
	size_t nr_insns;
	struct ir_loc *locs;	/* per instruction, for verifier messages */
	uint32_t *map_idx;	/* fd_array: the cmap index of each map the program names */
	size_t nr_map_idx;
	/* with loop callbacks: where each function starts (main at 0), for BTF func_info */
	uint32_t *func_offs;
	size_t nr_funcs;	/* 0: one function */
	struct ir_loc loc;	/* the probe in the script */
};

struct compiled_program {
	struct cmap *maps;
	size_t nr_maps;
	struct cprintf *printfs;
	size_t nr_printfs;
	struct cprog *progs;
	size_t nr_progs;
	char **probe_names;	/* for the probe builtin */
	size_t nr_probe_names;
	int ringbuf_map;	/* index in maps of the event ring buffer, -1 if none */
	int lost_map;		/* per-CPU u64 array counting events the ring buffer refused, -1 */
	int stack_map;		/* BPF_MAP_TYPE_STACK_TRACE for kstack/ustack, -1 when unused */
	int cpid_map;		/* u64 array with the -c command's pid (the cpid builtin), or -1 */
	bool needs_syms;	/* stacks or symbols are printed: load the symbolizers */
	int exit_map;		/* u64 array: set by exit(), checked first by every probe; -1 when
				 * the program never calls exit() */
	uint32_t ringbuf_size;
	bool trace_pipe;	/* debugf(): the session prints the lines of tracefs' trace_pipe */
	struct chelper_site *helper_sites;	/* CEV_HELPER_ERROR's ids */
	size_t nr_helper_sites;
	const char *source_name;	/* "stdin" or the script's file name */
	const char *source;		/* the script's text (not owned), for messages */
	size_t source_len;
};

void compiled_program_free(struct compiled_program *cp);

/* Frees what a vtype owns (tuple fields, recursively). */
void vtype_release(struct vtype *t);

#endif
