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

static const char activity_usage[] =
"usage: vpoints activity add CODE --name NAME --points-per-hour N\n"
"                            [--daily-cap N]\n"
"                            [--multiplier NAME,FROM,TO,PERCENT]...\n"
"                            [--holiday NAME,DATE[;DATE...],PERCENT]...\n"
"       vpoints activity list\n"
"\n"
"An activity earns N points an hour of service, at most --daily-cap\n"
"points a day. A multiplier weighs the minutes between FROM and TO (HH:MM,\n"
"every day; TO before FROM crosses midnight), a holiday those of its dates\n"
"(YYYY-MM-DD), by PERCENT (100 to 1000); where windows overlap the\n"
"highest counts. Example: --multiplier night,22:00,06:00,150\n"
"--holiday \"national day,2026-10-01;2026-10-02,200\". Adding needs an\n"
"admin key.\n";

/* The multipliers of an activity in a few words. */
static char *
activity_multipliers(json_t *multipliers)
{
	struct buf b = { NULL, 0, 0 };
	json_t *m;
	char *text, *dates;
	size_t i;

	json_array_foreach(multipliers, i, m) {
		if (json_is_array(json_object_get(m, "dates"))) {
			dates = table_value(json_object_get(m, "dates"), ",");
			text = xasprintf("%s %s %lld%%", client_str(m, "name"),
			    dates, (long long)json_integer_value(
			    json_object_get(m, "percent")));
			free(dates);
		} else {
			text = xasprintf("%s %s-%s %lld%%",
			    client_str(m, "name"), client_str(m, "from"),
			    client_str(m, "to"),
			    (long long)json_integer_value(json_object_get(m,
			    "percent")));
		}
		if (i > 0)
			buf_puts(&b, "; ");
		buf_puts(&b, text);
		free(text);
	}
	return b.data != NULL ? b.data : xstrdup("");
}

static const struct table_column activity_rows[] = {
	{ "code", "CODE", NULL, false },
	{ "points_per_hour", "POINTS/HOUR", NULL, true },
	{ "daily_cap", "DAILY CAP", NULL, true },
	{ "name", "NAME", NULL, false },
	{ "multipliers", "MULTIPLIERS", activity_multipliers, false },
};

/* Cut the text after the last comma off spec; NULL when there is none. */
static char *
activity_last_field(char *spec)
{
	char *comma = strrchr(spec, ',');

	if (comma == NULL)
		return NULL;
	*comma = '\0';
	return comma + 1;
}

/* A window from "NAME,FROM,TO,PERCENT", or (holiday) a list of dates
 * from "NAME,DATE;DATE,PERCENT"; NULL with a complaint when malformed.
 * Fields are taken from the right, so that a name may hold commas. */
static json_t *
activity_window(const char *option, const char *text, bool holiday)
{
	char *spec = xstrdup(text), *percent, *to = NULL, *date, *last;
	char *from;	/* for a holiday, its dates */
	json_t *window = NULL, *dates;
	long long n;

	if ((percent = activity_last_field(spec)) == NULL ||
	    (!holiday && (to = activity_last_field(spec)) == NULL) ||
	    (from = activity_last_field(spec)) == NULL || *spec == '\0' ||
	    *from == '\0' || (to != NULL && *to == '\0')) {
		fprintf(stderr, "vpoints: %s wants %s, not \"%s\"\n", option,
		    holiday ? "NAME,DATE[;DATE...],PERCENT" :
		    "NAME,FROM,TO,PERCENT", text);
		goto done;
	}
	if (client_whole(option, percent, &n) != 0)
		goto done;
	window = json_pack("{s:s, s:I}", "name", spec, "percent",
	    (json_int_t)n);
	if (!holiday) {
		json_object_set_new(window, "from", json_string(from));
		json_object_set_new(window, "to", json_string(to));
		goto done;
	}
	dates = json_array();
	for (date = strtok_r(from, ";", &last); date != NULL;
	    date = strtok_r(NULL, ";", &last))
		json_array_append_new(dates, json_string(date));
	json_object_set_new(window, "dates", dates);
done:
	free(spec);
	return window;
}

