/* The Chinese words of workbooks (--format xlsx): the heading of each
 * column, named by its JSON member, and the name of each sheet. One table
 * holds each English source string beside its Chinese, so that gettext can
 * take it over. */
#ifndef VPOINTS_HEADINGS_H
#define VPOINTS_HEADINGS_H

const char *heading_column(const char *sheet, const char *key);
const char *heading_sheet(const char *sheet);
const char *heading_total(void);

#endif
