#include "config.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "client/client.h"
#include "wire.h"

static const char status_usage[] =
"usage: vpoints status\n"
"\n"
"Ask vpointsd whether it is up and reaches its database.\n"
"Exit 0 when healthy, 69 when the daemon or its database is unavailable.\n";

/* vpoints status: GET /healthz and say what it means. */
int
status_main(struct client *cl, int argc, char **argv)
{
	struct net_response resp;
	json_t *body = NULL;
	int rc;

	if (client_wants_help(argc, argv)) {
		fputs(status_usage, stdout);
		return WIRE_EXIT_OK;
	}
	if (argc > 1) {
		fputs(status_usage, stderr);
		return WIRE_EXIT_USAGE;
	}
	if (net_request(cl->settings.server, "GET", WIRE_ROUTE_HEALTHZ, NULL,
	    0, NULL, 0, cl->timeout, &resp) != 0) {
		fprintf(stderr, "vpoints: cannot reach vpointsd at %s: %s\n",
		    cl->settings.server, resp.error);
		net_response_clear(&resp);
		return WIRE_EXIT_UNAVAILABLE;
	}
	if (cl->json) {
		printf("%s\n", resp.body);
		rc = resp.status == 200 ? WIRE_EXIT_OK :
		    client_exit_code(resp.status);
		net_response_clear(&resp);
		return rc;
	}
	body = json_loads(resp.body, 0, NULL);
	if (resp.status == 200 && body != NULL) {
		printf("vpointsd at %s: ok (database ok, schema %lld)\n",
		    cl->settings.server, (long long)json_integer_value(
		    json_object_get(body, "schema")));
		rc = WIRE_EXIT_OK;
	} else if (resp.status == 503) {
		printf("vpointsd at %s: unavailable (%s)\n",
		    cl->settings.server, body != NULL &&
		    json_is_string(json_object_get(body, "detail")) ?
		    json_string_value(json_object_get(body, "detail")) :
		    "no detail");
		rc = WIRE_EXIT_UNAVAILABLE;
	} else {
		rc = client_report_problem(cl, "status", &resp);
	}
	json_decref(body);
	net_response_clear(&resp);
	return rc;
}
