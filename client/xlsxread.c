#include "config.h"

#include <sys/stat.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>
#include <unzip.h>

#include "client/xlsxread.h"
#include "client/i18n.h"
#include "xmalloc.h"

#define XLSXREAD_CHUNK	65536

/* One row of the sheet as read: its number and its cells (NULL: empty). */
struct xlsxread_row {
	size_t		 row;
	size_t		 ncells;
	char		**cells;
};

struct xlsxread {
	struct xlsxread_row *rows;
	size_t		 nrows;
	size_t		 rowsize;
	size_t		 at;		/* the next row xlsxread_row gives */
	const char	*cells[XLSXREAD_MAX_COLUMNS];
};

/* Which part of the workbook a parse reads. */
enum xlsxread_part {
	XLSXREAD_WORKBOOK,	/* xl/workbook.xml: the first sheet's id */
	XLSXREAD_RELS,		/* its relationships: that sheet's entry */
	XLSXREAD_STRINGS,	/* xl/sharedStrings.xml */
	XLSXREAD_SHEET		/* the sheet's rows */
};

/* What the expat callbacks of one parse share. */
struct xlsxread_parse {
	XML_Parser	 parser;
	enum xlsxread_part part;
	char		*err;
	size_t		 errlen;
	bool		 failed;
	struct xlsxread	*x;

	char		*sheet_rid;	/* WORKBOOK: r:id of the first sheet */
	char		*sheet_target;	/* RELS: its entry in the zip */

	char		**strings;	/* STRINGS, and read by SHEET */
	size_t		 nstrings;
	size_t		 stringsize;
	int		 phonetic;	/* inside <rPh>: not the text */

	bool		 collecting;	/* character data goes to text */
	char		*text;
	size_t		 textlen;
	size_t		 textsize;

	size_t		 row;		/* SHEET: the row being read */
	char		**cells;	/* its cells, by column */
	size_t		 ncells;
	size_t		 col;		/* the cell being read, */
	char		 type[16];	/* its t= */
	bool		 in_cell;
	char		*value;		/* its <v> or inline text */
};

/* Stop the parse with an error (the first one wins). */
static void
xlsxread_fail(struct xlsxread_parse *p, const char *what)
{
	if (!p->failed)
		snprintf(p->err, p->errlen, "%s", what);
	p->failed = true;
	XML_StopParser(p->parser, XML_FALSE);
}

/* The local part of an expat name "uri|local". */
static const char *
xlsxread_local(const char *name)
{
	const char *bar = strrchr(name, '|');

	return bar != NULL ? bar + 1 : name;
}

/* An attribute by local name, with its namespace URI ending so, or NULL. */
static const char *
xlsxread_attr(const char **attrs, const char *local, const char *ns)
{
	const char *bar;
	size_t i;

	for (i = 0; attrs[i] != NULL; i += 2) {
		bar = strrchr(attrs[i], '|');
		if (ns == NULL && bar == NULL && strcmp(attrs[i], local) == 0)
			return attrs[i + 1];
		if (ns != NULL && bar != NULL && strcmp(bar + 1, local) == 0 &&
		    (size_t)(bar - attrs[i]) >= strlen(ns) &&
		    strncmp(bar - strlen(ns), ns, strlen(ns)) == 0)
			return attrs[i + 1];
	}
	return NULL;
}

/* Start collecting character data anew. */
static void
xlsxread_collect(struct xlsxread_parse *p)
{
	p->collecting = true;
	p->textlen = 0;
	p->text[0] = '\0';
}

/* The text collected, as a new string. */
static char *
xlsxread_take(struct xlsxread_parse *p)
{
	p->collecting = false;
	return xstrdup(p->text);
}

/* A cell reference's column ("AB12" is 27), or -1 if it is not one. */
static long
xlsxread_column(const char *ref)
{
	long col = 0;
	size_t i;

	for (i = 0; ref[i] >= 'A' && ref[i] <= 'Z'; i++) {
		col = col * 26 + (ref[i] - 'A' + 1);
		if (col > 16384)
			return -1;
	}
	if (i == 0 || ref[i] < '1' || ref[i] > '9')
		return -1;
	return col - 1;
}

/* A whole number of at most 9 digits, or -1. */
static long
xlsxread_number(const char *s)
{
	long n = 0;
	size_t i;

	for (i = 0; s[i] >= '0' && s[i] <= '9' && i < 9; i++)
		n = n * 10 + (s[i] - '0');
	return i == 0 || s[i] != '\0' ? -1 : n;
}

