/* Unit tests of client/cmd.c: the command line parsed against the command
 * tables (global options anywhere, abbreviations, usage errors), the
 * requests built from it (path, query, JSON body), the usage texts, and
 * the tables themselves (every route's {} filled, every option shown). */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "tests/unit/unit.h"
#include "client/cmd.h"
#include "client/headings.h"
#include "client/when.h"
#include "keyfile.h"
#include "routes.h"
#include "wire.h"
#include "xmalloc.h"

/* A command line: "vpoints" and the words given, NULL-ended. */
#define LINE(...)	((const char *[]){ "vpoints", __VA_ARGS__, NULL })

static struct client cl;
static struct settings_args sa;
static struct cmd *c;
static char *cause;
static char *argv[32];	/* the line parsed last, which c points into */

/* A client as main makes it, before its command line. */
static void
client_reset(void)
{
	memset(&cl, 0, sizeof(cl));
	cl.started = 1791162123;	/* 2026-10-05T01:02:03Z */
	cl.timeout = 10;
	cl.retries = 5;
}

/* A client as main makes it, in UTC. */
static void
setup(void)
{
	client_reset();
	memset(&sa, 0, sizeof(sa));
	c = NULL;
	cause = NULL;
	setenv("TZ", "UTC", 1);
	tzset();
}

/* Free what a test parsed. */
static void
teardown(void)
{
	size_t i;

	cmd_free(c);
	c = NULL;
	free(cause);
	cause = NULL;
	for (i = 0; argv[i] != NULL; i++) {
		free(argv[i]);
		argv[i] = NULL;
	}
}

/* Parse words, NULL-ended, as main does its command line. */
static enum cmd_parsed
parse(const char *const *words)
{
	int argc;

	teardown();
	for (argc = 0; words[argc] != NULL; argc++)
		argv[argc] = xstrdup(words[argc]);
	return cmd_parse(argc, argv, &cl, &sa, &c, &cause);
}

/* Parse and build words; the exit code of the build. */
static int
build(const char *const *words)
{
	ck_assert_int_eq(parse(words), CMD_PARSED);
	return cmd_build(&cl, c);
}

/* The body built, as compact JSON. */
static char *
body(void)
{
	char *text = json_dumps(cmd_body(c), JSON_COMPACT);

	ck_assert_ptr_nonnull(text);
	return text;
}

/* Assert the body built is exactly want. */
static void
body_is(const char *want)
{
	char *text = body();

	ck_assert_str_eq(text, want);
	free(text);
}

START_TEST(globals_after_the_command)
{
	ck_assert_int_eq(parse(LINE("balance", "V-001", "--json")),
	    CMD_PARSED);
	ck_assert(cl.json);
	ck_assert_str_eq(cmd_what(c), "balance");
	ck_assert_str_eq(cmd_arg(c, 0), "V-001");
	teardown();
	client_reset();
	ck_assert_int_eq(parse(LINE("--json", "balance", "V-001")),
	    CMD_PARSED);
	ck_assert(cl.json);
	ck_assert_str_eq(cmd_arg(c, 0), "V-001");
}
END_TEST

START_TEST(globals_anywhere)
{
	ck_assert_int_eq(parse(LINE("--csv", "volunteer", "--server",
	    "http://h:1", "list", "--limit", "5", "--key", "k.key",
	    "--timeout", "7", "--retries=0", "--idempotency-key", "abc",
	    "--config", "c.conf")), CMD_PARSED);
	ck_assert(cl.csv);
	ck_assert(!cl.json);
	ck_assert_str_eq(sa.server, "http://h:1");
	ck_assert_str_eq(sa.key, "k.key");
	ck_assert_str_eq(sa.config, "c.conf");
	ck_assert_int_eq(cl.timeout, 7);
	ck_assert_int_eq(cl.retries, 0);
	ck_assert_str_eq(cl.idempotency_key, "abc");
	ck_assert_str_eq(cmd_what(c), "volunteer list");
	ck_assert_str_eq(cmd_get(c, "limit"), "5");
	ck_assert_ptr_null(cmd_get(c, "team"));
}
END_TEST

