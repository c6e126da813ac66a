/* The connections of the HTTP server, watched from accept to close, for
 * what evhttp (libevent 2.1) does not do itself:
 *
 *  - at most max_connections open: one more is answered 503 (overloaded)
 *    and closed at once, and the log says when the limit is reached and
 *    when there is room again;
 *  - a whole request within request_timeout, counted from the accept, and
 *    on a keep-alive connection from the first byte of the next request,
 *    to the end of its body: a client that trickles bytes is answered 408
 *    and closed (idle_timeout, evhttp's, restarts at every byte);
 *  - each request head screened (daemon/head.c) as its bytes arrive,
 *    before evhttp parses them: a refused one is answered 400 (or 501,
 *    505) and the connection closed, so no later byte on it is read as
 *    another request.
 *
 * conn.c makes each connection's bufferevent (evhttp_set_bevcb) and
 * watches its input; these replies are written by conn.c itself, with
 * Connection: close, since evhttp has no request for them yet. http.c
 * tells it when a request has been read (conn_request_read) and answered
 * (conn_request_answered); the connection's close callback is conn.c's,
 * which passes it on to the request in flight. */
#ifndef VPOINTSD_CONN_H
#define VPOINTSD_CONN_H

#include <stdbool.h>
#include <stddef.h>

#include <event2/event.h>

struct conn_guard;
struct conn;
struct evhttp;
struct evhttp_request;

/* The limits, from the configuration. */
struct conn_limits {
	int		 max_connections;
	int		 request_timeout;	/* seconds */
	size_t		 max_header_size;	/* bytes, line ends excluded */
	int		 spare_files;		/* open files beside connections */
};

/* Told of each reply conn.c makes: its status, why, the peer. */
typedef void (*conn_refused_cb)(int status, const char *why,
    const char *peer, void *arg);

struct conn_guard *conn_guard_create(struct event_base *, struct evhttp *,
		    conn_refused_cb, void *arg);
int		 conn_guard_configure(struct conn_guard *,
		    const struct conn_limits *, char *err, size_t errlen);
int		 conn_fit_files(const struct conn_limits *, char *err,
		    size_t errlen);
int		 conn_guard_open(const struct conn_guard *);
void		 conn_guard_free(struct conn_guard *);

struct conn	*conn_of(struct conn_guard *, struct evhttp_request *);
bool		 conn_request_read(struct conn *, struct evhttp_request *,
		    void (*closed)(void *), void *arg);
void		 conn_request_answered(struct conn *);

#endif
