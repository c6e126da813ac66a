/* Unit tests of common/csv.c: RFC 4180 quoting, CRLF record ends, UTF-8
 * passed through byte for byte, the same bytes every time, and fields a
 * spreadsheet would run as formulas defused. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/unit.h"
#include "csv.h"

/* The bytes csv_record writes for n fields; the caller frees them. */
static char *
record(const char *const *fields, size_t n, size_t *len)
{
	char *text = NULL;
	FILE *f;

	f = open_memstream(&text, len);
	ck_assert_ptr_nonnull(f);
	csv_record(f, fields, n);
	ck_assert_int_eq(fclose(f), 0);
	return text;
}

/* Assert that fields make exactly the bytes expected. */
static void
assert_record(const char *const *fields, size_t n, const char *expected)
{
	size_t len;
	char *text = record(fields, n, &len);

	ck_assert_uint_eq(len, strlen(expected));
	ck_assert_mem_eq(text, expected, len);
	free(text);
}

START_TEST(plain)
{
	const char *fields[] = { "V001", "active", "120" };
	const char *one[] = { "x" };
	const char *spaces[] = { " leading", "trailing ", "in side" };

	assert_record(fields, 3, "V001,active,120\r\n");
	assert_record(one, 1, "x\r\n");
	/* Spaces are data: neither quoted nor trimmed. */
	assert_record(spaces, 3, " leading,trailing ,in side\r\n");
}
END_TEST

START_TEST(empty_fields)
{
	const char *fields[] = { "", NULL, "" };
	const char *middle[] = { "a", NULL, "c" };

	assert_record(fields, 3, ",,\r\n");
	assert_record(middle, 3, "a,,c\r\n");
	assert_record(fields, 0, "\r\n");
}
END_TEST

START_TEST(quoting)
{
	const char *comma[] = { "Smith, Anna", "b" };
	const char *quote[] = { "the \"night\" window" };
	const char *only_quote[] = { "\"" };
	const char *lf[] = { "line one\nline two", "z" };
	const char *cr[] = { "a\rb" };
	const char *crlf[] = { "a\r\nb", "c,d" };

	assert_record(comma, 2, "\"Smith, Anna\",b\r\n");
	assert_record(quote, 1, "\"the \"\"night\"\" window\"\r\n");
	assert_record(only_quote, 1, "\"\"\"\"\r\n");
	assert_record(lf, 2, "\"line one\nline two\",z\r\n");
	assert_record(cr, 1, "\"a\rb\"\r\n");
	assert_record(crlf, 2, "\"a\r\nb\",\"c,d\"\r\n");
	ck_assert(csv_needs_quotes("a,b"));
	ck_assert(csv_needs_quotes("a\"b"));
	ck_assert(csv_needs_quotes("a\rb"));
	ck_assert(csv_needs_quotes("a\nb"));
	ck_assert(!csv_needs_quotes("a;b\tc 'd'"));
	ck_assert(!csv_needs_quotes(""));
}
END_TEST

START_TEST(utf8)
{
	/* A community, two names and an emoji in UTF-8: bytes in, the same
	 * bytes out. */
	const char *names[] = {
	    "\xe4\xb8\x9c\xe5\x9f\x8e\xe7\xa4\xbe\xe5\x8c\xba",
	    "\xe5\xbc\xa0\xe4\xb8\x89, \xe6\x9d\x8e\xe5\x9b\x9b",
	    "\xf0\x9f\x99\x82" };
	/* Bytes that are not UTF-8 pass through as well: no repair. */
	const char *broken[] = { "\xff\xfe\xe4\xb8" };
	size_t len;
	char *text;

	assert_record(names, 3,
	    "\xe4\xb8\x9c\xe5\x9f\x8e\xe7\xa4\xbe\xe5\x8c\xba,"
	    "\"\xe5\xbc\xa0\xe4\xb8\x89, \xe6\x9d\x8e\xe5\x9b\x9b\","
	    "\xf0\x9f\x99\x82\r\n");
	assert_record(broken, 1, "\xff\xfe\xe4\xb8\r\n");
	/* No byte-order mark in front. */
	text = record(names, 1, &len);
	ck_assert_int_eq((unsigned char)text[0], 0xe4);
	free(text);
}
END_TEST

START_TEST(deterministic)
{
	const char *fields[] = { "1", "\xe5\xbc\xa0\xe4\xb8\x89",
	    "a \"b\", c\r\n", NULL, "2026-10-05T09:00:00+08:00" };
	size_t len1, len2;
	char *a, *b;
	int i;

	a = record(fields, 5, &len1);
	for (i = 0; i < 100; i++) {
		b = record(fields, 5, &len2);
		ck_assert_uint_eq(len1, len2);
		ck_assert_mem_eq(a, b, len1);
		free(b);
	}
	ck_assert_str_eq(a, "1,\xe5\xbc\xa0\xe4\xb8\x89,\"a \"\"b\"\", c\r\n\","
	    ",2026-10-05T09:00:00+08:00\r\n");
	free(a);
}
END_TEST

START_TEST(fields_one_by_one)
{
	char *text = NULL;
	size_t len;
	FILE *f;

	f = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(f);
	csv_field(f, "plain");
	csv_field(f, NULL);
	csv_field(f, "x,y");
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_str_eq(text, "plain\"x,y\"");
	free(text);
}
END_TEST

START_TEST(formulas)
{
	/* OWASP's CSV injection list: =, +, -, @, tab and CR in front. */
	const char *link[] = { "=HYPERLINK(\"http://x.example/\",\"click\")",
	    "V-001" };
	const char *each[] = { "=1+1", "+1+cmd|' /C calc'!A0", "-2+3",
	    "@SUM(A1:A2)", "\tx", "\rx" };
	const char *numbers[] = { "-5", "+7", "-12.50", "0", "3.25", "-0" };
	const char *not_numbers[] = { "-", "+", "-1.", "-.5", "-1e3", "--1",
	    "-1.2.3" };
	const char *inside[] = { "a=1", "x-y", "mail@example.org", " =1",
	    "\xe5\xbc\xa0=" };
	size_t i;

	/* Quoted as before (commas, quotes), with the quote mark inside. */
	assert_record(link, 2,
	    "\"'=HYPERLINK(\"\"http://x.example/\"\",\"\"click\"\")\",V-001\r\n");
	assert_record(each, 6, "'=1+1,'+1+cmd|' /C calc'!A0,'-2+3,"
	    "'@SUM(A1:A2),'\tx,\"'\rx\"\r\n");
	/* Numbers stay numbers: a negative balance is not a formula. */
	assert_record(numbers, 6, "-5,+7,-12.50,0,3.25,-0\r\n");
	for (i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++)
		ck_assert(!csv_is_formula(numbers[i]));
	for (i = 0; i < sizeof(not_numbers) / sizeof(not_numbers[0]); i++)
		ck_assert_msg(csv_is_formula(not_numbers[i]), "%s",
		    not_numbers[i]);
	/* Only the first character counts. */
	assert_record(inside, 5, "a=1,x-y,mail@example.org, =1,"
	    "\xe5\xbc\xa0=\r\n");
	ck_assert(!csv_is_formula(""));
}
END_TEST

/* Run the tests; the exit status says whether any failed. */
int
main(void)
{
	return unit_main("csv", NULL, NULL, UNIT_TESTS(plain, empty_fields,
	    quoting, utf8, deterministic, fields_one_by_one, formulas));
}
