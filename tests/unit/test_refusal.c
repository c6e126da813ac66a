/* Unit tests of client/refusal.c: a refusal said from its type and
 * members, the first template whose members are all there, the daemon's
 * detail for a type not known, times in the local zone. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/unit/unit.h"
#include "client/refusal.h"

/* Assert that the problem, JSON text, is said as expected (NULL: not). */
static void
assert_said(const char *problem_json, const char *expected)
{
	json_t *problem = json_loads(problem_json, 0, NULL);
	char *text;

	ck_assert_ptr_nonnull(problem);
	text = refusal_sentence(problem);
	if (expected == NULL)
		ck_assert_ptr_null(text);
	else {
		ck_assert_ptr_nonnull(text);
		ck_assert_str_eq(text, expected);
	}
	free(text);
	json_decref(problem);
}

START_TEST(members)
{
	assert_said("{\"type\":\"urn:vpoints:problem:insufficient-points\","
	    "\"detail\":\"English\",\"volunteer\":\"V1\",\"balance\":10,"
	    "\"quantity\":3,\"item_name\":\"Towel\",\"cost\":12}",
	    "V1 has 10 points; 3 × Towel costs 12.");
	/* The same type raised elsewhere, with other members. */
	assert_said("{\"type\":\"urn:vpoints:problem:insufficient-points\","
	    "\"volunteer\":\"V1\",\"balance\":10,\"points\":20}",
	    "V1 has 10 points and cannot offer 20.");
	assert_said("{\"type\":\"urn:vpoints:problem:checkins-open\","
	    "\"before\":\"2026-11-01\",\"checkins\":[4,7]}",
	    "Check-ins that started before 2026-11-01 are still open (4, 7): "
	    "check them out first.");
	assert_said("{\"type\":\"urn:vpoints:problem:volunteer-suspended\","
	    "\"volunteer\":\"V2\",\"volunteer_status\":\"suspended\"}",
	    "Volunteer V2 is suspended.");
}
END_TEST

START_TEST(reasons)
{
	assert_said("{\"type\":\"urn:vpoints:problem:invalid-field\","
	    "\"field\":\"price\",\"reason\":\"range\",\"min\":1,"
	    "\"max\":1000000,\"detail\":\"x\"}",
	    "\"price\" must be from 1 to 1000000.");
	assert_said("{\"type\":\"urn:vpoints:problem:invalid-field\","
	    "\"field\":\"name\",\"reason\":\"required\"}",
	    "\"name\" is required.");
	assert_said("{\"type\":\"urn:vpoints:problem:invalid-field\","
	    "\"field\":\"kind\",\"reason\":\"choice\","
	    "\"choices\":[\"standing\",\"specialty\"]}",
	    "\"kind\" must be one of: standing, specialty.");
	/* A reason without a row of its own: the rows of the type. */
	assert_said("{\"type\":\"urn:vpoints:problem:invalid-input\","
	    "\"reason\":\"value\",\"detail\":\"x\"}",
	    "A value of the request is not valid.");
	/* A reason without a template, nor its type: the detail. */
	assert_said("{\"type\":\"urn:vpoints:problem:invalid-field\","
	    "\"field\":\"gender\",\"detail\":\"\\\"gender\\\" must be female, "
	    "male or other\"}", "\"gender\" must be female, male or other");
}
END_TEST

START_TEST(fallbacks)
{
	/* A type not known, a member missing, no type at all. */
	assert_said("{\"type\":\"urn:vpoints:problem:brand-new\","
	    "\"detail\":\"Said by the daemon.\"}", "Said by the daemon.");
	assert_said("{\"type\":\"urn:vpoints:problem:out-of-stock\","
	    "\"stock\":1,\"detail\":\"Towel: 1 in stock, 2 asked.\"}",
	    "Towel: 1 in stock, 2 asked.");
	assert_said("{\"type\":\"about:blank\",\"detail\":\"Other.\"}",
	    "Other.");
	assert_said("{\"type\":\"urn:vpoints:problem:brand-new\"}", NULL);
	assert_said("{}", NULL);
}
END_TEST

START_TEST(times)
{
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	assert_said("{\"type\":\"urn:vpoints:problem:shift-overlap\","
	    "\"volunteer\":\"V1\",\"other_kind\":\"shift\",\"other_id\":5,"
	    "\"other_start\":\"2026-11-30T07:00:00+08:00\","
	    "\"other_end\":\"2026-11-30T08:30:00+08:00\"}",
	    "Volunteer V1 has another shift at that time: shift 5, "
	    "2026-11-30 07:00 to 2026-11-30 08:30.");
	/* An open check-in has no end: the other sentence. */
	assert_said("{\"type\":\"urn:vpoints:problem:shift-overlap\","
	    "\"volunteer\":\"V1\",\"other_kind\":\"checkin\",\"other_id\":6,"
	    "\"other_start\":\"2026-11-29T23:00:00Z\"}",
	    "Volunteer V1 has an open check-in at that time: check-in 6, "
	    "since 2026-11-30 07:00.");
}
END_TEST

START_TEST(rendered)
{
	json_t *p = json_pack("{s:i, s:s}", "n", 3, "s", "x");
	char *text;

	text = refusal_render("%{n} and %{s}, 100% {n}", p);
	ck_assert_str_eq(text, "3 and x, 100% {n}");
	free(text);
	ck_assert_ptr_null(refusal_render("%{missing}", p));
	text = refusal_render("%{unclosed", p);
	ck_assert_str_eq(text, "%{unclosed");
	free(text);
	json_decref(p);
}
END_TEST

/* Run the tests; the exit status says whether any failed. */
int
main(void)
{
	return unit_main("refusal", NULL, NULL, UNIT_TESTS(members, reasons,
	    fallbacks, times, rendered));
}
