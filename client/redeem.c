#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "client/call.h"
#include "client/client.h"
#include "client/cmd.h"
#include "client/i18n.h"
#include "client/receipt.h"
#include "client/table.h"
#include "wire.h"

static const char redeem_about[] =
N_("Spend a volunteer's points on N units (1 unless --qty) of ITEM, a code of\n"
"this station's catalogue, and print the receipt to hand over: its number,\n"
"when, where, who (the volunteer's number and name), what, the points spent\n"
"and the points left. Refused,\n"
"changing nothing, when the volunteer has too few points or the station\n"
"too few units. --receipt 58mm prints it 32 columns wide for a 58 mm\n"
"receipt printer, a4 (the default, unless the config file's receipt =\n"
"58mm says otherwise) 80 wide for a page; a value too wide for the paper\n"
"is wrapped. With --csv, the receipt as one record.\n");

static const char redemption_about[] =
N_("Undo redemption ID (or the receipt number, R-<station>-ID): the\n"
"points go back to the volunteer and the units back in stock. Only the\n"
"station that made it, or an admin, may void it, and only once.\n");

/* A redemption as its receipt; the CSV columns are every member. */
static const struct table_column redemption_record[] = {
	{ "id", NULL, NULL, false },
	{ "receipt", N_("receipt"), NULL, false },
	{ "at", N_("date"), table_time, false },
	{ "station", N_("station"), NULL, false },
	{ "volunteer", N_("volunteer"), NULL, false },
	{ "item", NULL, NULL, false },
	{ "name", N_("item"), NULL, false },
	{ "category", NULL, NULL, false },
	{ "quantity", N_("quantity"), NULL, false },
	{ "points", N_("points spent"), NULL, false },
	{ "balance", N_("points left"), NULL, false },
	{ "voided_at", N_("voided"), table_time, false },
	{ "void_reason", N_("void reason"), NULL, false },
};

/* The receipt handed over: the redemption, and the volunteer's name. */
static const struct table_column redeem_receipt[] = {
	{ "receipt", N_("receipt"), NULL, false },
	{ "at", N_("date"), table_time, false },
	{ "station", N_("station"), NULL, false },
	{ "volunteer", N_("volunteer"), NULL, false },
	{ "volunteer_name", N_("name"), NULL, false },
	{ "name", N_("item"), NULL, false },
	{ "quantity", N_("quantity"), NULL, false },
	{ "points", N_("points spent"), NULL, false },
	{ "balance", N_("points left"), NULL, false },
	{ "voided_at", N_("voided"), table_time, false },
	{ "void_reason", N_("void reason"), NULL, false },
};

/* The paper of the receipt: --receipt, else the config file's receipt,
 * else A4. */
static enum receipt_paper
redeem_paper(const struct client *cl, const struct cmd *c)
{
	int i = cmd_choice(c, "receipt");

	if (i >= 0)
		return (enum receipt_paper)i;
	if (cl->settings.receipt != NULL &&
	    strcmp(cl->settings.receipt, "58mm") == 0)
		return RECEIPT_58MM;
	return RECEIPT_A4;
}

/* The volunteer's name for the receipt, asked of vpointsd (the
 * redemption names the volunteer by number only); NULL, having said why,
 * when it cannot be had: the receipt goes without. */
static json_t *
redeem_volunteer_name(struct client *cl, json_t *redemption)
{
	char *path = wire_path(WIRE_OP_VOLUNTEER_GET, client_str(redemption,
	    "volunteer"));
	json_t *volunteer = NULL, *name = NULL;

	if (call_run(cl, _("redeem: the volunteer's name for the receipt"),
	    wire_route(WIRE_OP_VOLUNTEER_GET)->method, path, NULL, NULL,
	    &volunteer) == WIRE_EXIT_OK &&
	    json_is_string(json_object_get(volunteer, "name")))
		name = json_incref(json_object_get(volunteer, "name"));
	json_decref(volunteer);
	free(path);
	return name;
}

