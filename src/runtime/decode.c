// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "mech/bpf.h"
#include "out/stack.h"
#include "runtime/decode.h"
#include "util/log.h"

void decode_pool_release(struct decode_pool *pool)
{
	size_t i;

	for (i = 0; i < pool->n; i++)
		free(pool->blocks[i]);
	for (i = 0; i < pool->nt; i++)
		free(pool->texts[i]);
	free(pool->blocks);
	free(pool->texts);
	memset(pool, 0, sizeof(*pool));
}

/* Room for element n of *arr (elements of size sz): capacity doubles at powers of two. */
static int pool_grow(void **arr, size_t n, size_t sz)
{
	void *na;

	if (n >= 8 && (n & (n - 1)))
		return 0;	/* between powers of two: the room is there */
	na = realloc(*arr, (n < 8 ? 8 : n * 2) * sz);
	if (!na)
		return -ENOMEM;
	*arr = na;
	return 0;
}

static struct pvalue *pool_values(struct decode_pool *pool, size_t n)
{
	struct pvalue *v;

	if (pool_grow((void **)&pool->blocks, pool->n, sizeof(*pool->blocks)))
		return NULL;
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		return NULL;
	pool->blocks[pool->n++] = v;
	return v;
}

static const char *pool_text(struct decode_pool *pool, char *s)
{
	if (!s)
		return NULL;
	if (pool_grow((void **)&pool->texts, pool->nt, sizeof(*pool->texts))) {
		free(s);
		return NULL;
	}
	pool->texts[pool->nt++] = s;
	return s;
}

static uint64_t read_uint(const uint8_t *p, uint32_t size)
{
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	switch (size) {
	case 1:
		memcpy(&u8, p, 1);
		return u8;
	case 2:
		memcpy(&u16, p, 2);
		return u16;
	case 4:
		memcpy(&u32, p, 4);
		return u32;
	default:
		memcpy(&u64, p, 8);
		return u64;
	}
}

static int64_t read_int(const uint8_t *p, uint32_t size)
{
	uint64_t u = read_uint(p, size);

	switch (size) {
	case 1:
		return (int8_t)u;
	case 2:
		return (int16_t)u;
	case 4:
		return (int32_t)u;
	default:
		return (int64_t)u;
	}
}

/* v becomes the text rendered into sb (taken over), unless rendering failed with err. */
static int text_value(struct pvalue *v, struct strbuf *sb, int err, struct decode_pool *pool)
{
	if (err) {
		strbuf_release(sb);
		return err;
	}
	v->kind = PV_TEXT;
	v->len = sb->len;
	v->str = pool_text(pool, strbuf_detach(sb));
	return v->str ? 0 : -ENOMEM;
}

/* A stack or a symbol as bpftrace prints it. */
static int decode_stack(const struct decode_env *env, const struct vtype *t, const uint8_t *data,
			struct pvalue *v, struct decode_pool *pool)
{
	struct stack_syms syms = { .ks = env->ks, .us = env->us };
	struct strbuf sb = STRBUF_INIT;
	uint64_t addrs[STACK_MAX_DEPTH], addr;
	int64_t id;
	int n, err = 0;
	uint8_t mode, limit;
	bool user;

	switch (t->kind) {
	case VT_KSYM:
	case VT_USYM:
		addr = read_uint(data, 8);
		user = t->kind == VT_USYM;
		syms.pid = user ? (pid_t)read_uint(data + 8, 4) : 0;
		err = stack_frame_sym(&sb, addr, user, false, false, &syms);
		break;
	default:
		id = read_int(data, 8);
		syms.pid = (pid_t)read_uint(data + 8, 4);
		mode = data[12];
		limit = data[13];
		user = data[14];
		n = id >= 0 && env->stack_fd >= 0 ?
			    stack_map_read(env->stack_fd, id, addrs, STACK_MAX_DEPTH) : 0;
		if (n < 0)
			n = 0;
		if (limit && n > limit)
			n = limit;
		err = stack_format(&sb, addrs, (size_t)n, user, (enum stack_mode)mode, env->indent,
				   &syms);
		break;
	}
	return text_value(v, &sb, err, pool);
}

