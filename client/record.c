/* The record of service beyond the service itself: training sessions and
 * who attended, qualifications, awards, evaluations. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "client/client.h"
#include "client/cmd.h"
#include "client/i18n.h"
#include "client/table.h"
#include "wire.h"

static const char training_about[] =
N_("Training sessions: add records one held for this station's community\n"
"(an admin names --community), with its course, date, hours (to two\n"
"decimals), trainer and place; --qualification Q makes attending it grant\n"
"qualification Q from its date, for --valid-months months (no expiry\n"
"without). attend ID VOLUNTEER records who attended. Training time is\n"
"kept apart from service: it never counts as service hours or earns\n"
"points. list: the trainings of the community, or those VOLUNTEER\n"
"attended (--volunteer), held --from and --to.\n");

static const char qualification_about[] =
N_("Qualifications (first-aid, driving, ...: a code of lower-case letters,\n"
"digits, - and _) a volunteer holds from --issued-on until the day\n"
"before --expires-on (never expiring without). grant records one a\n"
"station has seen proof of; attending a training that grants one\n"
"records it too. list VOLUNTEER: a volunteer's qualifications, valid or\n"
"not; list without a volunteer: the valid ones of the community (an\n"
"admin: the city, or --community) expiring within --expiring-within\n"
"days (30 unless given) that no later grant outlasts.\n");

static const char award_about[] =
N_("Awards and commendations of a volunteer: title, LEVEL (community,\n"
"street, district, city, province or national), date, issuer and reason.\n"
"Kept for good: correct ID replaces an award by a new record, with the\n"
"--correction that says why and the fields that change; --withdraw\n"
"withdraws it. list VOLUNTEER: the awards that stand (--all: every\n"
"record, replaced and withdrawn ones too).\n");

static const char evaluation_about[] =
N_("Evaluations of a shift (--shift ID) or of a completed help request\n"
"(--help-request ID) by the resident served or the activity lead\n"
"(--role), a --score of 1 to 5 and an optional --comment, recorded by the\n"
"station. One stands per role and record: reverse ID, with a --reason,\n"
"takes one back, and another may then be recorded. list: the\n"
"evaluations of a volunteer (with the summary of those that stand), of a\n"
"shift or of a help request. The approval share per community, activity\n"
"and month is vpoints report monthly --level approval.\n");

static const struct table_column training_record[] = {
	{ "id", N_("id"), NULL, false },
	{ "community", N_("community"), NULL, false },
	{ "course", N_("course"), NULL, false },
	{ "held_on", N_("held on"), NULL, false },
	{ "minutes", N_("hours"), table_hours, false },
	{ "trainer", N_("trainer"), NULL, false },
	{ "place", N_("place"), NULL, false },
	{ "qualification", N_("grants"), NULL, false },
	{ "valid_months", N_("valid (months)"), NULL, false },
	{ "attendees", N_("attended"), NULL, false },
};

static const struct table_column training_rows[] = {
	{ "id", N_("ID"), NULL, true },
	{ "held_on", N_("HELD ON"), NULL, false },
	{ "community", N_("COMMUNITY"), NULL, false },
	{ "minutes", N_("HOURS"), table_hours, true },
	{ "course", N_("COURSE"), NULL, false },
	{ "trainer", N_("TRAINER"), NULL, false },
	{ "place", N_("PLACE"), NULL, false },
	{ "qualification", N_("GRANTS"), NULL, false },
	{ "attendees", N_("ATTENDED"), NULL, false },
};

static const struct table_column grant_record[] = {
	{ "id", N_("id"), NULL, false },
	{ "volunteer", N_("volunteer"), NULL, false },
	{ "qualification", N_("qualification"), NULL, false },
	{ "issued_on", N_("issued on"), NULL, false },
	{ "expires_on", N_("expires on"), NULL, false },
	{ "valid", N_("valid today"), NULL, false },
	{ "training", N_("by training"), NULL, false },
	{ "note", N_("note"), NULL, false },
};

static const struct table_column grant_rows[] = {
	{ "volunteer", N_("VOLUNTEER"), NULL, false },
	{ "name", N_("NAME"), NULL, false },
	{ "community", N_("COMMUNITY"), NULL, false },
	{ "qualification", N_("QUALIFICATION"), NULL, false },
	{ "issued_on", N_("ISSUED"), NULL, false },
	{ "expires_on", N_("EXPIRES"), NULL, false },
	{ "valid", N_("VALID"), NULL, false },
	{ "training", N_("TRAINING"), NULL, true },
};

static const struct table_column award_record[] = {
	{ "id", N_("id"), NULL, false },
	{ "volunteer", N_("volunteer"), NULL, false },
	{ "title", N_("title"), NULL, false },
	{ "level", N_("level"), NULL, false },
	{ "awarded_on", N_("awarded on"), NULL, false },
	{ "issuer", N_("issuer"), NULL, false },
	{ "reason", N_("reason"), NULL, false },
	{ "corrects", N_("corrects"), NULL, false },
	{ "correction", N_("correction"), NULL, false },
	{ "withdrawn", N_("withdrawn"), NULL, false },
};

static const struct table_column award_rows[] = {
	{ "id", N_("ID"), NULL, true },
	{ "awarded_on", N_("AWARDED"), NULL, false },
	{ "level", N_("LEVEL"), NULL, false },
	{ "title", N_("TITLE"), NULL, false },
	{ "issuer", N_("ISSUER"), NULL, false },
	{ "reason", N_("REASON"), NULL, false },
	{ "corrects", N_("CORRECTS"), NULL, true },
	{ "withdrawn", N_("WITHDRAWN"), NULL, false },
};

static const struct table_column evaluation_record[] = {
	{ "id", N_("id"), NULL, false },
	{ "shift", N_("shift"), NULL, false },
	{ "help_request", N_("help request"), NULL, false },
	{ "volunteer", N_("volunteer"), NULL, false },
	{ "activity", N_("activity"), NULL, false },
	{ "role", N_("by"), NULL, false },
	{ "score", N_("score"), NULL, false },
	{ "comment", N_("comment"), NULL, false },
	{ "recorded_at", N_("recorded"), table_time, false },
	{ "reversed", N_("reversed"), NULL, false },
};

static const struct table_column evaluation_rows[] = {
	{ "id", N_("ID"), NULL, true },
	{ "recorded_at", N_("RECORDED"), table_time, false },
	{ "volunteer", N_("VOLUNTEER"), NULL, false },
	{ "shift", N_("SHIFT"), NULL, true },
	{ "help_request", N_("HELP"), NULL, true },
	{ "activity", N_("ACTIVITY"), NULL, false },
	{ "role", N_("BY"), NULL, false },
	{ "score", N_("SCORE"), NULL, true },
	{ "comment", N_("COMMENT"), NULL, false },
	{ "reversed", N_("REVERSED"), NULL, false },
};

/* Print the evaluations of a list, and a volunteer's summary under the
 * table for people. */
