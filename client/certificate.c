#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "client/call.h"
#include "client/client.h"
#include "client/html.h"
#include "client/jws.h"
#include "client/table.h"
#include "sig.h"
#include "wire.h"
#include "xmalloc.h"

#define CERTIFICATE_MAX_FILE	65536	/* bytes of a JWS or key file */

static const char certificate_usage[] =
"usage: vpoints certificate issue VOLUNTEER (--year YYYY |\n"
"                           --from YYYY-MM-DD --to YYYY-MM-DD)\n"
"                           [--out FILE] [--html FILE]\n"
"       vpoints certificate verify FILE --pubkey KEY\n"
"       vpoints certificate show NUMBER\n"
"       vpoints certificate revoke NUMBER --reason TEXT\n"
"\n"
"issue: a certificate of the volunteer's hours of service in a year or\n"
"between two dates, signed by vpointsd as a JWS. The JWS (one line) goes\n"
"to FILE, else to standard output; --html FILE writes a printable page.\n"
"verify: checks a JWS offline, without the daemon, with KEY: the JSON of\n"
"vpointsd --print-public-key (or GET /v1/public-key), a bare JWK, a PEM\n"
"public key or a vpoints public key file. Prints the certificate and\n"
"exits 0, or says why not and exits 1. FILE - is standard input.\n"
"show: what the daemon recorded of a certificate, revoked or not.\n"
"revoke: withdraw a certificate, with the reason.\n";

static const struct table_column certificate_fields[] = {
	{ "number", "NUMBER", NULL, false },
	{ "volunteer", "VOLUNTEER", NULL, false },
	{ "name", "NAME", NULL, false },
	{ "from", "FROM", NULL, false },
	{ "to", "TO", NULL, false },
	{ "minutes", "HOURS", table_hours, true },
	{ "shifts", "SHIFTS", NULL, true },
	{ "stars", "STARS", NULL, true },
	{ "community", "COMMUNITY", NULL, false },
	{ "community_name", "COMMUNITY NAME", NULL, false },
	{ "station", "STATION", NULL, false },
	{ "sha256", "SHA-256", NULL, false },
	{ "issued_at", "ISSUED", table_time, false },
	{ "revoked_at", "REVOKED", table_time, false },
	{ "revoke_reason", "REASON", NULL, false },
};

#define CERTIFICATE_NFIELDS \
	(sizeof(certificate_fields) / sizeof(certificate_fields[0]))

/* True for a date "YYYY-MM-DD" in shape; the daemon checks the rest. */
static bool
certificate_is_date(const char *text)
{
	return strlen(text) == 10 && strspn(text, "0123456789") == 4 &&
	    text[4] == '-' && strspn(text + 5, "0123456789") == 2 &&
	    text[7] == '-' && strspn(text + 8, "0123456789") == 2;
}

/* The path of a certificate, with a verb such as "revoke" or none. */
static char *
certificate_path(const char *number, const char *verb)
{
	char *encoded = net_encode(number), *path;

	path = verb != NULL ?
	    xasprintf(WIRE_API_PREFIX "/certificates/%s/%s", encoded, verb) :
	    xasprintf(WIRE_API_PREFIX "/certificates/%s", encoded);
	free(encoded);
	return path;
}

/* Write the printable page of a certificate to path; 0 or the exit code. */
static int
certificate_page(const char *path, json_t *certificate, const char *jws)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	if ((f = open_memstream(&text, &len)) == NULL)
		abort();
	html_certificate(f, certificate, jws);
	if (fclose(f) != 0)
		abort();
	rc = client_write(path, text, len);
	free(text);
	return rc;
}

/* vpoints certificate issue VOLUNTEER (--year Y | --from D --to D)
 * [--out FILE] [--html FILE] */
