// SPDX-License-Identifier: GPL-2.0
/*
 * The perf data path: every event opened on every CPU with
 * perf_event_open(PERF_TYPE_TRACEPOINT, PERF_SAMPLE_TID | TIME | CPU | RAW,
 * and CALLCHAIN with -g), all the events of one CPU writing into one ring
 * (PERF_EVENT_IOC_SET_OUTPUT).  A raw sample is the trace event record
 * itself (common_type first), so it is re-packed as is into ring-buffer
 * pages of that CPU (tracedat_page_add()); a callchain becomes the ftrace
 * kernel_stack / user_stack events that follow it, as ftrace's stacktrace
 * option would write them.  PERF_RECORD_LOST counts are the lost events.
 * -p / -c: the events follow that task (and with inherit its children).
 * The ring-buffer read protocol: read data_head (acquire), walk records
 * from data_tail (copying those that wrap), store data_tail (release).
 */
#include <errno.h>
#include <linux/perf_event.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mech/perf_event.h"
#include "mech/record.h"
#include "mech/tracefs.h"
#include "util/log.h"
#include "util/strbuf.h"

#define DEFAULT_RING_KB 1024
#define MAX_STACK 127
#define STACK_MIN_SLOTS 8	/* kernel_stack's format declares caller[8] */

struct perf_ring {
	int fd;			/* the first event's fd: the ring's owner */
	void *base;
	size_t map_len;
	uint8_t *data;
	uint64_t size;		/* data area, a power of two */
};

#define COMM_SLOTS 65536	/* a power of two: tids seen, with their comm */

struct comm_slot {
	int tid;		/* 0: empty */
	char comm[16];
};

struct perf_rec {
	struct comm_slot *comms;
	size_t nr_comms;
	int *fds;		/* nr_cpus * nr_events, -1 when not open */
	size_t nr_fds;
	struct perf_ring *rings;	/* per CPU */
	uint8_t *bounce;
	uint32_t kstack_id, ustack_id;	/* ftrace's kernel_stack / user_stack ids, 0 unknown */
};

const char *perf_record_unusable(void)
{
	struct perf_event_attr a = { .type = PERF_TYPE_SOFTWARE, .config = PERF_COUNT_SW_DUMMY };
	int fd = perf_event_open_raw(&a, -1, 0, -1);

	if (fd < 0)
		return fd == -EACCES || fd == -EPERM ? "perf_event_open is not permitted"
						     : "perf_event_open is not available";
	close(fd);
	return NULL;
}

/* The ID: line of a format text. */
static long format_id(const char *fmt)
{
	const char *p = strstr(fmt, "\nID: ");

	return p ? strtol(p + 5, NULL, 10) : -1;
}

/* The id of an ftrace event from its format file (they have no id file), 0 if unknown. */
static uint32_t read_id(const char *rel)
{
	struct strbuf sb = STRBUF_INIT;
	char path[4096];
	long id = -1;

	if (!tracefs_path(path, sizeof(path), rel) && !strbuf_read_file(&sb, path, 1 << 16))
		id = format_id(strbuf_str(&sb));
	strbuf_release(&sb);
	return id > 0 ? (uint32_t)id : 0;
}

static unsigned int ring_pages(unsigned int kb, long page)
{
	unsigned long want = (unsigned long)(kb ? kb : DEFAULT_RING_KB) * 1024 / (unsigned long)page;
	unsigned int n = 1;

	while (n < want && n < (1u << 20))
		n <<= 1;
	return n;
}

