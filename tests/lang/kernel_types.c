// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel types of the golden tests: a few structs with the members the
 * bundled tools read, compiled by tests/lang/make-kernel-btf.sh into
 * kernel.btf (fake.env's kernel_btf).  Not the real kernel's layouts.
 */
typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef int pid_t;

enum { TASK_COMM_LEN = 16 };
enum sock_state { TCP_ESTABLISHED = 1, TCP_SYN_SENT, TCP_CLOSE = 7 };

struct in6_addr {
	union {
		__u8 u6_addr8[16];
		__u16 u6_addr16[8];
		__u32 u6_addr32[4];
	} in6_u;
};

struct sock_common {
	union {
		__u64 skc_addrpair;
		struct {
			__u32 skc_daddr;
			__u32 skc_rcv_saddr;
		};
	};
	union {
		__u32 skc_portpair;
		struct {
			__u16 skc_dport;
			__u16 skc_num;
		};
	};
	unsigned short skc_family;
	volatile unsigned char skc_state;
	unsigned char skc_reuse:4;
	unsigned char skc_reuseport:1;
	struct in6_addr skc_v6_daddr;
	struct in6_addr skc_v6_rcv_saddr;
};

struct sock {
	struct sock_common __sk_common;
	unsigned int sk_ack_backlog;
	unsigned int sk_max_ack_backlog;
	unsigned short sk_protocol;
};

struct sk_buff {
	struct sk_buff *next;
	struct sock *sk;
	unsigned int len;
	unsigned char *data;
};

struct cfs_rq {
	unsigned int nr_running;
};

struct sched_entity {
	unsigned long long vruntime;
	struct cfs_rq *cfs_rq;
};

struct task_struct {
	unsigned int __state;
	struct sched_entity se;
	pid_t pid;
	pid_t tgid;
	struct task_struct *real_parent;
	struct task_struct *parent;
	char comm[16];
};

struct gendisk {
	int major;
	char disk_name[32];
};

struct request_queue {
	struct gendisk *disk;
};

struct request {
	struct request_queue *q;
	unsigned int __data_len;
	unsigned long long __sector;
};

struct kernel_types_all {
	struct sock *a;
	struct sk_buff *b;
	struct task_struct *c;
	struct request *d;
	enum sock_state e;
	int f[TASK_COMM_LEN];
} kernel_types_all;
