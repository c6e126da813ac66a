#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "daemon/admin.h"
#include "daemon/volunteer.h"
#include "daemon/ops.h"
#include "daemon/api.h"
#include "daemon/reports.h"
#include "log.h"
#include "wire.h"
#include "xmalloc.h"

#define OPS_IDEM_KEY_MAX	255

/* Every signed operation of the API. */
static const struct op ops_table[] = {
	{ "POST", "/v1/communities", "community_add", true, { NULL }, NULL, NULL },
	{ "GET", "/v1/communities", "community_list", false, { NULL }, NULL, NULL },
	{ "POST", "/v1/stations", "station_add", true, { NULL },
	    admin_prepare_station, NULL },
	{ "GET", "/v1/stations", "station_list", false, { NULL }, NULL, NULL },
	{ "POST", "/v1/stations/{}/revoke", "station_revoke", true,
	    { "code" }, NULL, NULL },
	{ "POST", "/v1/activities", "activity_add", true, { NULL }, NULL, NULL },
	{ "GET", "/v1/activities", "activity_list", false, { NULL }, NULL, NULL },
	{ "POST", "/v1/teams", "team_add", true, { NULL }, NULL, NULL },
	{ "GET", "/v1/teams", "team_list", false, { NULL }, NULL, NULL },
	{ "POST", "/v1/teams/{}/join", "team_join", true, { "code" }, NULL, NULL },
	{ "POST", "/v1/teams/{}/leave", "team_leave", true, { "code" }, NULL, NULL },
	{ "POST", "/v1/volunteers", "volunteer_add", true, { NULL },
	    volunteer_prepare, NULL },
	{ "GET", "/v1/volunteers", "volunteer_list", false, { NULL }, NULL, NULL },
	{ "GET", "/v1/volunteers/{}", "volunteer_get", false, { "number" },
	    NULL, NULL },
	{ "PATCH", "/v1/volunteers/{}", "volunteer_update", true,
	    { "number" }, volunteer_prepare, NULL },
	{ "GET", "/v1/volunteers/{}/ledger", "volunteer_ledger", false,
	    { "number" }, NULL, NULL },
	{ "POST", "/v1/shifts", "shift_log", true, { NULL }, NULL, NULL },
	{ "GET", "/v1/shifts", "shift_list", false, { NULL }, NULL, NULL },
	{ "POST", "/v1/shifts/checkin", "shift_checkin", true, { NULL }, NULL, NULL },
	{ "POST", "/v1/shifts/{}/checkout", "shift_checkout", true, { "id" },
	    NULL, NULL },
	{ "POST", "/v1/shifts/{}/corrections", "shift_correct", true,
	    { "id" }, NULL, NULL },
	{ "POST", "/v1/catalog", "catalog_add", true, { NULL }, NULL, NULL },
	{ "GET", "/v1/catalog", "catalog_list", false, { NULL }, NULL, NULL },
	{ "POST", "/v1/catalog/{}/restock", "catalog_restock", true,
	    { "code" }, NULL, NULL },
	{ "POST", "/v1/catalog/{}/deactivate", "catalog_deactivate", true,
	    { "code" }, NULL, NULL },
	{ "POST", "/v1/redemptions", "redeem", true, { NULL }, NULL, NULL },
	{ "POST", "/v1/redemptions/{}/void", "redemption_void", true,
	    { "id" }, NULL, NULL },
	{ "POST", "/v1/help-requests", "help_request", true, { NULL }, NULL, NULL },
	{ "GET", "/v1/help-requests", "help_list", false, { NULL }, NULL, NULL },
	{ "POST", "/v1/help-requests/{}/accept", "help_accept", true,
	    { "id" }, NULL, NULL },
	{ "POST", "/v1/help-requests/{}/complete", "help_complete", true,
	    { "id" }, NULL, NULL },
	{ "POST", "/v1/help-requests/{}/cancel", "help_cancel", true,
	    { "id" }, NULL, NULL },
	{ "GET", "/v1/audit", "audit", false, { NULL }, NULL, NULL },
	{ "GET", "/v1/reports/monthly", "report_monthly", false, { NULL }, NULL,
	    reports_finish },
	{ "GET", "/v1/reports/annual", "report_annual", false, { NULL }, NULL,
	    reports_finish },
	{ "GET", "/v1/star-levels", "star_levels", false, { NULL }, NULL, NULL },
	{ "POST", "/v1/star-levels", "star_levels_set", true, { NULL }, NULL, NULL },
	{ "POST", "/v1/certificates", "certificate_issue", true, { NULL }, NULL,
	    reports_certificate_finish },
	{ "GET", "/v1/certificates/{}", "certificate_get", false,
	    { "number" }, NULL, NULL },
	{ "POST", "/v1/certificates/{}/revoke", "certificate_revoke", true,
	    { "number" }, NULL, NULL },
	{ "POST", "/v1/months/{}/close", "month_close", true, { "month" }, NULL,
	    reports_month_close_finish },
	{ "GET", "/v1/months", "month_list", false, { NULL }, NULL, NULL },
};

