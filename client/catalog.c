#include "config.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "client/client.h"
#include "client/cmd.h"
#include "client/i18n.h"
#include "client/table.h"
#include "wire.h"

static const char catalog_about[] =
N_("What a station gives for points. CODE names an item within its station;\n"
"the price is in points (at least 1), the stock the units on hand. A\n"
"station key manages its own catalogue; an admin names --station. list:\n"
"the active items, with --all the deactivated ones too. restock adds N\n"
"units, recorded with the note; deactivate stops an item being redeemed,\n"
"its history stays.\n");

static const struct table_column catalog_rows[] = {
	{ "code", N_("CODE"), NULL, false },
	{ "name", N_("NAME"), NULL, false },
	{ "category", N_("CATEGORY"), NULL, false },
	{ "price", N_("PRICE"), NULL, true },
	{ "stock", N_("STOCK"), NULL, true },
	{ "active", N_("ACTIVE"), NULL, false },
	{ "station", N_("STATION"), NULL, false },
};

/* Print an item the daemon added or changed. */
static int
catalog_print(struct client *cl, const struct cmd *c, json_t *item)
{
	static const char *const done[][2] = {
		{ "add", N_("added") },
		{ "restock", N_("restocked") },
		{ "deactivate", N_("deactivated") },
	};
	const char *what = "";
	size_t i;

	for (i = 0; i < CMD_NITEMS(done); i++) {
		if (strcmp(cmd_sub(c), done[i][0]) == 0)
			what = _(done[i][1]);
	}
	printf(_("item %s %s: %s, %s, %lld points, %lld in stock, "
	    "station %s%s\n"),
	    client_str(item, "code"), what, client_str(item, "name"),
	    client_str(item, "category"),
	    (long long)json_integer_value(json_object_get(item, "price")),
	    (long long)json_integer_value(json_object_get(item, "stock")),
	    client_str(item, "station"),
	    json_is_false(json_object_get(item, "active")) ?
	    _(", inactive") : "");
	return WIRE_EXIT_OK;
}

static const struct cmd_option catalog_list_options[] = {
	CMD_OPT("station", CMD_STRING, "station", "S", 0),
	CMD_OPT("all", CMD_FLAG, "all", NULL, 0),
	CMD_END
};

static const struct cmd_option catalog_add_options[] = {
	CMD_OPT("name", CMD_STRING, "name", "NAME", CMD_REQUIRED),
	CMD_OPT("category", CMD_CHOICE, "category", "gift|book|service",
	    CMD_REQUIRED),
	CMD_OPT("price", CMD_WHOLE, "price", "N", CMD_REQUIRED),
	CMD_OPT("stock", CMD_WHOLE, "stock", "N", CMD_REQUIRED),
	CMD_OPT("station", CMD_STRING, "station", "S", 0),
	CMD_END
};

static const struct cmd_option catalog_restock_options[] = {
	CMD_OPT("quantity", CMD_WHOLE, "quantity", "N", CMD_REQUIRED),
	CMD_OPT("note", CMD_STRING, "note", "TEXT", 0),
	CMD_OPT("station", CMD_STRING, "station", "S", 0),
	CMD_END
};

static const struct cmd_option catalog_deactivate_options[] = {
	CMD_OPT("station", CMD_STRING, "station", "S", 0),
	CMD_END
};

static const struct cmd_verb catalog_verbs[] = {
	{ .name = "list", .options = catalog_list_options,
	    .op = WIRE_OP_CATALOG_LIST, CMD_ROWS("items", catalog_rows) },
	{ .name = "add", .args = cmd_code, .options = catalog_add_options,
	    .op = WIRE_OP_CATALOG_ADD, .print = catalog_print },
	{ .name = "restock", .args = cmd_code,
	    .options = catalog_restock_options,
	    .op = WIRE_OP_CATALOG_RESTOCK, .print = catalog_print },
	{ .name = "deactivate", .args = cmd_code,
	    .options = catalog_deactivate_options,
	    .op = WIRE_OP_CATALOG_DEACTIVATE, .print = catalog_print },
};

const struct cmd_entry cmd_catalog_entry = {
	.name = "catalog",
	.summary = N_("a station's gifts, books and services"),
	.about = catalog_about,
	.verbs = catalog_verbs,
	.nverbs = CMD_NITEMS(catalog_verbs),
};
