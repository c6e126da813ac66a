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

static const char catalog_usage[] =
"usage: vpoints catalog list [--station S] [--all]\n"
"       vpoints catalog add CODE --name NAME --category gift|book|service\n"
"                           --price N --stock N [--station S]\n"
"       vpoints catalog restock CODE --quantity N [--note TEXT] [--station S]\n"
"       vpoints catalog deactivate CODE [--station S]\n"
"\n"
"What a station gives for points. CODE names an item within its station;\n"
"the price is in points (at least 1), the stock the units on hand. A\n"
"station key manages its own catalogue; an admin names --station. list:\n"
"the active items, with --all the deactivated ones too. restock adds N\n"
"units, recorded with the note; deactivate stops an item being redeemed,\n"
"its history stays.\n";

static const struct table_column catalog_rows[] = {
	{ "code", "CODE", NULL, false },
	{ "name", "NAME", NULL, false },
	{ "category", "CATEGORY", NULL, false },
	{ "price", "PRICE", NULL, true },
	{ "stock", "STOCK", NULL, true },
	{ "active", "ACTIVE", NULL, false },
	{ "station", "STATION", NULL, false },
};

/* The path of an item, with a verb such as "restock". */
static char *
catalog_path(const char *code, const char *verb)
{
	char *encoded = net_encode(code), *path;

	path = xasprintf(WIRE_API_PREFIX "/catalog/%s/%s", encoded, verb);
	free(encoded);
	return path;
}

/* Print an item the daemon added or changed. */
static void
catalog_print(const char *what, json_t *item)
{
	printf("item %s %s: %s, %s, %lld points, %lld in stock, station %s%s\n",
	    client_str(item, "code"), what, client_str(item, "name"),
	    client_str(item, "category"),
	    (long long)json_integer_value(json_object_get(item, "price")),
	    (long long)json_integer_value(json_object_get(item, "stock")),
	    client_str(item, "station"),
	    json_is_false(json_object_get(item, "active")) ? ", inactive" : "");
}

/* vpoints catalog add CODE --name N --category C --price N --stock N
 * [--station S] */
