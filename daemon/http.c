#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "daemon/conn.h"
#include "daemon/http.h"
#include "daemon/route.h"
#include "log.h"
#include "wire.h"
#include "xmalloc.h"

#define HTTP_MAX_ROUTES	128

/* What a route leads to. */
struct http_target {
	http_handler	 handler;
	void		*arg;
};

struct http_server {
	struct event_base *base;
	struct evhttp	*evhttp;
	struct conn_guard *guard;	/* connections: limit, clock, screen */
	struct evhttp_bound_socket *listener;
	struct route	 routes[HTTP_MAX_ROUTES];
	struct http_target targets[HTTP_MAX_ROUTES];
	size_t		 nroutes;
	size_t		 max_body_size;
	int		 inflight;	/* requests received, not yet answered */
	int		 draining;	/* stop was asked: no new requests */
	http_drained_cb	 drained;
	void		*drained_arg;
	http_observer	 observe;	/* told of every reply, or NULL */
	void		*observe_arg;
	char		*path_prefix;	/* "" or "/vpoints" (path_prefix) */
};

/* The server whose error pages http_error_page reports when it is given
 * none: compat/evhttp_send_error.c replaces the library's function for the
 * whole process and gets no argument of ours. The daemon has one server. */
static struct http_server *http_error_server;

/*
 * Life of a request. evhttp hands us req; we answer it once, later, from a
 * database callback. If its connection is freed first (the peer hung up
 * and evhttp noticed, or the server is being freed), http_closed runs
 * before the request goes (conn.c passes the connection's close on): from
 * then on req and conn are NULL, and the reply is only logged. http_reply
 * tells conn.c that the request needs no more telling.
 */
struct http_request {
	struct http_server *server;
	struct evhttp_request *req;	/* NULL once the peer has gone */
	struct conn	*conn;		/* NULL once the peer has gone */
	bool		 gone;		/* the peer has gone */
	bool		 close;		/* close the connection after the reply */
	bool		 redacted;	/* logged under another path already */
	const char	*method;
	char		*path_sent;	/* the path as it came */
	const char	*path;		/* in path_sent, the prefix skipped */
	char		*query;
	char		*body;
	size_t		 body_len;
	struct route_match match;
	char		 keyid[64];
	struct timespec	 start;		/* CLOCK_MONOTONIC */
};

static void	http_log_path(struct http_request *, int status);

/* path without the server's path_prefix: "/vpoints/v1/x" is routed as
 * "/v1/x". A path without the prefix is routed as it is: the signature
 * covers the path as sent, so neither form passes for the other. */
static const char *
http_unprefixed(const struct http_server *server, const char *path)
{
	size_t len = strlen(server->path_prefix);

	if (len > 0 && strncmp(path, server->path_prefix, len) == 0 &&
	    path[len] == '/')
		return path + len;
	return path;
}

/* The method as a string, or NULL for one we do not serve. */
static const char *
http_method_name(enum evhttp_cmd_type cmd)
{
	switch (cmd) {
	case EVHTTP_REQ_GET:		return "GET";
	case EVHTTP_REQ_POST:		return "POST";
	case EVHTTP_REQ_HEAD:		return "HEAD";
	case EVHTTP_REQ_PUT:		return "PUT";
	case EVHTTP_REQ_DELETE:		return "DELETE";
	case EVHTTP_REQ_OPTIONS:	return "OPTIONS";
	case EVHTTP_REQ_TRACE:		return "TRACE";
	case EVHTTP_REQ_CONNECT:	return "CONNECT";
	case EVHTTP_REQ_PATCH:		return "PATCH";
	default:			return NULL;
	}
}

/* The connection is being freed before our reply. A request evhttp has
 * detached from it is ours to free; an attached one evhttp frees next. */
static void
http_closed(void *arg)
{
	struct http_request *hr = arg;

	if (evhttp_request_get_connection(hr->req) == NULL)
		evhttp_request_free(hr->req);
	hr->req = NULL;
	hr->conn = NULL;
	hr->gone = true;
}

/* True once the client has gone; the reply will be dropped. */
bool
http_request_cancelled(const struct http_request *hr)
{
	return hr->gone;
}

