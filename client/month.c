#include "config.h"

#include <stdbool.h>

#include <jansson.h>

#include "client/cmd.h"
#include "client/i18n.h"
#include "client/table.h"

static const char month_about[] =
N_("close (admin): from now on no shift that starts in the month can be\n"
"recorded, checked out or corrected. The daemon signs the month's digest\n"
"(the SHA-256 of its community-level report) as a JWS, printed here, so\n"
"that a reprint can be checked against it (vpoints certificate verify\n"
"checks the JWS too). A month closes once. list: the closed months.\n");

/* A closed month; a list leaves out its JWS, the last column. */
static const struct table_column month_rows[] = {
	{ "month", N_("MONTH"), NULL, false },
	{ "closed_at", N_("CLOSED"), table_time, false },
	{ "digest", N_("DIGEST"), NULL, false },
	{ "jws", N_("JWS"), NULL, false },
};

static const struct cmd_option month_close_args[] = {
	CMD_ARG("YYYY-MM", CMD_MONTH, "month"),
	CMD_END
};

static const struct cmd_verb month_verbs[] = {
	{ .name = "close", .args = month_close_args,
	    .op = WIRE_OP_MONTH_CLOSE, CMD_RECORD(month_rows) },
	{ .name = "list", .op = WIRE_OP_MONTH_LIST, .rows = "months",
	    .columns = month_rows, .ncolumns = CMD_NITEMS(month_rows) - 1 },
};

const struct cmd_entry cmd_month_entry = {
	.name = "month",
	.summary = N_("close a month to new shifts (admin); list"),
	.about = month_about,
	.verbs = month_verbs,
	.nverbs = CMD_NITEMS(month_verbs),
};
