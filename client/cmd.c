#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "client/call.h"
#include "client/cmd.h"
#include "client/i18n.h"
#include "client/offline.h"
#include "client/when.h"
#include "client/zone.h"
#include "buf.h"
#include "wire.h"
#include "xmalloc.h"

#define CMD_WIDTH	79	/* the widest line of a usage */
#define CMD_INDENT	32	/* the deepest indent of a wrapped synopsis */
#define CMD_HELP_COLUMN	19	/* where a global option's help starts */

/* An option as it was given. */
struct cmd_given {
	const struct cmd_option	*option;
	const char		*text;	/* its value; "" for a flag */
};

/* A command line parsed against its verb, then its request. */
struct cmd {
	const struct cmd_entry	*entry;
	const struct cmd_verb	*verb;	/* NULL until known */
	char			*what;	/* "volunteer add", as messages say */
	const char		**args;	/* positional, as given */
	size_t			 nargs;
	struct cmd_given	*given;	/* the verb's options, in order */
	size_t			 ngiven;
	enum wire_op		 op;
	char			*path;
	struct buf		 query;
	json_t			*body;	/* of a write; NULL for a read */
};

const struct cmd_option cmd_code[] = {
	CMD_ARG("CODE", CMD_STRING, "code"),
	CMD_END
};

/* The commands, in the order vpoints --help lists them. */
const struct cmd_entry *const cmd_table[] = {
	&cmd_status_entry,
	&cmd_keygen_entry,
	&cmd_region_entry,
	&cmd_community_entry,
	&cmd_station_entry,
	&cmd_volunteer_entry,
	&cmd_card_entry,
	&cmd_team_entry,
	&cmd_activity_entry,
	&cmd_event_entry,
	&cmd_signup_entry,
	&cmd_shift_entry,
	&cmd_import_entry,
	&cmd_balance_entry,
	&cmd_catalog_entry,
	&cmd_redeem_entry,
	&cmd_redemption_entry,
	&cmd_help_entry,
	&cmd_audit_entry,
	&cmd_report_entry,
	&cmd_export_entry,
	&cmd_star_levels_entry,
	&cmd_training_entry,
	&cmd_qualification_entry,
	&cmd_award_entry,
	&cmd_evaluation_entry,
	&cmd_certificate_entry,
	&cmd_month_entry,
	&cmd_outbox_entry,
	NULL
};

/* The global options, before or after the command. */
enum cmd_global {
	CMD_G_SERVER,
	CMD_G_KEY,
	CMD_G_CONFIG,
	CMD_G_CACERT,
	CMD_G_JSON,
	CMD_G_CSV,
	CMD_G_FORMAT,
	CMD_G_OUT,
	CMD_G_BOM,
	CMD_G_NO_BOM,
	CMD_G_TIMEOUT,
	CMD_G_RETRIES,
	CMD_G_IDEMPOTENCY_KEY,
	CMD_G_VERSION,
	CMD_G_HELP,
	CMD_G_COUNT
};

static const struct cmd_option cmd_globals[CMD_G_COUNT + 1] = {
	[CMD_G_SERVER] = CMD_OPT("server", CMD_STRING, NULL, "URL", 0),
	[CMD_G_KEY] = CMD_OPT("key", CMD_STRING, NULL, "FILE", 0),
	[CMD_G_CONFIG] = CMD_OPT("config", CMD_STRING, NULL, "FILE", 0),
	[CMD_G_CACERT] = CMD_OPT("cacert", CMD_STRING, NULL, "FILE", 0),
	[CMD_G_JSON] = CMD_OPT("json", CMD_FLAG, NULL, NULL, 0),
	[CMD_G_CSV] = CMD_OPT("csv", CMD_FLAG, NULL, NULL, 0),
	[CMD_G_FORMAT] = CMD_OPT("format", CMD_CHOICE, NULL, "FORMAT", 0),
	[CMD_G_OUT] = CMD_OPT("out", CMD_STRING, NULL, "FILE", 0),
	[CMD_G_BOM] = CMD_OPT("bom", CMD_FLAG, NULL, NULL, 0),
	[CMD_G_NO_BOM] = CMD_OPT("no-bom", CMD_FLAG, NULL, NULL, 0),
	[CMD_G_TIMEOUT] = CMD_OPT("timeout", CMD_STRING, NULL, "SECS", 0),
	[CMD_G_RETRIES] = CMD_OPT("retries", CMD_STRING, NULL, "N", 0),
	[CMD_G_IDEMPOTENCY_KEY] = CMD_OPT("idempotency-key", CMD_STRING, NULL,
	    "KEY", 0),
	[CMD_G_VERSION] = CMD_OPT("version", CMD_FLAG, NULL, NULL, 0),
	[CMD_G_HELP] = { "help", CMD_FLAG, .letter = 'h' },
	[CMD_G_COUNT] = CMD_END
};