START_TEST(help_and_version)
{
	ck_assert_int_eq(parse(LINE("--help")), CMD_HELP);
	ck_assert_ptr_null(c);
	ck_assert_int_eq(parse(LINE("-h")), CMD_HELP);
	ck_assert_int_eq(parse(LINE("--version")), CMD_VERSION);
	/* Anywhere after the command, even where the line is bad. */
	ck_assert_int_eq(parse(LINE("shift", "log", "--help")), CMD_HELP);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(parse(LINE("volunteer", "-h")), CMD_HELP);
	ck_assert_int_eq(parse(LINE("balance", "V-1", "--version")),
	    CMD_VERSION);
}
END_TEST

START_TEST(forms_of_options)
{
	ck_assert_int_eq(parse(LINE("community", "add", "C1", "--pop", "5",
	    "--name=East side")), CMD_PARSED);
	ck_assert_str_eq(cmd_get(c, "population"), "5");
	ck_assert_str_eq(cmd_get(c, "name"), "East side");
	/* The last of an option given twice counts. */
	ck_assert_int_eq(parse(LINE("community", "add", "C1", "--name", "a",
	    "--population", "5", "--name", "b")), CMD_PARSED);
	ck_assert_str_eq(cmd_get(c, "name"), "b");
	/* "--" ends the options; "-" is an argument. */
	ck_assert_int_eq(parse(LINE("balance", "--", "-V")), CMD_PARSED);
	ck_assert_str_eq(cmd_arg(c, 0), "-V");
	ck_assert_int_eq(parse(LINE("certificate", "verify", "-", "--pubkey",
	    "k.pub")), CMD_PARSED);
	ck_assert_str_eq(cmd_arg(c, 0), "-");
	/* A one-letter form, with its value apart or joined. */
	ck_assert_int_eq(parse(LINE("keygen", "-o", "a.key")), CMD_PARSED);
	ck_assert_str_eq(cmd_get(c, "out"), "a.key");
	ck_assert_int_eq(parse(LINE("keygen", "-ob.key")), CMD_PARSED);
	ck_assert_str_eq(cmd_get(c, "out"), "b.key");
	/* A prefix of a verb's option wins over a global one it begins too
	 * (--con: --consent, not --config). */
	ck_assert_int_eq(parse(LINE("volunteer", "add", "V-1", "--name", "x",
	    "--cons")), CMD_PARSED);
	ck_assert_ptr_nonnull(cmd_get(c, "consent"));
	ck_assert_ptr_null(sa.config);
	ck_assert_int_eq(parse(LINE("volunteer", "add", "V-1", "--name", "x",
	    "--conf", "c.conf")), CMD_PARSED);
	ck_assert_str_eq(sa.config, "c.conf");
}
END_TEST

/* A bad command line and what it says. */
struct bad_line {
	const char	*words[8];
	const char	*what;		/* NULL: before the command is known */
	const char	*cause;
};

