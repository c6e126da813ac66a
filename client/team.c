#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "client/call.h"
#include "client/client.h"
#include "client/table.h"
#include "buf.h"
#include "wire.h"
#include "xmalloc.h"

static const char team_usage[] =
"usage: vpoints team add CODE --name NAME --kind standing|specialty\n"
"                        [--community C]\n"
"       vpoints team list [--community C]\n"
"       vpoints team join TEAM VOLUNTEER\n"
"       vpoints team leave TEAM VOLUNTEER\n"
"\n"
"A team is standing (a community's own) or specialty (skills); without\n"
"--community it is city-wide. Adding needs an admin key. join and leave\n"
"put a volunteer, named by number, in or out of a team. list: the teams\n"
"of community C and the city-wide ones, or all.\n";

static const struct table_column team_rows[] = {
	{ "code", "CODE", NULL, false },
	{ "kind", "KIND", NULL, false },
	{ "community", "COMMUNITY", NULL, false },
	{ "members", "MEMBERS", NULL, true },
	{ "name", "NAME", NULL, false },
};

/* vpoints team add CODE --name NAME --kind K [--community C] */
static int
team_add(struct client *cl, int argc, char **argv)
{
	static const struct option options[] = {
		{ "name",	required_argument, NULL, 'n' },
		{ "kind",	required_argument, NULL, 'k' },
		{ "community",	required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	const char *name = NULL, *kind = NULL, *community = NULL;
	json_t *body, *result;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (ch) {
		case 'n':
			name = optarg;
			break;
		case 'k':
			kind = optarg;
			break;
		case 'c':
			community = optarg;
			break;
		default:
			fputs(team_usage, stderr);
			return WIRE_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc || name == NULL || kind == NULL ||
	    (strcmp(kind, "standing") != 0 && strcmp(kind, "specialty") != 0)) {
		fputs(team_usage, stderr);
		return WIRE_EXIT_USAGE;
	}
	body = json_pack("{s:s, s:s, s:s}", "code", argv[optind], "name", name,
	    "kind", kind);
	if (community != NULL)
		json_object_set_new(body, "community", json_string(community));
	rc = call_run(cl, "team add", "POST", WIRE_API_PREFIX "/teams", NULL,
	    body, &result);
	json_decref(body);
	if (rc == WIRE_EXIT_OK && !cl->json)
		printf("team %s added: %s, %s, %s\n",
		    client_str(result, "code"), client_str(result, "name"),
		    client_str(result, "kind"),
		    json_is_string(json_object_get(result, "community")) ?
		    client_str(result, "community") : "city-wide");
	json_decref(result);
	return rc;
}

/* vpoints team list [--community C] */
static int
team_list(struct client *cl, int argc, char **argv)
{
	static const struct option options[] = {
		{ "community",	required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	struct buf query = { NULL, 0, 0 };
	const char *community = NULL;
	json_t *result;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (ch) {
		case 'c':
			community = optarg;
			break;
		default:
			fputs(team_usage, stderr);
			return WIRE_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fputs(team_usage, stderr);
		return WIRE_EXIT_USAGE;
	}
	net_query_add(&query, "community", community);
	rc = call_run(cl, "team list", "GET", WIRE_API_PREFIX "/teams",
	    query.data, NULL, &result);
	free(query.data);
	if (rc == WIRE_EXIT_OK && !cl->json)
		table_rows(stdout, cl->csv ? TABLE_CSV : TABLE_TEXT, team_rows,
		    sizeof(team_rows) / sizeof(team_rows[0]),
		    json_object_get(result, "teams"));
	json_decref(result);
	return rc;
}

/* vpoints team join|leave TEAM VOLUNTEER */
static int
team_member(struct client *cl, const char *verb, const char *team,
    const char *volunteer)
{
	json_t *body, *result;
	char *encoded, *path, *what, *teams;
	int rc;

	encoded = net_encode(team);
	path = xasprintf(WIRE_API_PREFIX "/teams/%s/%s", encoded, verb);
	what = xasprintf("team %s", verb);
	body = json_pack("{s:s}", "volunteer", volunteer);
	rc = call_run(cl, what, "POST", path, NULL, body, &result);
	if (rc == WIRE_EXIT_OK && !cl->json) {
		teams = table_value(json_object_get(result, "teams"), ", ");
		printf("volunteer %s (%s): teams %s\n",
		    client_str(result, "number"), client_str(result, "name"),
		    *teams != '\0' ? teams : "none");
		free(teams);
	}
	json_decref(result);
	json_decref(body);
	free(what);
	free(path);
	free(encoded);
	return rc;
}

/* vpoints team add|list|join|leave */
int
team_main(struct client *cl, int argc, char **argv)
{
	int rc;

	if (client_wants_help(argc, argv)) {
		fputs(team_usage, stdout);
		return WIRE_EXIT_OK;
	}
	if ((rc = client_utf8(argc, argv)) != 0)
		return rc;
	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return team_add(cl, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return team_list(cl, argc - 1, argv + 1);
	if (argc == 4 && (strcmp(argv[1], "join") == 0 ||
	    strcmp(argv[1], "leave") == 0))
		return team_member(cl, argv[1], argv[2], argv[3]);
	fputs(team_usage, stderr);
	return WIRE_EXIT_USAGE;
}
