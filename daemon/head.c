#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "daemon/head.h"

/* What a second line of a tracked field means. */
enum head_rule {
	HEAD_RULE_HOST,		/* once, a valid host[:port] */
	HEAD_RULE_LENGTH,	/* digits; repeats only with the same number */
	HEAD_RULE_CODING,	/* once, "chunked" */
	HEAD_RULE_ONCE		/* once */
};

/* The fields the daemon or evhttp reads as one value. */
enum {
	HEAD_F_HOST,
	HEAD_F_LENGTH,
	HEAD_F_CODING
};
static const struct {
	const char	*name;		/* lowercase */
	enum head_rule	 rule;
	const char	*twice;		/* why a second line is refused */
} head_fields[HEAD_FIELDS] = {
	[HEAD_F_HOST] = { "host", HEAD_RULE_HOST,
	    "The request has two Host headers." },
	[HEAD_F_LENGTH] = { "content-length", HEAD_RULE_LENGTH,
	    "The request has two Content-Length headers that differ." },
	[HEAD_F_CODING] = { "transfer-encoding", HEAD_RULE_CODING,
	    "The request has two Transfer-Encoding headers." },
	{ "content-type", HEAD_RULE_ONCE,
	    "The request has two Content-Type headers." },
	{ "content-digest", HEAD_RULE_ONCE,
	    "The request has two Content-Digest headers." },
	{ "signature", HEAD_RULE_ONCE,
	    "The request has two Signature headers." },
	{ "signature-input", HEAD_RULE_ONCE,
	    "The request has two Signature-Input headers." },
	{ "idempotency-key", HEAD_RULE_ONCE,
	    "The request has two Idempotency-Key headers." },
};

/* A token character (RFC 9110 section 5.6.2). */
static bool
head_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' &&
	    strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* A byte an origin-form target may hold as it is (RFC 3986: pchar, "/"
 * and "?"; "%" starts a percent-encoding). */
static bool
head_target_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' &&
	    strchr("-._~!$&'()*+,;=:@/?%", c) != NULL);
}

/* A hexadecimal digit. */
static bool
head_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

/* Refuse the request: HEAD_BAD with status and why. */
static enum head_result
head_refuse(struct head *h, int status, const char *why)
{
	h->status = status;
	h->why = why;
	return HEAD_BAD;
}

/* Ready for a new request head of at most max_size bytes. */
void
head_start(struct head *h, size_t max_size)
{
	memset(h, 0, sizeof(*h));
	h->max_size = max_size;
	h->step = HEAD_METHOD;
	h->field = -1;
}

/* The request line has ended. */
static enum head_result
head_request_line(struct head *h)
{
	if (h->step != HEAD_VERSION || h->pct != 0)
		return head_refuse(h, 400, "The request line is not METHOD "
		    "/path HTTP/1.1.");
	if (h->version_len == 8 && strncmp(h->version, "HTTP/1.1", 8) == 0)
		return HEAD_MORE;
	if (h->version_len == 8 && strncmp(h->version, "HTTP/1.0", 8) == 0) {
		h->http10 = true;
		return HEAD_MORE;
	}
	if (h->version_len == 8 && strncmp(h->version, "HTTP/", 5) == 0 &&
	    h->version[5] >= '0' && h->version[5] <= '9' &&
	    h->version[6] == '.' && h->version[7] >= '0' &&
	    h->version[7] <= '9')
		return head_refuse(h, 505, "Only HTTP/1.1 and HTTP/1.0 are "
		    "served.");
	return head_refuse(h, 400, "The request line's HTTP version is "
	    "malformed.");
}

/* The number a Content-Length of digits says, as digits without
 * leading zeros (so that "05" and "5" are the same). */
static const char *
head_number(const char *digits)
{
	while (digits[0] == '0' && digits[1] != '\0')
		digits++;
	return digits;
}

