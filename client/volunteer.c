#include "config.h"

#include <sys/resource.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "client/client.h"
#include "client/cmd.h"
#include "client/headings.h"
#include "client/i18n.h"
#include "client/table.h"
#include "buf.h"
#include "wire.h"
#include "xmalloc.h"

static const char volunteer_about[] =
N_("NUMBER is the volunteer's public number, as on the card. Gender, birth\n"
"month, phone, skills and party membership (--party-member) are kept\n"
"only with --consent; --no-consent withdraws it, and they go.\n"
"--recruited-by N names the volunteer who brought this one in (of any\n"
"community of the city; not oneself, and no cycle; \"\" clears it). The\n"
"ID number is never stored: the daemon keeps a keyed hash and its last\n"
"four characters. A station registers in its own community; an admin\n"
"names --community. update changes only what it is given; --skill\n"
"replaces the list (--skill \"\" empties it); every change is kept with\n"
"--reason in the history that show --history prints. list: 100\n"
"volunteers unless --limit (at most 1000). With --csv, show --history\n"
"writes the history rows. add is queued in the outbox when vpointsd\n"
"cannot be reached (exit 75; see vpoints outbox --help); so it registers\n"
"on this machine's date unless --registered-on.\n"
"\n"
"ID numbers: --id-number - reads it from standard input (without echo\n"
"on a terminal), so that it stays out of the shell's history. It is never\n"
"kept on this machine: an add with an ID number that finds no vpointsd is\n"
"not queued (exit 69): run it again online, or register now without it\n"
"and give it later with update. A station gives a volunteer an ID number\n"
"once; only an admin corrects one. An ID number that is another\n"
"volunteer's is refused (exit 1) without saying whose: the city office\n"
"resolves the suspected duplicate; a key with 3 of them unresolved gets\n"
"no more writes with an ID number (exit 75) until it does.\n"
"\n"
"--no-consent withdraws consent, and status left ends it: gender, birth\n"
"month, phone, skills and party membership are erased from the\n"
"volunteer, its history and the daemon's stored answers. Service records\n"
"stay, under the number.\n"
"export: everything held about one volunteer, as JSON (to FILE, made\n"
"readable by its owner only, with --out).\n"
"duplicates (admin): the suspected duplicates, unresolved ones unless\n"
"--all; resolve ID: mark one dealt with, with a --note.\n"
"unblock: lift a volunteer's block for no-shows (see vpoints signup).\n"
"link: a new link to the volunteer's own page (sign-ups, hours, points,\n"
"a calendar to subscribe to), revoking the one before; prints its URL\n"
"and a QR code (--png FILE writes it for the card); --revoke only\n"
"revokes.\n"
"move (a key that acts for both communities, such as the city admin):\n"
"the volunteer belongs to community --to from now on, with their number,\n"
"history, hours, star level and certificates; their points go back to\n"
"the old community and come from the new one, two transfers the ledger\n"
"shows (the balance stays). Open check-ins, sign-ups and help requests\n"
"are settled by the old community's station first; the old community's\n"
"teams are left. Reports of the months before count them where they were.\n");

static const char balance_about[] =
N_("A volunteer's points, hours of service (hours:minutes) and the newest\n"
"transfers of points in and out of the account (20 unless --limit).\n"
"With --csv, the transfers.\n");

/* A volunteer as one record (show) and as list rows. */
static const struct table_column volunteer_record[] = {
	{ "number", N_("number"), NULL, false },
	{ "name", N_("name"), NULL, false },
	{ "community", N_("community"), NULL, false },
	{ "status", N_("status"), NULL, false },
	{ "registered_on", N_("registered"), NULL, false },
	{ "teams", N_("teams"), NULL, false },
	{ "minutes", N_("hours"), table_hours, false },
	{ "points", N_("points"), NULL, false },
	{ "star", N_("star"), NULL, false },
	{ "consent", N_("consent"), NULL, false },
	{ "gender", N_("gender"), NULL, false },
	{ "birth_month", N_("birth month"), NULL, false },
	{ "phone", N_("phone"), NULL, false },
	{ "skills", N_("skills"), NULL, false },
	{ "party_member", N_("party member"), NULL, false },
	{ "recruited_by", N_("recruited by"), NULL, false },
	{ "id_last4", N_("ID number ends"), NULL, false },
	{ "platform_number", N_("platform number"), NULL, false },
};

