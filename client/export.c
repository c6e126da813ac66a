#include "config.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "client/cmd.h"
#include "client/headings.h"
#include "client/i18n.h"
#include "client/table.h"
#include "csv.h"

static const char export_about[] =
N_("national: the service records of a period (--from, --to, at most 366\n"
"days), one row per shift, in the columns of the national volunteer\n"
"information system's bulk entry: name, the volunteer's number on that\n"
"system (volunteer add --platform-number, never the ID number), activity,\n"
"date, start, end, hours, place, content, organisation. --format csv or\n"
"--format xlsx (--out FILE) makes the file to upload; the headings are\n"
"Chinese in both. A station key exports its own community, an admin key\n"
"every community or --community CODE.\n");

/* The layout of the national platform's bulk entry, in its order; the
 * headings are those of client/headings.c's sheet "national"
 * (doc/operations.md says where they come from and how to change them). */
static const struct table_column export_national_columns[] = {
	{ "name", N_("NAME"), NULL, false },
	{ "platform_number", N_("PLATFORM NUMBER"), NULL, false },
	{ "activity", N_("ACTIVITY"), NULL, false },
	{ "date", N_("DATE"), NULL, false },
	{ "start", N_("START"), NULL, false },
	{ "end", N_("END"), NULL, false },
	{ "minutes", N_("HOURS"), table_hours, true },
	{ "place", N_("PLACE"), NULL, false },
	{ "content", N_("CONTENT"), NULL, false },
	{ "organisation", N_("ORGANISATION"), NULL, false },
};

#define EXPORT_NCOLUMNS	CMD_NITEMS(export_national_columns)

/* CSV for the platform: its Chinese headings, hours with two decimals. */
static void
export_csv(struct client *cl, json_t *records)
{
	const char *fields[EXPORT_NCOLUMNS];
	const char *key;
	json_t *r;
	size_t i, k;

	client_bom(cl);
	for (k = 0; k < EXPORT_NCOLUMNS; k++)
		fields[k] = heading_column("national",
		    export_national_columns[k].key);
	csv_record(stdout, fields, EXPORT_NCOLUMNS);
	json_array_foreach(records, i, r) {
		for (k = 0; k < EXPORT_NCOLUMNS; k++) {
			key = export_national_columns[k].key;
			fields[k] = client_str(r, strcmp(key, "minutes") == 0 ?
			    "hours" : key);
		}
		csv_record(stdout, fields, EXPORT_NCOLUMNS);
	}
}

/* Print the records: CSV or a sheet for the platform, or a table. */
static int
export_print(struct client *cl, const struct cmd *c, json_t *answer)
{
	json_t *records = json_object_get(answer, "records");

	(void)c;
	if (cl->csv && cl->book == NULL)
		export_csv(cl, records);
	else
		client_rows(cl, "national", export_national_columns,
		    EXPORT_NCOLUMNS, records);
	if (!cl->csv && cl->book == NULL && json_array_size(records) == 0)
		printf(_("No service records in that period.\n"));
	return 0;
}

static const struct cmd_option export_national_options[] = {
	CMD_OPT("from", CMD_DATE, "from", "YYYY-MM-DD", CMD_REQUIRED),
	CMD_OPT("to", CMD_DATE, "to", "YYYY-MM-DD", CMD_REQUIRED),
	CMD_OPT("community", CMD_STRING, "community", "CODE", 0),
	CMD_END
};

static const struct cmd_verb export_verbs[] = {
	{ .name = "national", .options = export_national_options,
	    .op = WIRE_OP_EXPORT_NATIONAL, .flags = CMD_TABLES,
	    .print = export_print },
};

const struct cmd_entry cmd_export_entry = {
	.name = "export",
	.summary = N_("service records for the national volunteer platform"),
	.about = export_about,
	.verbs = export_verbs,
	.nverbs = CMD_NITEMS(export_verbs),
};