/*
 * buf(): printed as bpftrace's %r (printable bytes as they are, the rest
 * \xNN), with the raw bytes kept in elems[0] (PV_STR) for %rx and %rh.
 */
static int decode_buf(const struct vtype *t, const uint8_t *data, struct pvalue *v,
		      struct decode_pool *pool)
{
	struct pvalue *raw = pool_values(pool, 1);
	uint64_t n = read_uint(data, 8);
	struct strbuf sb = STRBUF_INIT;
	int err;

	if (!raw)
		return -ENOMEM;
	if (t->size < 8)
		return -EINVAL;
	if (n > t->size - 8)
		n = t->size - 8;	/* never past what the program stored */
	raw->kind = PV_STR;
	raw->str = (const char *)data + 8;
	raw->len = (size_t)n;
	err = text_value(v, &sb, fmt_buf(&sb, raw->str, raw->len, 0), pool);
	v->elems = raw;
	v->nr_elems = 1;
	return err;
}

int decode_value(const struct decode_env *env, const struct vtype *t, const uint8_t *data,
		 size_t len, struct pvalue *v, struct decode_pool *pool)
{
	const struct compiled_program *cp = env->cp;
	uint32_t i;
	char *s;

	memset(v, 0, sizeof(*v));
	if (t->size > len)
		return -EINVAL;
	switch (t->kind) {
	case VT_INT:
		if (t->bit_size) {
			uint64_t u = read_uint(data, t->size) >> t->bit_offset;

			if (t->bit_size < 64)
				u &= (1ULL << t->bit_size) - 1;
			if (t->sign && t->bit_size < 64 && (u >> (t->bit_size - 1)) & 1)
				u |= ~0ULL << t->bit_size;
			v->kind = t->sign ? PV_INT : PV_UINT;
			v->i = (int64_t)u;
			v->u = u;
			return 0;
		}
		if (t->sign) {
			v->kind = PV_INT;
			v->i = read_int(data, t->size);
		} else {
			v->kind = PV_UINT;
			v->u = read_uint(data, t->size);
		}
		v->is_enum = t->nr_enums > 0;
		for (i = 0; i < t->nr_enums; i++) {
			if (t->enums[i].value == (t->sign ? v->i : (int64_t)v->u)) {
				v->enum_name = t->enums[i].name;
				break;
			}
		}
		return 0;
	case VT_STR:
		v->kind = PV_STR;
		v->str = (const char *)data;
		v->len = t->size;
		return 0;
	case VT_TUPLE: {
		struct pvalue *el = pool_values(pool, t->nr_fields);

		if (!el)
			return -ENOMEM;
		for (i = 0; i < t->nr_fields; i++) {
			const struct vfield *f = &t->fields[i];
			int err;

			if (f->offset > len)
				return -EINVAL;
			err = decode_value(env, &f->type, data + f->offset, len - f->offset, &el[i], pool);
			if (err)
				return err;
		}
		v->kind = PV_TUPLE;
		v->elems = el;
		v->nr_elems = t->nr_fields;
		return 0;
	}
	case VT_RECORD:
	case VT_ARRAY: {
		uint32_t n = t->kind == VT_ARRAY ? t->nelem : t->nr_fields;
		struct pvalue *el = pool_values(pool, n ? n : 1);

		if (!el)
			return -ENOMEM;
		for (i = 0; i < n; i++) {
			const struct vfield *f = t->kind == VT_ARRAY ? &t->fields[0] : &t->fields[i];
			uint64_t off = t->kind == VT_ARRAY ? (uint64_t)i * t->stride : f->offset;
			int err;

			if (off > len)
				return -EINVAL;
			err = decode_value(env, &f->type, data + off, len - off, &el[i], pool);
			if (err)
				return err;
			if (t->kind == VT_RECORD)
				el[i].name = f->name;
		}
		v->kind = t->kind == VT_ARRAY ? PV_ARRAY : PV_RECORD;
		v->elems = el;
		v->nr_elems = n;
		return 0;
	}
	case VT_PROBE: {
		uint64_t idx = read_uint(data, 8);

		v->kind = PV_TEXT;
		v->str = idx < cp->nr_probe_names ? cp->probe_names[idx] : "?";
		v->len = strlen(v->str);
		return 0;
	}
	case VT_KSTACK:
	case VT_USTACK:
	case VT_KSYM:
	case VT_USYM:
		return decode_stack(env, t, data, v, pool);
	case VT_TIME: {
		/* monotonic ns (nsecs) to the wall clock, then the script's format */
		struct timespec mono, real;
		uint64_t ns = read_uint(data, 8), id = read_uint(data + 8, 4);
		int64_t wall;
		time_t secs;
		struct tm tm;
		char buf[256];
		size_t n = 0;

		clock_gettime(CLOCK_MONOTONIC, &mono);
		clock_gettime(CLOCK_REALTIME, &real);
		wall = (int64_t)real.tv_sec * 1000000000LL + real.tv_nsec -
		       ((int64_t)mono.tv_sec * 1000000000LL + mono.tv_nsec) + (int64_t)ns;
		secs = (time_t)(wall / 1000000000LL);
		if (id < cp->nr_printfs && localtime_r(&secs, &tm)) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
			n = strftime(buf, sizeof(buf), cp->printfs[id].fmt, &tm);
#pragma GCC diagnostic pop
		}
		s = strndup(buf, n);
		v->kind = PV_TEXT;
		v->str = pool_text(pool, s);
		if (!v->str)
			return -ENOMEM;
		v->len = n;
		return 0;
	}
	case VT_FORMATTED: {
		/* the built-in's own formatting (username...) */
		struct strbuf sb = STRBUF_INIT;

		return text_value(v, &sb, t->format ? t->format(data, &sb) : strbuf_addstr(&sb, "?"), pool);
	}
	case VT_BUF:
		return decode_buf(t, data, v, pool);
	case VT_NONE:
		v->kind = PV_UINT;
		return 0;
	}
	return -EINVAL;
}

