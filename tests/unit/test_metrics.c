/* Unit tests of daemon/metrics.c: the Prometheus text it writes. */
#include "config.h"
#include "version.h"

#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/unit.h"
#include "daemon/metrics.h"
#include "xmalloc.h"

/* The exposition of m, with a pool's numbers and the ledger's or NULL. */
static char *
render(const struct metrics *m, const struct metrics_ledger *ledger)
{
	struct db_stats pool = { 4, 1, 2, 7, 3 };
	size_t len;
	char *text = metrics_render(m, &pool, ledger, &len);

	ck_assert_ptr_nonnull(text);
	ck_assert_uint_eq(strlen(text), len);
	return text;
}

/* True if text has line as one whole line. */
static bool
has_line(const char *text, const char *line)
{
	char *wrapped = xasprintf("\n%s", text), *needle = xasprintf("\n%s\n",
	    line);
	bool found = strstr(wrapped, needle) != NULL;

	free(wrapped);
	free(needle);
	return found;
}

/* True if a comes before b in text, both present. */
static bool
before(const char *text, const char *a, const char *b)
{
	const char *pa = strstr(text, a), *pb = strstr(text, b);

	return pa != NULL && pb != NULL && pa < pb;
}

/* True if text mentions s anywhere. */
static bool
has(const char *text, const char *s)
{
	return strstr(text, s) != NULL;
}

/* The family a sample belongs to: a histogram's samples add a suffix. */
static void
family_of(const char *sample, char *family, size_t len)
{
	static const char histogram[] = "vpointsd_http_request_duration_seconds";
	size_t n = strcspn(sample, "{ ");

	ck_assert_uint_lt(n, len);
	memcpy(family, sample, n);
	family[n] = '\0';
	if (strncmp(family, histogram, strlen(histogram)) == 0)
		family[strlen(histogram)] = '\0';
}

START_TEST(every_family_has_help_and_type_first)
{
	struct metrics *m = metrics_create(NULL);
	struct metrics_ledger ledger = { 42, 17 };
	char *text, *copy, *line, *save = NULL, family[128], want[160];
	char types[4096] = "\n";
	int samples = 0;

	metrics_reply("/v1/shifts/{}/checkout", "POST", 201, 0.002, m);
	text = render(m, &ledger);
	ck_assert_int_eq(text[strlen(text) - 1], '\n');
	copy = xstrdup(text);
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "# TYPE ", 7) == 0) {
			strcat(types, line + 7);
			strcat(types, "\n");
			continue;
		}
		if (line[0] == '#') {
			ck_assert_msg(strncmp(line, "# HELP vpointsd_", 16) == 0,
			    "comment: %s", line);
			continue;
		}
		ck_assert_msg(strncmp(line, "vpointsd_", 9) == 0, "name: %s",
		    line);
		family_of(line, family, sizeof(family));
		snprintf(want, sizeof(want), "# HELP %s ", family);
		ck_assert_msg(strstr(text, want) != NULL &&
		    strstr(text, want) < strstr(text, line), "no HELP before %s",
		    line);
		snprintf(want, sizeof(want), "\n%s ", family);
		ck_assert_msg(strstr(types, want) != NULL, "no TYPE before %s",
		    line);
		samples++;
	}
	ck_assert_int_gt(samples, 30);
	free(copy);

	ck_assert(has_line(text, "# TYPE vpointsd_up gauge"));
	ck_assert(has_line(text, "vpointsd_up 1"));
	ck_assert(has(text, "\nvpointsd_start_time_seconds 1"));
	ck_assert(has_line(text, "vpointsd_build_info{version=\""
	    VPOINTS_VERSION "\"} 1"));
	ck_assert(has_line(text, "# TYPE vpointsd_http_requests_total counter"));
	ck_assert(has_line(text, "# TYPE vpointsd_http_request_duration_seconds "
	    "histogram"));
	ck_assert(has_line(text, "# TYPE vpointsd_db_connections gauge"));
	ck_assert(has_line(text, "vpointsd_db_connections 4"));
	ck_assert(has_line(text, "vpointsd_db_connections_busy 1"));
	ck_assert(has_line(text, "vpointsd_db_requests_waiting 2"));
	ck_assert(has_line(text, "# TYPE vpointsd_db_reconnects_total counter"));
	ck_assert(has_line(text, "vpointsd_db_reconnects_total 7"));
	ck_assert(has_line(text, "vpointsd_db_errors_total 3"));
	ck_assert(has_line(text, "# TYPE vpointsd_signature_refusals_total "
	    "counter"));
	ck_assert(has_line(text, "# TYPE vpointsd_points_issued gauge"));
	ck_assert(has_line(text, "vpointsd_points_issued 42"));
	ck_assert(has_line(text, "vpointsd_points_redeemed 17"));
	ck_assert(has_line(text, "# TYPE vpointsd_db_seconds histogram"));
	free(text);
	metrics_free(m);
}
END_TEST

