/* Fuzz the daemon's decoding of a write's JSON body, as ops_args (daemon/
 * ops.c) does it: json_loadb with JSON_REJECT_DUPLICATES, the rule that
 * the body must be an object, the route's {} segments added to it, the
 * route's prepare hook, and the compact text that goes to vp_call.
 *
 * The input is a line "METHOD PATH" (LF-terminated), then the body.  A
 * path that is no write route of the API still has its body decoded, with
 * no segments and no hook.  volunteer_prepare runs with an id_hash_key
 * configured and, on a copy of the arguments, without one. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fuzz/fuzz.h"
#include "daemon/admin.h"
#include "daemon/conf.h"
#include "daemon/ops.h"
#include "daemon/route.h"
#include "daemon/volunteer.h"
#include "keyfile.h"
#include "sig.h"

/* The write routes of ops_table (daemon/ops.c) with their {} segments
 * and prepare hooks; reads take their arguments from the query. */
static const struct op fuzz_ops[] = {
	{ "POST", "/v1/communities", "community_add", true, { NULL }, NULL, NULL },
	{ "POST", "/v1/stations", "station_add", true, { NULL },
	    admin_prepare_station, NULL },
	{ "POST", "/v1/stations/{}/revoke", "station_revoke", true,
	    { "code" }, NULL, NULL },
	{ "POST", "/v1/activities", "activity_add", true, { NULL }, NULL, NULL },
	{ "POST", "/v1/teams", "team_add", true, { NULL }, NULL, NULL },
	{ "POST", "/v1/teams/{}/join", "team_join", true, { "code" }, NULL, NULL },
	{ "POST", "/v1/teams/{}/leave", "team_leave", true, { "code" }, NULL, NULL },
	{ "POST", "/v1/volunteers", "volunteer_add", true, { NULL },
	    volunteer_prepare, NULL },
	{ "PATCH", "/v1/volunteers/{}", "volunteer_update", true,
	    { "number" }, volunteer_prepare, NULL },
	{ "POST", "/v1/shifts", "shift_log", true, { NULL }, NULL, NULL },
	{ "POST", "/v1/shifts/checkin", "shift_checkin", true, { NULL }, NULL, NULL },
	{ "POST", "/v1/shifts/{}/checkout", "shift_checkout", true, { "id" },
	    NULL, NULL },
	{ "POST", "/v1/shifts/{}/corrections", "shift_correct", true,
	    { "id" }, NULL, NULL },
	{ "POST", "/v1/catalog", "catalog_add", true, { NULL }, NULL, NULL },
	{ "POST", "/v1/catalog/{}/restock", "catalog_restock", true,
	    { "code" }, NULL, NULL },
	{ "POST", "/v1/catalog/{}/deactivate", "catalog_deactivate", true,
	    { "code" }, NULL, NULL },
	{ "POST", "/v1/redemptions", "redeem", true, { NULL }, NULL, NULL },
	{ "POST", "/v1/redemptions/{}/void", "redemption_void", true,
	    { "id" }, NULL, NULL },
	{ "POST", "/v1/help-requests", "help_request", true, { NULL }, NULL, NULL },
	{ "POST", "/v1/help-requests/{}/accept", "help_accept", true,
	    { "id" }, NULL, NULL },
	{ "POST", "/v1/help-requests/{}/complete", "help_complete", true,
	    { "id" }, NULL, NULL },
	{ "POST", "/v1/help-requests/{}/cancel", "help_cancel", true,
	    { "id" }, NULL, NULL },
	{ "POST", "/v1/star-levels", "star_levels_set", true, { NULL }, NULL, NULL },
	{ "POST", "/v1/certificates", "certificate_issue", true, { NULL }, NULL,
	    NULL },
	{ "POST", "/v1/certificates/{}/revoke", "certificate_revoke", true,
	    { "number" }, NULL, NULL },
	{ "POST", "/v1/months/{}/close", "month_close", true, { "month" }, NULL,
	    NULL },
};

#define FUZZ_NOPS	(sizeof(fuzz_ops) / sizeof(fuzz_ops[0]))

static struct route	routes[FUZZ_NOPS];

/* A configuration with an id_hash_key, one without, and their ops. */
static char		 id_hash_key[] =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
static char		 no_key[] = "";
static struct conf	 conf_keyed = { .id_hash_key = id_hash_key };
static struct conf	 conf_unkeyed = { .id_hash_key = no_key };
static struct conf	*conf_keyed_p = &conf_keyed;
static struct conf	*conf_unkeyed_p = &conf_unkeyed;
static const struct ops	 ops_keyed = { .conf = &conf_keyed_p };
static const struct ops	 ops_unkeyed = { .conf = &conf_unkeyed_p };

