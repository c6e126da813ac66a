/* Receipts to hand over at a station, as monospaced text: for a 58 mm
 * receipt printer, 32 columns, or for an A4 page, 80. Each field is a line
 * of its label and its value; a value too wide for the paper is wrapped,
 * never cut, CJK characters counted as two columns. */
#ifndef VPOINTS_RECEIPT_H
#define VPOINTS_RECEIPT_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "client/table.h"

/* The paper, in the order of RECEIPT_PAPERS. */
enum receipt_paper {
	RECEIPT_58MM,		/* a receipt printer: 32 columns */
	RECEIPT_A4		/* a page: 80 columns */
};

#define RECEIPT_PAPERS	"58mm|a4"

size_t	receipt_width(enum receipt_paper);
void	receipt_print(FILE *, enum receipt_paper, const char *title,
	    const struct table_column *, size_t ncolumns, json_t *object);

#endif
