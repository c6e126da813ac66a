#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <xlsxwriter.h>

#include "client/headings.h"
#include "client/i18n.h"
#include "client/table.h"
#include "client/xlsx.h"
#include "xmalloc.h"

#define XLSX_WIDTH_MIN	6	/* the narrowest column, in characters */
#define XLSX_WIDTH_MAX	60	/* the widest; longer text runs over */
#define XLSX_PAPER_A4	9	/* libxlsxwriter's number of A4 */

/* What a cell's number format shows. */
enum xlsx_kind {
	XLSX_PLAIN,		/* text, whole numbers, true and false */
	XLSX_HUNDREDTHS,	/* a number with two decimals: hours */
	XLSX_TIME,		/* a date and time, to the minute */
	XLSX_KINDS
};

static const char *const xlsx_num_formats[XLSX_KINDS] = {
	[XLSX_PLAIN] = NULL,
	[XLSX_HUNDREDTHS] = "0.00",
	[XLSX_TIME] = "yyyy-mm-dd hh:mm",
};

/* A workbook being made: libxlsxwriter writes it to a file of its own,
 * which xlsx_write copies out whole. */
struct xlsx {
	lxw_workbook	*book;
	char		*path;		/* the temporary file */
	int		 fd;		/* open on it, -1 once gone */
	lxw_format	*heading;
	lxw_format	*cells[XLSX_KINDS][2];	/* [kind][in the totals] */
	lxw_error	 error;		/* the first cell that failed */
	size_t		 nsheets;
};

/* A new workbook, written to a temporary file (TMPDIR, else /tmp); NULL
 * with err set when there is none. */
struct xlsx *
xlsx_new(char *err, size_t errlen)
{
	const char *dir = getenv("TMPDIR");
	struct xlsx *x = xcalloc(1, sizeof(*x));
	lxw_format *f;
	int k, total;

	x->fd = -1;
	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	x->path = xasprintf("%s/vpoints-XXXXXX", dir);
	if ((x->fd = mkstemp(x->path)) == -1) {
		snprintf(err, errlen, "%s: %s", x->path, strerror(errno));
		goto fail;
	}
	if ((x->book = workbook_new(x->path)) == NULL) {
		snprintf(err, errlen,
		    _("libxlsxwriter cannot make a workbook"));
		goto fail;
	}
	x->heading = workbook_add_format(x->book);
	format_set_bold(x->heading);
	format_set_bottom(x->heading, LXW_BORDER_THIN);
	format_set_bg_color(x->heading, 0xEEEEEE);
	for (k = 0; k < XLSX_KINDS; k++) {
		for (total = 0; total < 2; total++) {
			f = workbook_add_format(x->book);
			if (xlsx_num_formats[k] != NULL)
				format_set_num_format(f, xlsx_num_formats[k]);
			if (total) {
				format_set_bold(f);
				format_set_top(f, LXW_BORDER_THIN);
			}
			x->cells[k][total] = f;
		}
	}
	return x;
fail:
	xlsx_free(x);
	return NULL;
}

/* An RFC 3339 time as the date and time it names where it was given
 * (the daemon's time zone); false when text is not one. */
static bool
xlsx_time(const char *text, lxw_datetime *dt)
{
	int n = 0;

	memset(dt, 0, sizeof(*dt));
	if (strlen(text) < 19 || sscanf(text, "%4d-%2d-%2dT%2d:%2d:%lf%n",
	    &dt->year, &dt->month, &dt->day, &dt->hour, &dt->min, &dt->sec,
	    &n) != 6 || text[4] != '-' || text[7] != '-' || text[10] != 'T')
		return false;
	return dt->year >= 1900 && dt->month >= 1 && dt->month <= 12 &&
	    dt->day >= 1 && dt->day <= 31 && dt->hour <= 23 && dt->min <= 59 &&
	    dt->sec >= 0 && dt->sec < 60 && strchr("Z+-", text[n]) != NULL;
}

/* The text of a cell: a list of numbers or strings as its items, joined
 * by ", "; a list of lists or objects, or an object, as compact JSON. */