/* A field line has ended: the rules of the fields we track. */
static enum head_result
head_field_line(struct head *h)
{
	size_t len = h->value_len;
	const char *v = h->value;

	if (h->step != HEAD_VALUE)
		return head_refuse(h, 400, "A header line has no colon, or a "
		    "field name holds a character that is not allowed.");
	if (h->field < 0)
		return HEAD_MORE;
	while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t'))
		len--;
	h->value[len] = '\0';
	h->seen[h->field]++;
	switch (head_fields[h->field].rule) {
	case HEAD_RULE_HOST:
		if (h->seen[h->field] > 1)
			return head_refuse(h, 400, head_fields[h->field].twice);
		if (len == 0 || strspn(v, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:[]") != len)
			return head_refuse(h, 400, "The Host header is empty or "
			    "not HOST[:PORT].");
		return HEAD_MORE;
	case HEAD_RULE_LENGTH:
		if (len == 0 || len > 18 || strspn(v, "0123456789") != len)
			return head_refuse(h, 400, "Content-Length must be "
			    "digits only.");
		if (h->seen[h->field] > 1 &&
		    strcmp(head_number(v), head_number(h->content_length)) != 0)
			return head_refuse(h, 400, head_fields[h->field].twice);
		memcpy(h->content_length, v, len + 1);
		if (strcmp(head_number(v), "0") != 0)
			h->has_body = true;
		return HEAD_MORE;
	case HEAD_RULE_CODING:
		if (h->seen[h->field] > 1)
			return head_refuse(h, 400, head_fields[h->field].twice);
		if (strcasecmp(v, "chunked") == 0) {
			h->has_body = true;
			return HEAD_MORE;
		}
		/* RFC 9112 section 6.1: chunked last, after codings we do
		 * not know, is 501; chunked missing or not last leaves the
		 * body's length unknown, 400. */
		if (len > 8 && strcasecmp(v + len - 7, "chunked") == 0 &&
		    (v[len - 8] == ',' || v[len - 8] == ' ' ||
		    v[len - 8] == '\t'))
			return head_refuse(h, 501, "Only the chunked transfer "
			    "coding is served.");
		return head_refuse(h, 400, "Transfer-Encoding must be chunked.");
	case HEAD_RULE_ONCE:
		if (h->seen[h->field] > 1)
			return head_refuse(h, 400, head_fields[h->field].twice);
		return HEAD_MORE;
	default:
		return head_refuse(h, 400, "A header breaks a rule.");
	}
}

/* The empty line: the head is whole. What it says as a whole. */
static enum head_result
head_end(struct head *h)
{
	if (!h->http10 && h->seen[HEAD_F_HOST] == 0)
		return head_refuse(h, 400, "An HTTP/1.1 request needs a Host "
		    "header.");
	if (h->seen[HEAD_F_CODING] > 0 && h->seen[HEAD_F_LENGTH] > 0)
		return head_refuse(h, 400, "The request has both Content-Length "
		    "and Transfer-Encoding.");
	if (h->seen[HEAD_F_CODING] > 0 && h->http10)
		return head_refuse(h, 400, "Transfer-Encoding is not HTTP/1.0.");
	/* evhttp reads no body for these: one would be the next request. */
	if (h->has_body && (strcmp(h->method, "HEAD") == 0 ||
	    strcmp(h->method, "TRACE") == 0))
		return head_refuse(h, 400, "A HEAD or TRACE request has no "
		    "body.");
	return HEAD_DONE;
}

/* A line has ended (its CR LF seen). */
static enum head_result
head_line_end(struct head *h)
{
	enum head_result r;

	if (h->line == 0)
		r = h->col == 0 ? head_refuse(h, 400, "The request line is "
		    "empty.") : head_request_line(h);
	else if (h->col == 0)
		return head_end(h);
	else
		r = head_field_line(h);
	h->line++;
	h->col = 0;
	h->step = HEAD_LINE_START;
	return r;
}

/* One byte of the request line, not a line end. */
static enum head_result
head_request_byte(struct head *h, unsigned char c)
{
	switch (h->step) {
	case HEAD_METHOD:
		if (c == ' ' && h->method_len > 0) {
			h->step = HEAD_TARGET_START;
			return HEAD_MORE;
		}
		if (!head_tchar(c))
			break;
		if (h->method_len < HEAD_METHOD_MAX)
			h->method[h->method_len] = (char)c;
		h->method_len++;
		return HEAD_MORE;
	case HEAD_TARGET_START:
		if (c != '/')
			return head_refuse(h, 400, "The request target must be "
			    "a path (origin-form, RFC 9112 section 3.2.1); "
			    "absolute-form, authority-form and * are not "
			    "served.");
		h->step = HEAD_TARGET;
		return HEAD_MORE;
	case HEAD_TARGET:
		if (h->pct > 0) {
			if (!head_hex(c))
				return head_refuse(h, 400, "The request target "
				    "has a % not followed by two hex digits.");
			if (c != '0')
				h->pct_zero = false;
			if (--h->pct == 0 && h->pct_zero)
				return head_refuse(h, 400, "The request target "
				    "holds %00, a NUL byte.");
			return HEAD_MORE;
		}
		if (c == ' ') {
			h->step = HEAD_VERSION;
			return HEAD_MORE;
		}
		if (!head_target_char(c))
			return head_refuse(h, 400, "The request target holds "
			    "a byte that must be percent-encoded.");
		if (c == '%') {
			h->pct = 2;
			h->pct_zero = true;
		}
		return HEAD_MORE;
	case HEAD_VERSION:
		if (c == ' ' || h->version_len == sizeof(h->version) - 1)
			break;
		h->version[h->version_len++] = (char)c;
		return HEAD_MORE;
	default:
		break;
	}
	return head_refuse(h, 400, "The request line is not METHOD /path "
	    "HTTP/1.1.");
}

/* One byte of a field line, not a line end. */
static enum head_result
head_field_byte(struct head *h, unsigned char c)
{
	size_t i;

	switch (h->step) {
	case HEAD_LINE_START:
		if (c == ' ' || c == '\t')
			return head_refuse(h, 400, "A header line starts with "
			    "white space (obs-fold, RFC 9112 section 5.2).");
		h->step = HEAD_NAME;
		h->name_len = 0;
		h->value_len = 0;
		h->field = -1;
		/* FALLTHROUGH */
	case HEAD_NAME:
		if (c == ':' && h->name_len > 0) {
			h->step = HEAD_VALUE;
			if (h->name_len > HEAD_NAME_MAX)
				return HEAD_MORE;
			h->name[h->name_len] = '\0';
			for (i = 0; i < HEAD_FIELDS; i++) {
				if (strcmp(h->name, head_fields[i].name) == 0)
					h->field = (int)i;
			}
			return HEAD_MORE;
		}
		if (c == ' ' || c == '\t')
			return head_refuse(h, 400, "White space between a field "
			    "name and its colon (RFC 9112 section 5.1).");
		if (!head_tchar(c))
			return head_refuse(h, 400, "A field name holds a "
			    "character that is not allowed.");
		if (h->name_len < HEAD_NAME_MAX)
			h->name[h->name_len] = (char)(c >= 'A' && c <= 'Z' ?
			    c - 'A' + 'a' : c);
		h->name_len++;
		return HEAD_MORE;
	case HEAD_VALUE:
		if (h->field < 0 || (h->value_len == 0 && (c == ' ' ||
		    c == '\t')))
			return HEAD_MORE;
		if (h->value_len == HEAD_VALUE_MAX)
			return head_refuse(h, 400, "A Host, Content-Length or "
			    "Transfer-Encoding header is too long.");
		if (head_fields[h->field].rule != HEAD_RULE_ONCE)
			h->value[h->value_len++] = (char)c;
		return HEAD_MORE;
	default:
		return head_refuse(h, 400, "A header line is malformed.");
	}
}

/* A byte that may stand in a field value as itself: visible, white space
 * or beyond ASCII; not CR, LF, NUL or another control byte. */
static bool
head_value_byte(char b)
{
	unsigned char c = (unsigned char)b;

	return (c >= 0x20 && c != 0x7f) || c == '\t';
}

/*
 * Feed the next n bytes of the connection. *used is how many were taken:
 * all of them for HEAD_MORE, up to the end of the head for HEAD_DONE
 * (the rest is the body), up to the byte refused for HEAD_BAD. After
 * HEAD_DONE or HEAD_BAD, head_start before feeding again.
 */
enum head_result
head_feed(struct head *h, const char *bytes, size_t n, size_t *used)
{
	enum head_result r = HEAD_MORE;
	unsigned char c;
	size_t i, run;

	for (i = 0; i < n && r == HEAD_MORE; i++) {
		/* The value of a field whose value the screen does not keep
		 * (a signature, a digest: most of a signed request's head)
		 * only has its bytes checked and counted: a run at once. */
		if (!h->cr && h->line > 0 && h->step == HEAD_VALUE &&
		    (h->field < 0 ||
		    head_fields[h->field].rule == HEAD_RULE_ONCE)) {
			for (run = 0; i + run < n && h->size + run <
			    h->max_size && head_value_byte(bytes[i + run]);
			    run++)
				;
			h->size += run;
			h->col += run;
			if ((i += run) == n)
				break;
		}
		c = (unsigned char)bytes[i];
		if (h->cr) {
			h->cr = false;
			if (c != '\n')
				r = head_refuse(h, 400, "The request head holds "
				    "a CR that ends no line.");
			else
				r = head_line_end(h);
			continue;
		}
		if (c == '\r') {
			h->cr = true;
			continue;
		}
		if (c == '\n')
			r = head_refuse(h, 400, "A line of the request head "
			    "ends in LF alone; HTTP/1.1 lines end in CR LF.");
		else if (c == '\0')
			r = head_refuse(h, 400, "The request head holds a NUL "
			    "byte.");
		else if ((c < 0x20 && c != '\t') || c == 0x7f)
			r = head_refuse(h, 400, "The request head holds a "
			    "control character.");
		else if (++h->size > h->max_size) {
			r = head_refuse(h, 400, "The request line and headers "
			    "are larger than the server takes.");
			h->too_large = true;
		}
		else if (h->line == 0)
			r = head_request_byte(h, c);
		else
			r = head_field_byte(h, c);
		h->col++;
	}
	*used = i;
	return r;
}
