/* The words of workbooks (--format xlsx), report pages and tables: the
 * heading of each column, named by its JSON member, and the name of each
 * sheet, in the user's language (gettext). */
#ifndef VPOINTS_HEADINGS_H
#define VPOINTS_HEADINGS_H

const char *heading_column(const char *sheet, const char *key);
const char *heading_sheet(const char *sheet);
const char *heading_total(void);
const char *heading_translated(const char *sheet, const char *key);
const char *heading_level(const char *level);
const char *heading_value(const char *key, const char *value);
const char *heading_boolean(int yes);

#endif
