#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "csv.h"
#include "csvreport.h"
#include "xmalloc.h"

/* One value of a report row as CSV text (a new string). */
static char *
csv_report_cell(json_t *v)
{
	if (v == NULL || json_is_null(v))
		return xstrdup("");
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_true(v))
		return xstrdup("true");
	if (json_is_false(v))
		return xstrdup("false");
	if (json_is_integer(v))
		return xasprintf("%lld", (long long)json_integer_value(v));
	if (json_is_real(v))
		return xasprintf("%.2f", json_real_value(v));
	return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

/* A report's rows as CSV, a header row of its columns first (a new
 * string); NULL if it is not a report. */
char *
csv_report(json_t *report)
{
	json_t *columns, *rows, *row;
	const char **fields;
	size_t ncols, i, j, len;
	char *out = NULL, **cells;
	FILE *f;

	columns = json_object_get(report, "columns");
	rows = json_object_get(report, "rows");
	if (!json_is_array(columns) || !json_is_array(rows))
		return NULL;
	ncols = json_array_size(columns);
	fields = xcalloc(ncols + 1, sizeof(*fields));
	cells = xcalloc(ncols + 1, sizeof(*cells));
	if ((f = open_memstream(&out, &len)) == NULL)
		abort();
	for (i = 0; i < ncols; i++)
		fields[i] = json_string_value(json_array_get(columns, i));
	csv_record(f, fields, ncols);
	json_array_foreach(rows, j, row) {
		for (i = 0; i < ncols; i++)
			cells[i] = csv_report_cell(json_object_get(row,
			    fields[i]));
		csv_record(f, (const char *const *)cells, ncols);
		for (i = 0; i < ncols; i++)
			free(cells[i]);
	}
	fclose(f);
	free(cells);
	free(fields);
	return out;
}
