// SPDX-License-Identifier: GPL-2.0
/* BPF mechanism: programs, maps, test runs, ring buffer.  See bpf.h. */
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <ctype.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
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

static int sys_bpf(enum bpf_cmd cmd, union bpf_attr *attr, unsigned int size)
{
	int fd;

	do
		fd = (int)syscall(__NR_bpf, cmd, attr, size);
	while (fd < 0 && errno == EINTR);
	return fd < 0 ? -errno : fd;
}

static void copy_name(char *dst, size_t len, const char *name)
{
	size_t n = name ? strnlen(name, len - 1) : 0;

	memcpy(dst, name ? name : "", n);
	dst[n] = '\0';
}

int scry_sys_prog_load(enum bpf_prog_type type, const char *name, const char *license,
		       const struct bpf_insn *insns, size_t cnt,
		       const struct bpf_prog_load_opts *opts)
{
	union bpf_attr attr;
	int fd, tries = 5;

	if (!insns || !cnt || cnt > UINT32_MAX) {
		errno = EINVAL;
		return -EINVAL;
	}
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = type;
	attr.insns = (uint64_t)(uintptr_t)insns;
	attr.insn_cnt = (uint32_t)cnt;
	attr.license = (uint64_t)(uintptr_t)license;
	copy_name(attr.prog_name, sizeof(attr.prog_name), name);
	if (opts) {
		attr.expected_attach_type = opts->expected_attach_type;
		attr.prog_btf_fd = opts->prog_btf_fd;
		attr.prog_flags = opts->prog_flags;
		attr.prog_ifindex = opts->prog_ifindex;
		attr.kern_version = opts->kern_version;
		attr.attach_btf_id = opts->attach_btf_id;
		if (opts->attach_prog_fd)
			attr.attach_prog_fd = opts->attach_prog_fd;
		else
			attr.attach_btf_obj_fd = opts->attach_btf_obj_fd;
		attr.fd_array = (uint64_t)(uintptr_t)opts->fd_array;
		attr.func_info = (uint64_t)(uintptr_t)opts->func_info;
		attr.func_info_cnt = opts->func_info_cnt;
		attr.func_info_rec_size = opts->func_info_rec_size;
		attr.line_info = (uint64_t)(uintptr_t)opts->line_info;
		attr.line_info_cnt = opts->line_info_cnt;
		attr.line_info_rec_size = opts->line_info_rec_size;
		attr.log_level = opts->log_level;
		attr.log_size = opts->log_size;
		attr.log_buf = (uint64_t)(uintptr_t)opts->log_buf;
	}
	/* EAGAIN: the verifier ran out of memory for a moment (libbpf retries too) */
	do
		fd = sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
	while (fd == -EAGAIN && --tries > 0);
	if (fd < 0)
		errno = -fd;
	return fd;
}

int scry_sys_map_create(enum bpf_map_type type, const char *name, uint32_t key_size,
			uint32_t value_size, uint32_t max_entries,
			const struct bpf_map_create_opts *opts)
{
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = type;
	attr.key_size = key_size;
	attr.value_size = value_size;
	attr.max_entries = max_entries;
	copy_name(attr.map_name, sizeof(attr.map_name), name);
	if (opts) {
		attr.btf_fd = opts->btf_fd;
		attr.btf_key_type_id = opts->btf_key_type_id;
		attr.btf_value_type_id = opts->btf_value_type_id;
		attr.btf_vmlinux_value_type_id = opts->btf_vmlinux_value_type_id;
		attr.inner_map_fd = opts->inner_map_fd;
		attr.map_flags = opts->map_flags;
		attr.map_extra = opts->map_extra;
		attr.numa_node = opts->numa_node;
		attr.map_ifindex = opts->map_ifindex;
	}
	fd = sys_bpf(BPF_MAP_CREATE, &attr, sizeof(attr));
	if (fd < 0)
		errno = -fd;
	return fd;
}

int scry_btf_funcs_load(size_t n, uint32_t *type_ids)
{
	struct btf *btf = btf__new_empty();
	int i32, vptr, proto, id, fd = -ENOMEM;
	const void *raw;
	uint32_t size;
	char name[32];
	size_t i;

	if (!btf)
		goto fail;
	i32 = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	vptr = btf__add_ptr(btf, 0);
	proto = btf__add_func_proto(btf, i32);
	if (i32 < 0 || vptr < 0 || proto < 0 || btf__add_func_param(btf, "ctx", vptr))
		goto fail;
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), i ? "scry_cb%zu" : "scry_main", i);
		id = btf__add_func(btf, name, BTF_FUNC_STATIC, proto);
		if (id < 0)
			goto fail;
		type_ids[i] = (uint32_t)id;
	}
	raw = btf__raw_data(btf, &size);
	if (!raw)
		goto fail;
	fd = bpf_btf_load(raw, size, NULL);
	if (fd < 0)
		fd = -(errno ? errno : EINVAL);
	btf__free(btf);
	return fd;
fail:
	btf__free(btf);
	return -ENOMEM;
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
	fd = scry_sys_prog_load(spec->type, name, license, spec->insns, spec->nr_insns, &opts);
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
	fd = scry_sys_prog_load(spec->type, name, license, spec->insns, spec->nr_insns, &opts);
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
	fd = scry_sys_map_create(spec->type, name, ks, vs, max, &opts);
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

int scry_map_drain(int map_fd)
{
	struct bpf_map_info info;
	uint64_t in_batch = 0, out_batch = 0;	/* a bucket index */
	char *keys = NULL, *vals = NULL;
	uint32_t chunk = 4096, count;
	size_t vsize;
	bool first = true;
	int err;
	LIBBPF_OPTS(bpf_map_batch_opts, opts);

	err = map_layout(map_fd, &info, &vsize);
	if (err)
		return err;
	if (info.type != BPF_MAP_TYPE_HASH && info.type != BPF_MAP_TYPE_PERCPU_HASH)
		return -EOPNOTSUPP;
	for (;;) {
		if (!keys) {
			keys = malloc((size_t)chunk * (info.key_size ? info.key_size : 1));
			vals = malloc((size_t)chunk * (vsize ? vsize : 1));
			if (!keys || !vals) {
				err = -ENOMEM;
				break;
			}
		}
		count = chunk;
		err = bpf_map_lookup_and_delete_batch(map_fd, first ? NULL : &in_batch, &out_batch,
						      keys, vals, &count, &opts);
		if (err == -ENOENT) {
			err = 0;	/* the end */
			break;
		}
		if (err == -ENOSPC && count == 0 && chunk < (1u << 20)) {
			chunk *= 4;	/* a bucket holds more than chunk elements */
			free(keys);
			free(vals);
			keys = vals = NULL;
			continue;
		}
		if (err && first && (err == -EINVAL || err == -ENOTSUP || err == -524)) {
			err = -EOPNOTSUPP;
			break;
		}
		if (err) {
			pr_err("bpf: cannot batch-delete from map '%s': %s", info.name, strerror(-err));
			break;
		}
		first = false;
		in_batch = out_batch;
	}
	free(keys);
	free(vals);
	return err;
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
