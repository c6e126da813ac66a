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

static const char team_about[] =
N_("A team is standing (a community's own) or specialty (skills); without\n"
"--community it is city-wide. Adding needs an admin key. join and leave\n"
"put a volunteer, named by number, in or out of a team. list: the teams\n"
"of community C and the city-wide ones, or all.\n");

static const struct table_column team_rows[] = {
	{ "code", N_("CODE"), NULL, false },
	{ "kind", N_("KIND"), NULL, false },
	{ "community", N_("COMMUNITY"), NULL, false },
	{ "members", N_("MEMBERS"), NULL, true },
	{ "name", N_("NAME"), NULL, false },
};

/* Print the team the daemon added. */
static int
team_print_added(struct client *cl, const struct cmd *c, json_t *team)
{
	printf(_("team %s added: %s, %s, %s\n"), client_str(team, "code"),
	    client_str(team, "name"),
	    heading_value("kind", client_str(team, "kind")),
	    json_is_string(json_object_get(team, "community")) ?
	    client_str(team, "community") : _("city-wide"));
	return WIRE_EXIT_OK;
}

/* Print the teams of a volunteer who joined or left one. */
static int
team_print_member(struct client *cl, const struct cmd *c, json_t *v)
{
	char *teams = table_value(json_object_get(v, "teams"), ", ");

	printf(_("volunteer %s (%s): teams %s\n"), client_str(v, "number"),
	    client_str(v, "name"), *teams != '\0' ? teams : _("none"));
	free(teams);
	return WIRE_EXIT_OK;
}

static const struct cmd_option team_add_options[] = {
	CMD_OPT("name", CMD_STRING, "name", "NAME", CMD_REQUIRED),
	CMD_OPT("kind", CMD_CHOICE, "kind", "standing|specialty",
	    CMD_REQUIRED),
	CMD_OPT("community", CMD_STRING, "community", "C", 0),
	CMD_END
};

static const struct cmd_option team_list_options[] = {
	CMD_OPT("community", CMD_STRING, "community", "C", 0),
	CMD_END
};

static const struct cmd_option team_member_args[] = {
	CMD_ARG("TEAM", CMD_STRING, "code"),
	CMD_ARG("VOLUNTEER", CMD_STRING, "volunteer"),
	CMD_END
};

static const struct cmd_verb team_verbs[] = {
	{ .name = "add", .args = cmd_code, .options = team_add_options,
	    .op = WIRE_OP_TEAM_ADD, .print = team_print_added },
	{ .name = "list", .options = team_list_options,
	    .op = WIRE_OP_TEAM_LIST, CMD_ROWS("teams", team_rows) },
	{ .name = "join", .args = team_member_args, .op = WIRE_OP_TEAM_JOIN,
	    .print = team_print_member },
	{ .name = "leave", .args = team_member_args,
	    .op = WIRE_OP_TEAM_LEAVE, .print = team_print_member },
};

const struct cmd_entry cmd_team_entry = {
	.name = "team",
	.summary = N_("add and list teams; put volunteers in and out"),
	.about = team_about,
	.verbs = team_verbs,
	.nverbs = CMD_NITEMS(team_verbs),
};