static const struct table_column volunteer_rows[] = {
	{ "number", NC_("volunteer", "NUMBER"), NULL, false },
	{ "name", NC_("person", "NAME"), NULL, false },
	{ "community", N_("COMMUNITY"), NULL, false },
	{ "status", N_("STATUS"), NULL, false },
	{ "points", N_("POINTS"), NULL, true },
	{ "registered_on", N_("REGISTERED"), NULL, false },
	{ "teams", N_("TEAMS"), NULL, false },
	{ "consent", NULL, NULL, false },
	{ "gender", NULL, NULL, false },
	{ "birth_month", NULL, NULL, false },
	{ "phone", NULL, NULL, false },
	{ "skills", NULL, NULL, false },
	{ "id_last4", NULL, NULL, false },
};

/* The first characters of a key id: enough to tell stations apart. */
static char *
volunteer_keyid(json_t *keyid)
{
	const char *s = json_string_value(keyid);

	return s != NULL ? xasprintf("%.8s", s) : xstrdup("");
}

static const struct table_column volunteer_history_rows[] = {
	{ "at", N_("AT"), table_time, false },
	{ "action", N_("ACTION"), NULL, false },
	{ "keyid", N_("BY"), volunteer_keyid, false },
	{ "reason", N_("REASON"), NULL, false },
	{ "changes", N_("CHANGES"), NULL, false },
	{ "data", NULL, NULL, false },
};

static const struct table_column volunteer_transfer_rows[] = {
	{ "id", N_("ID"), NULL, true },
	{ "at", N_("AT"), table_time, false },
	{ "amount", N_("AMOUNT"), NULL, true },
	{ "cause", N_("CAUSE"), NULL, false },
	{ "shift", N_("SHIFT"), NULL, true },
	{ "reversal_of", N_("REVERSES"), NULL, true },
	{ "memo", N_("MEMO"), NULL, false },
};

static const struct table_column duplicate_rows[] = {
	{ "id", N_("ID"), NULL, true },
	{ "at", N_("AT"), table_time, false },
	{ "station", N_("STATION"), NULL, false },
	{ "enrolled_by", N_("ENROLLED BY"), NULL, false },
	{ "operation", N_("OPERATION"), NULL, false },
	{ "volunteer", N_("VOLUNTEER"), NULL, false },
	{ "existing", N_("REGISTERED AS"), NULL, false },
	{ "existing_community", N_("IN"), NULL, false },
	{ "id_last4", N_("ID ENDS"), NULL, false },
	{ "resolved_at", N_("RESOLVED"), table_time, false },
	{ "note", N_("NOTE"), NULL, false },
	{ "keyid", NULL, NULL, false },
	{ "resolved_by", NULL, NULL, false },
};

/* Read an ID number from standard input, without echo on a terminal;
 * NULL, said, when there is none. */
static char *
volunteer_read_id(void)
{
	struct termios old, quiet;
	bool tty = isatty(STDIN_FILENO) != 0;
	char *line = NULL;
	size_t size = 0;
	ssize_t n;

	if (tty) {
		fprintf(stderr, _("ID number: "));
		if (tcgetattr(STDIN_FILENO, &old) != 0)
			tty = false;
	}
	if (tty) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	n = getline(&line, &size, stdin);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fprintf(stderr, "\n");
	}
	if (n <= 0) {
		free(line);
		fprintf(stderr, _("vpoints: --id-number -: no ID number on "
		    "standard input\n"));
		return NULL;
	}
	line[strcspn(line, "\r\n")] = '\0';
	return line;
}

/* --id-number ID, or - to read it from standard input. Core dumps are
 * off from here on: an ID number in memory goes to no file. */
static int
volunteer_id_number(const struct cmd *c, const struct cmd_option *o,
    const char *text, json_t **value)
{
	const struct rlimit none = { 0, 0 };
	char *line = NULL;

	setrlimit(RLIMIT_CORE, &none);
	if (strcmp(text, "-") == 0) {
		if ((line = volunteer_read_id()) == NULL)
			return WIRE_EXIT_DATAERR;
		text = line;
	}
	*value = json_string(text);
	if (line != NULL) {
		sodium_memzero(line, strlen(line));
		free(line);
	}
	if (*value == NULL) {
		fprintf(stderr, _("vpoints: %s: --id-number is not UTF-8\n"),
		    cmd_what(c));
		return WIRE_EXIT_DATAERR;
	}
	return 0;
}

/* Write an export: the JSON, indented, to --out (made 0600) or standard
 * output. */
