/* Unit tests of client/xlsx.c and client/headings.c: the Chinese headings
 * and sheet names, and workbooks written whole (a zip of a sheet for each
 * table), or not at all when a cell cannot be written. What the cells hold
 * is read back by openpyxl in tests/e2e/spreadsheets.sh. */
#define _GNU_SOURCE
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tests/unit/unit.h"
#include "client/headings.h"
#include "client/i18n.h"
#include "client/table.h"
#include "client/xlsx.h"

static const struct table_column columns[] = {
	{ "number", "NUMBER", NULL, false },
	{ "name", "NAME", NULL, false },
	{ "minutes", "HOURS", table_hours, true },
	{ "at", "AT", table_time, false },
	{ "teams", NULL, NULL, false },
	{ "consent", NULL, NULL, false },
};

static const char volunteers[] =
"[{\"number\":\"V1\",\"name\":\"\\u5f20\\u4e09\",\"minutes\":90,"
"\"at\":\"2026-10-05T09:00:00+08:00\",\"teams\":[\"T1\",\"T2\"],"
"\"consent\":true},"
"{\"number\":\"V2\",\"name\":null,\"minutes\":605,\"at\":\"soon\","
"\"teams\":[{\"code\":\"T1\"}]}]";

/* Headings speak the user's language: English without a catalogue. */
START_TEST(headings_english)
{
	ck_assert_str_eq(heading_column("volunteers", "name"), "Name");
	ck_assert_str_eq(heading_column(NULL, "name"), "Name");
	ck_assert_str_eq(heading_column("shifts", "minutes"),
	    "Hours of service");
	ck_assert_str_eq(heading_sheet("volunteers"), "Volunteers");
	ck_assert_str_eq(heading_total(), "Total");
	ck_assert_ptr_null(heading_translated(NULL, "points"));
	ck_assert_str_eq(heading_value("status", "active"), "active");
	ck_assert_str_eq(heading_level("community"), "community");
}
END_TEST

/* In Chinese, the programme's words (po/zh_CN.po, po/glossary.md). */
START_TEST(headings)
{
	unit_catalogue();
	i18n_init();
	i18n_language("zh_CN");
	ck_assert_str_eq(heading_column("volunteers", "name"), "姓名");
	ck_assert_str_eq(heading_column("items", "name"), "物品名称");
	ck_assert_str_eq(heading_column("teams", "name"), "队伍名称");
	ck_assert_str_eq(heading_column("shifts", "minutes"),
	    "志愿服务时长（小时）");
	ck_assert_str_eq(heading_column(NULL, "points"), "积分");
	ck_assert_str_eq(heading_column("nowhere", "points"), "积分");
	ck_assert_ptr_null(heading_column("volunteers", "no_such_member"));
	ck_assert_str_eq(heading_sheet("volunteers"), "志愿者");
	ck_assert_str_eq(heading_sheet("new_star_levels"), "新晋星级");
	ck_assert_ptr_null(heading_sheet("no_such_sheet"));
	ck_assert_str_eq(heading_total(), "合计");
	ck_assert_str_eq(heading_translated(NULL, "points"), "积分");
	ck_assert_str_eq(heading_value("status", "active"), "有效");
	ck_assert_str_eq(heading_value("status", "unheard-of"), "unheard-of");
	ck_assert_str_eq(heading_level("community"), "社区");
}
END_TEST

/* The bytes of x written out, their length in *len; NULL when it failed,
 * with err set. */
static char *
written(struct xlsx *x, size_t *len, char *err, size_t errlen)
{
	char *data = NULL;
	FILE *f = open_memstream(&data, len);
	int rc;

	ck_assert_ptr_nonnull(f);
	rc = xlsx_write(x, f, err, errlen);
	ck_assert_int_eq(fclose(f), 0);
	if (rc != 0) {
		free(data);
		return NULL;
	}
	return data;
}

START_TEST(workbook)
{
	json_t *rows = json_loads(volunteers, 0, NULL), *none = json_array();
	json_t *totals;
	char err[512], *data;
	struct xlsx *x;
	size_t len;

	ck_assert_ptr_nonnull(rows);
	totals = json_pack("{s:i}", "minutes", 695);
	x = xlsx_new(err, sizeof(err));
	ck_assert_msg(x != NULL, "%s", err);
	xlsx_sheet(x, "volunteers", columns, 6, rows, totals);
	/* A second sheet of the same name is "志愿者 2"; one object is a
	 * record. */
	xlsx_sheet(x, "volunteers", columns, 6, json_array_get(rows, 0),
	    NULL);
	xlsx_sheet(x, "a sheet of no heading", columns, 2, none, NULL);
	ck_assert_uint_eq(xlsx_sheets(x), 3);
	data = written(x, &len, err, sizeof(err));
	ck_assert_msg(data != NULL, "%s", err);
	ck_assert_uint_gt(len, 1000);
	ck_assert_mem_eq(data, "PK\x03\x04", 4);
	ck_assert_ptr_nonnull(memmem(data, len, "xl/worksheets/sheet3.xml",
	    24));
	ck_assert_ptr_null(memmem(data, len, "xl/worksheets/sheet4.xml",
	    24));
	free(data);
	json_decref(totals);
	json_decref(none);
	json_decref(rows);
}
END_TEST

START_TEST(too_long_for_a_cell)
{
	char err[512], *name = malloc(40000);
	struct xlsx *x;
	json_t *row;
	size_t len;

	ck_assert_ptr_nonnull(name);
	memset(name, 'x', 39999);
	name[39999] = '\0';
	row = json_pack("{s:s}", "name", name);
	x = xlsx_new(err, sizeof(err));
	ck_assert_ptr_nonnull(x);
	xlsx_sheet(x, "volunteers", columns, 2, row, NULL);
	ck_assert_ptr_null(written(x, &len, err, sizeof(err)));
	ck_assert_msg(strstr(err, "a cell cannot be written") != NULL, "%s",
	    err);
	json_decref(row);
	free(name);
}
END_TEST

START_TEST(freed_unwritten)
{
	char err[512];
	struct xlsx *x = xlsx_new(err, sizeof(err));
	json_t *none = json_array();

	ck_assert_ptr_nonnull(x);
	xlsx_sheet(x, "volunteers", columns, 6, none, NULL);
	xlsx_free(x);
	xlsx_free(NULL);
	json_decref(none);
}
END_TEST

/* Run the tests; the exit status says whether any failed. */
int
main(void)
{
	return unit_main("xlsx", NULL, NULL, UNIT_TESTS(headings_english, headings, workbook,
	    too_long_for_a_cell, freed_unwritten));
}
