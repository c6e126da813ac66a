/* Listings of the daemon's JSON objects: a table for people, with columns
 * as wide as their widest cell on a terminal (CJK counts double), or CSV
 * with the JSON member names as header and the values as they came. */
#ifndef VPOINTS_TABLE_H
#define VPOINTS_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

enum table_format {
	TABLE_TEXT,		/* aligned columns for people */
	TABLE_CSV		/* RFC 4180 with a header row */
};

/* One column: a member of each object. */
struct table_column {
	const char	*key;		/* JSON member; the CSV header */
	const char	*title;		/* table header; NULL: CSV only */
	char		*(*show)(json_t *value); /* table text, else as is */
	bool		 right;		/* right-aligned in the table */
};

void	table_rows(FILE *, enum table_format, const struct table_column *,
	    size_t ncolumns, json_t *objects);
void	table_record(FILE *, enum table_format, const struct table_column *,
	    size_t ncolumns, json_t *object);
char	*table_value(json_t *, const char *separator);
char	*table_hours(json_t *minutes);
char	*table_fixed(json_t *number, int places);
char	*table_time(json_t *rfc3339);
char	*table_time_given(json_t *rfc3339);
size_t	table_char(const char *utf8, size_t *width);
size_t	table_width(const char *utf8);

#endif
