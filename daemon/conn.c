#include "config.h"

#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <search.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/http.h>
#include <jansson.h>

#include "daemon/conn.h"
#include "daemon/head.h"
#include "log.h"
#include "wire.h"
#include "xmalloc.h"

/* Where a connection is. */
enum conn_state {
	CONN_HEAD,	/* a request head arrives, screened; the clock runs */
	CONN_BODY,	/* the head passed; evhttp reads the body; the clock
			 * runs */
	CONN_BUSY,	/* the request is the daemon's until its reply is out */
	CONN_IDLE,	/* kept alive between requests (idle_timeout) */
	CONN_REFUSED	/* answered by conn.c; closes at its next event */
};

/*
 * One connection. evhttp makes its evhttp_connection around the
 * bufferevent conn_new makes, right after conn_new returns: until
 * conn_attach finds it there (at the connection's first byte, or in the
 * same turn of the loop), conn.c holds a reference on the bufferevent, so
 * that a connection evhttp has already let go is still safe to look at.
 * Once attached, the connection's close callback frees it.
 */
struct conn {
	struct conn_guard *guard;
	struct bufferevent *bev;
	struct evhttp_connection *evcon; /* NULL until attached */
	struct event	*clock;		/* request_timeout; runs refusals */
	enum conn_state	 state;
	bool		 pending;	/* not attached yet */
	bool		 own_ref;	/* conn.c holds a reference on bev */
	bool		 over_limit;	/* beyond max_connections */
	int		 status;	/* CONN_REFUSED: the answer's status */
	const char	*why;		/* ... and its detail */
	long long	 limit;		/* ... and the limit it names, or -1 */
	void		(*closed)(void *); /* the request in flight */
	void		*closed_arg;
	struct head	 head;
	TAILQ_ENTRY(conn) entry;	/* in the guard's pending list */
};

TAILQ_HEAD(conn_list, conn);

struct conn_guard {
	struct event_base *base;
	struct evhttp	*evhttp;
	struct event	*attach;	/* attaches the pending connections */
	struct conn_list pending;
	void		*by_evcon;	/* tsearch tree of attached ones */
	struct conn_limits limits;
	int		 open;		/* connections open */
	bool		 at_limit;	/* since the limit was reached */
	unsigned long	 refused;	/* answered 503 since then */
	conn_refused_cb	 refused_cb;
	void		*arg;
};

/* Order connections by their evhttp connection. */
static int
conn_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct conn *)a)->evcon;
	uintptr_t y = (uintptr_t)((const struct conn *)b)->evcon;

	return (x > y) - (x < y);
}

/* Start the clock of a request. */
static void
conn_clock_start(struct conn *c)
{
	struct timeval tv = { c->guard->limits.request_timeout, 0 };

	evtimer_add(c->clock, &tv);
}

/* Forget a connection: the last of it. */
static void
conn_free(struct conn *c)
{
	struct conn_guard *g = c->guard;

	if (c->pending)
		TAILQ_REMOVE(&g->pending, c, entry);
	if (c->evcon != NULL)
		tdelete(c, &g->by_evcon, conn_cmp);
	event_free(c->clock);
	if (c->own_ref)
		bufferevent_decref(c->bev);
	g->open--;
	if (g->at_limit && g->open <= g->limits.max_connections -
	    g->limits.max_connections / 10 - 1) {
		log_info("connections: %d open, room again below "
		    "max_connections (%d); %lu answered 503 meanwhile",
		    g->open, g->limits.max_connections, g->refused);
		g->at_limit = false;
		g->refused = 0;
	}
	free(c);
}

/* Refuse the request at hand: stop reading it, answer at the next turn
 * of the loop (conn_clock), outside of evhttp's callbacks. */
static void
conn_refuse(struct conn *c, int status, const char *why, long long limit)
{
	struct evbuffer *input = bufferevent_get_input(c->bev);

	c->state = CONN_REFUSED;
	c->status = status;
	c->why = why;
	c->limit = limit;
	evbuffer_drain(input, evbuffer_get_length(input));
	evtimer_del(c->clock);
	event_active(c->clock, EV_TIMEOUT, 0);
}

/* evhttp's connection is going: tell the request in flight, forget it. */
static void
conn_closed(struct evhttp_connection *evcon, void *arg)
{
	struct conn *c = arg;

	if (c->closed != NULL)
		c->closed(c->closed_arg);
	conn_free(c);
}

/* Find the evhttp connection around our bufferevent; false (and the
 * connection is freed) if evhttp has let it go already. */
