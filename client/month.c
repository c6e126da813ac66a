#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "client/call.h"
#include "client/client.h"
#include "client/table.h"
#include "wire.h"
#include "xmalloc.h"

static const char month_usage[] =
"usage: vpoints month close YYYY-MM\n"
"       vpoints month list\n"
"\n"
"close (admin): from now on no shift that starts in the month can be\n"
"recorded, checked out or corrected. The daemon signs the month's digest\n"
"(the SHA-256 of its community-level report) as a JWS, printed here, so\n"
"that a reprint can be checked against it (vpoints certificate verify\n"
"checks the JWS too). A month closes once. list: the closed months.\n";

static const struct table_column month_rows[] = {
	{ "month", "MONTH", NULL, false },
	{ "closed_at", "CLOSED", table_time, false },
	{ "digest", "DIGEST", NULL, false },
	{ "jws", "JWS", NULL, false },
};

#define MONTH_NROWS	(sizeof(month_rows) / sizeof(month_rows[0]))

/* vpoints month close YYYY-MM */
static int
month_close(struct client *cl, int argc, char **argv)
{
	json_t *result;
	char *path;
	int rc;

	if (argc != 2) {
		fputs(month_usage, stderr);
		return WIRE_EXIT_USAGE;
	}
	if (!client_is_month(argv[1])) {
		fprintf(stderr, "vpoints: month close wants YYYY-MM, not "
		    "\"%s\"\n", argv[1]);
		return WIRE_EXIT_DATAERR;
	}
	path = xasprintf(WIRE_API_PREFIX "/months/%s/close", argv[1]);
	rc = call_run(cl, "month close", "POST", path, NULL, NULL, &result);
	if (rc == WIRE_EXIT_OK && !cl->json)
		table_record(stdout, cl->csv ? TABLE_CSV : TABLE_TEXT,
		    month_rows, MONTH_NROWS, result);
	json_decref(result);
	free(path);
	return rc;
}

/* vpoints month list */
static int
month_list(struct client *cl, int argc, char **argv)
{
	json_t *result;
	int rc;

	if (argc != 1) {
		fputs(month_usage, stderr);
		return WIRE_EXIT_USAGE;
	}
	rc = call_run(cl, "month list", "GET", WIRE_API_PREFIX "/months",
	    NULL, NULL, &result);
	if (rc == WIRE_EXIT_OK && !cl->json)
		table_rows(stdout, cl->csv ? TABLE_CSV : TABLE_TEXT,
		    month_rows, MONTH_NROWS - 1, json_object_get(result,
		    "months"));
	json_decref(result);
	return rc;
}

/* vpoints month close|list */
int
month_main(struct client *cl, int argc, char **argv)
{
	int rc;

	if (client_wants_help(argc, argv)) {
		fputs(month_usage, stdout);
		return WIRE_EXIT_OK;
	}
	if ((rc = client_utf8(argc, argv)) != 0)
		return rc;
	if (argc >= 2 && strcmp(argv[1], "close") == 0)
		return month_close(cl, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return month_list(cl, argc - 1, argv + 1);
	fputs(month_usage, stderr);
	return WIRE_EXIT_USAGE;
}
