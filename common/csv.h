/* CSV as RFC 4180 writes it: fields separated by commas, records ended by
 * CRLF, a field quoted when it holds a comma, a quote, CR or LF, quotes
 * inside doubled. Bytes pass through untouched, so UTF-8 stays UTF-8. */
#ifndef VPOINTS_CSV_H
#define VPOINTS_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

bool	csv_needs_quotes(const char *field);
void	csv_field(FILE *, const char *field);
void	csv_record(FILE *, const char *const *fields, size_t n);

#endif
