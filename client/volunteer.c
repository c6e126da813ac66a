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

static const char volunteer_usage[] =
"usage: vpoints volunteer add NUMBER --name NAME [--community C] [--gender G]\n"
"                 [--birth-month YYYY-MM] [--phone P] [--skill S]...\n"
"                 [--id-number ID] [--consent] [--team T]...\n"
"                 [--registered-on YYYY-MM-DD]\n"
"       vpoints volunteer show NUMBER [--history]\n"
"       vpoints volunteer update NUMBER [--name NAME] [--gender G]\n"
"                 [--birth-month YYYY-MM] [--phone P] [--skill S]...\n"
"                 [--id-number ID] [--consent | --no-consent] [--team T]...\n"
"                 [--registered-on YYYY-MM-DD]\n"
"                 [--status active|suspended|left] [--reason TEXT]\n"
"       vpoints volunteer list [--community C] [--team T]\n"
"                 [--status active|suspended|left] [--limit N]\n"
"\n"
"NUMBER is the volunteer's public number, as on the card. G is female,\n"
"male or other. Gender, birth month, phone and skills are kept only with\n"
"--consent; --no-consent withdraws it, and they go. The ID number is never\n"
"stored: the daemon keeps a keyed hash and its last four characters.\n"
"A station registers in its own community; an admin names --community.\n"
"update changes only what it is given; --skill replaces the list (--skill\n"
"\"\" empties it); every change is kept with --reason in the history that\n"
"show --history prints. list: 100 volunteers unless --limit (at most\n"
"1000). With --csv, show --history writes the history rows. add is\n"
"queued in the outbox when vpointsd cannot be reached (exit 75; see\n"
"vpoints outbox --help); so it registers on this machine's date unless\n"
"--registered-on.\n";

static const char balance_usage[] =
"usage: vpoints balance VOLUNTEER [--limit N]\n"
"\n"
"A volunteer's points, hours of service (hours:minutes) and the newest\n"
"transfers of points in and out of the account (20 unless --limit).\n"
"With --csv, the transfers.\n";

/* A volunteer as one record (show) and as list rows. */
static const struct table_column volunteer_record[] = {
	{ "number", "number", NULL, false },
	{ "name", "name", NULL, false },
	{ "community", "community", NULL, false },
	{ "status", "status", NULL, false },
	{ "registered_on", "registered", NULL, false },
	{ "teams", "teams", NULL, false },
	{ "minutes", "hours", table_hours, false },
	{ "points", "points", NULL, false },
	{ "star", "star", NULL, false },
	{ "consent", "consent", NULL, false },
	{ "gender", "gender", NULL, false },
	{ "birth_month", "birth month", NULL, false },
	{ "phone", "phone", NULL, false },
	{ "skills", "skills", NULL, false },
	{ "id_last4", "ID number ends", NULL, false },
};

static const struct table_column volunteer_rows[] = {
	{ "number", "NUMBER", NULL, false },
	{ "name", "NAME", NULL, false },
	{ "community", "COMMUNITY", NULL, false },
	{ "status", "STATUS", NULL, false },
	{ "points", "POINTS", NULL, true },
	{ "registered_on", "REGISTERED", NULL, false },
	{ "teams", "TEAMS", NULL, false },
	{ "consent", NULL, NULL, false },
	{ "gender", NULL, NULL, false },
	{ "birth_month", NULL, NULL, false },
	{ "phone", NULL, NULL, false },
	{ "skills", NULL, NULL, false },
	{ "id_last4", NULL, NULL, false },
};

/* The first characters of a key id: enough to tell stations apart. */
static char *
volunteer_keyid(json_t *keyid)
{
	const char *s = json_string_value(keyid);

	return s != NULL ? xasprintf("%.8s", s) : xstrdup("");
}

static const struct table_column volunteer_history_rows[] = {
	{ "at", "AT", table_time, false },
	{ "action", "ACTION", NULL, false },
	{ "keyid", "BY", volunteer_keyid, false },
	{ "reason", "REASON", NULL, false },
	{ "changes", "CHANGES", NULL, false },
	{ "data", NULL, NULL, false },
};

static const struct table_column volunteer_transfer_rows[] = {
	{ "id", "ID", NULL, true },
	{ "at", "AT", table_time, false },
	{ "amount", "AMOUNT", NULL, true },
	{ "cause", "CAUSE", NULL, false },
	{ "shift", "SHIFT", NULL, true },
	{ "reversal_of", "REVERSES", NULL, true },
	{ "memo", "MEMO", NULL, false },
};