/* Pair of the ops context and the operation, one per route. */
struct ops_route {
	struct ops	*ops;
	const struct op	*op;
};

static struct ops_route ops_routes[sizeof(ops_table) / sizeof(ops_table[0])];

/* One request on its way through vp_call. */
struct ops_call {
	struct http_request *hr;
	const struct ops_route *route;
};

/* vp_call came back: pass its status and body through, or finish them. */
static void
ops_done(const struct db_reply *r, void *arg)
{
	struct ops_call *call = arg;
	struct http_request *hr = call->hr;
	const struct ops_route *route = call->route;
	const char *status, *body;
	int code;

	free(call);
	if (db_reply_status(r) != DB_OK) {
		api_reply_db_failure(hr, r);
		return;
	}
	status = db_reply_value(r, 0, 0);
	body = db_reply_value(r, 0, 1);
	code = status != NULL ? atoi(status) : 0;
	if (body == NULL || code < 200 || code > 599) {
		log_error("vp_call %s %s: no status or body",
		    http_request_method(hr), http_request_path(hr));
		http_reply_problem(hr, 500, WIRE_P_INTERNAL, "Internal error",
		    "The error was logged.");
		return;
	}
	if (code < 400 && route->op->finish != NULL) {
		route->op->finish(route->ops, hr, code, body);
		return;
	}
	if (code == 401)
		auth_refused(route->ops->auth, body);
	http_reply(hr, code, code >= 400 ? WIRE_TYPE_PROBLEM : WIRE_TYPE_JSON,
	    body, strlen(body));
}

/* An Idempotency-Key: 1 to 255 visible ASCII characters. */
static bool
ops_idem_key_valid(const char *key)
{
	size_t i;

	for (i = 0; key[i] != '\0'; i++) {
		if (!isgraph((unsigned char)key[i]) || i == OPS_IDEM_KEY_MAX)
			return false;
	}
	return i > 0;
}

/* Refuse a write without a valid Idempotency-Key. */
static void
ops_no_idem_key(struct http_request *hr)
{
	http_reply_problem(hr, 400, WIRE_PROBLEM("idempotency-key-missing"),
	    "Idempotency-Key required", "Every write needs an Idempotency-Key "
	    "header of 1 to 255 visible characters.");
}

/* SHA-256 (hex) of what makes two requests the same request. */
static void
ops_fingerprint(struct http_request *hr, char *hex, size_t hexlen)
{
	crypto_hash_sha256_state st;
	unsigned char hash[crypto_hash_sha256_BYTES];
	const char *parts[3], *body;
	size_t len, i;

	parts[0] = http_request_method(hr);
	parts[1] = http_request_path(hr);
	parts[2] = http_request_query(hr);
	body = http_request_body(hr, &len);
	crypto_hash_sha256_init(&st);
	for (i = 0; i < 3; i++)
		crypto_hash_sha256_update(&st, (const unsigned char *)parts[i],
		    strlen(parts[i]) + 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)body, len);
	crypto_hash_sha256_final(&st, hash);
	sodium_bin2hex(hex, hexlen, hash, sizeof(hash));
}

/* The request's arguments: its JSON object body (writes) or its query
 * parameters (reads), plus the route's {} segments. NULL after replying
 * 400 or 422. */