START_TEST(usage_errors)
{
	static const struct bad_line lines[] = {
		{ { "shift", "log", "V-1", "--start", "2026-10-05 09:00",
		    "--end", "2026-10-05 10:00" }, "shift log",
		    "--activity is required" },
		{ { "volunteer", "show", "V-1", "--bogus" }, "volunteer show",
		    "unknown option --bogus" },
		{ { "shift", "checkout", "1", "--place", "x" },
		    "shift checkout", "unknown option --place" },
		{ { "balance" }, "balance", "VOLUNTEER is missing" },
		{ { "team", "join", "t" }, "team join",
		    "VOLUNTEER is missing" },
		{ { "audit", "now" }, "audit", "unexpected argument \"now\"" },
		{ { "volunteer", "add", "V-1", "--name", "x", "--gender",
		    "robot" }, "volunteer add",
		    "--gender wants female|male|other, not \"robot\"" },
		{ { "team", "frob" }, "team",
		    "\"frob\" is not add, list, join or leave" },
		{ { "month" }, "month", "wants close or list" },
		{ { "volunteer", "add", "V-1", "--co", "C1" }, "volunteer add",
		    "ambiguous option --co" },
		{ { "catalog", "list", "--all=yes" }, "catalog list",
		    "--all takes no value" },
		{ { "catalog", "list", "--station" }, "catalog list",
		    "--station wants a value" },
		{ { "volunteer", "update", "V-1" }, "volunteer update",
		    "wants at least one option" },
		{ { "station", "add", "S1", "--name", "x", "--pubkey", "k" },
		    "station add", "--community is required for a station" },
		{ { "certificate", "issue", "V-1", "--from", "2026-01-01" },
		    "certificate issue", "wants --year, or --from and --to" },
		{ { "balance", "V-1", "--timeout", "0" }, "balance",
		    "--timeout wants 1 to 3600 seconds" },
		{ { "keygen", "-x" }, "keygen", "unknown option -x" },
		{ { "--retries", "101", "status" }, NULL,
		    "--retries wants 0 to 100" },
		{ { "--bogus", "status" }, NULL, "unknown option --bogus" },
		{ { "frobnicate" }, NULL, "unknown command \"frobnicate\"" },
		{ { "--json" }, NULL, "no command" },
	};
	const char *words[10];
	size_t i, n;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		teardown();
		setup();
		words[0] = "vpoints";
		for (n = 0; lines[i].words[n] != NULL; n++)
			words[n + 1] = lines[i].words[n];
		words[n + 1] = NULL;
		ck_assert_msg(parse(words) == CMD_BAD, "line %zu parsed", i);
		ck_assert_str_eq(cause, lines[i].cause);
		if (lines[i].what == NULL)
			ck_assert_ptr_null(c);
		else
			ck_assert_str_eq(cmd_what(c), lines[i].what);
	}
}
END_TEST

