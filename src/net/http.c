// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "net/http.h"
#include "util/log.h"

/* ---- the request parser ---- */

static bool is_tchar(unsigned char c)
{
	/* RFC 9110 token characters */
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* The end of the line at p (before its CRLF or LF) and the start of the next, or NULL. */
static const char *line_end(const char *p, const char *end, const char **next)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	if (!nl)
		return NULL;
	*next = nl + 1;
	return nl > p && nl[-1] == '\r' ? nl - 1 : nl;
}

static bool name_is(const char *p, size_t n, const char *name)
{
	return strlen(name) == n && !strncasecmp(p, name, n);
}

/* The comma-separated tokens of a Connection header: close, keep-alive. */
static void connection_tokens(const char *v, const char *ve, struct http_request *req)
{
	while (v < ve) {
		const char *t, *te;

		while (v < ve && (*v == ' ' || *v == '\t' || *v == ','))
			v++;
		for (t = v; v < ve && *v != ','; v++)
			;
		for (te = v; te > t && (te[-1] == ' ' || te[-1] == '\t'); te--)
			;
		if (name_is(t, (size_t)(te - t), "close"))
			req->close = true;
		else if (name_is(t, (size_t)(te - t), "keep-alive"))
			req->keep_alive = true;
	}
}

static void copy_cut(char *dst, size_t size, const char *p, size_t n)
{
	if (n >= size)
		n = size - 1;
	memcpy(dst, p, n);
	dst[n] = '\0';
}

static int parse_request_line(const char *p, const char *e, struct http_request *req,
			      const char **why)
{
	const char *sp1, *sp2, *q, *t;

	for (sp1 = p; sp1 < e && is_tchar((unsigned char)*sp1); sp1++)
		;
	if (sp1 == p || sp1 >= e || *sp1 != ' ') {
		*why = "malformed request line";
		return -EINVAL;
	}
	if ((size_t)(sp1 - p) >= sizeof(req->method)) {
		*why = "method too long";
		return -EINVAL;
	}
	copy_cut(req->method, sizeof(req->method), p, (size_t)(sp1 - p));
	t = sp1 + 1;
	for (sp2 = t; sp2 < e && *sp2 != ' '; sp2++)
		if ((unsigned char)*sp2 <= 0x20 || (unsigned char)*sp2 >= 0x7f) {
			*why = "bad character in the request target";
			return -EINVAL;
		}
	if (sp2 == t || sp2 >= e) {
		*why = "malformed request line";
		return -EINVAL;
	}
	if (*t != '/') {
		*why = "the request target is not a path";
		return -EINVAL;
	}
	q = memchr(t, '?', (size_t)(sp2 - t));
	if (!q)
		q = sp2;
	if ((size_t)(q - t) >= sizeof(req->path)) {
		*why = "path too long";
		return -EINVAL;
	}
	copy_cut(req->path, sizeof(req->path), t, (size_t)(q - t));
	sp2++;
	if (e - sp2 != 8 || memcmp(sp2, "HTTP/1.", 7) || (sp2[7] != '0' && sp2[7] != '1')) {
		*why = "not HTTP/1.0 or HTTP/1.1";
		return -EINVAL;
	}
	req->minor = sp2[7] - '0';
	return 0;
}

