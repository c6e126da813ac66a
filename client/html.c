#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "client/headings.h"
#include "client/html.h"
#include "client/i18n.h"
#include "client/qr.h"
#include "client/table.h"
#include "buf.h"
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
#define HTML_CARD_QR_SIZE	"26mm"	/* a side of a card's QR code */

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
"margin:0;padding:24px;font-size:15px;line-height:1.6}\n"
".certificate{max-width:180mm;margin:0 auto;padding:12mm 14mm;"
"border:3px double #a3201c}\n"
"h1{font-size:30px;margin:0 0 7mm;text-align:center;letter-spacing:.4em;"
"color:#a3201c}\n"
".claim{text-indent:2em;margin:0 0 6mm}\n"
".facts{width:100%;border-collapse:collapse;margin:0 0 8mm}\n"
".facts th,.facts td{border:1px solid #999;padding:1.5mm 3mm;"
"text-align:left;vertical-align:top}\n"
".facts th{width:34mm;background:#f6f1f0;font-weight:600;"
"white-space:nowrap}\n"
".stars{color:#b07800;letter-spacing:1px}\n"
".issuer{text-align:right;margin:0 0 8mm;line-height:2}\n"
".issuer p{margin:0}\n"
".seal{color:#777}\n"
".verify{display:flex;gap:5mm;align-items:flex-start;font-size:11px;"
"color:#444;border-top:1px solid #ccc;padding-top:4mm}\n"
".verify svg.qr{flex:0 0 auto}\n"
".verify h2{font-size:12px;margin:0 0 1mm}\n"
".verify p{margin:0 0 1mm}\n"
".verify .text{min-width:0}\n"
"pre{font-family:\"DejaVu Sans Mono\",\"Noto Sans Mono\",Consolas,"
"monospace;white-space:pre-wrap;word-break:break-all;margin:1mm 0 0}\n"
".command{font-size:11px}\n"
".jws{font-size:6.5px;line-height:1.25;background:#f5f5f5;padding:1.5mm}\n"
"@page{size:A4;margin:12mm}\n"
"@media print{body{padding:0}.certificate{border-width:4px;"
"max-width:none}"
".certificate,h1,.facts th,.stars{print-color-adjust:exact;"
"-webkit-print-color-adjust:exact}}\n";

/* A sheet of volunteer cards: A4, two columns of five ID-1 cards
 * (85.6 mm by 54 mm, ISO/IEC 7810) in the middle, a dashed line to cut
 * along around each. */
static const char html_cards_css[] =
"*{box-sizing:border-box}\n"
"body{font-family:" HTML_FONTS ";color:#1b1b1b;background:#e8e8e8;"
"margin:0;padding:10mm 0}\n"
".sheet{width:210mm;height:297mm;margin:0 auto 10mm;background:#fff;"
"padding:13.5mm 19.4mm;display:grid;"
"grid-template-columns:repeat(2,85.6mm);grid-auto-rows:54mm;"
"align-content:start;overflow:hidden;break-after:page}\n"
".sheet:last-child{break-after:auto}\n"
".card{width:85.6mm;height:54mm;border:.2mm dashed #999;"
"padding:4mm 3.5mm 4mm 5mm;display:flex;gap:3mm;align-items:center;"
"overflow:hidden}\n"
".card .text{flex:1 1 auto;min-width:0}\n"
".card .title{font-size:9pt;font-weight:700;color:#a3201c;"
"letter-spacing:.15em;margin:0 0 2mm}\n"
".card .name{font-size:15pt;font-weight:700;line-height:1.2;"
"margin:0 0 2mm;max-height:2.4em;overflow:hidden;"
"overflow-wrap:anywhere}\n"
".card .field{font-size:8.5pt;line-height:1.45;margin:0;"
"overflow-wrap:anywhere}\n"
".card .label{color:#555;margin-right:1.5mm}\n"
".card .number{font-family:\"DejaVu Sans Mono\",\"Noto Sans Mono\","
"Consolas,monospace;font-weight:700;font-size:10.5pt}\n"
".card .scan{font-size:7pt;color:#666;margin:2mm 0 0}\n"
".card svg.qr{flex:0 0 auto}\n"
"@page{size:A4;margin:0}\n"
"@media print{body{background:none;padding:0}.sheet{margin:0}"
".card .title{print-color-adjust:exact;-webkit-print-color-adjust:exact}}\n";

