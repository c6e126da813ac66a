#include "config.h"

#include <stdbool.h>

#include <jansson.h>

#include "client/cmd.h"
#include "client/i18n.h"
#include "client/table.h"

static const char stars_about[] =
N_("The cumulative hours of service a volunteer needs for one to five stars.\n"
"--set (admin) replaces them with five whole numbers of hours, strictly\n"
"increasing, e.g. --set 100,300,600,1000,1500.\n");

static const struct table_column stars_rows[] = {
	{ "stars", N_("STARS"), NULL, true },
	{ "hours", N_("HOURS"), NULL, true },
};

static const struct cmd_option stars_options[] = {
	{ "set", CMD_WHOLES, .field = "levels", .value = "H1,H2,H3,H4,H5",
	    .flags = CMD_SWITCH, .op = WIRE_OP_STAR_LEVELS_SET },
	CMD_END
};

static const struct cmd_verb stars_verbs[] = {
	{ .options = stars_options, .op = WIRE_OP_STAR_LEVELS,
	    CMD_ROWS("levels", stars_rows) },
};

const struct cmd_entry cmd_star_levels_entry = {
	.name = "star-levels",
	.summary = N_("the hours for one to five stars"),
	.about = stars_about,
	.verbs = stars_verbs,
	.nverbs = CMD_NITEMS(stars_verbs),
};
