// SPDX-License-Identifier: GPL-2.0
/* BPF mechanism: programs, maps, test runs, ring buffer.  See bpf.h. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <ctype.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mech/bpf.h"
#include "util/log.h"

/* Enough for the tail of any rejection; the kernel keeps the tail when it overflows. */
#define VERIFIER_LOG_SIZE (1u << 20)
#define TAIL_LINES 6

void scry_bpf_name(char out[SCRY_BPF_NAME_LEN], const char *hint)
{
	size_t n = 0;

	memcpy(out, "scry_", 5);
	n = 5;
	for (; hint && *hint && n < SCRY_BPF_NAME_LEN - 1; hint++) {
		unsigned char c = (unsigned char)*hint;

		out[n++] = (isalnum(c) || c == '_' || c == '.') ? (char)c : '_';
	}
	out[n] = '\0';
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Copies line [s, e) into dst (bounded, NUL-terminated). */
static void copy_line(char *dst, size_t len, const char *s, const char *e)
{
	size_t n = (size_t)(e - s);

	if (n >= len)
		n = len - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

static bool is_insn_line(const char *s, const char *e, long *idx)
{
	char *end;
	long v;

	if (s == e || !isdigit((unsigned char)*s))
		return false;
	v = strtol(s, &end, 10);
	if (end >= e || *end != ':' || v < 0 || v > 0x7fffffff)
		return false;
	*idx = v;
	return true;
}

static bool is_summary_line(const char *s)
{
	return !strncmp(s, "processed ", 10) || !strncmp(s, "verification time", 17) ||
	       !strncmp(s, "stack depth", 11);
}

int scry_verifier_log_parse(const char *log, struct scry_verifier_error *verr)
{
	const char *starts[TAIL_LINES] = { 0 }, *p = log, *after = log;
	size_t nlines = 0, i, first, tl = 0, ml = 0;
	long insn = -1, v;

	memset(verr, 0, sizeof(*verr));
	while (p && *p) {
		const char *e = strchrnul(p, '\n');

		if (e != p) {
			if (is_insn_line(p, e, &v)) {
				insn = v;
				after = e;
			}
			starts[nlines++ % TAIL_LINES] = p;
		}
		p = *e ? e + 1 : e;
	}
	verr->insn = (int)insn;

	/* The error: what the verifier said after the last instruction it printed. */
	for (p = after; p && *p;) {
		const char *e = strchrnul(p, '\n');

		if (e != p && !is_summary_line(p) && ml + 3 < sizeof(verr->msg)) {
			if (ml)
				ml += (size_t)snprintf(verr->msg + ml, sizeof(verr->msg) - ml, "; ");
			copy_line(verr->msg + ml, sizeof(verr->msg) - ml, p, e);
			ml += strlen(verr->msg + ml);
		}
		p = *e ? e + 1 : e;
	}

	first = nlines > TAIL_LINES ? nlines - TAIL_LINES : 0;
	for (i = first; i < nlines; i++) {
		const char *s = starts[i % TAIL_LINES], *e = strchrnul(s, '\n');

		if (tl && tl < sizeof(verr->tail) - 1)
			verr->tail[tl++] = '\n';
		copy_line(verr->tail + tl, sizeof(verr->tail) - tl, s, e);
		tl += strlen(verr->tail + tl);
	}
	return verr->insn;
}

int scry_prog_load(const struct scry_prog_spec *spec, struct scry_verifier_error *verr,
		   uint64_t *load_ns)
{
	char name[SCRY_BPF_NAME_LEN];
	const char *license = spec->license ? spec->license : "GPL";
	struct scry_verifier_error local;
	char *log = NULL;
	uint64_t t0;
	int fd, err;
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		.expected_attach_type = spec->expected_attach_type,
		.fd_array = spec->fd_array,
		.attach_btf_id = spec->attach_btf_id,
		.prog_flags = spec->prog_flags,
		.prog_btf_fd = spec->prog_btf_fd > 0 ? (uint32_t)spec->prog_btf_fd : 0,
		.func_info = spec->func_info,
		.func_info_cnt = spec->func_info_cnt,
		.func_info_rec_size = spec->func_info ? sizeof(struct bpf_func_info) : 0,
	);

	if (!verr)
		verr = &local;
	memset(verr, 0, sizeof(*verr));
	verr->insn = -1;
	scry_bpf_name(name, spec->name ? spec->name : "prog");
	if (spec->nr_insns == 0 || spec->nr_insns > UINT32_MAX) {
		pr_err("bpf: program '%s' has %zu instructions", name, spec->nr_insns);
		return -EINVAL;
	}
	t0 = now_ns();
	fd = bpf_prog_load(spec->type, name, license, spec->insns, spec->nr_insns, &opts);
	if (fd >= 0) {
		if (load_ns)
			*load_ns = now_ns() - t0;
		return fd;
	}
	err = fd;

	/* Again with a log, to say why. */
	log = malloc(VERIFIER_LOG_SIZE);
	if (!log) {
		pr_err("bpf: loading '%s' failed: %s", name, strerror(-err));
		return err;
	}
	log[0] = '\0';
	opts.log_buf = log;
	opts.log_size = VERIFIER_LOG_SIZE;
	opts.log_level = 1;
	fd = bpf_prog_load(spec->type, name, license, spec->insns, spec->nr_insns, &opts);
	if (fd >= 0) {
		/* Passed the second time (a transient error): keep it. */
		if (load_ns)
			*load_ns = 0;
		goto out;
	}
	log[VERIFIER_LOG_SIZE - 1] = '\0';
	scry_verifier_log_parse(log, verr);
	pr_info("bpf: the verifier's log for '%s':\n%s", name, log);
	if (spec->caller_reports && verr->msg[0]) {
		fd = err;
		goto out;
	}
	if (!verr->msg[0]) {
		pr_err("bpf: loading '%s' failed: %s (the verifier said nothing)", name,
		       strerror(-err));
	} else if (verr->insn >= 0) {
		pr_err("bpf: the verifier rejected '%s' at instruction %d: %s\n%s", name, verr->insn,
		       verr->msg, verr->tail);
	} else {
		pr_err("bpf: the verifier rejected '%s': %s\n%s", name, verr->msg, verr->tail);
	}
	fd = err;
out:
	free(log);
	return fd;
}

int scry_num_possible_cpus(void)
{
	int n = libbpf_num_possible_cpus();

	if (n <= 0) {
		pr_err("bpf: cannot count the possible CPUs: %s", strerror(n ? -n : EINVAL));
		return n ? n : -EINVAL;
	}
	return n;
}

int scry_map_create(const struct scry_map_spec *spec)
{
	char name[SCRY_BPF_NAME_LEN];
	uint32_t ks = spec->key_size, vs = spec->value_size, max = spec->max_entries;
	int fd, n;
	LIBBPF_OPTS(bpf_map_create_opts, opts,
		.map_flags = spec->flags,
		.btf_fd = spec->btf_fd > 0 ? (uint32_t)spec->btf_fd : 0,
		.btf_key_type_id = spec->btf_key_type_id,
		.btf_value_type_id = spec->btf_value_type_id,
	);

	scry_bpf_name(name, spec->name ? spec->name : "map");
	switch (spec->type) {
	case BPF_MAP_TYPE_RINGBUF:
		ks = vs = 0;
		break;
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
		ks = vs = 4;
		if (!max) {
			n = scry_num_possible_cpus();
			if (n < 0)
				return n;
			max = (uint32_t)n;
		}
		break;
	default:
		break;
	}
	fd = bpf_map_create(spec->type, name, ks, vs, max, &opts);
	if (fd < 0) {
		pr_err("bpf: cannot create map '%s' (type %d, key %u, value %u, %u entries): %s",
		       name, spec->type, ks, vs, max, strerror(-fd));
		return fd;
	}
	return fd;
}

int scry_map_lookup_percpu(int map_fd, const void *key, void *vals, size_t vals_size)
{
	struct bpf_map_info info;
	uint32_t len = sizeof(info);
	int n, err;

	memset(&info, 0, sizeof(info));
	err = bpf_obj_get_info_by_fd(map_fd, &info, &len);
	if (err) {
		pr_err("bpf: cannot get the info of map fd %d: %s", map_fd, strerror(-err));
		return err;
	}
	n = scry_num_possible_cpus();
	if (n < 0)
		return n;
	if (vals_size < (size_t)n * scry_percpu_stride(info.value_size)) {
		pr_err("bpf: buffer of %zu bytes too small for per-CPU map '%s'", vals_size,
		       info.name);
		return -EINVAL;
	}
	err = bpf_map_lookup_elem(map_fd, key, vals);
	if (err == -ENOENT)
		return err;
	if (err)
		pr_err("bpf: lookup in map '%s' failed: %s", info.name, strerror(-err));
	return err;
}

int scry_map_percpu_sum_u64(int map_fd, const void *key, uint64_t *sum)
{
	int n = scry_num_possible_cpus(), i, err;
	uint64_t *vals;

	if (n < 0)
		return n;
	vals = calloc((size_t)n, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	err = scry_map_lookup_percpu(map_fd, key, vals, (size_t)n * sizeof(*vals));
	if (!err) {
		*sum = 0;
		for (i = 0; i < n; i++)
			*sum += vals[i];
	}
	free(vals);
	return err;
}

static bool map_is_percpu(uint32_t type)
{
	return type == BPF_MAP_TYPE_PERCPU_HASH || type == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH || type == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

/* Key size, user-visible value size and name of a map. */
static int map_layout(int map_fd, struct bpf_map_info *info, size_t *vsize)
{
	uint32_t len = sizeof(*info);
	int err, n;

	memset(info, 0, sizeof(*info));
	err = bpf_obj_get_info_by_fd(map_fd, info, &len);
	if (err) {
		pr_err("bpf: cannot get the info of map fd %d: %s", map_fd, strerror(-err));
		return err;
	}
	*vsize = info->value_size;
	if (map_is_percpu(info->type)) {
		n = scry_num_possible_cpus();
		if (n < 0)
			return n;
		*vsize = (size_t)n * scry_percpu_stride(info->value_size);
	}
	return 0;
}

int scry_map_for_each_slow(int map_fd, scry_map_fn fn, void *ctx)
{
	struct bpf_map_info info;
	void *key = NULL, *next = NULL, *val = NULL, *t;
	size_t vsize;
	int err, r;
	bool first = true;

	err = map_layout(map_fd, &info, &vsize);
	if (err)
		return err;
	key = calloc(1, info.key_size ? info.key_size : 1);
	next = calloc(1, info.key_size ? info.key_size : 1);
	val = calloc(1, vsize ? vsize : 1);
	if (!key || !next || !val) {
		err = -ENOMEM;
		goto out;
	}
	for (;;) {
		err = bpf_map_get_next_key(map_fd, first ? NULL : key, next);
		if (err == -ENOENT) {
			err = 0;
			break;
		}
		if (err) {
			pr_err("bpf: cannot iterate map '%s': %s", info.name, strerror(-err));
			goto out;
		}
		first = false;
		t = key;
		key = next;
		next = t;
		err = bpf_map_lookup_elem(map_fd, key, val);
		if (err == -ENOENT)	/* deleted meanwhile */
			continue;
		if (err) {
			pr_err("bpf: lookup in map '%s' failed: %s", info.name, strerror(-err));
			goto out;
		}
		r = fn(key, val, ctx);
		if (r) {
			err = r;
			goto out;
		}
	}
out:
	free(key);
	free(next);
	free(val);
	return err;
}

int scry_map_for_each(int map_fd, scry_map_fn fn, void *ctx, bool *batched)
{
	struct bpf_map_info info;
	char *keys = NULL, *vals = NULL;
	uint64_t in_batch = 0, out_batch = 0;	/* hash maps: a bucket index; arrays: a u32 key */
	uint32_t chunk = 4096, count, i;
	size_t vsize;
	bool first = true, done = false;
	int err, r;
	LIBBPF_OPTS(bpf_map_batch_opts, opts);

	if (batched)
		*batched = false;
	err = map_layout(map_fd, &info, &vsize);
	if (err)
		return err;
	if (info.key_size > sizeof(out_batch) && info.type != BPF_MAP_TYPE_HASH &&
	    info.type != BPF_MAP_TYPE_PERCPU_HASH && info.type != BPF_MAP_TYPE_LRU_HASH &&
	    info.type != BPF_MAP_TYPE_LRU_PERCPU_HASH)
		return scry_map_for_each_slow(map_fd, fn, ctx);
	while (!done) {
		if (!keys) {
			keys = calloc(chunk, info.key_size ? info.key_size : 1);
			vals = calloc(chunk, vsize ? vsize : 1);
			if (!keys || !vals) {
				err = -ENOMEM;
				goto out;
			}
		}
		count = chunk;
		err = bpf_map_lookup_batch(map_fd, first ? NULL : &in_batch, &out_batch, keys, vals,
					   &count, &opts);
		if (err == -ENOENT) {
			done = true;	/* the end: count still holds the last elements */
		} else if (err == -ENOSPC && count == 0) {
			/* a hash bucket holds more than chunk elements */
			chunk *= 4;
			free(keys);
			free(vals);
			keys = vals = NULL;
			if (chunk > (1u << 20)) {
				pr_err("bpf: cannot batch-read map '%s': bucket too large", info.name);
				goto out;
			}
			continue;
		} else if (err && first && (err == -EINVAL || err == -ENOTSUP || err == -524)) {
			/* no batch ops for this map type or kernel (-524: ENOTSUPP) */
			free(keys);
			free(vals);
			return scry_map_for_each_slow(map_fd, fn, ctx);
		} else if (err) {
			pr_err("bpf: cannot batch-read map '%s': %s", info.name, strerror(-err));
			goto out;
		}
		if (batched)
			*batched = true;
		err = 0;
		first = false;
		in_batch = out_batch;
		for (i = 0; i < count; i++) {
			r = fn(keys + (size_t)i * info.key_size, vals + (size_t)i * vsize, ctx);
			if (r) {
				err = r;
				goto out;
			}
		}
	}
out:
	free(keys);
	free(vals);
	return err;
}

struct key_sink {
	uint8_t *keys;
	size_t n, alloc, key_size;
};

static int add_key(const void *key, const void *value, void *ctx)
{
	struct key_sink *k = ctx;

	if (k->n == k->alloc) {
		size_t na = k->alloc ? k->alloc * 2 : 256;
		uint8_t *nk = realloc(k->keys, na * (k->key_size ? k->key_size : 1));

		if (!nk)
			return -ENOMEM;
		k->keys = nk;
		k->alloc = na;
	}
	memcpy(k->keys + k->n * k->key_size, key, k->key_size);
	k->n++;
	return 0;
}

int scry_map_keys(int map_fd, uint8_t **keys, size_t *n)
{
	struct bpf_map_info info;
	struct key_sink k = { 0 };
	size_t vsize;
	int err;

	*keys = NULL;
	*n = 0;
	err = map_layout(map_fd, &info, &vsize);
	if (err)
		return err;
	k.key_size = info.key_size;
	err = scry_map_for_each(map_fd, add_key, &k, NULL);
	if (err == -ENOMEM)
		pr_err("bpf: out of memory reading the keys of map '%s'", info.name);
	if (err) {
		free(k.keys);
		return err;
	}
	*keys = k.keys;
	*n = k.n;
	return 0;
}

int scry_map_delete_batch(int map_fd, const uint8_t *keys, size_t n)
{
	struct bpf_map_info info;
	size_t vsize, done = 0;
	uint32_t count;
	int err;
	LIBBPF_OPTS(bpf_map_batch_opts, opts);

	err = map_layout(map_fd, &info, &vsize);
	if (err)
		return err;
	while (done < n) {
		count = n - done > 4096 ? 4096 : (uint32_t)(n - done);
		err = bpf_map_delete_batch(map_fd, keys + done * info.key_size, &count, &opts);
		if (err && !done && !count && (err == -EINVAL || err == -ENOTSUP || err == -524))
			return -EOPNOTSUPP;	/* no batch ops for this map type or kernel */
		if (err == -ENOENT) {
			count++;	/* the key at count was deleted meanwhile: skip it */
		} else if (err) {
			pr_err("bpf: cannot batch-delete from map '%s': %s", info.name, strerror(-err));
			return err;
		}
		done += count;
	}
	return 0;
}

int scry_prog_run(int prog_fd, const void *ctx, size_t ctx_size, uint32_t *retval)
{
	int err;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = ctx, .ctx_size_in = (uint32_t)ctx_size);

	err = bpf_prog_test_run_opts(prog_fd, &opts);
	if (err) {
		pr_err("bpf: running program fd %d once (BPF_PROG_TEST_RUN) failed: %s", prog_fd,
		       err == -524 ? "not supported for this program type" : strerror(-err));
		return err;
	}
	if (retval)
		*retval = opts.retval;
	return 0;
}

struct scry_ringbuf {
	struct ring_buffer *rb;
};

int scry_ringbuf_open(int map_fd, scry_ringbuf_fn fn, void *ctx, struct scry_ringbuf **out)
{
	struct scry_ringbuf *r;
	int err;

	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->rb = ring_buffer__new(map_fd, fn, ctx, NULL);
	if (!r->rb) {
		err = -errno;
		pr_err("bpf: cannot map ring buffer fd %d: %s", map_fd, strerror(errno));
		free(r);
		return err ? err : -EINVAL;
	}
	*out = r;
	return 0;
}

int scry_ringbuf_poll(struct scry_ringbuf *rb, int timeout_ms)
{
	int n = ring_buffer__poll(rb->rb, timeout_ms);

	if (n == -EINTR)
		return 0;
	return n;
}

int scry_ringbuf_consume(struct scry_ringbuf *rb)
{
	return ring_buffer__consume(rb->rb);
}

int scry_ringbuf_epoll_fd(const struct scry_ringbuf *rb)
{
	return ring_buffer__epoll_fd(rb->rb);
}

void scry_ringbuf_free(struct scry_ringbuf *rb)
{
	if (!rb)
		return;
	ring_buffer__free(rb->rb);
	free(rb);
}

int scry_bpf_enable_stats(void)
{
	int fd = bpf_enable_stats(BPF_STATS_RUN_TIME);

	if (fd < 0) {
		fd = -errno;
		pr_info("cannot enable BPF run-time statistics: %s", strerror(errno));
	}
	return fd;
}

int scry_prog_stats(int prog_fd, uint64_t *run_time_ns, uint64_t *run_cnt)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return -errno;
	*run_time_ns = info.run_time_ns;
	*run_cnt = info.run_cnt;
	return 0;
}
