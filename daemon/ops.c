#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "daemon/api.h"
#include "daemon/args.h"
#include "daemon/console.h"
#include "daemon/health.h"
#include "daemon/metrics.h"
#include "daemon/ops.h"
#include "daemon/page.h"
#include "daemon/reports.h"
#include "daemon/signer.h"
#include "daemon/standby.h"
#include "daemon/times.h"
#include "log.h"
#include "wire.h"
#include "xmalloc.h"

/* What the daemon does with a successful operation's body for some routes
 * (signs it, or writes CSV), by common/routes.h id; the others pass the
 * body through as it came. */
static const ops_finish ops_finishes[WIRE_OP_COUNT] = {
	[WIRE_OP_REPORT_MONTHLY] = reports_finish,
	[WIRE_OP_REPORT_ANNUAL] = reports_finish,
	[WIRE_OP_CERTIFICATE_ISSUE] = reports_certificate_finish,
	[WIRE_OP_MONTH_CLOSE] = reports_month_close_finish,
	[WIRE_OP_VOLUNTEER_LINK] = page_link_finish,
	[WIRE_OP_STATION_LINK] = page_link_finish,
};

/* Whether a JSON value holds a number with a fraction or an exponent
 * (jansson's real) anywhere. */
static int
ops_has_real(json_t *v)
{
	const char *key;
	json_t *member;
	size_t i;

	switch (json_typeof(v)) {
	case JSON_REAL:
		return 1;
	case JSON_OBJECT:
		json_object_foreach(v, key, member)
			if (ops_has_real(member))
				return 1;
		return 0;
	case JSON_ARRAY:
		json_array_foreach(v, i, member)
			if (ops_has_real(member))
				return 1;
		return 0;
	default:
		return 0;
	}
}

/* Pair of the ops context and the route, one per route. */
struct ops_route {
	struct ops	*ops;
	enum wire_op	 op;
};

static struct ops_route ops_routes[WIRE_OP_COUNT];

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
	const char *status, *body, *note;
	char *fixed;
	size_t len;
	int code;

	free(call);
	metrics_db(route->ops->metrics, wire_route(route->op)->operation,
	    db_reply_seconds(r));
	if (db_reply_status(r) != DB_OK) {
		api_reply_db_failure(hr, r);
		return;
	}
	status = db_reply_value(r, 0, 0);
	body = db_reply_value(r, 0, 1);
	/* What the database said of an error it mapped to a problem type:
	 * for the log only, never for the client. */
	if ((note = db_reply_value(r, 0, 2)) != NULL)
		log_warn("vp_call %s %s: %s", http_request_method(hr),
		    http_request_logged(hr), note);
	code = status != NULL ? atoi(status) : 0;
	if (body == NULL || code < 200 || code > 599) {
		log_error("vp_call %s %s: no status or body",
		    http_request_method(hr), http_request_logged(hr));
		http_reply_problem(hr, 500, WIRE_P_INTERNAL, "Internal error",
		    "The error was logged.");
		return;
	}
	/* Every time RFC 3339, also one of a zone's local mean time. */
	if ((fixed = times_rfc3339(body, strlen(body), &len)) != NULL)
		body = fixed;
	if (code < 400 && ops_finishes[route->op] != NULL)
		ops_finishes[route->op](route->ops, hr, code, body);
	else {
		if (code == 401)
			auth_refused(route->ops->auth, body);
		http_reply(hr, code, code >= 400 ? WIRE_TYPE_PROBLEM :
		    WIRE_TYPE_JSON, body, strlen(body));
	}
	free(fixed);
}

/* An Idempotency-Key: 1 to 255 visible ASCII characters. */
static bool
ops_idem_key_valid(const char *key)
{
	size_t i;

	for (i = 0; key[i] != '\0'; i++) {
		if (!isgraph((unsigned char)key[i]) || i == WIRE_IDEM_KEY_MAX)
			return false;
	}
	return i > 0;
}

/* Refuse a write without a valid Idempotency-Key. */
static void
ops_no_idem_key(struct http_request *hr)
{
	char detail[128];

	snprintf(detail, sizeof(detail), "Every write needs an "
	    "Idempotency-Key header of 1 to %d visible characters.",
	    WIRE_IDEM_KEY_MAX);
	http_reply_problem(hr, 400, WIRE_P_IDEM_KEY_MISSING,
	    "Idempotency-Key required", detail);
}

