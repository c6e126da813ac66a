#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "client/call.h"
#include "client/client.h"
#include "client/cmd.h"
#include "client/headings.h"
#include "client/html.h"
#include "client/i18n.h"
#include "client/table.h"
#include "client/xlsx.h"
#include "csvreport.h"
#include "wire.h"
#include "xmalloc.h"

#define REPORT_ACCEPT_CSV	"text/csv"
#define REPORT_PAGE_ROWS	5000	/* rows of a page of the volunteer level */

static const char report_about[] =
N_("Hours, points and registrations of a month or a year, a row for each\n"
"volunteer, team, community or station (LEVEL: volunteer, team,\n"
"community, station, training, approval or recruitment), their totals,\n"
"and the volunteers who reached a new star level. A shift counts in the\n"
"period in which it started, and so do its points, whenever it was\n"
"entered; redemptions, voids and help count when they happen. The level\n"
"training gives each volunteer's training hours (never service);\n"
"approval the share of evaluations scoring 4 or 5 per community and\n"
"activity, against its target (90 %); recruitment the volunteers each\n"
"party member brought (target 3). A level of the regions (district,\n"
"street, ...) gives a row for each region of it, the sum of its\n"
"communities' rows in the tree as it stood at the period's end, and a\n"
"row of the communities in no region, so that every level adds up to\n"
"the same totals. An admin sees the whole city, or the community or\n"
"--region it names; an office its region's communities; a station its\n"
"own community.\n"
"\n"
"--format (a global option) says what it is printed as. table (the\n"
"default, unless --json, --csv or the config file's format say\n"
"otherwise): aligned columns for people. csv: the daemon's CSV, byte for\n"
"byte (with --bom after the byte-order mark). json: the daemon's JSON as\n"
"it came. html: a self-contained page to print on A4, with a bar chart of\n"
"the hours. xlsx: a workbook with headings in the user's language, the\n"
"rows and their totals, a sheet of the new star levels and one of what\n"
"the report covers. --out FILE writes FILE (through FILE.tmp, renamed)\n"
"instead of standard output.\n");

/* A fraction with two decimals. */
static char *
report_hundredths(json_t *value)
{
	return table_fixed(value, 2);
}

/* A percentage given to one decimal. */
static char *
report_tenths(json_t *value)
{
	return table_fixed(value, 1);
}

/* A boolean as yes or no. */
static char *
report_yes_no(json_t *value)
{
	if (json_is_boolean(value))
		return xstrdup(json_is_true(value) ? _("yes") : _("no"));
	return table_value(value, ", ");
}

static const struct table_column report_star_rows[] = {
	{ "volunteer", N_("VOLUNTEER"), NULL, false },
	{ "name", NC_("person", "NAME"), NULL, false },
	{ "community", N_("COMMUNITY"), NULL, false },
	{ "stars", N_("STARS"), NULL, true },
	{ "hours", N_("HOURS"), report_hundredths, true },
};

/* The table columns of a report: the daemon's columns but minutes
 * (shown as hours), titled in capitals, numbers on the right. Titles are
 * allocated; report_columns_free frees them. */
static struct table_column *
report_columns(json_t *report, size_t *ncols)
{
	json_t *columns = json_object_get(report, "columns"), *column;
	json_t *sample, *first = json_array_get(json_object_get(report,
	    "rows"), 0), *totals = json_object_get(report, "totals");
	struct table_column *cols;
	const char *name, *heading;
	char *title, *p;
	size_t i;

	cols = xcalloc(json_array_size(columns) + 1, sizeof(*cols));
	*ncols = 0;
	json_array_foreach(columns, i, column) {
		name = json_string_value(column);
		if (name == NULL || strcmp(name, "minutes") == 0 ||
		    strcmp(name, "minutes_ytd") == 0)
			continue;
		/* The catalogue's heading of the column, else its name
		 * in capitals. */
		if ((heading = heading_translated(client_str(report, "level"),
		    name)) != NULL)
			title = xstrdup(heading);
		else {
			title = xstrdup(name);
			for (p = title; *p != '\0'; p++)
				*p = (char)toupper((unsigned char)*p);
		}
		sample = json_object_get(first, name);
		if (sample == NULL || json_is_null(sample))
			sample = json_object_get(totals, name);
		cols[*ncols].key = name;
		cols[*ncols].title = title;
		cols[*ncols].right = json_is_number(sample);
		if (json_is_real(sample))
			cols[*ncols].show = strcmp(name, "progress") == 0 ?
			    report_tenths : report_hundredths;
		else if (json_is_boolean(sample))
			cols[*ncols].show = report_yes_no;
		(*ncols)++;
	}
	return cols;
}

