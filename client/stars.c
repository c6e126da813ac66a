#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "client/call.h"
#include "client/client.h"
#include "client/table.h"
#include "wire.h"
#include "xmalloc.h"

static const char stars_usage[] =
"usage: vpoints star-levels [--set H1,H2,H3,H4,H5]\n"
"\n"
"The cumulative hours of service a volunteer needs for one to five stars.\n"
"--set (admin) replaces them with five whole numbers of hours, strictly\n"
"increasing, e.g. --set 100,300,600,1000,1500.\n";

static const struct table_column stars_rows[] = {
	{ "stars", "STARS", NULL, true },
	{ "hours", "HOURS", NULL, true },
};

/* Parse "H1,H2,..." into a JSON list of whole numbers; 0 or the exit
 * code. */
static int
stars_parse(const char *text, json_t *levels)
{
	char *copy = xstrdup(text), *item, *next;
	long long hours;
	int rc = 0;

	for (item = copy; item != NULL; item = next) {
		if ((next = strchr(item, ',')) != NULL)
			*next++ = '\0';
		if ((rc = client_whole("--set", item, &hours)) != 0)
			break;
		json_array_append_new(levels, json_integer(hours));
	}
	free(copy);
	return rc;
}

/* vpoints star-levels [--set H1,...,H5] */
int
stars_main(struct client *cl, int argc, char **argv)
{
	static const struct option options[] = {
		{ "set",	required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	const char *set = NULL;
	json_t *body = NULL, *levels, *result;
	int ch, rc;

	if (client_wants_help(argc, argv)) {
		fputs(stars_usage, stdout);
		return WIRE_EXIT_OK;
	}
	while ((ch = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (ch) {
		case 's':
			set = optarg;
			break;
		default:
			fputs(stars_usage, stderr);
			return WIRE_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fputs(stars_usage, stderr);
		return WIRE_EXIT_USAGE;
	}
	if (set != NULL) {
		levels = json_array();
		if ((rc = stars_parse(set, levels)) != 0) {
			json_decref(levels);
			return rc;
		}
		body = json_pack("{s:o}", "levels", levels);
		rc = call_run(cl, "star-levels --set", "POST",
		    WIRE_API_PREFIX "/star-levels", NULL, body, &result);
	} else {
		rc = call_run(cl, "star-levels", "GET",
		    WIRE_API_PREFIX "/star-levels", NULL, NULL, &result);
	}
	if (rc == WIRE_EXIT_OK && !cl->json)
		table_rows(stdout, cl->csv ? TABLE_CSV : TABLE_TEXT,
		    stars_rows, sizeof(stars_rows) / sizeof(stars_rows[0]),
		    json_object_get(result, "levels"));
	json_decref(result);
	json_decref(body);
	return rc;
}
