// SPDX-License-Identifier: GPL-2.0
/* perf_event_open wrappers and BPF attachment.  See perf_event.h. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mech/perf_event.h"
#include "mech/tracefs.h"
#include "util/log.h"

int perf_event_open_raw(struct perf_event_attr *attr, pid_t pid, int cpu, int group_fd)
{
	long fd;

	attr->size = sizeof(*attr);
	fd = syscall(__NR_perf_event_open, attr, pid, cpu, group_fd, PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? -errno : (int)fd;
}

/* Reads a small decimal number from path.  Returns it, or -errno. */
static long read_number(const char *path)
{
	char buf[32];
	ssize_t n;
	char *end;
	long v;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -EINVAL;
	buf[n] = '\0';
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno || end == buf || v < 0 || v > INT_MAX || (*end && *end != '\n'))
		return -EINVAL;
	return v;
}

int perf_pmu_type(const char *pmu)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/type", pmu) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	return (int)read_number(path);
}

int perf_tracepoint_id(const char *category, const char *event)
{
	char rel[512], path[PATH_MAX];
	long id;
	int err;

	if (strchr(category, '/') || strchr(event, '/') || !strcmp(category, "..") ||
	    !strcmp(event, "..")) {
		pr_err("tracepoint '%s:%s': bad name", category, event);
		return -EINVAL;
	}
	if (snprintf(rel, sizeof(rel), "events/%s/%s/id", category, event) >= (int)sizeof(rel)) {
		pr_err("tracepoint '%s:%s': name too long", category, event);
		return -ENAMETOOLONG;
	}
	err = tracefs_path(path, sizeof(path), rel);
	if (err) {
		pr_err("tracepoint '%s:%s': no tracefs", category, event);
		return err;
	}
	id = read_number(path);
	if (id < 0) {
		if (id == -ENOENT)
			pr_err("tracepoint '%s:%s' does not exist", category, event);
		else
			pr_err("cannot read '%s': %s", path, strerror((int)-id));
	}
	return (int)id;
}

int perf_tracepoint_open(const char *category, const char *event, pid_t pid, int cpu)
{
	struct perf_event_attr a;
	int id, fd;

	id = perf_tracepoint_id(category, event);
	if (id < 0)
		return id;
	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_TRACEPOINT;
	a.config = (uint64_t)id;
	a.sample_period = 1;
	a.wakeup_events = 1;
	fd = perf_event_open_raw(&a, pid, cpu, -1);
	if (fd < 0)
		pr_err("cannot open tracepoint '%s:%s': %s", category, event, strerror(-fd));
	return fd;
}

int perf_software_open(uint64_t config, uint64_t period, bool freq, pid_t pid, int cpu)
{
	struct perf_event_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_SOFTWARE;
	a.config = config;
	a.freq = freq;
	a.sample_period = period;	/* the same union member as sample_freq */
	fd = perf_event_open_raw(&a, pid, cpu, -1);
	if (fd < 0)
		pr_err("cannot open software event %llu (pid %d, cpu %d): %s",
		       (unsigned long long)config, (int)pid, cpu, strerror(-fd));
	return fd;
}

int perf_profile_open(unsigned int hz, int *fds, int max)
{
	struct perf_event_attr a;
	int ncpu = libbpf_num_possible_cpus(), cpu, n = 0, fd, i, err;

	if (ncpu <= 0) {
		pr_err("profile: cannot count the CPUs");
		return ncpu ? ncpu : -EINVAL;
	}
	for (i = 0; i < max; i++)
		fds[i] = -1;
	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_CPU_CLOCK;
	a.freq = 1;
	a.sample_freq = hz;
	for (cpu = 0; cpu < ncpu; cpu++) {
		fd = perf_event_open_raw(&a, -1, cpu, -1);
		if (fd == -ENODEV)	/* possible but offline */
			continue;
		if (fd < 0) {
			err = fd;
			pr_err("profile: cannot open cpu-clock at %u Hz on CPU %d: %s", hz, cpu,
			       strerror(-err));
			goto fail;
		}
		if (n == max) {
			close(fd);
			pr_err("profile: more than %d CPUs", max);
			err = -E2BIG;
			goto fail;
		}
		fds[n++] = fd;
	}
	if (!n) {
		pr_err("profile: no online CPU");
		return -ENODEV;
	}
	return n;
fail:
	for (i = 0; i < n; i++) {
		close(fds[i]);
		fds[i] = -1;
	}
	return err;
}

