#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "client/client.h"
#include "client/call.h"
#include "client/cmd.h"
#include "client/html.h"
#include "client/i18n.h"
#include "client/jws.h"
#include "client/qr.h"
#include "client/table.h"
#include "client/when.h"
#include "buf.h"
#include "sig.h"
#include "wire.h"
#include "xmalloc.h"

#define CERTIFICATE_MAX_FILE	65536	/* bytes of a JWS or key file */
#define CERTIFICATE_PNG_SCALE	4	/* pixels a module of --png */

static const char certificate_about[] =
N_("issue: a certificate of the volunteer's hours of service in a year\n"
"(--year) or between two dates (--from and --to), signed by vpointsd as a\n"
"JWS. The JWS (one line) goes to --out FILE, else to standard output;\n"
"--html FILE writes a printable page for A4, in the user's language,\n"
"with a QR code of the signed certificate; --png FILE writes that QR code\n"
"alone. The QR code holds the JWS itself, or when that is too long for\n"
"one, the JWS in base45 (VPJ1:...), which verify reads as well.\n"
"verify: checks a JWS offline, without the daemon, with --keys SET: the\n"
"JWK Set of the daemon's current and earlier signing keys (GET\n"
"/v1/public-keys), of which the JWS's kid picks one; or with --pubkey\n"
"KEY: the JSON of vpointsd --print-public-key (or of the daemon's\n"
"public-key route), a bare JWK, a PEM public key or a vpoints public key\n"
"file. FILE holds the JWS or what a scanner read from the QR code; - is\n"
"standard input. --online asks the daemon as well (a station key) whether\n"
"the ledger holds this very certificate under its number and has not\n"
"revoked it.\n"
"Prints the certificate and exits 0, or says why not and exits 1.\n"
"show: what the daemon recorded of a certificate, revoked or not.\n"
"revoke: withdraw a certificate, with the reason.\n");

/* The kinds of service: each activity's name and hours, "Cleaning 2:30,
 * Traffic 1:00". */
static char *
certificate_activities(json_t *activities)
{
	struct buf b = { NULL, 0, 0 };
	json_t *a;
	char *hours;
	size_t i;

	json_array_foreach(activities, i, a) {
		hours = table_hours(json_object_get(a, "minutes"));
		if (i > 0)
			buf_puts(&b, ", ");
		buf_puts(&b, client_str(a, "name"));
		buf_puts(&b, " ");
		buf_puts(&b, hours);
		free(hours);
	}
	return b.data != NULL ? b.data : xstrdup("");
}

/* Training of the period: "2 sessions, 3:30" (never service hours). */
static char *
certificate_training(json_t *training)
{
	char *hours, *text;

	if (!json_is_object(training))
		return xstrdup("");
	hours = table_hours(json_object_get(training, "minutes"));
	text = xasprintf(_("%lld sessions, %s"), (long long)json_integer_value(
	    json_object_get(training, "sessions")), hours);
	free(hours);
	return text;
}

/* The awards of the period: "Title (level, date); ...". */
static char *
certificate_awards(json_t *awards)
{
	struct buf b = { NULL, 0, 0 };
	json_t *a;
	char *one;
	size_t i;

	json_array_foreach(awards, i, a) {
		if (i > 0)
			buf_puts(&b, "; ");
		one = xasprintf("%s (%s, %s, %s)", client_str(a, "title"),
		    client_str(a, "level"), client_str(a, "issuer"),
		    client_str(a, "awarded_on"));
		buf_puts(&b, one);
		free(one);
	}
	return b.data != NULL ? b.data : xstrdup("");
}

/* The evaluations of the period, summed: "3 evaluations, 2 scoring 4 or
 * 5, average 4.33". */
static char *
certificate_evaluations(json_t *summary)
{
	char *average, *text;

	if (!json_is_object(summary))
		return xstrdup("");
	if (json_integer_value(json_object_get(summary, "evaluations")) == 0)
		return xstrdup(_("none"));
	average = table_fixed(json_object_get(summary, "average_score"), 2);
	text = xasprintf(_("%lld evaluations, %lld scoring 4 or 5, average %s"),
	    (long long)json_integer_value(json_object_get(summary,
	    "evaluations")), (long long)json_integer_value(
	    json_object_get(summary, "approving")), average);
	free(average);
	return text;
}

