#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "client/client.h"
#include "client/cmd.h"
#include "client/headings.h"
#include "client/i18n.h"
#include "client/qr.h"
#include "client/table.h"
#include "wire.h"
#include "xmalloc.h"

static const char event_about[] =
N_("An event is an occurrence of activity A that volunteers sign up\n"
"for: a title, a place, its start and end, a number of places, and\n"
"optionally a team its volunteers must be in and a qualification\n"
"(--requires) they must hold on the event's day. A station's events\n"
"are its community's; an admin's without --community are city-wide.\n"
"Sign-up is open from --opens (default: now) until --closes (default:\n"
"the start); a cancellation from --cancel-by on (default: 24 hours\n"
"before the start) counts as a no-show. --every DAY --until DATE adds a\n"
"series (DAY: day, week, or monday ... sunday): one event each such day\n"
"until DATE, at the same time of day, its window and deadline as far\n"
"from its start.\n"
"list: from today on unless --from. show: the event and its sign-ups.\n"
"cancel: the event, or with --series it and the later ones of its\n"
"series. report: per event and community of a month, places offered,\n"
"filled, attended, walk-ins and no-shows; and who is blocked.\n");

static const char signup_about[] =
N_("add signs volunteer V up for event E: a place while places are free,\n"
"else the waiting list, which moves up in order when a place frees.\n"
"Refused outside the sign-up window, for a suspended volunteer, one not\n"
"in the event's team or without its qualification on the event's day,\n"
"one signed up for or serving at an overlapping time, and one blocked\n"
"for no-shows (see vpoints volunteer unblock).\n"
"cancel ID frees the place (after the deadline it counts as a no-show).\n"
"list: a volunteer's sign-ups (--volunteer) or an event's (--event).\n"
"At the event, vpoints shift checkin V finds the sign-up.\n");

static const struct table_column event_rows[] = {
	{ "id", N_("ID"), NULL, true },
	{ "starts_at", N_("START"), table_time, false },
	{ "ends_at", N_("END"), table_time, false },
	{ "title", N_("TITLE"), NULL, false },
	{ "activity", N_("ACTIVITY"), NULL, false },
	{ "community", N_("COMMUNITY"), NULL, false },
	{ "places", N_("PLACES"), NULL, true },
	{ "taken", N_("TAKEN"), NULL, true },
	{ "waiting", N_("WAITING"), NULL, true },
	{ "status", N_("STATUS"), NULL, false },
	{ "requires", N_("REQUIRES"), NULL, false },
	{ "place", NULL, NULL, false },
	{ "team", NULL, NULL, false },
	{ "free", NULL, NULL, false },
	{ "opens_at", NULL, table_time, false },
	{ "closes_at", NULL, table_time, false },
	{ "cancel_by", NULL, table_time, false },
	{ "lead", NULL, NULL, false },
	{ "series", NULL, NULL, false },
	{ "station", NULL, NULL, false },
};

static const struct table_column signup_rows[] = {
	{ "id", N_("ID"), NULL, true },
	{ "event", N_("EVENT"), NULL, true },
	{ "volunteer", N_("VOLUNTEER"), NULL, false },
	{ "starts_at", N_("START"), table_time, false },
	{ "title", N_("TITLE"), NULL, false },
	{ "status", N_("STATUS"), NULL, false },
	{ "position", N_("WAITING"), NULL, true },
	{ "via", N_("VIA"), NULL, false },
	{ "shift", N_("SHIFT"), NULL, true },
	{ "state", NULL, NULL, false },
	{ "walk_in", NULL, NULL, false },
	{ "signed_up_at", NULL, table_time, false },
	{ "cancelled_at", NULL, table_time, false },
};

static const struct table_column event_report_rows[] = {
	{ "event", N_("EVENT"), NULL, true },
	{ "starts_at", N_("START"), table_time, false },
	{ "title", N_("TITLE"), NULL, false },
	{ "community", N_("COMMUNITY"), NULL, false },
	{ "offered", N_("OFFERED"), NULL, true },
	{ "filled", N_("FILLED"), NULL, true },
	{ "fill_rate", N_("FILL RATE"), NULL, true },
	{ "attended", N_("ATTENDED"), NULL, true },
	{ "walk_ins", N_("WALK-INS"), NULL, true },
	{ "noshows", N_("NO-SHOWS"), NULL, true },
	{ "late", NULL, NULL, false },
	{ "activity", NULL, NULL, false },
};

