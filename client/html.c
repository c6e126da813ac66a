#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "client/html.h"
#include "client/table.h"
#include "xmalloc.h"

/* Geometry of a bar chart, in SVG user units. */
#define HTML_CHART_WIDTH	360	/* the whole drawing */
#define HTML_FONT_SIZE		11
#define HTML_LABEL_RIGHT	124	/* labels end here */
#define HTML_BAR_LEFT		130	/* bars start here */
#define HTML_BAR_MAX		186.0	/* the longest bar */
#define HTML_ROW		17	/* one bar and its gap */
#define HTML_BAR_HEIGHT		12
#define HTML_BASELINE		13	/* of a label, from the row's top */
#define HTML_LABEL_COLUMNS	22	/* terminal columns of a label, CJK 2 */
#define HTML_TOP_VOLUNTEERS	30	/* bars at the volunteer level */
#define HTML_MAX_STARS		5	/* drawn as stars; more as a number */

/* U+2605 BLACK STAR, HTML_MAX_STARS times. */
static const char html_black_stars[] =
    "\xe2\x98\x85\xe2\x98\x85\xe2\x98\x85\xe2\x98\x85\xe2\x98\x85";

/* Fonts installed on the reader's machine: nothing is downloaded. */
#define HTML_FONTS \
	"\"Noto Sans\", \"Noto Sans CJK SC\", \"Source Han Sans SC\", " \
	"\"PingFang SC\", \"Microsoft YaHei\", \"DejaVu Sans\", Arial, " \
	"sans-serif"

static const char html_report_css[] =
"*{box-sizing:border-box}\n"
"body{font-family:" HTML_FONTS ";color:#1b1b1b;background:#fff;"
"margin:0 auto;max-width:1400px;padding:20px;font-size:13px;"
"line-height:1.35}\n"
"h1{font-size:22px;margin:0 0 4px}\n"
"h2{font-size:15px;margin:18px 0 6px}\n"
".meta{color:#555;margin:0}\n"
".targets{margin:10px 0 16px;padding:6px 10px;border-left:4px solid "
"#2b6a99;background:#edf3f8}\n"
/* The chart comes first: beside the tables when they fit there, else
 * above them. */
".layout{display:flex;flex-flow:row-reverse wrap;justify-content:flex-end;"
"align-items:flex-start;gap:16px 24px}\n"
".tables{flex:1 1 480px}\n"
".chart{flex:0 0 360px;margin:0}\n"
".chart figcaption{font-weight:600;margin-bottom:4px}\n"
".chart svg{display:block;width:100%;height:auto}\n"
".bar{fill:#2b6a99}\n"
"table{border-collapse:collapse}\n"
"th,td{padding:3px 5px;border-bottom:1px solid #d6d6d6;text-align:left;"
"vertical-align:top}\n"
"thead th{background:#eef0f2;border-bottom:1px solid #8a8a8a;"
"font-weight:600;vertical-align:bottom}\n"
".num{text-align:right;font-variant-numeric:tabular-nums}\n"
"td.num{white-space:nowrap}\n"
"tfoot td{font-weight:700;border-top:2px solid #333;border-bottom:0}\n"
".stars{color:#b07800;white-space:nowrap}\n"
".none{color:#666;font-style:italic}\n"
"footer{padding-top:18px;color:#777;font-size:11px}\n"
"@page{size:A4 landscape;margin:10mm}\n"
"@media print{\n"
"body{max-width:none;padding:0;font-size:7.5pt}\n"
"h1{font-size:14pt}\n"
"h2{font-size:10pt;margin:10px 0 4px}\n"
".layout{gap:4mm 6mm}\n"
".tables{flex:1 1 120mm}\n"
".chart{flex:0 0 90mm;break-inside:avoid}\n"
"tfoot{display:table-row-group}\n"
"th,td{padding:1.5px 4px}\n"
"thead{display:table-header-group}\n"
"tr{break-inside:avoid}\n"
".targets,thead th,.bar{print-color-adjust:exact;"
"-webkit-print-color-adjust:exact}\n"
"}\n";