static const struct table_column certificate_fields[] = {
	{ "number", NC_("certificate", "NUMBER"), NULL, false },
	{ "volunteer", N_("VOLUNTEER"), NULL, false },
	{ "name", NC_("person", "NAME"), NULL, false },
	{ "from", N_("FROM"), NULL, false },
	{ "to", N_("TO"), NULL, false },
	{ "minutes", N_("HOURS"), table_hours, true },
	{ "shifts", N_("SHIFTS"), NULL, true },
	{ "activities", N_("ACTIVITIES"), certificate_activities, false },
	{ "stars", N_("STARS"), NULL, true },
	{ "community", N_("COMMUNITY"), NULL, false },
	{ "community_name", N_("COMMUNITY NAME"), NULL, false },
	{ "station", N_("STATION"), NULL, false },
	{ "station_name", N_("STATION NAME"), NULL, false },
	{ "training", N_("TRAINING"), certificate_training, false },
	{ "awards", N_("AWARDS"), certificate_awards, false },
	{ "evaluations", N_("EVALUATIONS"), certificate_evaluations, false },
	{ "sha256", N_("SHA-256"), NULL, false },
	{ "issued_at", N_("ISSUED"), table_time, false },
	{ "revoked_at", N_("REVOKED"), table_time, false },
	{ "revoke_reason", N_("REASON"), NULL, false },
};

/* The QR code of a signed certificate: its JWS as it is, else its base45
 * form (alphanumeric mode, a fifth fewer bits), with error correction M,
 * else the base45 form with L; NULL when even that is too long. */
static struct qr *
certificate_qr(const char *jws)
{
	char *packed = jws_base45(jws);
	struct qr *qr;

	if ((qr = qr_encode(jws, QR_ECC_M)) == NULL && packed != NULL &&
	    (qr = qr_encode(packed, QR_ECC_M)) == NULL)
		qr = qr_encode(packed, QR_ECC_L);
	free(packed);
	return qr;
}

/* Write the printable page of a certificate to html and its QR code to
 * png (either may be NULL); 0 or the exit code. */
static int
certificate_print_page(const char *html, const char *png, json_t *cert,
    const char *jws)
{
	struct qr *qr = certificate_qr(jws);
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int rc = WIRE_EXIT_OK;

	if (qr == NULL)
		fprintf(stderr, _("vpoints: certificate issue: the certificate "
		    "is too long for a QR code (%zu characters); the page "
		    "has its JWS as text only\n"), strlen(jws));
	if (html != NULL) {
		if ((f = open_memstream(&text, &len)) == NULL)
			abort();
		html_certificate(f, cert, jws, qr);
		if (fclose(f) != 0)
			abort();
		rc = client_write(html, text, len);
		free(text);
	}
	if (rc == WIRE_EXIT_OK && png != NULL) {
		if (qr == NULL) {
			fprintf(stderr, _("vpoints: certificate issue: %s not "
			    "written: no QR code\n"), png);
			rc = WIRE_EXIT_DATAERR;
		} else {
			text = qr_png(qr, CERTIFICATE_PNG_SCALE, &len);
			rc = client_write(png, text, len);
			free(text);
		}
	}
	qr_free(qr);
	return rc;
}

/* A year, or two dates. */
static const char *
certificate_check(const struct cmd *c)
{
	bool year = cmd_get(c, "year") != NULL;

	if (year == (cmd_get(c, "from") != NULL || cmd_get(c, "to") != NULL) ||
	    (!year && (cmd_get(c, "from") == NULL || cmd_get(c, "to") == NULL)))
		return _("wants --year, or --from and --to");
	return NULL;
}

/* Write the JWS of an issued certificate to --out (or standard output,
 * but not with --json) and its page to --html, and say what was issued. */
