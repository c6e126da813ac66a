/* Unit tests of daemon/route.c. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/unit.h"
#include "daemon/route.h"

static const struct route table[] = {
	{ "GET", "/healthz", NULL },
	{ "GET", "/v1/volunteers/{}", NULL },
	{ "POST", "/v1/volunteers", NULL },
	{ "GET", "/v1/volunteers/{}/ledger", NULL },
	{ "POST", "/v1/stations/{}/revoke", NULL },
	{ "POST", "/v1/help-requests/{}/{}", NULL },
};
#define N (sizeof(table) / sizeof(table[0]))

START_TEST(exact)
{
	struct route_match m;

	ck_assert_int_eq(route_find(table, N, "GET", "/healthz", &m), ROUTE_FOUND);
	ck_assert_ptr_eq(m.route, &table[0]);
	ck_assert_int_eq(m.nparams, 0);
	ck_assert_int_eq(route_find(table, N, "GET", "/healthz/", &m), ROUTE_NOT_FOUND);
	ck_assert_int_eq(route_find(table, N, "GET", "/health", &m), ROUTE_NOT_FOUND);
	ck_assert_int_eq(route_find(table, N, "GET", "/", &m), ROUTE_NOT_FOUND);
}
END_TEST

START_TEST(captures)
{
	struct route_match m;

	ck_assert_int_eq(route_find(table, N, "GET", "/v1/volunteers/V-00123", &m),
	    ROUTE_FOUND);
	ck_assert_ptr_eq(m.route, &table[1]);
	ck_assert_str_eq(m.params[0], "V-00123");
	ck_assert_int_eq(route_find(table, N, "GET",
	    "/v1/volunteers/V-00123/ledger", &m), ROUTE_FOUND);
	ck_assert_ptr_eq(m.route, &table[3]);
	ck_assert_int_eq(route_find(table, N, "POST",
	    "/v1/help-requests/42/accept", &m), ROUTE_FOUND);
	ck_assert_int_eq(m.nparams, 2);
	ck_assert_str_eq(m.params[0], "42");
	ck_assert_str_eq(m.params[1], "accept");
}
END_TEST

START_TEST(segments_are_strict)
{
	struct route_match m;
	char longseg[300] = "/v1/volunteers/";
	size_t i;

	ck_assert_int_eq(route_find(table, N, "GET", "/v1/volunteers/", &m),
	    ROUTE_NOT_FOUND);
	ck_assert_int_eq(route_find(table, N, "GET", "/v1/volunteers/a%20b", &m),
	    ROUTE_NOT_FOUND);
	ck_assert_int_eq(route_find(table, N, "GET", "/v1/volunteers/a'b", &m),
	    ROUTE_NOT_FOUND);
	for (i = strlen(longseg); i < 280; i++)
		longseg[i] = 'a';
	longseg[i] = '\0';
	ck_assert_int_eq(route_find(table, N, "GET", longseg, &m), ROUTE_NOT_FOUND);
}
END_TEST

START_TEST(bad_method_lists_allowed)
{
	struct route_match m;

	ck_assert_int_eq(route_find(table, N, "DELETE", "/v1/volunteers", &m),
	    ROUTE_BAD_METHOD);
	ck_assert_str_eq(m.allow, "POST");
	ck_assert_int_eq(route_find(table, N, "POST", "/healthz", &m),
	    ROUTE_BAD_METHOD);
	ck_assert_str_eq(m.allow, "GET");
}
END_TEST

/* Run the tests; the exit status says whether any failed. */
int
main(void)
{
	return unit_main("route", NULL, NULL, UNIT_TESTS(exact, captures,
	    segments_are_strict, bad_method_lists_allowed));
}
