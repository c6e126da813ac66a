/* Unit tests of the daemon's routing: matching a request line
 * (daemon/route.c), the routes the daemon adds, exactly those of
 * common/routes.h in their order (daemon/ops.c), and a request's
 * arguments (daemon/args.c). */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <jansson.h>

#include "tests/unit/unit.h"
#include "daemon/args.h"
#include "daemon/conf.h"
#include "daemon/http.h"
#include "daemon/ops.h"
#include "daemon/route.h"
#include "routes.h"
#include "wire.h"

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

/* A server listening on some free port of 127.0.0.1, above the ports the
 * end-to-end tests give their daemons (tests/lib.sh). */
static struct http_server *
server_on_free_port(struct event_base *base, struct conf *cf)
{
	struct http_server *server = NULL;
	char listen[32], err[256];
	int i, port;

	for (i = 0; i < 100 && server == NULL; i++) {
		port = 40000 + (int)((getpid() * 7 + i * 131) % 20000);
		snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
		ck_assert_int_eq(conf_set(cf, "listen", listen, err,
		    sizeof(err)), 0);
		server = http_server_create(base, cf, err, sizeof(err));
	}
	ck_assert_ptr_nonnull(server);
	return server;
}

/* What the log may show of a path: the literal segments some pattern
 * spells, up to its first {}. */
START_TEST(known_prefix)
{
	ck_assert_uint_eq(route_known_prefix(table, N, "/v1/volunteers/Wang%20Fang"),
	    strlen("/v1/volunteers"));
	ck_assert_uint_eq(route_known_prefix(table, N, "/v1/volunteers/1390/x"),
	    strlen("/v1/volunteers"));
	ck_assert_uint_eq(route_known_prefix(table, N, "/v1/volunteers"),
	    strlen("/v1/volunteers"));
	ck_assert_uint_eq(route_known_prefix(table, N, "/v1/volunteersX/1"),
	    strlen("/v1"));
	ck_assert_uint_eq(route_known_prefix(table, N, "/healthz/"),
	    strlen("/healthz"));
	ck_assert_uint_eq(route_known_prefix(table, N, "//v1"), 0);
	ck_assert_uint_eq(route_known_prefix(table, N, "/secret"), 0);
	ck_assert_uint_eq(route_known_prefix(table, N, "/"), 0);
	ck_assert_uint_eq(route_known_prefix(table, N, ""), 0);
}
END_TEST

START_TEST(routes_are_the_table)
{
	struct event_base *base = event_base_new();
	struct conf *cf = conf_new();
	struct http_server *server;
	struct ops ops;
	const struct route *routes;
	struct route_match m;
	char *path;
	size_t n, i;

	ck_assert_ptr_nonnull(base);
	server = server_on_free_port(base, cf);
	memset(&ops, 0, sizeof(ops));
	ops_route_all(server, &ops);
	routes = http_server_routes(server, &n);
	ck_assert_uint_eq(n, WIRE_OP_COUNT);
	for (i = 0; i < n; i++) {
		ck_assert_str_eq(routes[i].method, wire_routes[i].method);
		ck_assert_str_eq(routes[i].pattern, wire_routes[i].pattern);
		/* Each route answers its own paths: none before it in the
		 * table takes them. */
		path = wire_path((enum wire_op)i,
		    wire_routes[i].param != NULL ? "x-1" : NULL);
		ck_assert_int_eq(route_find(routes, n, wire_routes[i].method,
		    path, &m), ROUTE_FOUND);
		ck_assert_ptr_eq(m.route, &routes[i]);
		free(path);
	}
	http_server_free(server);
	conf_free(cf);
	event_base_free(base);
}
END_TEST