/* What vpoints --help says of each global option. */
static const char *const cmd_globals_help[CMD_G_COUNT] = {
	[CMD_G_SERVER] = NULL,	/* cmd_usage_globals: names the default */
	[CMD_G_KEY] = N_("the station's secret key (else VPOINTS_KEY, else "
	    "the\nconfig file)"),
	[CMD_G_CONFIG] = N_("config file (else VPOINTS_CONFIG, else\n"
	    "~/.config/vpoints/config when it exists)"),
	[CMD_G_CACERT] = N_("trust only the CA certificates in FILE (PEM) for an\n"
	    "https:// server (else the config file's cacert =, else\n"
	    "the system's)"),
	[CMD_G_JSON] = N_("machine output: the daemon's JSON as it came"),
	[CMD_G_CSV] = N_(
	    "lists, records and balances as CSV (RFC 4180, UTF-8,\n"
	    "a header row; the config file's format = csv|json|table\n"
	    "sets the default)"),
	[CMD_G_FORMAT] = N_(
	    "table, csv, json (as --csv, --json), xlsx: lists,\n"
	    "records and reports as an Excel workbook with headings\n"
	    "in the user's language, or html: a report as a page to\n"
	    "print"),
	[CMD_G_OUT] = N_("write what would go to standard output to FILE\n"
	    "(through FILE.tmp, renamed when whole)"),
	[CMD_G_BOM] = N_(
	    "start CSV with the byte-order mark that Excel and WPS\n"
	    "need to read UTF-8 (the config file's bom = yes|no\n"
	    "sets the default)"),
	[CMD_G_NO_BOM] = N_("CSV without it"),
	[CMD_G_TIMEOUT] = N_("give up on an exchange after SECS (default 10)"),
	[CMD_G_RETRIES] = N_("retry a call N times on no answer, 5xx or 409,\n"
	    "re-signed, same Idempotency-Key (default 5)"),
	[CMD_G_IDEMPOTENCY_KEY] = N_("use KEY for the write instead of a new "
	    "UUID, so that\nrunning the same command again cannot apply it "
	    "twice"),
	[CMD_G_VERSION] = N_("print the version"),
	[CMD_G_HELP] = N_("print this help (vpoints COMMAND --help: a "
	    "command's)"),
};

static const char cmd_usage_head[] = N_(
"usage: vpoints [global options] COMMAND [args]\n"
"       vpoints COMMAND --help\n"
"\n"
"The vpoints station tool: talks to vpointsd, signing every request with\n"
"the station's key.\n"
"\n"
"Global options, before or after the command (vpoints --json balance V-1\n"
"is vpoints balance V-1 --json):\n");

static const char cmd_usage_tail[] = N_(
"\n"
"Exit codes:\n"
"   0  success\n"
"   1  the daemon refused the operation (a rule of the ledger)\n"
"  64  bad command line: vpoints says what was wrong, then the usage\n"
"  65  bad input data (refused as invalid, or not found)\n"
"  69  vpointsd or its database is unavailable\n"
"  70  internal error in the daemon or the client\n"
"  73  cannot write an output file\n"
"  75  temporary failure: try again (still in flight, overloaded), or\n"
"      the write was queued in the outbox\n"
"  77  signature rejected or permission denied, or the server's TLS\n"
"      certificate refused (CA, host name or pin)\n"
"  78  configuration or key file error\n");

static const char cmd_usage_offline[] = N_(
"\n"
"Offline: when vpointsd gives no answer at all after the retries\n"
"(connection refused, reset, timed out, or a proxy in front of it answers\n"
"502 or 504), shift log, checkin, checkout and volunteer add are queued in\n"
"a local outbox and exit 75; an answer, even 503, is not \"unreachable\"\n"
"(the daemon is up: the write fails as before), nor is a TLS certificate\n"
"refused (77).\n"
"vpoints outbox --help says more; vpoints outbox flush sends them.\n"
"\n"
"Commands:\n");