static int
catalog_add(struct client *cl, int argc, char **argv)
{
	static const struct option options[] = {
		{ "name",	required_argument, NULL, 'n' },
		{ "category",	required_argument, NULL, 'c' },
		{ "price",	required_argument, NULL, 'p' },
		{ "stock",	required_argument, NULL, 'S' },
		{ "station",	required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	const char *name = NULL, *category = NULL, *price = NULL;
	const char *stock = NULL, *station = NULL;
	json_t *body, *result;
	long long p, n;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (ch) {
		case 'n':
			name = optarg;
			break;
		case 'c':
			category = optarg;
			break;
		case 'p':
			price = optarg;
			break;
		case 'S':
			stock = optarg;
			break;
		case 's':
			station = optarg;
			break;
		default:
			fputs(catalog_usage, stderr);
			return WIRE_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc || name == NULL || category == NULL ||
	    price == NULL || stock == NULL || (strcmp(category, "gift") != 0 &&
	    strcmp(category, "book") != 0 && strcmp(category, "service") != 0)) {
		fputs(catalog_usage, stderr);
		return WIRE_EXIT_USAGE;
	}
	if ((rc = client_whole("--price", price, &p)) != 0 ||
	    (rc = client_whole("--stock", stock, &n)) != 0)
		return rc;
	body = json_pack("{s:s, s:s, s:s, s:I, s:I}", "code", argv[optind],
	    "name", name, "category", category, "price", (json_int_t)p,
	    "stock", (json_int_t)n);
	if (station != NULL)
		json_object_set_new(body, "station", json_string(station));
	rc = call_run(cl, "catalog add", "POST", WIRE_API_PREFIX "/catalog",
	    NULL, body, &result);
	json_decref(body);
	if (rc == WIRE_EXIT_OK && !cl->json)
		catalog_print("added", result);
	json_decref(result);
	return rc;
}

/* vpoints catalog list [--station S] [--all] */
static int
catalog_list(struct client *cl, int argc, char **argv)
{
	static const struct option options[] = {
		{ "station",	required_argument, NULL, 's' },
		{ "all",	no_argument,	   NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	struct buf query = { NULL, 0, 0 };
	const char *station = NULL;
	bool all = false;
	json_t *result;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (ch) {
		case 's':
			station = optarg;
			break;
		case 'a':
			all = true;
			break;
		default:
			fputs(catalog_usage, stderr);
			return WIRE_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fputs(catalog_usage, stderr);
		return WIRE_EXIT_USAGE;
	}
	net_query_add(&query, "station", station);
	net_query_add(&query, "all", all ? "1" : NULL);
	rc = call_run(cl, "catalog list", "GET", WIRE_API_PREFIX "/catalog",
	    query.data, NULL, &result);
	free(query.data);
	if (rc == WIRE_EXIT_OK && !cl->json)
		table_rows(stdout, cl->csv ? TABLE_CSV : TABLE_TEXT,
		    catalog_rows, sizeof(catalog_rows) / sizeof(catalog_rows[0]),
		    json_object_get(result, "items"));
	json_decref(result);
	return rc;
}

/* vpoints catalog restock CODE --quantity N [--note TEXT] [--station S] */
static int
catalog_restock(struct client *cl, int argc, char **argv)
{
	static const struct option options[] = {
		{ "quantity",	required_argument, NULL, 'q' },
		{ "note",	required_argument, NULL, 'n' },
		{ "station",	required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	const char *quantity = NULL, *note = NULL, *station = NULL;
	json_t *body, *result;
	char *path;
	long long n;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (ch) {
		case 'q':
			quantity = optarg;
			break;
		case 'n':
			note = optarg;
			break;
		case 's':
			station = optarg;
			break;
		default:
			fputs(catalog_usage, stderr);
			return WIRE_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc || quantity == NULL) {
		fputs(catalog_usage, stderr);
		return WIRE_EXIT_USAGE;
	}
	if ((rc = client_whole("--quantity", quantity, &n)) != 0)
		return rc;
	body = json_pack("{s:I}", "quantity", (json_int_t)n);
	if (note != NULL)
		json_object_set_new(body, "note", json_string(note));
	if (station != NULL)
		json_object_set_new(body, "station", json_string(station));
	path = catalog_path(argv[optind], "restock");
	rc = call_run(cl, "catalog restock", "POST", path, NULL, body,
	    &result);
	if (rc == WIRE_EXIT_OK && !cl->json)
		catalog_print("restocked", result);
	json_decref(result);
	json_decref(body);
	free(path);
	return rc;
}

/* vpoints catalog deactivate CODE [--station S] */
static int
catalog_deactivate(struct client *cl, int argc, char **argv)
{
	static const struct option options[] = {
		{ "station",	required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	const char *station = NULL;
	json_t *body, *result;
	char *path;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (ch) {
		case 's':
			station = optarg;
			break;
		default:
			fputs(catalog_usage, stderr);
			return WIRE_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		fputs(catalog_usage, stderr);
		return WIRE_EXIT_USAGE;
	}
	body = json_object();
	if (station != NULL)
		json_object_set_new(body, "station", json_string(station));
	path = catalog_path(argv[optind], "deactivate");
	rc = call_run(cl, "catalog deactivate", "POST", path, NULL, body,
	    &result);
	if (rc == WIRE_EXIT_OK && !cl->json)
		catalog_print("deactivated", result);
	json_decref(result);
	json_decref(body);
	free(path);
	return rc;
}

/* vpoints catalog list|add|restock|deactivate */
int
catalog_main(struct client *cl, int argc, char **argv)
{
	int rc;

	if (client_wants_help(argc, argv)) {
		fputs(catalog_usage, stdout);
		return WIRE_EXIT_OK;
	}
	if ((rc = client_utf8(argc, argv)) != 0)
		return rc;
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return catalog_list(cl, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return catalog_add(cl, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "restock") == 0)
		return catalog_restock(cl, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "deactivate") == 0)
		return catalog_deactivate(cl, argc - 1, argv + 1);
	fputs(catalog_usage, stderr);
	return WIRE_EXIT_USAGE;
}