/* Keep the row read (its cells pass to the workbook). */
static void
xlsxread_keep_row(struct xlsxread_parse *p)
{
	struct xlsxread *x = p->x;

	if (x->nrows == x->rowsize) {
		x->rowsize = x->rowsize != 0 ? 2 * x->rowsize : 256;
		x->rows = xrealloc(x->rows, x->rowsize * sizeof(*x->rows));
	}
	x->rows[x->nrows].row = p->row;
	x->rows[x->nrows].ncells = p->ncells;
	x->rows[x->nrows].cells = xrealloc(p->cells,
	    (p->ncells != 0 ? p->ncells : 1) * sizeof(*p->cells));
	x->nrows++;
	p->cells = NULL;
	p->ncells = 0;
}

static void
xlsxread_start(void *data, const char *name, const char **attrs)
{
	struct xlsxread_parse *p = data;
	const char *el = xlsxread_local(name), *a;
	long n;

	if (p->failed)
		return;
	switch (p->part) {
	case XLSXREAD_WORKBOOK:
		if (strcmp(el, "sheet") == 0 && p->sheet_rid == NULL &&
		    (a = xlsxread_attr(attrs, "id", "relationships")) != NULL)
			p->sheet_rid = xstrdup(a);
		break;
	case XLSXREAD_RELS:
		if (strcmp(el, "Relationship") == 0 && p->sheet_target == NULL &&
		    (a = xlsxread_attr(attrs, "Id", NULL)) != NULL &&
		    strcmp(a, p->sheet_rid) == 0 &&
		    (a = xlsxread_attr(attrs, "Target", NULL)) != NULL)
			p->sheet_target = *a == '/' ? xstrdup(a + 1) :
			    xasprintf("xl/%s", a);
		break;
	case XLSXREAD_STRINGS:
		if (strcmp(el, "si") == 0)
			xlsxread_collect(p);
		else if (strcmp(el, "rPh") == 0)
			p->phonetic++;
		break;
	case XLSXREAD_SHEET:
		if (strcmp(el, "row") == 0) {
			a = xlsxread_attr(attrs, "r", NULL);
			n = a != NULL ? xlsxread_number(a) : (long)p->row + 1;
			if (n < 1 || (size_t)n <= p->row) {
				xlsxread_fail(p, _("a row number is missing, "
				    "malformed or out of order"));
				return;
			}
			if ((size_t)n > XLSXREAD_MAX_ROWS) {
				xlsxread_fail(p, _("the sheet has more rows than "
				    "a sheet can"));
				return;
			}
			p->row = (size_t)n;
			p->col = 0;
			p->cells = xcalloc(XLSXREAD_MAX_COLUMNS,
			    sizeof(*p->cells));
			p->ncells = 0;
		} else if (strcmp(el, "c") == 0) {
			if (p->cells == NULL || p->in_cell) {
				xlsxread_fail(p, _("a cell outside a row"));
				return;
			}
			a = xlsxread_attr(attrs, "r", NULL);
			n = a != NULL ? xlsxread_column(a) : (long)p->ncells;
			if (n < 0 || (size_t)n < p->ncells) {
				xlsxread_fail(p, _("a cell reference is "
				    "malformed or out of order"));
				return;
			}
			if (n >= XLSXREAD_MAX_COLUMNS) {
				xlsxread_fail(p, _("the sheet has more than 256 "
				    "columns"));
				return;
			}
			p->col = (size_t)n;
			a = xlsxread_attr(attrs, "t", NULL);
			snprintf(p->type, sizeof(p->type), "%s",
			    a != NULL ? a : "n");
			p->in_cell = true;
			free(p->value);
			p->value = NULL;
		} else if (p->in_cell && (strcmp(el, "v") == 0 ||
		    strcmp(el, "is") == 0))
			xlsxread_collect(p);
		else if (p->in_cell && strcmp(el, "rPh") == 0)
			p->phonetic++;
		break;
	default:
		abort();
	}
}

/* The text of a finished cell, by its type; NULL with the parse failed. */
static char *
xlsxread_cell_text(struct xlsxread_parse *p)
{
	long i;

	if (p->value == NULL)
		return NULL;
	if (strcmp(p->type, "s") == 0) {
		i = xlsxread_number(p->value);
		if (i < 0 || (size_t)i >= p->nstrings) {
			xlsxread_fail(p, _("a cell names a shared string the "
			    "workbook does not have"));
			return NULL;
		}
		return xstrdup(p->strings[i]);
	}
	return xstrdup(p->value);
}