/* ---- reading whole maps ---- */

struct reader {
	const struct cmap *m;
	size_t ukey;		/* bytes of the user key */
	size_t nb;		/* buckets */
	int ncpu;
	struct map_entries *out;	/* the entries, and the blocks their keys are packed in */
	size_t kleft;		/* bytes left in the last key block */
	size_t *slots;		/* hist/lhist: an index of out->v by user key (i + 1; 0 is empty) */
	size_t nslots;		/* a power of two, at least twice out->n */
	int err;
};

#define KEY_BLOCK (1u << 20)

/* room for one key (r->ukey bytes) in the key blocks, or NULL */
static uint8_t *key_room(struct reader *r)
{
	size_t size = r->ukey ? r->ukey : 1;
	struct map_entries *es = r->out;
	uint8_t **nb, *b;

	if (size > KEY_BLOCK)
		return NULL;	/* never: keys are at most a BPF stack's 512 bytes */
	if (r->kleft < size) {
		nb = realloc(es->kblocks, (es->nkblocks + 1) * sizeof(*nb));
		if (!nb)
			return NULL;
		es->kblocks = nb;
		b = malloc(KEY_BLOCK);
		if (!b)
			return NULL;
		es->kblocks[es->nkblocks++] = b;
		r->kleft = KEY_BLOCK;
	}
	b = es->kblocks[es->nkblocks - 1] + (KEY_BLOCK - r->kleft);
	r->kleft -= size;
	return b;
}