START_TEST(bodies)
{
	char now[WHEN_RFC3339_LEN], *text;

	ck_assert_int_eq(build(LINE("volunteer", "add", "V-1", "--team",
	    "env", "--skill", "a", "--consent", "--name", "Zhang",
	    "--skill", "b", "--registered-on", "2026-01-02")), 0);
	ck_assert_int_eq(cmd_op(c), WIRE_OP_VOLUNTEER_ADD);
	ck_assert_str_eq(cmd_path(c), "/v1/volunteers");
	ck_assert_ptr_null(cmd_query(c));
	body_is("{\"number\":\"V-1\",\"name\":\"Zhang\",\"skills\":[\"a\","
	    "\"b\"],\"consent\":true,\"teams\":[\"env\"],"
	    "\"registered_on\":\"2026-01-02\"}");
	/* Left out, the date the command was run. */
	ck_assert_int_eq(build(LINE("volunteer", "add", "V-1", "--name",
	    "Zhang")), 0);
	body_is("{\"number\":\"V-1\",\"name\":\"Zhang\","
	    "\"registered_on\":\"2026-10-05\"}");
	/* The last of --consent and --no-consent counts; --skill "" sends
	 * an empty list; the number goes in the path, percent-encoded. */
	ck_assert_int_eq(build(LINE("volunteer", "update", "V 1/2",
	    "--consent", "--skill", "", "--no-consent")), 0);
	ck_assert_str_eq(cmd_path(c), "/v1/volunteers/V%201%2F2");
	body_is("{\"skills\":[],\"consent\":false}");
	/* Times: RFC 3339 as given, local ones with their offset. */
	ck_assert_int_eq(build(LINE("shift", "log", "V-1", "--end",
	    "2026-10-05 11:30", "--activity", "clean", "--start",
	    "2026-10-05T09:00:00+08:00", "--place", "Main St")), 0);
	body_is("{\"volunteer\":\"V-1\",\"activity\":\"clean\","
	    "\"started_at\":\"2026-10-05T09:00:00+08:00\","
	    "\"ended_at\":\"2026-10-05T11:30:00+00:00\","
	    "\"place\":\"Main St\"}");
	/* Left out, the time the command was run; the ID as a number. */
	ck_assert_int_eq(when_format(cl.started, now, sizeof(now)), 0);
	ck_assert_int_eq(build(LINE("shift", "checkout", "007")), 0);
	ck_assert_str_eq(cmd_path(c), "/v1/shifts/7/checkout");
	text = xasprintf("{\"ended_at\":\"%s\"}", now);
	body_is(text);
	free(text);
	/* Windows in the order given; none is an empty list. */
	ck_assert_int_eq(build(LINE("activity", "add", "night", "--name", "N",
	    "--points-per-hour", "10", "--multiplier", "a,22:00,06:00,200",
	    "--holiday", "b,2026-10-01;2026-10-02,150", "--daily-cap", "25",
	    "--multiplier", "c,d,01:00,02:00,120")), 0);
	body_is("{\"code\":\"night\",\"name\":\"N\",\"points_per_hour\":10,"
	    "\"multipliers\":[{\"name\":\"a\",\"percent\":200,\"from\":"
	    "\"22:00\",\"to\":\"06:00\"},{\"name\":\"b\",\"percent\":150,"
	    "\"dates\":[\"2026-10-01\",\"2026-10-02\"]},{\"name\":\"c,d\","
	    "\"percent\":120,\"from\":\"01:00\",\"to\":\"02:00\"}],"
	    "\"daily_cap\":25}");
	ck_assert_int_eq(build(LINE("activity", "add", "day", "--name", "D",
	    "--points-per-hour", "10")), 0);
	body_is("{\"code\":\"day\",\"name\":\"D\",\"points_per_hour\":10,"
	    "\"multipliers\":[]}");
	/* A fallback; a receipt number for an ID; a write without fields. */
	ck_assert_int_eq(build(LINE("redeem", "V-1", "book")), 0);
	body_is("{\"volunteer\":\"V-1\",\"item\":\"book\",\"quantity\":1}");
	ck_assert_int_eq(build(LINE("redemption", "void", "R-S01-12",
	    "--reason", "r")), 0);
	ck_assert_str_eq(cmd_path(c), "/v1/redemptions/12/void");
	body_is("{\"reason\":\"r\"}");
	ck_assert_int_eq(build(LINE("month", "close", "2026-10")), 0);
	ck_assert_str_eq(cmd_path(c), "/v1/months/2026-10/close");
	body_is("{}");
}
END_TEST

START_TEST(queries_and_routes)
{
	ck_assert_int_eq(build(LINE("volunteer", "list", "--limit", "5",
	    "--status", "active", "--community", "C 1")), 0);
	ck_assert_str_eq(cmd_path(c), "/v1/volunteers");
	ck_assert_str_eq(cmd_query(c), "community=C%201&status=active&limit=5");
	ck_assert_ptr_null(cmd_body(c));
	ck_assert_int_eq(build(LINE("volunteer", "show", "V-1",
	    "--history")), 0);
	ck_assert_str_eq(cmd_path(c), "/v1/volunteers/V-1");
	ck_assert_str_eq(cmd_query(c), "history=1");
	ck_assert_int_eq(build(LINE("shift", "list", "V-1", "--to",
	    "2026-10-31")), 0);
	ck_assert_str_eq(cmd_query(c), "volunteer=V-1&to=2026-10-31");
	/* --format and --out are the client's, not the query's. */
	ck_assert_int_eq(build(LINE("report", "monthly", "--format", "html",
	    "--out", "r.html", "--level", "team", "--month", "2026-10")), 0);
	ck_assert_str_eq(cmd_path(c), "/v1/reports/monthly");
	ck_assert_str_eq(cmd_query(c), "month=2026-10&level=team");
	ck_assert_int_eq(cl.format, CLIENT_HTML);
	ck_assert_str_eq(cl.format_given, "html");
	ck_assert_str_eq(cl.out, "r.html");
	client_reset();
	/* --set switches star-levels to its write. */
	ck_assert_int_eq(build(LINE("star-levels")), 0);
	ck_assert_int_eq(cmd_op(c), WIRE_OP_STAR_LEVELS);
	ck_assert_str_eq(cmd_what(c), "star-levels");
	ck_assert_ptr_null(cmd_body(c));
	ck_assert_int_eq(build(LINE("star-levels", "--set", "1,2,3,4,5")), 0);
	ck_assert_int_eq(cmd_op(c), WIRE_OP_STAR_LEVELS_SET);
	ck_assert_str_eq(cmd_what(c), "star-levels --set");
	body_is("{\"levels\":[1,2,3,4,5]}");
}
END_TEST