static int
certificate_issue(struct client *cl, int argc, char **argv)
{
	static const struct option options[] = {
		{ "year",	required_argument, NULL, 'y' },
		{ "from",	required_argument, NULL, 'f' },
		{ "to",		required_argument, NULL, 't' },
		{ "out",	required_argument, NULL, 'o' },
		{ "html",	required_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 }
	};
	const char *year = NULL, *from = NULL, *to = NULL, *out = NULL;
	const char *html = NULL, *jws;
	json_t *body, *result = NULL, *cert;
	char *line, *hours;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (ch) {
		case 'y':
			year = optarg;
			break;
		case 'f':
			from = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'H':
			html = optarg;
			break;
		default:
			fputs(certificate_usage, stderr);
			return WIRE_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc || (year != NULL) == (from != NULL || to != NULL) ||
	    (year == NULL && (from == NULL || to == NULL))) {
		fputs(certificate_usage, stderr);
		return WIRE_EXIT_USAGE;
	}
	if (year != NULL && (strlen(year) != 4 ||
	    strspn(year, "0123456789") != 4)) {
		fprintf(stderr, "vpoints: --year wants YYYY, not \"%s\"\n",
		    year);
		return WIRE_EXIT_DATAERR;
	}
	if (year == NULL && (!certificate_is_date(from) ||
	    !certificate_is_date(to))) {
		fprintf(stderr, "vpoints: --from and --to want YYYY-MM-DD\n");
		return WIRE_EXIT_DATAERR;
	}
	body = json_pack("{s:s}", "volunteer", argv[optind]);
	if (year != NULL) {
		json_object_set_new(body, "year", json_string(year));
	} else {
		json_object_set_new(body, "from", json_string(from));
		json_object_set_new(body, "to", json_string(to));
	}
	rc = call_run(cl, "certificate issue", "POST",
	    WIRE_API_PREFIX "/certificates", NULL, body, &result);
	json_decref(body);
	if (rc != WIRE_EXIT_OK)
		goto done;
	cert = json_object_get(result, "certificate");
	jws = json_string_value(json_object_get(result, "jws"));
	if (jws == NULL || !json_is_object(cert)) {
		fprintf(stderr, "vpoints: certificate issue: the answer has no "
		    "jws or certificate\n");
		rc = WIRE_EXIT_SOFTWARE;
		goto done;
	}
	line = xasprintf("%s\n", jws);
	if (out != NULL || !cl->json)
		rc = client_write(out, line, strlen(line));
	free(line);
	if (rc == WIRE_EXIT_OK && html != NULL)
		rc = certificate_page(html, cert, jws);
	if (rc == WIRE_EXIT_OK && !cl->json) {
		/* Without --out the JWS alone goes to standard output. */
		hours = table_hours(json_object_get(cert, "minutes"));
		fprintf(out != NULL ? stdout : stderr, "certificate %s issued: "
		    "%s (%s), %s to %s, %s hours, %lld shifts%s%s\n",
		    client_str(result, "number"), client_str(cert, "name"),
		    client_str(cert, "volunteer"), client_str(cert, "from"),
		    client_str(cert, "to"), hours,
		    (long long)json_integer_value(json_object_get(cert,
		    "shifts")), out != NULL ? "; JWS in " : "",
		    out != NULL ? out : "");
		free(hours);
	}
done:
	json_decref(result);
	return rc;
}

/* Read a whole small file, or standard input for "-", NUL-terminated;
 * NULL with err set when it cannot. */
static char *
certificate_slurp(const char *path, char *err, size_t errlen)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char *text;
	size_t len;

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	text = xmalloc(CERTIFICATE_MAX_FILE + 1);
	len = fread(text, 1, CERTIFICATE_MAX_FILE + 1, f);
	if (ferror(f) || len > CERTIFICATE_MAX_FILE || memchr(text, '\0',
	    len) != NULL) {
		snprintf(err, errlen, "%s: %s", path, ferror(f) ?
		    strerror(errno) : "not a text file of at most 64 KiB");
		free(text);
		text = NULL;
	} else {
		text[len] = '\0';
	}
	if (f != stdin)
		fclose(f);
	return text;
}

/* Print what a verified payload says: a certificate's known fields, or
 * any other object's members (a month close) as they are. */
static void
certificate_print(struct client *cl, json_t *payload)
{
	struct table_column *cols;
	const char *key;
	json_t *value;
	size_t n = 0;

	if (json_object_get(payload, "number") != NULL) {
		table_record(stdout, cl->csv ? TABLE_CSV : TABLE_TEXT,
		    certificate_fields, CERTIFICATE_NFIELDS, payload);
		return;
	}
	cols = xcalloc(json_object_size(payload) + 1, sizeof(*cols));
	json_object_foreach(payload, key, value) {
		cols[n].key = key;
		cols[n].title = key;
		n++;
	}
	table_record(stdout, cl->csv ? TABLE_CSV : TABLE_TEXT, cols, n,
	    payload);
	free(cols);
}