/* vpoints activity add CODE --name NAME --points-per-hour N [...] */
static int
activity_add(struct client *cl, int argc, char **argv)
{
	static const struct option options[] = {
		{ "name",		required_argument, NULL, 'n' },
		{ "points-per-hour",	required_argument, NULL, 'p' },
		{ "daily-cap",		required_argument, NULL, 'd' },
		{ "multiplier",		required_argument, NULL, 'm' },
		{ "holiday",		required_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 }
	};
	const char *name = NULL, *points = NULL, *cap = NULL;
	json_t *body = NULL, *multipliers = json_array(), *window, *result;
	char *windows;
	long long n;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (ch) {
		case 'n':
			name = optarg;
			break;
		case 'p':
			points = optarg;
			break;
		case 'd':
			cap = optarg;
			break;
		case 'm':
		case 'H':
			window = activity_window(ch == 'm' ? "--multiplier" :
			    "--holiday", optarg, ch == 'H');
			if (window == NULL) {
				rc = WIRE_EXIT_DATAERR;
				goto done;
			}
			json_array_append_new(multipliers, window);
			break;
		default:
			rc = WIRE_EXIT_USAGE;
			goto usage;
		}
	}
	if (optind + 1 != argc || name == NULL || points == NULL) {
		rc = WIRE_EXIT_USAGE;
		goto usage;
	}
	if ((rc = client_whole("--points-per-hour", points, &n)) != 0)
		goto done;
	body = json_pack("{s:s, s:s, s:I, s:O}", "code", argv[optind],
	    "name", name, "points_per_hour", (json_int_t)n, "multipliers",
	    multipliers);
	if (cap != NULL) {
		if ((rc = client_whole("--daily-cap", cap, &n)) != 0)
			goto done;
		json_object_set_new(body, "daily_cap", json_integer(n));
	}
	rc = call_run(cl, "activity add", "POST", WIRE_API_PREFIX
	    "/activities", NULL, body, &result);
	if (rc == WIRE_EXIT_OK && !cl->json) {
		windows = activity_multipliers(json_object_get(result,
		    "multipliers"));
		printf("activity %s added: %s, %lld points an hour",
		    client_str(result, "code"), client_str(result, "name"),
		    (long long)json_integer_value(json_object_get(result,
		    "points_per_hour")));
		if (json_is_integer(json_object_get(result, "daily_cap")))
			printf(", at most %lld a day", (long long)
			    json_integer_value(json_object_get(result,
			    "daily_cap")));
		printf("%s%s\n", *windows != '\0' ? "; " : "", windows);
		free(windows);
	}
	json_decref(result);
	goto done;
usage:
	fputs(activity_usage, stderr);
done:
	json_decref(body);
	json_decref(multipliers);
	return rc;
}

/* vpoints activity list */
static int
activity_list(struct client *cl)
{
	json_t *result;
	int rc;

	rc = call_run(cl, "activity list", "GET", WIRE_API_PREFIX
	    "/activities", NULL, NULL, &result);
	if (rc == WIRE_EXIT_OK && !cl->json)
		table_rows(stdout, cl->csv ? TABLE_CSV : TABLE_TEXT,
		    activity_rows, sizeof(activity_rows) /
		    sizeof(activity_rows[0]), json_object_get(result,
		    "activities"));
	json_decref(result);
	return rc;
}

/* vpoints activity add|list */
int
activity_main(struct client *cl, int argc, char **argv)
{
	int rc;

	if (client_wants_help(argc, argv)) {
		fputs(activity_usage, stdout);
		return WIRE_EXIT_OK;
	}
	if ((rc = client_utf8(argc, argv)) != 0)
		return rc;
	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return activity_add(cl, argc - 1, argv + 1);
	if (argc == 2 && strcmp(argv[1], "list") == 0)
		return activity_list(cl);
	fputs(activity_usage, stderr);
	return WIRE_EXIT_USAGE;
}
