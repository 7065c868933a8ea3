/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BPF mechanism: load programs, create and read maps, run a program once,
 * consume a BPF ring buffer.  Over libbpf's low-level API (bpf.h), no
 * object files, no skeletons: the code generator hands over instructions.
 *
 * Every fd returned here is O_CLOEXEC (the kernel makes bpf() fds so) and
 * belongs to the caller, who close()s it; programs and maps die with their
 * last fd, so nothing outlives the process.  RLIMIT_MEMLOCK is never
 * touched: BPF memory is charged to the memory cgroup on this kernel.
 */
#ifndef SCRY_MECH_BPF_H
#define SCRY_MECH_BPF_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Kernel object names: at most 15 characters of [A-Za-z0-9_.]. */
#define SCRY_BPF_NAME_LEN 16

/*
 * "scry_" + hint, with every other character replaced by '_' and cut to 15
 * characters: "tracepoint:sched:x" -> "scry_tracepoint".
 */
void scry_bpf_name(char out[SCRY_BPF_NAME_LEN], const char *hint);

struct scry_prog_spec {
	enum bpf_prog_type type;
	enum bpf_attach_type expected_attach_type;	/* 0 unless the type needs one */
	const char *name;		/* hint for scry_bpf_name(); NULL: "scry_prog" */
	const struct bpf_insn *insns;
	size_t nr_insns;
	const int *fd_array;		/* map fds for BPF_PSEUDO_MAP_IDX[_VALUE], or NULL */
	uint32_t attach_btf_id;		/* tp_btf and other BTF-attached types */
	uint32_t prog_flags;		/* BPF_F_SLEEPABLE (SYSCALL programs need it), ... */
	/* BTF function records: required when the program has callbacks
	 * (bpf_timer, bpf_loop): one per subprogram, in instruction order. */
	int prog_btf_fd;		/* 0: none */
	const struct bpf_func_info *func_info;
	uint32_t func_info_cnt;
	const char *license;		/* NULL: "GPL" */
	bool caller_reports;		/* a verifier rejection is reported by the caller
					 * (from *verr), which knows the source */
};

/*
 * BTF for a program of n functions (main and its callbacks), each
 * "int f(void *)" and static: what the verifier needs before it accepts a
 * callback.  type_ids[0..n) get their BTF ids.  Returns the BTF fd (the
 * caller closes it) or -errno (not reported: feature probes use it too).
 */
int scry_btf_funcs_load(size_t n, uint32_t *type_ids);

/* What the verifier said about a rejected program (zeroed when it said nothing). */
struct scry_verifier_error {
	int insn;		/* index of the failing instruction, -1 when unknown */
	char msg[256];		/* the verifier's error line: "invalid read from stack ..." */
	char tail[1024];	/* its last lines, newline-separated */
};

/*
 * Loads a program.  Returns its fd (the caller closes it), or -errno after
 * reporting with pr_err().  A first attempt runs without a log (fast path);
 * on failure the load is repeated with a log buffer, and when the verifier
 * rejected the program its message, last lines and failing instruction
 * index are reported and stored in *verr (may be NULL).  On failure nothing
 * stays loaded.  *load_ns, when not NULL, gets the time of the successful
 * BPF_PROG_LOAD.
 */
int scry_prog_load(const struct scry_prog_spec *spec, struct scry_verifier_error *verr,
		   uint64_t *load_ns);

/*
 * Parses a verifier log: the index of the last instruction it printed
 * ("12: (61) r0 = ..." or "12: R1=..."), or -1, and the error line and
 * last lines into verr.  Pure (exposed for tests).
 */
int scry_verifier_log_parse(const char *log, struct scry_verifier_error *verr);

struct scry_map_spec {
	enum bpf_map_type type;
	const char *name;		/* hint for scry_bpf_name() */
	uint32_t key_size;		/* ignored for RINGBUF */
	uint32_t value_size;		/* ignored for RINGBUF; PERF_EVENT_ARRAY: 4 */
	uint32_t max_entries;		/* RINGBUF: size in bytes (power of 2, pages);
					 * PERF_EVENT_ARRAY: 0 means one per possible CPU */
	uint32_t flags;			/* BPF_F_* map_flags */
	/* BTF of key and value, needed when the value holds a struct bpf_timer or
	 * bpf_spin_lock; 0 for none. */
	int btf_fd;
	uint32_t btf_key_type_id, btf_value_type_id;
};

/* Creates a map.  Returns its fd (the caller closes it) or -errno, reported. */
int scry_map_create(const struct scry_map_spec *spec);

/*
 * bpf_prog_load() and bpf_map_create() of libbpf, with the same arguments
 * and results (fd, or -errno with errno set), straight to bpf(2): libbpf's
 * versions first probe the kernel (memcg accounting, object names) with two
 * program loads, a tenth of a millisecond of every start (bench/).
 */
struct bpf_prog_load_opts;
struct bpf_map_create_opts;
int scry_sys_prog_load(enum bpf_prog_type type, const char *name, const char *license,
		       const struct bpf_insn *insns, size_t cnt,
		       const struct bpf_prog_load_opts *opts);
int scry_sys_map_create(enum bpf_map_type type, const char *name, uint32_t key_size,
			uint32_t value_size, uint32_t max_entries,
			const struct bpf_map_create_opts *opts);

