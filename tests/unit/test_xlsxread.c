/* Unit tests of client/xlsxread.c: a workbook libxlsxwriter wrote is read
 * back (shared strings, numbers, dates as serials, empty cells and rows),
 * and a truncated, foreign or hostile one is refused with a reason. */
#define _GNU_SOURCE
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "tests/unit/unit.h"
#include "client/xlsxread.h"

static char dir[64];

static void
setup(void)
{
	unit_mkdtemp(dir, sizeof(dir), "test_xlsxread");
}

static void
teardown(void)
{
	unit_rmdir(dir);
}

/* The rows of a workbook as "row:a|b|c;" each, or "error: ...". */
static char *
readall(const char *path)
{
	struct xlsxread *x;
	const char *const *cells;
	char err[256], *out = NULL;
	size_t n, row, i, outlen = 0;
	FILE *f = open_memstream(&out, &outlen);

	if ((x = xlsxread_open(path, err, sizeof(err))) == NULL)
		fprintf(f, "error: %s", err);
	else {
		while (xlsxread_row(x, &cells, &n, &row) == 1) {
			fprintf(f, "%zu:", row);
			for (i = 0; i < n; i++)
				fprintf(f, "%s%s", i > 0 ? "|" : "", cells[i]);
			fputc(';', f);
		}
		ck_assert_double_eq(xlsxread_done(x), 1.0);
		xlsxread_free(x);
	}
	fclose(f);
	return out;
}

/* Write the test workbook to path. */
static void
write_book(const char *path)
{
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "\xe5\x90\x8d\xe5\x8d\x95");
	lxw_datetime dt = { 2026, 3, 1, 8, 30, 0 };
	lxw_format *fmt = workbook_add_format(wb);

	format_set_num_format(fmt, "yyyy-mm-dd hh:mm");
	worksheet_write_string(ws, 0, 0, "\xe5\xa7\x93\xe5\x90\x8d", NULL);
	worksheet_write_string(ws, 0, 1, "number", NULL);
	worksheet_write_string(ws, 1, 0, "\xe5\xbc\xa0\xe4\xb8\x89", NULL);
	worksheet_write_number(ws, 1, 1, 42, NULL);
	worksheet_write_datetime(ws, 1, 3, &dt, fmt);
	worksheet_write_boolean(ws, 3, 0, 1, NULL);
	worksheet_write_string(ws, 3, 2, "=not a formula", NULL);
	ck_assert_int_eq(workbook_close(wb), LXW_NO_ERROR);
}

START_TEST(reads_back)
{
	char *path, *got;

	ck_assert_int_ne(asprintf(&path, "%s/book.xlsx", dir), -1);
	write_book(path);
	got = readall(path);
	ck_assert_str_eq(got, "1:\xe5\xa7\x93\xe5\x90\x8d|number;"
	    "2:\xe5\xbc\xa0\xe4\xb8\x89|42||46082.35416666666;"
	    "4:1||=not a formula;");
	free(got);
	free(path);
}
END_TEST

START_TEST(refused)
{
	char *path, *cut, *cmd, *got;
	FILE *f;

	ck_assert_int_ne(asprintf(&path, "%s/book.xlsx", dir), -1);
	ck_assert_int_ne(asprintf(&cut, "%s/cut.xlsx", dir), -1);
	write_book(path);
	/* Cut short: the zip's directory is at its end. */
	ck_assert_int_ne(asprintf(&cmd, "head -c 3000 '%s' > '%s'", path,
	    cut), -1);
	ck_assert_int_eq(system(cmd), 0);
	got = readall(cut);
	ck_assert_str_eq(got, "error: the file is not a workbook (not a zip "
	    "file, or cut short)");
	free(got);
	free(cmd);
	/* Not a zip at all. */
	f = fopen(cut, "w");
	fputs("number,name\nV1,x\n", f);
	fclose(f);
	got = readall(cut);
	ck_assert_str_eq(got, "error: the file is not a workbook (not a zip "
	    "file, or cut short)");
	free(got);
	got = readall(dir);
	ck_assert_str_eq(got, "error: the file cannot be read");
	free(got);
	free(cut);
	free(path);
}
END_TEST

/* Run the tests; the exit status says whether any failed. */
int
main(void)
{
	return unit_main("xlsxread", setup, teardown, UNIT_TESTS(reads_back,
	    refused));
}