static const char html_certificate_css[] =
"*{box-sizing:border-box}\n"
"body{font-family:" HTML_FONTS ";color:#1b1b1b;background:#fff;"
"margin:0;padding:24px;font-size:14px;line-height:1.5}\n"
".certificate{max-width:720px;margin:0 auto;padding:40px 48px;"
"border:3px double #2b6a99;text-align:center}\n"
"h1{font-size:26px;margin:0;letter-spacing:.5px}\n"
".subtitle{font-size:18px;margin:2px 0 24px;color:#2b6a99}\n"
".name{font-size:28px;font-weight:700;margin:6px 0}\n"
".hours{font-size:20px;font-weight:700}\n"
".stars{color:#b07800;font-size:22px;letter-spacing:2px;margin:8px 0}\n"
"table{margin:24px auto 0;border-collapse:collapse;text-align:left}\n"
"th,td{padding:3px 10px;border-bottom:1px solid #ddd}\n"
"th{font-weight:600;color:#444}\n"
".verify{margin-top:28px;text-align:left;font-size:11px;color:#444}\n"
".verify h2{font-size:12px;margin:0 0 4px}\n"
".jws{font-family:\"DejaVu Sans Mono\",\"Noto Sans Mono\",Consolas,"
"monospace;font-size:8px;word-break:break-all;white-space:pre-wrap;"
"background:#f5f5f5;padding:6px;margin:6px 0 0}\n"
"@page{size:A4;margin:15mm}\n"
"@media print{body{padding:0}.certificate{border-width:4px}"
".certificate,.stars,.subtitle{print-color-adjust:exact;"
"-webkit-print-color-adjust:exact}}\n";

/* Write text for HTML text and attribute values: &, <, >, " and ' as
 * entities, control characters (but tab and line end) as spaces; other
 * bytes, UTF-8 included, as they are. */
void
html_escape(FILE *f, const char *text)
{
	const unsigned char *p;

	if (text == NULL)
		return;
	for (p = (const unsigned char *)text; *p != '\0'; p++) {
		switch (*p) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		case '\t':
		case '\n':
			putc(*p, f);
			break;
		default:
			putc(*p < 0x20 || *p == 0x7f ? ' ' : *p, f);
			break;
		}
	}
}

/* A label cut to HTML_LABEL_COLUMNS terminal columns at a character
 * boundary, with an ellipsis when cut. */
static char *
html_label(const char *label)
{
	size_t len = strlen(label), n = 0, step, width = 0;
	const unsigned char *p = (const unsigned char *)label;
	char one[5];

	if (table_width(label) <= HTML_LABEL_COLUMNS)
		return xstrdup(label);
	while (n < len) {
		step = p[n] >= 0xf0 ? 4 : p[n] >= 0xe0 ? 3 : p[n] >= 0xc0 ? 2 : 1;
		if (n + step > len)
			step = len - n;
		memcpy(one, label + n, step);
		one[step] = '\0';
		if (width + table_width(one) > HTML_LABEL_COLUMNS - 1)
			break;
		width += table_width(one);
		n += step;
	}
	return xasprintf("%.*s\xe2\x80\xa6", (int)n, label);
}

/* A horizontal bar chart as a figure with an inline SVG: one row a bar,
 * in the order given, each as long as its value over the largest. */
void
html_chart(FILE *f, const char *title, const struct html_bar *bars,
    size_t nbars)
{
	double max = 0, width;
	size_t i, height;
	char *label;

	for (i = 0; i < nbars; i++) {
		if (bars[i].value > max)
			max = bars[i].value;
	}
	height = nbars > 0 ? nbars * HTML_ROW + 4 : HTML_ROW + 4;
	fputs("<figure class=\"chart\">\n<figcaption>", f);
	html_escape(f, title);
	fprintf(f, "</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 %d %zu\" width=\"%d\" height=\"%zu\" role=\"img\" "
	    "aria-label=\"", HTML_CHART_WIDTH, height, HTML_CHART_WIDTH,
	    height);
	html_escape(f, title);
	fprintf(f, "\" font-size=\"%d\">\n", HTML_FONT_SIZE);
	if (nbars == 0)
		fprintf(f, "<text x=\"%d\" y=\"%d\" fill=\"#666\">no hours "
		    "in this period</text>\n", HTML_BAR_LEFT, HTML_BASELINE);
	for (i = 0; i < nbars; i++) {
		width = max > 0 && bars[i].value > 0 ?
		    bars[i].value / max * HTML_BAR_MAX : 0;
		label = html_label(bars[i].label != NULL ? bars[i].label : "");
		fprintf(f, "<text x=\"%d\" y=\"%zu\" text-anchor=\"end\">",
		    HTML_LABEL_RIGHT, i * HTML_ROW + HTML_BASELINE);
		html_escape(f, label);
		fprintf(f, "</text><rect class=\"bar\" x=\"%d\" y=\"%zu\" "
		    "width=\"%.2f\" height=\"%d\" fill=\"#2b6a99\"/>"
		    "<text x=\"%.2f\" y=\"%zu\">%.1f</text>\n", HTML_BAR_LEFT,
		    i * HTML_ROW + 3, width, HTML_BAR_HEIGHT,
		    HTML_BAR_LEFT + width + 4, i * HTML_ROW + HTML_BASELINE,
		    bars[i].value);
		free(label);
	}
	fputs("</svg>\n</figure>\n", f);
}