/* The words of the printed certificate and the volunteer cards, in
 * English, printed in the user's language (po/zh_CN.po has the
 * programme's terms). In a sentence, %N$s stands for its Nth value
 * (html_fill), so that a language puts the values in its own order. */
enum html_word {
	HTML_W_CERTIFICATE,
	HTML_W_CERTIFICATE_TITLE,
	HTML_W_CLAIM,
	HTML_W_NAME,
	HTML_W_NUMBER,
	HTML_W_COMMUNITY,
	HTML_W_PERIOD,
	HTML_W_PERIOD_VALUE,
	HTML_W_HOURS,
	HTML_W_HOURS_VALUE,
	HTML_W_KINDS,
	HTML_W_KIND_VALUE,
	HTML_W_KIND_SEPARATOR,
	HTML_W_NO_SERVICE,
	HTML_W_STARS,
	HTML_W_STARS_VALUE,
	HTML_W_CERTIFICATE_NUMBER,
	HTML_W_TRAINING,
	HTML_W_TRAINING_VALUE,
	HTML_W_AWARDS,
	HTML_W_AWARD_VALUE,
	HTML_W_EVALUATIONS,
	HTML_W_EVALUATIONS_VALUE,
	HTML_W_ISSUER,
	HTML_W_ISSUED,
	HTML_W_DATE,
	HTML_W_SEAL,
	HTML_W_VERIFY,
	HTML_W_VERIFY_HOW,
	HTML_W_VERIFY_COMMAND,
	HTML_W_NO_QR,
	HTML_W_SIGNED_TEXT,
	HTML_W_CARDS_TITLE,
	HTML_W_CARD,
	HTML_W_CARD_SCAN,
	HTML_W_COUNT
};

