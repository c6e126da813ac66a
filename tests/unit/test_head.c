/* Unit tests of daemon/head.c: request heads RFC 9112 reads one way pass,
 * the shapes of request smuggling and what evhttp would cut or join are
 * refused with their status, and neither depends on how the bytes are
 * split into reads. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "tests/unit/unit.h"
#include "daemon/head.h"

#define MAX	8192

/* Feed text whole, then again a byte at a time; both must agree. Returns
 * the result and, for HEAD_BAD, the status in *status. */
static enum head_result
feed(const char *text, size_t len, int *status, size_t *used)
{
	struct head whole, bytes;
	enum head_result r1, r2 = HEAD_MORE;
	size_t u1, u2 = 0, n, i;

	head_start(&whole, MAX);
	r1 = head_feed(&whole, text, len, &u1);
	head_start(&bytes, MAX);
	for (i = 0; i < len && r2 == HEAD_MORE; i++) {
		r2 = head_feed(&bytes, text + i, 1, &n);
		u2 += n;
	}
	ck_assert_int_eq(r1, r2);
	ck_assert_uint_eq(u1, u2);
	if (r1 == HEAD_BAD) {
		ck_assert_int_eq(whole.status, bytes.status);
		ck_assert_str_eq(whole.why, bytes.why);
		ck_assert_uint_gt(strlen(whole.why), 10);
	}
	*status = r1 == HEAD_BAD ? whole.status : 0;
	*used = u1;
	return r1;
}

/* The head passes; the body (what follows it) is not read. */
static void
passes(const char *text)
{
	const char *end = strstr(text, "\r\n\r\n");
	size_t used;
	int status;

	ck_assert_ptr_nonnull(end);
	ck_assert_msg(feed(text, strlen(text), &status, &used) == HEAD_DONE,
	    "refused (%d): %s", status, text);
	ck_assert_uint_eq(used, (size_t)(end + 4 - text));
}

/* The head is refused with status. */
static void
refused(const char *text, size_t len, int status)
{
	size_t used;
	int got;

	ck_assert_msg(feed(text, len, &got, &used) == HEAD_BAD,
	    "not refused: %s", text);
	ck_assert_msg(got == status, "status %d, not %d: %s", got, status,
	    text);
}
#define REFUSED(text, status)	refused(text, sizeof(text) - 1, status)

START_TEST(good_heads)
{
	passes("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:8750\r\n\r\n");
	passes("GET /v1/reports/monthly?month=2026-10&level=team HTTP/1.1\r\n"
	    "Host: points.example.org\r\nAccept: text/csv\r\n\r\n");
	passes("POST /v1/communities HTTP/1.1\r\nHost: [::1]:8750\r\n"
	    "Content-Type: application/json\r\nContent-Length: 2\r\n"
	    "Content-Digest: sha-256=:x:\r\nIdempotency-Key: k\r\n"
	    "Signature-Input: sig1=(\"@method\");created=1\r\n"
	    "Signature: sig1=:AAAA:\r\n\r\n{}");
	/* Chunked alone; a repeated Content-Length of the same number. */
	passes("POST /v1/x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked"
	    "\r\n\r\n0\r\n\r\n");
	passes("POST /v1/x HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n"
	    "Content-Length: 005\r\n\r\nhello");
	/* HTTP/1.0 needs no Host; fields other than ours may repeat; values
	 * may hold UTF-8 and tabs; names any case. */
	passes("GET /healthz HTTP/1.0\r\n\r\n");
	passes("GET / HTTP/1.1\r\nhost: h\r\nAccept: a\r\nAccept: b\r\n"
	    "X-Name: \xe5\xbc\xa0\t\xe4\xb8\x89 \r\n\r\n");
	passes("GET /a%20b/%7e?q=%E4%B8%9C&x=1:2@3 HTTP/1.1\r\nHost: h\r\n\r\n");
	/* An unknown method is evhttp's to answer (501). */
	passes("BREW /pot HTTP/1.1\r\nHost: h\r\n\r\n");
	/* A HEAD without a body. */
	passes("HEAD /healthz HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n");
}
END_TEST

