#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "client/client.h"
#include "client/cmd.h"
#include "client/headings.h"
#include "client/i18n.h"
#include "client/table.h"
#include "wire.h"

static const char shift_about[] =
N_("log records a shift done (a paper record entered later); checkin opens\n"
"one (from now unless --start) and prints its ID, which checkout closes\n"
"(now unless --end), awarding the points. correct replaces a recorded\n"
"shift with a new record: the old one stays, its points reversed; what is\n"
"not given is kept. A is an activity code; the details (--activity-name,\n"
"--place, --served, --content, --lead) say what the service was called,\n"
"where, who was served, what was done, who led it. TIME is RFC 3339\n"
"(2026-10-05T09:00:00+08:00), \"YYYY-MM-DD HH:MM\" or \"HH:MM\" (today) in\n"
"the programme's time zone (or the config's timezone). checkin without\n"
"--activity finds the volunteer's sign-up for an event running now (from\n"
"an hour before it starts) and opens the shift for its activity, title,\n"
"place and lead; --event E names the event, and checks in a walk-in\n"
"without a sign-up while places are free.\n"
"list: newest first, open check-ins on top, 100 unless --limit.\n"
"open: the open check-ins of the station's community (an admin's: of\n"
"every community, or of --community), oldest first: the check-in board.\n"
"When vpointsd cannot be reached, log, checkin and checkout are queued in\n"
"the outbox (exit 75; see vpoints outbox --help); so \"now\" is this\n"
"machine's clock when the command runs.\n");

static const struct table_column shift_rows[] = {
	{ "id", N_("ID"), NULL, true },
	{ "volunteer", NULL, NULL, false },
	{ "status", N_("STATUS"), NULL, false },
	{ "started_at", N_("START"), table_time, false },
	{ "ended_at", N_("END"), table_time, false },
	{ "minutes", N_("HOURS"), table_hours, true },
	{ "points", N_("POINTS"), NULL, true },
	{ "activity", N_("ACTIVITY"), NULL, false },
	{ "corrects", N_("CORRECTS"), NULL, true },
	{ "station", N_("STATION"), NULL, false },
	{ "reason", NULL, NULL, false },
	{ "activity_name", N_("SERVICE"), NULL, false },
	{ "place", NULL, NULL, false },
	{ "served", NULL, NULL, false },
	{ "content", NULL, NULL, false },
	{ "lead", NULL, NULL, false },
	{ "recorder", NULL, NULL, false },
	{ "source", NULL, NULL, false },
	{ "recorded_at", NULL, table_time, false },
};

/* The check-in board: the open check-ins of a community. */
static const struct table_column shift_open_rows[] = {
	{ "id", "ID", NULL, true },
	{ "volunteer", NULL, NULL, false },
	{ "name", "NAME", NULL, false },
	{ "activity", "ACTIVITY", NULL, false },
	{ "started_at", "START", table_time, false },
	{ "station", "STATION", NULL, false },
};

/* Print the shift the daemon recorded or opened. */
static int
shift_print(struct client *cl, const struct cmd *c, json_t *s)
{
	char *start = table_time(json_object_get(s, "started_at"));
	char *end = table_time(json_object_get(s, "ended_at"));
	char *hours = table_hours(json_object_get(s, "minutes"));

	printf(_("shift %lld"), (long long)json_integer_value(json_object_get(s,
	    "id")));
	if (json_is_integer(json_object_get(s, "corrects")))
		printf(_(" (corrects %lld)"), (long long)json_integer_value(
		    json_object_get(s, "corrects")));
	printf(_(" %s: volunteer %s, %s, "),
	    heading_value("status", client_str(s, "status")),
	    client_str(s, "volunteer"), client_str(s, "activity"));
	if (strcmp(client_str(s, "status"), "open") == 0)
		printf(_("from %s\n"), start);
	else
		printf(_("%s to %s, %s hours, %lld points\n"), start,
		    strncmp(start, end, 11) == 0 ? end + 11 : end, hours,
		    (long long)json_integer_value(json_object_get(s,
		    "points")));
	free(start);
	free(end);
	free(hours);
	return WIRE_EXIT_OK;
}

/* Print the shifts, open check-ins first: they are the newest. */
static int
shift_print_list(struct client *cl, const struct cmd *c, json_t *list)
{
	json_t *rows = json_array();

	json_array_extend(rows, json_object_get(list, "open"));
	json_array_extend(rows, json_object_get(list, "shifts"));
	client_rows(cl, "shifts", shift_rows, CMD_NITEMS(shift_rows), rows);
	json_decref(rows);
	return WIRE_EXIT_OK;
}