/* A MAC (hex) of what makes two requests the same request: method,
 * path, query and body; for a route whose arguments the daemon rewrites,
 * the rewritten arguments (args, as vp_call gets them) instead of the
 * body. The fingerprint is kept in the database for a day, and a plain
 * hash of a body would give its personal fields away to whoever tries
 * the few that fit (a phone number is a million tries), even after the
 * volunteer's consent went or for a registration refused without it: so
 * it is keyed, under id_hash_key, which never changes (the ID numbers'
 * hashes depend on it), or else the signing key. The rewritten arguments
 * hold an ID number's keyed hash, not the number. */
static void
ops_fingerprint(const struct ops *ops, struct http_request *hr,
    const char *args, char *hex, size_t hexlen)
{
	crypto_generichash_state st;
	unsigned char mac[32];
	const char *parts[3], *body;
	size_t len, i;

	parts[0] = http_request_method(hr);
	parts[1] = http_request_path(hr);
	parts[2] = http_request_query(hr);
	if (args != NULL) {
		body = args;
		len = strlen(args);
	} else {
		body = http_request_body(hr, &len);
	}
	signer_mac_start(ops->signer, (*ops->conf)->id_hash_key,
	    "idempotency fingerprint", &st);
	for (i = 0; i < 3; i++)
		crypto_generichash_update(&st, (const unsigned char *)parts[i],
		    strlen(parts[i]) + 1);
	crypto_generichash_update(&st, (const unsigned char *)body, len);
	crypto_generichash_final(&st, mac, sizeof(mac));
	sodium_memzero(&st, sizeof(st));
	sodium_bin2hex(hex, hexlen, mac, sizeof(mac));
}

/* The request's arguments (args.c); NULL after replying 400 or 422. */
static json_t *
ops_args(struct http_request *hr, const struct ops_route *route)
{
	struct args_request req;
	struct args_problem problem;
	json_t *args;

	req.query = http_request_query(hr);
	req.body = http_request_body(hr, &req.body_len);
	req.segment = wire_route(route->op)->param != NULL ?
	    http_request_param(hr, 0) : NULL;
	args = args_decode(route->op, route->ops, &req, &problem);
	if (args == NULL)
		http_reply_problem_members(hr, problem.status, problem.type,
		    problem.title, problem.detail, problem.members);
	return args;
}

/* A read that may lag, with a standby configured: standby.c runs it
 * with vp_call's parameters (params) but the Idempotency-Key and the
 * fingerprint, which only writes have. */
static void
ops_lagged(struct standby *standby, const char *const *params,
    struct ops_call *call)
{
	struct standby_request req;

	req.keyid = params[0];
	req.nonce = params[1];
	req.operation = params[2];
	req.args = params[5];
	req.timezone = params[6];
	req.rules = params[7];
	standby_read(standby, &req, ops_done, call);
}

/* The signature holds: run the operation. */
static void
ops_signed(struct http_request *hr, const struct auth_ok *ok, void *arg)
{
	const struct ops_route *route = arg;
	const struct wire_route *wr = wire_route(route->op);
	const struct conf *cf = *route->ops->conf;
	const char *idem = NULL, *params[8];
	char fingerprint[2 * 32 + 1], rules[256];
	struct ops_call *call;
	json_t *args;
	const char *body;
	char *text;
	size_t len;

	if (wr->access == WIRE_WRITE)
		idem = http_request_header(hr, WIRE_HDR_IDEMPOTENCY_KEY);
	if ((args = ops_args(hr, route)) == NULL)
		return;
	/* A capability link's token: its hash goes to the database. */
	if (route->op == WIRE_OP_VOLUNTEER_LINK ||
	    route->op == WIRE_OP_STATION_LINK)
		page_link_args(route->ops, route->op, ok->keyid, idem, args);
	/* A write's body that nothing added to or rewrote goes to the
	 * database as it came: ops_args parsed it whole (a JSON object, no
	 * name twice), and writing it out again cost a shift write about
	 * 5 % of the daemon's instructions besides the Ed25519 verify. Not
	 * one with a number of fraction or exponent: jsonb would read 1e2
	 * as the integer 100, where jansson's 100.0 is refused as one. */
	body = http_request_body(hr, &len);
	if (wr->access == WIRE_WRITE && len > 0 && wr->param == NULL &&
	    !args_rewritten(route->op) && route->op != WIRE_OP_VOLUNTEER_LINK &&
	    route->op != WIRE_OP_STATION_LINK && !ops_has_real(args))
		text = xstrdup(body);
	else
		text = json_dumps(args, JSON_COMPACT);
	json_decref(args);
	if (text == NULL)
		abort();
	ops_fingerprint(route->ops, hr, args_rewritten(route->op) ? text :
	    NULL, fingerprint, sizeof(fingerprint));
	params[0] = ok->keyid;
	params[1] = ok->nonce;
	params[2] = wr->operation;
	params[3] = idem;
	params[4] = fingerprint;
	params[5] = text;
	params[6] = cf->timezone;
	/* The date rules the ledger enforces (sql/functions/months.sql)
	 * and the campaign's targets its reports judge by; conf.c checked
	 * every value. */
	snprintf(rules, sizeof(rules), "{\"programme_start\":\"%s\","
	    "\"back_entry_days\":%d,\"noshow_limit\":%d,"
	    "\"noshow_days\":%d,\"approval_target\":%d,"
	    "\"recruitment_target\":%d}", cf->programme_start,
	    cf->back_entry_days, cf->noshow_limit, cf->noshow_days,
	    cf->approval_target, cf->recruitment_target);
	params[7] = rules;
	call = xcalloc(1, sizeof(*call));
	call->hr = hr;
	call->route = route;
	if (wr->access == WIRE_LAGGED && route->ops->standby != NULL) {
		ops_lagged(route->ops->standby, params, call);
		free(text);
		return;
	}
	db_query(route->ops->db, "SELECT status, body, log_text FROM vp_call($1, "
	    "$2, $3, $4, $5, $6::jsonb, $7, $8::jsonb)", 8, params, ops_done,
	    call);
	free(text);
}