/* One event in a line. */
static void
event_print_one(json_t *e)
{
	char *start = table_time(json_object_get(e, "starts_at"));
	char *end = table_time(json_object_get(e, "ends_at"));

	printf(_("event %lld: %s, %s to %s, %lld places (%s)\n"),
	    (long long)json_integer_value(json_object_get(e, "id")),
	    client_str(e, "title"), start,
	    strncmp(start, end, 11) == 0 ? end + 11 : end,
	    (long long)json_integer_value(json_object_get(e, "places")),
	    json_is_string(json_object_get(e, "community")) ?
	    client_str(e, "community") : _("city-wide"));
	free(start);
	free(end);
}

/* Print the events added: one, or a series. */
static int
event_print_added(struct client *cl, const struct cmd *c, json_t *answer)
{
	json_t *e;
	size_t i;

	if (json_is_integer(json_object_get(answer, "series")))
		printf(_("series %lld added: %zu events\n"),
		    (long long)json_integer_value(json_object_get(answer,
		    "series")), json_array_size(json_object_get(answer,
		    "events")));
	json_array_foreach(json_object_get(answer, "events"), i, e)
		event_print_one(e);
	return WIRE_EXIT_OK;
}

/* Print an event and its sign-ups. */
static int
event_print_show(struct client *cl, const struct cmd *c, json_t *e)
{
	client_record(cl, "event", event_rows, CMD_NITEMS(event_rows), e);
	client_rows(cl, "signups", signup_rows, CMD_NITEMS(signup_rows),
	    json_object_get(e, "signups"));
	return WIRE_EXIT_OK;
}

/* Print what a cancellation cancelled. */
static int
event_print_cancelled(struct client *cl, const struct cmd *c, json_t *a)
{
	json_t *id;
	size_t i;

	json_array_foreach(json_object_get(a, "cancelled"), i, id)
		printf(_("event %lld cancelled\n"),
		    (long long)json_integer_value(id));
	return WIRE_EXIT_OK;
}

/* Print a sign-up made or cancelled, and who moved up. */
static int
signup_print(struct client *cl, const struct cmd *c, json_t *s)
{
	const char *status = client_str(s, "status");
	json_t *v;
	size_t i;

	if (strcmp(status, "waiting") == 0)
		printf(_("sign-up %lld: volunteer %s waits for event %lld, "
		    "number %lld on the waiting list\n"),
		    (long long)json_integer_value(json_object_get(s, "id")),
		    client_str(s, "volunteer"),
		    (long long)json_integer_value(json_object_get(s, "event")),
		    (long long)json_integer_value(json_object_get(s,
		    "position")));
	else if (strcmp(status, "place") == 0)
		printf(_("sign-up %lld: volunteer %s has a place at event "
		    "%lld\n"), (long long)json_integer_value(json_object_get(s,
		    "id")), client_str(s, "volunteer"),
		    (long long)json_integer_value(json_object_get(s, "event")));
	else if (strcmp(status, "late") == 0)
		printf(_("sign-up %lld cancelled after the deadline: it counts "
		    "as a no-show of volunteer %s\n"),
		    (long long)json_integer_value(json_object_get(s, "id")),
		    client_str(s, "volunteer"));
	else
		printf(_("sign-up %lld: %s\n"),
		    (long long)json_integer_value(json_object_get(s, "id")),
		    heading_value("status", status));
	json_array_foreach(json_object_get(s, "promoted"), i, v)
		printf(_("volunteer %s moved up from the waiting list\n"),
		    json_string_value(v));
	return WIRE_EXIT_OK;
}

/* Print a list of sign-ups, and a volunteer's no-shows. */
static int
signup_print_list(struct client *cl, const struct cmd *c, json_t *a)
{
	client_rows(cl, "signups", signup_rows, CMD_NITEMS(signup_rows),
	    json_object_get(a, "signups"));
	if (json_is_true(json_object_get(a, "blocked")))
		fprintf(stderr, _("volunteer %s is blocked for %lld no-shows: "
		    "new sign-ups are refused until a station lifts the "
		    "block\n"), client_str(a, "volunteer"),
		    (long long)json_integer_value(json_object_get(a,
		    "noshows")));
	return WIRE_EXIT_OK;
}