/* Free what report_columns made. */
static void
report_columns_free(struct table_column *cols, size_t ncols)
{
	size_t i;

	for (i = 0; i < ncols; i++)
		free((char *)cols[i].title);
	free(cols);
}

/* What the report covers, a sheet of its own in a workbook. */
static const struct table_column report_about_fields[] = {
	{ "kind", NULL, NULL, false },
	{ "period", NULL, NULL, false },
	{ "level", NULL, NULL, false },
	{ "community", NULL, NULL, false },
	{ "from", NULL, table_time, false },
	{ "to", NULL, table_time, false },
	{ "timezone", NULL, NULL, false },
	{ "hours_per_year", NULL, NULL, false },
	{ "registration_share", NULL, NULL, false },
};

/* The targets only some levels judge by, in that sheet when they do. */
static const struct table_column report_about_targets[] = {
	{ "approval_share", NULL, NULL, false },
	{ "recruited_per_party_member", NULL, NULL, false },
};

/* The report for people: what it covers, its rows, a TOTAL row, and the
 * new star levels. */
static void
report_table(FILE *f, json_t *report)
{
	json_t *targets = json_object_get(report, "targets");
	json_t *levels = json_object_get(report, "new_star_levels");
	json_t *rows, *totals;
	struct table_column *cols;
	char *from, *to, *scope;
	size_t ncols;

	/* The period in the report's zone, which the line names. */
	from = table_time_given(json_object_get(report, "from"));
	to = table_time_given(json_object_get(report, "to"));
	scope = json_is_string(json_object_get(report, "community")) ?
	    xasprintf(_("community %s"), client_str(report, "community")) :
	    json_is_string(json_object_get(report, "region")) ?
	    xasprintf(_("region %s"), client_str(report, "region")) :
	    xstrdup(_("all communities"));
	fprintf(f, strcmp(client_str(report, "kind"), "annual") == 0 ?
	    _("Annual report %s by %s, %s\n") :
	    _("Monthly report %s by %s, %s\n"), client_str(report, "period"),
	    heading_level(client_str(report, "level")), scope);
	fprintf(f, _("%s to %s (%s)\n"), from, to,
	    client_str(report, "timezone"));
	fprintf(f, _("Targets: %g hours per volunteer a year; %g%% of the "
	    "residents registered"),
	    json_number_value(json_object_get(targets, "hours_per_year")),
	    json_number_value(json_object_get(targets,
	    "registration_share")) * 100.0);
	/* The targets only the approval and recruitment levels judge by. */
	if (json_is_number(json_object_get(targets, "approval_share")))
		fprintf(f, _("; %g%% of evaluations scoring 4 or 5"),
		    json_number_value(json_object_get(targets,
		    "approval_share")) * 100.0);
	if (json_is_number(json_object_get(targets,
	    "recruited_per_party_member")))
		fprintf(f, _("; %g volunteers brought by each party member"),
		    json_number_value(json_object_get(targets,
		    "recruited_per_party_member")));
	fputs("\n\n", f);
	free(scope);
	cols = report_columns(report, &ncols);
	rows = json_copy(json_object_get(report, "rows"));
	if (!json_is_array(rows)) {
		json_decref(rows);
		rows = json_array();
	}
	if (json_is_object(json_object_get(report, "totals")) && ncols > 0) {
		totals = json_copy(json_object_get(report, "totals"));
		json_object_set_new(totals, cols[0].key,
		    json_string(_("TOTAL")));
		json_array_append_new(rows, totals);
	}
	table_rows(f, TABLE_TEXT, cols, ncols, rows);
	if (json_array_size(levels) == 0) {
		fputs(_("\nNo new star levels.\n"), f);
	} else {
		fputs(_("\nNew star levels:\n"), f);
		table_rows(f, TABLE_TEXT, report_star_rows,
		    sizeof(report_star_rows) / sizeof(report_star_rows[0]),
		    levels);
	}
	json_decref(rows);
	report_columns_free(cols, ncols);
	free(from);
	free(to);
}

/* The report as a workbook: a sheet of its rows and their totals (the
 * sheet named by its level), one of the new star levels, and one of what
 * it covers. */
