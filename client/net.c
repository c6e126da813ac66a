#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#include "client/i18n.h"
#include "client/net.h"
#include "buf.h"
#include "wire.h"
#include "xmalloc.h"

/* Split "http://host[:port][/]" into host and port. */
int
net_split_server(const char *server, char *host, size_t hostlen, int *port)
{
	struct evhttp_uri *uri = evhttp_uri_parse(server);
	const char *scheme, *h, *path;
	int rc = -1;

	if (uri == NULL)
		return -1;
	scheme = evhttp_uri_get_scheme(uri);
	h = evhttp_uri_get_host(uri);
	path = evhttp_uri_get_path(uri);
	if (scheme == NULL || strcmp(scheme, "http") != 0 || h == NULL ||
	    *h == '\0' || strlen(h) >= hostlen ||
	    (path != NULL && *path != '\0' && strcmp(path, "/") != 0) ||
	    evhttp_uri_get_query(uri) != NULL)
		goto done;
	snprintf(host, hostlen, "%s", h);
	*port = evhttp_uri_get_port(uri);
	if (*port == -1)
		*port = 80;
	rc = 0;
done:
	evhttp_uri_free(uri);
	return rc;
}

/* "host" or "host:port" as the Host header and @authority carry it. */
int
net_authority(const char *server, char *out, size_t len)
{
	char host[256];
	int port;

	if (net_split_server(server, host, sizeof(host), &port) != 0)
		return -1;
	if (port == 80)
		snprintf(out, len, "%s", host);
	else
		snprintf(out, len, "%s:%d", host, port);
	return 0;
}

/* The answer arrived, or the exchange failed (req NULL or code 0). */
static void
net_done(struct evhttp_request *req, void *arg)
{
	struct net_response *resp = arg;
	struct evbuffer *in;
	const char *ct;

	if (req == NULL || evhttp_request_get_response_code(req) == 0) {
		if (resp->error[0] == '\0')
			snprintf(resp->error, sizeof(resp->error),
			    _("no answer (connection refused, reset or timed "
			    "out)"));
		return;
	}
	resp->status = evhttp_request_get_response_code(req);
	ct = evhttp_find_header(evhttp_request_get_input_headers(req),
	    WIRE_HDR_CONTENT_TYPE);
	resp->content_type = ct != NULL ? xstrdup(ct) : NULL;
	in = evhttp_request_get_input_buffer(req);
	resp->len = evbuffer_get_length(in);
	resp->body = xmalloc(resp->len + 1);
	evbuffer_remove(in, resp->body, resp->len);
	resp->body[resp->len] = '\0';
}

/* Map a method name to libevent's enum; -1 if unknown. */
static int
net_method(const char *method, enum evhttp_cmd_type *cmd)
{
	if (strcmp(method, "GET") == 0)
		*cmd = EVHTTP_REQ_GET;
	else if (strcmp(method, "POST") == 0)
		*cmd = EVHTTP_REQ_POST;
	else if (strcmp(method, "PUT") == 0)
		*cmd = EVHTTP_REQ_PUT;
	else if (strcmp(method, "DELETE") == 0)
		*cmd = EVHTTP_REQ_DELETE;
	else if (strcmp(method, "PATCH") == 0)
		*cmd = EVHTTP_REQ_PATCH;
	else
		return -1;
	return 0;
}

/* Send one request and wait for its answer. Returns 0 when an answer came
 * (whatever its status), -1 with resp->error otherwise. */
int
net_request(const char *server, const char *method, const char *target,
    const struct net_header *headers, size_t nheaders, const char *body,
    size_t len, int timeout_seconds, struct net_response *resp)
{
	struct evhttp_connection *conn = NULL;
	struct evhttp_request *req;
	struct event_base *base = NULL;
	struct evkeyvalq *out;
	enum evhttp_cmd_type cmd;
	char host[256], authority[300], length[24];
	size_t i;
	int port;

	memset(resp, 0, sizeof(*resp));
	if (net_split_server(server, host, sizeof(host), &port) != 0) {
		snprintf(resp->error, sizeof(resp->error),
		    _("server \"%s\" is not http://HOST[:PORT]"), server);
		return -1;
	}
	if (net_method(method, &cmd) != 0)
		abort();
	base = event_base_new();
	if (base == NULL)
		abort();
	conn = evhttp_connection_base_new(base, NULL, host,
	    (unsigned short)port);
	if (conn == NULL)
		abort();
	evhttp_connection_set_timeout(conn, timeout_seconds);
	req = evhttp_request_new(net_done, resp);
	if (req == NULL)
		abort();
	out = evhttp_request_get_output_headers(req);
	net_authority(server, authority, sizeof(authority));
	evhttp_add_header(out, "Host", authority);
	evhttp_add_header(out, "Connection", "close");
	for (i = 0; i < nheaders; i++)
		evhttp_add_header(out, headers[i].name, headers[i].value);
	if (body != NULL) {
		/* libevent adds Content-Length to POST and PUT only. */
		snprintf(length, sizeof(length), "%zu", len);
		evhttp_add_header(out, "Content-Length", length);
		evbuffer_add(evhttp_request_get_output_buffer(req), body, len);
	}
	/* On failure evhttp_make_request frees req itself. */
	if (evhttp_make_request(conn, req, cmd, target) != 0) {
		snprintf(resp->error, sizeof(resp->error),
		    _("cannot send the request"));
		goto done;
	}
	event_base_dispatch(base);
done:
	evhttp_connection_free(conn);
	event_base_free(base);
	return resp->status != 0 ? 0 : -1;
}

/* Free what a response holds. */
void
net_response_clear(struct net_response *resp)
{
	free(resp->content_type);
	free(resp->body);
	memset(resp, 0, sizeof(*resp));
}

/* s percent-encoded for a path segment or a query value: every byte but
 * letters, digits and "-._~" as %XX. */
char *
net_encode(const char *s)
{
	char *encoded = evhttp_uriencode(s, -1, 0);

	if (encoded == NULL)
		abort();
	return encoded;
}

/* Append "name=value" to a query string, percent-encoded; nothing when
 * value is NULL. */
void
net_query_add(struct buf *query, const char *name, const char *value)
{
	char *encoded;

	if (value == NULL)
		return;
	if (query->len > 0)
		buf_puts(query, "&");
	buf_puts(query, name);
	buf_puts(query, "=");
	encoded = net_encode(value);
	buf_puts(query, encoded);
	free(encoded);
}