static int
certificate_print_issued(struct client *cl, const struct cmd *c,
    json_t *issued)
{
	const char *out = cmd_get(c, "out"), *html = cmd_get(c, "html");
	const char *png = cmd_get(c, "png");
	json_t *cert = json_object_get(issued, "certificate");
	const char *jws = json_string_value(json_object_get(issued, "jws"));
	char *line, *hours;
	int rc = WIRE_EXIT_OK;

	if (jws == NULL || !json_is_object(cert)) {
		fprintf(stderr, _("vpoints: certificate issue: the answer has "
		    "no jws or certificate\n"));
		return WIRE_EXIT_SOFTWARE;
	}
	line = xasprintf("%s\n", jws);
	if (out != NULL || !cl->json)
		rc = client_write(out, line, strlen(line));
	free(line);
	if (rc == WIRE_EXIT_OK && (html != NULL || png != NULL))
		rc = certificate_print_page(html, png, cert, jws);
	if (rc == WIRE_EXIT_OK && !cl->json) {
		/* Without --out the JWS alone goes to standard output. */
		hours = table_hours(json_object_get(cert, "minutes"));
		fprintf(out != NULL ? stdout : stderr, _("certificate %s "
		    "issued: %s (%s), %s to %s, %s hours, %lld shifts%s%s\n"),
		    client_str(issued, "number"), client_str(cert, "name"),
		    client_str(cert, "volunteer"), client_str(cert, "from"),
		    client_str(cert, "to"), hours,
		    (long long)json_integer_value(json_object_get(cert,
		    "shifts")), out != NULL ? _("; JWS in ") : "",
		    out != NULL ? out : "");
		free(hours);
	}
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
		    strerror(errno) : _("not a text file of at most 64 KiB"));
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
		client_record(cl, "certificate", certificate_fields,
		    CMD_NITEMS(certificate_fields), payload);
		return;
	}
	cols = xcalloc(json_object_size(payload) + 1, sizeof(*cols));
	json_object_foreach(payload, key, value) {
		cols[n].key = key;
		cols[n].title = key;
		n++;
	}
	client_record(cl, "certificate", cols, n, payload);
	free(cols);
}

/* The key that verifies jws: the one of --pubkey, or the one of the
 * --keys JWK Set that the JWS's kid names, with the times it signed
 * between (window). 0, or -1 having said why. */
static int
certificate_key(const struct cmd *c, const char *jws, unsigned char *pk,
    char *keyid, struct jws_window *window)
{
	const char *keys = cmd_get(c, "keys"), *pubkey = cmd_get(c, "pubkey");
	const char *path = keys != NULL ? keys : pubkey;
	char err[300], *text, *kid = NULL;
	int rc = -1, found;

	if ((text = certificate_slurp(path, err, sizeof(err))) == NULL) {
		fprintf(stderr, _("vpoints: certificate verify: %s\n"), err);
		return -1;
	}
	if (keys == NULL && !jws_is_set(text)) {
		if (jws_public_key(text, pk, keyid, err, sizeof(err)) != 0)
			goto bad;
		rc = 0;
		goto done;
	}
	if ((found = jws_set_key(text, NULL, pk, NULL, err,
	    sizeof(err))) < 0)
		goto bad;
	if ((kid = jws_kid(jws)) == NULL) {
		fprintf(stderr, _("vpoints: certificate verify: the JWS names "
		    "no key (kid), so no key of %s can be chosen\n"), path);
		goto done;
	}
	if ((found = jws_set_key(text, kid, pk, window, err,
	    sizeof(err))) != 0) {
		fprintf(stderr, _("vpoints: certificate verify: signed by key "
		    "%.60s, which is none of the keys in %s\n"), kid, path);
		goto done;
	}
	sig_keyid(pk, keyid);
	rc = 0;
	goto done;
bad:
	fprintf(stderr, _("vpoints: certificate verify: %s: %s\n"), path, err);
done:
	free(kid);
	free(text);
	return rc;
}

/* Whether the time doc says it was signed at (a certificate's issued_at,
 * a month close's closed_at, RFC 3339) lies in the signing key's window:
 * a retired key of a JWK Set signed only between its "nbf" and "exp", so
 * a JWS it signs afterwards (a leaked retired key) is no certificate. A
 * key without a window signs at any time; with one, a payload that gives
 * no such time (a number, null, none) is refused: it would pass any
 * window. Says why when not. */
static bool
certificate_in_window(json_t *doc, const struct jws_window *window,
    const char *keyid, const char *file)
{
	const char *issued = json_string_value(json_object_get(doc,
	    json_object_get(doc, "issued_at") != NULL ? "issued_at" :
	    "closed_at"));
	time_t at;

	if (window->nbf == 0 && window->exp == 0)
		return true;
	if (issued == NULL || when_parse(issued, &at) != 0) {
		fprintf(stderr, _("vpoints: certificate verify: %s: signed by "
		    "a key that signed only for a time, but it gives no time "
		    "it was signed at (issued_at or closed_at)\n"), file);
		return false;
	}
	if ((window->nbf != 0 && at < window->nbf) ||
	    (window->exp != 0 && at >= window->exp)) {
		fprintf(stderr, _("vpoints: certificate verify: %s: says it "
		    "was issued at %s, when key %s did not sign (the set "
		    "gives the times it did)\n"), file, issued, keyid);
		return false;
	}
	return true;
}

