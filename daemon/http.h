/* The HTTP side of vpointsd: the evhttp listener, routing, limits, replies
 * (JSON and RFC 9457 problem+json), the access log and the life of each
 * request. Handlers see a struct http_request and never evhttp itself. */
#ifndef VPOINTSD_HTTP_H
#define VPOINTSD_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <event2/event.h>
#include <jansson.h>

#include "daemon/conf.h"

struct http_server;
struct http_request;
struct route;
struct evhttp_request;
struct evbuffer;

typedef void (*http_handler)(struct http_request *, void *arg);
typedef void (*http_drained_cb)(void *arg);
/* Told of every reply: the route's pattern (NULL when none matched), the
 * method ("?" when unknown), the status, and the seconds since the request
 * came (negative when the HTTP layer refused it before routing). */
typedef void (*http_observer)(const char *route, const char *method,
    int status, double seconds, void *arg);

struct http_server *http_server_create(struct event_base *,
			const struct conf *, char *err, size_t errlen);
void		 http_server_configure(struct http_server *,
		    const struct conf *);
int		 http_server_fit_files(const struct conf *, char *err,
		    size_t errlen);
void		 http_route(struct http_server *, const char *method,
		    const char *pattern, http_handler, void *arg);
const struct route *http_server_routes(const struct http_server *,
		    size_t *n);
void		 http_server_drain(struct http_server *, http_drained_cb,
		    void *arg);
int		 http_server_inflight(const struct http_server *);
void		 http_server_observe(struct http_server *, http_observer,
		    void *arg);
void		 http_server_free(struct http_server *);

const char	*http_request_method(const struct http_request *);
const char	*http_request_path_sent(const struct http_request *);
const char	*http_request_path(const struct http_request *);
const char	*http_request_logged(const struct http_request *);
const char	*http_request_query(const struct http_request *);
const char	*http_request_param(const struct http_request *, int index);
int		 http_request_nparams(const struct http_request *);
void		 http_request_add_header(struct http_request *,
		    const char *name, const char *value);
const char	*http_request_header(const struct http_request *,
		    const char *name);
const char	*http_request_body(const struct http_request *, size_t *len);
bool		 http_request_cancelled(const struct http_request *);
void		 http_request_set_keyid(struct http_request *, const char *);
const char	*http_request_keyid(const struct http_request *);
void		 http_request_redact(struct http_request *, const char *path);

void		 http_reply(struct http_request *, int status,
		    const char *content_type, const char *body, size_t len);
void		 http_reply_json(struct http_request *, int status, json_t *);
void		 http_reply_problem(struct http_request *, int status,
		    const char *type, const char *title, const char *detail);
void		 http_reply_problem_members(struct http_request *, int status,
		    const char *type, const char *title, const char *detail,
		    json_t *members);
void		 http_reply_problem_json(struct http_request *, json_t *);

/* The body of the error pages evhttp makes itself (evhttp_set_errorcb's
 * callback; compat/evhttp_send_error.c calls it with a NULL arg). */
int		 http_error_page(struct evhttp_request *, struct evbuffer *,
		    int status, const char *reason, void *arg);

#endif
