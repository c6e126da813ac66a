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

static const char redeem_usage[] =
"usage: vpoints redeem VOLUNTEER ITEM [--qty N]\n"
"\n"
"Spend a volunteer's points on N units (1 unless --qty) of ITEM, a code of\n"
"this station's catalogue, and print the receipt to hand over: its number,\n"
"when, where, who, what, the points spent and the points left. Refused,\n"
"changing nothing, when the volunteer has too few points or the station\n"
"too few units. With --csv, the receipt as one record.\n";

static const char redemption_usage[] =
"usage: vpoints redemption void ID --reason TEXT\n"
"\n"
"Undo redemption ID (or the receipt number, R-<station>-ID): the\n"
"points go back to the volunteer and the units back in stock. Only the\n"
"station that made it, or an admin, may void it, and only once.\n";

/* A redemption as its receipt; the CSV columns are every member. */
static const struct table_column redemption_record[] = {
	{ "id", NULL, NULL, false },
	{ "receipt", "receipt", NULL, false },
	{ "at", "date", table_time, false },
	{ "station", "station", NULL, false },
	{ "volunteer", "volunteer", NULL, false },
	{ "item", NULL, NULL, false },
	{ "name", "item", NULL, false },
	{ "category", NULL, NULL, false },
	{ "quantity", "quantity", NULL, false },
	{ "points", "points spent", NULL, false },
	{ "balance", "points left", NULL, false },
	{ "voided_at", "voided", table_time, false },
	{ "void_reason", "void reason", NULL, false },
};

#define NCOLUMNS(a)	(sizeof(a) / sizeof((a)[0]))

/* vpoints redeem VOLUNTEER ITEM [--qty N] */
int
redeem_main(struct client *cl, int argc, char **argv)
{
	static const struct option options[] = {
		{ "qty",	required_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 }
	};
	const char *qty = NULL;
	json_t *body, *result;
	long long n = 1;
	int ch, rc;

	if (client_wants_help(argc, argv)) {
		fputs(redeem_usage, stdout);
		return WIRE_EXIT_OK;
	}
	if ((rc = client_utf8(argc, argv)) != 0)
		return rc;
	while ((ch = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (ch) {
		case 'q':
			qty = optarg;
			break;
		default:
			fputs(redeem_usage, stderr);
			return WIRE_EXIT_USAGE;
		}
	}
	if (optind + 2 != argc) {
		fputs(redeem_usage, stderr);
		return WIRE_EXIT_USAGE;
	}
	if (qty != NULL && (rc = client_whole("--qty", qty, &n)) != 0)
		return rc;
	body = json_pack("{s:s, s:s, s:I}", "volunteer", argv[optind],
	    "item", argv[optind + 1], "quantity", (json_int_t)n);
	rc = call_run(cl, "redeem", "POST", WIRE_API_PREFIX "/redemptions",
	    NULL, body, &result);
	json_decref(body);
	if (rc == WIRE_EXIT_OK && !cl->json) {
		if (!cl->csv)
			printf("POINTS REDEMPTION RECEIPT\n");
		table_record(stdout, cl->csv ? TABLE_CSV : TABLE_TEXT,
		    redemption_record, NCOLUMNS(redemption_record), result);
	}
	json_decref(result);
	return rc;
}

/* The redemption ID of "12" or of a receipt number, "R-S01-12"; 0 or
 * the exit code. */
static int
redemption_id(const char *text, long long *id)
{
	const char *dash = strrchr(text, '-');

	if (strncmp(text, "R-", 2) == 0 && dash != NULL && dash > text + 1)
		return client_whole("ID", dash + 1, id);
	return client_whole("ID", text, id);
}

/* Say what a void gave back, or write the redemption as CSV. */
static void
redemption_voided(const struct client *cl, json_t *redemption)
{
	if (cl->csv) {
		table_record(stdout, TABLE_CSV, redemption_record,
		    NCOLUMNS(redemption_record), redemption);
		return;
	}
	printf("redemption %s voided: %lld points back to volunteer %s, "
	    "%lld of %s back in stock\n", client_str(redemption, "receipt"),
	    (long long)json_integer_value(json_object_get(redemption,
	    "points")), client_str(redemption, "volunteer"),
	    (long long)json_integer_value(json_object_get(redemption,
	    "quantity")), client_str(redemption, "name"));
}

/* vpoints redemption void ID --reason TEXT */
static int
redemption_void(struct client *cl, int argc, char **argv)
{
	static const struct option options[] = {
		{ "reason",	required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	const char *reason = NULL;
	json_t *body, *result;
	char *path;
	long long id;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (ch) {
		case 'r':
			reason = optarg;
			break;
		default:
			fputs(redemption_usage, stderr);
			return WIRE_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc || reason == NULL) {
		fputs(redemption_usage, stderr);
		return WIRE_EXIT_USAGE;
	}
	if ((rc = redemption_id(argv[optind], &id)) != 0)
		return rc;
	body = json_pack("{s:s}", "reason", reason);
	path = xasprintf(WIRE_API_PREFIX "/redemptions/%lld/void", id);
	rc = call_run(cl, "redemption void", "POST", path, NULL, body,
	    &result);
	if (rc == WIRE_EXIT_OK && !cl->json)
		redemption_voided(cl, result);
	json_decref(result);
	json_decref(body);
	free(path);
	return rc;
}

/* vpoints redemption void */
int
redemption_main(struct client *cl, int argc, char **argv)
{
	int rc;

	if (client_wants_help(argc, argv)) {
		fputs(redemption_usage, stdout);
		return WIRE_EXIT_OK;
	}
	if ((rc = client_utf8(argc, argv)) != 0)
		return rc;
	if (argc >= 2 && strcmp(argv[1], "void") == 0)
		return redemption_void(cl, argc - 1, argv + 1);
	fputs(redemption_usage, stderr);
	return WIRE_EXIT_USAGE;
}