/* --online: whether the ledger holds this very certificate (the SHA-256
 * of the signed payload is the one it recorded under the number) and has
 * not revoked it. A number the ledger gave another certificate is one
 * lost in a restore from an older backup, or signed with a stolen key;
 * either way the ledger does not vouch for it. The exit code; says why
 * when it is not 0. */
static int
certificate_online(struct client *cl, json_t *doc, const char *payload,
    size_t len, const char *file)
{
	unsigned char h[32];
	char hex[65], *path;
	json_t *rec = NULL;
	int rc;

	if (json_string_value(json_object_get(doc, "number")) == NULL) {
		fprintf(stderr, _("vpoints: certificate verify: %s: --online "
		    "checks a certificate, and this has no number\n"), file);
		return WIRE_EXIT_FAILURE;
	}
	path = wire_path(WIRE_OP_CERTIFICATE_GET, client_str(doc, "number"));
	rc = call_run(cl, "certificate verify", "GET", path, NULL, NULL, &rec);
	free(path);
	if (rc != WIRE_EXIT_OK)
		return rc;
	crypto_hash_sha256(h, (const unsigned char *)payload, len);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	if (strcmp(client_str(rec, "sha256"), hex) != 0) {
		fprintf(stderr, _("vpoints: certificate verify: %s: the "
		    "ledger's certificate %s is another one: this one was "
		    "issued before a restore from an older backup, or signed "
		    "with a stolen key; the ledger does not vouch for it\n"),
		    file, client_str(doc, "number"));
		rc = WIRE_EXIT_FAILURE;
	} else if (json_string_value(json_object_get(rec, "revoked_at")) !=
	    NULL) {
		fprintf(stderr, _("vpoints: certificate verify: %s: revoked at "
		    "%s: %s\n"), file, client_str(rec, "revoked_at"),
		    client_str(rec, "revoke_reason"));
		rc = WIRE_EXIT_FAILURE;
	}
	json_decref(rec);
	return rc;
}

/* vpoints certificate verify FILE --keys SET | --pubkey KEY [--online]:
 * offline, and with --online against the ledger as well. */
static int
certificate_verify(struct client *cl, struct cmd *c)
{
	unsigned char pk[SIG_PUBLICKEYBYTES];
	char keyid[SIG_KEYID_LEN + 1], err[300];
	char *jws = NULL, *payload = NULL, *unpacked;
	const char *file = cmd_arg(c, 0);
	struct jws_window window = { 0, 0 };
	enum jws_status st;
	json_t *doc = NULL;
	size_t len;
	bool base45;
	int rc = WIRE_EXIT_FAILURE;

	if ((jws = certificate_slurp(file, err, sizeof(err))) == NULL)
		goto fail;
	/* A file of one line: its line end is no part of the JWS, nor is
	 * white space after it; but a space is a base45 character. */
	base45 = strncmp(jws, JWS_BASE45_PREFIX,
	    strlen(JWS_BASE45_PREFIX)) == 0;
	len = strlen(jws);
	while (len > 0 && strchr(base45 ? "\r\n" : " \t\r\n",
	    jws[len - 1]) != NULL)
		jws[--len] = '\0';
	/* What a scanner read from the QR code: the JWS, or its base45
	 * form. */
	if (base45) {
		if ((st = jws_unbase45(jws, &unpacked)) != JWS_OK) {
			fprintf(stderr,
			    _("vpoints: certificate verify: %s: %s\n"),
			    file, jws_status_text(st));
			goto done;
		}
		free(jws);
		jws = unpacked;
	}
	if (certificate_key(c, jws, pk, keyid, &window) != 0)
		goto done;
	if ((st = jws_verify(jws, pk, &payload, &len)) != JWS_OK) {
		fprintf(stderr, _("vpoints: certificate verify: %s: %s\n"),
		    file, jws_status_text(st));
		goto done;
	}
	doc = json_loadb(payload, len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(doc)) {
		fprintf(stderr, _("vpoints: certificate verify: %s: signed, "
		    "but what is signed is not a JSON object\n"), file);
		goto done;
	}
	if (!certificate_in_window(doc, &window, keyid, file))
		goto done;
	if (cmd_get(c, "online") != NULL &&
	    (rc = certificate_online(cl, doc, payload, len, file)) !=
	    WIRE_EXIT_OK)
		goto done;
	rc = WIRE_EXIT_FAILURE;
	if (cl->json) {
		printf("%s\n", payload);
	} else {
		if (!cl->csv)
			printf(_("valid: signed by key %s\n"), keyid);
		certificate_print(cl, doc);
		if (!cl->csv && json_object_get(doc, "number") != NULL &&
		    cmd_get(c, "online") == NULL)
			printf(_("(a revocation is not visible offline: vpoints "
			    "certificate verify --online)\n"));
		else if (!cl->csv && json_object_get(doc, "number") != NULL)
			printf(_("the ledger holds this certificate, not "
			    "revoked\n"));
	}
	rc = WIRE_EXIT_OK;
	goto done;
fail:
	fprintf(stderr, _("vpoints: certificate verify: %s\n"), err);
done:
	json_decref(doc);
	free(payload);
	free(jws);
	return rc;
}