#define NCOLUMNS(a)	(sizeof(a) / sizeof((a)[0]))

/* Table or CSV, as the global options say. */
static enum table_format
volunteer_format(const struct client *cl)
{
	return cl->csv ? TABLE_CSV : TABLE_TEXT;
}

/* The path of a volunteer, with an optional tail such as "/ledger". */
static char *
volunteer_path(const char *number, const char *tail)
{
	char *encoded = net_encode(number), *path;

	path = xasprintf(WIRE_API_PREFIX "/volunteers/%s%s", encoded, tail);
	free(encoded);
	return path;
}

/* Append a list item, creating the list; "" only creates it. */
static void
volunteer_list_add(json_t *body, const char *key, const char *item)
{
	json_t *list = json_object_get(body, key);

	if (list == NULL) {
		list = json_array();
		json_object_set_new(body, key, list);
	}
	if (*item != '\0')
		json_array_append_new(list, json_string(item));
}

/* Parse the fields of add (update false) or update into body; returns 0
 * or the exit code. */
static int
volunteer_fields(int argc, char **argv, bool update, json_t *body)
{
	static const struct option options[] = {
		{ "name",		required_argument, NULL, 'n' },
		{ "community",		required_argument, NULL, 'c' },
		{ "gender",		required_argument, NULL, 'g' },
		{ "birth-month",	required_argument, NULL, 'b' },
		{ "phone",		required_argument, NULL, 'p' },
		{ "skill",		required_argument, NULL, 's' },
		{ "id-number",		required_argument, NULL, 'i' },
		{ "consent",		no_argument,	   NULL, 'C' },
		{ "no-consent",		no_argument,	   NULL, 'N' },
		{ "team",		required_argument, NULL, 't' },
		{ "registered-on",	required_argument, NULL, 'r' },
		{ "status",		required_argument, NULL, 'S' },
		{ "reason",		required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 }
	};
	const char *key;
	int ch;

	while ((ch = getopt_long(argc, argv, "", options, NULL)) != -1) {
		key = NULL;
		switch (ch) {
		case 'n':
			key = "name";
			break;
		case 'c':
			if (update)
				return WIRE_EXIT_USAGE;
			key = "community";
			break;
		case 'g':
			if (strcmp(optarg, "female") != 0 &&
			    strcmp(optarg, "male") != 0 &&
			    strcmp(optarg, "other") != 0)
				return WIRE_EXIT_USAGE;
			key = "gender";
			break;
		case 'b':
			key = "birth_month";
			break;
		case 'p':
			key = "phone";
			break;
		case 's':
			volunteer_list_add(body, "skills", optarg);
			break;
		case 'i':
			key = "id_number";
			break;
		case 'C':
		case 'N':
			if (ch == 'N' && !update)
				return WIRE_EXIT_USAGE;
			json_object_set_new(body, "consent",
			    json_boolean(ch == 'C'));
			break;
		case 't':
			volunteer_list_add(body, "teams", optarg);
			break;
		case 'r':
			key = "registered_on";
			break;
		case 'S':
			if (!update || (strcmp(optarg, "active") != 0 &&
			    strcmp(optarg, "suspended") != 0 &&
			    strcmp(optarg, "left") != 0))
				return WIRE_EXIT_USAGE;
			key = "status";
			break;
		case 'R':
			if (!update)
				return WIRE_EXIT_USAGE;
			key = "reason";
			break;
		default:
			return WIRE_EXIT_USAGE;
		}
		if (key != NULL)
			json_object_set_new(body, key, json_string(optarg));
	}
	if (optind + 1 != argc)
		return WIRE_EXIT_USAGE;
	return 0;
}

/* Print what the daemon answered to an add or update. */
static void
volunteer_print_saved(json_t *v, const char *verb)
{
	printf("volunteer %s %s: %s, %s, community %s, %lld points\n",
	    client_str(v, "number"), verb, client_str(v, "name"),
	    client_str(v, "status"), client_str(v, "community"),
	    (long long)json_integer_value(json_object_get(v, "points")));
}

