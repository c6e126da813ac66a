/* Unit tests of client/table.c: the text of JSON values, hours and times,
 * terminal widths of UTF-8, aligned tables and their CSV. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "tests/unit/unit.h"
#include "client/table.h"

/* Assert that a value's text (list items joined by sep) is expected. */
static void
assert_value(const char *json, const char *sep, const char *expected)
{
	json_t *v = json_loads(json, JSON_DECODE_ANY, NULL);
	char *text;

	ck_assert_ptr_nonnull(v);
	text = table_value(v, sep);
	ck_assert_str_eq(text, expected);
	free(text);
	json_decref(v);
}

/* Assert what a show function makes of a JSON value. */
static void
assert_show(char *(*show)(json_t *), const char *json, const char *expected)
{
	json_t *v = json_loads(json, JSON_DECODE_ANY, NULL);
	char *text;

	ck_assert_ptr_nonnull(v);
	text = show(v);
	ck_assert_str_eq(text, expected);
	free(text);
	json_decref(v);
}

static const struct table_column columns[] = {
	{ "number", "NUMBER", NULL, false },
	{ "name", "NAME", NULL, false },
	{ "points", "POINTS", NULL, true },
	{ "minutes", "HOURS", table_hours, true },
	{ "phone", NULL, NULL, false },
	{ "teams", "TEAMS", NULL, false },
};

static const char volunteers[] =
"[{\"number\":\"V1\",\"name\":\"\\u5f20\\u4e09\",\"points\":120,"
"\"minutes\":90,\"teams\":[\"T1\",\"T2\"],\"phone\":\"138\"},"
"{\"number\":\"V22\",\"name\":\"Ann \\\"Li\\\", jr\",\"points\":5,"
"\"minutes\":605,\"teams\":[]}]";

/* What table_rows or table_record prints for json. */
static char *
printed(enum table_format format, const char *json, bool record)
{
	json_t *v = json_loads(json, 0, NULL);
	char *text = NULL;
	size_t len;
	FILE *f;

	ck_assert_ptr_nonnull(v);
	f = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(f);
	if (record)
		table_record(f, format, columns, 6, v);
	else
		table_rows(f, format, columns, 6, v);
	ck_assert_int_eq(fclose(f), 0);
	json_decref(v);
	return text;
}

START_TEST(values)
{
	assert_value("\"\\u4e1c\\u57ce\"", ",", "\xe4\xb8\x9c\xe5\x9f\x8e");
	assert_value("42", ",", "42");
	assert_value("-7", ",", "-7");
	assert_value("null", ",", "");
	assert_value("true", ",", "true");
	assert_value("false", ",", "false");
	assert_value("[]", ",", "");
	assert_value("[\"a\",\"b\",3]", ";", "a;b;3");
	assert_value("[\"a\",\"b\"]", ", ", "a, b");
	assert_value("{\"name\":\"\\u591c\",\"percent\":150}", ",",
	    "{\"name\":\"\xe5\xa4\x9c\",\"percent\":150}");
}
END_TEST

START_TEST(hours_and_times)
{
	char *text;

	assert_show(table_hours, "0", "0:00");
	assert_show(table_hours, "59", "0:59");
	assert_show(table_hours, "90", "1:30");
	assert_show(table_hours, "6000", "100:00");
	assert_show(table_hours, "-90", "-1:30");
	assert_show(table_hours, "null", "");
	assert_show(table_hours, "\"90\"", "");
	/* Times are shown in the local zone, the programme's (client/zone.c
	 * makes it so), whatever the offset they came with. */
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	assert_show(table_time, "\"2026-10-05T09:00:00+08:00\"",
	    "2026-10-05 09:00");
	assert_show(table_time, "\"2026-10-05T09:00:59.123456+08:00\"",
	    "2026-10-05 09:00");
	assert_show(table_time, "\"2026-10-05T01:00:00Z\"",
	    "2026-10-05 09:00");
	setenv("TZ", "America/New_York", 1);
	tzset();
	assert_show(table_time, "\"2026-10-05T09:00:00+08:00\"",
	    "2026-10-04 21:00");
	/* A report's period is shown in the zone it was written in. */
	assert_show(table_time_given, "\"2026-10-05T09:00:00+08:00\"",
	    "2026-10-05 09:00");
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	assert_show(table_time, "\"2026-10-05\"", "2026-10-05");
	assert_show(table_time, "null", "");
	ck_assert_str_eq(text = table_value(NULL, ","), "");
	free(text);
}
END_TEST

/* Assert what table_fixed makes of a JSON value. */
static void
assert_fixed(const char *json, int places, const char *expected)
{
	json_t *v = json_loads(json, JSON_DECODE_ANY, NULL);
	char *text;

	ck_assert_ptr_nonnull(v);
	text = table_fixed(v, places);
	ck_assert_str_eq(text, expected);
	free(text);
	json_decref(v);
}

