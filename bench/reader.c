/* A small strict reader of an HTTP/1.1 answer's head: the status line,
 * Content-Length (required but for 204 and 304), no Transfer-Encoding,
 * and whether the connection ends with the answer. */
#include "config.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "bench/load.h"

/* Whether a Connection header's value holds the token. */
static bool
reader_has_token(const char *value, size_t len, const char *token)
{
	size_t tlen = strlen(token), i = 0, start, end;

	while (i < len) {
		while (i < len && (value[i] == ' ' || value[i] == '\t' ||
		    value[i] == ','))
			i++;
		start = i;
		while (i < len && value[i] != ',')
			i++;
		end = i;
		while (end > start && (value[end - 1] == ' ' ||
		    value[end - 1] == '\t'))
			end--;
		if (end - start == tlen &&
		    strncasecmp(value + start, token, tlen) == 0)
			return true;
	}
	return false;
}

/* Parse an answer's head (len bytes, ending in CRLF CRLF) into h;
 * returns NULL, or why it is not strict HTTP/1.1. */
const char *
reader_parse_head(const char *head, size_t len, struct load_head *h)
{
	const char *line, *eol, *colon, *value, *end = head + len - 2;
	bool have_length = false, http10, keep_alive = false;
	size_t vlen, i;
	int64_t length;
	char digits[24];

	if (memchr(head, '\0', len) != NULL)
		return "NUL in the answer's head";
	if (len < 16 || strncmp(head, "HTTP/1.", 7) != 0 ||
	    (head[7] != '0' && head[7] != '1') || head[8] != ' ' ||
	    head[9] < '1' || head[9] > '5' || head[10] < '0' ||
	    head[10] > '9' || head[11] < '0' || head[11] > '9' ||
	    (head[12] != ' ' && head[12] != '\r'))
		return "bad status line";
	http10 = head[7] == '0';
	h->status = (head[9] - '0') * 100 + (head[10] - '0') * 10 +
	    (head[11] - '0');
	if (h->status < 200)
		return "an interim (1xx) answer to a request that asked "
		    "for none";
	h->close_after = false;
	h->body_len = 0;
	line = head;
	for (;;) {
		eol = memchr(line, '\r', end - line + 2);
		if (eol == NULL || eol[1] != '\n' ||
		    memchr(line, '\n', eol - line) != NULL)
			return "a line not ended by CRLF";
		if (line != head) {
			if (eol == line)
				break;
			if (*line == ' ' || *line == '\t')
				return "a folded header line";
			colon = memchr(line, ':', eol - line);
			if (colon == NULL || colon == line)
				return "a header line without a name";
			for (i = 0; line + i < colon; i++) {
				if (line[i] <= ' ' || line[i] >= 0x7f)
					return "a bad header name";
			}
			value = colon + 1;
			while (value < eol && (*value == ' ' || *value == '\t'))
				value++;
			vlen = eol - value;
			while (vlen > 0 && (value[vlen - 1] == ' ' ||
			    value[vlen - 1] == '\t'))
				vlen--;
			if (colon - line == 14 &&
			    strncasecmp(line, "content-length", 14) == 0) {
				if (vlen == 0 || vlen >= sizeof(digits) ||
				    strspn(value, "0123456789") < vlen)
					return "a bad Content-Length";
				memcpy(digits, value, vlen);
				digits[vlen] = '\0';
				if (cmdline_number(digits, 0, LOAD_MAX_BODY,
				    &length) != 0)
					return "a Content-Length too large";
				if (have_length &&
				    (size_t)length != h->body_len)
					return "two Content-Lengths";
				have_length = true;
				h->body_len = (size_t)length;
			} else if (colon - line == 17 && strncasecmp(line,
			    "transfer-encoding", 17) == 0)
				return "a Transfer-Encoding (Content-Length "
				    "expected)";
			else if (colon - line == 10 &&
			    strncasecmp(line, "connection", 10) == 0) {
				if (reader_has_token(value, vlen, "close"))
					h->close_after = true;
				if (reader_has_token(value, vlen, "keep-alive"))
					keep_alive = true;
			}
		}
		line = eol + 2;
	}
	if (http10 && !keep_alive)
		h->close_after = true;
	/* Only 204 and 304 may leave out the length: they have no body. */
	if (!have_length && h->status != 204 && h->status != 304)
		return "no Content-Length";
	return NULL;
}
