/* Printable HTML pages made by the client from the daemon's JSON: a
 * report with its totals, new star levels and an inline SVG bar chart,
 * and a certificate of service. A page is self-contained: inline CSS, no
 * script, no font, image or link fetched from anywhere (the only URI is
 * the SVG namespace). UTF-8, laid out for A4; every text that comes from
 * the data is escaped. */
#ifndef VPOINTS_HTML_H
#define VPOINTS_HTML_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

/* One bar of a chart. */
struct html_bar {
	const char	*label;
	double		 value;		/* hours; the longest bar is the largest */
};

void	html_escape(FILE *, const char *text);
void	html_chart(FILE *, const char *title, const struct html_bar *,
	    size_t nbars);
void	html_report(FILE *, json_t *report);
void	html_certificate(FILE *, json_t *certificate, const char *jws);

#endif
