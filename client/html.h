/* Printable HTML pages made by the client from the daemon's JSON: a
 * report with its totals, new star levels and an inline SVG bar chart; a
 * certificate of service, in Chinese, with the QR code that proves it; a
 * sheet of volunteer cards with QR codes of their numbers. A page is
 * self-contained: inline CSS, no script, no font, image or link fetched
 * from anywhere (the only URI is the SVG namespace; a QR code is an
 * inline SVG). UTF-8, laid out for A4; every text that comes from the
 * data is escaped. */
#ifndef VPOINTS_HTML_H
#define VPOINTS_HTML_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

struct qr;

#define HTML_CARDS_PER_SHEET	10	/* two columns of five on A4 */

/* One bar of a chart. */
struct html_bar {
	const char	*label;
	double		 value;		/* hours; the longest bar is the largest */
};

void	html_escape(FILE *, const char *text);
void	html_chart(FILE *, const char *title, const struct html_bar *,
	    size_t nbars);
void	html_report(FILE *, json_t *report);
void	html_certificate(FILE *, json_t *certificate, const char *jws,
	    const struct qr *);
void	html_cards(FILE *, json_t *cards);

#endif