int perf_record_start(struct record *r)
{
	const struct record_opts *o = &r->opts;
	struct strbuf filter = STRBUF_INIT;
	long page = sysconf(_SC_PAGESIZE);
	unsigned int pages = ring_pages(o->buffer_kb, page);
	struct perf_rec *p;
	size_t i, t, ntids;
	int cpu, err = 0;

	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	r->priv = p;
	ntids = r->nr_tids ? r->nr_tids : 1;
	p->nr_fds = (size_t)r->nr_cpus * r->nr_events * ntids;
	p->fds = malloc((p->nr_fds ? p->nr_fds : 1) * sizeof(*p->fds));
	p->rings = calloc((size_t)r->nr_cpus, sizeof(*p->rings));
	p->bounce = malloc(1 << 16);
	p->comms = calloc(COMM_SLOTS, sizeof(*p->comms));
	if (!p->fds || !p->rings || !p->bounce || !p->comms)
		return -ENOMEM;
	for (i = 0; i < p->nr_fds; i++)
		p->fds[i] = -1;
	for (cpu = 0; cpu < r->nr_cpus; cpu++)
		p->rings[cpu].fd = -1;
	if (o->callchain) {
		p->kstack_id = read_id("events/ftrace/kernel_stack/format");
		p->ustack_id = read_id("events/ftrace/user_stack/format");
	}
	for (cpu = 0; cpu < r->nr_cpus; cpu++) {
		struct perf_ring *ring = &p->rings[cpu];

		err = tracedat_page_init(&r->cpus[cpu].pages, r->cpus[cpu].fd, (uint32_t)page);
		if (err)
			goto out;
		for (i = 0; i < r->nr_events * ntids; i++) {
			struct perf_event_attr a = { 0 };
			long id;
			int fd;

			const struct tracedat_event *ev = &r->events[i / ntids];

			t = i % ntids;
			id = format_id(ev->format);

			if (id < 0) {
				pr_err("event '%s:%s': its format has no ID", ev->system,
				       ev->name);
				err = -EINVAL;
				goto out;
			}
			a.type = PERF_TYPE_TRACEPOINT;
			a.config = (uint64_t)id;
			a.sample_period = 1;
			a.sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_CPU |
					PERF_SAMPLE_RAW | (o->callchain ? PERF_SAMPLE_CALLCHAIN : 0);
			a.disabled = 1;
			a.inherit = o->pid && o->follow_fork;
			a.watermark = 1;
			a.wakeup_watermark = (uint32_t)((uint64_t)pages * (uint64_t)page / 2);
			if (o->callchain)
				a.sample_max_stack = MAX_STACK;
			fd = perf_event_open_raw(&a, r->nr_tids ? r->tids[t] : -1, cpu, -1);
			if (fd == -ENODEV || fd == -EINVAL) {
				if (cpu > 0 && fd == -ENODEV)
					break;	/* an offline CPU */
			}
			if (fd < 0) {
				err = fd;
				pr_err("cannot open event '%s:%s' on CPU %d: %s", ev->system,
				       ev->name, cpu, strerror(-err));
				goto out;
			}
			p->fds[(size_t)cpu * r->nr_events * ntids + i] = fd;
			if (o->filter) {
				if ((err = record_filter_compile(o->filter, ev, &filter)))
					goto out;
				if (ioctl(fd, PERF_EVENT_IOC_SET_FILTER, strbuf_str(&filter))) {
					err = -errno;
					pr_err("filter '%s': the kernel refused '%s' for '%s:%s': %s",
					       o->filter, strbuf_str(&filter), ev->system,
					       ev->name, strerror(errno));
					goto out;
				}
			}
			if (ring->fd < 0) {
				ring->fd = fd;
				ring->map_len = (size_t)(pages + 1) * (size_t)page;
				ring->base = mmap(NULL, ring->map_len, PROT_READ | PROT_WRITE, MAP_SHARED,
						  fd, 0);
				if (ring->base == MAP_FAILED) {
					ring->base = NULL;
					err = -errno;
					pr_err("cannot map the perf ring of CPU %d (%u KiB): %s", cpu,
					       pages * (unsigned int)page / 1024, strerror(errno));
					goto out;
				}
				ring->data = (uint8_t *)ring->base + page;
				ring->size = (uint64_t)pages * (uint64_t)page;
			} else if (ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT, ring->fd)) {
				err = -errno;
				pr_err("cannot share the perf ring of CPU %d: %s", cpu, strerror(errno));
				goto out;
			}
		}
	}
	for (i = 0; i < p->nr_fds; i++)
		if (p->fds[i] >= 0 && ioctl(p->fds[i], PERF_EVENT_IOC_ENABLE, 0)) {
			err = -errno;
			pr_err("cannot enable a perf event: %s", strerror(errno));
			goto out;
		}
out:
	strbuf_release(&filter);
	return err;
}

/* A kernel_stack or user_stack record after the sample, as ftrace writes them. */
static int add_stack(struct tracedat_page *pg, uint32_t id, const uint8_t *raw, uint32_t raw_len,
		     uint64_t ts, const uint64_t *ips, uint32_t nr, uint32_t tgid)
{
	uint8_t rec[16 + 8 * (MAX_STACK + 1)];
	uint32_t slots = nr < STACK_MIN_SLOTS ? STACK_MIN_SLOTS : nr, size = nr;
	uint16_t type = (uint16_t)id;

	if (!id || !nr || raw_len < 8)
		return 0;
	memset(rec, 0, sizeof(rec));
	memcpy(rec, raw, 8);	/* common_* of the event itself */
	memcpy(rec, &type, 2);
	if (tgid)
		memcpy(rec + 8, &tgid, 4);
	else
		memcpy(rec + 8, &size, 4);
	memcpy(rec + 16, ips, 8 * (size_t)nr);
	return tracedat_page_add(pg, ts, rec, 16 + 8 * slots);
}