static int
volunteer_print_export(struct client *cl, const struct cmd *c, json_t *export)
{
	const char *out = cmd_get(c, "out");
	char *text, *line;
	int rc = WIRE_EXIT_OK;

	if (out == NULL && cl->json)
		return WIRE_EXIT_OK;	/* printed as it came */
	if ((text = json_dumps(export, JSON_INDENT(2))) == NULL)
		abort();
	line = xasprintf("%s\n", text);
	rc = client_write_private(out, line, strlen(line));
	if (rc == WIRE_EXIT_OK && out != NULL && !cl->json)
		printf(_("volunteer %s: everything held written to %s\n"),
		    cmd_arg(c, 0), out);
	free(text);
	free(line);
	return rc;
}

/* Print what the daemon answered to an add or update. */
static int
volunteer_print_saved(struct client *cl, const struct cmd *c, json_t *v)
{
	printf(strcmp(cmd_sub(c), "add") == 0 ?
	    _("volunteer %s registered: %s, %s, community %s, %lld points\n") :
	    _("volunteer %s updated: %s, %s, community %s, %lld points\n"),
	    client_str(v, "number"), client_str(v, "name"),
	    heading_value("status", client_str(v, "status")),
	    client_str(v, "community"),
	    (long long)json_integer_value(json_object_get(v, "points")));
	return WIRE_EXIT_OK;
}

/* What one history row changed against prev, the volunteer as it was
 * before: "status=suspended, phone=-"; without prev, every field set. */
static char *
volunteer_changes(json_t *data, json_t *prev)
{
	struct buf b = { NULL, 0, 0 };
	const char *key;
	json_t *value;
	char *text;

	json_object_foreach(data, key, value) {
		if (prev != NULL && json_equal(value, json_object_get(prev,
		    key)))
			continue;
		if (prev == NULL && (json_is_null(value) ||
		    strcmp(key, "id") == 0 || strcmp(key, "community_id") == 0))
			continue;
		text = table_value(value, ",");
		if (b.len > 0)
			buf_puts(&b, ", ");
		buf_puts(&b, key);
		buf_puts(&b, "=");
		buf_puts(&b, *text != '\0' ? text : "-");
		free(text);
	}
	return b.data != NULL ? b.data : xstrdup("");
}

/* The history rows, each with what it changed as "changes". */
static json_t *
volunteer_history(json_t *history)
{
	json_t *rows = json_array(), *h, *row, *data, *prev = NULL;
	const char *action;
	char *text;
	size_t i;
	bool whole;

	json_array_foreach(history, i, h) {
		row = json_copy(h);
		data = json_object_get(h, "data");
		action = client_str(h, "action");
		/* Register and update rows hold the whole volunteer; others
		 * (team-join, team-leave) only what they are about. */
		whole = strcmp(action, "register") == 0 ||
		    strcmp(action, "update") == 0;
		text = volunteer_changes(data, whole ? prev : NULL);
		json_object_set_new(row, "changes", json_string(text));
		free(text);
		if (whole)
			prev = data;
		json_array_append_new(rows, row);
	}
	return rows;
}

/* Print a volunteer, and with --history what each change did. */
static int
volunteer_print_show(struct client *cl, const struct cmd *c, json_t *v)
{
	bool with_history = cmd_get(c, "history") != NULL;
	json_t *history;

	if (!with_history || !cl->csv)
		client_record(cl, "volunteer", volunteer_record,
		    CMD_NITEMS(volunteer_record), v);
	if (!with_history)
		return WIRE_EXIT_OK;
	if (cl->format == CLIENT_TABLE)
		printf(_("\nhistory:\n"));
	history = volunteer_history(json_object_get(v, "history"));
	client_rows(cl, "history", volunteer_history_rows,
	    CMD_NITEMS(volunteer_history_rows), history);
	json_decref(history);
	return WIRE_EXIT_OK;
}

/* Print a balance: the totals for people, then the transfers. */
static int
volunteer_print_balance(struct client *cl, const struct cmd *c,
    json_t *ledger)
{
	char *hours;

	if (cl->format == CLIENT_TABLE) {
		hours = table_hours(json_object_get(ledger, "minutes"));
		printf(_("volunteer  %s\npoints     %lld\nhours      %s\n\n"),
		    client_str(ledger, "volunteer"), (long long)
		    json_integer_value(json_object_get(ledger, "points")),
		    hours);
		free(hours);
	}
	client_rows(cl, "transfers", volunteer_transfer_rows,
	    CMD_NITEMS(volunteer_transfer_rows), json_object_get(ledger,
	    "transfers"));
	return WIRE_EXIT_OK;
}

static const struct cmd_option volunteer_number[] = {
	CMD_ARG("NUMBER", CMD_STRING, "number"),
	CMD_END
};