START_TEST(table_is_well_formed)
{
	size_t i, j;

	for (i = 0; i < WIRE_OP_COUNT; i++) {
		/* A {} segment has a name, a route without one has none. */
		ck_assert_int_eq(strstr(wire_routes[i].pattern, "{}") != NULL,
		    wire_routes[i].param != NULL);
		/* Only the unsigned routes run no operation. */
		ck_assert_int_eq(!WIRE_SIGNED(wire_routes[i].access),
		    wire_routes[i].operation == NULL);
		/* The console's files are read, never written, and live
		 * under /console/ alone: no path of theirs is a signed
		 * route's, so a signed route cannot be reached unsigned. */
		if (wire_routes[i].access == WIRE_STATIC) {
			ck_assert(strcmp(wire_routes[i].method, "GET") == 0 ||
			    strcmp(wire_routes[i].method, "HEAD") == 0);
			ck_assert(strncmp(wire_routes[i].pattern, "/console/",
			    9) == 0);
		} else
			ck_assert(strncmp(wire_routes[i].pattern, "/console",
			    8) != 0);
		for (j = 0; j < i; j++) {
			ck_assert(strcmp(wire_routes[i].method,
			    wire_routes[j].method) != 0 ||
			    strcmp(wire_routes[i].pattern,
			    wire_routes[j].pattern) != 0);
			ck_assert(wire_routes[i].operation == NULL ||
			    wire_routes[j].operation == NULL ||
			    strcmp(wire_routes[i].operation,
			    wire_routes[j].operation) != 0);
		}
	}
}
END_TEST

/* The arguments' context: a configuration with an id_hash_key, and one
 * with none (the default). */
static struct conf	*conf_keyed, *conf_unkeyed;
static struct ops	 keyed, unkeyed;

/* Two configurations as the daemon makes them. */
static void
setup(void)
{
	char err[256];

	conf_keyed = conf_new();
	conf_unkeyed = conf_new();
	ck_assert_int_eq(conf_set(conf_keyed, "id_hash_key", "000102030405"
	    "060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", err,
	    sizeof(err)), 0);
	keyed.conf = &conf_keyed;
	unkeyed.conf = &conf_unkeyed;
}

/* Free them. */
static void
teardown(void)
{
	conf_free(conf_keyed);
	conf_free(conf_unkeyed);
}

/* Decode for op with ops; the arguments as compact text (sorted keys), or
 * NULL with *p filled. */
