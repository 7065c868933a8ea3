#!/bin/sh
# Symbolizing user stack frames: 100,000 addresses drawn from the
# executable mappings of a live process (a libc-linked C program), looked
# up through src/sym/usyms.c.  The first pass includes the /proc/PID/maps
# snapshot and the ELF symbol tables (cold); the second is what repeated
# stacks cost (warm).  Goal: 100,000 frames in under a second.
#
#   sh bench/symbolize.sh [FRAMES]
set -eu
cd "$(dirname "$0")/.."
O=${O:-build}
N=${1:-100000}
[ -f "$O/libscry.a" ] || { echo "run 'make' first" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cat > "$TMP/bench.c" <<'C'
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "sym/usyms.h"
#include "util/strbuf.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	size_t n = strtoul(argv[1], NULL, 10), i, nr = 0, known = 0;
	uint64_t lo[256], hi[256], *addrs = malloc(n * sizeof(*addrs));
	struct strbuf maps = STRBUF_INIT;
	struct usyms *u;
	struct usym s;
	char *line, *save = NULL;
	double t0, t1, t2;
	int pass;

	if (!addrs || strbuf_read_file(&maps, "/proc/self/maps", 1 << 20))
		return 1;
	for (line = strtok_r(maps.buf, "\n", &save); line && nr < 256; line = strtok_r(NULL, "\n", &save)) {
		char perms[8];

		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s", &lo[nr], &hi[nr], perms) == 3 &&
		    perms[2] == 'x' && strchr(line, '/'))
			nr++;
	}
	srand(1);
	for (i = 0; i < n; i++) {
		size_t m = (size_t)rand() % nr;

		addrs[i] = lo[m] + (uint64_t)rand() % (hi[m] - lo[m]);
	}
	usyms_new(&u);
	t0 = now();
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i++)
			known += usyms_lookup(u, getpid(), addrs[i], &s) == 0;
		if (!pass)
			t1 = now();
	}
	t2 = now();
	printf("%zu frames in %zu executable mappings, %zu symbolized (%.1f%%)\n", n, nr,
	       known / 2, 50.0 * known / n);
	printf("cold (maps snapshot + ELF symbols + lookups): %.3f s, %.0f frames/s\n", t1 - t0,
	       n / (t1 - t0));
	printf("warm (cached):                                %.3f s, %.0f frames/s\n", t2 - t1,
	       n / (t2 - t1));
	printf("%s: %zu frames in under a second\n", t1 - t0 < 1.0 ? "OK" : "SLOW", n);
	usyms_free(u);
	strbuf_release(&maps);
	free(addrs);
	return 0;
}
C
${CC:-cc} -O2 -D_GNU_SOURCE -Isrc -o "$TMP/bench" "$TMP/bench.c" "$O/libscry.a" \
	$(pkg-config --libs libbpf libelf zlib)
"$TMP/bench" "$N"