static uint64_t key_hash(const uint8_t *k, size_t n)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	while (n--)
		h = (h ^ *k++) * 1099511628211ULL;
	return h;
}

/* The slot of ukey in r->slots: where it is, or the empty one where it goes. */
static size_t *slot_of(struct reader *r, const uint8_t *ukey)
{
	const struct map_entries *es = r->out;
	size_t i = (size_t)key_hash(ukey, r->ukey) & (r->nslots - 1);

	while (r->slots[i] && memcmp(es->v[r->slots[i] - 1].key, ukey, r->ukey))
		i = (i + 1) & (r->nslots - 1);
	return &r->slots[i];
}

/* Room for one more key in the index (rebuilt twice as large when half full). */
static int index_grow(struct reader *r)
{
	const struct map_entries *es = r->out;
	size_t i, ns = r->nslots ? r->nslots * 2 : 256;
	size_t *old = r->slots;

	if (r->nslots && (es->n + 1) * 2 <= r->nslots)
		return 0;
	r->slots = calloc(ns, sizeof(*r->slots));
	if (!r->slots) {
		r->slots = old;
		return -ENOMEM;
	}
	r->nslots = ns;
	for (i = 0; i < es->n; i++)
		*slot_of(r, es->v[i].key) = i + 1;
	free(old);
	return 0;
}

static struct map_entry *find_or_add(struct reader *r, const uint8_t *ukey)
{
	struct map_entries *es = r->out;
	struct map_entry *e;
	size_t *slot = NULL;

	if (r->m->kind == CMAP_HIST || r->m->kind == CMAP_LHIST) {
		/* one entry per user key: its buckets come as separate elements */
		if (index_grow(r))
			return NULL;
		slot = slot_of(r, ukey);
		if (*slot)
			return &es->v[*slot - 1];
	}
	if (es->n == es->alloc) {
		size_t na = es->alloc ? es->alloc * 2 : 64;
		struct map_entry *nv = realloc(es->v, na * sizeof(*nv));

		if (!nv)
			return NULL;
		es->v = nv;
		es->alloc = na;
	}
	e = &es->v[es->n];
	memset(e, 0, sizeof(*e));
	e->key = key_room(r);
	if (!e->key)
		return NULL;
	memcpy(e->key, ukey, r->ukey);
	if (r->nb) {
		e->buckets = calloc(r->nb, sizeof(uint64_t));
		if (!e->buckets)
			return NULL;
	}
	if (slot)
		*slot = es->n + 1;
	es->n++;
	return e;
}

static int read_one(const void *key, const void *value, void *ctx)
{
	struct reader *r = ctx;
	const struct cmap *m = r->m;
	size_t stride = scry_percpu_stride(m->value_size);
	const uint8_t *val = value;
	struct map_entry *e = find_or_add(r, key);
	int cpu;

	if (!e) {
		r->err = -ENOMEM;
		return 1;
	}
	switch (m->kind) {
	case CMAP_VALUE:
		e->value = malloc(m->value_size);
		if (!e->value) {
			r->err = -ENOMEM;
			return 1;
		}
		memcpy(e->value, value, m->value_size);
		break;
	case CMAP_COUNT:
	case CMAP_SUM:
		for (cpu = 0; cpu < r->ncpu; cpu++)
			e->a += read_int(val + (size_t)cpu * stride, 8);
		break;
	case CMAP_MIN:
	case CMAP_MAX:
		for (cpu = 0; cpu < r->ncpu; cpu++) {
			const uint8_t *p = val + (size_t)cpu * stride;
			int64_t x = read_int(p, 8);

			if (!read_uint(p + 8, 8))
				continue;
			if (!e->b || (m->kind == CMAP_MIN ? x < e->a : x > e->a))
				e->a = x;
			e->b = 1;
		}
		break;
	case CMAP_AVG:
	case CMAP_STATS:
		for (cpu = 0; cpu < r->ncpu; cpu++) {
			e->a += read_int(val + (size_t)cpu * stride, 8);
			e->b += read_int(val + (size_t)cpu * stride + 8, 8);
		}
		break;
	case CMAP_HIST:
	case CMAP_LHIST: {
		uint64_t bucket = read_uint((const uint8_t *)key + r->ukey, 8), sum = 0;

		for (cpu = 0; cpu < r->ncpu; cpu++) {
			sum += read_uint(val + (size_t)cpu * stride, 8);
			if (m->hist_sum)
				e->a += read_int(val + (size_t)cpu * stride + 8, 8);
		}
		if (bucket < r->nb)
			e->buckets[bucket] += sum;
		break;
	}
	}
	return 0;
}