static char *
decode(enum wire_op op, const struct ops *ops, const char *query,
    const char *body, const char *segment, struct args_problem *p)
{
	struct args_request req = { query, body, strlen(body), segment };
	json_t *args;
	char *text;

	memset(p, 0, sizeof(*p));
	args = args_decode(op, ops, &req, p);
	if (args == NULL) {
		/* The members are an object when there are any. */
		ck_assert(p->members == NULL || json_is_object(p->members));
		json_decref(p->members);
		p->members = NULL;
		return NULL;
	}
	text = json_dumps(args, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(args);
	ck_assert_ptr_nonnull(text);
	return text;
}

/* Assert that decoding gives text. */
static void
decodes(enum wire_op op, const char *query, const char *body,
    const char *segment, const char *want)
{
	struct args_problem p;
	char *got = decode(op, &keyed, query, body, segment, &p);

	ck_assert_msg(got != NULL, "refused: %d %s %s", p.status, p.type,
	    p.detail);
	ck_assert_str_eq(got, want);
	free(got);
}

/* Assert that decoding is refused with status, type and detail (NULL:
 * jansson's words, whatever they are). */
static void
refused(enum wire_op op, const struct ops *ops, const char *query,
    const char *body, const char *segment, int status, const char *type,
    const char *detail)
{
	struct args_problem p;
	char *got = decode(op, ops, query, body, segment, &p);

	ck_assert_msg(got == NULL, "decoded: %s", got);
	ck_assert_int_eq(p.status, status);
	ck_assert_str_eq(p.type, type);
	ck_assert_ptr_nonnull(p.title);
	if (detail != NULL)
		ck_assert_str_eq(p.detail, detail);
	else
		ck_assert_str_ne(p.detail, "");
}

START_TEST(writes_take_the_body)
{
	decodes(WIRE_OP_COMMUNITY_ADD, "", "{\"name\":\"East\",\"n\":2}", NULL,
	    "{\"n\":2,\"name\":\"East\"}");
	decodes(WIRE_OP_COMMUNITY_ADD, "ignored=1", "", NULL, "{}");
	/* The {} segment is added; the body may name it too, the same. */
	decodes(WIRE_OP_SHIFT_CHECKOUT, "", "{\"note\":\"x\"}",
	    "42", "{\"id\":\"42\",\"note\":\"x\"}");
	decodes(WIRE_OP_SHIFT_CHECKOUT, "", "{\"id\":\"42\",\"note\":\"x\"}",
	    "42", "{\"id\":\"42\",\"note\":\"x\"}");
	decodes(WIRE_OP_MONTH_CLOSE, "", "", "2026-09",
	    "{\"month\":\"2026-09\"}");
}
END_TEST

START_TEST(the_path_names_it)
{
	/* Never another: a volunteer's number, an id cannot change. */
	refused(WIRE_OP_SHIFT_CHECKOUT, &keyed, "", "{\"id\":\"7\"}", "42", 422,
	    WIRE_P_INVALID_FIELD, "\"id\" is the one in the path and cannot "
	    "change; leave it out of the body.");
	refused(WIRE_OP_SHIFT_CHECKOUT, &keyed, "", "{\"id\":42}", "42", 422,
	    WIRE_P_INVALID_FIELD, NULL);
	refused(WIRE_OP_VOLUNTEER_UPDATE, &keyed, "", "{\"number\":\"V-2\"}",
	    "V-1", 422, WIRE_P_INVALID_FIELD, NULL);
	refused(WIRE_OP_VOLUNTEER_GET, &keyed, "number=V-2", "", "V-1", 422,
	    WIRE_P_INVALID_FIELD, NULL);
}
END_TEST

START_TEST(writes_want_a_json_object)
{
	refused(WIRE_OP_REDEEM, &keyed, "", "[1,2]", NULL, 400,
	    WIRE_P_INVALID_JSON, "The body must be a JSON object.");
	refused(WIRE_OP_REDEEM, &keyed, "", "{\"a\":1", NULL, 400,
	    WIRE_P_INVALID_JSON, NULL);
	refused(WIRE_OP_REDEEM, &keyed, "", "{\"a\":1,\"a\":2}", NULL, 400,
	    WIRE_P_INVALID_JSON, NULL);
}
END_TEST

START_TEST(reads_take_the_query)
{
	decodes(WIRE_OP_SHIFT_LIST, "volunteer=V-1&from=2026-01-01%2000:00",
	    "{\"not\":\"read\"}", NULL,
	    "{\"from\":\"2026-01-01 00:00\",\"volunteer\":\"V-1\"}");
	decodes(WIRE_OP_AUDIT, "", "", NULL, "{}");
	decodes(WIRE_OP_VOLUNTEER_LEDGER, "", "", "V-00123",
	    "{\"number\":\"V-00123\"}");
	refused(WIRE_OP_SHIFT_LIST, &keyed, "a=1&a=2", "", NULL, 400,
	    WIRE_P_BAD_REQUEST,
	    "The query string is malformed or repeats a parameter.");
	/* What is not UTF-8 text is refused, never dropped or cut short. */
	refused(WIRE_OP_SHIFT_LIST, &keyed, "volunteer=%ff", "", NULL, 400,
	    WIRE_P_BAD_REQUEST,
	    "The query string is malformed or repeats a parameter.");
	refused(WIRE_OP_SHIFT_LIST, &keyed, "volunteer=%ff&volunteer=V-1", "",
	    NULL, 400, WIRE_P_BAD_REQUEST,
	    "The query string is malformed or repeats a parameter.");
	refused(WIRE_OP_SHIFT_LIST, &keyed, "volunteer=V-1%00x", "", NULL, 400,
	    WIRE_P_BAD_REQUEST,
	    "The query string is malformed or repeats a parameter.");
	decodes(WIRE_OP_SHIFT_LIST, "place=%E4%BA%BA%E6%B0%91%E8%B7%AF", "",
	    NULL, "{\"place\":\"\u4eba\u6c11\u8def\"}");
}
END_TEST

START_TEST(station_key_is_prepared)
{
	/* RFC 8410 section 10.1's public key, as base64url. */
	decodes(WIRE_OP_STATION_ADD, "",
	    "{\"public_key\":\"Gb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE\"}",
	    NULL,
	    "{\"public_key\":\"Gb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE\"}");
	refused(WIRE_OP_STATION_ADD, &keyed, "", "{\"public_key\":3}", NULL,
	    422, WIRE_P_INVALID_FIELD, "\"public_key\" must be a string or a "
	    "JWK");
	/* A JWK as a JSON object, for a station's second key. */
	decodes(WIRE_OP_STATION_KEY_ADD, "",
	    "{\"public_key\":{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":"
	    "\"Gb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE\"}}", "S01",
	    "{\"code\":\"S01\",\"public_key\":"
	    "\"Gb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE\"}");
	refused(WIRE_OP_STATION_KEY_ADD, &keyed, "", "{\"public_key\":{\"kty\":"
	    "\"OKP\",\"crv\":\"Ed25519\",\"x\":\"Gb9ECWmEzf6FQbrBZ9w7lshQhqowtr"
	    "bLDFw4rXAxZuE\",\"d\":\"x\"}}", "S01", 422, WIRE_P_INVALID_FIELD,
	    "\"public_key\": the JWK holds the private key (\"d\"): give the "
	    "public key only");
}
END_TEST

START_TEST(id_numbers_are_hashed)
{
	struct args_problem p;
	json_t *args;
	char *text;

	text = decode(WIRE_OP_VOLUNTEER_UPDATE, &keyed, "",
	    "{\"id_number\":\" ab1234 \",\"id_hash\":\"forged\"}", "V-1", &p);
	ck_assert_ptr_nonnull(text);
	args = json_loads(text, 0, NULL);
	ck_assert_ptr_null(json_object_get(args, "id_number"));
	ck_assert_uint_eq(strlen(json_string_value(json_object_get(args,
	    "id_hash"))), 64);
	ck_assert_str_eq(json_string_value(json_object_get(args, "id_last4")),
	    "1234");
	ck_assert_str_eq(json_string_value(json_object_get(args, "number")),
	    "V-1");
	json_decref(args);
	free(text);
	refused(WIRE_OP_VOLUNTEER_ADD, &unkeyed, "",
	    "{\"id_number\":\"AB1234\"}", NULL, 422, WIRE_P_INVALID_FIELD,
	    "ID numbers are not accepted: the daemon has no id_hash_key "
	    "configured");
	decodes(WIRE_OP_VOLUNTEER_ADD, "", "{\"id_number\":null}", NULL, "{}");
}
END_TEST

/* Run the tests; the exit status says whether any failed. */
int
main(void)
{
	Suite *s = suite_create("route");
	TCase *tc;

	unit_case(s, "route", UNIT_TESTS(exact, captures, segments_are_strict,
	    bad_method_lists_allowed, known_prefix));
	unit_case(s, "daemon", UNIT_TESTS(routes_are_the_table,
	    table_is_well_formed));
	tc = unit_case(s, "args", UNIT_TESTS(writes_take_the_body,
	    the_path_names_it, writes_want_a_json_object, reads_take_the_query,
	    station_key_is_prepared, id_numbers_are_hashed));
	tcase_add_checked_fixture(tc, setup, teardown);
	return unit_run(s);
}
