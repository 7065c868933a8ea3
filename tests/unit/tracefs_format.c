// SPDX-License-Identifier: GPL-2.0
#include "mech/tracefs.h"
#include "test.h"

static const char openat[] =
	"name: sys_enter_openat\n"
	"ID: 782\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:const char * filename;\toffset:24;\tsize:8;\tsigned:0;\n"
	"\tfield:char comm[16];\toffset:32;\tsize:16;\tsigned:0;\n"
	"\tfield:__data_loc char[] name;\toffset:48;\tsize:4;\tsigned:0;\n"
	"\n"
	"print fmt: \"dfd: 0x%08lx\", ((unsigned long)(REC->dfd))\n";

TEST(parses_fields)
{
	struct tp_format f;
	const struct tp_field *x;

	CHECK(tp_format_parse(openat, sizeof(openat) - 1, &f) == 0);
	CHECK_STR(f.name, "sys_enter_openat");
	CHECK(f.id == 782);
	CHECK(f.nr_fields == 6);
	x = tp_format_field(&f, "filename");
	CHECK(x && x->offset == 24 && x->size == 8 && (x->flags & TP_FIELD_POINTER));
	CHECK_STR(x ? x->type : NULL, "const char *");
	x = tp_format_field(&f, "__syscall_nr");
	CHECK(x && (x->flags & TP_FIELD_SIGNED) && x->size == 4);
	x = tp_format_field(&f, "comm");
	CHECK(x && (x->flags & TP_FIELD_ARRAY) && x->array_len == 16);
	CHECK_STR(x ? x->type : NULL, "char");
	x = tp_format_field(&f, "name");
	CHECK(x && (x->flags & TP_FIELD_DATA_LOC));
	CHECK_STR(x ? x->type : NULL, "char");
	x = tp_format_field(&f, "common_pid");
	CHECK(x && (x->flags & TP_FIELD_COMMON));
	tp_format_release(&f);
	tp_format_release(&f);	/* twice is fine */
}

TEST(rejects_malformed)
{
	static const char *const bad[] = {
		"",
		"name: x\n",
		"name: x\nID: 1\nformat:\n",
		"name: x\nID: 1\n\tfield:int a;\toffset:1;\n",
		"name: x\nID: 1\n\tfield:int;\toffset:1;\tsize:4;\tsigned:0;\n",
		"name: x\nID: 1\n\tfield:int a[;\toffset:1;\tsize:4;\tsigned:0;\n",
		"name: x\nID: 1\n\tfield:int a;\toffset:99999999999;\tsize:4;\tsigned:0;\n",
		"name: x\nID: 1\n\tfield:int a;\toffset:65535;\tsize:4;\tsigned:0;\n",
		"name: x\nID: 1\n\tfield:int a[x];\toffset:1;\tsize:4;\tsigned:0;\n",
		"name: x\nID: zz\n\tfield:int a;\toffset:1;\tsize:4;\tsigned:0;\n",
	};
	struct tp_format f;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int err = tp_format_parse(bad[i], strlen(bad[i]), &f);

		if (err != -22)
			printf("    case %zu: got %d\n", i, err);
		CHECK(err == -22);
	}
}

int main(void)
{
	RUN(parses_fields);
	RUN(rejects_malformed);
	return test_status();
}
