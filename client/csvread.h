/* Reading CSV files people made (vpoints import): RFC 4180 records, UTF-8
 * with or without a byte order mark, or GB18030 as Excel and WPS write
 * it in China (found when the bytes are not UTF-8, or named), turned into
 * UTF-8 with iconv. The file is untrusted: its size, rows, columns and
 * the length of a cell are bounded, and a malformed or truncated file
 * (a quote never closed, a quote inside a bare field, a NUL byte, text
 * that is neither encoding) is an error that names its row, never a
 * partial read. */
#ifndef VPOINTS_CSVREAD_H
#define VPOINTS_CSVREAD_H

#include <stddef.h>

/* The bounds of what csvread reads. */
#define CSVREAD_MAX_BYTES	(512UL * 1024 * 1024)	/* the file */
#define CSVREAD_MAX_ROWS	2000000UL
#define CSVREAD_MAX_COLUMNS	256
#define CSVREAD_MAX_CELL	32768	/* bytes of one cell, as UTF-8 */

/* The file's encoding: found by looking, or as the user says. */
enum csvread_encoding {
	CSVREAD_AUTO,		/* UTF-8 if it is, else GB18030 */
	CSVREAD_UTF8,
	CSVREAD_GB18030
};

struct csvread;

struct csvread *csvread_new(const char *data, size_t len,
	    enum csvread_encoding, char *err, size_t errlen);
int	csvread_row(struct csvread *, const char *const **cells,
	    size_t *ncells, size_t *row, char *err, size_t errlen);
const char *csvread_encoding(const struct csvread *);
double	csvread_done(const struct csvread *);
void	csvread_free(struct csvread *);

#endif
