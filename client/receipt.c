#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "client/i18n.h"
#include "client/receipt.h"
#include "client/table.h"
#include "buf.h"
#include "xmalloc.h"

#define RECEIPT_GAP	2	/* columns between a label and its value */

/* The columns of each paper. */
static const size_t receipt_widths[] = {
	[RECEIPT_58MM] = 32,
	[RECEIPT_A4] = 80,
};

/* How many columns a line on paper may take. */
size_t
receipt_width(enum receipt_paper paper)
{
	if ((size_t)paper >= sizeof(receipt_widths) / sizeof(receipt_widths[0]))
		abort();
	return receipt_widths[paper];
}

/* Print lead, then the first len bytes of line without the spaces at
 * their end. */
static void
receipt_line(FILE *f, const char *lead, const char *line, size_t len)
{
	while (len > 0 && line[len - 1] == ' ')
		len--;
	fprintf(f, "%s%.*s\n", lead, (int)len, line);
}

/* True for the character at p, of n bytes, that Chinese typesetting
 * never puts first on a line: a closing bracket or a mark of punctuation
 * (，。、；：？！）」』】》). */
static bool
receipt_closing(const char *p, size_t n)
{
	static const char *const marks[] = {
		"\xef\xbc\x8c", "\xe3\x80\x82", "\xe3\x80\x81",
		"\xef\xbc\x9b", "\xef\xbc\x9a", "\xef\xbc\x9f",
		"\xef\xbc\x81", "\xef\xbc\x89", "\xe3\x80\x8d",
		"\xe3\x80\x8f", "\xe3\x80\x91", "\xe3\x80\x8b",
	};
	size_t i;

	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		if (n == strlen(marks[i]) && memcmp(p, marks[i], n) == 0)
			return true;
	}
	return false;
}

/* Note at as the latest place where a line may break, *brk, keeping the
 * one before in *prev. */
static void
receipt_break(size_t *brk, size_t *prev, size_t at)
{
	if (at != *brk) {
		*prev = *brk;
		*brk = at;
	}
}

/* Print text in lines of at most width columns, the first after lead, the
 * others after indent (both width columns of spaces or label): broken at
 * a space, else before or after a CJK character (but not before a closing
 * mark), else (a word wider than a line) between two characters. Only the
 * spaces where a line breaks are dropped; a control character counts as a
 * space. */
static void
receipt_wrap(FILE *f, const char *lead, const char *indent, const char *text,
    size_t width)
{
	struct buf line = { NULL, 0, 0 };
	size_t lw = 0, brk = 0, prev = 0, n, w, skip;
	const char *p;
	char *rest;
	bool space;

	/* brk: the latest place where the line may break (0: none); prev:
	 * the one before it. */
	for (p = text; *p != '\0'; p += n) {
		n = table_char(p, &w);
		space = (unsigned char)*p <= ' ' || *p == 0x7f;
		if (space) {
			if (line.len > 0) {
				buf_add(&line, " ", 1);
				lw++;
				receipt_break(&brk, &prev, line.len);
			}
			continue;
		}
		if (lw + w > width && line.len > 0) {
			if (brk == line.len && prev > 0 &&
			    receipt_closing(p, n))
				brk = prev;
			if (brk == 0)
				brk = line.len;
			receipt_line(f, lead, line.data, brk);
			lead = indent;
			for (skip = brk; skip < line.len &&
			    line.data[skip] == ' '; skip++)
				;
			rest = xstrdup(line.data + skip);
			line.len = 0;
			buf_puts(&line, rest);
			free(rest);
			lw = table_width(line.data);
			brk = prev = 0;
			if (lw + w > width && line.len > 0) {
				receipt_line(f, lead, line.data, line.len);
				line.len = 0;
				line.data[0] = '\0';
				lw = 0;
			}
		}
		if (w == 2 && line.len > 0 && !receipt_closing(p, n))
			receipt_break(&brk, &prev, line.len);
		buf_add(&line, p, n);
		lw += w;
		if (w == 2)
			receipt_break(&brk, &prev, line.len);
	}
	receipt_line(f, lead, line.data != NULL ? line.data : "", line.len);
	free(line.data);
}

/* Print a rule of ch across the paper. */
static void
receipt_rule(FILE *f, char ch, size_t width)
{
	size_t i;

	for (i = 0; i < width; i++)
		fputc(ch, f);
	fputc('\n', f);
}

/* Print object as a receipt on paper: title between rules, centred, then
 * a line of each column that has a title and a value (a column's show
 * function makes its text), then a rule. */
void
receipt_print(FILE *f, enum receipt_paper paper, const char *title,
    const struct table_column *cols, size_t ncols, json_t *object)
{
	size_t width = receipt_width(paper), label = 0, c, w;
	char *lead, *indent, *text;
	json_t *value;

	receipt_rule(f, '=', width);
	w = table_width(title);
	lead = xasprintf("%*s", w < width ? (int)((width - w) / 2) : 0, "");
	receipt_wrap(f, lead, "", title, width);
	free(lead);
	receipt_rule(f, '=', width);
	for (c = 0; c < ncols; c++) {
		if (cols[c].title != NULL &&
		    table_width(i18n_gettext(cols[c].title)) > label)
			label = table_width(i18n_gettext(cols[c].title));
	}
	label += RECEIPT_GAP;
	if (label > width / 2)
		label = width / 2;
	indent = xasprintf("%*s", (int)label, "");
	for (c = 0; c < ncols; c++) {
		value = json_object_get(object, cols[c].key);
		if (cols[c].title == NULL || value == NULL ||
		    json_is_null(value))
			continue;
		text = cols[c].show != NULL ? cols[c].show(value) :
		    table_value(value, ", ");
		w = table_width(i18n_gettext(cols[c].title));
		if (w + RECEIPT_GAP <= label) {
			lead = xasprintf("%s%*s",
			    i18n_gettext(cols[c].title),
			    (int)(label - w), "");
			receipt_wrap(f, lead, indent, text, width - label);
		} else {
			/* A label wider than the paper's half: on a line of
			 * its own, the value below it. */
			receipt_wrap(f, "", "", i18n_gettext(cols[c].title),
			    width);
			lead = xstrdup(indent);
			receipt_wrap(f, lead, indent, text, width - label);
		}
		free(lead);
		free(text);
	}
	free(indent);
	receipt_rule(f, '-', width);
}
