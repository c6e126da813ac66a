/* Unit tests of client/receipt.c: receipts 32 columns wide for a 58 mm
 * printer and 80 for A4, CJK counted as two columns, values wrapped at a
 * space, around a CJK character or inside a word too long for a line, and
 * nothing of them lost. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tests/unit/unit.h"
#include "client/receipt.h"
#include "client/table.h"

static const struct table_column fields[] = {
	{ "receipt", "receipt", NULL, false },
	{ "volunteer_name", "name", NULL, false },
	{ "name", "item", NULL, false },
	{ "points", "points spent", NULL, false },
	{ "memo", NULL, NULL, false },
	{ "voided_at", "voided", table_time, false },
};

static const char redemption[] =
"{\"receipt\":\"R-S01-12\","
"\"volunteer_name\":\"\\u6b27\\u9633\\u5a1c\\u5a1c\\u5a1c\\u5a1c\\u5a1c"
"\\u5a1c\\u5a1c\\u5a1c\\u5a1c\\u5a1c\","
"\"name\":\"A very long English name, then \\u73af\\u4fdd\\u8d2d\\u7269"
"\\u888b\\uff08\\u5927\\u53f7\\uff09 and Supercalifragilisticexpialidocious"
"Twice\","
"\"points\":1500,\"memo\":\"not shown\",\"voided_at\":null}";

/* The receipt of redemption on paper. */
static char *
receipt(enum receipt_paper paper)
{
	json_t *v = json_loads(redemption, 0, NULL);
	char *text = NULL;
	size_t len;
	FILE *f;

	ck_assert_ptr_nonnull(v);
	f = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(f);
	receipt_print(f, paper, "POINTS REDEMPTION RECEIPT", fields,
	    sizeof(fields) / sizeof(fields[0]), v);
	ck_assert_int_eq(fclose(f), 0);
	json_decref(v);
	return text;
}

/* text without its spaces and line ends. */
static char *
squeezed(const char *text)
{
	char *s = strdup(text), *p, *q;

	ck_assert_ptr_nonnull(s);
	for (p = q = s; *p != '\0'; p++) {
		if (*p != ' ' && *p != '\n')
			*q++ = *p;
	}
	*q = '\0';
	return s;
}

/* Assert no line of text is wider than width columns, and every value of
 * the redemption with a title is in it. */
static void
assert_fits(const char *text, size_t width)
{
	json_t *v = json_loads(redemption, 0, NULL);
	char *copy = strdup(text), *line, *last, *all, *want;
	const char *keys[] = { "receipt", "volunteer_name", "name" };
	size_t i;

	for (line = strtok_r(copy, "\n", &last); line != NULL;
	    line = strtok_r(NULL, "\n", &last))
		ck_assert_msg(table_width(line) <= width, "%zu columns: %s",
		    table_width(line), line);
	free(copy);
	all = squeezed(text);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		want = squeezed(json_string_value(json_object_get(v,
		    keys[i])));
		ck_assert_msg(strstr(all, want) != NULL, "lost: %s", want);
		free(want);
	}
	ck_assert_ptr_nonnull(strstr(all, "1500"));
	free(all);
	json_decref(v);
}

START_TEST(fifty_eight_mm)
{
	char *text = receipt(RECEIPT_58MM);

	ck_assert_uint_eq(receipt_width(RECEIPT_58MM), 32);
	assert_fits(text, 32);
	/* Between rules, centred; labels in a column 14 wide; the name
	 * broken after nine characters (18 columns); English at spaces; a
	 * word wider than a line cut between characters; no memo (no title),
	 * nothing voided (null). */
	ck_assert_str_eq(text,
	    "================================\n"
	    "   POINTS REDEMPTION RECEIPT\n"
	    "================================\n"
	    "receipt       R-S01-12\n"
	    "name          \xe6\xac\xa7\xe9\x98\xb3\xe5\xa8\x9c\xe5\xa8\x9c"
	    "\xe5\xa8\x9c\xe5\xa8\x9c\xe5\xa8\x9c\xe5\xa8\x9c\xe5\xa8\x9c\n"
	    "              \xe5\xa8\x9c\xe5\xa8\x9c\xe5\xa8\x9c\n"
	    "item          A very long\n"
	    "              English name, then\n"
	    "              \xe7\x8e\xaf\xe4\xbf\x9d\xe8\xb4\xad\xe7\x89\xa9"
	    "\xe8\xa2\x8b\xef\xbc\x88\xe5\xa4\xa7\xe5\x8f\xb7\xef\xbc\x89\n"
	    "              and\n"
	    "              Supercalifragilist\n"
	    "              icexpialidociousTw\n"
	    "              ice\n"
	    "points spent  1500\n"
	    "--------------------------------\n");
	free(text);
}
END_TEST

START_TEST(no_closing_mark_first)
{
	static const struct table_column one[] = {
		{ "name", "item", NULL, false },
	};
	/* Thirteen characters fill the 26 columns after the label; the
	 * next, ")", may not start a line: the thirteenth goes down with
	 * it. */
	json_t *v = json_pack("{s:s}", "name", "一二三四五六七八九十一二三）四。");
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(f);
	receipt_print(f, RECEIPT_58MM, "R", one, 1, v);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_ptr_nonnull(strstr(text,
	    "item  一二三四五六七八九十一二\n"
	    "      三）四。\n"));
	free(text);
	json_decref(v);
}
END_TEST

START_TEST(a4)
{
	char *text = receipt(RECEIPT_A4);

	ck_assert_uint_eq(receipt_width(RECEIPT_A4), 80);
	assert_fits(text, 80);
	ck_assert_ptr_nonnull(strstr(text, "\nitem          A very long English "
	    "name, then "));
	ck_assert_ptr_null(strstr(text, "not shown"));
	free(text);
}
END_TEST

/* Run the tests; the exit status says whether any failed. */
int
main(void)
{
	return unit_main("receipt", NULL, NULL, UNIT_TESTS(fifty_eight_mm,
	    no_closing_mark_first, a4));
}
