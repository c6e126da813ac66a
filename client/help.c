#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "client/call.h"
#include "client/client.h"
#include "client/table.h"
#include "client/when.h"
#include "buf.h"
#include "wire.h"
#include "xmalloc.h"

static const char help_usage[] =
"usage: vpoints help request VOLUNTEER --points N --description TEXT\n"
"                            [--deadline TIME]\n"
"       vpoints help list [--community C]\n"
"                         [--status open|accepted|completed|cancelled|expired]\n"
"                         [--limit N]\n"
"       vpoints help accept ID --helper VOLUNTEER\n"
"       vpoints help complete ID --minutes N [--activity A]\n"
"       vpoints help cancel ID [--reason TEXT]\n"
"\n"
"Points for help between neighbours. request: VOLUNTEER offers N of their\n"
"points for the help described; the points are held until the request\n"
"resolves, and go back if TIME passes first. accept names the helper,\n"
"another volunteer of the same community. complete, at a station, pays\n"
"the helper and records their N minutes of service as a shift of\n"
"activity help (or A), earning no points of its own. cancel gives the\n"
"points back. TIME is RFC 3339 (2026-10-05T18:00:00+08:00) or\n"
"\"YYYY-MM-DD HH:MM\" in the local time zone. list: oldest first, 100\n"
"unless --limit.\n";

/* What can be done to a help request. */
enum help_verb {
	HELP_ACCEPT,		/* name the helper */
	HELP_COMPLETE,		/* pay the helper */
	HELP_CANCEL		/* give the points back */
};

static const struct table_column help_rows[] = {
	{ "id", "ID", NULL, true },
	{ "status", "STATUS", NULL, false },
	{ "requester", "REQUESTER", NULL, false },
	{ "helper", "HELPER", NULL, false },
	{ "points", "POINTS", NULL, true },
	{ "deadline", "DEADLINE", table_time, false },
	{ "description", "DESCRIPTION", NULL, false },
	{ "community", NULL, NULL, false },
	{ "created_at", NULL, NULL, false },
	{ "accepted_at", NULL, NULL, false },
	{ "resolved_at", NULL, NULL, false },
	{ "shift", NULL, NULL, false },
	{ "reason", NULL, NULL, false },
};

/* Print a help request as it now stands. */
static void
help_print(json_t *h)
{
	char *deadline = table_time(json_object_get(h, "deadline"));

	printf("help request %lld %s: %lld points, requester %s",
	    (long long)json_integer_value(json_object_get(h, "id")),
	    client_str(h, "status"),
	    (long long)json_integer_value(json_object_get(h, "points")),
	    client_str(h, "requester"));
	if (json_is_string(json_object_get(h, "helper")))
		printf(", helper %s", client_str(h, "helper"));
	if (json_is_integer(json_object_get(h, "shift")))
		printf(", shift %lld", (long long)json_integer_value(
		    json_object_get(h, "shift")));
	if (*deadline != '\0' && !json_is_string(json_object_get(h,
	    "resolved_at")))
		printf(", deadline %s", deadline);
	printf("\n");
	free(deadline);
}

/* vpoints help request VOLUNTEER --points N --description TEXT
 * [--deadline TIME] */
static int
help_request(struct client *cl, int argc, char **argv)
{
	static const struct option options[] = {
		{ "points",	 required_argument, NULL, 'p' },
		{ "description", required_argument, NULL, 'd' },
		{ "deadline",	 required_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 }
	};
	const char *points = NULL, *description = NULL, *deadline = NULL;
	char rfc3339[WHEN_RFC3339_LEN];
	json_t *body, *result;
	long long n;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (ch) {
		case 'p':
			points = optarg;
			break;
		case 'd':
			description = optarg;
			break;
		case 'D':
			deadline = optarg;
			break;
		default:
			fputs(help_usage, stderr);
			return WIRE_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc || points == NULL || description == NULL) {
		fputs(help_usage, stderr);
		return WIRE_EXIT_USAGE;
	}
	if ((rc = client_whole("--points", points, &n)) != 0)
		return rc;
	if (deadline != NULL && when_rfc3339(deadline, rfc3339,
	    sizeof(rfc3339)) != 0) {
		fprintf(stderr, "vpoints: --deadline wants RFC 3339 or a real "
		    "local \"YYYY-MM-DD HH:MM\", not \"%s\"\n", deadline);
		return WIRE_EXIT_DATAERR;
	}
	body = json_pack("{s:s, s:I, s:s}", "requester", argv[optind],
	    "points", (json_int_t)n, "description", description);
	if (deadline != NULL)
		json_object_set_new(body, "deadline", json_string(rfc3339));
	rc = call_run(cl, "help request", "POST", WIRE_API_PREFIX
	    "/help-requests", NULL, body, &result);
	json_decref(body);
	if (rc == WIRE_EXIT_OK && !cl->json)
		help_print(result);
	json_decref(result);
	return rc;
}

/* vpoints help accept ID --helper V, complete ID --minutes N
 * [--activity A], cancel ID [--reason TEXT] */
