#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "csv.h"
#include "client/headings.h"
#include "client/i18n.h"
#include "client/table.h"
#include "buf.h"
#include "xmalloc.h"

#define TABLE_GAP	"  "	/* between two columns */

/* The text of a JSON value: a string as it is, null or absent (NULL) as
 * nothing, a list as its items joined by separator, an object as compact
 * JSON. */
char *
table_value(json_t *value, const char *separator)
{
	struct buf b = { NULL, 0, 0 };
	json_t *item;
	size_t i;
	char *text;

	if (value == NULL)
		return xstrdup("");
	switch (json_typeof(value)) {
	case JSON_STRING:
		return xstrndup(json_string_value(value),
		    json_string_length(value));
	case JSON_INTEGER:
		return xasprintf("%lld", (long long)json_integer_value(value));
	case JSON_REAL:
		return xasprintf("%g", json_real_value(value));
	case JSON_TRUE:
		return xstrdup("true");
	case JSON_FALSE:
		return xstrdup("false");
	case JSON_ARRAY:
		json_array_foreach(value, i, item) {
			text = table_value(item, separator);
			if (i > 0)
				buf_puts(&b, separator);
			buf_puts(&b, text);
			free(text);
		}
		return b.data != NULL ? b.data : xstrdup("");
	case JSON_OBJECT:
		text = json_dumps(value, JSON_COMPACT);
		if (text == NULL)
			abort();
		return text;
	case JSON_NULL:
	default:
		return xstrdup("");
	}
}

/* Minutes as hours:minutes, "90" as "1:30"; nothing when not a number. */
char *
table_hours(json_t *minutes)
{
	long long m = json_integer_value(minutes);

	if (!json_is_integer(minutes))
		return xstrdup("");
	return xasprintf("%s%lld:%02lld", m < 0 ? "-" : "", llabs(m) / 60,
	    llabs(m) % 60);
}

/* A number with places decimals ("12.50"); any other value as
 * table_value shows it. */
char *
table_fixed(json_t *value, int places)
{
	if (json_is_number(value))
		return xasprintf("%.*f", places, json_number_value(value));
	return table_value(value, ", ");
}

/* An RFC 3339 time as "YYYY-MM-DD HH:MM" in the daemon's time zone. */
char *
table_time(json_t *rfc3339)
{
	const char *s = json_string_value(rfc3339);

	if (s == NULL)
		return xstrdup("");
	if (strlen(s) < 16 || s[10] != 'T')
		return xstrdup(s);
	return xasprintf("%.10s %.5s", s, s + 11);
}