static const char *const html_words[HTML_W_COUNT] = {
	[HTML_W_CERTIFICATE] = NC_("page", "Certificate of Volunteer Service"),
	[HTML_W_CERTIFICATE_TITLE] = NC_("page",
	    "Certificate of volunteer service %1$s"),

	[HTML_W_CLAIM] = NC_("page",
	    "This certifies that %1$s, volunteer number %2$s, "
	    "a registered volunteer of %3$s, took part in volunteer service "
	    "from %4$s to %5$s: %6$s hours of volunteer service in all."),
	[HTML_W_NAME] = NC_("page", "Name"),
	[HTML_W_NUMBER] = NC_("page", "Volunteer number"),
	[HTML_W_COMMUNITY] = NC_("page", "Community"),
	[HTML_W_PERIOD] = NC_("page", "Period of service"),
	[HTML_W_PERIOD_VALUE] = NC_("page", "%1$s to %2$s"),
	[HTML_W_HOURS] = NC_("page", "Hours of volunteer service"),
	[HTML_W_HOURS_VALUE] = NC_("page", "%1$s hours (%2$s shifts)"),
	[HTML_W_KINDS] = NC_("page", "Kinds of service"),
	[HTML_W_KIND_VALUE] = NC_("page", "%1$s: %2$s hours (%3$s shifts)"),
	[HTML_W_KIND_SEPARATOR] = NC_("page", "; "),
	[HTML_W_NO_SERVICE] = NC_("page", "no service recorded in this period"),
	[HTML_W_STARS] = NC_("page", "Star level"),
	[HTML_W_STARS_VALUE] = NC_("page", "%1$s stars"),
	[HTML_W_CERTIFICATE_NUMBER] = NC_("page", "Certificate number"),
	/* The rest of the record the rules name; training is never service. */
	[HTML_W_TRAINING] = NC_("page", "Training"),
	[HTML_W_TRAINING_VALUE] = NC_("page",
	    "%1$s sessions, %2$s hours (not service)"),
	[HTML_W_AWARDS] = NC_("page", "Awards and commendations"),
	[HTML_W_AWARD_VALUE] = NC_("page", "%1$s (%2$s level, %3$s, %4$s)"),
	[HTML_W_EVALUATIONS] = NC_("page", "Evaluations"),
	[HTML_W_EVALUATIONS_VALUE] = NC_("page",
	    "%1$s evaluations, %2$s scoring 4 or 5, average %3$s"),
	[HTML_W_ISSUER] = NC_("page", "Issued by: %1$s"),
	[HTML_W_ISSUED] = NC_("page", "Date of issue: %1$s"),
	/* TRANSLATORS: a date; %1$s is the year, %2$s and %3$s the month
	 * and day with a leading zero, %4$s and %5$s without one. */
	/* xgettext:no-c-format */
	[HTML_W_DATE] = NC_("page", "%1$s-%2$s-%3$s"),
	[HTML_W_SEAL] = NC_("page", "(seal)"),
	[HTML_W_VERIFY] = NC_("page", "Verification"),
	[HTML_W_VERIFY_HOW] = NC_("page",
	    "The QR code holds this certificate as "
	    "vpointsd signed it (Ed25519, JWS). To check it without a "
	    "network, save what a scanner reads from it in a file and run "
	    "this command with the key that vpointsd --print-public-key "
	    "prints:"),
	[HTML_W_VERIFY_COMMAND] = NC_("page",
	    "vpoints certificate verify FILE --pubkey "
	    "KEY"),
	[HTML_W_NO_QR] = NC_("page",
	    "This certificate is too long for a QR code: "
	    "verify the signed text below."),
	[HTML_W_SIGNED_TEXT] = NC_("page", "Signed text (JWS)"),
	[HTML_W_CARDS_TITLE] = NC_("page", "Volunteer cards"),
	[HTML_W_CARD] = NC_("page", "Volunteer card"),
	[HTML_W_CARD_SCAN] = NC_("page", "Scan at the station to check in"),
};

/* Write len bytes of text for HTML text and attribute values: &, <, >,
 * " and ' as entities, control characters (but tab and line end) as
 * spaces; other bytes, UTF-8 included, as they are. */
static void
html_escape_n(FILE *f, const char *text, size_t len)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t i;

	for (i = 0; i < len; i++) {
		switch (p[i]) {
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
			putc(p[i], f);
			break;
		default:
			putc(p[i] < 0x20 || p[i] == 0x7f ? ' ' : p[i], f);
			break;
		}
	}
}

/* Write text escaped for HTML (html_escape_n); NULL is nothing. */
void
html_escape(FILE *f, const char *text)
{
	if (text != NULL)
		html_escape_n(f, text, strlen(text));
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
		fprintf(f, "<text x=\"%d\" y=\"%d\" fill=\"#666\">%s</text>\n",
		    HTML_BAR_LEFT, HTML_BASELINE, _("no hours in this period"));
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
	/* TRANSLATORS: the language of the pages, as HTML's lang attribute
	 * says it (BCP 47): zh-CN. */
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n<title>",
	    _("en"));
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
		return xstrdup(json_is_true(value) ? _("yes") : _("no"));
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

/* A column's heading in a report of level (its rows): the catalogue's
 * (client/headings.c, as the workbook's sheet of that level), else in
 * English the member name with spaces, capitalized. */
