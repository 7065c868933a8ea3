// SPDX-License-Identifier: GPL-2.0
/*
 * The Prometheus exposition writer and the HTTP request parser of scry
 * serve, without a kernel: escaping, bucket bounds, naming per format,
 * --max-keys, and what a request head may and may not be.
 */
#include <errno.h>
#include <stdlib.h>

#include "net/http.h"
#include "out/prometheus.h"
#include "test.h"

#define U(x) { .kind = PV_UINT, .u = (x) }
#define S(x) { .kind = PV_STR, .str = (x), .len = sizeof(x) }

static char *written(struct pmap *m, enum prom_format f, const struct prom_map_desc *d,
		     size_t *dropped, int *err)
{
	struct strbuf sb = STRBUF_INIT;

	*err = prom_write_map(&sb, f, d, m, dropped);
	return strbuf_detach(&sb);
}

TEST(counter_with_keys_text_and_openmetrics)
{
	struct pvalue k1[] = { S("bash"), U(42) }, k2[] = { S("a\"b\\c\nd"), U(7) };
	struct pmap_entry e[] = {
		{ .keys = k1, .nr_keys = 2, .value = U(5) },
		{ .keys = k2, .nr_keys = 2, .value = U(9) },
	};
	struct pmap m = { .name = "@", .kind = PM_VALUE, .has_keys = true, .entries = e, .nr_entries = 2 };
	struct prom_map_desc d = { .name = "scry_x", .type = PROM_COUNTER, .help = "h\\elp" };
	size_t dropped;
	int err;
	char *out = written(&m, PROM_TEXT, &d, &dropped, &err);

	CHECK(err == 0 && dropped == 0);
	CHECK_STR(out, "# HELP scry_x_total h\\\\elp\n# TYPE scry_x_total counter\n"
		       "scry_x_total{key0=\"bash\",key1=\"42\"} 5\n"
		       "scry_x_total{key0=\"a\\\"b\\\\c\\nd\",key1=\"7\"} 9\n");
	free(out);
	out = written(&m, PROM_OPENMETRICS, &d, &dropped, &err);
	CHECK_STR(out, "# HELP scry_x h\\\\elp\n# TYPE scry_x counter\n"
		       "scry_x_total{key0=\"bash\",key1=\"42\"} 5\n"
		       "scry_x_total{key0=\"a\\\"b\\\\c\\nd\",key1=\"7\"} 9\n");
	free(out);
}

TEST(label_names_and_bad_utf8)
{
	struct pvalue k[] = { { .kind = PV_STR, .str = "x\xff\xc0\x80y\xc3\xa9", .len = 7 } };
	struct pmap_entry e = { .keys = k, .nr_keys = 1, .value = U(1) };
	struct pmap m = { .name = "@g", .kind = PM_VALUE, .has_keys = true, .entries = &e, .nr_entries = 1 };
	static const char *const names[] = { "comm" };
	struct prom_map_desc d = { .name = "g", .type = PROM_GAUGE, .help = "x", .labels = names, .nr_labels = 1 };
	size_t dropped;
	int err;
	char *out = written(&m, PROM_TEXT, &d, &dropped, &err);

	/* 0xff, and the overlong 0xc0 0x80 byte by byte, become U+FFFD; é stays */
	CHECK_STR(out, "# HELP g x\n# TYPE g gauge\n"
		       "g{comm=\"x\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdy\xc3\xa9\"} 1\n");
	free(out);
}