/* The command named name, or NULL. */
static const struct cmd_entry *
cmd_find(const char *name)
{
	size_t i;

	for (i = 0; cmd_table[i] != NULL; i++) {
		if (strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
	}
	return NULL;
}

/* True for a word that is an option: "-x" or "--xy", not "-". */
static bool
cmd_is_option(const char *word)
{
	return word[0] == '-' && word[1] != '\0';
}

/* The option of options named by the len bytes of name: the one of that
 * name, else the only one it begins (as getopt_long takes "--pop" for
 * "--population"); NULL with *ambiguous set when several begin so. */
static const struct cmd_option *
cmd_find_option(const struct cmd_option *options, const char *name,
    size_t len, bool *ambiguous)
{
	const struct cmd_option *o, *found = NULL;
	bool several = false;

	for (o = options; o != NULL && o->name != NULL; o++) {
		if (strncmp(o->name, name, len) != 0)
			continue;
		if (o->name[len] == '\0')
			return o;
		several = found != NULL;
		found = o;
	}
	*ambiguous = *ambiguous || several;
	return several ? NULL : found;
}

/* The option of options with the one-letter form letter, or NULL. */
static const struct cmd_option *
cmd_find_letter(const struct cmd_option *options, char letter)
{
	const struct cmd_option *o;

	for (o = options; o != NULL && o->name != NULL; o++) {
		if (o->letter != '\0' && o->letter == letter)
			return o;
	}
	return NULL;
}

/* Which of choices, "a|b|c", word is (0, 1, ...), or -1. */
static int
cmd_choice_index(const char *choices, const char *word)
{
	size_t len = strlen(word);
	const char *p;
	int i = 0;

	for (p = choices; p != NULL; p = strchr(p, '|'), i++) {
		if (*p == '|')
			p++;
		if (strncmp(p, word, len) == 0 && (p[len] == '|' ||
		    p[len] == '\0'))
			return i;
	}
	return -1;
}

/* Apply global option g with its value text; a usage error, or NULL. */
static char *
cmd_set_global(enum cmd_global g, const char *text, struct client *cl,
    struct settings_args *sa)
{
	char *end;
	long n;
	int i;

	switch (g) {
	case CMD_G_SERVER:
		sa->server = text;
		break;
	case CMD_G_KEY:
		sa->key = text;
		break;
	case CMD_G_CONFIG:
		sa->config = text;
		break;
	case CMD_G_CACERT:
		sa->cacert = text;
		break;
	case CMD_G_JSON:
		cl->json = true;
		break;
	case CMD_G_CSV:
		cl->csv = true;
		break;
	case CMD_G_FORMAT:
		if ((i = cmd_choice_index(CLIENT_FORMATS, text)) < 0)
			return xasprintf(_("--format wants %s, not \"%s\""),
			    CLIENT_FORMATS, text);
		cl->format_given = text;
		cl->format = (enum client_format)i;
		break;
	case CMD_G_OUT:
		cl->out = text;
		break;
	case CMD_G_BOM:
		cl->bom = true;
		break;
	case CMD_G_NO_BOM:
		cl->no_bom = true;
		break;
	case CMD_G_TIMEOUT:
		n = strtol(text, &end, 10);
		if (*end != '\0' || n < 1 || n > 3600)
			return xstrdup(_("--timeout wants 1 to 3600 seconds"));
		cl->timeout = (int)n;
		break;
	case CMD_G_RETRIES:
		n = strtol(text, &end, 10);
		if (*end != '\0' || n < 0 || n > 100)
			return xstrdup(_("--retries wants 0 to 100"));
		cl->retries = (int)n;
		break;
	case CMD_G_IDEMPOTENCY_KEY:
		cl->idempotency_key = text;
		break;
	case CMD_G_VERSION:
	case CMD_G_HELP:
	case CMD_G_COUNT:
	default:
		abort();
	}
	return NULL;
}

/* Take the option at argv[*i] and its value, leaving *i on the last word
 * taken: one of the verb's (c NULL or without a verb: none yet), else a
 * global one. */
static enum cmd_parsed
cmd_take_option(struct cmd *c, int argc, char **argv, int *i,
    struct client *cl, struct settings_args *sa, char **cause)
{
	const struct cmd_option *options, *o;
	const char *word = argv[*i], *name, *eq = NULL, *text = NULL;
	bool ambiguous = false, global = false;
	size_t len;

	options = c != NULL && c->verb != NULL ? c->verb->options : NULL;
	if (word[1] == '-') {
		name = word + 2;
		eq = strchr(name, '=');
		len = eq != NULL ? (size_t)(eq - name) : strlen(name);
		o = cmd_find_option(options, name, len, &ambiguous);
		if (o == NULL && !ambiguous)
			global = (o = cmd_find_option(cmd_globals, name, len,
			    &ambiguous)) != NULL;
		if (o == NULL) {
			*cause = xasprintf(ambiguous ?
			    _("ambiguous option --%.*s") :
			    _("unknown option --%.*s"), (int)len, name);
			return CMD_BAD;
		}
		if (eq != NULL && o->type == CMD_FLAG) {
			*cause = xasprintf(_("--%s takes no value"), o->name);
			return CMD_BAD;
		}
		if (eq != NULL)
			text = eq + 1;
	} else {
		if ((o = cmd_find_letter(options, word[1])) == NULL)
			global = (o = cmd_find_letter(cmd_globals,
			    word[1])) != NULL;
		if (o == NULL || (o->type == CMD_FLAG && word[2] != '\0')) {
			*cause = xasprintf(_("unknown option %s"), word);
			return CMD_BAD;
		}
		if (word[2] != '\0')
			text = word + 2;
	}
	if (o->type == CMD_FLAG)
		text = "";
	else if (text == NULL && *i + 1 < argc)
		text = argv[++*i];
	else if (text == NULL) {
		*cause = xasprintf(_("--%s wants a value"), o->name);
		return CMD_BAD;
	}
	if (global && o == &cmd_globals[CMD_G_HELP])
		return CMD_HELP;
	if (global && o == &cmd_globals[CMD_G_VERSION])
		return CMD_VERSION;
	if (global) {
		*cause = cmd_set_global((enum cmd_global)(o - cmd_globals),
		    text, cl, sa);
		return *cause != NULL ? CMD_BAD : CMD_PARSED;
	}
	c->given[c->ngiven++] = (struct cmd_given){ o, text };
	return CMD_PARSED;
}

/* The names of the verbs of e: "add, show, update or list". */
static char *
cmd_verb_names(const struct cmd_entry *e)
{
	struct buf b = { NULL, 0, 0 };
	size_t i;

	for (i = 0; i < e->nverbs; i++) {
		if (i > 0)
			buf_puts(&b, i + 1 < e->nverbs ? _(", ") : _(" or "));
		buf_puts(&b, e->verbs[i].name);
	}
	return b.data;
}

/* Find the verb at argv[*i], global options before it taken; moves *i
 * past it. A command without verbs has its one. */
static enum cmd_parsed
cmd_find_verb(struct cmd *c, int argc, char **argv, int *i,
    struct client *cl, struct settings_args *sa, char **cause)
{
	const struct cmd_entry *e = c->entry;
	enum cmd_parsed st;
	char *names;
	size_t v;

	if (e->verbs[0].name == NULL) {
		c->verb = &e->verbs[0];
		return CMD_PARSED;
	}
	for (; *i < argc && cmd_is_option(argv[*i]); (*i)++) {
		if (strcmp(argv[*i], "--") == 0) {
			(*i)++;
			break;
		}
		if ((st = cmd_take_option(c, argc, argv, i, cl, sa,
		    cause)) != CMD_PARSED)
			return st;
	}
	for (v = 0; *i < argc && v < e->nverbs; v++) {
		if (strcmp(argv[*i], e->verbs[v].name) == 0) {
			c->verb = &e->verbs[v];
			(*i)++;
			return CMD_PARSED;
		}
	}
	names = cmd_verb_names(e);
	if (*i < argc)
		*cause = xasprintf(_("\"%s\" is not %s"), argv[*i], names);
	else
		*cause = xasprintf(_("wants %s"), names);
	free(names);
	return CMD_BAD;
}

/* How many arguments or options a list holds. */
static size_t
cmd_count(const struct cmd_option *list)
{
	size_t n = 0;

	while (list != NULL && list[n].name != NULL)
		n++;
	return n;
}

/* The last value given to option o, or NULL. */
static const char *
cmd_given_text(const struct cmd *c, const struct cmd_option *o)
{
	size_t i;

	for (i = c->ngiven; i > 0; i--) {
		if (c->given[i - 1].option == o)
			return c->given[i - 1].text;
	}
	return NULL;
}

/* What the table says of a parsed command line beyond its words:
 * arguments, required options, choices, the verb's own check. */
static enum cmd_parsed
cmd_check(const struct cmd *c, char **cause)
{
	const struct cmd_verb *v = c->verb;
	const struct cmd_option *o;
	size_t want = cmd_count(v->args), i;
	const char *why;

	if (c->nargs < want) {
		*cause = xasprintf(_("%s is missing"), v->args[c->nargs].name);
		return CMD_BAD;
	}
	if (c->nargs > want) {
		*cause = xasprintf(_("unexpected argument \"%s\""),
		    c->args[want]);
		return CMD_BAD;
	}
	for (o = v->options; o != NULL && o->name != NULL; o++) {
		if ((o->flags & CMD_REQUIRED) && cmd_given_text(c, o) == NULL) {
			*cause = xasprintf(_("--%s is required"), o->name);
			return CMD_BAD;
		}
	}
	for (i = 0; i < c->ngiven; i++) {
		o = c->given[i].option;
		if (o->type == CMD_CHOICE &&
		    cmd_choice_index(o->value, c->given[i].text) < 0) {
			*cause = xasprintf(_("--%s wants %s, not \"%s\""),
			    o->name,
			    o->value, c->given[i].text);
			return CMD_BAD;
		}
	}
	if ((v->flags & CMD_SOME) && c->ngiven == 0) {
		*cause = xstrdup(_("wants at least one option"));
		return CMD_BAD;
	}
	if (v->check != NULL && (why = v->check(c)) != NULL) {
		*cause = xstrdup(why);
		return CMD_BAD;
	}
	return CMD_PARSED;
}

/* Whether the verb prints what --format asks: a workbook needs lists or
 * records, a page a report. */
static enum cmd_parsed
cmd_check_format(const struct cmd *c, const struct client *cl, char **cause)
{
	const struct cmd_verb *v = c->verb;

	if (cl->format_given == NULL)
		return CMD_PARSED;
	if (cl->format == CLIENT_XLSX && v->columns == NULL &&
	    !(v->flags & CMD_TABLES)) {
		*cause = xstrdup(_("--format xlsx is for lists, records and "
		    "reports; this command prints none"));
		return CMD_BAD;
	}
	if (cl->format == CLIENT_HTML && !(v->flags & CMD_PAGE)) {
		*cause = xstrdup(_("--format html is for reports"));
		return CMD_BAD;
	}
	return CMD_PARSED;
}

/* Parse a whole command line: global options, the command, its verb,
 * its arguments and options with global ones among them. *out is the
 * command once known (for its usage), even when the line is bad; *cause
 * says what is bad. */
enum cmd_parsed
cmd_parse(int argc, char **argv, struct client *cl, struct settings_args *sa,
    struct cmd **out, char **cause)
{
	const struct cmd_entry *e;
	enum cmd_parsed st;
	struct cmd *c;
	bool operands = false;
	int i = 1, j;

	*out = NULL;
	*cause = NULL;
	for (; i < argc && cmd_is_option(argv[i]); i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if ((st = cmd_take_option(NULL, argc, argv, &i, cl, sa,
		    cause)) != CMD_PARSED)
			return st;
	}
	if (i == argc) {
		*cause = xstrdup(_("no command"));
		return CMD_BAD;
	}
	if ((e = cmd_find(argv[i])) == NULL) {
		*cause = xasprintf(_("unknown command \"%s\""), argv[i]);
		return CMD_BAD;
	}
	c = *out = xcalloc(1, sizeof(*c));
	c->entry = e;
	c->args = xcalloc((size_t)argc, sizeof(*c->args));
	c->given = xcalloc((size_t)argc, sizeof(*c->given));
	for (j = i + 1; j < argc; j++) {
		if (strcmp(argv[j], "--help") == 0 ||
		    strcmp(argv[j], "-h") == 0)
			return CMD_HELP;
	}
	i++;
	if ((st = cmd_find_verb(c, argc, argv, &i, cl, sa, cause)) !=
	    CMD_PARSED)
		return st;
	c->what = c->verb->name != NULL ? xasprintf("%s %s", e->name,
	    c->verb->name) : xstrdup(e->name);
	for (; i < argc; i++) {
		if (!operands && strcmp(argv[i], "--") == 0) {
			operands = true;
		} else if (!operands && cmd_is_option(argv[i])) {
			if ((st = cmd_take_option(c, argc, argv, &i, cl, sa,
			    cause)) != CMD_PARSED)
				return st;
		} else {
			c->args[c->nargs++] = argv[i];
		}
	}
	if ((st = cmd_check(c, cause)) != CMD_PARSED)
		return st;
	return cmd_check_format(c, cl, cause);
}

/* True for a four-digit year. */
static bool
cmd_is_year(const char *text)
{
	return strlen(text) == 4 && strspn(text, "0123456789") == 4;
}

/* True for a date "YYYY-MM-DD" in shape; the daemon checks the rest. */
static bool
cmd_is_date(const char *text)
{
	return strlen(text) == 10 && strspn(text, "0123456789") == 4 &&
	    text[4] == '-' && strspn(text + 5, "0123456789") == 2 &&
	    text[7] == '-' && strspn(text + 8, "0123456789") == 2;
}

/* Whole numbers "1,2,3" as a JSON list; 0 or the exit code. */
static int
cmd_wholes(const char *label, const char *text, json_t **value)
{
	char *copy = xstrdup(text), *item, *next;
	long long n;
	int rc = 0;

	*value = json_array();
	for (item = copy; item != NULL; item = next) {
		if ((next = strchr(item, ',')) != NULL)
			*next++ = '\0';
		if ((rc = client_whole(label, item, &n)) != 0)
			break;
		json_array_append_new(*value, json_integer(n));
	}
	free(copy);
	if (rc != 0) {
		json_decref(*value);
		*value = NULL;
	}
	return rc;
}

/* What a value of each type must look like, as messages say it. */
static const char *const cmd_shapes[] = {
	[CMD_WHOLE] = N_("a whole number"),
	[CMD_WHOLES] = N_("a whole number"),
	[CMD_YEAR] = "YYYY",
	[CMD_MONTH] = "YYYY-MM",
	[CMD_DATE] = "YYYY-MM-DD",
	[CMD_TIME] = N_("RFC 3339, or a real \"YYYY-MM-DD HH:MM\" or \"HH:MM\" "
	    "of the programme's time zone"),
	[CMD_CUSTOM] = NULL
};

/* How messages name o: "--limit", an argument by its word ("ID"), or by
 * the command when the word is the shape it wants ("month close"). */
static char *
cmd_label(const struct cmd *c, const struct cmd_option *o)
{
	const struct cmd_option *a;
	const char *shape = cmd_shapes[o->type];

	for (a = c->verb->args; a != NULL && a->name != NULL; a++) {
		if (a == o)
			return xstrdup(shape != NULL &&
			    strcmp(o->name, shape) == 0 ? c->what : o->name);
	}
	return xasprintf("--%s", o->name);
}

/* The JSON value of text given to o (NULL for "" to a list); 0, or says
 * why not and returns the exit code. */
static int
cmd_value(const struct cmd *c, const struct cmd_option *o, const char *text,
    json_t **value)
{
	char rfc3339[WHEN_RFC3339_LEN], *label;
	long long n;
	bool ok = true;
	int rc = 0;

	*value = NULL;
	if ((o->flags & CMD_LIST) && *text == '\0')
		return 0;
	if (o->type == CMD_FLAG) {
		*value = json_boolean(!(o->flags & CMD_FALSE));
		return 0;
	}
	if (o->type == CMD_CUSTOM)
		return o->parse(c, o, text, value);
	label = cmd_label(c, o);
	switch (o->type) {
	case CMD_WHOLE:
		if ((rc = client_whole(label, text, &n)) == 0)
			*value = json_integer(n);
		goto done;
	case CMD_WHOLES:
		rc = cmd_wholes(label, text, value);
		goto done;
	case CMD_YEAR:
		ok = cmd_is_year(text);
		break;
	case CMD_MONTH:
		ok = client_is_month(text);
		break;
	case CMD_DATE:
		ok = cmd_is_date(text);
		break;
	case CMD_TIME:
		if ((ok = when_rfc3339(text, rfc3339, sizeof(rfc3339)) == 0))
			text = rfc3339;
		break;
	case CMD_STRING:
	case CMD_CHOICE:
		break;
	default:
		abort();
	}
	if (!ok) {
		fprintf(stderr, _("vpoints: %s wants %s, not \"%s\"\n"), label,
		    _(cmd_shapes[o->type]), text);
		rc = WIRE_EXIT_DATAERR;
	} else if ((*value = json_string(text)) == NULL) {
		fprintf(stderr, _("vpoints: %s: %s is not UTF-8; set the "
		    "terminal to UTF-8\n"), c->what, label);
		rc = WIRE_EXIT_DATAERR;
	}
done:
	free(label);
	return rc;
}

/* A value as a path segment or query parameter. */
static char *
cmd_text(json_t *value)
{
	if (json_is_integer(value))
		return xasprintf("%lld", (long long)json_integer_value(value));
	if (json_is_boolean(value))
		return xstrdup(json_is_true(value) ? "1" : "0");
	if (!json_is_string(value))
		abort();
	return xstrdup(json_string_value(value));
}

/* Put the value of o given as text where the request takes it: the
 * route's {} segment, the query of a read, the body of a write. */
static int
cmd_put(struct cmd *c, const struct cmd_option *o, const char *text)
{
	const struct wire_route *route = wire_route(c->op);
	json_t *value, *list;
	char *s;
	int rc;

	if ((rc = cmd_value(c, o, text, &value)) != 0)
		return rc;
	if (route->param != NULL && strcmp(o->field, route->param) == 0) {
		s = cmd_text(value);
		c->path = wire_path(c->op, s);
		free(s);
	} else if (c->body == NULL) {
		s = cmd_text(value);
		net_query_add(&c->query, o->field, s);
		free(s);
	} else if (o->flags & CMD_LIST) {
		if ((list = json_object_get(c->body, o->field)) == NULL) {
			list = json_array();
			json_object_set_new(c->body, o->field, list);
		}
		if (value != NULL)
			json_array_append(list, value);
	} else {
		json_object_set(c->body, o->field, value);
	}
	json_decref(value);
	return 0;
}

/* Put the field of option o: every value given to the options of that
 * field, in the order given (for a list each, else the last counts), or
 * what stands when none is. The first option of a field puts it. */
static int
cmd_put_option(struct client *cl, struct cmd *c, const struct cmd_option *o)
{
	const struct cmd_option *p;
	char now[WHEN_RFC3339_LEN];
	size_t i, n = 0;
	int rc;

	if (o->field == NULL)
		return 0;
	for (p = c->verb->options; p != o; p++) {
		if (p->field != NULL && strcmp(p->field, o->field) == 0)
			return 0;
	}
	for (i = 0; i < c->ngiven; i++) {
		p = c->given[i].option;
		if (p->field == NULL || strcmp(p->field, o->field) != 0)
			continue;
		if ((rc = cmd_put(c, p, c->given[i].text)) != 0)
			return rc;
		n++;
	}
	if (n > 0)
		return 0;
	if (o->flags & CMD_NOW) {
		rc = o->type == CMD_TIME ?
		    when_format(cl->started, now, sizeof(now)) :
		    when_date(cl->started, now, sizeof(now));
		if (rc != 0)
			abort();
		return cmd_put(c, o, now);
	}
	return o->fallback != NULL ? cmd_put(c, o, o->fallback) : 0;
}

/* Build the request of a parsed command: its route (an option may
 * switch it), the path, and the query of a read or the body of a write
 * from the arguments and options. 0, or says why not and returns the
 * exit code. */
int
cmd_build(struct client *cl, struct cmd *c)
{
	const struct cmd_verb *v = c->verb;
	const struct cmd_option *o;
	char *what;
	size_t i;
	int rc;

	if (v->flags & CMD_LOCAL)
		return 0;
	c->op = v->op;
	for (i = 0; i < c->ngiven; i++) {
		if (c->given[i].option->flags & CMD_SWITCH) {
			c->op = c->given[i].option->op;
			what = xasprintf("%s --%s", c->what,
			    c->given[i].option->name);
			free(c->what);
			c->what = what;
		}
	}
	if (strcmp(wire_route(c->op)->method, "GET") != 0)
		c->body = json_object();
	for (i = 0; i < c->nargs; i++) {
		if (v->args[i].field != NULL &&
		    (rc = cmd_put(c, &v->args[i], c->args[i])) != 0)
			return rc;
	}
	for (o = v->options; o != NULL && o->name != NULL; o++) {
		if ((rc = cmd_put_option(cl, c, o)) != 0)
			return rc;
	}
	if (c->path == NULL)
		c->path = wire_path(c->op, NULL);
	return 0;
}

/* Print a successful answer as the verb says. */
static int
cmd_print(struct client *cl, const struct cmd *c, json_t *answer)
{
	const struct cmd_verb *v = c->verb;

	if (v->print != NULL)
		return v->print(cl, c, answer);
	if (v->columns == NULL)
		return WIRE_EXIT_OK;
	if (v->rows != NULL)
		client_rows(cl, v->rows, v->columns, v->ncolumns,
		    json_object_get(answer, v->rows));
	else
		client_record(cl, c->entry->name, v->columns, v->ncolumns,
		    answer);
	return WIRE_EXIT_OK;
}

/* Call vpointsd (or queue the write in the outbox) and print the answer,
 * or let the verb's run do it; the exit code. */
static int
cmd_run(struct client *cl, struct cmd *c)
{
	const struct cmd_verb *v = c->verb;
	const char *method;
	json_t *answer = NULL;
	int rc;

	if (v->run != NULL)
		return v->run(cl, c);
	method = wire_route(c->op)->method;
	if (v->flags & CMD_OFFLINE)
		rc = offline_run(cl, c->what, method, c->path, c->body,
		    &answer);
	else
		rc = call_run(cl, c->what, method, c->path, c->query.data,
		    c->body, &answer);
	if (rc == WIRE_EXIT_OK && (!cl->json || (v->flags & CMD_PRINT_JSON)))
		rc = cmd_print(cl, c, answer);
	json_decref(answer);
	return rc;
}

/* Run a parsed command: build its request, run it, and put what it
 * printed where the output goes (client_begin); the exit code. */
int
cmd_exec(struct client *cl, struct cmd *c)
{
	int rc;

	/* Times typed and printed are in the programme's zone; a command
	 * that calls no route takes it from the cache or the config only. */
	zone_setup(cl, !(c->verb->flags & CMD_LOCAL));
	if ((rc = cmd_build(cl, c)) != 0)
		return rc;
	if ((rc = client_begin(cl)) != 0)
		return rc;
	return client_end(cl, cmd_run(cl, c));
}

/* Add word to the usage line in b, first starting a new line indented
 * indent when it would grow wider than CMD_WIDTH. */
static void
cmd_word(FILE *f, struct buf *b, size_t indent, char *word)
{
	if (b->len + 1 + strlen(word) > CMD_WIDTH && b->len > indent) {
		fprintf(f, "%s\n", b->data);
		b->len = 0;
		b->data[0] = '\0';
		while (b->len < indent - 1)
			buf_puts(b, " ");
	}
	buf_puts(b, " ");
	buf_puts(b, word);
	free(word);
}

/* The usage word of option o: "--name NAME", "[--all]", "[--skill S]...". */
static char *
cmd_option_word(const struct cmd_option *o)
{
	const char *open = (o->flags & CMD_REQUIRED) ? "" : "[";
	const char *close = (o->flags & CMD_REQUIRED) ? "" :
	    (o->flags & CMD_LIST) ? "]..." : "]";

	if (o->type == CMD_FLAG)
		return xasprintf("%s--%s%s", open, o->name, close);
	return xasprintf("%s--%s %s%s", open, o->name, o->value, close);
}

/* Print the synopsis of verb v of e after lead, wrapped: its arguments,
 * its required options, then the others. */
static void
cmd_synopsis(FILE *f, const char *lead, const struct cmd_entry *e,
    const struct cmd_verb *v)
{
	struct buf b = { NULL, 0, 0 };
	const struct cmd_option *o;
	size_t indent;
	int pass;

	buf_puts(&b, lead);
	buf_puts(&b, "vpoints ");
	buf_puts(&b, e->name);
	if (v->name != NULL) {
		buf_puts(&b, " ");
		buf_puts(&b, v->name);
	}
	indent = table_width(b.data) + 1;	/* a translated lead */
	if (indent > CMD_INDENT)
		indent = CMD_INDENT;
	for (o = v->args; o != NULL && o->name != NULL; o++)
		cmd_word(f, &b, indent, xstrdup(o->name));
	for (pass = 0; pass < 2; pass++) {
		for (o = v->options; o != NULL && o->name != NULL; o++) {
			if (((o->flags & CMD_REQUIRED) != 0) == (pass == 0))
				cmd_word(f, &b, indent, cmd_option_word(o));
		}
	}
	fprintf(f, "%s\n", b.data);
	free(b.data);
}

/* Print the global options and what each does. */
static void
cmd_usage_globals(FILE *f)
{
	const struct cmd_option *o;
	const char *help;
	char *word, *owned = NULL;
	size_t i;

	for (i = 0; i < CMD_G_COUNT; i++) {
		o = &cmd_globals[i];
		word = o->type == CMD_FLAG ? xasprintf("--%s", o->name) :
		    xasprintf("--%s %s", o->name, o->value);
		if (strlen(word) + 3 < CMD_HELP_COLUMN)
			fprintf(f, "  %-*s", CMD_HELP_COLUMN - 2, word);
		else
			fprintf(f, "  %s\n%*s", word, CMD_HELP_COLUMN, "");
		if (i == CMD_G_SERVER)
			help = owned = xasprintf(_("vpointsd address (else "
			    "VPOINTS_SERVER, else the config\nfile, else %s)"),
			    WIRE_DEFAULT_SERVER);
		else
			help = _(cmd_globals_help[i]);
		for (; *help != '\0'; help++) {
			fputc(*help, f);
			if (*help == '\n')
				fprintf(f, "%*s", CMD_HELP_COLUMN, "");
		}
		fputc('\n', f);
		free(owned);
		owned = NULL;
		free(word);
	}
}

/* Print the usage of c's command, or (c NULL) of vpoints. */
void
cmd_usage(FILE *f, const struct cmd *c)
{
	const struct cmd_entry *e;
	const char *lead;
	char *indent;
	size_t i;

	if (c == NULL) {
		fputs(_(cmd_usage_head), f);
		cmd_usage_globals(f);
		fputs(_(cmd_usage_offline), f);
		for (i = 0; cmd_table[i] != NULL; i++)
			fprintf(f, "  %-14s %s\n", cmd_table[i]->name,
			    _(cmd_table[i]->summary));
		fputs(_(cmd_usage_tail), f);
		return;
	}
	e = c->entry;
	/* The lines after the first line up under its lead. */
	lead = _("usage: ");
	indent = xasprintf("%*s", (int)table_width(lead), "");
	for (i = 0; i < e->nverbs; i++)
		cmd_synopsis(f, i == 0 ? lead : indent, e, &e->verbs[i]);
	free(indent);
	if (e->about != NULL)
		fprintf(f, "\n%s", _(e->about));
}

/* Free a command and its request. */
void
cmd_free(struct cmd *c)
{
	if (c == NULL)
		return;
	json_decref(c->body);
	free(c->query.data);
	free(c->path);
	free(c->what);
	free(c->given);
	free(c->args);
	free(c);
}

/* The command as messages name it: "volunteer add". */
const char *
cmd_what(const struct cmd *c)
{
	return c->what != NULL ? c->what : c->entry->name;
}

/* The verb's name, or NULL for a command without verbs. */
const char *
cmd_sub(const struct cmd *c)
{
	return c->verb->name;
}

/* Positional argument i. */
const char *
cmd_arg(const struct cmd *c, size_t i)
{
	if (i >= c->nargs)
		abort();
	return c->args[i];
}

/* The verb's option name. */
static const struct cmd_option *
cmd_option_named(const struct cmd *c, const char *name)
{
	const struct cmd_option *o;

	for (o = c->verb->options; o != NULL && o->name != NULL; o++) {
		if (strcmp(o->name, name) == 0)
			return o;
	}
	abort();
}

/* The value given to the verb's option name (the last, when given more
 * than once; "" for a flag), else its fallback, else NULL. */
const char *
cmd_get(const struct cmd *c, const char *name)
{
	const struct cmd_option *o = cmd_option_named(c, name);
	const char *text = cmd_given_text(c, o);

	return text != NULL ? text : o->fallback;
}

/* Which of its choices the CMD_CHOICE option name was given (0, 1, ...),
 * or -1 when it was not. */
int
cmd_choice(const struct cmd *c, const char *name)
{
	const struct cmd_option *o = cmd_option_named(c, name);
	const char *text = cmd_given_text(c, o);

	return text != NULL ? cmd_choice_index(o->value, text) : -1;
}

/* The built request's path. */
const char *
cmd_path(const struct cmd *c)
{
	return c->path;
}

/* The built request's query, or NULL. */
const char *
cmd_query(const struct cmd *c)
{
	return c->query.data;
}

/* The built request's body, or NULL for a read. */
json_t *
cmd_body(const struct cmd *c)
{
	return c->body;
}

/* The built request's route. */
enum wire_op
cmd_op(const struct cmd *c)
{
	return c->op;
}