START_TEST(output_options)
{
	ck_assert_int_eq(parse(LINE("volunteer", "list", "--format", "xlsx",
	    "--out", "v.xlsx", "--bom", "--no-bom")), CMD_PARSED);
	ck_assert_int_eq(cl.format, CLIENT_XLSX);
	ck_assert_str_eq(cl.out, "v.xlsx");
	ck_assert(cl.bom);
	ck_assert(cl.no_bom);
	ck_assert_int_eq(client_output(&cl), 0);
	ck_assert(!cl.bom);
	ck_assert(!cl.json && !cl.csv);
	/* A workbook of what prints tables, a page of a report. */
	ck_assert_int_eq(parse(LINE("--format=xlsx", "balance", "V-1")),
	    CMD_PARSED);
	ck_assert_int_eq(parse(LINE("report", "annual", "--year", "2026",
	    "--level", "team", "--format", "xlsx")), CMD_PARSED);
	ck_assert_int_eq(parse(LINE("volunteer", "add", "V-1", "--name", "x",
	    "--format", "xlsx")), CMD_BAD);
	ck_assert_str_eq(cause, "--format xlsx is for lists, records and "
	    "reports; this command prints none");
	ck_assert_int_eq(parse(LINE("volunteer", "list", "--format",
	    "html")), CMD_BAD);
	ck_assert_str_eq(cause, "--format html is for reports");
	ck_assert_int_eq(parse(LINE("volunteer", "list", "--format",
	    "pdf")), CMD_BAD);
	ck_assert_str_eq(cause, "--format wants table|csv|json|xlsx|html, "
	    "not \"pdf\"");
	/* --format json is --json; with --csv it is one too many. */
	client_reset();
	ck_assert_int_eq(parse(LINE("volunteer", "list", "--format", "json")),
	    CMD_PARSED);
	ck_assert_int_eq(client_output(&cl), 0);
	ck_assert(cl.json);
	client_reset();
	ck_assert_int_eq(parse(LINE("volunteer", "list", "--format", "json",
	    "--csv")), CMD_PARSED);
	ck_assert_int_eq(client_output(&cl), WIRE_EXIT_USAGE);
	/* A verb's own --out (keygen's) comes before the global one. */
	client_reset();
	ck_assert_int_eq(parse(LINE("keygen", "--out", "k.key")), CMD_PARSED);
	ck_assert_ptr_null(cl.out);
	ck_assert_str_eq(cmd_get(c, "out"), "k.key");
	/* The receipt's paper. */
	ck_assert_int_eq(parse(LINE("redeem", "V-1", "towel", "--receipt",
	    "58mm")), CMD_PARSED);
	ck_assert_int_eq(cmd_choice(c, "receipt"), 0);
	ck_assert_int_eq(parse(LINE("redeem", "V-1", "towel", "--receipt",
	    "80mm")), CMD_BAD);
}
END_TEST