void map_entries_release(struct map_entries *es)
{
	size_t i;

	for (i = 0; i < es->n; i++) {
		free(es->v[i].buckets);
		free(es->v[i].value);
	}
	for (i = 0; i < es->nkblocks; i++)
		free(es->kblocks[i]);
	free(es->kblocks);
	free(es->v);
	memset(es, 0, sizeof(*es));
}

int map_read(const struct cmap *m, int fd, struct map_entries *out)
{
	struct reader r = { .m = m, .out = out };
	int err;

	memset(out, 0, sizeof(*out));
	r.ncpu = m->type == BPF_MAP_TYPE_PERCPU_HASH || m->type == BPF_MAP_TYPE_PERCPU_ARRAY ||
			 m->type == BPF_MAP_TYPE_LRU_PERCPU_HASH ?
			 scry_num_possible_cpus() : 1;
	if (r.ncpu <= 0)
		return r.ncpu ? r.ncpu : -EINVAL;
	r.ukey = m->key_size;
	if (m->kind == CMAP_HIST || m->kind == CMAP_LHIST) {
		r.ukey -= 8;
		r.nb = m->kind == CMAP_HIST ? HIST_BUCKETS : lhist_buckets(m->lmin, m->lmax, m->lstep);
	}
	out->key_size = r.ukey;
	err = scry_map_for_each(fd, read_one, &r, NULL);
	free(r.slots);
	if (r.err)
		err = r.err;	/* read_one stopped the walk */
	return err < 0 ? err : 0;
}

static enum pmap_kind pmap_kind_of(enum cmap_kind k)
{
	switch (k) {
	case CMAP_AVG:
		return PM_AVG;
	case CMAP_STATS:
		return PM_STATS;
	case CMAP_HIST:
		return PM_HIST;
	case CMAP_LHIST:
		return PM_LHIST;
	default:
		return PM_VALUE;
	}
}

int map_snapshot_read(const struct decode_env *penv, size_t idx, int fd, struct map_snapshot *snap)
{
	struct decode_env env = *penv;
	const struct compiled_program *cp = env.cp;
	const struct cmap *m = &cp->maps[idx];
	struct map_entries *es = &snap->es;
	struct decode_pool *pool = &snap->pool;
	struct pmap *pm = &snap->pm;
	size_t i;
	int err;

	memset(snap, 0, sizeof(*snap));
	*pm = (struct pmap){
		.name = m->name,
		.kind = pmap_kind_of(m->kind),
		.has_keys = m->has_keys,
		.lmin = m->lmin,
		.lmax = m->lmax,
		.lstep = m->lstep,
		.has_sum = m->hist_sum,
	};
	err = map_read(m, fd, es);
	if (err)
		goto out;
	log_phase("map read");
	pm->entries = calloc(es->n ? es->n : 1, sizeof(*pm->entries));
	if (!pm->entries) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < es->n && !err; i++) {
		struct pmap_entry *pe = &pm->entries[i];
		struct map_entry *e = &es->v[i];
		struct pvalue kv;

		if (m->has_keys) {
			env.indent = STACK_INDENT_MAP;
			err = decode_value(&env, &m->key, e->key, es->key_size, &kv, pool);
			if (err)
				break;
			if (kv.kind == PV_TUPLE) {
				pe->keys = kv.elems;
				pe->nr_keys = kv.nr_elems;
			} else {
				struct pvalue *one = pool_values(pool, 1);

				if (!one) {
					err = -ENOMEM;
					break;
				}
				*one = kv;
				pe->keys = one;
				pe->nr_keys = 1;
			}
		}
		switch (m->kind) {
		case CMAP_VALUE:
			env.indent = STACK_INDENT_MAP;
			err = decode_value(&env, &m->value, e->value, m->value_size, &pe->value, pool);
			break;
		case CMAP_COUNT:
			pe->value.kind = PV_UINT;
			pe->value.u = (uint64_t)e->a;
			break;
		case CMAP_SUM:
		case CMAP_MIN:
		case CMAP_MAX:
			if (m->value.sign) {
				pe->value.kind = PV_INT;
				pe->value.i = e->a;
			} else {
				pe->value.kind = PV_UINT;
				pe->value.u = (uint64_t)e->a;
			}
			break;
		case CMAP_AVG:
		case CMAP_STATS:
			pe->total = e->a;
			pe->count = e->b;
			break;
		case CMAP_HIST:
		case CMAP_LHIST:
			pe->buckets = e->buckets;
			pe->total = e->a;
			break;
		}
	}
	pm->nr_entries = i;