int http_parse_request(const char *buf, size_t len, struct http_request *req, const char **why)
{
	const char *end = buf + (len > HTTP_MAX_HEAD ? HTTP_MAX_HEAD : len), *p = buf, *e, *next;
	unsigned int nr_headers = 0;
	int err;

	*why = "";
	memset(req, 0, sizeof(*req));
	/* Leading empty lines are allowed before a request (RFC 9112 2.2). */
	while (p < end && (*p == '\r' || *p == '\n') && p - buf < 8)
		p++;
	e = line_end(p, end, &next);
	if (!e)
		goto incomplete;
	err = parse_request_line(p, e, req, why);
	if (err)
		return err;
	for (p = next;; p = next) {
		const char *colon, *v, *ve;

		e = line_end(p, end, &next);
		if (!e)
			goto incomplete;
		if (e == p)
			break;	/* the empty line: the head is complete */
		if (++nr_headers > HTTP_MAX_HEADERS) {
			*why = "too many headers";
			return -E2BIG;
		}
		for (colon = p; colon < e && is_tchar((unsigned char)*colon); colon++)
			;
		if (colon == p || colon >= e || *colon != ':') {
			*why = "malformed header";
			return -EINVAL;
		}
		for (v = colon + 1; v < e && (*v == ' ' || *v == '\t'); v++)
			;
		for (ve = e; ve > v && (ve[-1] == ' ' || ve[-1] == '\t'); ve--)
			;
		for (const char *c = v; c < ve; c++)
			if (((unsigned char)*c < 0x20 && *c != '\t') || *c == 0x7f) {
				*why = "control character in a header";
				return -EINVAL;
			}
		if (name_is(p, (size_t)(colon - p), "accept")) {
			copy_cut(req->accept, sizeof(req->accept), v, (size_t)(ve - v));
		} else if (name_is(p, (size_t)(colon - p), "connection")) {
			connection_tokens(v, ve, req);
		} else if (name_is(p, (size_t)(colon - p), "transfer-encoding")) {
			*why = "request bodies are not accepted";
			return -EINVAL;
		} else if (name_is(p, (size_t)(colon - p), "content-length")) {
			const char *c;

			for (c = v; c < ve && *c == '0'; c++)
				;
			if (v == ve || c != ve) {
				*why = "request bodies are not accepted";
				return -EINVAL;
			}
		}
	}
	req->head_len = (size_t)(next - buf);
	return (int)req->head_len;
incomplete:
	if (len >= HTTP_MAX_HEAD) {
		*why = "request head too large";
		return -E2BIG;
	}
	return 0;
}

/* ---- addresses ---- */

int http_parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len, bool *loopback)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(s, ':'), *h = s;
	size_t hl;
	char *end;
	long port;

	memset(ss, 0, sizeof(*ss));
	if (!colon || !colon[1])
		return -EINVAL;
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (errno || *end || port < 0 || port > 65535)
		return -EINVAL;
	hl = (size_t)(colon - s);
	if (hl >= 2 && s[0] == '[' && s[hl - 1] == ']') {
		h++;
		hl -= 2;
	}
	if (!hl || hl >= sizeof(host))
		return -EINVAL;
	memcpy(host, h, hl);
	host[hl] = '\0';
	if (h == s) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		if (inet_pton(AF_INET, host, &in->sin_addr) != 1)
			return -EINVAL;
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		*len = sizeof(*in);
		*loopback = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		if (inet_pton(AF_INET6, host, &in6->sin6_addr) != 1)
			return -EINVAL;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*in6);
		*loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
	}
	return 0;
}

/* ---- the server ---- */

enum conn_state { CONN_FREE, CONN_READ, CONN_WRITE, CONN_DRAIN };

/* Requests one connection may make before it is closed (a bound, as nginx's keepalive_requests). */
#define HTTP_MAX_REQUESTS 1000

struct conn {
	int fd;
	enum conn_state state;
	char in[HTTP_MAX_HEAD];
	size_t in_len;
	size_t head_len;	/* of the request being answered: its bytes leave c->in once sent */
	bool keep;		/* the connection stays open after this answer */
	unsigned int nr_requests;
	struct strbuf out;
	size_t out_pos;
	uint64_t deadline_ms;
	char peer[INET6_ADDRSTRLEN + 8];
};

struct http_server {
	int epfd, lfd, tfd;
	int port;
	unsigned int timeout_ms;
	http_handler_fn fn;
	void *ctx;
	struct conn *conns;
	unsigned int max_conns;
	struct http_stats st;
};