static const struct cmd_option shift_volunteer[] = {
	CMD_ARG("VOLUNTEER", CMD_STRING, "volunteer"),
	CMD_END
};

static const struct cmd_option shift_id[] = {
	CMD_ARG("ID", CMD_WHOLE, "id"),
	CMD_END
};

/* What log, checkin and correct say of the service beside its times. */
#define SHIFT_DETAILS							\
	CMD_OPT("activity-name", CMD_STRING, "activity_name", "TEXT", 0), \
	CMD_OPT("place", CMD_STRING, "place", "TEXT", 0),		\
	CMD_OPT("served", CMD_STRING, "served", "TEXT", 0),		\
	CMD_OPT("content", CMD_STRING, "content", "TEXT", 0),		\
	CMD_OPT("lead", CMD_STRING, "lead", "TEXT", 0)

/* Times the daemon would take as its own "now" are the time the command
 * was run (CMD_NOW), so that a write queued in the outbox keeps them. */
static const struct cmd_option shift_log_options[] = {
	CMD_OPT("activity", CMD_STRING, "activity", "A", CMD_REQUIRED),
	CMD_OPT("start", CMD_TIME, "started_at", "TIME", CMD_REQUIRED),
	CMD_OPT("end", CMD_TIME, "ended_at", "TIME", CMD_REQUIRED),
	SHIFT_DETAILS,
	CMD_END
};

static const struct cmd_option shift_checkin_options[] = {
	CMD_OPT("activity", CMD_STRING, "activity", "A", 0),
	CMD_OPT("event", CMD_STRING, "event", "E", 0),
	CMD_OPT("start", CMD_TIME, "started_at", "TIME", CMD_NOW),
	SHIFT_DETAILS,
	CMD_END
};

static const struct cmd_option shift_checkout_options[] = {
	CMD_OPT("end", CMD_TIME, "ended_at", "TIME", CMD_NOW),
	CMD_END
};

static const struct cmd_option shift_correct_options[] = {
	CMD_OPT("reason", CMD_STRING, "reason", "TEXT", CMD_REQUIRED),
	CMD_OPT("activity", CMD_STRING, "activity", "A", 0),
	CMD_OPT("start", CMD_TIME, "started_at", "TIME", 0),
	CMD_OPT("end", CMD_TIME, "ended_at", "TIME", 0),
	SHIFT_DETAILS,
	CMD_END
};

static const struct cmd_option shift_list_options[] = {
	CMD_OPT("from", CMD_STRING, "from", "YYYY-MM-DD", 0),
	CMD_OPT("to", CMD_STRING, "to", "YYYY-MM-DD", 0),
	CMD_OPT("limit", CMD_WHOLE, "limit", "N", 0),
	CMD_END
};

static const struct cmd_option shift_open_options[] = {
	CMD_OPT("community", CMD_STRING, "community", "C", 0),
	CMD_OPT("limit", CMD_WHOLE, "limit", "N", 0),
	CMD_END
};

static const struct cmd_verb shift_verbs[] = {
	{ .name = "log", .args = shift_volunteer,
	    .options = shift_log_options, .op = WIRE_OP_SHIFT_LOG,
	    .flags = CMD_OFFLINE, .print = shift_print },
	{ .name = "checkin", .args = shift_volunteer,
	    .options = shift_checkin_options, .op = WIRE_OP_SHIFT_CHECKIN,
	    .flags = CMD_OFFLINE, .print = shift_print },
	{ .name = "checkout", .args = shift_id,
	    .options = shift_checkout_options, .op = WIRE_OP_SHIFT_CHECKOUT,
	    .flags = CMD_OFFLINE, .print = shift_print },
	{ .name = "correct", .args = shift_id,
	    .options = shift_correct_options, .op = WIRE_OP_SHIFT_CORRECT,
	    .print = shift_print },
	{ .name = "list", .args = shift_volunteer,
	    .options = shift_list_options, .op = WIRE_OP_SHIFT_LIST,
	    .flags = CMD_TABLES, .print = shift_print_list },
	{ .name = "open", .options = shift_open_options,
	    .op = WIRE_OP_CHECKIN_LIST, CMD_ROWS("checkins", shift_open_rows) },
};

const struct cmd_entry cmd_shift_entry = {
	.name = "shift",
	.summary = N_("log, check in and out, correct, list shifts"),
	.about = shift_about,
	.verbs = shift_verbs,
	.nverbs = CMD_NITEMS(shift_verbs),
};