/* vpoints volunteer add NUMBER --name NAME [...] */
static int
volunteer_add(struct client *cl, int argc, char **argv)
{
	json_t *body = json_object(), *result;
	char today[16];
	int rc;

	rc = volunteer_fields(argc, argv, false, body);
	if (rc == 0 && json_object_get(body, "name") == NULL)
		rc = WIRE_EXIT_USAGE;
	if (rc != 0) {
		json_decref(body);
		fputs(volunteer_usage, stderr);
		return rc;
	}
	json_object_set_new(body, "number", json_string(argv[optind]));
	/* The daemon's default is its today; a queued add keeps the day the
	 * command was run. */
	if (json_object_get(body, "registered_on") == NULL) {
		if (when_date(cl->started, today, sizeof(today)) != 0)
			abort();
		json_object_set_new(body, "registered_on", json_string(today));
	}
	rc = offline_run(cl, "volunteer add", "POST", WIRE_API_PREFIX
	    "/volunteers", body, &result);
	json_decref(body);
	if (rc == WIRE_EXIT_OK && !cl->json)
		volunteer_print_saved(result, "registered");
	json_decref(result);
	return rc;
}

/* vpoints volunteer update NUMBER [fields] */
static int
volunteer_update(struct client *cl, int argc, char **argv)
{
	json_t *body = json_object(), *result;
	char *path;
	int rc;

	rc = volunteer_fields(argc, argv, true, body);
	if (rc == 0 && json_object_size(body) == 0)
		rc = WIRE_EXIT_USAGE;
	if (rc != 0) {
		json_decref(body);
		fputs(volunteer_usage, stderr);
		return rc;
	}
	path = volunteer_path(argv[optind], "");
	rc = call_run(cl, "volunteer update", "PATCH", path, NULL, body,
	    &result);
	free(path);
	json_decref(body);
	if (rc == WIRE_EXIT_OK && !cl->json)
		volunteer_print_saved(result, "updated");
	json_decref(result);
	return rc;
}

/* What one history row changed against prev, the volunteer as it was
 * before: "status=suspended, phone=-"; without prev, every field set. */
static char *
volunteer_changes(json_t *data, json_t *prev)
{
	struct buf b = { NULL, 0, 0 };
	const char *key;
	json_t *value;
	char *text;

	json_object_foreach(data, key, value) {
		if (prev != NULL && json_equal(value, json_object_get(prev,
		    key)))
			continue;
		if (prev == NULL && (json_is_null(value) ||
		    strcmp(key, "id") == 0 || strcmp(key, "community_id") == 0))
			continue;
		text = table_value(value, ",");
		if (b.len > 0)
			buf_puts(&b, ", ");
		buf_puts(&b, key);
		buf_puts(&b, "=");
		buf_puts(&b, *text != '\0' ? text : "-");
		free(text);
	}
	return b.data != NULL ? b.data : xstrdup("");
}

/* The history rows, each with what it changed as "changes". */
static json_t *
volunteer_history(json_t *history)
{
	json_t *rows = json_array(), *h, *row, *data, *prev = NULL;
	const char *action;
	char *text;
	size_t i;
	bool whole;

	json_array_foreach(history, i, h) {
		row = json_copy(h);
		data = json_object_get(h, "data");
		action = client_str(h, "action");
		/* Register and update rows hold the whole volunteer; others
		 * (team-join, team-leave) only what they are about. */
		whole = strcmp(action, "register") == 0 ||
		    strcmp(action, "update") == 0;
		text = volunteer_changes(data, whole ? prev : NULL);
		json_object_set_new(row, "changes", json_string(text));
		free(text);
		if (whole)
			prev = data;
		json_array_append_new(rows, row);
	}
	return rows;
}

/* vpoints volunteer show NUMBER [--history] */
static int
volunteer_show(struct client *cl, int argc, char **argv)
{
	static const struct option options[] = {
		{ "history",	no_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 }
	};
	json_t *result, *history;
	bool with_history = false;
	char *path;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (ch) {
		case 'H':
			with_history = true;
			break;
		default:
			fputs(volunteer_usage, stderr);
			return WIRE_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		fputs(volunteer_usage, stderr);
		return WIRE_EXIT_USAGE;
	}
	path = volunteer_path(argv[optind], "");
	rc = call_run(cl, "volunteer show", "GET", path, with_history ?
	    "history=1" : NULL, NULL, &result);
	free(path);
	if (rc != WIRE_EXIT_OK || cl->json) {
		json_decref(result);
		return rc;
	}
	history = with_history ? volunteer_history(json_object_get(result,
	    "history")) : NULL;
	if (!with_history || !cl->csv)
		table_record(stdout, volunteer_format(cl), volunteer_record,
		    NCOLUMNS(volunteer_record), result);
	if (with_history && !cl->csv)
		printf("\nhistory:\n");
	if (with_history)
		table_rows(stdout, volunteer_format(cl),
		    volunteer_history_rows, NCOLUMNS(volunteer_history_rows),
		    history);
	json_decref(history);
	json_decref(result);
	return rc;
}