/* Send the reply, write the access-log line and end the request. */
void
http_reply(struct http_request *hr, int status, const char *content_type,
    const char *body, size_t len)
{
	struct http_server *server = hr->server;
	struct evkeyvalq *headers;
	struct evbuffer *buf;
	struct timespec now;
	double ms;

	if (hr->req != NULL) {
		buf = evbuffer_new();
		if (buf == NULL || evbuffer_add(buf, body, len) != 0)
			abort();
		if (hr->conn != NULL)
			conn_request_answered(hr->conn);
		headers = evhttp_request_get_output_headers(hr->req);
		evhttp_add_header(headers, WIRE_HDR_CONTENT_TYPE, content_type);
		if (evhttp_find_header(headers, "Cache-Control") == NULL)
			evhttp_add_header(headers, "Cache-Control",
			    "no-store");
		if (hr->close)
			evhttp_add_header(headers, "Connection", "close");
		if (status == 405)
			evhttp_add_header(headers, WIRE_HDR_ALLOW,
			    hr->match.allow);
		if (status == 503)
			evhttp_add_header(headers, WIRE_HDR_RETRY_AFTER, "1");
		/* evhttp frees the request once the reply is out. */
		evhttp_send_reply(hr->req, status, NULL, buf);
		evbuffer_free(buf);
	}

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (double)(now.tv_sec - hr->start.tv_sec) * 1e3 +
	    (double)(now.tv_nsec - hr->start.tv_nsec) / 1e6;
	if (server->observe != NULL)
		server->observe(hr->match.route != NULL ?
		    hr->match.route->pattern : NULL, hr->method, status,
		    ms / 1e3, server->observe_arg);
	http_log_path(hr, status);
	log_info("%s %s %d %.1fms key=%s%s", hr->method, hr->path_sent, status,
	    ms, hr->keyid[0] != '\0' ? hr->keyid : "-",
	    hr->gone ? " (client gone)" : "");
	free(hr->path_sent);
	free(hr->query);
	free(hr->body);
	free(hr);

	server->inflight--;
	if (server->draining && server->inflight == 0 && server->drained)
		server->drained(server->drained_arg);
}

/* Reply with a JSON value; takes the reference. */
void
http_reply_json(struct http_request *hr, int status, json_t *value)
{
	char *text = json_dumps(value, JSON_COMPACT);

	if (text == NULL)
		abort();
	json_decref(value);
	http_reply(hr, status, WIRE_TYPE_JSON, text, strlen(text));
	free(text);
}

/* Reply with an RFC 9457 problem whose members are already set; takes
 * the reference. The HTTP status is the problem's "status". */
void
http_reply_problem_json(struct http_request *hr, json_t *problem)
{
	int status = (int)json_integer_value(json_object_get(problem,
	    "status"));
	char *text = json_dumps(problem, JSON_COMPACT);

	if (text == NULL || status < 400 || status > 599)
		abort();
	json_decref(problem);
	http_reply(hr, status, WIRE_TYPE_PROBLEM, text, strlen(text));
	free(text);
}

/* Reply with an RFC 9457 problem. */
void
http_reply_problem(struct http_request *hr, int status, const char *type,
    const char *title, const char *detail)
{
	http_reply_problem_members(hr, status, type, title, detail, NULL);
}

/* Reply with an RFC 9457 problem and its extension members (the values
 * its sentence names; NULL for none), a JSON object whose reference this
 * takes. A member named like one of the problem's own (type, title,
 * status, detail, instance) is dropped: it cannot overwrite them. */
