/* The head of an HTTP/1.1 request (RFC 9112: the request line and the
 * header section), checked byte by byte as it arrives, before evhttp parses
 * it: daemon/conn.c feeds it each connection's bytes. It refuses what two
 * parsers could read two ways, the shapes of request smuggling behind a
 * reverse proxy, and what evhttp would silently cut or join:
 *
 *  - a NUL, another control character, a bare CR, or a bare LF as a line
 *    end anywhere in the head; a line starting with white space (obs-fold);
 *  - a request line that is not METHOD SP origin-form-target SP
 *    HTTP/1.0|HTTP/1.1 (absolute-form, "*", a byte the target must
 *    percent-encode, a malformed %XX, or %00, which decodes to NUL);
 *  - a field name that is not a token, or white space before its colon;
 *  - two Host lines, an empty or malformed Host, no Host in HTTP/1.1;
 *  - two Content-Length lines that differ, one that is not digits;
 *    Content-Length with Transfer-Encoding; a Transfer-Encoding other than
 *    "chunked" (501 when chunked comes last after codings not served);
 *    Transfer-Encoding in HTTP/1.0; a body on HEAD or TRACE;
 *  - a second line of a field the daemon reads as one value:
 *    Content-Type, Content-Digest, Signature, Signature-Input,
 *    Idempotency-Key (never "the first line wins");
 *  - a head over its size limit (bytes without the line ends, as evhttp
 *    counts them for max_header_size).
 *
 * Pure: no I/O, no allocation; tests/unit/test_head.c. */
#ifndef VPOINTSD_HEAD_H
#define VPOINTSD_HEAD_H

#include <stdbool.h>
#include <stddef.h>

#define HEAD_NAME_MAX	24	/* a field name longer is none we track */
#define HEAD_VALUE_MAX	255	/* a tracked value longer is refused */
#define HEAD_METHOD_MAX	15	/* a method longer is none we serve */
#define HEAD_FIELDS	8	/* fields tracked (head.c: head_fields) */

enum head_result {
	HEAD_MORE,	/* no end yet: feed the next bytes */
	HEAD_DONE,	/* the head ended; the bytes after it are the body's */
	HEAD_BAD	/* refused: status and why say so */
};

/* Where a line of the head is (head.c). */
enum head_step {
	HEAD_METHOD,		/* the request line's method */
	HEAD_TARGET_START,	/* the first byte of the request target */
	HEAD_TARGET,		/* the rest of the request target */
	HEAD_VERSION,		/* the HTTP version */
	HEAD_LINE_START,	/* the first byte of a field line */
	HEAD_NAME,		/* a field name */
	HEAD_VALUE		/* a field value */
};

/* One request head on its way in. */
struct head {
	size_t		 max_size;	/* bytes allowed, line ends excluded */
	size_t		 size;		/* bytes so far, line ends excluded */
	unsigned	 line;		/* 0: the request line */
	size_t		 col;		/* bytes of this line so far */
	enum head_step	 step;
	bool		 cr;		/* the byte before was a CR */
	char		 method[HEAD_METHOD_MAX + 1];
	size_t		 method_len;
	int		 pct;		/* hex digits due after a % */
	bool		 pct_zero;	/* the %XX so far reads %0 */
	char		 version[9];	/* "HTTP/1.1" */
	size_t		 version_len;
	bool		 http10;	/* HTTP/1.0 */
	char		 name[HEAD_NAME_MAX + 1];	/* lowercase */
	size_t		 name_len;
	int		 field;		/* index in head_fields, or -1 */
	char		 value[HEAD_VALUE_MAX + 1];	/* a tracked value */
	size_t		 value_len;
	unsigned	 seen[HEAD_FIELDS];	/* lines of each field */
	char		 content_length[HEAD_VALUE_MAX + 1];
	bool		 has_body;	/* Content-Length > 0 or chunked */
	int		 status;	/* HEAD_BAD: 400, 501 or 505 */
	const char	*why;		/* HEAD_BAD: a sentence for people */
	bool		 too_large;	/* HEAD_BAD: over max_size */
};

void		 head_start(struct head *, size_t max_size);
enum head_result head_feed(struct head *, const char *bytes, size_t n,
		    size_t *used);

#endif