/* libbpf_num_possible_cpus(), or -errno (reported). */
int scry_num_possible_cpus(void);

/* Bytes of one per-CPU value as user space sees it: round_up(value_size, 8). */
static inline size_t scry_percpu_stride(size_t value_size)
{
	return (value_size + 7) & ~(size_t)7;
}

/*
 * Reads the value of key in a per-CPU map: vals must hold
 * scry_num_possible_cpus() * scry_percpu_stride(value_size) bytes; the value
 * of CPU i is at i * stride.  Returns 0, -ENOENT (no such key; not
 * reported) or -errno (reported).
 */
int scry_map_lookup_percpu(int map_fd, const void *key, void *vals, size_t vals_size);

/* Sum over CPUs of a per-CPU u64 value.  Returns 0, -ENOENT or -errno. */
int scry_map_percpu_sum_u64(int map_fd, const void *key, uint64_t *sum);

/*
 * Calls fn(key, value, ctx) for every element of map_fd; for per-CPU maps
 * value is the per-CPU array (see scry_map_lookup_percpu).  Uses
 * BPF_MAP_LOOKUP_BATCH (ENOENT ends it) and falls back to
 * get_next_key + lookup when the kernel or the map type has no batch
 * operation.  Stops when fn returns non-zero, and returns that value;
 * otherwise 0 or -errno (reported).  *batched, when not NULL, tells which
 * way was used.
 */
typedef int (*scry_map_fn)(const void *key, const void *value, void *ctx);
int scry_map_for_each(int map_fd, scry_map_fn fn, void *ctx, bool *batched);

/* The same, forced to the get_next_key path (for tests and old kernels). */
int scry_map_for_each_slow(int map_fd, scry_map_fn fn, void *ctx);

/*
 * Every key of map_fd, packed (key_size bytes each), read as
 * scry_map_for_each() reads: *keys (the caller frees it) and *n.
 * Returns 0 or -errno (reported).
 */
int scry_map_keys(int map_fd, uint8_t **keys, size_t *n);

/*
 * Deletes the n packed keys from map_fd with BPF_MAP_DELETE_BATCH, a few
 * thousand per call; keys already gone are skipped.  Returns 0,
 * -EOPNOTSUPP (not reported) when the kernel or the map type has no batch
 * delete and nothing was deleted, or -errno (reported).
 */
int scry_map_delete_batch(int map_fd, const uint8_t *keys, size_t n);

/*
 * Deletes every element of a hash map in one walk of the kernel
 * (BPF_MAP_LOOKUP_AND_DELETE_BATCH: no key list read first, no per-key
 * lookup).  Returns 0, -EOPNOTSUPP (nothing done: no such operation for
 * this map or kernel) or -errno (reported).
 */
int scry_map_drain(int map_fd);

/*
 * Runs a program once with BPF_PROG_TEST_RUN (BEGIN, END, interval ticks).
 * ctx/ctx_size may be NULL/0.  Program types that accept it without packet
 * data here: RAW_TRACEPOINT, and SYSCALL loaded with BPF_F_SLEEPABLE;
 * TRACEPOINT, KPROBE and PERF_EVENT return -ENOTSUPP (-524).  Measured on
 * 6.18 by tests/e2e/bpf_mech.sh.  Returns 0 and the program's
 * return value in *retval (may be NULL), or -errno (reported).
 */
int scry_prog_run(int prog_fd, const void *ctx, size_t ctx_size, uint32_t *retval);

/*
 * BPF ring buffer consumer (libbpf's ring_buffer).  fn is called once per
 * committed record, in order; a non-zero return stops the poll and is
 * returned by scry_ringbuf_poll().
 */
struct scry_ringbuf;
typedef int (*scry_ringbuf_fn)(void *ctx, void *data, size_t size);

/* Returns 0 and *out (free with scry_ringbuf_free()), or -errno (reported). */
int scry_ringbuf_open(int map_fd, scry_ringbuf_fn fn, void *ctx, struct scry_ringbuf **out);
/* Waits up to timeout_ms (0: do not wait); returns records consumed or -errno. */
int scry_ringbuf_poll(struct scry_ringbuf *rb, int timeout_ms);
/* Consumes what is there without waiting; returns records consumed or -errno. */
int scry_ringbuf_consume(struct scry_ringbuf *rb);
/* An epoll fd that becomes readable when records arrive (owned by rb). */
int scry_ringbuf_epoll_fd(const struct scry_ringbuf *rb);
/* Accepts NULL. */
void scry_ringbuf_free(struct scry_ringbuf *rb);

/*
 * Turns on the kernel's per-program run time and run count (BPF_ENABLE_STATS,
 * kernel.bpf_stats_enabled) for as long as the returned fd is open; the
 * caller closes it.  Returns the fd or -errno (not an error worth more than
 * pr_info(): the statistics then stay zero unless the sysctl is on).
 */
int scry_bpf_enable_stats(void);

/* run_time_ns and run_cnt from bpf_prog_info.  Returns 0 or -errno (not reported). */
int scry_prog_stats(int prog_fd, uint64_t *run_time_ns, uint64_t *run_cnt);

#endif
