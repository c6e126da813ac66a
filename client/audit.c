#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "client/client.h"
#include "client/cmd.h"
#include "client/i18n.h"
#include "client/table.h"
#include "wire.h"

static const char audit_about[] =
N_("Check every invariant of the ledger: all accounts sum to zero, each\n"
"balance equals its transfers, no volunteer below zero, escrow equals the\n"
"points of unresolved help requests, stock equals restocks minus\n"
"redemptions, no transfer crosses communities, each shift and redemption\n"
"paid exactly. Prints \"ledger consistent\" and exits 0, or each problem\n"
"and exits 1 (the first 1,000 problems, and how many there are in all).\n"
"Needs an admin key. With --csv or --format xlsx, the problems listed,\n"
"one a row.\n");

static const struct table_column audit_rows[] = {
	{ "problem", N_("PROBLEM"), NULL, false },
};

/* Print what the audit found (with --json, only the verdict); the exit
 * code says whether it is clean. */
static int
audit_print(struct client *cl, const struct cmd *c, json_t *audit)
{
	json_t *problems = json_object_get(audit, "problems"), *problem;
	json_t *checked = json_object_get(audit, "checked"), *count, *rows;
	const char *what;
	json_int_t all;
	size_t i, n = 0;
	char *text;

	if (cl->json)
		return json_is_true(json_object_get(audit, "ok")) ?
		    WIRE_EXIT_OK : WIRE_EXIT_FAILURE;
	if (cl->format == CLIENT_TABLE && json_array_size(problems) > 0)
		printf(_("ledger inconsistent:\n"));
	rows = json_array();
	json_array_foreach(problems, i, problem) {
		text = table_value(problem, "; ");
		if (cl->format == CLIENT_TABLE)
			printf("  %s\n", text);
		json_array_append_new(rows, json_pack("{s:s}", "problem",
		    text));
		free(text);
	}
	if (cl->format != CLIENT_TABLE)
		client_rows(cl, "problems", audit_rows,
		    CMD_NITEMS(audit_rows), rows);
	json_decref(rows);
	all = json_integer_value(json_object_get(audit, "problem_count"));
	if (cl->format == CLIENT_TABLE && all > (json_int_t)json_array_size(problems))
		printf(_("  (%lld problems in all; the first %lld are listed)\n"),
		    (long long)all, (long long)json_array_size(problems));
	if (!json_is_true(json_object_get(audit, "ok")))
		return WIRE_EXIT_FAILURE;
	if (cl->format == CLIENT_TABLE) {
		printf(_("ledger consistent"));
		json_object_foreach(checked, what, count) {
			printf(n++ == 0 ? _("; checked %s %lld") :
			    _(", %s %lld"), what,
			    (long long)json_integer_value(count));
		}
		printf("\n");
	}
	return WIRE_EXIT_OK;
}

static const struct cmd_verb audit_verbs[] = {
	{ .op = WIRE_OP_AUDIT, .flags = CMD_PRINT_JSON | CMD_TABLES,
	    .print = audit_print },
};

const struct cmd_entry cmd_audit_entry = {
	.name = "audit",
	.summary = N_("check every invariant of the ledger (admin)"),
	.about = audit_about,
	.verbs = audit_verbs,
	.nverbs = CMD_NITEMS(audit_verbs),
};
