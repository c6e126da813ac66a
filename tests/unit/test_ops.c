/* Unit tests of daemon/ops.c: the daemon routes exactly the table of
 * common/routes.h, in its order. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "tests/unit/unit.h"
#include "daemon/conf.h"
#include "daemon/http.h"
#include "daemon/ops.h"
#include "daemon/route.h"
#include "routes.h"

/* A server listening on some free port of 127.0.0.1. */
static struct http_server *
server_on_free_port(struct event_base *base, struct conf *cf)
{
	struct http_server *server = NULL;
	char listen[32], err[256];
	int i, port;

	for (i = 0; i < 100 && server == NULL; i++) {
		port = 20000 + (int)((getpid() * 7 + i * 131) % 40000);
		snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
		ck_assert_int_eq(conf_set(cf, "listen", listen, err,
		    sizeof(err)), 0);
		server = http_server_create(base, cf, err, sizeof(err));
	}
	ck_assert_ptr_nonnull(server);
	return server;
}

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
		ck_assert_int_eq(wire_routes[i].access == WIRE_OPEN,
		    wire_routes[i].operation == NULL);
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

int
main(void)
{
	Suite *s = suite_create("ops");
	TCase *tc = tcase_create("ops");

	tcase_add_test(tc, routes_are_the_table);
	tcase_add_test(tc, table_is_well_formed);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