#define TAG_LISTEN ((uint64_t)-1)
#define TAG_TIMER ((uint64_t)-2)

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static const char *status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}

static void conn_close(struct http_server *srv, struct conn *c)
{
	if (c->state == CONN_FREE)
		return;
	epoll_ctl(srv->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	strbuf_release(&c->out);
	c->state = CONN_FREE;
	c->fd = -1;
	srv->st.open--;
}

/* The whole response (head and body, no body for HEAD) into c->out. */
static int build_response(struct conn *c, const struct http_response *r, bool head_only)
{
	const char *ct = r->content_type ? r->content_type : "text/plain; charset=utf-8";
	int err;

	err = strbuf_addf(&c->out,
			  "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
			  "Connection: %s\r\n\r\n",
			  r->status, status_text(r->status), ct, r->body.len,
			  c->keep ? "keep-alive" : "close");
	if (!err && !head_only)
		err = strbuf_add(&c->out, strbuf_str(&r->body), r->body.len);
	return err;
}

static void conn_process(struct http_server *srv, struct conn *c);

static void conn_write(struct http_server *srv, struct conn *c)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = (uint64_t)(c - srv->conns) };

	while (c->out_pos < c->out.len) {
		ssize_t n = send(c->fd, c->out.buf + c->out_pos, c->out.len - c->out_pos,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				ev.events = EPOLLOUT;
				epoll_ctl(srv->epfd, EPOLL_CTL_MOD, c->fd, &ev);
				return;
			}
			conn_close(srv, c);
			return;
		}
		c->out_pos += (size_t)n;
	}
	strbuf_release(&c->out);
	if (c->keep) {
		/* The next request: what came after this one's head is its start. */
		c->in_len -= c->head_len;
		memmove(c->in, c->in + c->head_len, c->in_len);
		c->head_len = 0;
		c->state = CONN_READ;
		c->deadline_ms = now_ms() + srv->timeout_ms;
		epoll_ctl(srv->epfd, EPOLL_CTL_MOD, c->fd, &ev);
		if (c->in_len)
			conn_process(srv, c);
		return;
	}
	/* All sent: half-close and wait for the peer's close, so that no RST eats the answer. */
	shutdown(c->fd, SHUT_WR);
	c->state = CONN_DRAIN;
	epoll_ctl(srv->epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

static void answer(struct http_server *srv, struct conn *c, struct http_response *r, bool head_only)
{
	srv->st.requests++;
	if (build_response(c, r, head_only)) {
		conn_close(srv, c);
		return;
	}
	c->state = CONN_WRITE;
	c->out_pos = 0;
	conn_write(srv, c);
}

static void answer_error(struct http_server *srv, struct conn *c, int status, const char *why)
{
	struct http_response r = { .status = status };

	c->keep = false;	/* after a bad request, where the next one starts is unknown */
	strbuf_addf(&r.body, "%s\n", why);
	answer(srv, c, &r, false);
	strbuf_release(&r.body);
}

static void conn_read(struct http_server *srv, struct conn *c)
{
	ssize_t n;

	if (c->state == CONN_DRAIN) {
		char sink[512];

		do
			n = recv(c->fd, sink, sizeof(sink), MSG_DONTWAIT);
		while (n > 0);
		if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
			conn_close(srv, c);
		return;
	}
	if (c->state != CONN_READ)
		return;
	if (c->in_len == sizeof(c->in)) {
		conn_process(srv, c);	/* full: the head is too large */
		return;
	}
	n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n <= 0) {
		conn_close(srv, c);	/* gone before asking anything complete, or done */
		return;
	}
	c->in_len += (size_t)n;
	conn_process(srv, c);
}

