/* Workbooks for Excel and WPS (--format xlsx), through libxlsxwriter: a
 * sheet for each table a command prints, its columns those of the table
 * (client/table.h), headed in Chinese (client/headings.c). Numbers stay
 * numbers, minutes become hours with two decimals, times become dates and
 * times; the header row is frozen, bold, filtered and printed on each
 * page. */
#ifndef VPOINTS_XLSX_H
#define VPOINTS_XLSX_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "client/table.h"

struct xlsx;

struct xlsx *xlsx_new(char *err, size_t errlen);
void	xlsx_sheet(struct xlsx *, const char *sheet,
	    const struct table_column *, size_t ncolumns, json_t *rows,
	    json_t *totals);
size_t	xlsx_sheets(const struct xlsx *);
int	xlsx_write(struct xlsx *, FILE *, char *err, size_t errlen);
void	xlsx_free(struct xlsx *);

#endif