/* vpoints volunteer list [--community C] [--team T] [--status S] */
static int
volunteer_list(struct client *cl, int argc, char **argv)
{
	static const struct option options[] = {
		{ "community",	required_argument, NULL, 'c' },
		{ "team",	required_argument, NULL, 't' },
		{ "status",	required_argument, NULL, 'S' },
		{ "limit",	required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	const char *community = NULL, *team = NULL, *status = NULL;
	const char *limit = NULL;
	struct buf query = { NULL, 0, 0 };
	json_t *result;
	long long n;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (ch) {
		case 'c':
			community = optarg;
			break;
		case 't':
			team = optarg;
			break;
		case 'S':
			status = optarg;
			break;
		case 'l':
			limit = optarg;
			break;
		default:
			fputs(volunteer_usage, stderr);
			return WIRE_EXIT_USAGE;
		}
	}
	if (optind != argc || (status != NULL &&
	    strcmp(status, "active") != 0 &&
	    strcmp(status, "suspended") != 0 && strcmp(status, "left") != 0)) {
		fputs(volunteer_usage, stderr);
		return WIRE_EXIT_USAGE;
	}
	if (limit != NULL && (rc = client_whole("--limit", limit, &n)) != 0)
		return rc;
	net_query_add(&query, "community", community);
	net_query_add(&query, "team", team);
	net_query_add(&query, "status", status);
	net_query_add(&query, "limit", limit);
	rc = call_run(cl, "volunteer list", "GET", WIRE_API_PREFIX
	    "/volunteers", query.data, NULL, &result);
	free(query.data);
	if (rc == WIRE_EXIT_OK && !cl->json)
		table_rows(stdout, volunteer_format(cl), volunteer_rows,
		    NCOLUMNS(volunteer_rows), json_object_get(result,
		    "volunteers"));
	json_decref(result);
	return rc;
}

/* vpoints volunteer add|show|update|list */
int
volunteer_main(struct client *cl, int argc, char **argv)
{
	int rc;

	if (client_wants_help(argc, argv)) {
		fputs(volunteer_usage, stdout);
		return WIRE_EXIT_OK;
	}
	if ((rc = client_utf8(argc, argv)) != 0)
		return rc;
	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return volunteer_add(cl, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "show") == 0)
		return volunteer_show(cl, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "update") == 0)
		return volunteer_update(cl, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return volunteer_list(cl, argc - 1, argv + 1);
	fputs(volunteer_usage, stderr);
	return WIRE_EXIT_USAGE;
}

/* Print a balance: the totals for people, then the transfers. */
static void
balance_print(const struct client *cl, json_t *ledger)
{
	char *hours;

	if (!cl->csv) {
		hours = table_hours(json_object_get(ledger, "minutes"));
		printf("volunteer  %s\npoints     %lld\nhours      %s\n\n",
		    client_str(ledger, "volunteer"), (long long)
		    json_integer_value(json_object_get(ledger, "points")),
		    hours);
		free(hours);
	}
	table_rows(stdout, volunteer_format(cl), volunteer_transfer_rows,
	    NCOLUMNS(volunteer_transfer_rows), json_object_get(ledger,
	    "transfers"));
}

/* vpoints balance VOLUNTEER [--limit N] */
int
balance_main(struct client *cl, int argc, char **argv)
{
	static const struct option options[] = {
		{ "limit",	required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	const char *limit = NULL;
	json_t *result;
	char *path, *query = NULL;
	long long n;
	int ch, rc;

	if (client_wants_help(argc, argv)) {
		fputs(balance_usage, stdout);
		return WIRE_EXIT_OK;
	}
	if ((rc = client_utf8(argc, argv)) != 0)
		return rc;
	while ((ch = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (ch) {
		case 'l':
			limit = optarg;
			break;
		default:
			fputs(balance_usage, stderr);
			return WIRE_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		fputs(balance_usage, stderr);
		return WIRE_EXIT_USAGE;
	}
	if (limit != NULL) {
		if ((rc = client_whole("--limit", limit, &n)) != 0)
			return rc;
		query = xasprintf("limit=%lld", n);
	}
	path = volunteer_path(argv[optind], "/ledger");
	rc = call_run(cl, "balance", "GET", path, query, NULL, &result);
	free(path);
	free(query);
	if (rc == WIRE_EXIT_OK && !cl->json)
		balance_print(cl, result);
	json_decref(result);
	return rc;
}