static int
evaluation_print_list(struct client *cl, const struct cmd *c, json_t *answer)
{
	json_t *summary = json_object_get(answer, "summary");

	client_rows(cl, "evaluations", evaluation_rows,
	    CMD_NITEMS(evaluation_rows), json_object_get(answer, "evaluations"));
	if (cl->format == CLIENT_TABLE && json_is_object(summary))
		printf(_("%lld evaluations stand, %lld of them scoring 4 or 5.\n"),
		    (long long)json_integer_value(json_object_get(summary,
		    "evaluations")), (long long)json_integer_value(
		    json_object_get(summary, "approving")));
	return WIRE_EXIT_OK;
}

static const struct cmd_option training_add_options[] = {
	CMD_OPT("course", CMD_STRING, "course", "TEXT", CMD_REQUIRED),
	CMD_OPT("held-on", CMD_DATE, "held_on", "YYYY-MM-DD", CMD_REQUIRED),
	CMD_OPT("hours", CMD_STRING, "hours", "H", CMD_REQUIRED),
	CMD_OPT("trainer", CMD_STRING, "trainer", "NAME", 0),
	CMD_OPT("place", CMD_STRING, "place", "TEXT", 0),
	CMD_OPT("qualification", CMD_STRING, "qualification", "Q", 0),
	CMD_OPT("valid-months", CMD_WHOLE, "valid_months", "N", 0),
	CMD_OPT("community", CMD_STRING, "community", "C", 0),
	CMD_END
};