/* The start of a page: doctype, charset, title and style. */
static void
html_head(FILE *f, const char *title, const char *css)
{
	fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n<title>", f);
	html_escape(f, title);
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", css);
}

/* Decimals of a report column that holds a fraction. */
static int
html_places(const char *column)
{
	return strcmp(column, "progress") == 0 ? 1 : 2;
}

/* The text of a report cell: fractions with their decimals, booleans as
 * yes or no, stars as stars. */
static char *
html_cell(const char *column, json_t *value)
{
	long long n;

	if (json_is_real(value))
		return table_fixed(value, html_places(column));
	if (json_is_boolean(value))
		return xstrdup(json_is_true(value) ? "yes" : "no");
	if (strcmp(column, "stars") == 0 && json_is_integer(value) &&
	    (n = json_integer_value(value)) >= 0 && n <= HTML_MAX_STARS)
		return xasprintf("%.*s", (int)n * 3, html_black_stars);
	return table_value(value, ", ");
}

/* True for a column the HTML leaves out: minutes, shown as hours. */
static int
html_hidden(const char *column)
{
	return strcmp(column, "minutes") == 0 ||
	    strcmp(column, "minutes_ytd") == 0;
}

/* A column's heading: the member name with spaces, capitalized. */
static void
html_heading(FILE *f, const char *column)
{
	static const struct {
		const char	*column;
		const char	*heading;
	} headings[] = {
		{ "number", "No." },
		{ "hours_ytd", "Hours this year" },
		{ "progress", "Progress %" },
		{ "registration_share", "Registered %" },
		{ "share_target_met", "Share target met" },
		{ "average_hours", "Hours each" },
		{ "on_track", "On track" },
	};
	char *text, *p;
	size_t i;

	for (i = 0; i < sizeof(headings) / sizeof(headings[0]); i++) {
		if (strcmp(column, headings[i].column) == 0) {
			html_escape(f, headings[i].heading);
			return;
		}
	}
	text = xstrdup(column);
	for (p = text; *p != '\0'; p++) {
		if (*p == '_')
			*p = ' ';
	}
	if (text[0] >= 'a' && text[0] <= 'z')
		text[0] = (char)(text[0] - 'a' + 'A');
	html_escape(f, text);
	free(text);
}

/* One table cell of a value. */
static void
html_td(FILE *f, const char *column, json_t *value)
{
	char *text = html_cell(column, value);

	if (json_is_number(value))
		fputs("<td class=\"num\">", f);
	else if (strcmp(column, "stars") == 0)
		fputs("<td class=\"stars\">", f);
	else
		fputs("<td>", f);
	html_escape(f, text);
	fputs("</td>", f);
	free(text);
}

/* The report's rows under their headings, the totals at the foot. */
static void
html_rows(FILE *f, json_t *report)
{
	json_t *columns = json_object_get(report, "columns");
	json_t *rows = json_object_get(report, "rows");
	json_t *totals = json_object_get(report, "totals");
	json_t *column, *row, *sample;
	const char *name;
	size_t c, r;
	int first;

	fputs("<table class=\"rows\">\n<thead><tr>", f);
	json_array_foreach(columns, c, column) {
		name = json_string_value(column);
		if (name == NULL || html_hidden(name))
			continue;
		sample = json_object_get(json_array_get(rows, 0), name);
		fputs(json_is_number(sample) ? "<th class=\"num\">" : "<th>",
		    f);
		html_heading(f, name);
		fputs("</th>", f);
	}
	fputs("</tr></thead>\n<tbody>\n", f);
	json_array_foreach(rows, r, row) {
		fputs("<tr>", f);
		json_array_foreach(columns, c, column) {
			name = json_string_value(column);
			if (name != NULL && !html_hidden(name))
				html_td(f, name, json_object_get(row, name));
		}
		fputs("</tr>\n", f);
	}
	if (json_array_size(rows) == 0)
		fprintf(f, "<tr><td class=\"none\" colspan=\"%zu\">nothing "
		    "recorded in this period</td></tr>\n",
		    json_array_size(columns));
	fputs("</tbody>\n", f);
	if (json_is_object(totals)) {
		fputs("<tfoot><tr>", f);
		first = 1;
		json_array_foreach(columns, c, column) {
			name = json_string_value(column);
			if (name == NULL || html_hidden(name))
				continue;
			if (first)
				fputs("<td>Total</td>", f);
			else
				html_td(f, name, json_object_get(totals, name));
			first = 0;
		}
		fputs("</tr></tfoot>\n", f);
	}
	fputs("</table>\n", f);
}

