// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF emitter and disassembler: golden text for every instruction
 * form.  The expected wording was checked against `bpftool prog dump
 * xlated` of a clang-built program on the development machine.
 */
#include <errno.h>
#include <stdlib.h>

#include "codegen/bpf/disasm.h"
#include "codegen/bpf/insn.h"
#include "test.h"
#include "util/log.h"

static void quiet(enum log_level level, const char *msg)
{
}

/* Disassembles b (after finishing it) into a static buffer. */
static const char *dis(struct insn_buf *b)
{
	static struct strbuf sb;

	strbuf_release(&sb);
	if (insn_buf_finish(b) || bpf_disasm(&sb, b->insns, b->len))
		return NULL;
	return strbuf_str(&sb);
}

TEST(alu_forms)
{
	struct insn_buf b = INSN_BUF_INIT;

	insn_mov64_imm(&b, BPF_REG_0, 0);
	insn_mov32_imm(&b, BPF_REG_7, 0);
	insn_mov64_reg(&b, BPF_REG_2, BPF_REG_10);
	insn_mov32_reg(&b, BPF_REG_6, BPF_REG_0);
	insn_alu64_imm(&b, BPF_ADD, BPF_REG_2, -4);
	insn_alu64_imm(&b, BPF_LSH, BPF_REG_0, 3);
	insn_alu64_reg(&b, BPF_ADD, BPF_REG_0, BPF_REG_1);
	insn_alu32_imm(&b, BPF_ARSH, BPF_REG_3, 3);
	insn_alu32_imm(&b, BPF_DIV, BPF_REG_3, 7);
	insn_alu32_reg(&b, BPF_SUB, BPF_REG_3, BPF_REG_6);
	insn_alu32_imm(&b, BPF_AND, BPF_REG_4, 1020);
	insn_alu64_imm(&b, BPF_ARSH, BPF_REG_3, 32);
	insn_alu64_reg(&b, BPF_MOD, BPF_REG_1, BPF_REG_2);
	insn_alu64_reg(&b, BPF_XOR, BPF_REG_1, BPF_REG_2);
	insn_alu64_imm(&b, BPF_RSH, BPF_REG_1, 1);
	insn_alu64_imm(&b, BPF_OR, BPF_REG_1, 1);
	insn_alu64_imm(&b, BPF_MUL, BPF_REG_1, -3);
	insn_neg64(&b, BPF_REG_5);
	insn_endian(&b, 1, BPF_REG_6, 16);
	insn_endian(&b, 0, BPF_REG_6, 64);
	CHECK_STR(dis(&b),
		  "   0: (b7) r0 = 0\n"
		  "   1: (b4) w7 = 0\n"
		  "   2: (bf) r2 = r10\n"
		  "   3: (bc) w6 = w0\n"
		  "   4: (07) r2 += -4\n"
		  "   5: (67) r0 <<= 3\n"
		  "   6: (0f) r0 += r1\n"
		  "   7: (c4) w3 s>>= 3\n"
		  "   8: (34) w3 /= 7\n"
		  "   9: (1c) w3 -= w6\n"
		  "  10: (54) w4 &= 1020\n"
		  "  11: (c7) r3 s>>= 32\n"
		  "  12: (9f) r1 %= r2\n"
		  "  13: (af) r1 ^= r2\n"
		  "  14: (77) r1 >>= 1\n"
		  "  15: (47) r1 |= 1\n"
		  "  16: (27) r1 *= -3\n"
		  "  17: (87) r5 = -r5\n"
		  "  18: (dc) r6 = be16 r6\n"
		  "  19: (d4) r6 = le64 r6\n");
	insn_buf_release(&b);
}

