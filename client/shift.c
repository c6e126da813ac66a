#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "client/call.h"
#include "client/client.h"
#include "client/offline.h"
#include "client/table.h"
#include "client/when.h"
#include "buf.h"
#include "wire.h"
#include "xmalloc.h"

static const char shift_usage[] =
"usage: vpoints shift log VOLUNTEER --activity A --start TIME --end TIME\n"
"                         [details]\n"
"       vpoints shift checkin VOLUNTEER --activity A [--start TIME] [details]\n"
"       vpoints shift checkout ID [--end TIME]\n"
"       vpoints shift correct ID --reason TEXT [--activity A] [--start TIME]\n"
"                         [--end TIME] [details]\n"
"       vpoints shift list VOLUNTEER [--from YYYY-MM-DD] [--to YYYY-MM-DD]\n"
"                         [--limit N]\n"
"details: [--activity-name TEXT] [--place TEXT] [--served TEXT]\n"
"         [--content TEXT] [--lead TEXT]\n"
"\n"
"log records a shift done (a paper record entered later); checkin opens\n"
"one (from now unless --start) and prints its ID, which checkout closes\n"
"(now unless --end), awarding the points. correct replaces a recorded\n"
"shift with a new record: the old one stays, its points reversed; what is\n"
"not given is kept. A is an activity code; the details say what the\n"
"service was called, where, who was served, what was done, who led it.\n"
"TIME is RFC 3339 (2026-10-05T09:00:00+08:00) or \"YYYY-MM-DD HH:MM\" in\n"
"the local time zone. list: newest first, open check-ins on top, 100\n"
"unless --limit. When vpointsd cannot be reached, log, checkin and\n"
"checkout are queued in the outbox (exit 75; see vpoints outbox --help);\n"
"so \"now\" is this machine's clock when the command runs.\n";

/* What each way of recording a shift takes. */
enum shift_verb {
	SHIFT_LOG,		/* a completed shift */
	SHIFT_CHECKIN,		/* open a shift */
	SHIFT_CHECKOUT,		/* close an open shift */
	SHIFT_CORRECT		/* replace a recorded shift */
};

static const struct table_column shift_rows[] = {
	{ "id", "ID", NULL, true },
	{ "volunteer", NULL, NULL, false },
	{ "status", "STATUS", NULL, false },
	{ "started_at", "START", table_time, false },
	{ "ended_at", "END", table_time, false },
	{ "minutes", "HOURS", table_hours, true },
	{ "points", "POINTS", NULL, true },
	{ "activity", "ACTIVITY", NULL, false },
	{ "corrects", "CORRECTS", NULL, true },
	{ "station", "STATION", NULL, false },
	{ "reason", NULL, NULL, false },
	{ "activity_name", "SERVICE", NULL, false },
	{ "place", NULL, NULL, false },
	{ "served", NULL, NULL, false },
	{ "content", NULL, NULL, false },
	{ "lead", NULL, NULL, false },
	{ "recorder", NULL, NULL, false },
	{ "source", NULL, NULL, false },
	{ "recorded_at", NULL, NULL, false },
};

/* Put a TIME option into body as RFC 3339; 0 or the exit code. */
static int
shift_time(json_t *body, const char *key, const char *option,
    const char *text)
{
	char rfc3339[WHEN_RFC3339_LEN];

	if (when_rfc3339(text, rfc3339, sizeof(rfc3339)) != 0) {
		fprintf(stderr, "vpoints: %s wants RFC 3339 or a real local "
		    "\"YYYY-MM-DD HH:MM\", not \"%s\"\n", option, text);
		return WIRE_EXIT_DATAERR;
	}
	json_object_set_new(body, key, json_string(rfc3339));
	return 0;
}