static void
xlsxread_end(void *data, const char *name)
{
	struct xlsxread_parse *p = data;
	const char *el = xlsxread_local(name);

	if (p->failed)
		return;
	switch (p->part) {
	case XLSXREAD_WORKBOOK:
	case XLSXREAD_RELS:
		break;
	case XLSXREAD_STRINGS:
		if (strcmp(el, "rPh") == 0 && p->phonetic > 0)
			p->phonetic--;
		else if (strcmp(el, "si") == 0) {
			if (p->nstrings == XLSXREAD_MAX_STRINGS) {
				xlsxread_fail(p, _("the workbook has too many "
				    "shared strings"));
				return;
			}
			if (p->nstrings == p->stringsize) {
				p->stringsize = p->stringsize != 0 ?
				    2 * p->stringsize : 256;
				p->strings = xrealloc(p->strings,
				    p->stringsize * sizeof(*p->strings));
			}
			p->strings[p->nstrings++] = xlsxread_take(p);
		}
		break;
	case XLSXREAD_SHEET:
		if (strcmp(el, "rPh") == 0 && p->phonetic > 0)
			p->phonetic--;
		else if (p->in_cell && (strcmp(el, "v") == 0 ||
		    strcmp(el, "is") == 0) && p->collecting) {
			free(p->value);
			p->value = xlsxread_take(p);
		} else if (strcmp(el, "c") == 0 && p->in_cell) {
			p->in_cell = false;
			p->cells[p->col] = xlsxread_cell_text(p);
			p->ncells = p->col + 1;
		} else if (strcmp(el, "row") == 0 && p->cells != NULL)
			xlsxread_keep_row(p);
		break;
	default:
		abort();
	}
}

static void
xlsxread_text(void *data, const char *s, int len)
{
	struct xlsxread_parse *p = data;

	if (p->failed || !p->collecting || p->phonetic > 0)
		return;
	if (p->textlen + (size_t)len > XLSXREAD_MAX_CELL) {
		xlsxread_fail(p, _("a cell is longer than 32768 bytes"));
		return;
	}
	if (p->textlen + (size_t)len + 1 > p->textsize) {
		while (p->textlen + (size_t)len + 1 > p->textsize)
			p->textsize *= 2;
		p->text = xrealloc(p->text, p->textsize);
	}
	memcpy(p->text + p->textlen, s, (size_t)len);
	p->textlen += (size_t)len;
	p->text[p->textlen] = '\0';
}

/* A workbook has no DTD: one could only be an attack (entities). */
static void
xlsxread_doctype(void *data, const char *name, const char *sysid,
    const char *pubid, int internal)
{
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)internal;
	xlsxread_fail(data, "the workbook's XML has a DTD");
}

/* Parse one entry of the zip; 0, 1 if it is absent, -1 with err set.
 * *budget is what may still be unpacked, whatever the zip claims. */
static int
xlsxread_entry(unzFile zip, const char *entry, struct xlsxread_parse *p,
    size_t *budget)
{
	char *buf = NULL;
	int n, rc = -1;

	if (unzLocateFile(zip, entry, 1) != UNZ_OK)
		return 1;
	if (unzOpenCurrentFile(zip) != UNZ_OK) {
		snprintf(p->err, p->errlen, _("%s cannot be unpacked"), entry);
		return -1;
	}
	p->parser = XML_ParserCreateNS(NULL, '|');
	XML_SetUserData(p->parser, p);
	XML_SetElementHandler(p->parser, xlsxread_start, xlsxread_end);
	XML_SetCharacterDataHandler(p->parser, xlsxread_text);
	XML_SetStartDoctypeDeclHandler(p->parser, xlsxread_doctype);
	buf = xmalloc(XLSXREAD_CHUNK);
	for (;;) {
		n = unzReadCurrentFile(zip, buf, XLSXREAD_CHUNK);
		if (n < 0) {
			snprintf(p->err, p->errlen, _("%s is damaged (is the "
			    "file cut short?)"), entry);
			goto out;
		}
		if ((size_t)n > *budget) {
			snprintf(p->err, p->errlen, _("the workbook unpacks to "
			    "more than %lu MiB"), XLSXREAD_MAX_UNPACKED /
			    (1024 * 1024));
			goto out;
		}
		*budget -= (size_t)n;
		if (XML_Parse(p->parser, buf, n, n == 0) == XML_STATUS_ERROR) {
			if (!p->failed)
				snprintf(p->err, p->errlen, _("%s is not "
				    "well-formed XML (line %lu: %s)"), entry,
				    (unsigned long)XML_GetCurrentLineNumber(
				    p->parser), XML_ErrorString(
				    XML_GetErrorCode(p->parser)));
			goto out;
		}
		if (n == 0)
			break;
	}
	if (p->failed)
		goto out;
	rc = 0;
out:
	if (unzCloseCurrentFile(zip) == UNZ_CRCERROR && rc == 0) {
		snprintf(p->err, p->errlen, _("%s is damaged (its checksum is "
		    "wrong)"), entry);
		rc = -1;
	}
	XML_ParserFree(p->parser);
	p->parser = NULL;
	free(buf);
	return rc;
}

