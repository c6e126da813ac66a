/* Unit tests of daemon/times.c: times with an offset in seconds written
 * again in UTC, everything else left as it is. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/unit.h"
#include "daemon/times.h"

/* What times_rfc3339 makes of json, or json itself when NULL. */
static char *
fixed(const char *json)
{
	size_t len = 0;
	char *out = times_rfc3339(json, strlen(json), &len);

	if (out == NULL)
		return strdup(json);
	ck_assert_uint_eq(strlen(out), len);
	return out;
}

/* fixed(json) is want. */
static void
is(const char *json, const char *want)
{
	char *got = fixed(json);

	ck_assert_str_eq(got, want);
	free(got);
}

START_TEST(ordinary_replies_are_untouched)
{
	size_t len;
	const char *plain = "{\"from\": \"2026-10-01T00:00:00+08:00\", "
	    "\"at\": \"2026-10-05T09:00:00.123456+08:00\", \"z\": "
	    "\"2026-10-05T01:00:00+00:00\", \"n\": \"-12:00:00\", \"e\": \"\"}";

	ck_assert_ptr_null(times_rfc3339(plain, strlen(plain), &len));
	ck_assert_ptr_null(times_rfc3339("", 0, &len));
	ck_assert_ptr_null(times_rfc3339("\"", 1, &len));
	ck_assert_ptr_null(times_rfc3339("{}", 2, &len));
}
END_TEST

START_TEST(local_mean_time_is_written_in_utc)
{
	/* Asia/Shanghai before 1901: +08:05:43. */
	is("{\"from\": \"1900-01-01T00:00:00+08:05:43\"}",
	    "{\"from\": \"1899-12-31T15:54:17+00:00\"}");
	/* The fraction stays; the year 1. */
	is("[\"0001-01-01T09:05:43.5+08:05:43\"]",
	    "[\"0001-01-01T01:00:00.5+00:00\"]");
	/* Into the year 0 (1 BC), which RFC 3339 writes 0000. */
	is("[\"0001-01-01T00:00:00+08:05:43\"]",
	    "[\"0000-12-31T15:54:17+00:00\"]");
	/* West of Greenwich: America/New_York before 1883, -04:56:02. */
	is("{\"a\":\"1883-11-18T12:00:00-04:56:02\",\"b\":1}",
	    "{\"a\":\"1883-11-18T16:56:02+00:00\",\"b\":1}");
	/* Across a month's end and a leap day. */
	is("\"1900-03-01T00:01:00+08:05:43\"", "\"1900-02-28T15:55:17+00:00\"");
	is("\"1896-03-01T00:01:00+08:05:43\"", "\"1896-02-29T15:55:17+00:00\"");
}
END_TEST

START_TEST(several_and_mixed)
{
	is("{\"a\": \"1900-01-01T00:00:00+08:05:43\", \"b\": "
	    "\"2026-01-01T00:00:00+08:00\", \"c\": [\"1900-06-01T12:00:00.25"
	    "+08:05:43\"]}",
	    "{\"a\": \"1899-12-31T15:54:17+00:00\", \"b\": "
	    "\"2026-01-01T00:00:00+08:00\", \"c\": [\"1900-06-01T03:54:17.25"
	    "+00:00\"]}");
}
END_TEST

START_TEST(only_whole_strings_that_are_times)
{
	/* Within a longer string, or after an escaped quote: text. */
	is("{\"d\": \"at 1900-01-01T00:00:00+08:05:43\"}",
	    "{\"d\": \"at 1900-01-01T00:00:00+08:05:43\"}");
	is("{\"d\": \"a \\\"1900-01-01T00:00:00+08:05:43\\\"\"}",
	    "{\"d\": \"a \\\"1900-01-01T00:00:00+08:05:43\\\"\"}");
	/* Not a time: a month 13, letters. */
	is("[\"1900-13-01T00:00:00+08:05:43\"]", "[\"1900-13-01T00:00:00+08:05:43\"]");
	is("[\"19x0-01-01T00:00:00+08:05:43\"]", "[\"19x0-01-01T00:00:00+08:05:43\"]");
	is("[\"+08:05:43\"]", "[\"+08:05:43\"]");
}
END_TEST

/* Run the tests; the exit status says whether any failed. */
int
main(void)
{
	return unit_main("times", NULL, NULL, UNIT_TESTS(
	    ordinary_replies_are_untouched, local_mean_time_is_written_in_utc,
	    several_and_mixed, only_whole_strings_that_are_times));
}