START_TEST(ledger_left_out_without_database)
{
	struct metrics *m = metrics_create(NULL);
	char *text = render(m, NULL);

	ck_assert(!has(text, "points_issued"));
	ck_assert(!has(text, "points_redeemed"));
	ck_assert(has_line(text, "vpointsd_up 1"));
	ck_assert(has_line(text, "vpointsd_db_connections 4"));
	/* No reply yet: the family is announced, with no series. */
	ck_assert(has_line(text, "# TYPE vpointsd_http_requests_total counter"));
	ck_assert(!has(text, "vpointsd_http_requests_total{"));
	free(text);
	metrics_free(m);
}
END_TEST

START_TEST(requests_by_route_method_status)
{
	struct metrics *m = metrics_create(NULL);
	char *text;

	metrics_reply("/v1/communities", "POST", 201, 0.01, m);
	metrics_reply("/v1/communities", "GET", 200, 0.01, m);
	metrics_reply("/v1/communities", "POST", 201, 0.01, m);
	metrics_reply("/v1/communities", "POST", 409, 0.01, m);
	metrics_reply(NULL, "GET", 404, 0.01, m);
	metrics_reply(NULL, "GET", 404, 0.01, m);
	metrics_reply("/healthz", "GET", 200, 0.01, m);
	text = render(m, NULL);
	ck_assert(has_line(text, "vpointsd_http_requests_total{route="
	    "\"/v1/communities\",method=\"POST\",status=\"201\"} 2"));
	ck_assert(has_line(text, "vpointsd_http_requests_total{route="
	    "\"/v1/communities\",method=\"POST\",status=\"409\"} 1"));
	ck_assert(has_line(text, "vpointsd_http_requests_total{route="
	    "\"/v1/communities\",method=\"GET\",status=\"200\"} 1"));
	ck_assert(has_line(text, "vpointsd_http_requests_total{route="
	    "\"other\",method=\"GET\",status=\"404\"} 2"));
	ck_assert(has_line(text, "vpointsd_http_requests_total{route="
	    "\"/healthz\",method=\"GET\",status=\"200\"} 1"));
	/* Sorted by route, method and status: a stable order. */
	ck_assert(before(text, "route=\"/healthz\"",
	    "route=\"/v1/communities\",method=\"GET\""));
	ck_assert(before(text, "route=\"/v1/communities\",method=\"GET\"",
	    "route=\"/v1/communities\",method=\"POST\",status=\"201\""));
	ck_assert(before(text, "status=\"201\"", "status=\"409\""));
	ck_assert(before(text, "status=\"409\"", "route=\"other\""));
	free(text);
	metrics_free(m);
}
END_TEST

START_TEST(label_values_are_escaped)
{
	struct metrics *m = metrics_create(NULL);
	char *text;

	metrics_reply("/a\\b\"c\nd", "G\"T", 200, 0.01, m);
	text = render(m, NULL);
	ck_assert(has_line(text, "vpointsd_http_requests_total{route="
	    "\"/a\\\\b\\\"c\\nd\",method=\"G\\\"T\",status=\"200\"} 1"));
	free(text);
	metrics_free(m);
}
END_TEST

START_TEST(histogram_buckets_are_cumulative)
{
	struct metrics *m = metrics_create(NULL);
	char *text;

	metrics_reply("/x", "GET", 200, 0.0005, m);
	metrics_reply("/x", "GET", 200, 0.001, m);	/* le is inclusive */
	metrics_reply("/x", "GET", 200, 0.003, m);
	metrics_reply("/x", "GET", 200, 0.3, m);
	metrics_reply("/x", "GET", 200, 5, m);		/* over the last bound */
	metrics_reply(NULL, "?", 400, -1, m);		/* not timed */
	text = render(m, NULL);
#define BUCKET(le, n) ck_assert_msg(has_line(text, \
    "vpointsd_http_request_duration_seconds_bucket{le=\"" le "\"} " n), \
    "bucket %s", le)
	BUCKET("0.001", "2");
	BUCKET("0.0025", "2");
	BUCKET("0.005", "3");
	BUCKET("0.01", "3");
	BUCKET("0.025", "3");
	BUCKET("0.05", "3");
	BUCKET("0.1", "3");
	BUCKET("0.25", "3");
	BUCKET("0.5", "4");
	BUCKET("1", "4");
	BUCKET("2.5", "4");
	BUCKET("+Inf", "5");
