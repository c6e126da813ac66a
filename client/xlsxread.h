/* Reading the first sheet of an Excel or WPS workbook (.xlsx) for vpoints
 * import: the zip is opened with minizip, xl/workbook.xml and its
 * relationships name the first sheet, xl/sharedStrings.xml holds the
 * shared texts, and expat reads the XML. A cell comes out as text:
 * shared and inline strings as written, numbers as the workbook stores
 * them (a date or a time is a serial: days since 1899-12-30, the time a
 * fraction of a day), booleans as 0 and 1. The workbook is untrusted:
 * its size, what it unpacks to (a zip bomb stops at the bound, whatever
 * its headers claim), its rows, columns, cell lengths and shared strings
 * are bounded, a DTD is refused, and a malformed or truncated workbook is
 * an error, never a partial read. */
#ifndef VPOINTS_XLSXREAD_H
#define VPOINTS_XLSXREAD_H

#include <stddef.h>

#define XLSXREAD_MAX_BYTES	(128UL * 1024 * 1024)	/* the .xlsx */
#define XLSXREAD_MAX_UNPACKED	(512UL * 1024 * 1024)	/* all XML read */
#define XLSXREAD_MAX_ROWS	1048576UL	/* Excel's own bound */
#define XLSXREAD_MAX_COLUMNS	256
#define XLSXREAD_MAX_CELL	32768	/* bytes of one cell */
#define XLSXREAD_MAX_STRINGS	4000000UL	/* shared strings */

struct xlsxread;

struct xlsxread *xlsxread_open(const char *path, char *err, size_t errlen);
int	xlsxread_row(struct xlsxread *, const char *const **cells,
	    size_t *ncells, size_t *row);
double	xlsxread_done(const struct xlsxread *);
void	xlsxread_free(struct xlsxread *);

#endif