out:
	if (err) {
		pr_err("cannot read map '%s': %s", m->name, strerror(-err));
		map_snapshot_release(snap);
	}
	return err;
}

void map_snapshot_release(struct map_snapshot *snap)
{
	map_entries_release(&snap->es);
	free(snap->pm.entries);
	decode_pool_release(&snap->pool);
	memset(snap, 0, sizeof(*snap));
}

int map_print(const struct decode_env *env, size_t idx, int fd, FILE *out, bool json,
	      size_t top, uint64_t div)
{
	struct map_snapshot snap;
	int err = map_snapshot_read(env, idx, fd, &snap);

	if (err)
		return err;
	log_phase("map decoded");
	pmap_print(out, &snap.pm, json ? PMAP_JSON : PMAP_TEXT, top, div);
	log_phase("map printed");
	map_snapshot_release(&snap);
	log_phase("map released");
	return 0;
}

int map_clear(int fd, bool zero, uint32_t value_size, bool percpu)
{
	struct bpf_map_info info = { 0 };
	uint32_t ilen = sizeof(info);
	uint8_t *keys = NULL, *zeros = NULL;
	size_t n = 0, i, vsz;
	int err, ncpu = percpu ? scry_num_possible_cpus() : 1;

	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	/* one walk of the kernel deletes everything, where it can */
	if (!zero) {
		err = scry_map_drain(fd);
		if (err != -EOPNOTSUPP)
			return err;
	}
	err = bpf_obj_get_info_by_fd(fd, &info, &ilen);
	if (err)
		return -errno;
	/* Collect the keys first: deleting while walking with get_next_key skips some. */
	err = scry_map_keys(fd, &keys, &n);
	if (err)
		goto out;
	vsz = percpu ? (size_t)ncpu * scry_percpu_stride(value_size) : value_size;
	zeros = calloc(1, vsz ? vsz : 1);
	if (!zeros) {
		err = -ENOMEM;
		goto out;
	}
	/* one syscall per few thousand keys where the kernel has batch operations */
	if (!zero) {
		err = scry_map_delete_batch(fd, keys, n);
		if (err != -EOPNOTSUPP)
			goto out;
		err = 0;
	}
	for (i = 0; i < n; i++) {
		const uint8_t *k = keys + i * info.key_size;

		if (zero ? bpf_map_update_elem(fd, k, zeros, BPF_EXIST) : bpf_map_delete_elem(fd, k))
			if (errno != ENOENT) {
				err = -errno;
				break;
			}
	}
out:
	free(keys);
	free(zeros);
	return err;
}
