/* CSV as RFC 4180 writes it: fields separated by commas, records ended by
 * CRLF, a field quoted when it holds a comma, a quote, CR or LF, quotes
 * inside doubled. Bytes pass through untouched, so UTF-8 stays UTF-8,
 * with one addition for files people open in spreadsheet programs
 * (Excel, WPS, LibreOffice): a field that starts with =, +, -, @, a tab or
 * a CR and is not a plain number gets a single quote in front (OWASP's
 * defence against CSV injection), so "=HYPERLINK(...)" is written as
 * "'=HYPERLINK(...)" and shown as text, never run. Every CSV vpointsd and
 * vpoints write goes through csv_record. */
#ifndef VPOINTS_CSV_H
#define VPOINTS_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

bool	csv_needs_quotes(const char *field);
bool	csv_is_formula(const char *field);
void	csv_field(FILE *, const char *field);
void	csv_record(FILE *, const char *const *fields, size_t n);

#endif