/* Print the report of places: per event, per community, the blocked. */
static int
event_print_report(struct client *cl, const struct cmd *c, json_t *r)
{
/* The totals of a community's or an activity's events. */
#define EVENT_TOTALS							\
		{ "events", N_("EVENTS"), NULL, true },			\
		{ "offered", N_("OFFERED"), NULL, true },		\
		{ "filled", N_("FILLED"), NULL, true },			\
		{ "fill_rate", N_("FILL RATE"), NULL, true },		\
		{ "attended", N_("ATTENDED"), NULL, true },		\
		{ "walk_ins", N_("WALK-INS"), NULL, true },		\
		{ "noshows", N_("NO-SHOWS"), NULL, true }
	static const struct table_column community_rows[] = {
		{ "community", N_("COMMUNITY"), NULL, false },
		EVENT_TOTALS
	};
	static const struct table_column activity_rows[] = {
		{ "activity", N_("ACTIVITY"), NULL, false },
		EVENT_TOTALS
	};
#undef EVENT_TOTALS
	static const struct table_column blocked_rows[] = {
		{ "volunteer", N_("VOLUNTEER"), NULL, false },
		{ "name", N_("NAME"), NULL, false },
		{ "noshows", N_("NO-SHOWS"), NULL, true },
	};

	client_rows(cl, "events", event_report_rows,
	    CMD_NITEMS(event_report_rows), json_object_get(r, "events"));
	client_rows(cl, "event_communities", community_rows,
	    CMD_NITEMS(community_rows), json_object_get(r, "communities"));
	client_rows(cl, "event_activities", activity_rows,
	    CMD_NITEMS(activity_rows), json_object_get(r, "activities"));
	client_rows(cl, "blocked", blocked_rows, CMD_NITEMS(blocked_rows),
	    json_object_get(r, "blocked"));
	return WIRE_EXIT_OK;
}

static const struct cmd_option event_add_options[] = {
	CMD_OPT("activity", CMD_STRING, "activity", "A", CMD_REQUIRED),
	CMD_OPT("title", CMD_STRING, "title", "TEXT", CMD_REQUIRED),
	CMD_OPT("start", CMD_TIME, "starts_at", "TIME", CMD_REQUIRED),
	CMD_OPT("end", CMD_TIME, "ends_at", "TIME", CMD_REQUIRED),
	CMD_OPT("places", CMD_WHOLE, "places", "N", CMD_REQUIRED),
	CMD_OPT("place", CMD_STRING, "place", "TEXT", 0),
	CMD_OPT("community", CMD_STRING, "community", "C", 0),
	CMD_OPT("team", CMD_STRING, "team", "T", 0),
	CMD_OPT("requires", CMD_STRING, "requires", "QUALIFICATION", 0),
	CMD_OPT("opens", CMD_TIME, "opens_at", "TIME", 0),
	CMD_OPT("closes", CMD_TIME, "closes_at", "TIME", 0),
	CMD_OPT("cancel-by", CMD_TIME, "cancel_by", "TIME", 0),
	CMD_OPT("lead", CMD_STRING, "lead", "TEXT", 0),
	CMD_OPT("every", CMD_STRING, "every", "DAY", 0),
	CMD_OPT("until", CMD_DATE, "until", "YYYY-MM-DD", 0),
	CMD_END
};

static const struct cmd_option event_list_options[] = {
	CMD_OPT("from", CMD_DATE, "from", "YYYY-MM-DD", 0),
	CMD_OPT("to", CMD_DATE, "to", "YYYY-MM-DD", 0),
	CMD_OPT("community", CMD_STRING, "community", "C", 0),
	CMD_OPT("limit", CMD_WHOLE, "limit", "N", 0),
	CMD_END
};

static const struct cmd_option event_id[] = {
	CMD_ARG("ID", CMD_WHOLE, "id"),
	CMD_END
};

static const struct cmd_option event_cancel_options[] = {
	CMD_OPT("reason", CMD_STRING, "reason", "TEXT", CMD_REQUIRED),
	CMD_OPT("series", CMD_FLAG, "series", NULL, 0),
	CMD_END
};

static const struct cmd_option event_report_options[] = {
	CMD_OPT("month", CMD_MONTH, "month", "YYYY-MM", CMD_REQUIRED),
	CMD_OPT("community", CMD_STRING, "community", "C", 0),
	CMD_END
};

