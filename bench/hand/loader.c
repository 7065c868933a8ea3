// SPDX-License-Identifier: GPL-2.0
/*
 * The loader of bench/hand/'s programs:
 *
 *	loader OBJ.bpf.o
 *
 * opens and loads the object with libbpf, attaches every program where its
 * section says, consumes any ring buffer (so that reserving never fails
 * for lack of room, as with a tool that prints), prints "ready", and runs
 * until SIGINT or SIGTERM.  bench/run.py finds its programs in this
 * process's fdinfo, as it finds the tools'.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int on_event(void *ctx, void *data, size_t size)
{
	(void)ctx;
	(void)data;
	(void)size;
	return 0;
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *p;
	struct bpf_map *m;
	struct ring_buffer *rb = NULL;
	int err;

	if (argc != 2) {
		fprintf(stderr, "usage: loader OBJ.bpf.o\n");
		return 2;
	}
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "loader: cannot open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "loader: cannot load %s: %s\n", argv[1], strerror(-err));
		return 1;
	}
	bpf_object__for_each_program(p, obj) {
		if (!bpf_program__attach(p)) {
			fprintf(stderr, "loader: cannot attach %s: %s\n", bpf_program__name(p),
				strerror(errno));
			return 1;
		}
	}
	bpf_object__for_each_map(m, obj) {
		if (bpf_map__type(m) != BPF_MAP_TYPE_RINGBUF)
			continue;
		if (!rb)
			rb = ring_buffer__new(bpf_map__fd(m), on_event, NULL, NULL);
		else
			ring_buffer__add(rb, bpf_map__fd(m), on_event, NULL);
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("ready\n");
	fflush(stdout);
	while (!stop) {
		if (rb)
			ring_buffer__poll(rb, 100);
		else
			pause();
	}
	ring_buffer__free(rb);
	bpf_object__close(obj);	/* links, programs and maps go with it */
	return 0;
}