static void
report_xlsx(struct client *cl, json_t *report)
{
	json_t *about = json_copy(report), *targets;
	struct table_column *cols, fields[CMD_NITEMS(report_about_fields) +
	    CMD_NITEMS(report_about_targets)];
	size_t ncols, nfields, i;

	cols = report_columns(report, &ncols);
	xlsx_sheet(cl->book, client_str(report, "level"), cols, ncols,
	    json_object_get(report, "rows"), json_object_get(report,
	    "totals"));
	report_columns_free(cols, ncols);
	xlsx_sheet(cl->book, "new_star_levels", report_star_rows,
	    CMD_NITEMS(report_star_rows), json_object_get(report,
	    "new_star_levels"), NULL);
	targets = json_object_get(report, "targets");
	json_object_set(about, "hours_per_year", json_object_get(targets,
	    "hours_per_year"));
	json_object_set(about, "registration_share", json_object_get(targets,
	    "registration_share"));
	memcpy(fields, report_about_fields, sizeof(report_about_fields));
	nfields = CMD_NITEMS(report_about_fields);
	for (i = 0; i < CMD_NITEMS(report_about_targets); i++) {
		if (json_object_get(targets, report_about_targets[i].key) ==
		    NULL)
			continue;
		json_object_set(about, report_about_targets[i].key,
		    json_object_get(targets, report_about_targets[i].key));
		fields[nfields++] = report_about_targets[i];
	}
	xlsx_sheet(cl->book, "about", fields, nfields, about, NULL);
	json_decref(about);
}

/* Make the CSV, the table, the page or the workbook of a JSON report and
 * print it. */
static int
report_print(struct client *cl, json_t *report)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	if (cl->format == CLIENT_XLSX) {
		report_xlsx(cl, report);
		return WIRE_EXIT_OK;
	}
	if (cl->format == CLIENT_CSV) {
		/* The bytes the daemon writes for the whole report. */
		if ((text = csv_report(report)) == NULL) {
			fprintf(stderr, _("vpoints: report: the daemon's answer is "
			    "not a JSON object\n"));
			return WIRE_EXIT_SOFTWARE;
		}
		client_bom(cl);
		len = strlen(text);
	} else {
		if ((f = open_memstream(&text, &len)) == NULL)
			abort();
		if (cl->format == CLIENT_HTML)
			html_report(f, report);
		else
			report_table(f, report);
		if (fclose(f) != 0)
			abort();
	}
	rc = client_write(NULL, text, len);
	free(text);
	return rc;
}

/* Make the table, the page or the workbook of a JSON report and print
 * it. */
static int
report_render(struct client *cl, const struct net_response *resp)
{
	json_t *report = json_loadb(resp->body, resp->len, 0, NULL);
	int rc;

	if (!json_is_object(report)) {
		fprintf(stderr, _("vpoints: report: the daemon's answer is not "
		    "a JSON object\n"));
		json_decref(report);
		return WIRE_EXIT_SOFTWARE;
	}
	rc = report_print(cl, report);
	json_decref(report);
	return rc;
}

/* The command's query with limit and, after the first page, after (a
 * volunteer number, percent-encoded). */
static char *
report_page_query(struct cmd *c, int limit, const char *after)
{
	char *q, *p, *enc;
	const char *s;

	if (after == NULL)
		return xasprintf("%s&limit=%d", cmd_query(c), limit);
	enc = p = xcalloc(3, strlen(after) + 1);
	for (s = after; *s != '\0'; s++) {
		if (isalnum((unsigned char)*s) || strchr("-._~", *s) != NULL)
			*p++ = *s;
		else
			p += sprintf(p, "%%%02X", (unsigned char)*s);
	}
	q = xasprintf("%s&limit=%d&after=%s", cmd_query(c), limit, enc);
	free(enc);
	return q;
}

/* GET one page of the report as JSON. */
static int
report_fetch_page(struct client *cl, struct cmd *c, int limit,
    const char *after, json_t **page)
{
	struct net_response resp;
	char *query = report_page_query(c, limit, after);
	int rc;

	*page = NULL;
	rc = call_fetch(cl, cmd_what(c), wire_route(cmd_op(c))->method,
	    cmd_path(c), query, NULL, NULL, &resp);
	free(query);
	if (rc != WIRE_EXIT_OK)
		return rc;
	*page = json_loadb(resp.body, resp.len, 0, NULL);
	net_response_clear(&resp);
	if (!json_is_object(*page) ||
	    !json_is_array(json_object_get(*page, "rows"))) {
		fprintf(stderr, _("vpoints: report: the daemon's answer is not "
		    "a JSON object\n"));
		json_decref(*page);
		*page = NULL;
		return WIRE_EXIT_SOFTWARE;
	}
	return WIRE_EXIT_OK;
}

/* The volunteer level a page at a time (the daemon reads a page from its
 * volunteers' own records; the whole city at once takes seconds), made
 * into the one report the daemon would have answered: first its totals
 * and new star levels without rows (limit=0; CSV has neither), then its
 * rows, page after page, until a page names no next. */