/* The slot of tid: found, or the empty one to fill; NULL when the table is full. */
static struct comm_slot *comm_slot(struct perf_rec *p, int tid)
{
	uint32_t h = ((uint32_t)tid * 2654435761u) & (COMM_SLOTS - 1), i;

	for (i = 0; i < COMM_SLOTS; i++) {
		struct comm_slot *c = &p->comms[(h + i) & (COMM_SLOTS - 1)];

		if (c->tid == tid || !c->tid)
			return c;
	}
	return NULL;
}

static void comm_set(struct perf_rec *p, int tid, const char *comm, size_t len)
{
	struct comm_slot *c = comm_slot(p, tid);

	if (!c || tid <= 0 || (!c->tid && p->nr_comms >= COMM_SLOTS / 2))
		return;
	if (!c->tid)
		p->nr_comms++;
	c->tid = tid;
	if (len >= sizeof(c->comm))
		len = sizeof(c->comm) - 1;
	memcpy(c->comm, comm, len);
	c->comm[len] = 0;
}

/* A task seen for the first time: its name now, from /proc. */
static void comm_seen(struct perf_rec *p, int tid)
{
	struct comm_slot *c = comm_slot(p, tid);
	struct strbuf sb = STRBUF_INIT;
	char path[64];

	if (!c || c->tid || tid <= 0)
		return;
	snprintf(path, sizeof(path), "/proc/%d/comm", tid);
	if (!strbuf_read_file(&sb, path, 64) && sb.len) {
		if (sb.buf[sb.len - 1] == '\n')
			sb.len--;
		comm_set(p, tid, sb.buf, sb.len);
	} else {
		comm_set(p, tid, "<...>", 5);
	}
	strbuf_release(&sb);
}

static int parse_sample(struct record *r, struct perf_rec *p, int cpu, const uint8_t *s, size_t len)
{
	struct tracedat_page *pg = &r->cpus[cpu].pages;
	const uint8_t *end = s + len;
	uint64_t ts, nr = 0, kips[MAX_STACK], uips[MAX_STACK];
	const uint64_t *ips = NULL;
	uint32_t pid, raw_len, nk = 0, nu = 0, i;
	int err;

	if (len < 8 + 8 + 8 + 4)
		return 0;
	memcpy(&pid, s, 4);
	memcpy(&ts, s + 8, 8);
	{
		int tid;

		memcpy(&tid, s + 4, 4);
		comm_seen(p, tid);
	}
	s += 24;	/* pid, tid, time, cpu, res */
	if (r->opts.callchain) {
		if (end - s < 8)
			return 0;
		memcpy(&nr, s, 8);
		s += 8;
		if (nr > (uint64_t)(end - s) / 8)
			return 0;
		ips = (const uint64_t *)(const void *)s;
		s += nr * 8;
	}
	if (end - s < 4)
		return 0;
	memcpy(&raw_len, s, 4);
	s += 4;
	if (raw_len > (uint64_t)(end - s))
		return 0;
	err = tracedat_page_add(pg, ts, s, raw_len);
	if (err == -E2BIG)
		return 0;
	if (err || !ips)
		return err;
	{
		bool user = false;

		for (i = 0; i < nr; i++) {
			uint64_t ip;

			memcpy(&ip, &ips[i], 8);
			if (ip >= PERF_CONTEXT_MAX) {
				user = ip == PERF_CONTEXT_USER;
				continue;
			}
			if (user && nu < MAX_STACK)
				uips[nu++] = ip;
			else if (!user && nk < MAX_STACK)
				kips[nk++] = ip;
		}
	}
	err = add_stack(pg, p->kstack_id, s, raw_len, ts, kips, nk, 0);
	return err ? : add_stack(pg, p->ustack_id, s, raw_len, ts, uips, nu, pid);
}

