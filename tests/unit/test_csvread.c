/* Unit tests of client/csvread.c: RFC 4180 records read back, a byte
 * order mark dropped, GB18030 found and turned into UTF-8, and each kind
 * of malformed or too large file refused with its row named. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/unit.h"
#include "client/csvread.h"

/* Read all of text and return its records as "a|b|c;" each, or the error
 * as "error: ...". The caller frees the string. */
static char *
readall(const char *text, size_t len, enum csvread_encoding enc)
{
	struct csvread *c;
	const char *const *cells;
	char err[256], *out = NULL;
	size_t n, row, i, outlen = 0, want = 1;
	FILE *f = open_memstream(&out, &outlen);
	int rc;

	if ((c = csvread_new(text, len, enc, err, sizeof(err))) == NULL) {
		fprintf(f, "error: %s", err);
		fclose(f);
		return out;
	}
	while ((rc = csvread_row(c, &cells, &n, &row, err, sizeof(err))) == 1) {
		ck_assert_uint_eq(row, want++);
		for (i = 0; i < n; i++)
			fprintf(f, "%s%s", i > 0 ? "|" : "", cells[i]);
		fputc(';', f);
	}
	if (rc < 0)
		fprintf(f, "error: %s", err);
	else
		ck_assert_double_eq(csvread_done(c), 1.0);
	csvread_free(c);
	fclose(f);
	return out;
}

/* Assert what a text reads as. */
static void
assert_reads(const char *text, enum csvread_encoding enc, const char *want)
{
	char *got = readall(text, strlen(text), enc);

	ck_assert_str_eq(got, want);
	free(got);
}

START_TEST(records)
{
	assert_reads("a,b,c\r\n1,2,3\r\n", CSVREAD_AUTO, "a|b|c;1|2|3;");
	assert_reads("a,b\n1,2", CSVREAD_AUTO, "a|b;1|2;");
	assert_reads("a,,\n,x,\n", CSVREAD_AUTO, "a||;|x|;");
	assert_reads("\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\n",
	    CSVREAD_AUTO, "a,b|say \"hi\"|two\nlines;");
	assert_reads("\n", CSVREAD_AUTO, ";");
	assert_reads("", CSVREAD_AUTO, "");
	assert_reads("\"\"\n", CSVREAD_AUTO, ";");
}
END_TEST

START_TEST(encodings)
{
	struct csvread *c;
	char err[128];
	/* 张三 in GB18030, then in UTF-8. */
	const char gb[] = "\xd5\xc5\xc8\xfd,1\r\n";

	assert_reads("\xef\xbb\xbf\xe5\xbc\xa0\xe4\xb8\x89,1\n", CSVREAD_AUTO,
	    "\xe5\xbc\xa0\xe4\xb8\x89|1;");
	assert_reads(gb, CSVREAD_AUTO, "\xe5\xbc\xa0\xe4\xb8\x89|1;");
	assert_reads(gb, CSVREAD_GB18030, "\xe5\xbc\xa0\xe4\xb8\x89|1;");
	c = csvread_new(gb, strlen(gb), CSVREAD_AUTO, err, sizeof(err));
	ck_assert_str_eq(csvread_encoding(c), "GB18030");
	csvread_free(c);
	assert_reads(gb, CSVREAD_UTF8, "error: the file is not UTF-8 text "
	    "(try --encoding gb18030)");
	/* A GB18030 character cut at the end of the file. */
	assert_reads("a,\xd5", CSVREAD_AUTO, "error: the file is neither "
	    "UTF-8 nor GB18030 text");
	assert_reads("\xff\xfe" "a\0", CSVREAD_AUTO, "error: the file is "
	    "UTF-16 text; save it as CSV (UTF-8) or CSV (GB18030)");
}
END_TEST

START_TEST(malformed)
{
	char *big, *got;
	size_t i;

	assert_reads("a,b\n\"open,x\n", CSVREAD_AUTO, "a|b;error: row 2: a "
	    "quoted cell is never closed (is the file cut short?)");
	assert_reads("a\"b\n", CSVREAD_AUTO, "error: row 1: a quote inside "
	    "a cell that does not start with one");
	assert_reads("\"a\"b\n", CSVREAD_AUTO, "error: row 1: text after a "
	    "quoted cell's closing quote");
	got = readall("a\0b", 3, CSVREAD_AUTO);
	ck_assert_str_eq(got, "error: the file holds a NUL byte: it is not "
	    "a CSV file");
	free(got);
	/* 257 columns, then a cell one byte too long. */
	big = malloc(CSVREAD_MAX_CELL + 16);
	for (i = 0; i < 257; i++)
		big[i] = ',';
	big[i] = '\0';
	assert_reads(big, CSVREAD_AUTO, "error: row 1 has more than 256 "
	    "columns");
	memset(big, 'x', CSVREAD_MAX_CELL + 1);
	big[CSVREAD_MAX_CELL + 1] = '\0';
	assert_reads(big, CSVREAD_AUTO, "error: row 1 has a cell longer than "
	    "32768 bytes");
	big[CSVREAD_MAX_CELL] = '\0';
	got = readall(big, strlen(big), CSVREAD_AUTO);
	ck_assert_uint_eq(strlen(got), CSVREAD_MAX_CELL + 1);
	free(got);
	free(big);
}
END_TEST

/* Run the tests; the exit status says whether any failed. */
int
main(void)
{
	return unit_main("csvread", NULL, NULL, UNIT_TESTS(records, encodings,
	    malformed));
}