/* The volunteers who reached a new star level in the period. */
static void
html_stars(FILE *f, json_t *report)
{
	static const char *const columns[] = { "volunteer", "name",
	    "community", "stars", "hours" };
	json_t *levels = json_object_get(report, "new_star_levels"), *level;
	size_t i, c;

	fputs("<h2>New star levels</h2>\n", f);
	if (json_array_size(levels) == 0) {
		fputs("<p class=\"none\">No volunteer reached a new star level "
		    "in this period.</p>\n", f);
		return;
	}
	fputs("<table class=\"stars-table\">\n<thead><tr><th>Volunteer</th>"
	    "<th>Name</th><th>Community</th><th>Stars</th>"
	    "<th class=\"num\">Hours</th></tr></thead>\n<tbody>\n", f);
	json_array_foreach(levels, i, level) {
		fputs("<tr>", f);
		for (c = 0; c < sizeof(columns) / sizeof(columns[0]); c++)
			html_td(f, columns[c], json_object_get(level,
			    columns[c]));
		fputs("</tr>\n", f);
	}
	fputs("</tbody>\n</table>\n", f);
}

/* Hours of a report row: its minutes over 60, else its hours. */
static double
html_row_hours(json_t *row)
{
	json_t *minutes = json_object_get(row, "minutes");

	if (json_is_integer(minutes))
		return (double)json_integer_value(minutes) / 60.0;
	return json_number_value(json_object_get(row, "hours"));
}

/* Order bars by value, largest first; equal values by label. */
static int
html_bar_order(const void *a, const void *b)
{
	const struct html_bar *x = a, *y = b;

	if (x->value != y->value)
		return x->value < y->value ? 1 : -1;
	return strcmp(x->label, y->label);
}

/* The chart of a report: hours by the rows of its level, the top
 * HTML_TOP_VOLUNTEERS at the volunteer level. */
static void
html_report_chart(FILE *f, json_t *report, const char *level)
{
	json_t *rows = json_object_get(report, "rows"), *row;
	size_t n = json_array_size(rows), i;
	struct html_bar *bars = xcalloc(n + 1, sizeof(*bars));
	const char *label;
	char *title;

	json_array_foreach(rows, i, row) {
		label = json_string_value(json_object_get(row, "name"));
		if (label == NULL || *label == '\0')
			label = json_string_value(json_object_get(row, "code"));
		if (label == NULL || *label == '\0')
			label = json_string_value(json_object_get(row,
			    "number"));
		bars[i].label = label != NULL ? label : "";
		bars[i].value = html_row_hours(row);
	}
	qsort(bars, n, sizeof(*bars), html_bar_order);
	if (strcmp(level, "volunteer") == 0) {
		if (n > HTML_TOP_VOLUNTEERS)
			n = HTML_TOP_VOLUNTEERS;
		title = xasprintf("Hours by volunteer (top %d)",
		    HTML_TOP_VOLUNTEERS);
	} else {
		title = xasprintf("Hours by %s", level);
	}
	html_chart(f, title, bars, n);
	free(title);
	free(bars);
}

/* A whole report page from the daemon's JSON report. */
void
html_report(FILE *f, json_t *report)
{
	const char *kind = json_string_value(json_object_get(report, "kind"));
	const char *period = json_string_value(json_object_get(report,
	    "period"));
	const char *level = json_string_value(json_object_get(report,
	    "level"));
	const char *community = json_string_value(json_object_get(report,
	    "community"));
	json_t *targets = json_object_get(report, "targets");
	char *title, *from, *to;

	if (kind == NULL)
		kind = "";
	if (level == NULL)
		level = "";
	title = xasprintf("%s report %s, by %s",
	    strcmp(kind, "annual") == 0 ? "Annual" : "Monthly",
	    period != NULL ? period : "", level);
	html_head(f, title, html_report_css);
	fputs("<header>\n<h1>", f);
	html_escape(f, title);
	fputs("</h1>\n<p class=\"meta\">", f);
	if (community != NULL) {
		fputs("Community ", f);
		html_escape(f, community);
		fputs(" &middot; ", f);
	} else {
		fputs("All communities &middot; ", f);
	}
	from = table_time(json_object_get(report, "from"));
	to = table_time(json_object_get(report, "to"));
	html_escape(f, from);
	fputs(" to ", f);
	html_escape(f, to);
	fputs(" (", f);
	html_escape(f, json_string_value(json_object_get(report,
	    "timezone")));
	fputs("); a shift counts in the period in which it started</p>\n",
	    f);
	fprintf(f, "<p class=\"targets\">Targets: %g hours of service per "
	    "volunteer a year; %g %% of the residents registered as "
	    "volunteers.</p>\n</header>\n",
	    json_number_value(json_object_get(targets, "hours_per_year")),
	    json_number_value(json_object_get(targets,
	    "registration_share")) * 100.0);
	fputs("<div class=\"layout\">\n", f);
	html_report_chart(f, report, level);
	fputs("<section class=\"tables\">\n", f);
	html_rows(f, report);
	html_stars(f, report);
	fputs("</section>\n</div>\n<footer>Made by vpoints from the ledger of vpointsd."
	    "</footer>\n</body>\n</html>\n", f);
	free(from);
	free(to);
	free(title);
}

