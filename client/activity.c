#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "client/client.h"
#include "client/cmd.h"
#include "client/i18n.h"
#include "client/table.h"
#include "buf.h"
#include "wire.h"
#include "xmalloc.h"

static const char activity_about[] =
N_("An activity earns N points an hour of service, at most --daily-cap\n"
"points a day. A multiplier weighs the minutes between FROM and TO (HH:MM,\n"
"every day; TO before FROM crosses midnight), a holiday those of its dates\n"
"(YYYY-MM-DD), by PERCENT (100 to 1000); where windows overlap the\n"
"highest counts. Example: --multiplier night,22:00,06:00,150\n"
"--holiday \"national day,2026-10-01;2026-10-02,200\". --requires Q:\n"
"only volunteers holding qualification Q on the day (see vpoints\n"
"qualification) may serve in it. Adding needs an admin key.\n");

/* The multipliers of an activity in a few words. */
static char *
activity_multipliers(json_t *multipliers)
{
	struct buf b = { NULL, 0, 0 };
	json_t *m;
	char *text, *dates;
	size_t i;

	json_array_foreach(multipliers, i, m) {
		if (json_is_array(json_object_get(m, "dates"))) {
			dates = table_value(json_object_get(m, "dates"), ",");
			text = xasprintf("%s %s %lld%%", client_str(m, "name"),
			    dates, (long long)json_integer_value(
			    json_object_get(m, "percent")));
			free(dates);
		} else {
			text = xasprintf("%s %s-%s %lld%%",
			    client_str(m, "name"), client_str(m, "from"),
			    client_str(m, "to"),
			    (long long)json_integer_value(json_object_get(m,
			    "percent")));
		}
		if (i > 0)
			buf_puts(&b, "; ");
		buf_puts(&b, text);
		free(text);
	}
	return b.data != NULL ? b.data : xstrdup("");
}

static const struct table_column activity_rows[] = {
	{ "code", N_("CODE"), NULL, false },
	{ "points_per_hour", N_("POINTS/HOUR"), NULL, true },
	{ "daily_cap", N_("DAILY CAP"), NULL, true },
	{ "name", N_("NAME"), NULL, false },
	{ "multipliers", N_("MULTIPLIERS"), activity_multipliers, false },
	{ "requires", N_("REQUIRES"), NULL, false },
};

/* Cut the text after the last comma off spec; NULL when there is none. */
static char *
activity_last_field(char *spec)
{
	char *comma = strrchr(spec, ',');

	if (comma == NULL)
		return NULL;
	*comma = '\0';
	return comma + 1;
}

/* A window of --multiplier "NAME,FROM,TO,PERCENT", or of --holiday a
 * list of dates, "NAME,DATE;DATE,PERCENT"; 0, or says why not and returns
 * the exit code. Fields are taken from the right, so that a name may hold
 * commas. */
static int
activity_window(const struct cmd *c, const struct cmd_option *o,
    const char *text, json_t **value)
{
	char *spec = xstrdup(text), *percent, *to = NULL, *date, *last;
	char *from;	/* for a holiday, its dates */
	char *option = xasprintf("--%s", o->name);
	bool holiday = strcmp(o->name, "holiday") == 0;
	json_t *window = NULL, *dates;
	long long n;
	int rc = WIRE_EXIT_DATAERR;

	/* Split at commas and semicolons, each part is UTF-8 if all is. */
	if ((window = json_string(text)) == NULL) {
		fprintf(stderr, _("vpoints: %s: %s is not UTF-8; set the "
		    "terminal to UTF-8\n"), cmd_what(c), option);
		goto done;
	}
	json_decref(window);
	window = NULL;
	if ((percent = activity_last_field(spec)) == NULL ||
	    (!holiday && (to = activity_last_field(spec)) == NULL) ||
	    (from = activity_last_field(spec)) == NULL || *spec == '\0' ||
	    *from == '\0' || (to != NULL && *to == '\0')) {
		fprintf(stderr, _("vpoints: %s wants %s, not \"%s\"\n"), option,
		    o->value, text);
		goto done;
	}
	if ((rc = client_whole(option, percent, &n)) != 0)
		goto done;
	window = json_pack("{s:s, s:I}", "name", spec, "percent",
	    (json_int_t)n);
	if (!holiday) {
		json_object_set_new(window, "from", json_string(from));
		json_object_set_new(window, "to", json_string(to));
	} else {
		dates = json_array();
		for (date = strtok_r(from, ";", &last); date != NULL;
		    date = strtok_r(NULL, ";", &last))
			json_array_append_new(dates, json_string(date));
		json_object_set_new(window, "dates", dates);
	}
	*value = window;
done:
	free(option);
	free(spec);
	return rc;
}

/* Print the activity the daemon added. */
static int
activity_print_added(struct client *cl, const struct cmd *c, json_t *added)
{
	char *windows = activity_multipliers(json_object_get(added,
	    "multipliers"));

	printf(_("activity %s added: %s, %lld points an hour"),
	    client_str(added, "code"), client_str(added, "name"),
	    (long long)json_integer_value(json_object_get(added,
	    "points_per_hour")));
	if (json_is_integer(json_object_get(added, "daily_cap")))
		printf(_(", at most %lld a day"), (long long)json_integer_value(
		    json_object_get(added, "daily_cap")));
	printf("%s%s\n", *windows != '\0' ? "; " : "", windows);
	free(windows);
	return WIRE_EXIT_OK;
}

static const struct cmd_option activity_add_options[] = {
	CMD_OPT("name", CMD_STRING, "name", "NAME", CMD_REQUIRED),
	CMD_OPT("points-per-hour", CMD_WHOLE, "points_per_hour", "N",
	    CMD_REQUIRED),
	/* Both are windows, in the order given; always a list, empty
	 * without either. */
	{ "multiplier", CMD_CUSTOM, .field = "multipliers",
	    .value = "NAME,FROM,TO,PERCENT", .flags = CMD_LIST,
	    .fallback = "", .parse = activity_window },
	{ "holiday", CMD_CUSTOM, .field = "multipliers",
	    .value = "NAME,DATE[;DATE...],PERCENT", .flags = CMD_LIST,
	    .parse = activity_window },
	CMD_OPT("daily-cap", CMD_WHOLE, "daily_cap", "N", 0),
	CMD_OPT("requires", CMD_STRING, "requires", "QUALIFICATION", 0),
	CMD_END
};

static const struct cmd_verb activity_verbs[] = {
	{ .name = "add", .args = cmd_code, .options = activity_add_options,
	    .op = WIRE_OP_ACTIVITY_ADD, .print = activity_print_added },
	{ .name = "list", .op = WIRE_OP_ACTIVITY_LIST,
	    CMD_ROWS("activities", activity_rows) },
};

const struct cmd_entry cmd_activity_entry = {
	.name = "activity",
	.summary = N_("add (admin) and list activities"),
	.about = activity_about,
	.verbs = activity_verbs,
	.nverbs = CMD_NITEMS(activity_verbs),
};