/* The fields that add and update both take, after --name. */
#define VOLUNTEER_FIELDS						\
	CMD_OPT("gender", CMD_CHOICE, "gender", "female|male|other", 0), \
	CMD_OPT("birth-month", CMD_STRING, "birth_month", "YYYY-MM", 0), \
	CMD_OPT("phone", CMD_STRING, "phone", "P", 0),			\
	CMD_OPT("skill", CMD_STRING, "skills", "S", CMD_LIST),		\
	{ "id-number", CMD_CUSTOM, .field = "id_number", .value = "ID|-", \
	    .parse = volunteer_id_number },				\
	CMD_OPT("consent", CMD_FLAG, "consent", NULL, 0),		\
	CMD_OPT("party-member", CMD_FLAG, "party_member", NULL, 0),	\
	CMD_OPT("recruited-by", CMD_STRING, "recruited_by", "N", 0),	\
	CMD_OPT("team", CMD_STRING, "teams", "T", CMD_LIST),		\
	CMD_OPT("platform-number", CMD_STRING, "platform_number", "N", 0)

static const struct cmd_option volunteer_add_options[] = {
	CMD_OPT("name", CMD_STRING, "name", "NAME", CMD_REQUIRED),
	CMD_OPT("community", CMD_STRING, "community", "C", 0),
	VOLUNTEER_FIELDS,
	/* The daemon's default is its today; a queued add keeps the day
	 * the command was run. */
	CMD_OPT("registered-on", CMD_STRING, "registered_on", "YYYY-MM-DD",
	    CMD_NOW),
	CMD_END
};

static const struct cmd_option volunteer_update_options[] = {
	CMD_OPT("name", CMD_STRING, "name", "NAME", 0),
	VOLUNTEER_FIELDS,
	CMD_OPT("no-consent", CMD_FLAG, "consent", NULL, CMD_FALSE),
	CMD_OPT("not-party-member", CMD_FLAG, "party_member", NULL,
	    CMD_FALSE),
	CMD_OPT("registered-on", CMD_STRING, "registered_on", "YYYY-MM-DD",
	    0),
	CMD_OPT("status", CMD_CHOICE, "status", "active|suspended|left", 0),
	CMD_OPT("reason", CMD_STRING, "reason", "TEXT", 0),
	CMD_END
};

static const struct cmd_option volunteer_list_options[] = {
	CMD_OPT("community", CMD_STRING, "community", "C", 0),
	CMD_OPT("team", CMD_STRING, "team", "T", 0),
	CMD_OPT("status", CMD_CHOICE, "status", "active|suspended|left", 0),
	CMD_OPT("limit", CMD_WHOLE, "limit", "N", 0),
	CMD_END
};

static const struct cmd_option volunteer_show_options[] = {
	CMD_OPT("history", CMD_FLAG, "history", NULL, 0),
	CMD_END
};

static const struct cmd_option volunteer_export_options[] = {
	CMD_OPT("out", CMD_STRING, NULL, "FILE", 0),
	CMD_END
};

static const struct cmd_option duplicate_list_options[] = {
	CMD_OPT("all", CMD_FLAG, "all", NULL, 0),
	CMD_OPT("limit", CMD_WHOLE, "limit", "N", 0),
	CMD_END
};

static const struct cmd_option duplicate_id[] = {
	CMD_ARG("ID", CMD_WHOLE, "id"),
	CMD_END
};

static const struct cmd_option duplicate_resolve_options[] = {
	CMD_OPT("note", CMD_STRING, "note", "TEXT", CMD_REQUIRED),
	CMD_END
};

static const struct cmd_option volunteer_unblock_options[] = {
	CMD_OPT("reason", CMD_STRING, "reason", "TEXT", CMD_REQUIRED),
	CMD_END
};

static const struct cmd_option volunteer_link_options[] = {
	CMD_OPT("revoke", CMD_FLAG, "revoke", NULL, 0),
	CMD_OPT("png", CMD_STRING, NULL, "FILE", 0),
	CMD_END
};

static const struct cmd_option volunteer_move_options[] = {
	CMD_OPT("to", CMD_STRING, "community", "COMMUNITY", CMD_REQUIRED),
	CMD_OPT("reason", CMD_STRING, "reason", "TEXT", CMD_REQUIRED),
	CMD_END
};

/* Print a move: where from and to, the points that went along, the
 * teams left behind, the page's link revoked. */
