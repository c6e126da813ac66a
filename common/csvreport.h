/* A report's rows as RFC 4180 CSV (csv.h), by its "columns": the bytes
 * vpointsd answers for `Accept: text/csv`, and the ones vpoints writes
 * for a report it fetched a page at a time. */
#ifndef VPOINTS_CSVREPORT_H
#define VPOINTS_CSVREPORT_H

#include <jansson.h>

char	*csv_report(json_t *report);

#endif
