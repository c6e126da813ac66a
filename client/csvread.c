#include "config.h"

#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/csvread.h"
#include "client/i18n.h"
#include "xmalloc.h"

struct csvread {
	char		*text;		/* the file as UTF-8, BOM dropped */
	size_t		 len;
	size_t		 at;		/* where the next record starts */
	size_t		 row;		/* records read */
	const char	*encoding;
	char		*cell;		/* the cells of the record read, */
	size_t		 celllen;	/* each ended by NUL */
	size_t		 cellsize;
	size_t		 starts[CSVREAD_MAX_COLUMNS];
	const char	*cells[CSVREAD_MAX_COLUMNS];
};

/* True if the bytes are well-formed UTF-8 (no overlongs, surrogates or
 * code points past U+10FFFF). */
static bool
csvread_utf8(const unsigned char *s, size_t len)
{
	size_t i = 0, n, k;
	unsigned int c;

	while (i < len) {
		c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3;
		else
			return false;
		if (len - i <= n)
			return false;
		for (k = 1; k <= n; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
		if ((c == 0xe0 && s[i + 1] < 0xa0) ||
		    (c == 0xed && s[i + 1] > 0x9f) ||
		    (c == 0xf0 && s[i + 1] < 0x90) ||
		    (c == 0xf4 && s[i + 1] > 0x8f))
			return false;
		i += n + 1;
	}
	return true;
}

/* GB18030 bytes as UTF-8 (NUL-ended, in *out); -1 if they are not. */
static int
csvread_from_gb18030(const char *data, size_t len, char **out, size_t *outlen)
{
	iconv_t cd;
	char *in = (char *)data, *o, *buf;
	size_t inleft = len, size = 2 * len + 16, oleft, r;

	if ((cd = iconv_open("UTF-8", "GB18030")) == (iconv_t)-1)
		return -1;
	buf = xmalloc(size);
	o = buf;
	oleft = size - 1;
	while (inleft > 0) {
		r = iconv(cd, &in, &inleft, &o, &oleft);
		if (r != (size_t)-1)
			break;
		if (errno != E2BIG) {
			/* EILSEQ, or EINVAL: a character cut at the end. */
			iconv_close(cd);
			free(buf);
			return -1;
		}
		r = (size_t)(o - buf);
		size *= 2;
		buf = xrealloc(buf, size);
		o = buf + r;
		oleft = size - 1 - r;
	}
	iconv_close(cd);
	*o = '\0';
	*out = buf;
	*outlen = (size_t)(o - buf);
	return 0;
}

/* The file's bytes, read as UTF-8 or GB18030; NULL with err set if they
 * are neither (or too many). */
struct csvread *
csvread_new(const char *data, size_t len, enum csvread_encoding enc,
    char *err, size_t errlen)
{
	struct csvread *c;
	char *text;
	size_t textlen;
	const char *encoding = "UTF-8";

	if (len > CSVREAD_MAX_BYTES) {
		snprintf(err, errlen, _("the file is larger than %lu MiB"),
		    CSVREAD_MAX_BYTES / (1024 * 1024));
		return NULL;
	}
	if (len >= 2 && ((data[0] == '\xff' && data[1] == '\xfe') ||
	    (data[0] == '\xfe' && data[1] == '\xff'))) {
		snprintf(err, errlen, _("the file is UTF-16 text; save it as "
		    "CSV (UTF-8) or CSV (GB18030)"));
		return NULL;
	}
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 &&
	    enc != CSVREAD_GB18030) {
		data += 3;
		len -= 3;
		enc = CSVREAD_UTF8;
	}
	if (memchr(data, '\0', len) != NULL) {
		snprintf(err, errlen, _("the file holds a NUL byte: it is not "
		    "a CSV file"));
		return NULL;
	}
	if (enc != CSVREAD_GB18030 &&
	    csvread_utf8((const unsigned char *)data, len)) {
		text = xmalloc(len + 1);
		memcpy(text, data, len);
		text[len] = '\0';
		textlen = len;
	} else if (enc == CSVREAD_UTF8) {
		snprintf(err, errlen, _("the file is not UTF-8 text (try "
		    "--encoding gb18030)"));
		return NULL;
	} else if (csvread_from_gb18030(data, len, &text, &textlen) == 0) {
		encoding = "GB18030";
		if (textlen > CSVREAD_MAX_BYTES || memchr(text, '\0',
		    textlen) != NULL) {
			free(text);
			snprintf(err, errlen, _("the file is larger than %lu "
			    "MiB as UTF-8"), CSVREAD_MAX_BYTES / (1024 * 1024));
			return NULL;
		}
	} else {
		snprintf(err, errlen, _("the file is neither UTF-8 nor GB18030 "
		    "text"));
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	c->text = text;
	c->len = textlen;
	c->encoding = encoding;
	c->cellsize = 256;
	c->cell = xmalloc(c->cellsize);
	return c;
}

/* Append one byte to the cell being read (which started at start); -1
 * if it grows too long. The NUL that ends a cell always fits. */
static int
csvread_put(struct csvread *c, size_t start, char ch)
{
	if (ch != '\0' && c->celllen - start >= CSVREAD_MAX_CELL)
		return -1;
	if (c->celllen + 1 >= c->cellsize) {
		c->cellsize *= 2;
		c->cell = xrealloc(c->cell, c->cellsize);
	}
	c->cell[c->celllen++] = ch;
	return 0;
}

/* The next record: 1 with its cells (valid until the next call) and its
 * number (the first is 1, as a spreadsheet numbers its rows), 0 at the
 * end of the file, -1 with err set for a malformed one. */
int
csvread_row(struct csvread *c, const char *const **cells, size_t *ncells,
    size_t *row, char *err, size_t errlen)
{
	const char *s = c->text;
	size_t i = c->at, n = 0, start, k;
	bool quoted;
	char ch;

	if (i >= c->len)
		return 0;
	if (c->row == CSVREAD_MAX_ROWS) {
		snprintf(err, errlen, _("the file has more than %lu rows"),
		    CSVREAD_MAX_ROWS);
		return -1;
	}
	c->row++;
	c->celllen = 0;
	for (;;) {
		if (n == CSVREAD_MAX_COLUMNS) {
			snprintf(err, errlen, _("row %zu has more than %d "
			    "columns"), c->row, CSVREAD_MAX_COLUMNS);
			return -1;
		}
		start = c->celllen;
		c->starts[n] = start;
		quoted = i < c->len && s[i] == '"';
		if (quoted) {
			for (i++;; i++) {
				if (i >= c->len) {
					snprintf(err, errlen, _("row %zu: a "
					    "quoted cell is never closed (is "
					    "the file cut short?)"), c->row);
					return -1;
				}
				if (s[i] == '"') {
					if (i + 1 < c->len && s[i + 1] == '"')
						i++;
					else
						break;
				}
				if (csvread_put(c, start, s[i]) != 0)
					goto long_cell;
			}
			i++;
			if (i < c->len && s[i] != ',' && s[i] != '\n' &&
			    s[i] != '\r') {
				snprintf(err, errlen, _("row %zu: text after a "
				    "quoted cell's closing quote"), c->row);
				return -1;
			}
		} else {
			for (; i < c->len; i++) {
				ch = s[i];
				if (ch == ',' || ch == '\n' || ch == '\r')
					break;
				if (ch == '"') {
					snprintf(err, errlen, _("row %zu: a "
					    "quote inside a cell that does not "
					    "start with one"), c->row);
					return -1;
				}
				if (csvread_put(c, start, ch) != 0)
					goto long_cell;
			}
		}
		csvread_put(c, start, '\0');
		n++;
		if (i < c->len && s[i] == ',') {
			i++;
			continue;
		}
		/* The record ends: CRLF, LF, a lone CR, or the file. */
		if (i < c->len && s[i] == '\r')
			i++;
		if (i < c->len && s[i] == '\n')
			i++;
		break;
	}
	for (k = 0; k < n; k++)
		c->cells[k] = c->cell + c->starts[k];
	c->at = i;
	*cells = c->cells;
	*ncells = n;
	*row = c->row;
	return 1;

long_cell:
	snprintf(err, errlen, _("row %zu has a cell longer than %d bytes"),
	    c->row, CSVREAD_MAX_CELL);
	return -1;
}

/* The encoding the file was read in: "UTF-8" or "GB18030". */
const char *
csvread_encoding(const struct csvread *c)
{
	return c->encoding;
}

/* How much of the file was read, from 0 to 1. */
double
csvread_done(const struct csvread *c)
{
	return c->len == 0 ? 1.0 : (double)c->at / (double)c->len;
}

void
csvread_free(struct csvread *c)
{
	if (c == NULL)
		return;
	free(c->text);
	free(c->cell);
	free(c);
}
