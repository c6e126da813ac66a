/* Unit tests of client/when.c: RFC 3339 passes through, a local
 * "YYYY-MM-DD HH:MM" (or "HH:MM", today) gets the offset of its time zone
 * then, what is no real time is refused, and RFC 3339 reads back into an
 * instant. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/unit/unit.h"
#include "client/when.h"

/* Make tz the local time zone. */
static void
zone(const char *tz)
{
	ck_assert_int_eq(setenv("TZ", tz, 1), 0);
	tzset();
}

/* Assert that text becomes expected. */
static void
assert_when(const char *text, const char *expected)
{
	char out[WHEN_RFC3339_LEN];

	ck_assert_int_eq(when_rfc3339(text, out, sizeof(out)), 0);
	ck_assert_str_eq(out, expected);
}

/* Assert that text is refused. */
static void
assert_refused(const char *text)
{
	char out[WHEN_RFC3339_LEN];

	ck_assert_int_eq(when_rfc3339(text, out, sizeof(out)), -1);
}

START_TEST(rfc3339_passes)
{
	zone("Asia/Shanghai");
	assert_when("2026-10-05T09:00:00+08:00", "2026-10-05T09:00:00+08:00");
	assert_when("2026-10-05T01:00:00Z", "2026-10-05T01:00:00Z");
	assert_when("2026-10-05t01:00:00z", "2026-10-05t01:00:00z");
	assert_when("2026-10-04T21:00:00.250-04:00",
	    "2026-10-04T21:00:00.250-04:00");
	ck_assert(when_is_rfc3339("2026-10-05T09:00:00+08:00"));
	ck_assert(!when_is_rfc3339("2026-10-05T09:00:00"));
	ck_assert(!when_is_rfc3339("2026-10-05T09:00+08:00"));
	ck_assert(!when_is_rfc3339("2026-10-05T09:00:00+0800"));
	ck_assert(!when_is_rfc3339("2026-10-05T09:00:00.+08:00"));
	ck_assert(!when_is_rfc3339("2026-10-05T09:00:00+08:00 "));
	ck_assert(!when_is_rfc3339("2026-10-05 09:00:00+08:00x"));
}
END_TEST

START_TEST(local_times)
{
	zone("Asia/Shanghai");
	assert_when("2026-10-05 09:00", "2026-10-05T09:00:00+08:00");
	assert_when("2026-12-31 23:59", "2026-12-31T23:59:00+08:00");
	assert_when("2028-02-29 00:00", "2028-02-29T00:00:00+08:00");
	zone("UTC");
	assert_when("2026-10-05 09:00", "2026-10-05T09:00:00+00:00");
	zone("Asia/Kolkata");
	assert_when("2026-10-05 09:00", "2026-10-05T09:00:00+05:30");
	zone("America/St_Johns");
	assert_when("2026-01-15 12:00", "2026-01-15T12:00:00-03:30");
}
END_TEST

START_TEST(summer_time)
{
	zone("America/New_York");
	assert_when("2026-01-15 12:00", "2026-01-15T12:00:00-05:00");
	assert_when("2026-07-01 12:00", "2026-07-01T12:00:00-04:00");
	/* 2026-03-08 02:00 to 03:00 does not happen there. */
	assert_refused("2026-03-08 02:30");
	assert_when("2026-03-08 03:30", "2026-03-08T03:30:00-04:00");
}
END_TEST

START_TEST(refusals)
{
	char small[20];

	zone("Asia/Shanghai");
	assert_refused("");
	assert_refused("yesterday");
	assert_refused("2026-02-30 09:00");
	assert_refused("2026-13-01 09:00");
	assert_refused("2026-10-05 24:00");
	assert_refused("2026-10-05 09:60");
	assert_refused("2026-10-05 9:00");
	assert_refused("2026-10-05  9:00");
	assert_refused("2026-10-05 09:00:00");
	assert_refused("2026-10-05T09:00");
	assert_refused("2026-10-05T09:00:00");
	assert_refused("2026-10-05 09:00 ");
	assert_refused("2026/10/05 09:00");
	/* Too small a buffer is refused, not cut short. */
	ck_assert_int_eq(when_rfc3339("2026-10-05 09:00", small,
	    sizeof(small)), -1);
	ck_assert_int_eq(when_rfc3339("2026-10-05T09:00:00+08:00", small,
	    sizeof(small)), -1);
}
END_TEST

START_TEST(instants)
{
	/* 2026-10-05T01:02:03Z */
	time_t t = 1791162123;
	char out[WHEN_RFC3339_LEN], small[20];

	zone("Asia/Shanghai");
	ck_assert_int_eq(when_format(t, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "2026-10-05T09:02:03+08:00");
	ck_assert(when_is_rfc3339(out));
	ck_assert_int_eq(when_date(t, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "2026-10-05");
	zone("America/New_York");
	ck_assert_int_eq(when_format(t, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "2026-10-04T21:02:03-04:00");
	ck_assert_int_eq(when_date(t, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "2026-10-04");
	ck_assert_int_eq(when_format(t, small, sizeof(small)), -1);
}
END_TEST

START_TEST(today)
{
	char out[WHEN_RFC3339_LEN], before[11], after[11];

	/* "HH:MM" is today's in the local zone; the day is read around the
	 * call, so that a midnight between is no failure. */
	zone("Asia/Shanghai");
	ck_assert_int_eq(when_date(time(NULL), before, sizeof(before)), 0);
	ck_assert_int_eq(when_rfc3339("07:00", out, sizeof(out)), 0);
	ck_assert_int_eq(when_date(time(NULL), after, sizeof(after)), 0);
	ck_assert(strncmp(out, before, 10) == 0 ||
	    strncmp(out, after, 10) == 0);
	ck_assert_str_eq(out + 10, "T07:00:00+08:00");
	assert_refused("7:00");
	assert_refused("07:0");
	assert_refused("24:00");
	assert_refused("07:00 ");
}
END_TEST

START_TEST(parsed)
{
	time_t t;

	ck_assert_int_eq(when_parse("2026-10-05T09:00:00+08:00", &t), 0);
	ck_assert_int_eq(t, 1791162000);
	ck_assert_int_eq(when_parse("2026-10-04T21:02:03.5-04:00", &t), 0);
	ck_assert_int_eq(t, 1791162123);
	ck_assert_int_eq(when_parse("2026-10-05T01:02:03Z", &t), 0);
	ck_assert_int_eq(t, 1791162123);
	ck_assert_int_eq(when_parse("2026-10-05 09:00", &t), -1);
	ck_assert_int_eq(when_parse("2026-10-05", &t), -1);
}
END_TEST

/* Run the tests; the exit status says whether any failed. */
int
main(void)
{
	return unit_main("when", NULL, NULL, UNIT_TESTS(rfc3339_passes,
	    local_times, summer_time, refusals, instants, today, parsed));
}