/* Parse the options of verb into body; 0 or the exit code. */
static int
shift_fields(enum shift_verb verb, int argc, char **argv, json_t *body)
{
	static const struct option options[] = {
		{ "activity",		required_argument, NULL, 'a' },
		{ "start",		required_argument, NULL, 's' },
		{ "end",		required_argument, NULL, 'e' },
		{ "activity-name",	required_argument, NULL, 'N' },
		{ "place",		required_argument, NULL, 'p' },
		{ "served",		required_argument, NULL, 'S' },
		{ "content",		required_argument, NULL, 'c' },
		{ "lead",		required_argument, NULL, 'l' },
		{ "reason",		required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	const char *key;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (verb == SHIFT_CHECKOUT && ch != 'e')
			return WIRE_EXIT_USAGE;
		switch (ch) {
		case 'a':
			key = "activity";
			break;
		case 's':
			if ((rc = shift_time(body, "started_at", "--start",
			    optarg)) != 0)
				return rc;
			continue;
		case 'e':
			if (verb == SHIFT_CHECKIN)
				return WIRE_EXIT_USAGE;
			if ((rc = shift_time(body, "ended_at", "--end",
			    optarg)) != 0)
				return rc;
			continue;
		case 'N':
			key = "activity_name";
			break;
		case 'p':
			key = "place";
			break;
		case 'S':
			key = "served";
			break;
		case 'c':
			key = "content";
			break;
		case 'l':
			key = "lead";
			break;
		case 'r':
			if (verb != SHIFT_CORRECT)
				return WIRE_EXIT_USAGE;
			key = "reason";
			break;
		default:
			return WIRE_EXIT_USAGE;
		}
		json_object_set_new(body, key, json_string(optarg));
	}
	if (optind + 1 != argc)
		return WIRE_EXIT_USAGE;
	switch (verb) {
	case SHIFT_LOG:
		if (json_object_get(body, "ended_at") == NULL ||
		    json_object_get(body, "started_at") == NULL)
			return WIRE_EXIT_USAGE;
		/* FALLTHROUGH */
	case SHIFT_CHECKIN:
		if (json_object_get(body, "activity") == NULL)
			return WIRE_EXIT_USAGE;
		break;
	case SHIFT_CORRECT:
		if (json_object_get(body, "reason") == NULL)
			return WIRE_EXIT_USAGE;
		break;
	case SHIFT_CHECKOUT:
		break;
	default:
		abort();
	}
	return 0;
}

/* Print the shift the daemon recorded or opened. */
static void
shift_print(json_t *s)
{
	char *start = table_time(json_object_get(s, "started_at"));
	char *end = table_time(json_object_get(s, "ended_at"));
	char *hours = table_hours(json_object_get(s, "minutes"));

	printf("shift %lld", (long long)json_integer_value(json_object_get(s,
	    "id")));
	if (json_is_integer(json_object_get(s, "corrects")))
		printf(" (corrects %lld)", (long long)json_integer_value(
		    json_object_get(s, "corrects")));
	printf(" %s: volunteer %s, %s, ", client_str(s, "status"),
	    client_str(s, "volunteer"), client_str(s, "activity"));
	if (strcmp(client_str(s, "status"), "open") == 0)
		printf("from %s\n", start);
	else
		printf("%s to %s, %s hours, %lld points\n", start,
		    strncmp(start, end, 11) == 0 ? end + 11 : end, hours,
		    (long long)json_integer_value(json_object_get(s,
		    "points")));
	free(start);
	free(end);
	free(hours);
}

/* Put the time the command was run where the daemon would take its own
 * "now", so that a write queued in the outbox keeps the original time. */
static void
shift_now(const struct client *cl, json_t *body, const char *key)
{
	char now[WHEN_RFC3339_LEN];

	if (json_object_get(body, key) != NULL)
		return;
	if (when_format(cl->started, now, sizeof(now)) != 0)
		abort();
	json_object_set_new(body, key, json_string(now));
}

/* vpoints shift log|checkin VOLUNTEER ..., checkout|correct ID ... */
static int
shift_record(struct client *cl, enum shift_verb verb, int argc, char **argv)
{
	json_t *body = json_object(), *result;
	const char *what;
	char *path = NULL;
	long long id;
	int rc;

	if ((rc = shift_fields(verb, argc, argv, body)) != 0) {
		if (rc == WIRE_EXIT_USAGE)
			fputs(shift_usage, stderr);
		json_decref(body);
		return rc;
	}
	if ((verb == SHIFT_CHECKOUT || verb == SHIFT_CORRECT) &&
	    (rc = client_whole("ID", argv[optind], &id)) != 0) {
		json_decref(body);
		return rc;
	}
	switch (verb) {
	case SHIFT_LOG:
		what = "shift log";
		path = xstrdup(WIRE_API_PREFIX "/shifts");
		break;
	case SHIFT_CHECKIN:
		what = "shift checkin";
		path = xstrdup(WIRE_API_PREFIX "/shifts/checkin");
		break;
	case SHIFT_CHECKOUT:
		what = "shift checkout";
		path = xasprintf(WIRE_API_PREFIX "/shifts/%lld/checkout", id);
		break;
	case SHIFT_CORRECT:
		what = "shift correct";
		path = xasprintf(WIRE_API_PREFIX "/shifts/%lld/corrections",
		    id);
		break;
	default:
		abort();
	}
	if (verb == SHIFT_LOG || verb == SHIFT_CHECKIN)
		json_object_set_new(body, "volunteer",
		    json_string(argv[optind]));
	if (verb == SHIFT_CHECKIN)
		shift_now(cl, body, "started_at");
	if (verb == SHIFT_CHECKOUT)
		shift_now(cl, body, "ended_at");
	if (verb == SHIFT_CORRECT)
		rc = call_run(cl, what, "POST", path, NULL, body, &result);
	else
		rc = offline_run(cl, what, "POST", path, body, &result);
	if (rc == WIRE_EXIT_OK && !cl->json)
		shift_print(result);
	json_decref(result);
	json_decref(body);
	free(path);
	return rc;
}

/* vpoints shift list VOLUNTEER [--from D] [--to D] [--limit N] */
static int
shift_list(struct client *cl, int argc, char **argv)
{
	static const struct option options[] = {
		{ "from",	required_argument, NULL, 'f' },
		{ "to",		required_argument, NULL, 't' },
		{ "limit",	required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	const char *from = NULL, *to = NULL, *limit = NULL;
	struct buf query = { NULL, 0, 0 };
	json_t *result, *rows;
	long long n;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (ch) {
		case 'f':
			from = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'l':
			limit = optarg;
			break;
		default:
			fputs(shift_usage, stderr);
			return WIRE_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		fputs(shift_usage, stderr);
		return WIRE_EXIT_USAGE;
	}
	if (limit != NULL && (rc = client_whole("--limit", limit, &n)) != 0)
		return rc;
	net_query_add(&query, "volunteer", argv[optind]);
	net_query_add(&query, "from", from);
	net_query_add(&query, "to", to);
	net_query_add(&query, "limit", limit);
	rc = call_run(cl, "shift list", "GET", WIRE_API_PREFIX "/shifts",
	    query.data, NULL, &result);
	free(query.data);
	if (rc == WIRE_EXIT_OK && !cl->json) {
		/* Open check-ins first: they are the newest. */
		rows = json_array();
		json_array_extend(rows, json_object_get(result, "open"));
		json_array_extend(rows, json_object_get(result, "shifts"));
		table_rows(stdout, cl->csv ? TABLE_CSV : TABLE_TEXT,
		    shift_rows, sizeof(shift_rows) / sizeof(shift_rows[0]),
		    rows);
		json_decref(rows);
	}
	json_decref(result);
	return rc;
}

/* vpoints shift log|checkin|checkout|correct|list */
int
shift_main(struct client *cl, int argc, char **argv)
{
	static const struct {
		const char	*name;
		enum shift_verb	 verb;
	} verbs[] = {
		{ "log", SHIFT_LOG },
		{ "checkin", SHIFT_CHECKIN },
		{ "checkout", SHIFT_CHECKOUT },
		{ "correct", SHIFT_CORRECT },
	};
	size_t i;
	int rc;

	if (client_wants_help(argc, argv)) {
		fputs(shift_usage, stdout);
		return WIRE_EXIT_OK;
	}
	if ((rc = client_utf8(argc, argv)) != 0)
		return rc;
	for (i = 0; argc >= 2 && i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (strcmp(argv[1], verbs[i].name) == 0)
			return shift_record(cl, verbs[i].verb, argc - 1,
			    argv + 1);
	}
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return shift_list(cl, argc - 1, argv + 1);
	fputs(shift_usage, stderr);
	return WIRE_EXIT_USAGE;
}