static char *
xlsx_text(json_t *value)
{
	json_t *item;
	size_t i;
	char *text;

	json_array_foreach(value, i, item) {
		if (json_is_object(item) || json_is_array(item))
			break;
	}
	if (json_is_array(value) && i == json_array_size(value))
		return table_value(value, ", ");
	if (!json_is_array(value) && !json_is_object(value))
		return table_value(value, ", ");
	if ((text = json_dumps(value, JSON_COMPACT)) == NULL)
		abort();
	return text;
}

/* Write the cell of col of row r, c: a number as a number (minutes as
 * hours), a time as a date and time, anything else as text (xlsx_text); nothing for a value that is null or absent. Widens *width to the
 * cell's. */
static void
xlsx_cell(struct xlsx *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
    const struct table_column *col, json_t *value, int total, size_t *width)
{
	lxw_format *plain = x->cells[XLSX_PLAIN][total];
	lxw_datetime dt;
	lxw_error e;
	char *text;
	double n;

	if (value == NULL || json_is_null(value)) {
		if (total)
			worksheet_write_blank(ws, r, c, plain);
		return;
	}
	if (col->show == table_hours && json_is_integer(value)) {
		n = (double)json_integer_value(value) / 60.0;
		e = worksheet_write_number(ws, r, c, n,
		    x->cells[XLSX_HUNDREDTHS][total]);
		text = xasprintf("%.2f", n);
	} else if (json_is_integer(value)) {
		e = worksheet_write_number(ws, r, c,
		    (double)json_integer_value(value), plain);
		text = table_value(value, ", ");
	} else if (json_is_real(value)) {
		e = worksheet_write_number(ws, r, c, json_real_value(value),
		    x->cells[XLSX_HUNDREDTHS][total]);
		text = xasprintf("%.2f", json_real_value(value));
	} else if (json_is_boolean(value)) {
		e = worksheet_write_boolean(ws, r, c, json_is_true(value),
		    plain);
		text = xstrdup("FALSE");
	} else if (col->show == table_time && json_is_string(value) &&
	    xlsx_time(json_string_value(value), &dt)) {
		e = worksheet_write_datetime(ws, r, c, &dt,
		    x->cells[XLSX_TIME][total]);
		text = xstrdup("2026-01-01 00:00");
	} else {
		text = xlsx_text(value);
		e = worksheet_write_string(ws, r, c, text, plain);
	}
	if (e != LXW_NO_ERROR && x->error == LXW_NO_ERROR)
		x->error = e;
	if (table_width(text) > *width)
		*width = table_width(text);
	free(text);
}

/* A sheet name not yet in the book: the heading of sheet, or sheet, with
 * " 2", " 3" ... after it when taken. */
static char *
xlsx_sheet_name(struct xlsx *x, const char *sheet)
{
	const char *base = heading_sheet(sheet) != NULL ?
	    heading_sheet(sheet) : sheet;
	char *name = xstrdup(base);
	int i = 2;

	while (workbook_get_worksheet_by_name(x->book, name) != NULL) {
		free(name);
		name = xasprintf("%s %d", base, i++);
	}
	return name;
}

/* Add sheet: a header row of the columns' headings, a row of each object
 * of rows (a list, or one object), and when totals is an object a row of
 * its members labelled as the totals. */