/* Answers the request at the start of c->in once its head is complete. */
static void conn_process(struct http_server *srv, struct conn *c)
{
	struct http_request req;
	const char *why;
	int ret;

	ret = http_parse_request(c->in, c->in_len, &req, &why);
	if (ret == 0)
		return;
	c->head_len = ret > 0 ? (size_t)ret : 0;
	c->nr_requests++;
	/* HTTP/1.1 keeps the connection unless told not to; HTTP/1.0 only when asked */
	c->keep = ret > 0 && !req.close && (req.minor >= 1 || req.keep_alive) &&
		  c->nr_requests < HTTP_MAX_REQUESTS;
	if (ret < 0) {
		srv->st.bad++;
		pr_warn("http: bad request from %s: %s", c->peer, why);
		answer_error(srv, c, ret == -E2BIG ? 431 : 400, why);
		return;
	}
	if (strcmp(req.method, "GET") && strcmp(req.method, "HEAD")) {
		srv->st.bad++;
		pr_warn("http: %s from %s: only GET and HEAD are served", req.method, c->peer);
		answer_error(srv, c, 405, "only GET and HEAD are served");
		return;
	}
	{
		struct http_response r = { .status = 200 };

		srv->fn(&req, &r, srv->ctx);
		answer(srv, c, &r, !strcmp(req.method, "HEAD"));
		strbuf_release(&r.body);
	}
}

static void peer_name(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;

		inet_ntop(AF_INET, &in->sin_addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, ntohs(in->sin_port));
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;

		inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, ntohs(in6->sin6_port));
	} else {
		snprintf(buf, len, "?");
	}
}

static void accept_all(struct http_server *srv)
{
	static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
				   "Content-Length: 21\r\nConnection: close\r\n\r\ntoo many connections\n";
	unsigned int round, i;

	/* Bounded: at most max_conns + 16 accepts per wake-up. */
	for (round = 0; round < srv->max_conns + 16; round++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		struct epoll_event ev = { .events = EPOLLIN };
		struct conn *c = NULL;
		int fd = accept4(srv->lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0)
			return;	/* EAGAIN, or an error of that one connection */
		for (i = 0; i < srv->max_conns; i++)
			if (srv->conns[i].state == CONN_FREE) {
				c = &srv->conns[i];
				break;
			}
		if (!c) {
			srv->st.rejected++;
			if (send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
				(void)0;	/* best effort: it is turned away either way */
			close(fd);
			continue;
		}
		c->fd = fd;
		c->in_len = 0;
		c->head_len = 0;
		c->keep = false;
		c->nr_requests = 0;
		c->out_pos = 0;
		c->deadline_ms = now_ms() + srv->timeout_ms;
		peer_name(&ss, c->peer, sizeof(c->peer));
		ev.data.u64 = i;
		if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, fd, &ev)) {
			close(fd);
			c->fd = -1;
			continue;
		}
		c->state = CONN_READ;
		srv->st.open++;
	}
}

static void reap(struct http_server *srv)
{
	uint64_t now = now_ms(), ticks;
	unsigned int i;

	if (read(srv->tfd, &ticks, sizeof(ticks)) < 0)
		(void)0;	/* EAGAIN: woken by something else */
	for (i = 0; i < srv->max_conns; i++) {
		struct conn *c = &srv->conns[i];

		if (c->state == CONN_FREE || c->deadline_ms > now)
			continue;
		/* idle between two requests of a kept connection: closed without a word */
		if (c->state == CONN_READ && (c->in_len || !c->nr_requests)) {
			srv->st.timeouts++;
			pr_info("http: %s: no complete request in %u ms, closed", c->peer,
				srv->timeout_ms);
		}
		conn_close(srv, c);
	}
}