TEST(hist_buckets_cumulative)
{
	uint64_t b[HIST_BUCKETS] = { 0 };
	struct pmap_entry e = { .buckets = b };
	struct pmap m = { .name = "@h", .kind = PM_HIST, .entries = &e, .nr_entries = 1 };
	struct prom_map_desc d = { .name = "h", .help = "x" };
	size_t dropped;
	int err;
	char *out;

	b[hist_index(0)]++;
	b[hist_index(5)] += 2;		/* [4, 8): le 7 */
	b[hist_index(100)]++;		/* [64, 128): le 127 */
	out = written(&m, PROM_TEXT, &d, &dropped, &err);
	CHECK(err == 0);
	CHECK_STR(out, "# HELP h x\n# TYPE h histogram\n"
		       "h_bucket{le=\"0\"} 1\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"3\"} 1\n"
		       "h_bucket{le=\"7\"} 3\nh_bucket{le=\"15\"} 3\nh_bucket{le=\"31\"} 3\n"
		       "h_bucket{le=\"63\"} 3\nh_bucket{le=\"127\"} 4\nh_bucket{le=\"+Inf\"} 4\n"
		       "h_count 4\n");
	free(out);
	/* a served program's hist() keeps the values' sum: _sum before _count */
	m.has_sum = true;
	e.total = 110;
	out = written(&m, PROM_TEXT, &d, &dropped, &err);
	CHECK(err == 0);
	CHECK(strstr(out, "h_bucket{le=\"+Inf\"} 4\nh_sum 110\nh_count 4\n") != NULL);
	free(out);
}

TEST(lhist_and_stats)
{
	uint64_t b[12] = { 0 };
	struct pmap_entry e = { .buckets = b };
	struct pmap m = { .name = "@l", .kind = PM_LHIST, .lmin = 0, .lmax = 100, .lstep = 10,
			  .entries = &e, .nr_entries = 1 };
	struct pmap_entry se = { .count = 4, .total = 10 };
	struct pmap sm = { .name = "@s", .kind = PM_STATS, .entries = &se, .nr_entries = 1 };
	struct prom_map_desc d = { .name = "l", .help = "x" };
	size_t dropped;
	int err;
	char *out;

	b[lhist_index(-3, 0, 100, 10)]++;	/* below min: le -1 */
	b[lhist_index(15, 0, 100, 10)]++;	/* [10, 20): le 19 */
	b[lhist_index(500, 0, 100, 10)]++;	/* at or above max: +Inf only */
	out = written(&m, PROM_TEXT, &d, &dropped, &err);
	CHECK(err == 0);
	CHECK(strstr(out, "l_bucket{le=\"-1\"} 1\nl_bucket{le=\"9\"} 1\nl_bucket{le=\"19\"} 2\n") != NULL);
	CHECK(strstr(out, "l_bucket{le=\"99\"} 2\nl_bucket{le=\"+Inf\"} 3\nl_count 3\n") != NULL);
	free(out);
	d.name = "s";
	out = written(&sm, PROM_TEXT, &d, &dropped, &err);
	CHECK_STR(out, "# HELP s x\n# TYPE s summary\ns_sum 10\ns_count 4\n");
	free(out);
	d.type = PROM_HISTOGRAM;
	out = written(&sm, PROM_TEXT, &d, &dropped, &err);
	CHECK(err == -EINVAL);
	free(out);
}

TEST(max_keys_keeps_the_largest)
{
	struct pvalue k[3] = { U(1), U(2), U(3) };
	struct pmap_entry e[3] = {
		{ .keys = &k[0], .nr_keys = 1, .value = U(30) },
		{ .keys = &k[1], .nr_keys = 1, .value = U(10) },
		{ .keys = &k[2], .nr_keys = 1, .value = U(20) },
	};
	struct pmap m = { .name = "@c", .kind = PM_VALUE, .has_keys = true, .entries = e, .nr_entries = 3 };
	struct prom_map_desc d = { .name = "c", .type = PROM_GAUGE, .help = "x", .max_keys = 2 };
	size_t dropped;
	int err;
	char *out = written(&m, PROM_TEXT, &d, &dropped, &err);

	CHECK(err == 0 && dropped == 1);
	CHECK_STR(out, "# HELP c x\n# TYPE c gauge\nc{key0=\"3\"} 20\nc{key0=\"1\"} 30\n");
	free(out);
}