void
xlsx_sheet(struct xlsx *x, const char *sheet, const struct table_column *cols,
    size_t ncols, json_t *rows, json_t *totals)
{
	size_t nrows = json_is_array(rows) ? json_array_size(rows) :
	    json_is_object(rows) ? 1 : 0, r, c, *width;
	const char *heading;
	lxw_worksheet *ws;
	json_t *row;
	char *name;

	name = xlsx_sheet_name(x, sheet);
	ws = workbook_add_worksheet(x->book, name);
	free(name);
	if (ws == NULL) {
		if (x->error == LXW_NO_ERROR)
			x->error = LXW_ERROR_SHEETNAME_LENGTH_EXCEEDED;
		return;
	}
	x->nsheets++;
	width = xcalloc(ncols + 1, sizeof(*width));
	for (c = 0; c < ncols; c++) {
		heading = heading_column(sheet, cols[c].key);
		if (heading == NULL)
			heading = cols[c].key;
		worksheet_write_string(ws, 0, (lxw_col_t)c, heading,
		    x->heading);
		width[c] = table_width(heading);
	}
	for (r = 0; r < nrows; r++) {
		row = json_is_array(rows) ? json_array_get(rows, r) : rows;
		for (c = 0; c < ncols; c++)
			xlsx_cell(x, ws, (lxw_row_t)(r + 1), (lxw_col_t)c,
			    &cols[c], json_object_get(row, cols[c].key), 0,
			    &width[c]);
	}
	if (json_is_object(totals) && ncols > 0) {
		worksheet_write_string(ws, (lxw_row_t)(nrows + 1), 0,
		    heading_total(), x->cells[XLSX_PLAIN][1]);
		for (c = 1; c < ncols; c++)
			xlsx_cell(x, ws, (lxw_row_t)(nrows + 1), (lxw_col_t)c,
			    &cols[c], json_object_get(totals, cols[c].key), 1,
			    &width[c]);
	}
	for (c = 0; c < ncols; c++) {
		width[c] += 2;
		if (width[c] < XLSX_WIDTH_MIN)
			width[c] = XLSX_WIDTH_MIN;
		if (width[c] > XLSX_WIDTH_MAX)
			width[c] = XLSX_WIDTH_MAX;
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c,
		    (double)width[c], NULL);
	}
	free(width);
	worksheet_freeze_panes(ws, 1, 0);
	if (nrows > 1 && ncols > 0)
		worksheet_autofilter(ws, 0, 0, (lxw_row_t)nrows,
		    (lxw_col_t)(ncols - 1));
	worksheet_repeat_rows(ws, 0, 0);
	worksheet_set_paper(ws, XLSX_PAPER_A4);
	if (ncols > 6)
		worksheet_set_landscape(ws);
	worksheet_fit_to_pages(ws, 1, 0);
}

/* How many sheets the workbook has. */
size_t
xlsx_sheets(const struct xlsx *x)
{
	return x->nsheets;
}

/* Close the workbook and copy the file made to f, then free x; 0, or -1
 * with err set. */
int
xlsx_write(struct xlsx *x, FILE *f, char *err, size_t errlen)
{
	char buf[8192];
	lxw_error e;
	ssize_t n;
	int rc = -1;

	if (x->error != LXW_NO_ERROR) {
		snprintf(err, errlen, _("a cell cannot be written: %s"),
		    lxw_strerror(x->error));
		goto done;
	}
	e = workbook_close(x->book);
	x->book = NULL;
	if (e != LXW_NO_ERROR) {
		snprintf(err, errlen, "%s: %s", x->path, lxw_strerror(e));
		goto done;
	}
	if (lseek(x->fd, 0, SEEK_SET) != 0)
		goto fail;
	while ((n = read(x->fd, buf, sizeof(buf))) > 0) {
		if (fwrite(buf, 1, (size_t)n, f) != (size_t)n) {
			snprintf(err, errlen,
			    _("cannot write the workbook: %s"),
			    strerror(errno));
			goto done;
		}
	}
	if (n < 0)
		goto fail;
	if (fflush(f) != 0) {
		snprintf(err, errlen, _("cannot write the workbook: %s"),
		    strerror(errno));
		goto done;
	}
	rc = 0;
	goto done;
fail:
	snprintf(err, errlen, "%s: %s", x->path, strerror(errno));
done:
	xlsx_free(x);
	return rc;
}

/* Free a workbook not written, and its temporary file. */
void
xlsx_free(struct xlsx *x)
{
	if (x == NULL)
		return;
	if (x->book != NULL)
		lxw_workbook_free(x->book);
	if (x->fd != -1) {
		close(x->fd);
		unlink(x->path);
	}
	free(x->path);
	free(x);
}