TEST(memory_forms)
{
	struct insn_buf b = INSN_BUF_INIT;

	insn_stx(&b, BPF_W, BPF_REG_10, -4, BPF_REG_7);
	insn_stx(&b, BPF_DW, BPF_REG_2, 0, BPF_REG_3);
	insn_st(&b, BPF_H, BPF_REG_1, 0, 9);
	insn_st(&b, BPF_DW, BPF_REG_10, -16, -1);
	insn_ldx(&b, BPF_W, BPF_REG_0, BPF_REG_2, 0);
	insn_ldx(&b, BPF_DW, BPF_REG_7, BPF_REG_1, 112);
	insn_ldx(&b, BPF_B, BPF_REG_1, BPF_REG_1, -1);
	insn_atomic(&b, BPF_DW, BPF_ADD, BPF_REG_1, 0, BPF_REG_2);
	insn_atomic(&b, BPF_DW, BPF_ADD | BPF_FETCH, BPF_REG_1, 0, BPF_REG_0);
	insn_atomic(&b, BPF_DW, BPF_XCHG, BPF_REG_1, 0, BPF_REG_2);
	insn_atomic(&b, BPF_DW, BPF_CMPXCHG, BPF_REG_1, 0, BPF_REG_2);
	insn_atomic(&b, BPF_DW, BPF_OR, BPF_REG_1, 0, BPF_REG_2);
	insn_atomic(&b, BPF_W, BPF_XOR | BPF_FETCH, BPF_REG_10, -8, BPF_REG_3);
	CHECK_STR(dis(&b),
		  "   0: (63) *(u32 *)(r10 -4) = r7\n"
		  "   1: (7b) *(u64 *)(r2 +0) = r3\n"
		  "   2: (6a) *(u16 *)(r1 +0) = 9\n"
		  "   3: (7a) *(u64 *)(r10 -16) = -1\n"
		  "   4: (61) r0 = *(u32 *)(r2 +0)\n"
		  "   5: (79) r7 = *(u64 *)(r1 +112)\n"
		  "   6: (71) r1 = *(u8 *)(r1 -1)\n"
		  "   7: (db) lock *(u64 *)(r1 +0) += r2\n"
		  "   8: (db) r0 = atomic64_fetch_add((u64 *)(r1 +0), r0)\n"
		  "   9: (db) r2 = atomic64_xchg((u64 *)(r1 +0), r2)\n"
		  "  10: (db) r0 = atomic64_cmpxchg((u64 *)(r1 +0), r0, r2)\n"
		  "  11: (db) lock *(u64 *)(r1 +0) |= r2\n"
		  "  12: (c3) r3 = atomic_fetch_xor((u32 *)(r10 -8), r3)\n");
	insn_buf_release(&b);
}

TEST(ld_imm64_and_calls)
{
	struct insn_buf b = INSN_BUF_INIT;

	insn_ld_imm64(&b, BPF_REG_1, 0x123456789abcdef0ULL);
	insn_ld_map_fd(&b, BPF_REG_1, 4);
	insn_ld_map_value(&b, BPF_REG_2, 6, 8);
	insn_ld_map_idx(&b, BPF_REG_1, 0);
	insn_ld_map_idx_value(&b, BPF_REG_1, 2, 16);
	insn_call(&b, BPF_FUNC_map_lookup_elem);
	insn_call(&b, BPF_FUNC_ringbuf_reserve);
	insn_call(&b, 100000);
	insn_exit(&b);
	CHECK_STR(dis(&b),
		  "   0: (18) r1 = 0x123456789abcdef0\n"
		  "   2: (18) r1 = map[fd:4]\n"
		  "   4: (18) r2 = map[fd:6][0]+8\n"
		  "   6: (18) r1 = map[idx:0]\n"
		  "   8: (18) r1 = map[idx:2]+16\n"
		  "  10: (85) call bpf_map_lookup_elem#1\n"
		  "  11: (85) call bpf_ringbuf_reserve#131\n"
		  "  12: (85) call unknown#100000\n"
		  "  13: (95) exit\n");
	CHECK(b.len == 14);
	insn_buf_release(&b);
}

