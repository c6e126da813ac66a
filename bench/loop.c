/* The connections of a run and their states: a closed loop, one request
 * in flight per connection, the next written when the answer is whole. */
#include "config.h"

#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "bench/load.h"
#include "wire.h"

#define LOOP_BODY_SHOWN		2000	/* bytes shown of a failed answer */

/* Whether a is at or past b. */
static bool
loop_reached(const struct timespec *a, const struct timespec *b)
{
	return load_ns(b, a) >= 0;
}

/* End the run now with an exit code, the reason on stderr. */
static void
loop_fail(struct load_run *run, int code, const char *why, const char *detail)
{
	if (run->exit_code == 0) {
		fprintf(stderr, LOAD_NAME ": %s%s%s\n", why,
		    detail != NULL ? ": " : "", detail != NULL ? detail : "");
		run->exit_code = code;
	}
	event_base_loopbreak(run->base);
}

static void	loop_read(struct bufferevent *, void *);
static void	loop_event(struct bufferevent *, short, void *);
static void	loop_hold_start(struct load_run *);

/* Open the connection; loop_event hears when it is up. */
void
loop_connect(struct load_conn *conn)
{
	struct load_run *run = conn->run;
	struct timeval tv = { LOAD_ANSWER_TIMEOUT, 0 };

	conn->state = LOAD_CONNECTING;
	conn->bev = bufferevent_socket_new(run->base, -1,
	    BEV_OPT_CLOSE_ON_FREE);
	if (conn->bev == NULL)
		abort();
	bufferevent_setcb(conn->bev, loop_read, NULL, loop_event, conn);
	bufferevent_set_timeouts(conn->bev, &tv, &tv);
	if (bufferevent_enable(conn->bev, EV_READ) != 0)
		abort();
	if (bufferevent_socket_connect(conn->bev,
	    (struct sockaddr *)&run->addr, (int)run->addrlen) != 0)
		loop_fail(run, WIRE_EXIT_UNAVAILABLE, "cannot connect",
		    strerror(errno));
}

/* Close the connection for good. */
static void
loop_done(struct load_conn *conn)
{
	struct load_run *run = conn->run;

	if (conn->bev != NULL)
		bufferevent_free(conn->bev);
	conn->bev = NULL;
	conn->state = LOAD_DONE;
	run->open--;
	if (run->open == 0 && run->opt->op != LOAD_OP_IDLE)
		event_base_loopbreak(run->base);
}

/* Whether a new request may go: one is left and time is not up. */
static bool
loop_has_work(struct load_run *run)
{
	struct timespec now;

	if (run->next >= run->nrequests)
		return false;
	if (!run->started || run->opt->op == LOAD_OP_IDLE)
		return true;
	load_now(&now);
	return !loop_reached(&now, &run->deadline);
}

/* Write the next request, or close the connection if none may go. */
static void
loop_send(struct load_conn *conn)
{
	struct load_run *run = conn->run;
	struct evbuffer *out = bufferevent_get_output(conn->bev);
	const struct load_request *r;
	ssize_t n = 0;

	if (!loop_has_work(run)) {
		loop_done(conn);
		return;
	}
	r = &run->requests[run->next++];
	conn->state = LOAD_HEAD;
	load_now(&conn->sent_at);
	/* With nothing queued, one send() usually takes the whole request:
	 * that spares the two epoll_ctl calls of a bufferevent write. What
	 * is left, or an error, goes through the bufferevent as usual. */
	if (evbuffer_get_length(out) == 0) {
		n = send(bufferevent_getfd(conn->bev), r->text, r->len,
		    MSG_NOSIGNAL);
		if (n < 0)
			n = 0;
	}
	if ((size_t)n < r->len && evbuffer_add_reference(out, r->text + n,
	    r->len - (size_t)n, NULL, NULL) != 0)
		abort();
	run->sent++;
}

/* Close and reopen the connection if there is work left for it. */
static void
loop_reconnect(struct load_conn *conn)
{
	struct load_run *run = conn->run;

	if (!loop_has_work(run)) {
		loop_done(conn);
		return;
	}
	bufferevent_free(conn->bev);
	conn->bev = NULL;
	run->reconnects++;
	loop_connect(conn);
}

/* The clock starts: every connection writes its first request. */
static void
loop_start(struct load_run *run)
{
	size_t i;

	run->started = true;
	load_now(&run->start);
	run->last = run->start;
	run->deadline = run->start;
	run->deadline.tv_sec += run->opt->duration;
	getrusage(RUSAGE_SELF, &run->usage_start);
	for (i = 0; i < run->nconns; i++) {
		if (run->conns[i].state == LOAD_READY)
			loop_send(&run->conns[i]);
	}
}

/* An exchange went wrong (no whole answer, or not valid HTTP/1.1): count
 * it, show the first one, and carry on with a new connection. */
static void
loop_broken(struct load_conn *conn, const char *why)
{
	struct load_run *run = conn->run;

	run->errors++;
	if (!run->shown_error) {
		run->shown_error = true;
		fprintf(stderr, LOAD_NAME ": first failed exchange: %s\n", why);
	}
	if (run->opt->op == LOAD_OP_IDLE) {
		loop_done(conn);
		if (++run->settled == run->nconns)
			loop_hold_start(run);
		return;
	}
	loop_reconnect(conn);
}