TEST(negotiation_and_names)
{
	CHECK(prom_negotiate("application/openmetrics-text; version=1.0.0,text/plain;q=0.5") ==
	      PROM_OPENMETRICS);
	CHECK(prom_negotiate("text/plain") == PROM_TEXT);
	CHECK(prom_negotiate("") == PROM_TEXT);
	CHECK(prom_metric_name_ok("a:b_c9") && !prom_metric_name_ok("9a") && !prom_metric_name_ok("a-b"));
	CHECK(prom_label_name_ok("comm") && !prom_label_name_ok("__x") && !prom_label_name_ok("a:b"));
}

static int parse(const char *s, struct http_request *r)
{
	const char *why;

	return http_parse_request(s, strlen(s), r, &why);
}

TEST(http_requests)
{
	static const char ok[] = "GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\nAccept:  text/plain \r\n\r\n";
	struct http_request r;
	char big[HTTP_MAX_HEAD + 16];

	CHECK(parse(ok, &r) == (int)strlen(ok));
	CHECK_STR(r.method, "GET");
	CHECK_STR(r.path, "/metrics");
	CHECK_STR(r.accept, "text/plain");
	CHECK(r.minor == 1);
	CHECK(parse("GET / HTTP/1.0\n\n", &r) > 0 && r.minor == 0);
	CHECK(!r.close && !r.keep_alive);
	CHECK(parse("GET / HTTP/1.1\r\nConnection: Keep-Alive ,\tclose\r\n\r\n", &r) > 0);
	CHECK(r.close && r.keep_alive);
	CHECK(parse("GET / HTTP/1.1\r\nConnection: upgrade, closed\r\n\r\n", &r) > 0);
	CHECK(!r.close && !r.keep_alive);
	CHECK(parse("GET /metrics HTTP/1.1\r\nHost: a\r\n", &r) == 0);	/* not complete yet */
	CHECK(parse("GARBAGE\r\n\r\n", &r) == -EINVAL);
	CHECK(parse("GET metrics HTTP/1.1\r\n\r\n", &r) == -EINVAL);
	CHECK(parse("GET / HTTP/2.0\r\n\r\n", &r) == -EINVAL);
	CHECK(parse("GET / HTTP/1.1\r\nno colon\r\n\r\n", &r) == -EINVAL);
	CHECK(parse("GET / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", &r) == -EINVAL);
	CHECK(parse("GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n", &r) > 0);
	CHECK(parse("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", &r) == -EINVAL);
	CHECK(parse("GET / HTTP/1.1\r\nX: a\x01b\r\n\r\n", &r) == -EINVAL);
	memset(big, 'a', sizeof(big));
	memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
	CHECK(http_parse_request(big, sizeof(big), &r, &(const char *){ NULL }) == -E2BIG);
}

TEST(listen_addresses)
{
	struct sockaddr_storage ss;
	socklen_t len;
	bool lo;

	CHECK(http_parse_listen("127.0.0.1:9435", &ss, &len, &lo) == 0 && lo);
	CHECK(http_parse_listen("[::1]:0", &ss, &len, &lo) == 0 && lo);
	CHECK(http_parse_listen("0.0.0.0:80", &ss, &len, &lo) == 0 && !lo);
	CHECK(http_parse_listen("localhost:80", &ss, &len, &lo) == -EINVAL);
	CHECK(http_parse_listen("127.0.0.1:99999", &ss, &len, &lo) == -EINVAL);
	CHECK(http_parse_listen("127.0.0.1", &ss, &len, &lo) == -EINVAL);
}

int main(void)
{
	RUN(counter_with_keys_text_and_openmetrics);
	RUN(label_names_and_bad_utf8);
	RUN(hist_buckets_cumulative);
	RUN(lhist_and_stats);
	RUN(max_keys_keeps_the_largest);
	RUN(negotiation_and_names);
	RUN(http_requests);
	RUN(listen_addresses);
	return test_status();
}