TEST(jumps_and_labels)
{
	struct insn_buf b = INSN_BUF_INIT;
	int out = insn_label_new(&b), top = insn_label_new(&b), sub = insn_label_new(&b);

	insn_label_place(&b, top);			/* 0 */
	insn_jmp_imm(&b, BPF_JEQ, BPF_REG_1, 0, out);	/* 0 -> 6: pc+5 */
	insn_jmp_reg(&b, BPF_JGT, BPF_REG_1, BPF_REG_2, out);
	insn_jmp32_imm(&b, BPF_JSLT, BPF_REG_6, -4, out);
	insn_jmp32_reg(&b, BPF_JNE, BPF_REG_6, BPF_REG_7, top);	/* 3 -> 0: pc-4 */
	insn_ja(&b, top);				/* 4 -> 0: pc-5 */
	insn_call_label(&b, sub);			/* 5 -> 9: pc+3 */
	insn_label_place(&b, out);			/* 6 */
	insn_ld_func(&b, BPF_REG_2, sub);		/* 6 -> 9: +2 */
	insn_exit(&b);					/* 8 */
	insn_label_place(&b, sub);			/* 9 */
	insn_mov64_imm(&b, BPF_REG_0, 1);
	insn_exit(&b);
	CHECK_STR(dis(&b),
		  "   0: (15) if r1 == 0x0 goto pc+5\n"
		  "   1: (2d) if r1 > r2 goto pc+4\n"
		  "   2: (c6) if w6 s< 0xfffffffc goto pc+3\n"
		  "   3: (5e) if w6 != w7 goto pc-4\n"
		  "   4: (05) goto pc-5\n"
		  "   5: (85) call pc+3\n"
		  "   6: (18) r2 = subprog[+2]\n"
		  "   8: (95) exit\n"
		  "   9: (b7) r0 = 1\n"
		  "  10: (95) exit\n");
	insn_buf_release(&b);
}

TEST(unplaced_label_is_an_error)
{
	struct insn_buf b = INSN_BUF_INIT;
	int l = insn_label_new(&b);

	insn_ja(&b, l);
	CHECK(insn_buf_finish(&b) == -EINVAL);
	insn_buf_release(&b);
	insn_buf_release(&b);	/* twice is harmless */
	insn_buf_release(NULL);
}

TEST(jump_too_far)
{
	struct insn_buf b = INSN_BUF_INIT;
	int l = insn_label_new(&b), i;

	insn_ja(&b, l);
	for (i = 0; i < 40000; i++)
		insn_mov64_imm(&b, BPF_REG_0, 0);
	insn_label_place(&b, l);
	insn_exit(&b);
	CHECK(insn_buf_finish(&b) == -EINVAL);
	insn_buf_release(&b);
}

TEST(odd_bytes)
{
	struct bpf_insn in[2] = { { .code = 0xff }, { .code = BPF_LD | BPF_DW | BPF_IMM } };
	struct strbuf sb = STRBUF_INIT;

	/* a truncated ld_imm64 and an unknown opcode do not read past the end */
	CHECK(bpf_disasm(&sb, in, 2) == 0);
	CHECK_STR(strbuf_str(&sb), "   0: (ff) invalid\n   1: (18) invalid\n");
	strbuf_release(&sb);
	CHECK_STR(bpf_helper_name(BPF_FUNC_get_current_pid_tgid), "bpf_get_current_pid_tgid");
	CHECK(bpf_helper_name(0) == NULL);
	CHECK(bpf_helper_name(-1) == NULL);
}

int main(void)
{
	log_set_handler(quiet);	/* the error cases report, as they should */
	RUN(alu_forms);
	RUN(memory_forms);
	RUN(ld_imm64_and_calls);
	RUN(jumps_and_labels);
	RUN(unplaced_label_is_an_error);
	RUN(jump_too_far);
	RUN(odd_bytes);
	return test_status();
}