/* *a for a uprobe event at path:offset, every hit a sample: 0, or -EOPNOTSUPP (reported). */
static int uprobe_attr(struct perf_event_attr *a, const char *path, uint64_t offset)
{
	int type = perf_pmu_type("uprobe");

	if (type < 0) {
		pr_err("uprobes are not supported by this kernel (no uprobe PMU)");
		return -EOPNOTSUPP;
	}
	memset(a, 0, sizeof(*a));
	a->type = (uint32_t)type;
	a->size = sizeof(*a);
	a->config1 = (uint64_t)(uintptr_t)path;	/* read by the kernel during the call */
	a->config2 = offset;
	a->sample_period = 1;
	a->wakeup_events = 1;
	return 0;
}

int perf_uprobe_open(const char *path, uint64_t offset, bool retprobe, uint32_t ref_ctr_offset,
		     pid_t pid)
{
	struct perf_event_attr a;
	int fd = uprobe_attr(&a, path, offset);

	if (fd)
		return fd;
	a.config = (retprobe ? 1ull : 0ull) | ((uint64_t)ref_ctr_offset << 32);
	fd = perf_event_open_raw(&a, pid, pid == -1 ? 0 : -1, -1);
	if (fd < 0)
		pr_err("cannot open %s '%s':0x%llx: %s", retprobe ? "uretprobe" : "uprobe", path,
		       (unsigned long long)offset, strerror(-fd));
	return fd;
}

int perf_breakpoint_open(uint64_t addr, uint64_t len, unsigned int bp_type, pid_t pid, int cpu)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_BREAKPOINT;
	a.size = sizeof(a);
	a.bp_type = bp_type;
	a.bp_addr = addr;
	a.bp_len = len;
	a.sample_period = 1;
	a.wakeup_events = 1;
	return perf_event_open_raw(&a, pid, cpu, -1);
}

int perf_uprobe_regs_open(const char *path, uint64_t offset, uint64_t mask, pid_t pid)
{
	struct perf_event_attr a;
	int fd = uprobe_attr(&a, path, offset);

	if (fd)
		return fd;
	a.sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_REGS_USER;
	a.sample_regs_user = mask;
	fd = perf_event_open_raw(&a, pid, pid == -1 ? 0 : -1, -1);
	if (fd < 0)
		pr_err("cannot open uprobe '%s':0x%llx: %s", path, (unsigned long long)offset,
		       strerror(-fd));
	return fd;
}

int perf_sample_ring_map(int fd, size_t data_pages, struct perf_sample_ring *r)
{
	size_t len = (1 + data_pages) * (size_t)sysconf(_SC_PAGESIZE);
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED)
		return -errno;
	r->base = p;
	r->len = len;
	return 0;
}

int perf_sample_ring_drain(struct perf_sample_ring *r, int (*fn)(const void *sample, size_t len, void *ctx),
		    void *ctx)
{
	struct perf_event_mmap_page *meta = r->base;
	size_t ps = (size_t)sysconf(_SC_PAGESIZE), size = r->len - ps, i;
	const uint8_t *data = (const uint8_t *)r->base + ps;
	uint64_t head, tail;
	uint8_t rec[8 + 256];
	int err = 0;

	if (!meta)
		return 0;
	head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
	tail = meta->data_tail;
	while (tail < head && !err) {
		struct perf_event_header h;
		size_t n;

		for (i = 0; i < sizeof(h); i++)
			((uint8_t *)&h)[i] = data[(tail + i) % size];
		if (h.size < sizeof(h))
			break;	/* corrupt: stop here */
		n = h.size < sizeof(rec) ? h.size : sizeof(rec);
		for (i = 0; i < n; i++)
			rec[i] = data[(tail + i) % size];
		if (h.type == PERF_RECORD_SAMPLE)
			err = fn(rec + sizeof(h), n - sizeof(h), ctx);
		tail += h.size;
	}
	__atomic_store_n(&meta->data_tail, tail, __ATOMIC_RELEASE);
	return err;
}

