/*
 * libevent before 2.2 has no evhttp_set_errorcb: the replies it makes
 * itself (a bad request line, headers over the limit: 400; a body over
 * max_body_size: 413; 417, 501) go out through evhttp_send_error as HTML
 * pages, before any callback of vpointsd runs. configure builds this file
 * into vpointsd when it finds no evhttp_set_errorcb: this definition
 * replaces the library's, so those replies become problem+json too.
 *
 * It works only because a shared libevent calls its own evhttp_send_error
 * through the PLT, where the executable's definition comes first. A static
 * libevent, or one linked with -Bsymbolic, calls its own directly and
 * silently keeps its HTML pages; tests/e2e/http.sh checks the
 * Content-Type of such a 413 and 400.
 */
#include "config.h"

#include <stdlib.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/http_struct.h>
#include <event2/keyvalq_struct.h>

#include "daemon/http.h"
#include "wire.h"

/* Send an error page as problem+json (the library's sends HTML). */
void
evhttp_send_error(struct evhttp_request *req, int status, const char *reason)
{
	struct evkeyvalq *headers = evhttp_request_get_output_headers(req);
	struct evbuffer *buf = evbuffer_new();

	if (buf == NULL)
		abort();
	/* The request line may not have been read: answer in HTTP/1.1. */
	if (req->major == 0) {
		req->major = 1;
		req->minor = 1;
	}
	evhttp_clear_headers(headers);
	evhttp_add_header(headers, WIRE_HDR_CONTENT_TYPE, WIRE_TYPE_PROBLEM);
	evhttp_add_header(headers, "Connection", "close");
	http_error_page(req, buf, status, reason, NULL);
	evhttp_send_reply(req, status, reason, buf);
	evbuffer_free(buf);
}