static bool
conn_attach(struct conn *c)
{
	struct conn_guard *g = c->guard;
	bufferevent_event_cb eventcb;
	void *cbarg;

	TAILQ_REMOVE(&g->pending, c, entry);
	c->pending = false;
	bufferevent_getcb(c->bev, NULL, NULL, &eventcb, &cbarg);
	if (eventcb == NULL || cbarg == NULL) {
		conn_free(c);
		return false;
	}
	c->evcon = cbarg;
	evhttp_connection_set_closecb(c->evcon, conn_closed, c);
	/* An answer goes out as soon as it is written: with Nagle's
	 * algorithm its last part waited for the client's acknowledgement of
	 * the one before, which a client delays by up to 40 ms on a
	 * keep-alive connection (doc/performance.md). */
	(void)setsockopt(bufferevent_getfd(c->bev), IPPROTO_TCP, TCP_NODELAY,
	    &(int){ 1 }, sizeof(int));
	if (tsearch(c, &g->by_evcon, conn_cmp) == NULL)
		abort();
	c->own_ref = false;
	bufferevent_decref(c->bev);	/* evhttp's reference remains */
	if (c->over_limit)
		conn_refuse(c, 503, "The server has max_connections "
		    "connections open; retry in a moment.",
		    g->limits.max_connections);
	return true;
}

/* Attach every connection accepted in this turn of the loop. */
static void
conn_attach_pending(evutil_socket_t fd, short what, void *arg)
{
	struct conn_guard *g = arg;
	struct conn *c;

	while ((c = TAILQ_FIRST(&g->pending)) != NULL)
		(void)conn_attach(c);
}

/* Screen the input from byte from on; refuse, or note the head's end. */
static void
conn_screen(struct conn *c, struct evbuffer *input, size_t from)
{
	struct evbuffer_iovec v[8];
	struct evbuffer_ptr ptr;
	enum head_result r = HEAD_MORE;
	size_t len = evbuffer_get_length(input), used;
	int n, i;

	while (r == HEAD_MORE && from < len) {
		if (evbuffer_ptr_set(input, &ptr, from, EVBUFFER_PTR_SET) != 0)
			abort();
		n = evbuffer_peek(input, (ev_ssize_t)(len - from), &ptr, v, 8);
		if (n <= 0)
			abort();
		for (i = 0; i < n && i < 8 && r == HEAD_MORE; i++) {
			r = head_feed(&c->head, v[i].iov_base, v[i].iov_len,
			    &used);
			from += used;
		}
	}
	switch (r) {
	case HEAD_MORE:
		break;
	case HEAD_DONE:
		c->state = CONN_BODY;
		break;
	case HEAD_BAD:
		conn_refuse(c, c->head.status, c->head.why,
		    c->head.too_large ? (long long)c->head.max_size : -1);
		break;
	default:
		abort();
	}
}

/* A new request begins on the connection: its clock and its head. */
static void
conn_request_begins(struct conn *c)
{
	c->state = CONN_HEAD;
	head_start(&c->head, c->guard->limits.max_header_size);
	conn_clock_start(c);
}

/* Bytes came in (evbuffer callback of the input, before evhttp reads
 * them). */
static void
conn_input(struct evbuffer *input, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct conn *c = arg;

	if (info->n_added == 0)
		return;
	if (c->pending && !conn_attach(c))
		return;
	switch (c->state) {
	case CONN_IDLE:
		conn_request_begins(c);
		/* FALLTHROUGH */
	case CONN_HEAD:
		conn_screen(c, input, evbuffer_get_length(input) -
		    info->n_added);
		break;
	case CONN_REFUSED:
		evbuffer_drain(input, evbuffer_get_length(input));
		break;
	case CONN_BODY:
	case CONN_BUSY:
		break;
	default:
		abort();
	}
}

/* The reason phrase of a status conn.c answers with. */
static const char *
conn_reason(int status)
{
	switch (status) {
	case 400:	return "Bad Request";
	case 408:	return "Request Timeout";
	case 501:	return "Not Implemented";
	case 503:	return "Service Unavailable";
	case 505:	return "HTTP Version Not Supported";
	default:	return "Error";
	}
}

/* The client's address and port, for the log. */
static void
conn_peer(const struct conn *c, char *out, size_t len)
{
	const struct sockaddr *sa = evhttp_connection_get_addr(c->evcon);
	char host[INET6_ADDRSTRLEN], serv[8];

	if (sa == NULL || getnameinfo(sa, sa->sa_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in), host,
	    sizeof(host), serv, sizeof(serv), NI_NUMERICHOST |
	    NI_NUMERICSERV) != 0)
		snprintf(out, len, "?");
	else if (sa->sa_family == AF_INET6)
		snprintf(out, len, "[%s]:%s", host, serv);
	else
		snprintf(out, len, "%s:%s", host, serv);
}