static const struct cmd_verb event_verbs[] = {
	{ .name = "add", .options = event_add_options,
	    .op = WIRE_OP_EVENT_ADD, .print = event_print_added },
	{ .name = "list", .options = event_list_options,
	    .op = WIRE_OP_EVENT_LIST, CMD_ROWS("events", event_rows) },
	{ .name = "show", .args = event_id, .op = WIRE_OP_EVENT_GET,
	    .flags = CMD_TABLES, .print = event_print_show },
	{ .name = "cancel", .args = event_id,
	    .options = event_cancel_options, .op = WIRE_OP_EVENT_CANCEL,
	    .print = event_print_cancelled },
	{ .name = "report", .options = event_report_options,
	    .op = WIRE_OP_REPORT_EVENTS, .flags = CMD_TABLES,
	    .print = event_print_report },
};

const struct cmd_entry cmd_event_entry = {
	.name = "event",
	.summary = N_("publish, list, show and cancel events to sign up for"),
	.about = event_about,
	.verbs = event_verbs,
	.nverbs = CMD_NITEMS(event_verbs),
};

static const struct cmd_option signup_add_args[] = {
	CMD_ARG("V", CMD_STRING, "volunteer"),
	CMD_ARG("E", CMD_STRING, "event"),
	CMD_END
};

static const struct cmd_option signup_list_options[] = {
	CMD_OPT("volunteer", CMD_STRING, "volunteer", "V", 0),
	CMD_OPT("event", CMD_STRING, "event", "E", 0),
	CMD_OPT("limit", CMD_WHOLE, "limit", "N", 0),
	CMD_END
};

static const struct cmd_verb signup_verbs[] = {
	{ .name = "add", .args = signup_add_args, .op = WIRE_OP_SIGNUP_ADD,
	    .print = signup_print },
	{ .name = "cancel", .args = event_id, .op = WIRE_OP_SIGNUP_CANCEL,
	    .print = signup_print },
	{ .name = "list", .options = signup_list_options,
	    .op = WIRE_OP_SIGNUP_LIST, .flags = CMD_TABLES | CMD_SOME,
	    .print = signup_print_list },
};

const struct cmd_entry cmd_signup_entry = {
	.name = "signup",
	.summary = N_("sign volunteers up for events, cancel, list"),
	.about = signup_about,
	.verbs = signup_verbs,
	.nverbs = CMD_NITEMS(signup_verbs),
};

/* Draw a QR code on the terminal, two rows of modules a line, with its
 * quiet zone. */
static void
event_qr_terminal(FILE *f, const struct qr *q)
{
	size_t w = qr_width(q), n = w + 2 * QR_QUIET, x, y;
	int top, bottom;

	for (y = 0; y < n; y += 2) {
		for (x = 0; x < n; x++) {
			top = x >= QR_QUIET && y >= QR_QUIET && x - QR_QUIET < w &&
			    y - QR_QUIET < w && qr_dark(q, x - QR_QUIET,
			    y - QR_QUIET);
			bottom = x >= QR_QUIET && y + 1 >= QR_QUIET &&
			    x - QR_QUIET < w && y + 1 - QR_QUIET < w &&
			    qr_dark(q, x - QR_QUIET, y + 1 - QR_QUIET);
			fputs(top && bottom ? "\xe2\x96\x88" : top ?
			    "\xe2\x96\x80" : bottom ? "\xe2\x96\x84" : " ", f);
		}
		fputc('\n', f);
	}
}

/* Print a new link (volunteer link, station link): its URL on this
 * client's server, and its QR code; or what was revoked. */
int
event_print_link(struct client *cl, const struct cmd *c, json_t *a)
{
	const char *server = cl->settings.server, *path;
	const char *png = cmd_get(c, "png");
	struct qr *q;
	char *url, *data;
	size_t len;
	int rc = WIRE_EXIT_OK;

	if (json_is_integer(json_object_get(a, "revoked")))
		printf(_("link %lld revoked\n"), (long long)json_integer_value(
		    json_object_get(a, "revoked")));
	if (!json_is_string(json_object_get(a, "path")))
		return WIRE_EXIT_OK;
	path = client_str(a, "path");
	len = strlen(server);
	url = xasprintf("%.*s%s", (int)(len > 0 && server[len - 1] == '/' ?
	    len - 1 : len), server, path);
	printf(_("link %lld: %s\n"), (long long)json_integer_value(
	    json_object_get(a, "link")), url);
	if ((q = qr_encode(url, QR_ECC_M)) == NULL) {
		free(url);
		return WIRE_EXIT_OK;
	}
	if (png != NULL) {
		data = qr_png(q, 8, &len);
		rc = client_write_private(png, data, len);
		free(data);
	} else
		event_qr_terminal(stdout, q);
	qr_free(q);
	free(url);
	return rc;
}
