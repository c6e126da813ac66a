#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "csvreport.h"
#include "daemon/ops.h"
#include "daemon/reports.h"
#include "daemon/signer.h"
#include "log.h"
#include "wire.h"
#include "xmalloc.h"

/* A report's rows as RFC 4180 CSV, by its "columns"; NULL if the body is
 * not a report. */
char *
reports_csv(const char *body)
{
	json_t *report = json_loads(body, 0, NULL);
	char *out = csv_report(report);

	json_decref(report);
	return out;
}

/* Reports: JSON as it came, or CSV when the client asked for it. */
void
reports_finish(const struct ops *ops, struct http_request *hr, int status,
    const char *body)
{
	const char *accept = http_request_header(hr, "Accept");
	char *csv;

	if (accept == NULL || strstr(accept, "text/csv") == NULL) {
		http_reply(hr, status, WIRE_TYPE_JSON, body, strlen(body));
		return;
	}
	if ((csv = reports_csv(body)) == NULL) {
		http_reply_problem(hr, 500, WIRE_P_INTERNAL, "Internal error",
		    "The report has no rows to write as CSV.");
		return;
	}
	http_reply(hr, status, WIRE_TYPE_CSV, csv, strlen(csv));
	free(csv);
}

/* POST /v1/certificates: sign the payload SQL recorded. A retry gets the
 * stored payload and, Ed25519 being deterministic, the same JWS. The
 * certificate in the answer is the payload's own text, as signed. */
void
reports_certificate_finish(const struct ops *ops, struct http_request *hr,
    int status, const char *body)
{
	json_t *result = json_loads(body, 0, NULL);
	const char *payload, *number;
	char *jws, *reply;

	payload = json_string_value(json_object_get(result, "payload"));
	number = json_string_value(json_object_get(result, "number"));
	if (payload == NULL || number == NULL ||
	    strspn(number, "C-0123456789") != strlen(number)) {
		json_decref(result);
		http_reply_problem(hr, 500, WIRE_P_INTERNAL, "Internal error",
		    "The certificate has no payload.");
		return;
	}
	jws = signer_jws(ops->signer, payload);
	/* Number and JWS are plain ASCII (digits, base64url, "-", "."). */
	reply = xasprintf("{\"number\":\"%s\",\"jws\":\"%s\",\"certificate\":%s}",
	    number, jws, payload);
	http_reply(hr, status, WIRE_TYPE_JSON, reply, strlen(reply));
	free(reply);
	free(jws);
	json_decref(result);
}

/* A month close waiting for its JWS to be stored. */
struct reports_close {
	struct http_request *hr;
	int		 status;
	json_t		*reply;
};

/* The JWS is stored: answer. */
static void
reports_close_signed(const struct db_reply *r, void *arg)
{
	struct reports_close *c = arg;

	if (db_reply_status(r) != DB_OK) {
		/* The close itself committed: a retry with the same
		 * Idempotency-Key signs and stores again. */
		json_decref(c->reply);
		http_reply_problem(c->hr, 503, WIRE_P_DB_UNAVAILABLE,
		    "Database unavailable", "The month is closed but its "
		    "signature was not stored yet: retry the request.");
	} else {
		http_reply_json(c->hr, c->status, c->reply);
	}
	free(c);
}

/* POST /v1/months/{month}/close: sign the close and store the JWS. */
void
reports_month_close_finish(const struct ops *ops, struct http_request *hr,
    int status, const char *body)
{
	json_t *result = json_loads(body, 0, NULL);
	struct reports_close *c;
	const char *payload, *params[2];
	char *jws;

	payload = json_string_value(json_object_get(result, "payload"));
	if (payload == NULL) {
		json_decref(result);
		http_reply_problem(hr, 500, WIRE_P_INTERNAL, "Internal error",
		    "The close has no payload.");
		return;
	}
	jws = signer_jws(ops->signer, payload);
	c = xcalloc(1, sizeof(*c));
	c->hr = hr;
	c->status = status;
	c->reply = json_pack("{s:O, s:O, s:O, s:s}", "month",
	    json_object_get(result, "month"), "closed_at",
	    json_object_get(result, "closed_at"), "digest",
	    json_object_get(result, "digest"), "jws", jws);
	params[0] = json_string_value(json_object_get(result, "month"));
	params[1] = jws;
	db_query(ops->db, "SELECT vp_month_close_sign($1, $2)", 2, params,
	    reports_close_signed, c);
	free(jws);
	json_decref(result);
}

/* GET /v1/public-key: the key that signs certificates; no signature. */
void
reports_public_key(struct http_request *hr, void *arg)
{
	const struct ops *ops = arg;
	char *json = signer_public_json(ops->signer);

	http_reply(hr, 200, WIRE_TYPE_JSON, json, strlen(json));
	free(json);
}

/* GET /v1/public-keys: the current and earlier signing keys, a JWK Set;
 * no signature. */
void
reports_public_keys(struct http_request *hr, void *arg)
{
	const struct ops *ops = arg;
	char *json = signer_jwks(ops->signer);

	http_reply(hr, 200, WIRE_TYPE_JSON, json, strlen(json));
	free(json);
}