static void
html_heading(FILE *f, const char *level, const char *column)
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
	const char *translated;
	char *text, *p;
	size_t i;

	if ((translated = heading_translated(level, column)) != NULL) {
		html_escape(f, translated);
		return;
	}
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
		html_heading(f, json_string_value(json_object_get(report,
		    "level")), name);
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
		fprintf(f, "<tr><td class=\"none\" colspan=\"%zu\">%s"
		    "</td></tr>\n", json_array_size(columns),
		    _("nothing recorded in this period"));
	fputs("</tbody>\n", f);
	if (json_is_object(totals)) {
		fputs("<tfoot><tr>", f);
		first = 1;
		json_array_foreach(columns, c, column) {
			name = json_string_value(column);
			if (name == NULL || html_hidden(name))
				continue;
			if (first)
				fprintf(f, "<td>%s</td>", _("Total"));
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

	fprintf(f, "<h2>%s</h2>\n", _("New star levels"));
	if (json_array_size(levels) == 0) {
		fprintf(f, "<p class=\"none\">%s</p>\n", _("No volunteer "
		    "reached a new star level in this period."));
		return;
	}
	fprintf(f, "<table class=\"stars-table\">\n<thead><tr><th>%s</th>"
	    "<th>%s</th><th>%s</th><th>%s</th>"
	    "<th class=\"num\">%s</th></tr></thead>\n<tbody>\n",
	    C_("star table", "Volunteer"), C_("star table", "Name"),
	    C_("star table", "Community"), C_("star table", "Stars"),
	    C_("star table", "Hours"));
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

/* Whether a report has column name (levels without hours, approval and
 * recruitment, have no chart of them). */
static int
html_has_column(json_t *report, const char *name)
{
	json_t *column;
	size_t i;

	json_array_foreach(json_object_get(report, "columns"), i, column) {
		if (json_is_string(column) &&
		    strcmp(json_string_value(column), name) == 0)
			return 1;
	}
	return 0;
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
		title = xasprintf(_("Hours by volunteer (top %d)"),
		    HTML_TOP_VOLUNTEERS);
	} else {
		title = xasprintf(_("Hours by %s"), heading_level(level));
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
	char *title, *from, *to, *text;

	if (kind == NULL)
		kind = "";
	if (level == NULL)
		level = "";
	title = xasprintf(strcmp(kind, "annual") == 0 ?
	    _("Annual report %s, by %s") : _("Monthly report %s, by %s"),
	    period != NULL ? period : "", heading_level(level));
	html_head(f, title, html_report_css);
	fputs("<header>\n<h1>", f);
	html_escape(f, title);
	fputs("</h1>\n<p class=\"meta\">", f);
	if (community != NULL)
		text = xasprintf(_("Community %s"), community);
	else
		text = xstrdup(_("All communities"));
	html_escape(f, text);
	free(text);
	fputs(" &middot; ", f);
	/* The period in the report's zone, which the line names. */
	from = table_time_given(json_object_get(report, "from"));
	to = table_time_given(json_object_get(report, "to"));
	text = xasprintf(_("%s to %s (%s); a shift counts in the period in "
	    "which it started"), from, to, json_string_value(json_object_get(
	    report, "timezone")));
	html_escape(f, text);
	free(text);
	fputs("</p>\n<p class=\"targets\">", f);
	text = xasprintf(_("Targets: %g hours of service per volunteer a "
	    "year; %g %% of the residents registered as volunteers."),
	    json_number_value(json_object_get(targets, "hours_per_year")),
	    json_number_value(json_object_get(targets,
	    "registration_share")) * 100.0);
	html_escape(f, text);
	free(text);
	fputs("</p>\n</header>\n", f);
	fputs("<div class=\"layout\">\n", f);
	if (html_has_column(report, "minutes"))
		html_report_chart(f, report, level);
	fputs("<section class=\"tables\">\n", f);
	html_rows(f, report);
	html_stars(f, report);
	fprintf(f, "</section>\n</div>\n<footer>%s</footer>\n</body>\n"
	    "</html>\n", _("Made by vpoints from the ledger of vpointsd."));
	free(from);
	free(to);
	free(title);
}

/* A word of the printed pages in the language they are printed in. */
static const char *
html_word(enum html_word w)
{
	if ((unsigned)w >= HTML_W_COUNT)
		abort();
	return i18n_gettext(html_words[w]);
}

/* The value a placeholder "%N$s" at p stands for (N from 1 to 9, at
 * most n) and where the text goes on after it; NULL when p is not at
 * one. "%%" is a "%" with no value (*value NULL). */
static const char *
html_placeholder(const char *p, const char *const values[], size_t n,
    const char **value)
{
	*value = NULL;
	if (p[0] != '%')
		return NULL;
	if (p[1] == '%')
		return p + 2;
	if (p[1] < '1' || p[1] > '9' || (size_t)(p[1] - '0') > n ||
	    p[2] != '$' || p[3] != 's')
		abort();	/* a word of the table is wrong */
	*value = values[p[1] - '1'] != NULL ? values[p[1] - '1'] : "";
	return p + 4;
}

/* A word with its values put in, as plain text (not escaped). */
static char *
html_expand(enum html_word w, const char *const values[], size_t n)
{
	struct buf b = { NULL, 0, 0 };
	const char *p = html_word(w), *next, *value;

	while (*p != '\0') {
		if ((next = html_placeholder(p, values, n, &value)) != NULL) {
			buf_puts(&b, value != NULL ? value : "%");
			p = next;
		} else {
			buf_add(&b, p++, 1);
		}
	}
	return b.data != NULL ? b.data : xstrdup("");
}

/* Write a word with its values put in, all escaped; each value inside
 * <tag> when tag is not NULL. */
static void
html_fill(FILE *f, enum html_word w, const char *const values[], size_t n,
    const char *tag)
{
	const char *p = html_word(w), *start = p, *next, *value;

	for (; *p != '\0'; p++) {
		if ((next = html_placeholder(p, values, n, &value)) == NULL)
			continue;
		html_escape_n(f, start, (size_t)(p - start));
		if (value == NULL) {
			fputc('%', f);
		} else {
			if (tag != NULL)
				fprintf(f, "<%s>", tag);
			html_escape(f, value);
			if (tag != NULL)
				fprintf(f, "</%s>", tag);
		}
		start = next;
		p = next - 1;
	}
	html_escape_n(f, start, (size_t)(p - start));
}

/* A date "YYYY-MM-DD" (or the date of an RFC 3339 time) as the pages
 * write dates; other text as it is. */
static char *
html_date(const char *iso)
{
	char year[5], month[3], day[3], month1[3], day1[3];
	const char *values[] = { year, month, day, month1, day1 };

	if (iso == NULL)
		return xstrdup("");
	if (strlen(iso) < 10 || strspn(iso, "0123456789") != 4 ||
	    iso[4] != '-' || strspn(iso + 5, "0123456789") != 2 ||
	    iso[7] != '-' || strspn(iso + 8, "0123456789") < 2)
		return xstrdup(iso);
	snprintf(year, sizeof(year), "%.4s", iso);
	snprintf(month, sizeof(month), "%.2s", iso + 5);
	snprintf(day, sizeof(day), "%.2s", iso + 8);
	/* Without a leading zero. */
	snprintf(month1, sizeof(month1), "%s", month + (month[0] == '0'));
	snprintf(day1, sizeof(day1), "%s", day + (day[0] == '0'));
	return html_expand(HTML_W_DATE, values, 5);
}

/* Minutes as hours with two decimals, "25.50"; else the member hours. */
static char *
html_hours(json_t *minutes, json_t *hours)
{
	if (json_is_integer(minutes))
		return xasprintf("%.2f", (double)json_integer_value(minutes) /
		    60.0);
	return table_fixed(hours, 2);
}

/* One row of the certificate's facts: a heading, a text. */
static void
html_fact(FILE *f, enum html_word heading, const char *value)
{
	fputs("<tr><th>", f);
	html_escape(f, html_word(heading));
	fputs("</th><td>", f);
	html_escape(f, value);
	fputs("</td></tr>\n", f);
}

/* The kinds of service of a certificate: each activity with its hours
 * and shifts, the most hours first, as the daemon listed them. */
static char *
html_kinds(json_t *activities)
{
	struct buf b = { NULL, 0, 0 };
	const char *values[3];
	char *hours, *shifts, *kind;
	json_t *a;
	size_t i;

	json_array_foreach(activities, i, a) {
		hours = html_hours(json_object_get(a, "minutes"), NULL);
		shifts = table_value(json_object_get(a, "shifts"), ", ");
		values[0] = json_string_value(json_object_get(a, "name"));
		if (values[0] == NULL)
			values[0] = json_string_value(json_object_get(a,
			    "code"));
		values[1] = hours;
		values[2] = shifts;
		kind = html_expand(HTML_W_KIND_VALUE, values, 3);
		if (i > 0)
			buf_puts(&b, html_word(HTML_W_KIND_SEPARATOR));
		buf_puts(&b, kind);
		free(kind);
		free(hours);
		free(shifts);
	}
	return b.data != NULL ? b.data : xstrdup(html_word(HTML_W_NO_SERVICE));
}

/* A string member, or "". */
static const char *
html_str(json_t *object, const char *key)
{
	const char *s = json_string_value(json_object_get(object, key));

	return s != NULL ? s : "";
}

/* The first of two string members that is there and not empty, or "". */
static const char *
html_either(json_t *object, const char *key, const char *fallback)
{
	const char *s = html_str(object, key);

	return *s != '\0' ? s : html_str(object, fallback);
}

/* The level of an award as the certificate says it. */
static const char *
html_award_level(const char *level)
{
	static const char *const levels[] = {
		NC_("award level", "community"), NC_("award level", "street"),
		NC_("award level", "district"), NC_("award level", "city"),
		NC_("award level", "province"), NC_("award level", "national"),
	};
	size_t i;

	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		if (strcmp(strchr(levels[i], '\004') + 1, level) == 0)
			return i18n_gettext(levels[i]);
	}
	return level;
}

/* The training, awards and evaluations of a certificate, when it has
 * them (those signed before schema 15 have not). */
static void
html_record(FILE *f, json_t *cert)
{
	json_t *training = json_object_get(cert, "training");
	json_t *awards = json_object_get(cert, "awards");
	json_t *summary = json_object_get(cert, "evaluations"), *a;
	struct buf b = { NULL, 0, 0 };
	const char *values[4];
	char *sessions, *hours, *text, *date, *count, *approving, *average;
	size_t i;

	if (json_is_object(training) && json_integer_value(
	    json_object_get(training, "sessions")) > 0) {
		sessions = table_value(json_object_get(training, "sessions"),
		    ", ");
		hours = html_hours(json_object_get(training, "minutes"),
		    json_object_get(training, "hours"));
		values[0] = sessions;
		values[1] = hours;
		text = html_expand(HTML_W_TRAINING_VALUE, values, 2);
		html_fact(f, HTML_W_TRAINING, text);
		free(text);
		free(hours);
		free(sessions);
	}
	if (json_array_size(awards) > 0) {
		json_array_foreach(awards, i, a) {
			date = html_date(json_string_value(json_object_get(a,
			    "awarded_on")));
			values[0] = html_str(a, "title");
			values[1] = html_award_level(html_str(a, "level"));
			values[2] = html_str(a, "issuer");
			values[3] = date;
			text = html_expand(HTML_W_AWARD_VALUE, values, 4);
			if (i > 0)
				buf_puts(&b, html_word(HTML_W_KIND_SEPARATOR));
			buf_puts(&b, text);
			free(text);
			free(date);
		}
		html_fact(f, HTML_W_AWARDS, b.data);
		free(b.data);
	}
	if (json_is_object(summary) && json_integer_value(
	    json_object_get(summary, "evaluations")) > 0) {
		count = table_value(json_object_get(summary, "evaluations"),
		    ", ");
		approving = table_value(json_object_get(summary, "approving"),
		    ", ");
		average = table_fixed(json_object_get(summary,
		    "average_score"), 2);
		values[0] = count;
		values[1] = approving;
		values[2] = average;
		text = html_expand(HTML_W_EVALUATIONS_VALUE, values, 3);
		html_fact(f, HTML_W_EVALUATIONS, text);
		free(text);
		free(average);
		free(approving);
		free(count);
	}
}

/* A printable certificate of service for A4, in the user's language: the
 * facts the national rules name, the issuer with room for its seal, the
 * QR code that carries the signed certificate (qr, or NULL when it is too
 * long for one) and the JWS as text. */
void
html_certificate(FILE *f, json_t *cert, const char *jws, const struct qr *qr)
{
	const char *number = html_str(cert, "number");
	const char *community = html_either(cert, "community_name",
	    "community");
	const char *issuer = html_either(cert, "station_name", "station");
	long long stars = json_integer_value(json_object_get(cert, "stars"));
	char *hours, *shifts, *from, *to, *issued, *text, *title, *count;
	const char *values[6];
	char size[16];
	double mm;

	hours = html_hours(json_object_get(cert, "minutes"),
	    json_object_get(cert, "hours"));
	shifts = table_value(json_object_get(cert, "shifts"), ", ");
	from = html_date(json_string_value(json_object_get(cert, "from")));
	to = html_date(json_string_value(json_object_get(cert, "to")));
	issued = html_date(json_string_value(json_object_get(cert,
	    "issued_at")));
	values[0] = number;
	title = html_expand(HTML_W_CERTIFICATE_TITLE, values, 1);
	html_head(f, title, html_certificate_css);
	fputs("<main class=\"certificate\">\n<h1>", f);
	html_escape(f, html_word(HTML_W_CERTIFICATE));
	fputs("</h1>\n<p class=\"claim\">", f);
	values[0] = html_str(cert, "name");
	values[1] = html_str(cert, "volunteer");
	values[2] = community;
	values[3] = from;
	values[4] = to;
	values[5] = hours;
	html_fill(f, HTML_W_CLAIM, values, 6, "strong");
	fputs("</p>\n<table class=\"facts\">\n", f);
	html_fact(f, HTML_W_NAME, html_str(cert, "name"));
	html_fact(f, HTML_W_NUMBER, html_str(cert, "volunteer"));
	html_fact(f, HTML_W_COMMUNITY, community);
	values[0] = from;
	values[1] = to;
	text = html_expand(HTML_W_PERIOD_VALUE, values, 2);
	html_fact(f, HTML_W_PERIOD, text);
	free(text);
	values[0] = hours;
	values[1] = shifts;
	text = html_expand(HTML_W_HOURS_VALUE, values, 2);
	html_fact(f, HTML_W_HOURS, text);
	free(text);
	if (json_object_get(cert, "activities") != NULL) {
		text = html_kinds(json_object_get(cert, "activities"));
		html_fact(f, HTML_W_KINDS, text);
		free(text);
	}
	if (stars > 0) {
		count = xasprintf("%lld", stars);
		values[0] = count;
		text = html_expand(HTML_W_STARS_VALUE, values, 1);
		fprintf(f, "<tr><th>%s</th><td><span class=\"stars\">%.*s"
		    "</span> ", html_word(HTML_W_STARS),
		    stars <= HTML_MAX_STARS ? (int)stars * 3 : 0,
		    html_black_stars);
		html_escape(f, text);
		fputs("</td></tr>\n", f);
		free(text);
		free(count);
	}
	html_record(f, cert);
	html_fact(f, HTML_W_CERTIFICATE_NUMBER, number);
	fputs("</table>\n<div class=\"issuer\">\n<p>", f);
	values[0] = issuer;
	html_fill(f, HTML_W_ISSUER, values, 1, NULL);
	fputs("<span class=\"seal\">", f);
	html_escape(f, html_word(HTML_W_SEAL));
	fputs("</span></p>\n<p>", f);
	values[0] = issued;
	html_fill(f, HTML_W_ISSUED, values, 1, NULL);
	fputs("</p>\n</div>\n<section class=\"verify\">\n", f);
	if (qr != NULL) {
		/* Half a millimetre a module, within what prints and scans
		 * well on A4. */
		mm = (double)(qr_width(qr) + 2 * QR_QUIET) * 0.5;
		mm = mm < 30 ? 30 : mm > 75 ? 75 : mm;
		snprintf(size, sizeof(size), "%.1fmm", mm);
		qr_svg(f, qr, size);
		fputc('\n', f);
	}
	fputs("<div class=\"text\">\n<h2>", f);
	html_escape(f, html_word(HTML_W_VERIFY));
	fputs("</h2>\n<p>", f);
	html_escape(f, html_word(qr != NULL ? HTML_W_VERIFY_HOW :
	    HTML_W_NO_QR));
	fputs("</p>\n<pre class=\"command\">", f);
	html_escape(f, html_word(HTML_W_VERIFY_COMMAND));
	fputs("</pre>\n<h2>", f);
	html_escape(f, html_word(HTML_W_SIGNED_TEXT));
	fputs("</h2>\n<pre class=\"jws\">", f);
	html_escape(f, jws);
	fputs("</pre>\n</div>\n</section>\n</main>\n</body>\n</html>\n", f);
	free(hours);
	free(shifts);
	free(from);
	free(to);
	free(issued);
	free(title);
}

/* One volunteer card: who (name, number, community) and a QR code of
 * the number alone, which a scanner at the station types. */
static void
html_card(FILE *f, json_t *card)
{
	const char *number = html_str(card, "number");
	struct qr *qr;

	fputs("<div class=\"card\">\n<div class=\"text\">\n<p class=\"title\">",
	    f);
	html_escape(f, html_word(HTML_W_CARD));
	fputs("</p>\n<p class=\"name\">", f);
	html_escape(f, html_str(card, "name"));
	fputs("</p>\n<p class=\"field\"><span class=\"label\">", f);
	html_escape(f, html_word(HTML_W_NUMBER));
	fputs("</span><span class=\"number\">", f);
	html_escape(f, number);
	fputs("</span></p>\n<p class=\"field\"><span class=\"label\">", f);
	html_escape(f, html_word(HTML_W_COMMUNITY));
	fputs("</span>", f);
	html_escape(f, html_str(card, "community"));
	fputs("</p>\n<p class=\"scan\">", f);
	html_escape(f, html_word(HTML_W_CARD_SCAN));
	fputs("</p>\n</div>\n", f);
	/* A volunteer number is at most 32 characters: it always fits, and
	 * Q survives a worn card. */
	if (*number == '\0' || (qr = qr_encode(number, QR_ECC_Q)) == NULL)
		abort();
	qr_svg(f, qr, HTML_CARD_QR_SIZE);
	qr_free(qr);
	fputs("\n</div>\n", f);
}

/* A page of volunteer cards for A4, HTML_CARDS_PER_SHEET to a sheet, in
 * the order given: cards is a list of {"number","name","community"}, the
 * community as the card prints it (its name). */
void
html_cards(FILE *f, json_t *cards)
{
	json_t *card;
	size_t i;

	html_head(f, html_word(HTML_W_CARDS_TITLE), html_cards_css);
	json_array_foreach(cards, i, card) {
		if (i % HTML_CARDS_PER_SHEET == 0)
			fputs(i == 0 ? "<section class=\"sheet\">\n" :
			    "</section>\n<section class=\"sheet\">\n", f);
		html_card(f, card);
	}
	if (json_array_size(cards) > 0)
		fputs("</section>\n", f);
	fputs("</body>\n</html>\n", f);
}