/* Answer with a problem and close: written to the socket at once, since
 * evhttp has no request to answer; what the client sent meanwhile is read
 * first, so that the close does not reset the connection under it. */
static void
conn_answer(struct conn *c)
{
	struct conn_guard *g = c->guard;
	evutil_socket_t fd = bufferevent_getfd(c->bev);
	const char *type, *title;
	char date[64], peer[INET6_ADDRSTRLEN + 16], sink[4096], *body, *text;
	struct tm tm;
	time_t now;
	json_t *p;
	int i;

	switch (c->status) {
	case 400:
		type = WIRE_P_BAD_REQUEST;
		title = "Bad request";
		break;
	case 408:
		type = WIRE_P_REQUEST_TIMEOUT;
		title = "Request timeout";
		break;
	case 503:
		type = WIRE_P_OVERLOADED;
		title = "Too many connections";
		break;
	default:
		type = WIRE_P_HTTP_ERROR;
		title = "HTTP error";
		break;
	}
	p = json_pack("{s:s, s:s, s:i, s:s}", "type", type, "title", title,
	    "status", c->status, "detail", c->why);
	/* The limit the refusal names, an extension member: bytes of a
	 * head, seconds of request_timeout, connections. */
	if (p != NULL && c->limit >= 0)
		json_object_set_new(p, "limit", json_integer(c->limit));
	if (p == NULL || (body = json_dumps(p, JSON_COMPACT)) == NULL)
		abort();
	json_decref(p);
	now = time(NULL);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT",
	    gmtime_r(&now, &tm));
	text = xasprintf("HTTP/1.1 %d %s\r\nDate: %s\r\nContent-Type: %s\r\n"
	    "Content-Length: %zu\r\nCache-Control: no-store\r\n%s"
	    "Connection: close\r\n\r\n%s", c->status, conn_reason(c->status),
	    date, WIRE_TYPE_PROBLEM, strlen(body), c->status == 503 ?
	    WIRE_HDR_RETRY_AFTER ": 1\r\n" : "", body);
	if (fd >= 0) {
		/* A 100 Continue evhttp queued goes first. */
		(void)evbuffer_write(bufferevent_get_output(c->bev), fd);
		(void)send(fd, text, strlen(text), MSG_NOSIGNAL |
		    MSG_DONTWAIT);
		(void)shutdown(fd, SHUT_WR);
		for (i = 0; i < 16 && recv(fd, sink, sizeof(sink),
		    MSG_DONTWAIT) > 0; i++)
			;
	}
	free(text);
	free(body);
	conn_peer(c, peer, sizeof(peer));
	if (g->refused_cb != NULL)
		g->refused_cb(c->status, c->why, peer, g->arg);
	evhttp_connection_free(c->evcon);	/* conn_closed frees c */
}

static const struct timeval conn_second = { 1, 0 };

/* The clock: a refusal to answer, or a request that took too long. */
static void
conn_clock(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	if (c->pending && !conn_attach(c))
		return;
	switch (c->state) {
	case CONN_HEAD:
	case CONN_BODY:
		/* evhttp is writing an answer of its own (a 413, say), after
		 * which it closes: let it finish. */
		if (evbuffer_get_length(bufferevent_get_output(c->bev)) > 0) {
			evtimer_add(c->clock, &conn_second);
			break;
		}
		c->state = CONN_REFUSED;
		c->status = 408;
		c->why = "The request did not arrive whole within "
		    "request_timeout.";
		c->limit = c->guard->limits.request_timeout;
		/* FALLTHROUGH */
	case CONN_REFUSED:
		conn_answer(c);
		break;
	case CONN_BUSY:
	case CONN_IDLE:
		break;
	default:
		abort();
	}
}

/* evhttp_set_bevcb: a connection was accepted; make its bufferevent. */
static struct bufferevent *
conn_new(struct event_base *base, void *arg)
{
	struct conn_guard *g = arg;
	struct conn *c = xcalloc(1, sizeof(*c));

	c->guard = g;
	c->bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	c->clock = evtimer_new(base, conn_clock, c);
	if (c->bev == NULL || c->clock == NULL ||
	    evbuffer_add_cb(bufferevent_get_input(c->bev), conn_input,
	    c) == NULL)
		abort();
	bufferevent_incref(c->bev);
	c->own_ref = true;
	c->pending = true;
	TAILQ_INSERT_TAIL(&g->pending, c, entry);
	event_active(g->attach, EV_TIMEOUT, 0);
	c->over_limit = g->open >= g->limits.max_connections;
	g->open++;
	if (c->over_limit) {
		if (!g->at_limit)
			log_warn("connections: %d open, max_connections "
			    "reached; new connections are answered 503 and "
			    "closed until some close", g->open - 1);
		g->at_limit = true;
		g->refused++;
	}
	c->state = CONN_HEAD;
	head_start(&c->head, g->limits.max_header_size);
	conn_clock_start(c);
	return c->bev;
}