/* One source of keys: --keys or --pubkey. */
static const char *
certificate_verify_check(const struct cmd *c)
{
	if ((cmd_get(c, "keys") == NULL) == (cmd_get(c, "pubkey") == NULL))
		return _("wants --keys SET or --pubkey KEY");
	return NULL;
}

static const struct cmd_option certificate_number[] = {
	CMD_ARG("NUMBER", CMD_STRING, "number"),
	CMD_END
};

static const struct cmd_option certificate_issue_args[] = {
	CMD_ARG("VOLUNTEER", CMD_STRING, "volunteer"),
	CMD_END
};

static const struct cmd_option certificate_issue_options[] = {
	CMD_OPT("year", CMD_YEAR, "year", "YYYY", 0),
	CMD_OPT("from", CMD_DATE, "from", "YYYY-MM-DD", 0),
	CMD_OPT("to", CMD_DATE, "to", "YYYY-MM-DD", 0),
	CMD_OPT("out", CMD_STRING, NULL, "FILE", 0),
	CMD_OPT("html", CMD_STRING, NULL, "FILE", 0),
	CMD_OPT("png", CMD_STRING, NULL, "FILE", 0),
	CMD_END
};

static const struct cmd_option certificate_verify_args[] = {
	CMD_ARG("FILE", CMD_STRING, NULL),
	CMD_END
};

static const struct cmd_option certificate_verify_options[] = {
	CMD_OPT("keys", CMD_STRING, NULL, "SET", 0),
	CMD_OPT("pubkey", CMD_STRING, NULL, "KEY", 0),
	CMD_OPT("online", CMD_FLAG, NULL, NULL, 0),
	CMD_END
};

static const struct cmd_option certificate_revoke_options[] = {
	CMD_OPT("reason", CMD_STRING, "reason", "TEXT", CMD_REQUIRED),
	CMD_END
};

static const struct cmd_verb certificate_verbs[] = {
	{ .name = "issue", .args = certificate_issue_args,
	    .options = certificate_issue_options,
	    .op = WIRE_OP_CERTIFICATE_ISSUE, .flags = CMD_PRINT_JSON,
	    .check = certificate_check, .print = certificate_print_issued },
	{ .name = "verify", .args = certificate_verify_args,
	    .options = certificate_verify_options, .flags = CMD_LOCAL,
	    .check = certificate_verify_check, .run = certificate_verify },
	{ .name = "show", .args = certificate_number,
	    .op = WIRE_OP_CERTIFICATE_GET, CMD_RECORD(certificate_fields) },
	{ .name = "revoke", .args = certificate_number,
	    .options = certificate_revoke_options,
	    .op = WIRE_OP_CERTIFICATE_REVOKE,
	    CMD_RECORD(certificate_fields) },
};

const struct cmd_entry cmd_certificate_entry = {
	.name = "certificate",
	.summary = N_("issue, verify (offline), show, revoke certificates"),
	.about = certificate_about,
	.verbs = certificate_verbs,
	.nverbs = CMD_NITEMS(certificate_verbs),
};