START_TEST(fixed_decimals)
{
	assert_fixed("12.5", 2, "12.50");
	assert_fixed("70.0", 1, "70.0");
	assert_fixed("123456.75", 2, "123456.75");
	assert_fixed("20", 2, "20.00");
	assert_fixed("\"n/a\"", 2, "n/a");
	assert_fixed("null", 2, "");
}
END_TEST

START_TEST(widths)
{
	ck_assert_uint_eq(table_width(""), 0);
	ck_assert_uint_eq(table_width("abc"), 3);
	ck_assert_uint_eq(table_width("\xe5\xbc\xa0\xe4\xb8\x89"), 4);
	ck_assert_uint_eq(table_width("A\xef\xbc\xa1"), 3);	/* A, wide A */
	ck_assert_uint_eq(table_width("\xc3\xa9"), 1);		/* e acute */
	ck_assert_uint_eq(table_width("e\xcc\x81"), 1);	/* e, combining */
	ck_assert_uint_eq(table_width("\xf0\x9f\x99\x82"), 2);	/* emoji */
	ck_assert_uint_eq(table_width("\xff\xe4\xb8"), 3);	/* broken */
}
END_TEST

START_TEST(characters)
{
	size_t w;

	ck_assert_uint_eq(table_char("ab", &w), 1);
	ck_assert_uint_eq(w, 1);
	ck_assert_uint_eq(table_char("\xe5\xbc\xa0x", &w), 3);	/* Zhang */
	ck_assert_uint_eq(w, 2);
	ck_assert_uint_eq(table_char("\xef\xbc\x8c", &w), 3);	/* wide comma */
	ck_assert_uint_eq(w, 2);
	ck_assert_uint_eq(table_char("\xcc\x81", &w), 2);	/* combining */
	ck_assert_uint_eq(w, 0);
	ck_assert_uint_eq(table_char("\xf0\x9f\x99\x82", &w), 4);
	ck_assert_uint_eq(w, 2);
	ck_assert_uint_eq(table_char("\xe4\xb8", &w), 1);	/* cut short */
	ck_assert_uint_eq(w, 1);
	ck_assert_uint_eq(table_char("\x80", &w), 1);		/* stray */
	ck_assert_uint_eq(w, 1);
}
END_TEST

START_TEST(text_table)
{
	char *text = printed(TABLE_TEXT, volunteers, false);

	/* Zhang San, two CJK characters, is four columns wide; no line
	 * ends in spaces; the CSV-only phone is left out. */
	ck_assert_str_eq(text,
	    "NUMBER  NAME          POINTS  HOURS  TEAMS\n"
	    "V1      \xe5\xbc\xa0\xe4\xb8\x89             120   1:30  T1, T2\n"
	    "V22     Ann \"Li\", jr       5  10:05\n");
	free(text);
	text = printed(TABLE_TEXT, "[]", false);
	ck_assert_str_eq(text, "NUMBER  NAME  POINTS  HOURS  TEAMS\n");
	free(text);
}
END_TEST

START_TEST(csv_table)
{
	char *text = printed(TABLE_CSV, volunteers, false);

	/* JSON member names as header, raw values, lists joined by ";". */
	ck_assert_str_eq(text,
	    "number,name,points,minutes,phone,teams\r\n"
	    "V1,\xe5\xbc\xa0\xe4\xb8\x89,120,90,138,T1;T2\r\n"
	    "V22,\"Ann \"\"Li\"\", jr\",5,605,,\r\n");
	free(text);
	text = printed(TABLE_CSV, "[]", false);
	ck_assert_str_eq(text, "number,name,points,minutes,phone,teams\r\n");
	free(text);
}
END_TEST

START_TEST(records)
{
	const char *v = "{\"number\":\"V1\",\"name\":\"a\\nb\",\"points\":3,"
	    "\"minutes\":null}";
	char *text = printed(TABLE_TEXT, v, true);

	/* Absent and null members are left out; a newline cannot break
	 * the layout. */
	ck_assert_str_eq(text,
	    "NUMBER  V1\n"
	    "NAME    a b\n"
	    "POINTS  3\n");
	free(text);
	text = printed(TABLE_CSV, v, true);
	ck_assert_str_eq(text,
	    "number,name,points,minutes,phone,teams\r\n"
	    "V1,\"a\nb\",3,,,\r\n");
	free(text);
}
END_TEST

/* Run the tests; the exit status says whether any failed. */
int
main(void)
{
	return unit_main("table", NULL, NULL, UNIT_TESTS(values,
	    hours_and_times, fixed_decimals, widths, characters, text_table,
	    csv_table, records));
}