static int
help_resolve(struct client *cl, enum help_verb verb, int argc, char **argv)
{
	static const struct option options[] = {
		{ "helper",	required_argument, NULL, 'h' },
		{ "minutes",	required_argument, NULL, 'm' },
		{ "activity",	required_argument, NULL, 'a' },
		{ "reason",	required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	const char *helper = NULL, *minutes = NULL, *activity = NULL;
	const char *reason = NULL, *what, *tail;
	json_t *body = NULL, *result;
	char *path;
	long long id, n = 0;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (ch) {
		case 'h':
			helper = optarg;
			break;
		case 'm':
			minutes = optarg;
			break;
		case 'a':
			activity = optarg;
			break;
		case 'r':
			reason = optarg;
			break;
		default:
			fputs(help_usage, stderr);
			return WIRE_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc ||
	    (verb == HELP_ACCEPT) != (helper != NULL) ||
	    (verb == HELP_COMPLETE) != (minutes != NULL) ||
	    (verb != HELP_COMPLETE && activity != NULL) ||
	    (verb != HELP_CANCEL && reason != NULL)) {
		fputs(help_usage, stderr);
		return WIRE_EXIT_USAGE;
	}
	if ((rc = client_whole("ID", argv[optind], &id)) != 0 ||
	    (minutes != NULL &&
	    (rc = client_whole("--minutes", minutes, &n)) != 0))
		return rc;
	switch (verb) {
	case HELP_ACCEPT:
		what = "help accept";
		tail = "accept";
		body = json_pack("{s:s}", "helper", helper);
		break;
	case HELP_COMPLETE:
		what = "help complete";
		tail = "complete";
		body = json_pack("{s:I}", "minutes", (json_int_t)n);
		if (activity != NULL)
			json_object_set_new(body, "activity",
			    json_string(activity));
		break;
	case HELP_CANCEL:
		what = "help cancel";
		tail = "cancel";
		body = json_object();
		if (reason != NULL)
			json_object_set_new(body, "reason", json_string(reason));
		break;
	default:
		abort();
	}
	path = xasprintf(WIRE_API_PREFIX "/help-requests/%lld/%s", id, tail);
	rc = call_run(cl, what, "POST", path, NULL, body, &result);
	if (rc == WIRE_EXIT_OK && !cl->json)
		help_print(result);
	json_decref(result);
	json_decref(body);
	free(path);
	return rc;
}

/* vpoints help list [--community C] [--status S] [--limit N] */
static int
help_list(struct client *cl, int argc, char **argv)
{
	static const struct option options[] = {
		{ "community",	required_argument, NULL, 'c' },
		{ "status",	required_argument, NULL, 'S' },
		{ "limit",	required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const statuses[] = { "open", "accepted",
	    "completed", "cancelled", "expired" };
	const char *community = NULL, *status = NULL, *limit = NULL;
	struct buf query = { NULL, 0, 0 };
	json_t *result;
	long long n;
	size_t i;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (ch) {
		case 'c':
			community = optarg;
			break;
		case 'S':
			status = optarg;
			break;
		case 'l':
			limit = optarg;
			break;
		default:
			fputs(help_usage, stderr);
			return WIRE_EXIT_USAGE;
		}
	}
	for (i = 0; status != NULL &&
	    i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		if (strcmp(status, statuses[i]) == 0)
			break;
	}
	if (optind != argc || i == sizeof(statuses) / sizeof(statuses[0])) {
		fputs(help_usage, stderr);
		return WIRE_EXIT_USAGE;
	}
	if (limit != NULL && (rc = client_whole("--limit", limit, &n)) != 0)
		return rc;
	net_query_add(&query, "community", community);
	net_query_add(&query, "status", status);
	net_query_add(&query, "limit", limit);
	rc = call_run(cl, "help list", "GET", WIRE_API_PREFIX "/help-requests",
	    query.data, NULL, &result);
	free(query.data);
	if (rc == WIRE_EXIT_OK && !cl->json)
		table_rows(stdout, cl->csv ? TABLE_CSV : TABLE_TEXT, help_rows,
		    sizeof(help_rows) / sizeof(help_rows[0]),
		    json_object_get(result, "help_requests"));
	json_decref(result);
	return rc;
}

/* vpoints help request|list|accept|complete|cancel */
int
help_main(struct client *cl, int argc, char **argv)
{
	static const struct {
		const char	*name;
		enum help_verb	 verb;
	} verbs[] = {
		{ "accept", HELP_ACCEPT },
		{ "complete", HELP_COMPLETE },
		{ "cancel", HELP_CANCEL },
	};
	size_t i;
	int rc;

	if (client_wants_help(argc, argv)) {
		fputs(help_usage, stdout);
		return WIRE_EXIT_OK;
	}
	if ((rc = client_utf8(argc, argv)) != 0)
		return rc;
	if (argc >= 2 && strcmp(argv[1], "request") == 0)
		return help_request(cl, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return help_list(cl, argc - 1, argv + 1);
	for (i = 0; argc >= 2 && i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (strcmp(argv[1], verbs[i].name) == 0)
			return help_resolve(cl, verbs[i].verb, argc - 1,
			    argv + 1);
	}
	fputs(help_usage, stderr);
	return WIRE_EXIT_USAGE;
}