/* vpoints certificate verify FILE --pubkey KEY: offline. */
static int
certificate_verify(struct client *cl, int argc, char **argv)
{
	static const struct option options[] = {
		{ "pubkey",	required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned char pk[SIG_PUBLICKEYBYTES];
	char keyid[SIG_KEYID_LEN + 1], err[300], *key_text = NULL;
	char *jws = NULL, *payload = NULL;
	const char *pubkey = NULL;
	enum jws_status st;
	json_t *doc = NULL;
	size_t len;
	int ch, rc = WIRE_EXIT_FAILURE;

	while ((ch = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (ch) {
		case 'k':
			pubkey = optarg;
			break;
		default:
			fputs(certificate_usage, stderr);
			return WIRE_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc || pubkey == NULL) {
		fputs(certificate_usage, stderr);
		return WIRE_EXIT_USAGE;
	}
	if ((key_text = certificate_slurp(pubkey, err, sizeof(err))) == NULL)
		goto fail;
	if (jws_public_key(key_text, pk, keyid, err, sizeof(err)) != 0) {
		fprintf(stderr, "vpoints: certificate verify: %s: %s\n",
		    pubkey, err);
		goto done;
	}
	if ((jws = certificate_slurp(argv[optind], err, sizeof(err))) == NULL)
		goto fail;
	/* A file of one line: its line end is no part of the JWS. */
	len = strlen(jws);
	while (len > 0 && strchr(" \t\r\n", jws[len - 1]) != NULL)
		jws[--len] = '\0';
	if ((st = jws_verify(jws, pk, &payload, &len)) != JWS_OK) {
		fprintf(stderr, "vpoints: certificate verify: %s: %s\n",
		    argv[optind], jws_status_text(st));
		goto done;
	}
	doc = json_loadb(payload, len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(doc)) {
		fprintf(stderr, "vpoints: certificate verify: %s: signed, but "
		    "what is signed is not a JSON object\n", argv[optind]);
		goto done;
	}
	if (cl->json) {
		printf("%s\n", payload);
	} else {
		if (!cl->csv)
			printf("valid: signed by key %s\n", keyid);
		certificate_print(cl, doc);
		if (!cl->csv && json_object_get(doc, "number") != NULL)
			printf("(a revocation is not visible offline: vpoints "
			    "certificate show %s)\n", client_str(doc, "number"));
	}
	rc = WIRE_EXIT_OK;
	goto done;
fail:
	fprintf(stderr, "vpoints: certificate verify: %s\n", err);
done:
	json_decref(doc);
	free(payload);
	free(jws);
	free(key_text);
	return rc;
}

/* vpoints certificate show NUMBER */
static int
certificate_show(struct client *cl, int argc, char **argv)
{
	json_t *result;
	char *path;
	int rc;

	if (argc != 2) {
		fputs(certificate_usage, stderr);
		return WIRE_EXIT_USAGE;
	}
	path = certificate_path(argv[1], NULL);
	rc = call_run(cl, "certificate show", "GET", path, NULL, NULL,
	    &result);
	if (rc == WIRE_EXIT_OK && !cl->json)
		table_record(stdout, cl->csv ? TABLE_CSV : TABLE_TEXT,
		    certificate_fields, CERTIFICATE_NFIELDS, result);
	json_decref(result);
	free(path);
	return rc;
}

/* vpoints certificate revoke NUMBER --reason TEXT */
static int
certificate_revoke(struct client *cl, int argc, char **argv)
{
	static const struct option options[] = {
		{ "reason",	required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	const char *reason = NULL;
	json_t *body, *result;
	char *path;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (ch) {
		case 'r':
			reason = optarg;
			break;
		default:
			fputs(certificate_usage, stderr);
			return WIRE_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc || reason == NULL) {
		fputs(certificate_usage, stderr);
		return WIRE_EXIT_USAGE;
	}
	body = json_pack("{s:s}", "reason", reason);
	path = certificate_path(argv[optind], "revoke");
	rc = call_run(cl, "certificate revoke", "POST", path, NULL, body,
	    &result);
	if (rc == WIRE_EXIT_OK && !cl->json)
		table_record(stdout, cl->csv ? TABLE_CSV : TABLE_TEXT,
		    certificate_fields, CERTIFICATE_NFIELDS, result);
	json_decref(result);
	json_decref(body);
	free(path);
	return rc;
}

/* vpoints certificate issue|verify|show|revoke */
int
certificate_main(struct client *cl, int argc, char **argv)
{
	int rc;

	if (client_wants_help(argc, argv)) {
		fputs(certificate_usage, stdout);
		return WIRE_EXIT_OK;
	}
	if ((rc = client_utf8(argc, argv)) != 0)
		return rc;
	if (argc >= 2 && strcmp(argv[1], "issue") == 0)
		return certificate_issue(cl, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "verify") == 0)
		return certificate_verify(cl, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "show") == 0)
		return certificate_show(cl, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "revoke") == 0)
		return certificate_revoke(cl, argc - 1, argv + 1);
	fputs(certificate_usage, stderr);
	return WIRE_EXIT_USAGE;
}