void perf_sample_ring_unmap(struct perf_sample_ring *r)
{
	if (r->base)
		munmap(r->base, r->len);
	memset(r, 0, sizeof(*r));
}

int perf_kprobe_open(const char *func, uint64_t offset, bool retprobe)
{
	struct perf_event_attr a;
	int type, fd;

	type = perf_pmu_type("kprobe");
	if (type < 0) {
		pr_err("kprobes are not supported by this kernel (no kprobe PMU): cannot probe '%s'",
		       func);
		return -EOPNOTSUPP;
	}
	memset(&a, 0, sizeof(a));
	a.type = (uint32_t)type;
	a.config = retprobe ? 1 : 0;	/* format/retprobe: config:0 */
	a.config1 = (uint64_t)(uintptr_t)func;
	a.config2 = offset;
	a.sample_period = 1;
	a.wakeup_events = 1;
	fd = perf_event_open_raw(&a, -1, 0, -1);
	if (fd < 0)
		pr_err("cannot open %s '%s': %s", retprobe ? "kretprobe" : "kprobe", func,
		       strerror(-fd));
	return fd;
}

int perf_attach_bpf_ioctl(int perf_fd, int prog_fd)
{
	int err;

	if (ioctl(perf_fd, PERF_EVENT_IOC_SET_BPF, prog_fd) < 0) {
		err = -errno;
		pr_err("cannot attach BPF program to perf event (PERF_EVENT_IOC_SET_BPF): %s",
		       strerror(-err));
		return err;
	}
	if (ioctl(perf_fd, PERF_EVENT_IOC_ENABLE, 0) < 0) {
		err = -errno;
		pr_err("cannot enable perf event: %s", strerror(-err));
		return err;
	}
	return 0;
}

int perf_attach_bpf(int perf_fd, int prog_fd, uint64_t cookie, int *link_fd)
{
	int fd;
	LIBBPF_OPTS(bpf_link_create_opts, opts, .perf_event.bpf_cookie = cookie);

	*link_fd = -1;
	fd = bpf_link_create(prog_fd, perf_fd, BPF_PERF_EVENT, &opts);
	if (fd >= 0) {
		*link_fd = fd;
		return 0;
	}
	if (fd != -EINVAL && fd != -EOPNOTSUPP && fd != -524 /* ENOTSUPP */) {
		pr_err("cannot attach BPF program to perf event: %s", strerror(-fd));
		return fd;
	}
	/* Kernels before 5.15 have no perf links. */
	if (cookie) {
		pr_err("cannot attach BPF program with a cookie: this kernel has no perf links");
		return -EOPNOTSUPP;
	}
	return perf_attach_bpf_ioctl(perf_fd, prog_fd);
}

int perf_raw_tp_attach(const char *name, int prog_fd)
{
	int fd = bpf_raw_tracepoint_open(name, prog_fd);

	if (fd < 0)
		pr_err("cannot attach raw tracepoint '%s': %s", name ? name : "(btf)",
		       strerror(-fd));
	return fd;
}

int perf_counter_open(struct perf_event_attr *attr, pid_t pid, int cpu)
{
	attr->sample_period = 0;
	attr->read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
	return perf_event_open_raw(attr, pid, cpu, -1);
}

int perf_counter_read(int fd, struct perf_count *c)
{
	uint64_t v[3];
	ssize_t n;

	n = read(fd, v, sizeof(v));
	if (n < 0)
		return -errno;
	if (n != (ssize_t)sizeof(v))
		return -EIO;
	c->value = v[0];
	c->enabled = v[1];
	c->running = v[2];
	return 0;
}