START_TEST(bad_values)
{
	/* Bad data, not bad usage: 65, before anything is sent. */
	ck_assert_int_eq(build(LINE("balance", "V-1", "--limit", "x")),
	    WIRE_EXIT_DATAERR);
	ck_assert_int_eq(build(LINE("month", "close", "2026-13")),
	    WIRE_EXIT_DATAERR);
	ck_assert_int_eq(build(LINE("shift", "checkout", "x")),
	    WIRE_EXIT_DATAERR);
	ck_assert_int_eq(build(LINE("shift", "log", "V-1", "--activity", "a",
	    "--start", "yesterday", "--end", "2026-10-05 10:00")),
	    WIRE_EXIT_DATAERR);
	ck_assert_int_eq(build(LINE("star-levels", "--set", "1,x")),
	    WIRE_EXIT_DATAERR);
	ck_assert_int_eq(build(LINE("report", "annual", "--year", "26",
	    "--level", "team")), WIRE_EXIT_DATAERR);
	ck_assert_int_eq(build(LINE("certificate", "issue", "V-1", "--from",
	    "2026-1-1", "--to", "2026-02-01")), WIRE_EXIT_DATAERR);
	ck_assert_int_eq(build(LINE("activity", "add", "a", "--name", "A",
	    "--points-per-hour", "1", "--holiday", "nodate")),
	    WIRE_EXIT_DATAERR);
	ck_assert_int_eq(build(LINE("team", "add", "t", "--name", "\xff",
	    "--kind", "standing")), WIRE_EXIT_DATAERR);
}
END_TEST

START_TEST(station_key)
{
	char dir[] = "/tmp/test_cmd.XXXXXX", *key, *pub, *want;
	char keyid[SIG_KEYID_LEN + 1], err[256], b64[64];
	unsigned char pk[SIG_PUBLICKEYBYTES];

	ck_assert_int_ge(sodium_init(), 0);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	key = xasprintf("%s/s.key", dir);
	pub = xasprintf("%s/s.key.pub", dir);
	ck_assert_int_eq(keyfile_generate(key, keyid, err, sizeof(err)), 0);
	ck_assert_int_eq(keyfile_read_public(pub, pk, err, sizeof(err)), 0);
	keyfile_public_b64(pk, b64, sizeof(b64));
	ck_assert_int_eq(build(LINE("station", "add", "S1", "--community",
	    "C1", "--pubkey", pub, "--name", "East")), 0);
	want = xasprintf("{\"code\":\"S1\",\"name\":\"East\",\"public_key\":"
	    "\"%s\",\"role\":\"station\",\"community\":\"C1\"}", b64);
	body_is(want);
	ck_assert_int_eq(build(LINE("station", "add", "S1", "--name", "x",
	    "--pubkey", key, "--role", "admin")), WIRE_EXIT_DATAERR);
	unlink(key);
	unlink(pub);
	rmdir(dir);
	free(want);
	free(key);
	free(pub);
}
END_TEST

/* The usage of every command, as vpoints CMD --help prints it. */
static char *
usage_of(const struct cmd_entry *e)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	ck_assert_int_eq(parse(LINE(e->name, "--help")), CMD_HELP);
	ck_assert_ptr_nonnull(f = open_memstream(&text, &len));
	cmd_usage(f, c);
	fclose(f);
	return text;
}

START_TEST(usage_texts)
{
	const struct cmd_entry *e;
	const struct cmd_option *o;
	char *all = NULL, *text, *line, *word, *first;
	size_t len = 0, i, v;
	FILE *f;

	ck_assert_ptr_nonnull(f = open_memstream(&all, &len));
	cmd_usage(f, NULL);
	fclose(f);
	for (i = 0; (e = cmd_table[i]) != NULL; i++) {
		/* Listed with its summary by vpoints --help. */
		line = xasprintf("\n  %-14s %s\n", e->name, e->summary);
		ck_assert_msg(strstr(all, line) != NULL, "%s", e->name);
		free(line);
		text = usage_of(e);
		first = xasprintf("usage: vpoints %s", e->name);
		ck_assert_msg(strncmp(text, first, strlen(first)) == 0, "%s",
		    text);
		free(first);
		for (line = text; *line != '\0'; line += strcspn(line, "\n") +
		    (line[strcspn(line, "\n")] != '\0'))
			ck_assert_msg(strcspn(line, "\n") <= 79, "%s: %.*s",
			    e->name, (int)strcspn(line, "\n"), line);
		/* Every option of every verb is in it. */
		for (v = 0; v < e->nverbs; v++) {
			for (o = e->verbs[v].options; o != NULL &&
			    o->name != NULL; o++) {
				word = xasprintf("--%s", o->name);
				ck_assert_msg(strstr(text, word) != NULL,
				    "%s: %s", e->name, word);
				free(word);
			}
		}
		free(text);
	}
	free(all);
}
END_TEST

