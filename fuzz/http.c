// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: what scry serve reads from the network and writes back.  The
 * first byte chooses: bit 0 clear, the rest is an HTTP request head
 * (http_parse_request; a complete head must lie within the input, and its
 * path must start with '/'); bit 0 set, the rest is a --listen address and a
 * Prometheus label value, whose escaped form must be one line of valid UTF-8.
 */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/http.h"
#include "out/prometheus.h"
#include "util/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void quiet(enum log_level level, const char *msg)
{
	(void)level;
	(void)msg;
}

static void check_request(const char *buf, size_t len)
{
	struct http_request req;
	const char *why = NULL;
	int r = http_parse_request(buf, len, &req, &why);

	assert(why);
	if (r > 0) {
		assert((size_t)r == req.head_len && req.head_len <= len);
		assert(req.path[0] == '/');
		assert(req.minor == 0 || req.minor == 1);
		assert(strlen(req.method) < sizeof(req.method));
	} else {
		assert(r == 0 || r == -EINVAL || r == -E2BIG);
		assert(r != 0 || len < HTTP_MAX_HEAD);
	}
}

static void check_label(const char *buf, size_t len)
{
	struct strbuf sb = STRBUF_INIT;
	struct prom_label l = { "key0", buf, len };
	struct sockaddr_storage ss;
	socklen_t sl;
	bool lo;
	char *s = malloc(len + 1);
	size_t i;

	if (!s)
		return;
	memcpy(s, buf, len);
	s[len] = '\0';
	http_parse_listen(s, &ss, &sl, &lo);
	free(s);
	if (prom_sample(&sb, "m", "", &l, 1, (struct prom_value){ .i = 1 }))
		return;
	/* one line: the only newline is the last byte */
	assert(sb.len && sb.buf[sb.len - 1] == '\n');
	assert(!memchr(sb.buf, '\n', sb.len - 1));
	for (i = 0; i < sb.len; i++)
		assert(sb.buf[i] != '\0');
	strbuf_release(&sb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf;

	if (!size)
		return 0;
	log_set_handler(quiet);
	/* Exactly the bytes given, so that reading one past them is caught. */
	buf = malloc(size - 1 ? size - 1 : 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	if (data[0] & 1)
		check_label(buf, size - 1);
	else
		check_request(buf, size - 1);
	free(buf);
	return 0;
}