static int
volunteer_print_moved(struct client *cl, const struct cmd *c, json_t *v)
{
	json_t *move = json_object_get(v, "move"), *team;
	size_t i;

	printf(_("volunteer %s moved from community %s to %s; %lld points "
	    "moved with them\n"), client_str(v, "number"),
	    client_str(move, "from"), client_str(move, "to"),
	    (long long)json_integer_value(json_object_get(move, "points")));
	if (json_array_size(json_object_get(move, "teams_left")) > 0) {
		printf(_("teams of community %s left:"), client_str(move,
		    "from"));
		json_array_foreach(json_object_get(move, "teams_left"), i, team)
			printf(" %s", json_string_value(team));
		printf("\n");
	}
	if (json_object_get(move, "link_revoked") != NULL)
		printf(_("the link to their page was revoked: a station of "
		    "community %s gives them a new one (vpoints volunteer link "
		    "%s)\n"), client_str(move, "to"), client_str(v, "number"));
	return WIRE_EXIT_OK;
}

/* Print the lifted block. */
static int
volunteer_print_unblocked(struct client *cl, const struct cmd *c, json_t *a)
{
	printf(_("volunteer %s may sign up again (%lld no-shows lifted)\n"),
	    client_str(a, "volunteer"), (long long)json_integer_value(
	    json_object_get(a, "lifted")));
	return WIRE_EXIT_OK;
}

static const struct cmd_verb volunteer_verbs[] = {
	{ .name = "add", .args = volunteer_number,
	    .options = volunteer_add_options, .op = WIRE_OP_VOLUNTEER_ADD,
	    .flags = CMD_OFFLINE, .print = volunteer_print_saved },
	{ .name = "show", .args = volunteer_number,
	    .options = volunteer_show_options, .op = WIRE_OP_VOLUNTEER_GET,
	    .flags = CMD_TABLES, .print = volunteer_print_show },
	{ .name = "update", .args = volunteer_number,
	    .options = volunteer_update_options,
	    .op = WIRE_OP_VOLUNTEER_UPDATE, .flags = CMD_SOME,
	    .print = volunteer_print_saved },
	{ .name = "list", .options = volunteer_list_options,
	    .op = WIRE_OP_VOLUNTEER_LIST,
	    CMD_ROWS("volunteers", volunteer_rows) },
	{ .name = "export", .args = volunteer_number,
	    .options = volunteer_export_options,
	    .op = WIRE_OP_VOLUNTEER_EXPORT, .flags = CMD_PRINT_JSON,
	    .print = volunteer_print_export },
	{ .name = "duplicates", .options = duplicate_list_options,
	    .op = WIRE_OP_DUPLICATE_LIST,
	    CMD_ROWS("duplicates", duplicate_rows) },
	{ .name = "resolve", .args = duplicate_id,
	    .options = duplicate_resolve_options,
	    .op = WIRE_OP_DUPLICATE_RESOLVE, CMD_RECORD(duplicate_rows) },
	{ .name = "unblock", .args = volunteer_number,
	    .options = volunteer_unblock_options,
	    .op = WIRE_OP_VOLUNTEER_UNBLOCK,
	    .print = volunteer_print_unblocked },
	{ .name = "link", .args = volunteer_number,
	    .options = volunteer_link_options, .op = WIRE_OP_VOLUNTEER_LINK,
	    .print = event_print_link },
	{ .name = "move", .args = volunteer_number,
	    .options = volunteer_move_options, .op = WIRE_OP_VOLUNTEER_MOVE,
	    .print = volunteer_print_moved },
};

const struct cmd_entry cmd_volunteer_entry = {
	.name = "volunteer",
	.summary = N_("register, show, update, list, export and move volunteers"),
	.about = volunteer_about,
	.verbs = volunteer_verbs,
	.nverbs = CMD_NITEMS(volunteer_verbs),
};

static const struct cmd_option balance_args[] = {
	CMD_ARG("VOLUNTEER", CMD_STRING, "number"),
	CMD_END
};

static const struct cmd_option balance_options[] = {
	CMD_OPT("limit", CMD_WHOLE, "limit", "N", 0),
	CMD_END
};

static const struct cmd_verb balance_verbs[] = {
	{ .args = balance_args, .options = balance_options,
	    .op = WIRE_OP_VOLUNTEER_LEDGER, .flags = CMD_TABLES,
	    .print = volunteer_print_balance },
};

const struct cmd_entry cmd_balance_entry = {
	.name = "balance",
	.summary = N_("a volunteer's points, hours, transfers"),
	.about = balance_about,
	.verbs = balance_verbs,
	.nverbs = CMD_NITEMS(balance_verbs),
};
