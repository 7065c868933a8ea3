// SPDX-License-Identifier: GPL-2.0
/*
 * The IR and its register allocator: golden text for a small function, and
 * programs whose result proves the allocation right, run in the kernel with
 * BPF_PROG_TEST_RUN (root): spills across calls, loops, many values.
 */
#include <stdlib.h>
#include <unistd.h>

#include "codegen/ir.h"
#include "codegen/bpf/disasm.h"
#include "codegen/bpf/insn.h"
#include "mech/bpf.h"
#include "test.h"

static char *lowered(struct ir_func *f, struct insn_buf *b)
{
	struct strbuf sb = STRBUF_INIT;

	if (ir_lower(f, b, NULL))
		return strdup("LOWER FAILED");
	bpf_disasm(&sb, b->insns, b->len);
	return strbuf_detach(&sb);
}

TEST(dump_and_lower)
{
	struct ir_func f = IR_FUNC_INIT;
	struct insn_buf b = INSN_BUF_INIT;
	struct strbuf sb = STRBUF_INIT;
	int v0 = ir_vreg(&f), v1 = ir_vreg(&f), out = ir_label_new(&f);
	char *text;

	ir_mov(&f, v0, BPF_REG_1);		/* ctx */
	ir_mov_imm(&f, v1, 7);
	ir_alu64_imm(&f, BPF_ADD, v1, 5);
	ir_jmp_imm(&f, BPF_JEQ, v0, 0, out);
	ir_alu64_reg(&f, BPF_MUL, v1, v1);
	ir_label(&f, out);
	ir_mov(&f, BPF_REG_0, v1);
	ir_exit(&f);
	CHECK(ir_dump(&f, &sb) == 0);
	CHECK_STR(sb.buf,
		  "    v0 = r1\n"
		  "    v1 = 7\n"
		  "    v1 += 5\n"
		  "    if v0 == 0 goto L0\n"
		  "    v1 *= v1\n"
		  "L0:\n"
		  "    r0 = v1\n"
		  "    exit\n");
	text = lowered(&f, &b);
	CHECK_STR(text,
		  "   0: (b7) r0 = 7\n"
		  "   1: (07) r0 += 5\n"
		  "   2: (15) if r1 == 0x0 goto pc+1\n"
		  "   3: (2f) r0 *= r0\n"
		  "   4: (95) exit\n");
	free(text);
	strbuf_release(&sb);
	insn_buf_release(&b);
	ir_func_release(&f);
}

/* Loads f as a raw tracepoint program and runs it once; the return value. */
static int run(struct ir_func *f, uint32_t *ret)
{
	struct insn_buf b = INSN_BUF_INIT;
	struct scry_prog_spec spec = { .type = BPF_PROG_TYPE_RAW_TRACEPOINT, .name = "ir_test" };
	int fd, err;

	err = ir_lower(f, &b, NULL);
	if (err)
		return err;
	spec.insns = b.insns;
	spec.nr_insns = b.len;
	fd = scry_prog_load(&spec, NULL, NULL);
	insn_buf_release(&b);
	if (fd < 0)
		return fd;
	err = scry_prog_run(fd, NULL, 0, ret);
	close(fd);
	return err;
}

TEST(spills_across_calls)
{
	struct ir_func f = IR_FUNC_INIT;
	int v[14], k, sum;
	uint32_t ret = 0;

	if (getuid() != 0)
		SKIP_TEST("needs root to load BPF");
	/* 14 values live across a call: only 4 callee-saved registers exist */
	for (k = 0; k < 14; k++) {
		v[k] = ir_vreg(&f);
		ir_mov_imm(&f, v[k], k + 1);
	}
	ir_call(&f, BPF_FUNC_ktime_get_ns, 0);
	sum = ir_vreg(&f);
	ir_mov_imm(&f, sum, 0);
	for (k = 0; k < 14; k++) {
		ir_alu64_reg(&f, BPF_ADD, sum, v[k]);
		ir_alu64_reg(&f, BPF_ADD, sum, v[13 - k]);	/* two spilled operands at once */
	}
	ir_mov(&f, BPF_REG_0, sum);
	ir_exit(&f);
	CHECK(run(&f, &ret) == 0);
	CHECK(ret == 2 * 105);
	CHECK(f.stack_max > 0);	/* something was spilled */
	ir_func_release(&f);
}

TEST(loop_keeps_values_alive)
{
	struct ir_func f = IR_FUNC_INIT;
	int i = ir_vreg(&f), acc = ir_vreg(&f), keep = ir_vreg(&f), tmp;
	int top = ir_label_new(&f), done = ir_label_new(&f);
	uint32_t ret = 0;

	if (getuid() != 0)
		SKIP_TEST("needs root to load BPF");
	ir_mov_imm(&f, keep, 1000);	/* defined before the loop, used after it */
	ir_mov_imm(&f, acc, 0);
	ir_mov_imm(&f, i, 1);
	ir_label(&f, top);
	ir_jmp_imm(&f, BPF_JGT, i, 100, done);
	tmp = ir_vreg(&f);		/* lives inside one iteration only */
	ir_mov(&f, tmp, i);
	ir_alu64_reg(&f, BPF_ADD, acc, tmp);
	ir_call(&f, BPF_FUNC_get_smp_processor_id, 0);	/* a call inside the loop */
	ir_alu64_imm(&f, BPF_ADD, i, 1);
	ir_ja(&f, top);
	ir_label(&f, done);
	ir_alu64_reg(&f, BPF_ADD, acc, keep);
	ir_mov(&f, BPF_REG_0, acc);
	ir_exit(&f);
	CHECK(run(&f, &ret) == 0);
	CHECK(ret == 5050 + 1000);
	ir_func_release(&f);
}

TEST(stack_and_helpers)
{
	struct ir_func f = IR_FUNC_INIT;
	int off = ir_stack(&f, 16), p = ir_vreg(&f), r = ir_vreg(&f);
	uint32_t ret = 0;

	if (getuid() != 0)
		SKIP_TEST("needs root to load BPF");
	/* bpf_get_current_comm(fp+off, 16); return comm[0] (the test's own name) */
	ir_mov(&f, p, BPF_REG_10);
	ir_alu64_imm(&f, BPF_ADD, p, off);
	ir_mov(&f, BPF_REG_1, p);
	ir_mov_imm(&f, BPF_REG_2, 16);
	ir_call(&f, BPF_FUNC_get_current_comm, 2);
	ir_ldx(&f, BPF_B, r, p, 0);
	ir_mov(&f, BPF_REG_0, r);
	ir_exit(&f);
	CHECK(run(&f, &ret) == 0);
	CHECK(ret == 'c');	/* "codegen_ir" */
	ir_func_release(&f);
}

int main(void)
{
	RUN(dump_and_lower);
	RUN(spills_across_calls);
	RUN(loop_keeps_values_alive);
	RUN(stack_and_helpers);
	return test_status();
}
