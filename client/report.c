#include "config.h"

#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "client/call.h"
#include "client/client.h"
#include "client/html.h"
#include "client/table.h"
#include "buf.h"
#include "wire.h"
#include "xmalloc.h"

#define REPORT_ACCEPT_CSV	"text/csv"

static const char report_usage[] =
"usage: vpoints report monthly --month YYYY-MM --level LEVEL [--community C]\n"
"                      [--format table|csv|json|html] [--out FILE]\n"
"       vpoints report annual --year YYYY --level LEVEL [--community C]\n"
"                      [--format table|csv|json|html] [--out FILE]\n"
"LEVEL: volunteer, team, community or station\n"
"\n"
"Hours, points and registrations of a month or a year, a row for each\n"
"volunteer, team, community or station, their totals, and the volunteers\n"
"who reached a new star level. A shift counts in the period in which it\n"
"started. An admin sees the whole city, or the community it names; a\n"
"station sees its own community.\n"
"\n"
"table (the default, unless --json, --csv or the config file's format say\n"
"otherwise): aligned columns for people. csv: the daemon's CSV, byte for\n"
"byte. json: the daemon's JSON as it came. html: a self-contained page to\n"
"print on A4, with a bar chart of the hours. --out FILE writes FILE\n"
"(through FILE.tmp, renamed) instead of standard output.\n";

/* What the report is printed as. */
enum report_format {
	REPORT_TABLE,		/* aligned columns for people */
	REPORT_CSV,		/* the daemon's CSV as it came */
	REPORT_JSON,		/* the daemon's JSON as it came */
	REPORT_HTML		/* a printable page made here */
};

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
		return xstrdup(json_is_true(value) ? "yes" : "no");
	return table_value(value, ", ");
}

static const struct table_column report_star_rows[] = {
	{ "volunteer", "VOLUNTEER", NULL, false },
	{ "name", "NAME", NULL, false },
	{ "community", "COMMUNITY", NULL, false },
	{ "stars", "STARS", NULL, true },
	{ "hours", "HOURS", report_hundredths, true },
};