static const struct cmd_option training_attend_args[] = {
	CMD_ARG("ID", CMD_STRING, "id"),
	CMD_ARG("VOLUNTEER", CMD_STRING, "volunteer"),
	CMD_END
};

static const struct cmd_option training_list_options[] = {
	CMD_OPT("volunteer", CMD_STRING, "volunteer", "N", 0),
	CMD_OPT("community", CMD_STRING, "community", "C", 0),
	CMD_OPT("from", CMD_DATE, "from", "YYYY-MM-DD", 0),
	CMD_OPT("to", CMD_DATE, "to", "YYYY-MM-DD", 0),
	CMD_END
};

static const struct cmd_verb training_verbs[] = {
	{ .name = "add", .options = training_add_options,
	    .op = WIRE_OP_TRAINING_ADD, .columns = training_record,
	    .ncolumns = CMD_NITEMS(training_record) },
	{ .name = "attend", .args = training_attend_args,
	    .op = WIRE_OP_TRAINING_ATTEND, .columns = training_record,
	    .ncolumns = CMD_NITEMS(training_record) },
	{ .name = "list", .options = training_list_options,
	    .op = WIRE_OP_TRAINING_LIST, CMD_ROWS("trainings", training_rows) },
};

const struct cmd_entry cmd_training_entry = {
	.name = "training",
	.summary = N_("training sessions and who attended (never service hours)"),
	.about = training_about,
	.verbs = training_verbs,
	.nverbs = CMD_NITEMS(training_verbs),
};

static const struct cmd_option qualification_grant_args[] = {
	CMD_ARG("VOLUNTEER", CMD_STRING, "volunteer"),
	CMD_ARG("QUALIFICATION", CMD_STRING, "qualification"),
	CMD_END
};

static const struct cmd_option qualification_grant_options[] = {
	CMD_OPT("issued-on", CMD_DATE, "issued_on", "YYYY-MM-DD", CMD_REQUIRED),
	CMD_OPT("expires-on", CMD_DATE, "expires_on", "YYYY-MM-DD", 0),
	CMD_OPT("note", CMD_STRING, "note", "TEXT", 0),
	CMD_END
};

static const struct cmd_option qualification_list_options[] = {
	CMD_OPT("volunteer", CMD_STRING, "volunteer", "N", 0),
	CMD_OPT("expiring-within", CMD_WHOLE, "expiring_within", "DAYS", 0),
	CMD_OPT("community", CMD_STRING, "community", "C", 0),
	CMD_END
};

static const struct cmd_verb qualification_verbs[] = {
	{ .name = "grant", .args = qualification_grant_args,
	    .options = qualification_grant_options,
	    .op = WIRE_OP_QUALIFICATION_GRANT, .columns = grant_record,
	    .ncolumns = CMD_NITEMS(grant_record) },
	{ .name = "list", .options = qualification_list_options,
	    .op = WIRE_OP_QUALIFICATION_LIST,
	    CMD_ROWS("qualifications", grant_rows) },
};

const struct cmd_entry cmd_qualification_entry = {
	.name = "qualification",
	.summary = N_("grant qualifications; list them, or those expiring soon"),
	.about = qualification_about,
	.verbs = qualification_verbs,
	.nverbs = CMD_NITEMS(qualification_verbs),
};

static const struct cmd_option award_volunteer[] = {
	CMD_ARG("VOLUNTEER", CMD_STRING, "volunteer"),
	CMD_END
};

static const struct cmd_option award_id[] = {
	CMD_ARG("ID", CMD_STRING, "id"),
	CMD_END
};

static const struct cmd_option award_add_options[] = {
	CMD_OPT("title", CMD_STRING, "title", "TEXT", CMD_REQUIRED),
	CMD_OPT("level", CMD_STRING, "level", "LEVEL", CMD_REQUIRED),
	CMD_OPT("awarded-on", CMD_DATE, "awarded_on", "YYYY-MM-DD",
	    CMD_REQUIRED),
	CMD_OPT("issuer", CMD_STRING, "issuer", "TEXT", CMD_REQUIRED),
	CMD_OPT("reason", CMD_STRING, "reason", "TEXT", 0),
	CMD_END
};