/* A whole answer is in the buffer: count it, then go on. */
static void
loop_answered(struct load_conn *conn, struct evbuffer *in)
{
	struct load_run *run = conn->run;
	struct timespec now;
	const char *body;
	size_t shown;

	if (evbuffer_get_length(in) > conn->head.body_len) {
		loop_broken(conn, "bytes after the answer, none asked for");
		return;
	}
	load_now(&now);
	run->latency[run->nlatency++] = load_ns(&conn->sent_at, &now);
	run->last = now;
	run->statuses[conn->head.status]++;
	if (conn->head.status >= 200 && conn->head.status < 300)
		run->ok++;
	else if (!run->shown_failure) {
		run->shown_failure = true;
		shown = conn->head.body_len < LOOP_BODY_SHOWN ?
		    conn->head.body_len : LOOP_BODY_SHOWN;
		body = shown > 0 ? (const char *)evbuffer_pullup(in,
		    (ev_ssize_t)shown) : "";
		fprintf(stderr, LOAD_NAME ": first non-2xx answer: %d %.*s%s\n",
		    conn->head.status, (int)shown, body,
		    shown < conn->head.body_len ? "..." : "");
	}
	evbuffer_drain(in, conn->head.body_len);
	if (run->opt->op == LOAD_OP_IDLE) {
		if (conn->head.close_after)
			loop_done(conn);
		else {
			conn->state = LOAD_HOLDING;
			bufferevent_set_timeouts(conn->bev, NULL, NULL);
			run->held++;
		}
		if (++run->settled == run->nconns)
			loop_hold_start(run);
		return;
	}
	if (conn->head.close_after)
		loop_reconnect(conn);
	else
		loop_send(conn);
}

/* Read what arrived: the answer's head, then its body. */
static void
loop_read(struct bufferevent *bev, void *arg)
{
	struct load_conn *conn = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct evbuffer_ptr at;
	const char *why;
	size_t len;

	switch (conn->state) {
	case LOAD_HEAD:
		at = evbuffer_search(in, "\r\n\r\n", 4, NULL);
		if (at.pos < 0) {
			if (evbuffer_get_length(in) > LOAD_MAX_HEAD)
				loop_broken(conn, "an answer head over "
				    "64 KiB");
			return;
		}
		len = (size_t)at.pos + 4;
		if (len > LOAD_MAX_HEAD) {
			loop_broken(conn, "an answer head over 64 KiB");
			return;
		}
		why = reader_parse_head((const char *)evbuffer_pullup(in,
		    (ev_ssize_t)len), len, &conn->head);
		if (why != NULL) {
			loop_broken(conn, why);
			return;
		}
		evbuffer_drain(in, len);
		conn->state = LOAD_BODY;
		/* FALLTHROUGH */
	case LOAD_BODY:
		if (evbuffer_get_length(in) >= conn->head.body_len)
			loop_answered(conn, in);
		return;
	case LOAD_CONNECTING:
	case LOAD_READY:
	case LOAD_HOLDING:
		loop_fail(conn->run, WIRE_EXIT_SOFTWARE, "the daemon sent "
		    "bytes with no request in flight", NULL);
		return;
	case LOAD_DONE:
	default:
		abort();
	}
}

/* Connected, timed out, closed or failed. */
static void
loop_event(struct bufferevent *bev, short what, void *arg)
{
	struct load_conn *conn = arg;
	struct load_run *run = conn->run;
	const char *why;
	int one = 1;

	if (what & BEV_EVENT_CONNECTED) {
		setsockopt(bufferevent_getfd(bev), IPPROTO_TCP, TCP_NODELAY,
		    &one, sizeof(one));
		conn->state = LOAD_READY;
		if (run->started)
			loop_send(conn);
		else if (++run->connected == run->nconns)
			loop_start(run);
		return;
	}
	why = what & BEV_EVENT_EOF ? "connection closed by the daemon" :
	    (what & BEV_EVENT_ERROR) ? evutil_socket_error_to_string(
	    EVUTIL_SOCKET_ERROR()) : "timed out";
	switch (conn->state) {
	case LOAD_CONNECTING:
		loop_fail(run, WIRE_EXIT_UNAVAILABLE, "cannot connect", why);
		return;
	case LOAD_HEAD:
	case LOAD_BODY:
		if (what & BEV_EVENT_TIMEOUT)
			loop_fail(run, WIRE_EXIT_SOFTWARE, "no answer within "
			    "30 s", NULL);
		else
			loop_broken(conn, why);
		return;
	case LOAD_READY:
		if (!run->started)
			run->connected--;
		loop_reconnect(conn);
		return;
	case LOAD_HOLDING:
		loop_fail(run, WIRE_EXIT_SOFTWARE, "a held connection was "
		    "lost", why);
		return;
	case LOAD_DONE:
	default:
		abort();
	}
}

/* The hold is over: the idle run ends. */
static void
loop_hold_over(evutil_socket_t fd, short what, void *arg)
{
	struct load_run *run = arg;

	event_base_loopbreak(run->base);
}

/* Idle op: every connection has its answer; report, then hold. */
static void
loop_hold_start(struct load_run *run)
{
	struct timeval tv = { run->opt->hold, 0 };

	stats_report(run);
	run->hold_timer = evtimer_new(run->base, loop_hold_over, run);
	if (run->hold_timer == NULL || evtimer_add(run->hold_timer, &tv) != 0)
		abort();
}