/* True for a four-digit year. */
static bool
report_is_year(const char *text)
{
	return strlen(text) == 4 && strspn(text, "0123456789") == 4;
}

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
	const char *name;
	char *title, *p;
	size_t i;

	cols = xcalloc(json_array_size(columns) + 1, sizeof(*cols));
	*ncols = 0;
	json_array_foreach(columns, i, column) {
		name = json_string_value(column);
		if (name == NULL || strcmp(name, "minutes") == 0 ||
		    strcmp(name, "minutes_ytd") == 0)
			continue;
		title = xstrdup(name);
		for (p = title; *p != '\0'; p++)
			*p = (char)toupper((unsigned char)*p);
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

/* The report for people: what it covers, its rows, a TOTAL row, and the
 * new star levels. */
static void
report_table(FILE *f, json_t *report)
{
	json_t *targets = json_object_get(report, "targets");
	json_t *levels = json_object_get(report, "new_star_levels");
	json_t *rows, *totals;
	struct table_column *cols;
	char *from, *to;
	size_t ncols;

	from = table_time(json_object_get(report, "from"));
	to = table_time(json_object_get(report, "to"));
	fprintf(f, "%s report %s by %s, %s%s\n%s to %s (%s)\n"
	    "Targets: %g hours per volunteer a year; %g%% of the residents "
	    "registered\n\n", strcmp(client_str(report, "kind"), "annual") ==
	    0 ? "Annual" : "Monthly", client_str(report, "period"),
	    client_str(report, "level"),
	    json_is_string(json_object_get(report, "community")) ?
	    "community " : "all communities", client_str(report, "community"),
	    from, to, client_str(report, "timezone"),
	    json_number_value(json_object_get(targets, "hours_per_year")),
	    json_number_value(json_object_get(targets,
	    "registration_share")) * 100.0);
	cols = report_columns(report, &ncols);
	rows = json_copy(json_object_get(report, "rows"));
	if (!json_is_array(rows)) {
		json_decref(rows);
		rows = json_array();
	}
	if (json_is_object(json_object_get(report, "totals")) && ncols > 0) {
		totals = json_copy(json_object_get(report, "totals"));
		json_object_set_new(totals, cols[0].key, json_string("TOTAL"));
		json_array_append_new(rows, totals);
	}
	table_rows(f, TABLE_TEXT, cols, ncols, rows);
	if (json_array_size(levels) == 0) {
		fputs("\nNo new star levels.\n", f);
	} else {
		fputs("\nNew star levels:\n", f);
		table_rows(f, TABLE_TEXT, report_star_rows,
		    sizeof(report_star_rows) / sizeof(report_star_rows[0]),
		    levels);
	}
	json_decref(rows);
	report_columns_free(cols, ncols);
	free(from);
	free(to);
}

/* Make the table or the page of a JSON report and write it out. */
static int
report_render(enum report_format format, const struct net_response *resp,
    const char *out)
{
	json_t *report = json_loadb(resp->body, resp->len, 0, NULL);
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	if (!json_is_object(report)) {
		fprintf(stderr, "vpoints: report: the daemon's answer is not "
		    "a JSON object\n");
		json_decref(report);
		return WIRE_EXIT_SOFTWARE;
	}
	if ((f = open_memstream(&text, &len)) == NULL)
		abort();
	if (format == REPORT_HTML)
		html_report(f, report);
	else
		report_table(f, report);
	if (fclose(f) != 0)
		abort();
	rc = client_write(out, text, len);
	free(text);
	json_decref(report);
	return rc;
}

/* Write the daemon's own bytes: CSV exactly, JSON with a line end. */
static int
report_verbatim(enum report_format format, const struct net_response *resp,
    const char *out)
{
	json_t *check;
	char *text;
	int rc;

	if (format == REPORT_CSV) {
		if (resp->content_type == NULL ||
		    strncmp(resp->content_type, REPORT_ACCEPT_CSV,
		    strlen(REPORT_ACCEPT_CSV)) != 0) {
			fprintf(stderr, "vpoints: report: the daemon answered "
			    "%s, not CSV\n", resp->content_type != NULL ?
			    resp->content_type : "without a Content-Type");
			return WIRE_EXIT_SOFTWARE;
		}
		return client_write(out, resp->body, resp->len);
	}
	if ((check = json_loadb(resp->body, resp->len, 0, NULL)) == NULL) {
		fprintf(stderr, "vpoints: report: the daemon's answer is not "
		    "JSON\n");
		return WIRE_EXIT_SOFTWARE;
	}
	json_decref(check);
	if (resp->len > 0 && resp->body[resp->len - 1] == '\n')
		return client_write(out, resp->body, resp->len);
	text = xasprintf("%s\n", resp->body);
	rc = client_write(out, text, resp->len + 1);
	free(text);
	return rc;
}

/* vpoints report monthly|annual ... */
static int
report_run(struct client *cl, bool annual, int argc, char **argv)
{
	static const struct option options[] = {
		{ "month",	required_argument, NULL, 'm' },
		{ "year",	required_argument, NULL, 'y' },
		{ "level",	required_argument, NULL, 'l' },
		{ "community",	required_argument, NULL, 'c' },
		{ "format",	required_argument, NULL, 'f' },
		{ "out",	required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const formats[] = { "table", "csv", "json",
	    "html" };
	const char *month = NULL, *year = NULL, *level = NULL;
	const char *community = NULL, *format_name = NULL, *out = NULL;
	enum report_format format;
	struct buf query = { NULL, 0, 0 };
	struct net_response resp;
	size_t i;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (ch) {
		case 'm':
			month = optarg;
			break;
		case 'y':
			year = optarg;
			break;
		case 'l':
			level = optarg;
			break;
		case 'c':
			community = optarg;
			break;
		case 'f':
			format_name = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			fputs(report_usage, stderr);
			return WIRE_EXIT_USAGE;
		}
	}
	if (optind != argc || level == NULL ||
	    (annual ? year == NULL || month != NULL :
	    month == NULL || year != NULL) ||
	    (strcmp(level, "volunteer") != 0 && strcmp(level, "team") != 0 &&
	    strcmp(level, "community") != 0 && strcmp(level, "station") != 0)) {
		fputs(report_usage, stderr);
		return WIRE_EXIT_USAGE;
	}
	if (month != NULL && !client_is_month(month)) {
		fprintf(stderr, "vpoints: --month wants YYYY-MM, not \"%s\"\n",
		    month);
		return WIRE_EXIT_DATAERR;
	}
	if (year != NULL && !report_is_year(year)) {
		fprintf(stderr, "vpoints: --year wants YYYY, not \"%s\"\n",
		    year);
		return WIRE_EXIT_DATAERR;
	}
	format = cl->json ? REPORT_JSON : cl->csv ? REPORT_CSV : REPORT_TABLE;
	if (format_name != NULL) {
		for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
			if (strcmp(format_name, formats[i]) == 0)
				break;
		}
		if (i == sizeof(formats) / sizeof(formats[0])) {
			fputs(report_usage, stderr);
			return WIRE_EXIT_USAGE;
		}
		format = (enum report_format)i;
	}
	net_query_add(&query, annual ? "year" : "month",
	    annual ? year : month);
	net_query_add(&query, "level", level);
	net_query_add(&query, "community", community);
	rc = call_fetch(cl, annual ? "report annual" : "report monthly", "GET",
	    annual ? WIRE_API_PREFIX "/reports/annual" :
	    WIRE_API_PREFIX "/reports/monthly", query.data,
	    format == REPORT_CSV ? REPORT_ACCEPT_CSV : NULL, NULL, &resp);
	free(query.data);
	if (rc != WIRE_EXIT_OK)
		return rc;
	switch (format) {
	case REPORT_CSV:
	case REPORT_JSON:
		rc = report_verbatim(format, &resp, out);
		break;
	case REPORT_TABLE:
	case REPORT_HTML:
		rc = report_render(format, &resp, out);
		break;
	default:
		abort();
	}
	net_response_clear(&resp);
	return rc;
}

/* vpoints report monthly|annual */
int
report_main(struct client *cl, int argc, char **argv)
{
	int rc;

	if (client_wants_help(argc, argv)) {
		fputs(report_usage, stdout);
		return WIRE_EXIT_OK;
	}
	if ((rc = client_utf8(argc, argv)) != 0)
		return rc;
	if (argc >= 2 && strcmp(argv[1], "monthly") == 0)
		return report_run(cl, false, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "annual") == 0)
		return report_run(cl, true, argc - 1, argv + 1);
	fputs(report_usage, stderr);
	return WIRE_EXIT_USAGE;
}
