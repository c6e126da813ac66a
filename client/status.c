#include "config.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "client/client.h"
#include "client/cmd.h"
#include "client/i18n.h"
#include "wire.h"

static const char status_about[] =
N_("Ask vpointsd whether it is up and reaches its database.\n"
"Exit 0 when healthy, 69 when the daemon or its database is unavailable.\n");

/* vpoints status: ask the health route, unsigned, and say what it means. */
static int
status_run(struct client *cl, struct cmd *c)
{
	struct net_response resp = { .status = 0 };
	json_t *body = NULL;
	int rc;

	if (client_net(cl, &resp) == NULL || net_request(cl->net, "GET",
	    cmd_path(c), NULL, NULL, 0, NULL, 0, &resp) != 0) {
		fprintf(stderr, _("vpoints: status: %s\n"), resp.error);
		rc = net_exit_code(&resp);
		net_response_clear(&resp);
		return rc;
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
		printf(_("vpointsd at %s: ok (database ok, schema %lld, "
		    "version %s)\n"), cl->settings.server,
		    (long long)json_integer_value(json_object_get(body,
		    "schema")), client_str(body, "version"));
		rc = WIRE_EXIT_OK;
	} else if (resp.status == 503) {
		printf(_("vpointsd at %s: unavailable (%s)\n"),
		    cl->settings.server, body != NULL &&
		    json_is_string(json_object_get(body, "detail")) ?
		    json_string_value(json_object_get(body, "detail")) :
		    _("no detail"));
		rc = WIRE_EXIT_UNAVAILABLE;
	} else {
		rc = client_report_problem(cl, "status", &resp);
	}
	json_decref(body);
	net_response_clear(&resp);
	return rc;
}

static const struct cmd_verb status_verbs[] = {
	{ .op = WIRE_OP_HEALTHZ, .run = status_run },
};

const struct cmd_entry cmd_status_entry = {
	.name = "status",
	.summary = N_("is vpointsd up and its database reachable"),
	.about = status_about,
	.verbs = status_verbs,
	.nverbs = CMD_NITEMS(status_verbs),
};
