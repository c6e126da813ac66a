#include "config.h"

#include <stdio.h>

#include <jansson.h>

#include "client/client.h"
#include "client/cmd.h"
#include "client/i18n.h"
#include "client/table.h"
#include "wire.h"

static const char region_about[] =
N_("Regions are the tree above the communities, in the levels the\n"
"programme names (district, then street, unless levels says otherwise):\n"
"a region of the top level has no --parent, any other one a parent of\n"
"the level just above. rename gives a region a new name; move puts it\n"
"under another parent of the same level. Reports of a period show the\n"
"tree as it stood at the period's end, so that neither changes a report\n"
"of the past. levels names the levels, top first, while no region uses\n"
"them (admin). An admin manages every region; an office key the regions\n"
"below its own.\n");

/* Print the region the daemon added or changed. */
static int
region_print(struct client *cl, const struct cmd *c, json_t *region)
{
	json_t *parent = json_object_get(region, "parent");

	if (json_is_string(parent))
		printf(_("%s %s: %s, in %s\n"), client_str(region, "level"),
		    client_str(region, "code"), client_str(region, "name"),
		    json_string_value(parent));
	else
		printf(_("%s %s: %s\n"), client_str(region, "level"),
		    client_str(region, "code"), client_str(region, "name"));
	return WIRE_EXIT_OK;
}

/* Print the levels the daemon set. */
static int
region_print_levels(struct client *cl, const struct cmd *c, json_t *list)
{
	json_t *level;
	size_t i;

	printf("%s", _("levels:"));
	json_array_foreach(json_object_get(list, "levels"), i, level)
		printf(" %s", json_string_value(level));
	printf("\n");
	return WIRE_EXIT_OK;
}

static const struct table_column region_rows[] = {
	{ "code", N_("CODE"), NULL, false },
	{ "level", N_("LEVEL"), NULL, false },
	{ "parent", N_("PARENT"), NULL, false },
	{ "communities", N_("COMMUNITIES"), NULL, true },
	{ "name", N_("NAME"), NULL, false },
};

static const struct cmd_option region_add_options[] = {
	CMD_OPT("name", CMD_STRING, "name", "NAME", CMD_REQUIRED),
	CMD_OPT("level", CMD_STRING, "level", "LEVEL", CMD_REQUIRED),
	CMD_OPT("parent", CMD_STRING, "parent", "R", 0),
	CMD_END
};

static const struct cmd_option region_rename_options[] = {
	CMD_OPT("name", CMD_STRING, "name", "NAME", CMD_REQUIRED),
	CMD_END
};

static const struct cmd_option region_move_options[] = {
	CMD_OPT("parent", CMD_STRING, "parent", "R", CMD_REQUIRED),
	CMD_END
};

static const struct cmd_option region_levels_options[] = {
	CMD_OPT("level", CMD_STRING, "levels", "LEVEL",
	    CMD_REQUIRED | CMD_LIST),
	CMD_END
};

static const struct cmd_verb region_verbs[] = {
	{ .name = "add", .args = cmd_code, .options = region_add_options,
	    .op = WIRE_OP_REGION_ADD, .print = region_print },
	{ .name = "list", .op = WIRE_OP_REGION_LIST,
	    CMD_ROWS("regions", region_rows) },
	{ .name = "rename", .args = cmd_code, .options = region_rename_options,
	    .op = WIRE_OP_REGION_RENAME, .print = region_print },
	{ .name = "move", .args = cmd_code, .options = region_move_options,
	    .op = WIRE_OP_REGION_MOVE, .print = region_print },
	{ .name = "levels", .options = region_levels_options,
	    .op = WIRE_OP_REGION_LEVELS_SET, .print = region_print_levels },
};

const struct cmd_entry cmd_region_entry = {
	.name = "region",
	.summary = N_("the regions above the communities: districts, streets"),
	.about = region_about,
	.verbs = region_verbs,
	.nverbs = CMD_NITEMS(region_verbs),
};