void
http_reply_problem_members(struct http_request *hr, int status,
    const char *type, const char *title, const char *detail, json_t *members)
{
	static const char *const own[] = { "type", "title", "status",
	    "detail", "instance" };
	json_t *p;
	size_t i;

	p = json_is_object(members) ? json_deep_copy(members) : json_object();
	json_decref(members);
	if (p == NULL)
		abort();
	for (i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		json_object_del(p, own[i]);
	json_object_set_new(p, "type", json_string(type));
	json_object_set_new(p, "title", json_string(title));
	json_object_set_new(p, "status", json_integer(status));
	if (detail != NULL)
		json_object_set_new(p, "detail", json_string(detail));
	http_reply_problem_json(hr, p);
}

/* Report a reply the HTTP layer made before routing: its route, if the
 * request line was read and names one, but no time. */
static void
http_error_observed(struct http_server *server, struct evhttp_request *req,
    int status)
{
	struct evhttp_connection *conn = evhttp_request_get_connection(req);
	const struct evhttp_uri *uri;
	const char *method = NULL, *path = NULL, *route = NULL;
	struct route_match match;

	if (server == NULL || server->observe == NULL || conn == NULL ||
	    evhttp_connection_get_server(conn) != server->evhttp)
		return;
	if (evhttp_request_get_uri(req) != NULL) {
		method = http_method_name(evhttp_request_get_command(req));
		uri = evhttp_request_get_evhttp_uri(req);
		path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	}
	if (method != NULL && path != NULL && route_find(server->routes,
	    server->nroutes, method, http_unprefixed(server, path),
	    &match) == ROUTE_FOUND)
		route = match.route->pattern;
	server->observe(route, method != NULL ? method : "?", status, -1,
	    server->observe_arg);
}

/*
 * libevent answers requests it cannot parse or accept (a body over
 * max_body_size: 413; a bad request line or headers over the limit: 400;
 * 417, 501) itself, through evhttp_send_error, before any callback of ours
 * runs. This writes the problem+json body of such a reply into buf, logs
 * it and reports it; it has the form of evhttp_set_errorcb's callback
 * (libevent 2.2), and compat/evhttp_send_error.c calls it with libevent
 * 2.1. arg is the server, or NULL for the one http_server_create made.
 */
int
http_error_page(struct evhttp_request *req, struct evbuffer *buf, int status,
    const char *reason, void *arg)
{
	struct http_server *server;
	const char *type, *title;

	switch (status) {
	case 400:
		type = WIRE_P_BAD_REQUEST;
		title = "Bad request";
		break;
	case 404:
		type = WIRE_P_NOT_FOUND;
		title = "Not found";
		break;
	case 405:
		type = WIRE_P_METHOD;
		title = "Method not allowed";
		break;
	case 413:
		type = WIRE_P_TOO_LARGE;
		title = "Request body too large";
		break;
	default:
		type = WIRE_P_HTTP_ERROR;
		title = "HTTP error";
		break;
	}
	server = arg != NULL ? arg : http_error_server;
	/* A body over the limit says the limit (an extension member). */
	if (status == 413 && server != NULL)
		evbuffer_add_printf(buf, "{\"type\":\"%s\",\"title\":\"%s\","
		    "\"status\":%d,\"limit\":%zu}", type, title, status,
		    server->max_body_size);
	else
		evbuffer_add_printf(buf, "{\"type\":\"%s\",\"title\":\"%s\","
		    "\"status\":%d}", type, title, status);
	log_info("- - %d (refused by the HTTP layer)", status);
	http_error_observed(server, req, status);
	return 0;
}

/* Every request starts here: limits, routing, then its handler. */
static void
http_dispatch(struct evhttp_request *req, void *arg)
{
	struct http_server *server = arg;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	struct evbuffer *input = evhttp_request_get_input_buffer(req);
	struct http_request *hr = xcalloc(1, sizeof(*hr));
	const struct http_target *target;
	const char *path, *query;

	clock_gettime(CLOCK_MONOTONIC, &hr->start);
	hr->server = server;
	hr->req = req;
	server->inflight++;
	hr->method = http_method_name(evhttp_request_get_command(req));
	path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	query = uri != NULL ? evhttp_uri_get_query(uri) : NULL;
	hr->path_sent = xstrdup(path != NULL && *path != '\0' ? path : "/");
	hr->path = http_unprefixed(server, hr->path_sent);
	hr->query = xstrdup(query != NULL ? query : "");
	if (hr->method == NULL)
		hr->method = "?";
	hr->conn = conn_of(server->guard, req);
	if (hr->conn == NULL ||
	    !conn_request_read(hr->conn, req, http_closed, hr)) {
		/* Never: conn.c screens every head (conn.h). */
		log_error("http: %s %s came on a connection whose request head "
		    "was not screened; refused", hr->method, hr->path);
		hr->conn = NULL;
		hr->close = true;
		http_reply_problem(hr, 400, WIRE_P_BAD_REQUEST, "Bad request",
		    NULL);
		return;
	}
	if (strcmp(hr->method, "?") == 0) {
		http_reply_problem(hr, 405, WIRE_P_METHOD,
		    "Method not allowed", NULL);
		return;
	}
	if (server->draining) {
		http_reply_problem(hr, 503, WIRE_P_SHUTTING_DOWN,
		    "The server is shutting down", "Retry on another server "
		    "or in a moment.");
		return;
	}
	hr->body_len = evbuffer_get_length(input);
	if (hr->body_len > server->max_body_size) {
		http_reply_problem_members(hr, 413, WIRE_P_TOO_LARGE,
		    "Request body too large", NULL, json_pack("{s:I, s:I}",
		    "limit", (json_int_t)server->max_body_size, "size",
		    (json_int_t)hr->body_len));
		return;
	}
	hr->body = xmalloc(hr->body_len + 1);
	evbuffer_remove(input, hr->body, hr->body_len);
	hr->body[hr->body_len] = '\0';

	switch (route_find(server->routes, server->nroutes, hr->method,
	    hr->path, &hr->match)) {
	case ROUTE_FOUND:
		target = hr->match.route->target;
		target->handler(hr, target->arg);
		break;
	case ROUTE_BAD_METHOD:
		http_reply_problem(hr, 405, WIRE_P_METHOD,
		    "Method not allowed", hr->match.allow);
		break;
	case ROUTE_NOT_FOUND:
		http_reply_problem(hr, 404, WIRE_P_NOT_FOUND, "Not found",
		    "No such route.");
		break;
	default:
		abort();
	}
}

/* conn.c answered a connection itself (a refused request head, a request
 * over request_timeout, a connection over max_connections): log and
 * count it like the HTTP layer's own refusals. */
static void
http_conn_refused(int status, const char *why, const char *peer, void *arg)
{
	struct http_server *server = arg;

	if (status == 503)
		log_debug("%s - %d (refused: %s)", peer, status, why);
	else
		log_info("%s - %d (refused: %s)", peer, status, why);
	if (server->observe != NULL)
		server->observe(NULL, "?", status, -1, server->observe_arg);
}

/* The limits of conn.c in cf. */
static void
http_conn_limits(const struct conf *cf, struct conn_limits *limits)
{
	limits->max_connections = cf->max_connections;
	limits->request_timeout = cf->request_timeout;
	limits->max_header_size = (size_t)cf->max_header_size;
	/* The database pool, the listener, logs, key and zone files. */
	limits->spare_files = cf->db_pool_size + 64;
}

/* Make room under the open files limit for cf's max_connections; -1
 * with err when the hard limit is too low (a configuration error). */
int
http_server_fit_files(const struct conf *cf, char *err, size_t errlen)
{
	struct conn_limits limits;

	http_conn_limits(cf, &limits);
	return conn_fit_files(&limits, err, errlen);
}

/* Split "ADDR:PORT" or "[V6ADDR]:PORT". */
static int
http_split_listen(const char *listen, char *addr, size_t addrlen,
    unsigned short *port)
{
	const char *colon = strrchr(listen, ':');
	const char *host = listen;
	size_t hostlen;
	char *end;
	long p;

	if (colon == NULL)
		return -1;
	hostlen = (size_t)(colon - listen);
	if (hostlen >= 2 && host[0] == '[' && host[hostlen - 1] == ']') {
		host++;
		hostlen -= 2;
	}
	if (hostlen == 0 || hostlen >= addrlen)
		return -1;
	memcpy(addr, host, hostlen);
	addr[hostlen] = '\0';
	p = strtol(colon + 1, &end, 10);
	if (*end != '\0' || end == colon + 1 || p < 1 || p > 65535)
		return -1;
	*port = (unsigned short)p;
	return 0;
}

/* Bind the listener described by cf->listen. */
struct http_server *
http_server_create(struct event_base *base, const struct conf *cf, char *err,
    size_t errlen)
{
	struct http_server *server = xcalloc(1, sizeof(*server));
	struct conn_limits limits;
	unsigned short port;
	char addr[256];

	server->base = base;
	if (http_split_listen(cf->listen, addr, sizeof(addr), &port) != 0) {
		snprintf(err, errlen, "listen: \"%s\" is not ADDR:PORT",
		    cf->listen);
		goto fail;
	}
	server->evhttp = evhttp_new(base);
	if (server->evhttp == NULL)
		abort();
	server->guard = conn_guard_create(base, server->evhttp,
	    http_conn_refused, server);
	http_conn_limits(cf, &limits);
	if (conn_guard_configure(server->guard, &limits, err, errlen) != 0)
		goto fail;
	server->listener = evhttp_bind_socket_with_handle(server->evhttp,
	    addr, port);
	if (server->listener == NULL) {
		snprintf(err, errlen, "cannot listen on %s", cf->listen);
		goto fail;
	}
	evhttp_set_allowed_methods(server->evhttp, EVHTTP_REQ_GET |
	    EVHTTP_REQ_POST | EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT |
	    EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE |
	    EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH);
	evhttp_set_gencb(server->evhttp, http_dispatch, server);
#ifdef HAVE_EVHTTP_SET_ERRORCB
	/* libevent 2.2 then sets the headers itself, Content-Type text/html
	 * included: only the body is ours. */
	evhttp_set_errorcb(server->evhttp, http_error_page, server);
#endif
	http_server_configure(server, cf);
	http_error_server = server;
	return server;
fail:
	http_server_free(server);
	return NULL;
}

/* Apply the reloadable limits. */
void
http_server_configure(struct http_server *server, const struct conf *cf)
{
	struct conn_limits limits;
	char err[256];

	http_conn_limits(cf, &limits);
	if (conn_guard_configure(server->guard, &limits, err,
	    sizeof(err)) != 0)
		log_error("config: %s; the connection limits stay as they "
		    "were", err);
	server->max_body_size = (size_t)cf->max_body_size;
	evhttp_set_max_body_size(server->evhttp, cf->max_body_size);
	evhttp_set_max_headers_size(server->evhttp, cf->max_header_size);
	evhttp_set_timeout(server->evhttp, cf->idle_timeout);
	/* A request in flight keeps the path it was routed on. */
	free(server->path_prefix);
	server->path_prefix = xstrdup(cf->path_prefix);
}

/* Add a route; patterns and their order are fixed at start-up. */
void
http_route(struct http_server *server, const char *method,
    const char *pattern, http_handler handler, void *arg)
{
	size_t i = server->nroutes;

	if (i == HTTP_MAX_ROUTES)
		abort();
	server->targets[i].handler = handler;
	server->targets[i].arg = arg;
	server->routes[i].method = method;
	server->routes[i].pattern = pattern;
	server->routes[i].target = &server->targets[i];
	server->nroutes++;
}

/* The routes added, in the order a request is matched against them. */
const struct route *
http_server_routes(const struct http_server *server, size_t *n)
{
	*n = server->nroutes;
	return server->routes;
}

/* Stop accepting; call drained once no request is left in flight. */
void
http_server_drain(struct http_server *server, http_drained_cb cb, void *arg)
{
	server->draining = 1;
	server->drained = cb;
	server->drained_arg = arg;
	if (server->listener != NULL) {
		evhttp_del_accept_socket(server->evhttp, server->listener);
		server->listener = NULL;
	}
	if (server->inflight == 0)
		cb(arg);
}

/* Requests received and not yet answered. */
int
http_server_inflight(const struct http_server *server)
{
	return server->inflight;
}

/* Report every reply to observe (one observer per server). */
void
http_server_observe(struct http_server *server, http_observer observe,
    void *arg)
{
	server->observe = observe;
	server->observe_arg = arg;
}

/* Close every connection and free the server. */
void
http_server_free(struct http_server *server)
{
	if (server == NULL)
		return;
	if (server->evhttp != NULL)
		evhttp_free(server->evhttp);
	conn_guard_free(server->guard);
	free(server->path_prefix);
	if (http_error_server == server)
		http_error_server = NULL;
	free(server);
}

/* The request method, e.g. "GET". */
const char *
http_request_method(const struct http_request *hr)
{
	return hr->method;
}

/* The path the request was routed on: as sent, without the query and
 * without the path_prefix. */
const char *
http_request_path(const struct http_request *hr)
{
	return hr->path;
}

/* The path as sent, prefix and all: what the signature's "@path"
 * covers. */
const char *
http_request_path_sent(const struct http_request *hr)
{
	return hr->path_sent;
}

/* The query as sent, without "?"; "" when there is none. */
const char *
http_request_query(const struct http_request *hr)
{
	return hr->query;
}

/* The index-th {} segment of the route. */
const char *
http_request_param(const struct http_request *hr, int index)
{
	if (index < 0 || index >= hr->match.nparams)
		abort();
	return hr->match.params[index];
}

/* How many {} segments the route captured. */
int
http_request_nparams(const struct http_request *hr)
{
	return hr->match.nparams;
}

/* Add a header to the reply to come (nothing once the peer has gone);
 * a Cache-Control added here replaces http_reply's "no-store". */
void
http_request_add_header(struct http_request *hr, const char *name,
    const char *value)
{
	if (hr->req == NULL)
		return;
	evhttp_add_header(evhttp_request_get_output_headers(hr->req), name,
	    value);
}

/* A request header, or NULL (also once the peer has gone). */
const char *
http_request_header(const struct http_request *hr, const char *name)
{
	if (hr->req == NULL)
		return NULL;
	return evhttp_find_header(evhttp_request_get_input_headers(hr->req),
	    name);
}

/* The body, NUL-terminated for convenience; *len excludes the NUL. */
const char *
http_request_body(const struct http_request *hr, size_t *len)
{
	*len = hr->body_len;
	return hr->body;
}

/* Name the station key in the access log. */
void
http_request_set_keyid(struct http_request *hr, const char *keyid)
{
	snprintf(hr->keyid, sizeof(hr->keyid), "%s", keyid);
}

/* The station key of a signed request, "" before it is known. */
const char *
http_request_keyid(const struct http_request *hr)
{
	return hr->keyid;
}

/* The request's path for a warning or an error of the log: its route's
 * pattern where it has one ("/v1/volunteers/{}"; what fills a {} may be
 * a name typed into a search box), else the path. */
const char *
http_request_logged(const struct http_request *hr)
{
	return hr->match.route != NULL ? hr->match.route->pattern : hr->path;
}

/* Log the request under another path: a capability URL's token must
 * never reach the access log. */
void
http_request_redact(struct http_request *hr, const char *path)
{
	size_t skip = (size_t)(hr->path - hr->path_sent);	/* the prefix */
	char *sent = xasprintf("%.*s%s", (int)skip, hr->path_sent, path);

	free(hr->path_sent);
	hr->path_sent = sent;
	hr->path = sent + skip;
	hr->redacted = true;
}

/* The path of a request refused or failed (4xx, 5xx) as the access log
 * shows it: what was typed where a number goes may be a name or a phone
 * (the console's search looks it up as a number first), and a capability
 * URL's token must never be there. A route's {} segment is its pattern
 * ("/v1/volunteers/{}"); a path no route took (or none with this method)
 * only as far as the literal segments of some route spell it, the rest
 * "..." ("/v1/volunteers/...", "/p/..."). A path redacted already (a
 * capability URL's, by page.c) stays as it is. */
static void
http_log_path(struct http_request *hr, int status)
{
	const struct http_server *server = hr->server;
	char *logged;
	size_t keep;

	if (status < 400 || hr->redacted)
		return;
	if (hr->match.route != NULL) {
		if (strstr(hr->match.route->pattern, "{}") != NULL)
			http_request_redact(hr, hr->match.route->pattern);
		return;
	}
	keep = route_known_prefix(server->routes, server->nroutes, hr->path);
	if (hr->path[keep] == '\0' || strcmp(hr->path, "/") == 0)
		return;
	logged = xasprintf("%.*s/...", (int)keep, hr->path);
	http_request_redact(hr, logged);
	free(logged);
}

