#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "client/client.h"
#include "keyfile.h"
#include "wire.h"
#include "xmalloc.h"

struct command {
	const char	*name;
	int		(*main)(struct client *, int, char **);
	const char	*summary;
};

static const struct command commands[] = {
	{ "status", status_main, "is vpointsd up and its database reachable" },
	{ "keygen", keygen_main, "make a station key pair" },
	{ "community", community_main, "add and list communities (admin)" },
	{ "station", station_main, "enrol, list and revoke stations (admin)" },
	{ "volunteer", volunteer_main,
	    "register, show, update and list volunteers" },
	{ "team", team_main, "add and list teams; put volunteers in and out" },
	{ "activity", activity_main, "add (admin) and list activities" },
	{ "shift", shift_main, "log, check in and out, correct, list shifts" },
	{ "balance", balance_main, "a volunteer's points, hours, transfers" },
	{ "catalog", catalog_main, "a station's gifts, books and services" },
	{ "redeem", redeem_main, "spend a volunteer's points; print a receipt" },
	{ "redemption", redemption_main, "void a redemption" },
	{ "help", help_main, "points for help between volunteers" },
	{ "audit", audit_main, "check every invariant of the ledger (admin)" },
	{ "report", report_main, "monthly and annual reports: table, CSV, "
	    "JSON, HTML" },
	{ "star-levels", stars_main, "the hours for one to five stars" },
	{ "certificate", certificate_main,
	    "issue, verify (offline), show, revoke certificates" },
	{ "month", month_main, "close a month to new shifts (admin); list" },
	{ "outbox", offline_main, "writes queued while vpointsd was "
	    "unreachable: list, flush" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char usage_head[] =
"usage: vpoints [global options] COMMAND [args]\n"
"       vpoints COMMAND --help\n"
"\n"
"The vpoints station tool: talks to vpointsd, signing every request with\n"
"the station's key.\n"
"\n"
"Global options:\n"
"  --server URL     vpointsd address (else VPOINTS_SERVER, else the config\n"
"                   file, else " WIRE_DEFAULT_SERVER ")\n"
"  --key FILE       the station's secret key (else VPOINTS_KEY, else the\n"
"                   config file)\n"
"  --config FILE    config file (else VPOINTS_CONFIG, else\n"
"                   ~/.config/vpoints/config when it exists)\n"
"  --json           machine output: the daemon's JSON as it came\n"
"  --csv            lists, records and balances as CSV (RFC 4180, UTF-8,\n"
"                   a header row; the config file's format = csv|json|table\n"
"                   sets the default)\n"
"  --timeout SECS   give up on an exchange after SECS (default 10)\n"
"  --retries N      retry a call N times on no answer, 5xx or 409,\n"
"                   re-signed, same Idempotency-Key (default 5)\n"
"  --idempotency-key KEY\n"
"                   use KEY for the write instead of a new UUID, so that\n"
"                   running the same command again cannot apply it twice\n"
"  --version, --help\n"
"\n"
"Offline: when vpointsd gives no answer at all after the retries\n"
"(connection refused, reset, timed out), shift log, checkin, checkout and\n"
"volunteer add are queued in a local outbox and exit 75; an answer, even\n"
"503, is not \"unreachable\" (the daemon is up: the write fails as before).\n"
"vpoints outbox --help says more; vpoints outbox flush sends them.\n"
"\n"
"Commands:\n";

static const char usage_tail[] =
"\n"
"Exit codes:\n"
"   0  success\n"
"   1  the daemon refused the operation (a rule of the ledger)\n"
"  64  bad command line\n"
"  65  bad input data (refused as invalid, or not found)\n"
"  69  vpointsd or its database is unavailable\n"
"  70  internal error in the daemon or the client\n"
"  73  cannot write an output file\n"
"  75  temporary failure: try again (still in flight, overloaded), or\n"
"      the write was queued in the outbox\n"
"  77  signature rejected or permission denied\n"
"  78  configuration or key file error\n";

/* Print the whole usage to f. */
static void
usage(FILE *f)
{
	size_t i;

	fputs(usage_head, f);
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-14s %s\n", commands[i].name,
		    commands[i].summary);
	fputs(usage_tail, f);
}

/* The exit code that an HTTP error status stands for. */
int
client_exit_code(int status)
{
	if (status >= 200 && status < 300)
		return WIRE_EXIT_OK;
	switch (status) {
	case 400:
	case 404:
	case 413:
	case 422:
		return WIRE_EXIT_DATAERR;
	case 409:
		return WIRE_EXIT_FAILURE;
	case 401:
	case 403:
		return WIRE_EXIT_NOPERM;
	case 429:
		return WIRE_EXIT_TEMPFAIL;
	case 503:
		return WIRE_EXIT_UNAVAILABLE;
	default:
		return status >= 500 ? WIRE_EXIT_SOFTWARE : WIRE_EXIT_FAILURE;
	}
}

/* Tell the user why the daemon refused; returns the exit code. */
int
client_report_problem(const struct client *cl, const char *what,
    const struct net_response *resp)
{
	json_t *p = json_loadb(resp->body, resp->len, 0, NULL);
	const char *title, *detail, *type;
	int rc = client_exit_code(resp->status);

	if (cl->json) {
		fprintf(stderr, "%s\n", resp->body);
	} else {
		title = json_string_value(json_object_get(p, "title"));
		detail = json_string_value(json_object_get(p, "detail"));
		fprintf(stderr, "vpoints: %s: %s%s%s (HTTP %d)\n", what,
		    title != NULL ? title : "error",
		    detail != NULL ? ": " : "", detail != NULL ? detail : "",
		    resp->status);
	}
	/* A 409 still in flight after every retry: try again later. */
	type = json_string_value(json_object_get(p, "type"));
	if (resp->status == 409 && type != NULL &&
	    strcmp(type, WIRE_P_IN_FLIGHT) == 0)
		rc = WIRE_EXIT_TEMPFAIL;
	json_decref(p);
	return rc;
}

/* A string member of a JSON object, or "". */
const char *
client_str(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s != NULL ? s : "";
}

/* Parse the whole non-negative number an option wants; complain and
 * return the exit code when it is not one, else 0. */
int
client_whole(const char *option, const char *text, long long *n)
{
	char *end;

	errno = 0;
	*n = strtoll(text, &end, 10);
	if (*end != '\0' || end == text || *n < 0 || errno != 0 ||
	    !isdigit((unsigned char)*text)) {
		fprintf(stderr, "vpoints: %s wants a whole number, not "
		    "\"%s\"\n", option, text);
		return WIRE_EXIT_DATAERR;
	}
	return 0;
}

/* Refuse arguments that are not UTF-8, as JSON strings must be; returns
 * 0 or the exit code. */
int
client_utf8(int argc, char **argv)
{
	json_t *s;
	int i;

	for (i = 1; i < argc; i++) {
		if ((s = json_string(argv[i])) == NULL) {
			fprintf(stderr, "vpoints: %s: argument %d is not "
			    "UTF-8; set the terminal to UTF-8\n", argv[0], i);
			return WIRE_EXIT_DATAERR;
		}
		json_decref(s);
	}
	return 0;
}

/* True for a "YYYY-MM" with a month from 01 to 12. */
bool
client_is_month(const char *text)
{
	return strlen(text) == 7 && isdigit((unsigned char)text[0]) &&
	    isdigit((unsigned char)text[1]) &&
	    isdigit((unsigned char)text[2]) &&
	    isdigit((unsigned char)text[3]) && text[4] == '-' &&
	    ((text[5] == '0' && text[6] >= '1' && text[6] <= '9') ||
	    (text[5] == '1' && text[6] >= '0' && text[6] <= '2'));
}

/* Write len bytes of data to path, or to stdout when path is NULL. A file
 * is written as path.tmp and renamed over path, so that a reader finds
 * the old file or the whole new one, never a part. Returns 0, or says why
 * not and returns the exit code. */
int
client_write(const char *path, const char *data, size_t len)
{
	char *tmp;
	FILE *f;

	if (path == NULL) {
		if (fwrite(data, 1, len, stdout) != len ||
		    fflush(stdout) != 0) {
			fprintf(stderr, "vpoints: standard output: %s\n",
			    strerror(errno));
			return WIRE_EXIT_CANTCREAT;
		}
		return 0;
	}
	tmp = xasprintf("%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL)
		goto fail;
	if (fwrite(data, 1, len, f) != len || fflush(f) != 0 ||
	    fsync(fileno(f)) != 0) {
		fclose(f);
		goto fail;
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		goto fail;
	free(tmp);
	return 0;
fail:
	fprintf(stderr, "vpoints: %s: %s\n", tmp, strerror(errno));
	unlink(tmp);
	free(tmp);
	return WIRE_EXIT_CANTCREAT;
}

/* Take the output format from the config file unless an option gave one. */
static int
client_format(struct client *cl)
{
	const char *format = cl->settings.format;

	if (cl->json && cl->csv) {
		fprintf(stderr, "vpoints: --json or --csv, not both\n");
		return WIRE_EXIT_USAGE;
	}
	if (cl->json || cl->csv || format == NULL ||
	    strcmp(format, "table") == 0)
		return 0;
	if (strcmp(format, "json") == 0)
		cl->json = true;
	else if (strcmp(format, "csv") == 0)
		cl->csv = true;
	else {
		fprintf(stderr, "vpoints: config: format = %s: want table, "
		    "json or csv\n", format);
		return WIRE_EXIT_CONFIG;
	}
	return 0;
}

/* True if the command's arguments ask for its help. */
bool
client_wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	}
	return false;
}

/* Global options, then the command. */
int
main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "server",	required_argument, NULL, 's' },
		{ "key",	required_argument, NULL, 'k' },
		{ "config",	required_argument, NULL, 'C' },
		{ "json",	no_argument,	   NULL, 'j' },
		{ "csv",	no_argument,	   NULL, 'c' },
		{ "timeout",	required_argument, NULL, 't' },
		{ "retries",	required_argument, NULL, 'r' },
		{ "idempotency-key", required_argument, NULL, 'I' },
		{ "version",	no_argument,	   NULL, 'V' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct settings_args args = { NULL, NULL, NULL };
	struct client cl;
	char err[512], *end;
	size_t i;
	int ch, cmd, rc;

	memset(&cl, 0, sizeof(cl));
	cl.started = time(NULL);
	cl.timeout = 10;
	cl.retries = 5;
	/* "+": stop at the command; its options are its own. */
	while ((ch = getopt_long(argc, argv, "+h", options, NULL)) != -1) {
		switch (ch) {
		case 's':
			args.server = optarg;
			break;
		case 'k':
			args.key = optarg;
			break;
		case 'C':
			args.config = optarg;
			break;
		case 'j':
			cl.json = true;
			break;
		case 'c':
			cl.csv = true;
			break;
		case 't':
			cl.timeout = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || cl.timeout < 1 ||
			    cl.timeout > 3600) {
				fprintf(stderr, "vpoints: --timeout wants 1 to "
				    "3600 seconds\n");
				return WIRE_EXIT_USAGE;
			}
			break;
		case 'r':
			cl.retries = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || cl.retries < 0 ||
			    cl.retries > 100) {
				fprintf(stderr, "vpoints: --retries wants 0 to "
				    "100\n");
				return WIRE_EXIT_USAGE;
			}
			break;
		case 'I':
			cl.idempotency_key = optarg;
			break;
		case 'V':
			printf("vpoints %s\n", PACKAGE_VERSION);
			return WIRE_EXIT_OK;
		case 'h':
			usage(stdout);
			return WIRE_EXIT_OK;
		default:
			usage(stderr);
			return WIRE_EXIT_USAGE;
		}
	}
	if (optind == argc) {
		usage(stderr);
		return WIRE_EXIT_USAGE;
	}
	for (i = 0; i < NCOMMANDS; i++) {
		if (strcmp(argv[optind], commands[i].name) == 0)
			break;
	}
	if (i == NCOMMANDS) {
		fprintf(stderr, "vpoints: unknown command \"%s\"; see vpoints "
		    "--help\n", argv[optind]);
		return WIRE_EXIT_USAGE;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "vpoints: libsodium cannot start\n");
		return WIRE_EXIT_SOFTWARE;
	}
	if (settings_resolve(&cl.settings, &args, err, sizeof(err)) != 0) {
		fprintf(stderr, "vpoints: config: %s\n", err);
		settings_clear(&cl.settings);
		return WIRE_EXIT_CONFIG;
	}
	if ((rc = client_format(&cl)) != 0) {
		settings_clear(&cl.settings);
		return rc;
	}
	cmd = optind;
	optind = 0;	/* let the command run getopt_long afresh */
	rc = commands[i].main(&cl, argc - cmd, argv + cmd);
	keyfile_secret_free(cl.key);
	settings_clear(&cl.settings);
	return rc;
}
