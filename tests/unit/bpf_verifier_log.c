// SPDX-License-Identifier: GPL-2.0
/* The verifier log parser and object names of src/mech/bpf.c (pure parts). */
#include <string.h>

#include "mech/bpf.h"
#include "test.h"

TEST(map_value_out_of_bounds)
{
	struct scry_verifier_error v;
	const char *log =
		"func#0 @0\n"
		"0: R1=ctx() R10=fp0\n"
		"0: (62) *(u32 *)(r10 -4) = 0          ; R10=fp0 fp-8=0000????\n"
		"5: (85) call bpf_map_lookup_elem#1    ; R0=map_value_or_null(id=1)\n"
		"6: (15) if r0 == 0x0 goto pc+1        ; R0=map_value(ks=4,vs=8)\n"
		"7: (79) r0 = *(u64 *)(r0 +8)\n"
		"invalid access to map value, value_size=8 off=8 size=8\n"
		"R0 min value is outside of the allowed memory range\n"
		"processed 7 insns (limit 1000000) max_states_per_insn 0 total_states 0\n";

	CHECK(scry_verifier_log_parse(log, &v) == 7);
	CHECK(v.insn == 7);
	CHECK_STR(v.msg, "invalid access to map value, value_size=8 off=8 size=8; "
			 "R0 min value is outside of the allowed memory range");
	CHECK(strstr(v.tail, "5: (85) call bpf_map_lookup_elem#1") == v.tail);
	CHECK(strstr(v.tail, "processed 7 insns") != NULL);
}

TEST(no_instruction)
{
	struct scry_verifier_error v;

	CHECK(scry_verifier_log_parse("Syscall programs can only be sleepable\nprocessed 0 insns\n",
				      &v) == -1);
	CHECK_STR(v.msg, "Syscall programs can only be sleepable");
	CHECK(scry_verifier_log_parse("", &v) == -1);
	CHECK_STR(v.msg, "");
	CHECK_STR(v.tail, "");
}

TEST(long_lines_are_cut)
{
	static char log[8192];
	struct scry_verifier_error v;

	memcpy(log, "3: (b7) r0 = 0\n", 15);
	memset(log + 15, 'x', 3000);
	memcpy(log + 3015, "\n123456789012345678901234567890: not a number\n", 47);
	CHECK(scry_verifier_log_parse(log, &v) == 3);
	CHECK(strlen(v.msg) < sizeof(v.msg));
	CHECK(strlen(v.tail) < sizeof(v.tail));
}

TEST(names)
{
	char n[SCRY_BPF_NAME_LEN];

	scry_bpf_name(n, "tracepoint:sched:sched_switch");
	CHECK_STR(n, "scry_tracepoint");
	scry_bpf_name(n, "a-b.c");
	CHECK_STR(n, "scry_a_b.c");
	scry_bpf_name(n, NULL);
	CHECK_STR(n, "scry_");
}

int main(void)
{
	RUN(map_value_out_of_bounds);
	RUN(no_instruction);
	RUN(long_lines_are_cut);
	RUN(names);
	return test_status();
}