int http_server_dispatch(struct http_server *srv)
{
	struct epoll_event evs[32];
	int n, i, rounds;

	/* Bounded: a few rounds, then back to the caller's loop (which calls again). */
	for (rounds = 0; rounds < 4; rounds++) {
		n = epoll_wait(srv->epfd, evs, 32, 0);
		if (n < 0)
			return errno == EINTR ? 0 : -errno;
		if (!n)
			return 0;
		for (i = 0; i < n; i++) {
			uint64_t tag = evs[i].data.u64;
			struct conn *c;

			if (tag == TAG_LISTEN) {
				accept_all(srv);
				continue;
			}
			if (tag == TAG_TIMER) {
				reap(srv);
				continue;
			}
			if (tag >= srv->max_conns)
				continue;
			c = &srv->conns[tag];
			if (c->state == CONN_WRITE && (evs[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
				conn_write(srv, c);
			else if (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
				conn_read(srv, c);
		}
	}
	return 0;
}

int http_server_new(const struct sockaddr_storage *ss, socklen_t len,
		    const struct http_server_opts *o, http_handler_fn fn, void *ctx,
		    struct http_server **out)
{
	struct itimerspec its = { .it_interval = { 1, 0 }, .it_value = { 1, 0 } };
	struct epoll_event ev = { .events = EPOLLIN };
	struct http_server *srv = calloc(1, sizeof(*srv));
	struct sockaddr_storage bound;
	socklen_t blen = sizeof(bound);
	char name[INET6_ADDRSTRLEN + 8];
	unsigned int i;
	int one = 1, err;

	if (!srv)
		return -ENOMEM;
	srv->epfd = srv->lfd = srv->tfd = -1;
	srv->fn = fn;
	srv->ctx = ctx;
	srv->max_conns = o && o->max_conns ? o->max_conns : 64;
	srv->timeout_ms = o && o->timeout_ms ? o->timeout_ms : 10000;
	srv->conns = calloc(srv->max_conns, sizeof(*srv->conns));
	if (!srv->conns) {
		err = -ENOMEM;
		goto fail;
	}
	for (i = 0; i < srv->max_conns; i++)
		srv->conns[i].fd = -1;
	peer_name(ss, name, sizeof(name));
	srv->epfd = epoll_create1(EPOLL_CLOEXEC);
	srv->lfd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	srv->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (srv->epfd < 0 || srv->lfd < 0 || srv->tfd < 0)
		goto sys_fail;
	setsockopt(srv->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(srv->lfd, (const struct sockaddr *)ss, len) || listen(srv->lfd, 128)) {
		err = -errno;
		pr_err("cannot listen on %s: %s", name, strerror(errno));
		goto fail;
	}
	if (getsockname(srv->lfd, (struct sockaddr *)&bound, &blen) == 0)
		srv->port = bound.ss_family == AF_INET ?
				    ntohs(((struct sockaddr_in *)&bound)->sin_port) :
				    ntohs(((struct sockaddr_in6 *)&bound)->sin6_port);
	ev.data.u64 = TAG_LISTEN;
	if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, srv->lfd, &ev))
		goto sys_fail;
	ev.data.u64 = TAG_TIMER;
	if (timerfd_settime(srv->tfd, 0, &its, NULL) || epoll_ctl(srv->epfd, EPOLL_CTL_ADD, srv->tfd, &ev))
		goto sys_fail;
	*out = srv;
	return 0;
sys_fail:
	err = -errno;
	pr_err("http server on %s: %s", name, strerror(errno));
fail:
	http_server_free(srv);
	return err;
}

int http_server_fd(const struct http_server *srv)
{
	return srv->epfd;
}

int http_server_port(const struct http_server *srv)
{
	return srv->port;
}

void http_server_stats(const struct http_server *srv, struct http_stats *st)
{
	*st = srv->st;
}

void http_server_free(struct http_server *srv)
{
	unsigned int i;

	if (!srv)
		return;
	for (i = 0; srv->conns && i < srv->max_conns; i++)
		conn_close(srv, &srv->conns[i]);
	if (srv->lfd >= 0)
		close(srv->lfd);
	if (srv->tfd >= 0)
		close(srv->tfd);
	if (srv->epfd >= 0)
		close(srv->epfd);
	free(srv->conns);
	free(srv);
}