#undef BUCKET
	ck_assert(has_line(text, "vpointsd_http_request_duration_seconds_sum "
	    "5.304500"));
	ck_assert(has_line(text, "vpointsd_http_request_duration_seconds_count "
	    "5"));
	ck_assert(has_line(text, "vpointsd_http_requests_total{route=\"/x\","
	    "method=\"GET\",status=\"200\"} 5"));
	ck_assert(has_line(text, "vpointsd_http_requests_total{route="
	    "\"other\",method=\"?\",status=\"400\"} 1"));
	/* The buckets come in order of their bounds, +Inf last. */
	ck_assert(before(text, "le=\"0.001\"", "le=\"0.0025\""));
	ck_assert(before(text, "le=\"2.5\"", "le=\"+Inf\""));
	free(text);
	metrics_free(m);
}
END_TEST

START_TEST(refusals_by_reason)
{
	struct metrics *m = metrics_create(NULL);
	char *text;

	metrics_refusal(m, "signature-missing");
	metrics_refusal(m, "signature-missing");
	metrics_refusal(m, "key-revoked");
	metrics_refusal(m, "no-such-reason");	/* ignored */
	text = render(m, NULL);
	ck_assert(has_line(text, "vpointsd_signature_refusals_total{reason="
	    "\"signature-missing\"} 2"));
	ck_assert(has_line(text, "vpointsd_signature_refusals_total{reason="
	    "\"key-revoked\"} 1"));
	/* Every known reason is there from the start, at 0. */
	ck_assert(has_line(text, "vpointsd_signature_refusals_total{reason="
	    "\"signature-expired\"} 0"));
	ck_assert(has_line(text, "vpointsd_signature_refusals_total{reason="
	    "\"signature-replayed\"} 0"));
	ck_assert(has_line(text, "vpointsd_signature_refusals_total{reason="
	    "\"wrong-authority\"} 0"));
	ck_assert(!has(text, "no-such-reason"));
	ck_assert(!has(text, "reason=\"ok\""));
	free(text);
	metrics_free(m);
}
END_TEST

START_TEST(db_seconds_by_operation)
{
	struct metrics *m = metrics_create(NULL);
	char *text;

	metrics_db(m, "shift_log", 0.003);
	metrics_db(m, "key", 0.0004);
	metrics_db(m, "shift_log", 0.0005);
	metrics_db(m, "shift_log", 3);		/* over the last bound */
	metrics_db(m, "redeem", -1);		/* never sent: not counted */
	text = render(m, NULL);
#define BUCKET(op, le, n) ck_assert_msg(has_line(text, \
    "vpointsd_db_seconds_bucket{operation=\"" op "\",le=\"" le "\"} " n), \
    "%s bucket %s", op, le)
	BUCKET("shift_log", "0.001", "1");
	BUCKET("shift_log", "0.005", "2");
	BUCKET("shift_log", "2.5", "2");
	BUCKET("shift_log", "+Inf", "3");
	BUCKET("key", "0.001", "1");
	BUCKET("key", "+Inf", "1");
#undef BUCKET
	ck_assert(has_line(text, "vpointsd_db_seconds_sum{operation="
	    "\"shift_log\"} 3.003500"));
	ck_assert(has_line(text, "vpointsd_db_seconds_count{operation="
	    "\"shift_log\"} 3"));
	ck_assert(has_line(text, "vpointsd_db_seconds_count{operation="
	    "\"key\"} 1"));
	ck_assert(!has(text, "redeem"));
	/* Operations in order of their names, each one's series together. */
	ck_assert(before(text, "operation=\"key\"", "operation=\"shift_log\""));
	ck_assert(before(text, "vpointsd_db_seconds_count{operation=\"key\"}",
	    "vpointsd_db_seconds_bucket{operation=\"shift_log\""));
	free(text);
	metrics_free(m);
}
END_TEST

/* Run the tests; the exit status says whether any failed. */
int
main(void)
{
	return unit_main("metrics", NULL, NULL, UNIT_TESTS(
	    every_family_has_help_and_type_first,
	    ledger_left_out_without_database, requests_by_route_method_status,
	    label_values_are_escaped, histogram_buckets_are_cumulative,
	    refusals_by_reason, db_seconds_by_operation));
}