/* Watch the connections of evhttp; refused tells of every answer. */
struct conn_guard *
conn_guard_create(struct event_base *base, struct evhttp *evhttp,
    conn_refused_cb refused, void *arg)
{
	struct conn_guard *g = xcalloc(1, sizeof(*g));

	g->base = base;
	g->evhttp = evhttp;
	g->refused_cb = refused;
	g->arg = arg;
	TAILQ_INIT(&g->pending);
	g->attach = event_new(base, -1, 0, conn_attach_pending, g);
	if (g->attach == NULL)
		abort();
	g->limits.max_connections = 1;
	g->limits.request_timeout = 1;
	g->limits.max_header_size = 1024;
	evhttp_set_bevcb(evhttp, conn_new, g);
	return g;
}

/* Make room for limits->max_connections connections under the open
 * files limit: raise the soft limit if need be; -1 when the hard limit is
 * too low. */
int
conn_fit_files(const struct conn_limits *limits, char *err, size_t errlen)
{
	rlim_t need = (rlim_t)limits->max_connections +
	    (rlim_t)limits->spare_files;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur ==
	    RLIM_INFINITY || rl.rlim_cur >= need)
		return 0;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need) {
		snprintf(err, errlen, "max_connections %d needs %llu open "
		    "files, over the hard limit of %llu: raise it (systemd: "
		    "LimitNOFILE=) or lower max_connections",
		    limits->max_connections, (unsigned long long)need,
		    (unsigned long long)rl.rlim_max);
		return -1;
	}
	rl.rlim_cur = need;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
		snprintf(err, errlen, "cannot raise the open files limit to "
		    "%llu for max_connections %d: %s", (unsigned long long)need,
		    limits->max_connections, strerror(errno));
		return -1;
	}
	log_info("connections: open files limit raised to %llu for "
	    "max_connections %d", (unsigned long long)need,
	    limits->max_connections);
	return 0;
}

/* Take new limits; -1 (and the old ones stay) when max_connections does
 * not fit under the open files limit (conn_fit_files). */
int
conn_guard_configure(struct conn_guard *g, const struct conn_limits *limits,
    char *err, size_t errlen)
{
	if (conn_fit_files(limits, err, errlen) != 0)
		return -1;
	g->limits = *limits;
	return 0;
}

/* Connections open now. */
int
conn_guard_open(const struct conn_guard *g)
{
	return g->open;
}

/* Free the guard, after evhttp_free has closed every attached connection. */
void
conn_guard_free(struct conn_guard *g)
{
	struct conn *c;

	if (g == NULL)
		return;
	while ((c = TAILQ_FIRST(&g->pending)) != NULL)
		conn_free(c);
	event_free(g->attach);
	free(g);
}

/* The connection a request came on, or NULL. */
struct conn *
conn_of(struct conn_guard *g, struct evhttp_request *req)
{
	struct conn probe, **found;

	probe.evcon = evhttp_request_get_connection(req);
	if (probe.evcon == NULL)
		return NULL;
	found = tfind(&probe, &g->by_evcon, conn_cmp);
	return found != NULL ? *found : NULL;
}

/* evhttp has written the reply (on_complete): on to the next request,
 * whose bytes may be there already. */
static void
conn_reply_sent(struct evhttp_request *req, void *arg)
{
	struct conn *c = arg;
	struct evbuffer *input = bufferevent_get_input(c->bev);

	conn_request_answered(c);
	if (evbuffer_get_length(input) == 0) {
		c->state = CONN_IDLE;
		return;
	}
	conn_request_begins(c);
	conn_screen(c, input, 0);
}

/*
 * The request has been read whole (its head screened): stop its clock.
 * closed(arg) runs if the connection goes before the reply is out; once
 * it is, the connection waits for the next request, whose bytes may be
 * there already. false if the request's head was not screened.
 */
bool
conn_request_read(struct conn *c, struct evhttp_request *req,
    void (*closed)(void *), void *arg)
{
	if (c->state != CONN_BODY)
		return false;
	evtimer_del(c->clock);
	c->state = CONN_BUSY;
	c->closed = closed;
	c->closed_arg = arg;
	evhttp_request_set_on_complete_cb(req, conn_reply_sent, c);
	return true;
}

/* The reply is handed to evhttp: the request no longer needs telling. */
void
conn_request_answered(struct conn *c)
{
	c->closed = NULL;
	c->closed_arg = NULL;
}
