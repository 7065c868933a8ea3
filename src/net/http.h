/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small HTTP/1.x server for scry serve: GET and HEAD only, no request
 * bodies, persistent connections (HTTP/1.1's default, HTTP/1.0's with
 * "Connection: keep-alive"; requests answered in order, pipelined ones
 * too), bounded in every dimension (request head size, header count,
 * connections, requests per connection, time).
 *
 * Why a layer of its own (src/net/): it is neither a tracing mechanism
 * (src/mech/) nor output formatting (src/out/), and it is library code the
 * fuzzer links (fuzz/http.c), which src/cli/ is not.
 *
 * The server is single-threaded and owns an epoll fd that the caller puts
 * into its own event loop (an epoll fd is itself pollable) and calls
 * http_server_dispatch() when it is readable: the tracing session and the
 * HTTP server then share one thread, with no locks around map reads.
 */
#ifndef SCRY_NET_HTTP_H
#define SCRY_NET_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "util/strbuf.h"

#define HTTP_MAX_HEAD 8192	/* request line and headers */
#define HTTP_MAX_HEADERS 64

struct http_request {
	char method[16];
	char path[256];		/* the target without its query */
	char accept[256];	/* the Accept header (cut to fit), "" when absent */
	int minor;		/* HTTP/1.minor */
	bool close;		/* "Connection: close" */
	bool keep_alive;	/* "Connection: keep-alive" */
	size_t head_len;	/* bytes of the head, its empty line included */
};

/*
 * Parses the head of a request in buf (len bytes, not NUL-terminated).
 * Returns the head's length (> 0) and *req when it is complete and well
 * formed, 0 when more bytes are needed, -EINVAL when it is malformed (or
 * announces a body), -E2BIG when the head is longer than HTTP_MAX_HEAD or
 * has too many headers; *why then says what was wrong (a static string).
 * Pure: fuzzed by fuzz/http.c.
 */
int http_parse_request(const char *buf, size_t len, struct http_request *req, const char **why);

/* What a handler answers.  body is the server's, released after the response is sent. */
struct http_response {
	int status;			/* 200 unless set */
	const char *content_type;	/* a static string; "text/plain; charset=utf-8" unless set */
	struct strbuf body;
};

typedef void (*http_handler_fn)(const struct http_request *req, struct http_response *resp,
				void *ctx);

struct http_server_opts {
	unsigned int max_conns;		/* open connections; beyond it: 503 (0: 64) */
	unsigned int timeout_ms;	/* for each request, and idle between two (0: 10 s) */
};

struct http_stats {
	uint64_t requests;	/* answered, any status */
	uint64_t bad;		/* answered 4xx for a malformed request */
	uint64_t rejected;	/* turned away at max_conns */
	uint64_t timeouts;	/* closed at timeout_ms */
	unsigned int open;	/* connections now */
};

struct http_server;

/*
 * Parses "ADDR:PORT" ("127.0.0.1:9435", "[::1]:9435", "0.0.0.0:80") into
 * *ss.  Returns 0 or -EINVAL.  *loopback tells whether ADDR is a loopback
 * address.
 */
int http_parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len, bool *loopback);

/*
 * Listens on ss (SO_REUSEADDR).  Returns 0 and *out (free with
 * http_server_free()), or -errno after reporting.
 */
int http_server_new(const struct sockaddr_storage *ss, socklen_t len,
		    const struct http_server_opts *o, http_handler_fn fn, void *ctx,
		    struct http_server **out);

/* The epoll fd to watch for reading (owned by the server). */
int http_server_fd(const struct http_server *srv);

/* The port it listens on (after binding port 0, the one chosen). */
int http_server_port(const struct http_server *srv);

/* Accepts, reads, answers and closes what is ready, without blocking.  Returns 0 or -errno. */
int http_server_dispatch(struct http_server *srv);

void http_server_stats(const struct http_server *srv, struct http_stats *st);

/* Closes every connection and the socket.  Accepts NULL. */
void http_server_free(struct http_server *srv);

#endif