START_TEST(tables_agree_with_routes)
{
	const struct cmd_entry *e, *f;
	const struct cmd_verb *v;
	const struct wire_route *r;
	const struct cmd_option *o, *p;
	const char *sheet;
	size_t i, j, k, k2, filled;

	for (i = 0; (e = cmd_table[i]) != NULL; i++) {
		ck_assert_ptr_nonnull(e->summary);
		ck_assert_uint_gt(e->nverbs, 0);
		for (j = 0; j < i; j++) {
			f = cmd_table[j];
			ck_assert_str_ne(f->name, e->name);
		}
		for (k = 0; k < e->nverbs; k++) {
			v = &e->verbs[k];
			/* Verbs have names when there are several. */
			ck_assert(e->nverbs == 1 || v->name != NULL);
			ck_assert(v->run != NULL || !(v->flags & CMD_LOCAL));
			for (o = v->options; o != NULL && o->name != NULL;
			    o++) {
				ck_assert(o->type == CMD_FLAG ||
				    o->value != NULL);
				ck_assert(o->type != CMD_CUSTOM ||
				    o->parse != NULL);
				for (p = v->options; p != o; p++)
					ck_assert_str_ne(p->name, o->name);
			}
			/* Every column has a heading in the sheet
			 * of its rows (or record), and the sheet a name. */
			sheet = v->rows != NULL ? v->rows : e->name;
			if (v->columns != NULL)
				ck_assert_msg(heading_sheet(sheet) != NULL,
				    "%s", sheet);
			for (k2 = 0; k2 < v->ncolumns; k2++)
				ck_assert_msg(heading_column(sheet,
				    v->columns[k2].key) != NULL, "%s %s",
				    sheet, v->columns[k2].key);
			if (v->flags & CMD_LOCAL)
				continue;
			/* The route's {} is one argument's field. */
			r = wire_route(v->op);
			ck_assert(WIRE_SIGNED(r->access) ||
			    v->run != NULL);
			filled = 0;
			for (o = v->args; o != NULL && o->name != NULL; o++)
				filled += r->param != NULL &&
				    o->field != NULL &&
				    strcmp(o->field, r->param) == 0;
			ck_assert_msg(filled == (r->param != NULL),
			    "%s %s", e->name, v->name);
			/* An option that switches routes keeps its {}. */
			for (o = v->options; o != NULL && o->name != NULL;
			    o++) {
				if (o->flags & CMD_SWITCH)
					ck_assert((wire_route(o->op)->param ==
					    NULL) == (r->param == NULL));
			}
		}
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("cmd");
	TCase *tc = tcase_create("cmd");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, globals_after_the_command);
	tcase_add_test(tc, globals_anywhere);
	tcase_add_test(tc, help_and_version);
	tcase_add_test(tc, forms_of_options);
	tcase_add_test(tc, usage_errors);
	tcase_add_test(tc, bodies);
	tcase_add_test(tc, queries_and_routes);
	tcase_add_test(tc, output_options);
	tcase_add_test(tc, bad_values);
	tcase_add_test(tc, station_key);
	tcase_add_test(tc, usage_texts);
	tcase_add_test(tc, tables_agree_with_routes);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