/* Print the receipt of a redemption, with the volunteer's name, or with
 * --csv its record. */
static int
redeem_print(struct client *cl, const struct cmd *c, json_t *redemption)
{
	json_t *receipt, *name;

	if (cl->format != CLIENT_TABLE) {
		client_record(cl, "redemption", redemption_record,
		    CMD_NITEMS(redemption_record), redemption);
		return WIRE_EXIT_OK;
	}
	receipt = json_copy(redemption);
	if ((name = redeem_volunteer_name(cl, redemption)) != NULL)
		json_object_set_new(receipt, "volunteer_name", name);
	receipt_print(stdout, redeem_paper(cl, c),
	    _("POINTS REDEMPTION RECEIPT"),
	    redeem_receipt, CMD_NITEMS(redeem_receipt), receipt);
	json_decref(receipt);
	return WIRE_EXIT_OK;
}

static const struct cmd_option redeem_args[] = {
	CMD_ARG("VOLUNTEER", CMD_STRING, "volunteer"),
	CMD_ARG("ITEM", CMD_STRING, "item"),
	CMD_END
};

static const struct cmd_option redeem_options[] = {
	{ "qty", CMD_WHOLE, .field = "quantity", .value = "N",
	    .fallback = "1" },
	CMD_OPT("receipt", CMD_CHOICE, NULL, RECEIPT_PAPERS, 0),
	CMD_END
};

static const struct cmd_verb redeem_verbs[] = {
	{ .args = redeem_args, .options = redeem_options,
	    .op = WIRE_OP_REDEEM, .print = redeem_print },
};

const struct cmd_entry cmd_redeem_entry = {
	.name = "redeem",
	.summary = N_("spend a volunteer's points; print a receipt"),
	.about = redeem_about,
	.verbs = redeem_verbs,
	.nverbs = CMD_NITEMS(redeem_verbs),
};

/* The redemption ID of "12" or of a receipt number, "R-S01-12"; 0 or
 * the exit code. */
static int
redemption_id(const struct cmd *c, const struct cmd_option *o,
    const char *text, json_t **value)
{
	const char *dash = strrchr(text, '-');
	long long id;
	int rc;

	if (strncmp(text, "R-", 2) == 0 && dash != NULL && dash > text + 1)
		text = dash + 1;
	if ((rc = client_whole(o->name, text, &id)) == 0)
		*value = json_integer(id);
	return rc;
}

/* Say what a void gave back, or write the redemption as CSV. */
static int
redemption_print_voided(struct client *cl, const struct cmd *c,
    json_t *redemption)
{
	if (cl->csv) {
		client_record(cl, "redemption", redemption_record,
		    CMD_NITEMS(redemption_record), redemption);
		return WIRE_EXIT_OK;
	}
	printf(_("redemption %s voided: %lld points back to volunteer %s, "
	    "%lld of %s back in stock\n"), client_str(redemption, "receipt"),
	    (long long)json_integer_value(json_object_get(redemption,
	    "points")), client_str(redemption, "volunteer"),
	    (long long)json_integer_value(json_object_get(redemption,
	    "quantity")), client_str(redemption, "name"));
	return WIRE_EXIT_OK;
}

static const struct cmd_option redemption_args[] = {
	{ "ID", CMD_CUSTOM, .field = "id", .parse = redemption_id },
	CMD_END
};

static const struct cmd_option redemption_options[] = {
	CMD_OPT("reason", CMD_STRING, "reason", "TEXT", CMD_REQUIRED),
	CMD_END
};

static const struct cmd_verb redemption_verbs[] = {
	{ .name = "void", .args = redemption_args,
	    .options = redemption_options, .op = WIRE_OP_REDEMPTION_VOID,
	    .print = redemption_print_voided },
};

const struct cmd_entry cmd_redemption_entry = {
	.name = "redemption",
	.summary = N_("void a redemption"),
	.about = redemption_about,
	.verbs = redemption_verbs,
	.nverbs = CMD_NITEMS(redemption_verbs),
};