/* Read the first sheet of the workbook at path; NULL with err set. */
struct xlsxread *
xlsxread_open(const char *path, char *err, size_t errlen)
{
	struct xlsxread_parse p;
	struct xlsxread *x;
	struct stat sb;
	unzFile zip = NULL;
	size_t budget = XLSXREAD_MAX_UNPACKED, i;
	int rc;

	memset(&p, 0, sizeof(p));
	p.err = err;
	p.errlen = errlen;
	p.textsize = 256;
	p.text = xmalloc(p.textsize);
	x = xcalloc(1, sizeof(*x));
	p.x = x;
	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, _("the file cannot be read"));
		goto fail;
	}
	if ((unsigned long)sb.st_size > XLSXREAD_MAX_BYTES) {
		snprintf(err, errlen, _("the workbook is larger than %lu MiB"),
		    XLSXREAD_MAX_BYTES / (1024 * 1024));
		goto fail;
	}
	if ((zip = unzOpen64(path)) == NULL) {
		snprintf(err, errlen, _("the file is not a workbook (not a zip "
		    "file, or cut short)"));
		goto fail;
	}
	p.part = XLSXREAD_WORKBOOK;
	if ((rc = xlsxread_entry(zip, "xl/workbook.xml", &p, &budget)) != 0) {
		if (rc == 1)
			snprintf(err, errlen, _("the file is not a workbook "
			    "(it has no xl/workbook.xml)"));
		goto fail;
	}
	if (p.sheet_rid != NULL) {
		p.part = XLSXREAD_RELS;
		if (xlsxread_entry(zip, "xl/_rels/workbook.xml.rels", &p,
		    &budget) < 0)
			goto fail;
	}
	if (p.sheet_target == NULL)
		p.sheet_target = xstrdup("xl/worksheets/sheet1.xml");
	p.part = XLSXREAD_STRINGS;
	if (xlsxread_entry(zip, "xl/sharedStrings.xml", &p, &budget) < 0)
		goto fail;
	p.part = XLSXREAD_SHEET;
	if ((rc = xlsxread_entry(zip, p.sheet_target, &p, &budget)) != 0) {
		if (rc == 1)
			snprintf(err, errlen, _("the workbook has no sheet"));
		goto fail;
	}
	goto out;
fail:
	xlsxread_free(x);
	x = NULL;
out:
	if (zip != NULL)
		unzClose(zip);
	for (i = 0; i < p.nstrings; i++)
		free(p.strings[i]);
	free(p.strings);
	if (p.cells != NULL) {
		for (i = 0; i < XLSXREAD_MAX_COLUMNS; i++)
			free(p.cells[i]);
		free(p.cells);
	}
	free(p.value);
	free(p.text);
	free(p.sheet_rid);
	free(p.sheet_target);
	return x;
}

/* The next row of the sheet: 1 with its cells ("" for an empty one;
 * valid until the next call) and its number, 0 after the last. */
int
xlsxread_row(struct xlsxread *x, const char *const **cells, size_t *ncells,
    size_t *row)
{
	struct xlsxread_row *r;
	size_t i;

	if (x->at == x->nrows)
		return 0;
	r = &x->rows[x->at++];
	for (i = 0; i < r->ncells; i++)
		x->cells[i] = r->cells[i] != NULL ? r->cells[i] : "";
	*cells = x->cells;
	*ncells = r->ncells;
	*row = r->row;
	return 1;
}

/* How much of the sheet was given, from 0 to 1. */
double
xlsxread_done(const struct xlsxread *x)
{
	return x->nrows == 0 ? 1.0 : (double)x->at / (double)x->nrows;
}

void
xlsxread_free(struct xlsxread *x)
{
	size_t i, k;

	if (x == NULL)
		return;
	for (i = 0; i < x->nrows; i++) {
		for (k = 0; k < x->rows[i].ncells; k++)
			free(x->rows[i].cells[k]);
		free(x->rows[i].cells);
	}
	free(x->rows);
	free(x);
}