/* Build the route table once. */
static void
init_routes(void)
{
	size_t i;

	if (routes[0].method != NULL)
		return;
	for (i = 0; i < FUZZ_NOPS; i++) {
		routes[i].method = fuzz_ops[i].method;
		routes[i].pattern = fuzz_ops[i].pattern;
		routes[i].target = (void *)&fuzz_ops[i];
	}
}

/* Whether s is n lowercase hex digits. */
static int
is_hex(const char *s, size_t n)
{
	return s != NULL && strlen(s) == n &&
	    strspn(s, "0123456789abcdef") == n;
}

/* Run a prepare hook and check what it leaves: on success the arguments
 * as SQL may see them, on refusal a detail for the 422. */
static int
check_prepare(const struct op *op, const struct ops *ops, json_t *args)
{
	unsigned char pk[SIG_PUBLICKEYBYTES];
	char detail[256], why[128];
	const char *id, *text;
	json_t *had_id;
	int rc;

	had_id = json_object_get(args, "id_number");
	id = json_string_value(had_id);
	memset(detail, 0, sizeof(detail));
	rc = op->prepare(ops, args, detail, sizeof(detail));
	if (rc != 0) {
		FUZZ_CHECK(rc == -1 && detail[0] != '\0');
		return rc;
	}
	if (op->prepare == admin_prepare_station) {
		text = json_string_value(json_object_get(args, "public_key"));
		FUZZ_CHECK(text != NULL && strlen(text) == 43);
		FUZZ_CHECK(keyfile_parse_public(text, pk, why, sizeof(why)) ==
		    0);
	} else {
		FUZZ_CHECK(json_object_get(args, "id_number") == NULL);
		text = json_string_value(json_object_get(args, "id_hash"));
		if (id != NULL) {
			FUZZ_CHECK(ops == &ops_keyed);
			FUZZ_CHECK(is_hex(text, 64));
			text = json_string_value(json_object_get(args,
			    "id_last4"));
			FUZZ_CHECK(text != NULL && strlen(text) == 4);
		} else {
			FUZZ_CHECK(json_object_get(args, "id_hash") == NULL &&
			    json_object_get(args, "id_last4") == NULL);
		}
	}
	return 0;
}

/* What ops_signed sends to vp_call: compact JSON that reads back equal. */
static void
check_sql_text(json_t *args)
{
	json_t *again;
	char *text;

	text = json_dumps(args, JSON_COMPACT);
	FUZZ_CHECK(text != NULL);
	again = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	FUZZ_CHECK(again != NULL && json_equal(args, again));
	json_decref(again);
	free(text);
}

/* Decode the body for the route of the first line. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct op *op = NULL;
	struct route_match match;
	char line[512], *sp;
	const char *body;
	json_error_t error;
	json_t *args, *copy;
	size_t len, n;
	int i;

	init_routes();
	body = memchr(data, '\n', size);
	n = body != NULL ? (size_t)(body - (const char *)data) : 0;
	if (body == NULL || n >= sizeof(line))
		return 0;
	memcpy(line, data, n);
	line[n] = '\0';
	body++;
	len = size - n - 1;
	if ((sp = strchr(line, ' ')) != NULL) {
		*sp = '\0';
		if (route_find(routes, FUZZ_NOPS, line, sp + 1, &match) ==
		    ROUTE_FOUND)
			op = match.route->target;
	}

	if (len == 0)
		args = json_object();
	else {
		args = json_loadb(body, len, JSON_REJECT_DUPLICATES, &error);
		if (args == NULL) {
			FUZZ_CHECK(error.text[0] != '\0');
			return 0;
		}
		if (!json_is_object(args)) {
			json_decref(args);
			return 0;
		}
	}
	for (i = 0; op != NULL && i < OPS_MAX_PARAMS && op->params[i] != NULL;
	    i++) {
		FUZZ_CHECK(i < match.nparams);
		FUZZ_CHECK(json_object_set_new(args, op->params[i],
		    json_string(match.params[i])) == 0);
	}
	if (op != NULL && op->prepare == volunteer_prepare) {
		copy = json_deep_copy(args);
		FUZZ_CHECK(copy != NULL);
		if (check_prepare(op, &ops_unkeyed, copy) == 0)
			check_sql_text(copy);
		json_decref(copy);
	}
	if (op != NULL && op->prepare != NULL &&
	    check_prepare(op, &ops_keyed, args) != 0) {
		json_decref(args);
		return 0;
	}
	check_sql_text(args);
	json_decref(args);
	return 0;
}