static int drain_ring(struct record *r, struct perf_rec *p, int cpu)
{
	struct perf_ring *ring = &p->rings[cpu];
	struct perf_event_mmap_page *meta = ring->base;
	uint64_t head, tail;
	int err = 0;

	if (!meta)
		return 0;
	head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
	tail = meta->data_tail;
	while (tail < head && !err) {
		uint64_t off = tail & (ring->size - 1);
		struct perf_event_header h;
		const uint8_t *rec;

		if (off + sizeof(h) <= ring->size) {
			memcpy(&h, ring->data + off, sizeof(h));
		} else {
			size_t first = (size_t)(ring->size - off);

			memcpy(&h, ring->data + off, first);
			memcpy((uint8_t *)&h + first, ring->data, sizeof(h) - first);
		}
		if (h.size < sizeof(h) || tail + h.size > head)
			break;
		if (off + h.size <= ring->size) {
			rec = ring->data + off;
		} else {
			size_t first = (size_t)(ring->size - off);

			memcpy(p->bounce, ring->data + off, first);
			memcpy(p->bounce + first, ring->data, h.size - first);
			rec = p->bounce;
		}
		if (h.type == PERF_RECORD_SAMPLE)
			err = parse_sample(r, p, cpu, rec + sizeof(h), h.size - sizeof(h));
		else if (h.type == PERF_RECORD_COMM && h.size > sizeof(h) + 8) {
			int tid;
			const char *comm = (const char *)rec + sizeof(h) + 8;

			memcpy(&tid, rec + sizeof(h) + 4, 4);
			comm_set(p, tid, comm, strnlen(comm, h.size - sizeof(h) - 8));
		} else if (h.type == PERF_RECORD_LOST && h.size >= sizeof(h) + 16) {
			uint64_t lost;

			memcpy(&lost, rec + sizeof(h) + 8, 8);
			r->cpus[cpu].lost += lost;
		}
		tail += h.size;
	}
	__atomic_store_n(&meta->data_tail, tail, __ATOMIC_RELEASE);
	return err;
}

int perf_record_poll(struct record *r, int timeout_ms)
{
	struct perf_rec *p = r->priv;
	struct pollfd pfd[256];
	int cpu, n = 0, err;

	for (cpu = 0; cpu < r->nr_cpus && n < 256; cpu++) {
		if (p->rings[cpu].fd < 0)
			continue;
		pfd[n].fd = p->rings[cpu].fd;
		pfd[n].events = POLLIN;
		n++;
	}
	if (timeout_ms > 0 && poll(pfd, (nfds_t)n, timeout_ms) < 0 && errno != EINTR)
		return -errno;
	for (cpu = 0; cpu < r->nr_cpus; cpu++)
		if ((err = drain_ring(r, p, cpu))) {
			pr_err("cannot write the data of CPU %d: %s", cpu, strerror(-err));
			return err;
		}
	return 0;
}

int perf_record_stop(struct record *r)
{
	struct perf_rec *p = r->priv;
	size_t i;
	int cpu, err = 0;

	if (!p)
		return 0;
	/*
	 * A full ring counts what it loses and says so in a PERF_RECORD_LOST
	 * written with the next record that fits: drain, let the events run
	 * a moment more so that it is written, then disable and drain again.
	 */
	err = perf_record_poll(r, 0);
	if (!err) {
		usleep(2000);
		err = perf_record_poll(r, 0);	/* the ring is empty: disable follows at once */
	}
	for (i = 0; i < p->nr_fds; i++)
		if (p->fds[i] >= 0)
			ioctl(p->fds[i], PERF_EVENT_IOC_DISABLE, 0);
	err = err ? : perf_record_poll(r, 0);
	for (cpu = 0; cpu < r->nr_cpus && !err; cpu++)
		err = tracedat_page_flush(&r->cpus[cpu].pages);
	for (i = 0; i < COMM_SLOTS && !err; i++)
		if (p->comms[i].tid && strcmp(p->comms[i].comm, "<...>"))
			err = strbuf_addf(&r->comms, "%d %s\n", p->comms[i].tid, p->comms[i].comm);
	if (err)
		pr_err("cannot write the recording's data: %s", strerror(-err));
	return err;
}

void perf_record_release(struct record *r)
{
	struct perf_rec *p = r->priv;
	size_t i;
	int cpu;

	if (!p)
		return;
	for (cpu = 0; p->rings && cpu < r->nr_cpus; cpu++)
		if (p->rings[cpu].base)
			munmap(p->rings[cpu].base, p->rings[cpu].map_len);
	for (i = 0; p->fds && i < p->nr_fds; i++)
		if (p->fds[i] >= 0)
			close(p->fds[i]);
	free(p->fds);
	free(p->rings);
	free(p->bounce);
	free(p->comms);
	free(p);
	r->priv = NULL;
}
