#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "csv.h"

/* True if the field must be quoted to read back as itself. */
bool
csv_needs_quotes(const char *field)
{
	return strpbrk(field, ",\"\r\n") != NULL;
}

/* Write one field, quoted when needed; NULL is the empty field. */
void
csv_field(FILE *f, const char *field)
{
	const char *p;

	if (field == NULL)
		return;
	if (!csv_needs_quotes(field)) {
		fputs(field, f);
		return;
	}
	putc('"', f);
	for (p = field; *p != '\0'; p++) {
		if (*p == '"')
			putc('"', f);
		putc(*p, f);
	}
	putc('"', f);
}

/* Write one record of n fields and its CRLF. */
void
csv_record(FILE *f, const char *const *fields, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			putc(',', f);
		csv_field(f, fields[i]);
	}
	fputs("\r\n", f);
}