START_TEST(smuggling)
{
	REFUSED("POST /v1/x HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n"
	    "Content-Length: 50\r\n\r\nhello", 400);
	REFUSED("POST /v1/x HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n", 400);
	REFUSED("POST /v1/x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked"
	    "\r\nContent-Length: 5\r\n\r\n", 400);
	REFUSED("POST /v1/x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked"
	    "\r\nTransfer-Encoding: chunked\r\n\r\n", 400);
	REFUSED("POST /v1/x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: "
	    "chunked, identity\r\n\r\n", 400);
	REFUSED("POST /v1/x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: "
	    "gzip, chunked\r\n\r\n", 501);
	REFUSED("POST /v1/x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: "
	    "xchunked\r\n\r\n", 400);
	REFUSED("POST /v1/x HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
	    400);
	REFUSED("POST /v1/x HTTP/1.1\r\nHost: h\r\nContent-Length: +5\r\n\r\n",
	    400);
	REFUSED("POST /v1/x HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 5\r\n"
	    "\r\n", 400);
	REFUSED("POST /v1/x HTTP/1.1\r\nHost: h\r\nContent-Length: \r\n\r\n",
	    400);
	REFUSED("HEAD /healthz HTTP/1.1\r\nHost: h\r\nContent-Length: 30\r\n"
	    "\r\nGET /admin HTTP/1.1\r\n\r\n", 400);
	REFUSED("TRACE / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
	    "\r\n", 400);
	/* Two Host lines, none, an empty or a strange one. */
	REFUSED("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400);
	REFUSED("GET / HTTP/1.1\r\nHost: a\r\nHOST: a\r\n\r\n", 400);
	REFUSED("GET / HTTP/1.1\r\nAccept: x\r\n\r\n", 400);
	REFUSED("GET / HTTP/1.1\r\nHost:\r\n\r\n", 400);
	REFUSED("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400);
	REFUSED("GET / HTTP/1.1\r\nHost: user@a\r\n\r\n", 400);
	/* The singletons the signature reads. */
	REFUSED("GET / HTTP/1.1\r\nHost: h\r\nSignature: sig1=:AA:\r\n"
	    "Signature: sig2=:BB:\r\n\r\n", 400);
	REFUSED("GET / HTTP/1.1\r\nHost: h\r\nSignature-Input: a\r\n"
	    "signature-input: b\r\n\r\n", 400);
	REFUSED("POST / HTTP/1.1\r\nHost: h\r\nContent-Digest: a\r\n"
	    "Content-Digest: b\r\n\r\n", 400);
	REFUSED("POST / HTTP/1.1\r\nHost: h\r\nIdempotency-Key: a\r\n"
	    "Idempotency-Key: a\r\n\r\n", 400);
	REFUSED("POST / HTTP/1.1\r\nHost: h\r\nContent-Type: a\r\n"
	    "Content-Type: a\r\n\r\n", 400);
}
END_TEST

START_TEST(bytes)
{
	/* NUL in a value, in a name, in the request line. */
	REFUSED("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\0b\r\n\r\n", 400);
	REFUSED("GET / HTTP/1.1\r\nHost: h\r\nX\0A: a\r\n\r\n", 400);
	REFUSED("GET /he\0al HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	REFUSED("GET / HTTP/1.1\0\r\nHost: h\r\n\r\n", 400);
	/* obs-fold, white space before the colon, bare CR and LF. */
	REFUSED("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\r\n b\r\n\r\n", 400);
	REFUSED("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\r\n\tb\r\n\r\n", 400);
	REFUSED("GET / HTTP/1.1\r\n Host: h\r\n\r\n", 400);
	REFUSED("GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400);
	REFUSED("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\rb\r\n\r\n", 400);
	REFUSED("GET / HTTP/1.1\nHost: h\r\n\r\n", 400);
	REFUSED("GET / HTTP/1.1\r\nHost: h\n\r\n", 400);
	REFUSED("GET / HTTP/1.1\r\nHost: h\r\n\n", 400);
	/* Other control characters; a name that is not a token. */
	REFUSED("GET / HTTP/1.1\r\nHost: h\r\nX-A: \x1b[31m\r\n\r\n", 400);
	REFUSED("GET / HTTP/1.1\r\nHost: h\r\nX-A: \x7f\r\n\r\n", 400);
	REFUSED("GET / HTTP/1.1\r\nHost: h\r\nX(A): a\r\n\r\n", 400);
	REFUSED("GET / HTTP/1.1\r\nHost: h\r\n\xe5\xbc\xa0: a\r\n\r\n", 400);
	REFUSED("GET / HTTP/1.1\r\nHost: h\r\n: a\r\n\r\n", 400);
	REFUSED("GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n", 400);
}
END_TEST

START_TEST(request_line)
{
	/* Absolute-form, authority-form, asterisk-form. */
	REFUSED("GET http://evil.example/v1/communities HTTP/1.1\r\n"
	    "Host: h\r\n\r\n", 400);
	REFUSED("CONNECT evil.example:443 HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	REFUSED("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	/* %00 in the path or the query; malformed percent-encodings. */
	REFUSED("GET /v1/volunteers/V%00 HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	REFUSED("POST /v1/shifts?x=%00 HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	REFUSED("GET /?x=%0 HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	REFUSED("GET /?x=%zz HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	REFUSED("GET /%0g HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	/* Bytes to percent-encode, a fragment, spaces, tabs. */
	REFUSED("GET /a\"b HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	REFUSED("GET /\xe5\xbc\xa0 HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	REFUSED("GET /a#frag HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	REFUSED("GET /a b HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	REFUSED("GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	REFUSED("GET\t/ HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	REFUSED("GET / HTTP/1.1 \r\nHost: h\r\n\r\n", 400);
	/* Versions. */
	REFUSED("GET /\r\n\r\n", 400);
	REFUSED("GET / HTTP/9.9\r\nHost: h\r\n\r\n", 505);
	REFUSED("GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505);
	REFUSED("GET / HTTP/1.10\r\nHost: h\r\n\r\n", 400);
	REFUSED("GET / http/1.1\r\nHost: h\r\n\r\n", 400);
	REFUSED("\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	REFUSED("NONSENSE\r\n\r\n", 400);
	REFUSED("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 400);
}
END_TEST

START_TEST(sizes)
{
	char text[MAX + 200];
	size_t used, n;
	int status;

	/* A request line and headers of exactly MAX bytes (line ends not
	 * counted) pass; one byte more does not. */
	n = (size_t)snprintf(text, sizeof(text), "GET / HTTP/1.1\r\nHost: h"
	    "\r\nX: ");
	memset(text + n, 'x', MAX - (n - 4));
	strcpy(text + n + MAX - (n - 4), "\r\n\r\n");
	ck_assert_int_eq(feed(text, strlen(text), &status, &used), HEAD_DONE);
	strcpy(text + n + MAX - (n - 4), "y\r\n\r\n");
	ck_assert_int_eq(feed(text, strlen(text), &status, &used), HEAD_BAD);
	ck_assert_int_eq(status, 400);
	/* An unfinished head asks for more. */
	ck_assert_int_eq(feed("GET / HTTP/1.1\r\nHost: h\r\nX-", 26, &status,
	    &used), HEAD_MORE);
	ck_assert_uint_eq(used, 26);
}
END_TEST

START_TEST(pipelined)
{
	const char *two = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
	    "GET /b HTTP/1.1\r\nHost: h\r\nHost: h\r\n\r\n";
	struct head h;
	size_t used, first;

	/* The first head ends where it ends; the second, fed anew, is
	 * refused. */
	head_start(&h, MAX);
	ck_assert_int_eq(head_feed(&h, two, strlen(two), &used), HEAD_DONE);
	first = used;
	ck_assert_uint_eq(first, strlen("GET /a HTTP/1.1\r\nHost: h\r\n\r\n"));
	head_start(&h, MAX);
	ck_assert_int_eq(head_feed(&h, two + first, strlen(two) - first,
	    &used), HEAD_BAD);
	ck_assert_str_eq(h.why, "The request has two Host headers.");
}
END_TEST

/* Run the tests; the exit status says whether any failed. */
int
main(void)
{
	return unit_main("head", NULL, NULL, UNIT_TESTS(good_heads, smuggling,
	    bytes, request_line, sizes, pipelined));
}