/* Every operation route starts here. */
static void
ops_handle(struct http_request *hr, void *arg)
{
	const struct ops_route *route = arg;
	bool write = wire_route(route->op)->access == WIRE_WRITE;
	const char *idem;

	/* Said before the signature, which must cover it: a write without
	 * an Idempotency-Key is a malformed request, not a forged one. */
	if (write) {
		idem = http_request_header(hr, WIRE_HDR_IDEMPOTENCY_KEY);
		if (idem == NULL || !ops_idem_key_valid(idem)) {
			ops_no_idem_key(hr);
			return;
		}
	}
	auth_check(route->ops->auth, hr, write, ops_signed, (void *)route);
}

/* GET /v1/settings: what a client needs of the configuration in force,
 * unsigned (nothing in it is secret): the programme's time zone, in which
 * clients read and print times, and the date rules. */
static void
ops_settings(struct http_request *hr, void *arg)
{
	const struct ops *ops = arg;
	const struct conf *cf = *ops->conf;

	http_reply_json(hr, 200, json_pack("{s:s, s:s, s:i}", "timezone",
	    cf->timezone, "programme_start", cf->programme_start,
	    "back_entry_days", cf->back_entry_days));
}

/* The handler of an unsigned route, and in *arg what it is given. */
static http_handler
ops_open(struct ops *ops, enum wire_op op, void **arg)
{
	switch (op) {
	case WIRE_OP_HEALTHZ:
		*arg = ops->db;
		return health_get;
	case WIRE_OP_METRICS:
		*arg = ops->metrics;
		return metrics_get;
	case WIRE_OP_PUBLIC_KEY:
		*arg = ops;
		return reports_public_key;
	case WIRE_OP_SETTINGS:
		*arg = ops;
		return ops_settings;
	case WIRE_OP_PUBLIC_KEYS:
		*arg = ops;
		return reports_public_keys;
	case WIRE_OP_CONSOLE_INDEX:
	case WIRE_OP_CONSOLE_INDEX_HEAD:
	case WIRE_OP_CONSOLE_FILE:
	case WIRE_OP_CONSOLE_FILE_HEAD:
		*arg = ops->console;
		return console_get;
	default:
		abort();
	}
}

/* A capability URL's route (page.c). */
static void
ops_page(struct http_request *hr, void *arg)
{
	const struct ops_route *route = arg;

	page_handle(hr, route->ops, route->op);
}

/* Add every route of common/routes.h to the server, in its order: the
 * unsigned ones (open and static) to their handlers, the capability URLs
 * to page.c, the others to the signed operation handler. */
void
ops_route_all(struct http_server *server, struct ops *ops)
{
	const struct wire_route *wr;
	http_handler handler;
	void *arg;
	size_t i;

	for (i = 0; i < WIRE_OP_COUNT; i++) {
		wr = wire_route((enum wire_op)i);
		ops_routes[i].ops = ops;
		ops_routes[i].op = (enum wire_op)i;
		if (wr->access == WIRE_PAGE) {
			handler = ops_page;
			arg = &ops_routes[i];
		} else if (!WIRE_SIGNED(wr->access)) {
			handler = ops_open(ops, (enum wire_op)i, &arg);
		} else {
			handler = ops_handle;
			arg = &ops_routes[i];
		}
		http_route(server, wr->method, wr->pattern, handler, arg);
	}
}