static const struct cmd_option award_correct_options[] = {
	CMD_OPT("correction", CMD_STRING, "correction", "TEXT", CMD_REQUIRED),
	CMD_OPT("title", CMD_STRING, "title", "TEXT", 0),
	CMD_OPT("level", CMD_STRING, "level", "LEVEL", 0),
	CMD_OPT("awarded-on", CMD_DATE, "awarded_on", "YYYY-MM-DD", 0),
	CMD_OPT("issuer", CMD_STRING, "issuer", "TEXT", 0),
	CMD_OPT("reason", CMD_STRING, "reason", "TEXT", 0),
	CMD_OPT("withdraw", CMD_FLAG, "withdraw", NULL, 0),
	CMD_END
};

static const struct cmd_option award_list_options[] = {
	CMD_OPT("all", CMD_FLAG, "all", NULL, 0),
	CMD_END
};

static const struct cmd_verb award_verbs[] = {
	{ .name = "add", .args = award_volunteer, .options = award_add_options,
	    .op = WIRE_OP_AWARD_ADD, .columns = award_record,
	    .ncolumns = CMD_NITEMS(award_record) },
	{ .name = "correct", .args = award_id, .options = award_correct_options,
	    .op = WIRE_OP_AWARD_CORRECT, .columns = award_record,
	    .ncolumns = CMD_NITEMS(award_record) },
	{ .name = "list", .args = award_volunteer, .options = award_list_options,
	    .op = WIRE_OP_AWARD_LIST, CMD_ROWS("awards", award_rows) },
};

const struct cmd_entry cmd_award_entry = {
	.name = "award",
	.summary = N_("awards and commendations: add, correct, list"),
	.about = award_about,
	.verbs = award_verbs,
	.nverbs = CMD_NITEMS(award_verbs),
};

static const struct cmd_option evaluation_add_options[] = {
	CMD_OPT("shift", CMD_WHOLE, "shift", "ID", 0),
	CMD_OPT("help-request", CMD_WHOLE, "help_request", "ID", 0),
	CMD_OPT("role", CMD_CHOICE, "role", "resident|lead", CMD_REQUIRED),
	CMD_OPT("score", CMD_WHOLE, "score", "1-5", CMD_REQUIRED),
	CMD_OPT("comment", CMD_STRING, "comment", "TEXT", 0),
	CMD_END
};

static const struct cmd_option evaluation_reverse_options[] = {
	CMD_OPT("reason", CMD_STRING, "reason", "TEXT", CMD_REQUIRED),
	CMD_END
};

static const struct cmd_option evaluation_list_options[] = {
	CMD_OPT("volunteer", CMD_STRING, "volunteer", "N", 0),
	CMD_OPT("shift", CMD_WHOLE, "shift", "ID", 0),
	CMD_OPT("help-request", CMD_WHOLE, "help_request", "ID", 0),
	CMD_END
};

static const struct cmd_verb evaluation_verbs[] = {
	{ .name = "add", .options = evaluation_add_options,
	    .op = WIRE_OP_EVALUATION_ADD, .columns = evaluation_record,
	    .ncolumns = CMD_NITEMS(evaluation_record) },
	{ .name = "reverse", .args = award_id,
	    .options = evaluation_reverse_options,
	    .op = WIRE_OP_EVALUATION_REVERSE, .columns = evaluation_record,
	    .ncolumns = CMD_NITEMS(evaluation_record) },
	{ .name = "list", .options = evaluation_list_options,
	    .op = WIRE_OP_EVALUATION_LIST, .flags = CMD_TABLES,
	    .print = evaluation_print_list },
};

const struct cmd_entry cmd_evaluation_entry = {
	.name = "evaluation",
	.summary = N_("evaluations of shifts and help by residents and leads"),
	.about = evaluation_about,
	.verbs = evaluation_verbs,
	.nverbs = CMD_NITEMS(evaluation_verbs),
};