static json_t *
ops_args(struct http_request *hr, const struct ops *ops, const struct op *op)
{
	char detail[256];
	json_error_t error;
	const char *body;
	json_t *args;
	size_t len;
	int i;

	body = http_request_body(hr, &len);
	if (!op->write) {
		args = http_request_query_json(hr);
		if (args == NULL) {
			http_reply_problem(hr, 400, WIRE_P_BAD_REQUEST,
			    "Bad query", "The query string is malformed or "
			    "repeats a parameter.");
			return NULL;
		}
	} else if (len == 0) {
		args = json_object();
	} else {
		args = json_loadb(body, len, JSON_REJECT_DUPLICATES, &error);
		if (args == NULL) {
			http_reply_problem(hr, 400, WIRE_PROBLEM("invalid-json"),
			    "Invalid JSON", error.text);
			return NULL;
		}
		if (!json_is_object(args)) {
			json_decref(args);
			http_reply_problem(hr, 400, WIRE_PROBLEM("invalid-json"),
			    "Invalid JSON", "The body must be a JSON object.");
			return NULL;
		}
	}
	for (i = 0; i < OPS_MAX_PARAMS && op->params[i] != NULL; i++)
		json_object_set_new(args, op->params[i],
		    json_string(http_request_param(hr, i)));
	if (op->prepare != NULL &&
	    op->prepare(ops, args, detail, sizeof(detail)) != 0) {
		json_decref(args);
		http_reply_problem(hr, 422, WIRE_PROBLEM("invalid-field"),
		    "invalid-field", detail);
		return NULL;
	}
	return args;
}

/* The signature holds: run the operation. */
static void
ops_signed(struct http_request *hr, const struct auth_ok *ok, void *arg)
{
	const struct ops_route *route = arg;
	const struct op *op = route->op;
	const char *idem = NULL, *params[7];
	char fingerprint[2 * crypto_hash_sha256_BYTES + 1];
	struct ops_call *call;
	json_t *args;
	char *text;

	if (op->write)
		idem = http_request_header(hr, WIRE_HDR_IDEMPOTENCY_KEY);
	if ((args = ops_args(hr, route->ops, op)) == NULL)
		return;
	text = json_dumps(args, JSON_COMPACT);
	json_decref(args);
	if (text == NULL)
		abort();
	ops_fingerprint(hr, fingerprint, sizeof(fingerprint));
	params[0] = ok->keyid;
	params[1] = ok->nonce;
	params[2] = op->name;
	params[3] = idem;
	params[4] = fingerprint;
	params[5] = text;
	params[6] = (*route->ops->conf)->timezone;
	call = xcalloc(1, sizeof(*call));
	call->hr = hr;
	call->route = route;
	db_query(route->ops->db, "SELECT status, body FROM vp_call($1, $2, $3, "
	    "$4, $5, $6::jsonb, $7)", 7, params, ops_done, call);
	free(text);
}

/* Every operation route starts here. */
static void
ops_handle(struct http_request *hr, void *arg)
{
	const struct ops_route *route = arg;
	const char *idem;

	/* Said before the signature, which must cover it: a write without
	 * an Idempotency-Key is a malformed request, not a forged one. */
	if (route->op->write) {
		idem = http_request_header(hr, WIRE_HDR_IDEMPOTENCY_KEY);
		if (idem == NULL || !ops_idem_key_valid(idem)) {
			ops_no_idem_key(hr);
			return;
		}
	}
	auth_check(route->ops->auth, hr, route->op->write, ops_signed,
	    (void *)route);
}

/* Add every operation's route to the server, and the public key's. */
void
ops_route_all(struct http_server *server, struct ops *ops)
{
	size_t i;

	http_route(server, "GET", WIRE_API_PREFIX "/public-key",
	    reports_public_key, ops);
	for (i = 0; i < sizeof(ops_table) / sizeof(ops_table[0]); i++) {
		ops_routes[i].ops = ops;
		ops_routes[i].op = &ops_table[i];
		http_route(server, ops_table[i].method, ops_table[i].pattern,
		    ops_handle, &ops_routes[i]);
	}
}