static int
report_pages(struct client *cl, struct cmd *c)
{
	json_t *report = NULL, *page;
	const char *next;
	char *after = NULL;
	int rc;

	if (cl->format != CLIENT_CSV &&
	    (rc = report_fetch_page(cl, c, 0, NULL, &report)) != WIRE_EXIT_OK)
		return rc;
	do {
		if ((rc = report_fetch_page(cl, c, REPORT_PAGE_ROWS, after,
		    &page)) != WIRE_EXIT_OK)
			break;
		if (report == NULL)
			report = json_incref(page);
		else
			json_array_extend(json_object_get(report, "rows"),
			    json_object_get(page, "rows"));
		next = json_string_value(json_object_get(page, "next"));
		free(after);
		after = next != NULL ? xstrdup(next) : NULL;
		json_decref(page);
	} while (after != NULL);
	free(after);
	if (rc == WIRE_EXIT_OK) {
		json_object_del(report, "next");
		rc = report_print(cl, report);
	}
	json_decref(report);
	return rc;
}

/* Print the daemon's own bytes: CSV exactly, JSON with a line end. */
static int
report_verbatim(struct client *cl, const struct net_response *resp)
{
	json_t *check;
	char *text;
	int rc;

	if (cl->format == CLIENT_CSV) {
		if (resp->content_type == NULL ||
		    strncmp(resp->content_type, REPORT_ACCEPT_CSV,
		    strlen(REPORT_ACCEPT_CSV)) != 0) {
			fprintf(stderr, _("vpoints: report: the daemon "
			    "answered %s, not CSV\n"),
			    resp->content_type != NULL ?
			    resp->content_type : _("without a Content-Type"));
			return WIRE_EXIT_SOFTWARE;
		}
		client_bom(cl);
		return client_write(NULL, resp->body, resp->len);
	}
	if ((check = json_loadb(resp->body, resp->len, 0, NULL)) == NULL) {
		fprintf(stderr, _("vpoints: report: the daemon's answer is not "
		    "JSON\n"));
		return WIRE_EXIT_SOFTWARE;
	}
	json_decref(check);
	if (resp->len > 0 && resp->body[resp->len - 1] == '\n')
		return client_write(NULL, resp->body, resp->len);
	text = xasprintf("%s\n", resp->body);
	rc = client_write(NULL, text, resp->len + 1);
	free(text);
	return rc;
}

/* vpoints report monthly|annual: fetch the report as the format wants
 * it, and print it. */
static int
report_run(struct client *cl, struct cmd *c)
{
	struct net_response resp;
	const char *level = cmd_get(c, "level");
	int rc;

	/* The volunteer level in pages, but for JSON: the daemon's bytes
	 * as they came, in one answer. */
	if (level != NULL && strcmp(level, "volunteer") == 0 &&
	    cl->format != CLIENT_JSON)
		return report_pages(cl, c);
	rc = call_fetch(cl, cmd_what(c), wire_route(cmd_op(c))->method,
	    cmd_path(c), cmd_query(c), cl->format == CLIENT_CSV ?
	    REPORT_ACCEPT_CSV : NULL, NULL, &resp);
	if (rc != WIRE_EXIT_OK)
		return rc;
	switch (cl->format) {
	case CLIENT_CSV:
	case CLIENT_JSON:
		rc = report_verbatim(cl, &resp);
		break;
	case CLIENT_TABLE:
	case CLIENT_HTML:
	case CLIENT_XLSX:
		rc = report_render(cl, &resp);
		break;
	default:
		abort();
	}
	net_response_clear(&resp);
	return rc;
}

/* The options of both reports after the period. */
#define REPORT_OPTIONS							\
	/* Seven levels: too many for the usage's line; the daemon says	\
	 * which there are. */						\
	CMD_OPT("level", CMD_STRING, "level", "LEVEL", CMD_REQUIRED),	\
	CMD_OPT("community", CMD_STRING, "community", "C", 0),		\
	CMD_OPT("region", CMD_STRING, "region", "R", 0),		\
	CMD_END

static const struct cmd_option report_monthly_options[] = {
	CMD_OPT("month", CMD_MONTH, "month", "YYYY-MM", CMD_REQUIRED),
	REPORT_OPTIONS
};

static const struct cmd_option report_annual_options[] = {
	CMD_OPT("year", CMD_YEAR, "year", "YYYY", CMD_REQUIRED),
	REPORT_OPTIONS
};

static const struct cmd_verb report_verbs[] = {
	{ .name = "monthly", .options = report_monthly_options,
	    .op = WIRE_OP_REPORT_MONTHLY, .flags = CMD_TABLES | CMD_PAGE,
	    .run = report_run },
	{ .name = "annual", .options = report_annual_options,
	    .op = WIRE_OP_REPORT_ANNUAL, .flags = CMD_TABLES | CMD_PAGE,
	    .run = report_run },
};

const struct cmd_entry cmd_report_entry = {
	.name = "report",
	.summary = N_("monthly and annual reports: table, CSV, JSON, HTML, "
	    "xlsx"),
	.about = report_about,
	.verbs = report_verbs,
	.nverbs = CMD_NITEMS(report_verbs),
};