/* True for a code point that a terminal shows two columns wide. */
static int
table_wide(uint32_t c)
{
	return (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0x303e) ||
	    (c >= 0x3041 && c <= 0x33ff) || (c >= 0x3400 && c <= 0x4dbf) ||
	    (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xa000 && c <= 0xa4cf) ||
	    (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
	    (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
	    (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) ||
	    (c >= 0x20000 && c <= 0x3fffd);
}

/* The bytes of the UTF-8 character at utf8 (not at its end), and in
 * *width the columns it takes on a terminal: a combining mark none, CJK
 * two; a stray or broken byte is one byte of one column. */
size_t
table_char(const char *utf8, size_t *width)
{
	const unsigned char *p = (const unsigned char *)utf8;
	size_t n, i;
	uint32_t c;

	*width = 1;
	if (*p < 0x80)
		return 1;
	n = *p >= 0xf0 ? 3 : *p >= 0xe0 ? 2 : *p >= 0xc0 ? 1 : 0;
	c = *p & (0x3f >> n);
	for (i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 1;	/* a broken sequence */
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c >= 0x300 && c <= 0x36f)		/* combining marks */
		*width = 0;
	else if (table_wide(c))
		*width = 2;
	return n + 1;
}

/* Columns a UTF-8 string takes on a terminal; a stray byte counts one. */
size_t
table_width(const char *utf8)
{
	size_t width = 0, w;

	while (*utf8 != '\0') {
		utf8 += table_char(utf8, &w);
		width += w;
	}
	return width;
}

/* The table text of one cell: control characters become spaces, so that
 * a value cannot break the layout. */
static char *
table_cell(const struct table_column *col, json_t *object)
{
	json_t *value = json_object_get(object, col->key);
	char *text, *p;

	if (col->show != NULL)
		text = col->show(value);
	else if (json_is_string(value))	/* "active" in the user's words */
		text = xstrdup(heading_value(col->key,
		    json_string_value(value)));
	else if (json_is_boolean(value))
		text = xstrdup(heading_boolean(json_is_true(value)));
	else
		text = table_value(value, ", ");
	for (p = text; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	}
	return text;
}

/* Append text to a line, padded to width columns. */
static void
table_pad(struct buf *line, const char *text, size_t width, bool right)
{
	size_t w = table_width(text);

	for (; right && w < width; w++)
		buf_puts(line, " ");
	buf_puts(line, text);
	for (; !right && w < width; w++)
		buf_puts(line, " ");
}

/* Print a line without the spaces at its end. */
static void
table_line(FILE *f, struct buf *line)
{
	while (line->len > 0 && line->data[line->len - 1] == ' ')
		line->data[--line->len] = '\0';
	fprintf(f, "%s\n", line->data != NULL ? line->data : "");
	line->len = 0;
}

/* The CSV header: every column's key. */
static void
table_csv_header(FILE *f, const struct table_column *cols, size_t ncols)
{
	const char **fields = xcalloc(ncols, sizeof(*fields));
	size_t c;

	for (c = 0; c < ncols; c++)
		fields[c] = cols[c].key;
	csv_record(f, fields, ncols);
	free(fields);
}

/* One object as a CSV record: each value as the daemon gave it. */
static void
table_csv_record(FILE *f, const struct table_column *cols, size_t ncols,
    json_t *object)
{
	char **fields = xcalloc(ncols, sizeof(*fields));
	size_t c;

	for (c = 0; c < ncols; c++)
		fields[c] = table_value(json_object_get(object, cols[c].key),
		    ";");
	csv_record(f, (const char *const *)fields, ncols);
	for (c = 0; c < ncols; c++)
		free(fields[c]);
	free(fields);
}

/* Print a list of objects, one a row, under a header. */
void
table_rows(FILE *f, enum table_format format, const struct table_column *cols,
    size_t ncols, json_t *objects)
{
	size_t nrows = json_array_size(objects), r, c, shown;
	struct buf line = { NULL, 0, 0 };
	size_t *width;
	char **cells;

	if (format == TABLE_CSV) {
		table_csv_header(f, cols, ncols);
		for (r = 0; r < nrows; r++)
			table_csv_record(f, cols, ncols,
			    json_array_get(objects, r));
		return;
	}
	width = xcalloc(ncols, sizeof(*width));
	cells = xcalloc(nrows * ncols + 1, sizeof(*cells));
	for (c = 0; c < ncols; c++) {
		if (cols[c].title == NULL)
			continue;
		width[c] = table_width(i18n_gettext(cols[c].title));
		for (r = 0; r < nrows; r++) {
			cells[r * ncols + c] = table_cell(&cols[c],
			    json_array_get(objects, r));
			if (table_width(cells[r * ncols + c]) > width[c])
				width[c] = table_width(cells[r * ncols + c]);
		}
	}
	for (r = 0; r <= nrows; r++) {
		for (c = 0, shown = 0; c < ncols; c++) {
			if (cols[c].title == NULL)
				continue;
			if (shown++ > 0)
				buf_puts(&line, TABLE_GAP);
			table_pad(&line, r == 0 ? i18n_gettext(cols[c].title) :
			    cells[(r - 1) * ncols + c], width[c],
			    cols[c].right);
		}
		table_line(f, &line);
	}
	for (r = 0; r < nrows * ncols; r++)
		free(cells[r]);
	free(cells);
	free(width);
	free(line.data);
}

/* Print one object: "title  value" lines for the members it has, or a
 * CSV header and record. */
void
table_record(FILE *f, enum table_format format,
    const struct table_column *cols, size_t ncols, json_t *object)
{
	struct buf line = { NULL, 0, 0 };
	size_t c, width = 0;
	json_t *value;
	char *text;

	if (format == TABLE_CSV) {
		table_csv_header(f, cols, ncols);
		table_csv_record(f, cols, ncols, object);
		return;
	}
	for (c = 0; c < ncols; c++) {
		if (cols[c].title != NULL &&
		    table_width(i18n_gettext(cols[c].title)) > width)
			width = table_width(i18n_gettext(cols[c].title));
	}
	for (c = 0; c < ncols; c++) {
		value = json_object_get(object, cols[c].key);
		if (cols[c].title == NULL || value == NULL ||
		    json_is_null(value))
			continue;
		text = table_cell(&cols[c], object);
		table_pad(&line, i18n_gettext(cols[c].title), width, false);
		buf_puts(&line, TABLE_GAP);
		buf_puts(&line, text);
		table_line(f, &line);
		free(text);
	}
	free(line.data);
}