/* One "heading: value" row of the certificate's facts. */
static void
html_fact(FILE *f, const char *heading, const char *value)
{
	fputs("<tr><th>", f);
	html_escape(f, heading);
	fputs("</th><td>", f);
	html_escape(f, value);
	fputs("</td></tr>\n", f);
}

/* A printable certificate of service, with the JWS that proves it. */
void
html_certificate(FILE *f, json_t *cert, const char *jws)
{
	json_t *minutes = json_object_get(cert, "minutes");
	long long stars = json_integer_value(json_object_get(cert, "stars"));
	const char *community = json_string_value(json_object_get(cert,
	    "community_name"));
	char *hours, *issued, *shifts, *title;

	if (json_is_integer(minutes))
		hours = xasprintf("%.2f", (double)json_integer_value(minutes) /
		    60.0);
	else
		hours = table_fixed(json_object_get(cert, "hours"), 2);
	issued = table_time(json_object_get(cert, "issued_at"));
	shifts = table_value(json_object_get(cert, "shifts"), ", ");
	title = xasprintf("Certificate of service %s",
	    json_string_value(json_object_get(cert, "number")) != NULL ?
	    json_string_value(json_object_get(cert, "number")) : "");
	html_head(f, title, html_certificate_css);
	fputs("<main class=\"certificate\">\n<h1>Certificate of Volunteer "
	    "Service</h1>\n<p class=\"subtitle\">\xe5\xbf\x97\xe6\x84\xbf"
	    "\xe6\x9c\x8d\xe5\x8a\xa1\xe8\xaf\x81\xe6\x98\x8e</p>\n"
	    "<p>This certifies that</p>\n<p class=\"name\">", f);
	html_escape(f, json_string_value(json_object_get(cert, "name")));
	fputs("</p>\n<p>volunteer number ", f);
	html_escape(f, json_string_value(json_object_get(cert, "volunteer")));
	if (community == NULL)
		community = json_string_value(json_object_get(cert,
		    "community"));
	if (community != NULL) {
		fputs(" of ", f);
		html_escape(f, community);
	}
	fputs(", gave</p>\n<p class=\"hours\">", f);
	html_escape(f, hours);
	fputs(" hours</p>\n<p>of volunteer service in ", f);
	html_escape(f, shifts);
	fputs(" shifts from ", f);
	html_escape(f, json_string_value(json_object_get(cert, "from")));
	fputs(" to ", f);
	html_escape(f, json_string_value(json_object_get(cert, "to")));
	fputs(".</p>\n", f);
	if (stars > 0) {
		fprintf(f, "<p class=\"stars\">%.*s %lld star%s</p>\n",
		    stars <= HTML_MAX_STARS ? (int)stars * 3 : 0,
		    html_black_stars, stars, stars == 1 ? "" : "s");
	}
	fputs("<table>\n", f);
	html_fact(f, "Certificate", json_string_value(json_object_get(cert,
	    "number")));
	html_fact(f, "Issued", issued);
	html_fact(f, "Issued by station", json_string_value(json_object_get(
	    cert, "station")));
	fputs("</table>\n<section class=\"verify\">\n<h2>Verification</h2>\n"
	    "<p>vpointsd signed this certificate with its Ed25519 key (JWS, "
	    "RFC 7515). To check it, save the text below in a file and run "
	    "<code>vpoints certificate verify FILE --pubkey KEY</code> with "
	    "the key that <code>vpointsd --print-public-key</code> "
	    "prints.</p>\n<pre class=\"jws\">", f);
	html_escape(f, jws);
	fputs("</pre>\n</section>\n</main>\n</body>\n</html>\n", f);
	free(hours);
	free(issued);
	free(shifts);
	free(title);
}
