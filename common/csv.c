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

/* True if field is a plain decimal number: an optional sign, digits and
 * at most one point between digits ("-5", "+1.25"). */
static bool
csv_is_number(const char *field)
{
	const char *p = field;
	size_t digits;

	if (*p == '-' || *p == '+')
		p++;
	digits = strspn(p, "0123456789");
	if (digits == 0)
		return false;
	p += digits;
	if (*p == '.') {
		digits = strspn(p + 1, "0123456789");
		if (digits == 0)
			return false;
		p += 1 + digits;
	}
	return *p == '\0';
}

/* True if a spreadsheet program could take the field for a formula: it
 * starts with =, +, -, @, a tab or a CR (OWASP's list for CSV injection)
 * and is not a plain number, which such a program reads as the number. */
bool
csv_is_formula(const char *field)
{
	return field[0] != '\0' && strchr("=+-@\t\r", field[0]) != NULL &&
	    !csv_is_number(field);
}

/* Write one field, quoted when needed; NULL is the empty field. A field
 * a spreadsheet would run as a formula gets a ' in front. */
void
csv_field(FILE *f, const char *field)
{
	bool quoted;
	const char *p;

	if (field == NULL)
		return;
	quoted = csv_needs_quotes(field);
	if (quoted)
		putc('"', f);
	if (csv_is_formula(field))
		putc('\'', f);
	for (p = field; *p != '\0'; p++) {
		if (*p == '"')
			putc('"', f);
		putc(*p, f);
	}
	if (quoted)
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
