#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "client/client.h"
#include "client/cmd.h"
#include "client/headings.h"
#include "client/i18n.h"
#include "client/table.h"
#include "wire.h"

static const char help_about[] =
N_("Points for help between neighbours. request: VOLUNTEER offers N of their\n"
"points for the help described; the points are held until the request\n"
"resolves, and go back if TIME passes first. accept names the helper,\n"
"another volunteer of the same community. complete, at a station, pays\n"
"the helper and records their N minutes of service as a shift of\n"
"activity help (or A), earning no points of its own. cancel gives the\n"
"points back. TIME is RFC 3339 (2026-10-05T18:00:00+08:00) or\n"
"\"YYYY-MM-DD HH:MM\" in the local time zone. list: oldest first, 100\n"
"unless --limit.\n");

static const struct table_column help_rows[] = {
	{ "id", N_("ID"), NULL, true },
	{ "status", N_("STATUS"), NULL, false },
	{ "requester", N_("REQUESTER"), NULL, false },
	{ "helper", N_("HELPER"), NULL, false },
	{ "points", N_("POINTS"), NULL, true },
	{ "deadline", N_("DEADLINE"), table_time, false },
	{ "description", N_("DESCRIPTION"), NULL, false },
	{ "community", NULL, NULL, false },
	{ "created_at", NULL, table_time, false },
	{ "accepted_at", NULL, table_time, false },
	{ "resolved_at", NULL, table_time, false },
	{ "shift", NULL, NULL, false },
	{ "reason", NULL, NULL, false },
};

/* Print a help request as it now stands. */
static int
help_print(struct client *cl, const struct cmd *c, json_t *h)
{
	char *deadline = table_time(json_object_get(h, "deadline"));

	printf(_("help request %lld %s: %lld points, requester %s"),
	    (long long)json_integer_value(json_object_get(h, "id")),
	    heading_value("status", client_str(h, "status")),
	    (long long)json_integer_value(json_object_get(h, "points")),
	    client_str(h, "requester"));
	if (json_is_string(json_object_get(h, "helper")))
		printf(_(", helper %s"), client_str(h, "helper"));
	if (json_is_integer(json_object_get(h, "shift")))
		printf(_(", shift %lld"), (long long)json_integer_value(
		    json_object_get(h, "shift")));
	if (*deadline != '\0' && !json_is_string(json_object_get(h,
	    "resolved_at")))
		printf(_(", deadline %s"), deadline);
	printf("\n");
	free(deadline);
	return WIRE_EXIT_OK;
}

static const struct cmd_option help_id[] = {
	CMD_ARG("ID", CMD_WHOLE, "id"),
	CMD_END
};

static const struct cmd_option help_request_args[] = {
	CMD_ARG("VOLUNTEER", CMD_STRING, "requester"),
	CMD_END
};

static const struct cmd_option help_request_options[] = {
	CMD_OPT("points", CMD_WHOLE, "points", "N", CMD_REQUIRED),
	CMD_OPT("description", CMD_STRING, "description", "TEXT",
	    CMD_REQUIRED),
	CMD_OPT("deadline", CMD_TIME, "deadline", "TIME", 0),
	CMD_END
};

static const struct cmd_option help_list_options[] = {
	CMD_OPT("community", CMD_STRING, "community", "C", 0),
	CMD_OPT("status", CMD_CHOICE, "status",
	    "open|accepted|completed|cancelled|expired", 0),
	CMD_OPT("limit", CMD_WHOLE, "limit", "N", 0),
	CMD_END
};

static const struct cmd_option help_accept_options[] = {
	CMD_OPT("helper", CMD_STRING, "helper", "VOLUNTEER", CMD_REQUIRED),
	CMD_END
};

static const struct cmd_option help_complete_options[] = {
	CMD_OPT("minutes", CMD_WHOLE, "minutes", "N", CMD_REQUIRED),
	CMD_OPT("activity", CMD_STRING, "activity", "A", 0),
	CMD_END
};

static const struct cmd_option help_cancel_options[] = {
	CMD_OPT("reason", CMD_STRING, "reason", "TEXT", 0),
	CMD_END
};

static const struct cmd_verb help_verbs[] = {
	{ .name = "request", .args = help_request_args,
	    .options = help_request_options, .op = WIRE_OP_HELP_REQUEST,
	    .print = help_print },
	{ .name = "list", .options = help_list_options,
	    .op = WIRE_OP_HELP_LIST, CMD_ROWS("help_requests", help_rows) },
	{ .name = "accept", .args = help_id, .options = help_accept_options,
	    .op = WIRE_OP_HELP_ACCEPT, .print = help_print },
	{ .name = "complete", .args = help_id,
	    .options = help_complete_options, .op = WIRE_OP_HELP_COMPLETE,
	    .print = help_print },
	{ .name = "cancel", .args = help_id, .options = help_cancel_options,
	    .op = WIRE_OP_HELP_CANCEL, .print = help_print },
};

const struct cmd_entry cmd_help_entry = {
	.name = "help",
	.summary = N_("points for help between volunteers"),
	.about = help_about,
	.verbs = help_verbs,
	.nverbs = CMD_NITEMS(help_verbs),
};
