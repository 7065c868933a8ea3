/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BPF disassembler: the text `scry -d bpf` prints, in the style of
 * `bpftool prog dump xlated`, stable for golden tests:
 *
 *	   0: (b7) r0 = 0
 *	   1: (18) r1 = map[idx:0]
 *	   3: (85) call bpf_map_lookup_elem#1
 *	   4: (15) if r0 == 0x0 goto pc+1
 *	   6: (95) exit
 *
 * Map loads print as map[fd:N] / map[fd:N][0]+OFF (BPF_PSEUDO_MAP_FD/VALUE,
 * where bpftool, reading the kernel's rewritten copy, shows map[id:N]) and
 * map[idx:N] / map[idx:N]+OFF (BPF_PSEUDO_MAP_IDX/_VALUE).  Pure: no kernel
 * access.
 */
#ifndef SCRY_CODEGEN_BPF_DISASM_H
#define SCRY_CODEGEN_BPF_DISASM_H

#include <linux/bpf.h>
#include <stddef.h>

#include "util/strbuf.h"

/*
 * Appends the text of insns[0] ("(b7) r0 = 0", no index, no newline).
 * left is how many slots remain from insns[0]; a ld_imm64 needs two.
 * Returns the slots consumed (1 or 2), or -ENOMEM.  An undecodable
 * instruction prints as "(xx) invalid" and consumes one slot.
 */
int bpf_disasm_insn(struct strbuf *sb, const struct bpf_insn *insns, size_t left);

/* Appends n slots, one "%4zu: text\n" line per instruction.  Returns 0 or -ENOMEM. */
int bpf_disasm(struct strbuf *sb, const struct bpf_insn *insns, size_t n);

/* "bpf_map_lookup_elem" for 1; NULL for an id this build does not know.  Static string. */
const char *bpf_helper_name(int id);

#endif
