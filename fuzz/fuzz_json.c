/* Fuzz the daemon's decoding of a request into an operation's arguments:
 * args_decode (daemon/args.c) itself, as the daemon's handler calls it,
 * on the signed routes of common/routes.h.
 *
 * The input is a line "METHOD PATH[?QUERY]" (LF-terminated), then the
 * body.  A line that names no signed route has its body decoded as
 * community_add's (a write with no {} segment and no prepare hook).  Each
 * input is decoded with an id_hash_key configured and again without. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fuzz/fuzz.h"
#include "daemon/args.h"
#include "daemon/conf.h"
#include "daemon/ops.h"
#include "daemon/route.h"
#include "keyfile.h"
#include "routes.h"
#include "sig.h"
#include "wire.h"

/* The signed routes of common/routes.h; target is the enum wire_op. */
static struct route	routes[WIRE_OP_COUNT];
static size_t		nroutes;
static enum wire_op	ops_of[WIRE_OP_COUNT];

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

	if (nroutes != 0)
		return;
	for (i = 0; i < WIRE_OP_COUNT; i++) {
		if (!WIRE_SIGNED(wire_routes[i].access))
			continue;
		ops_of[nroutes] = (enum wire_op)i;
		routes[nroutes].method = wire_routes[i].method;
		routes[nroutes].pattern = wire_routes[i].pattern;
		routes[nroutes].target = &ops_of[nroutes];
		nroutes++;
	}
}

/* Whether s is n lowercase hex digits. */
static int
is_hex(const char *s, size_t n)
{
	return s != NULL && strlen(s) == n &&
	    strspn(s, "0123456789abcdef") == n;
}

/* A refusal is one the daemon can send, with something to say. */
static void
check_problem(const struct args_problem *p)
{
	FUZZ_CHECK((p->status == 400 && (strcmp(p->type,
	    WIRE_P_BAD_REQUEST) == 0 || strcmp(p->type,
	    WIRE_P_INVALID_JSON) == 0)) || (p->status == 422 &&
	    strcmp(p->type, WIRE_P_INVALID_FIELD) == 0));
	FUZZ_CHECK(p->title != NULL && p->title[0] != '\0');
	FUZZ_CHECK(p->detail[0] != '\0');
	FUZZ_CHECK(p->members == NULL || json_is_object(p->members));
}

/* What vp_call gets: compact JSON that reads back equal. */
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

/* What decoded arguments hold: the {} segment under the route's name, and
 * what the route's prepare hook leaves (a base64url public key; an ID
 * number only as its hash and last four, and only with a key). */
static void
check_args(enum wire_op op, const struct ops *ops, const char *segment,
    json_t *args)
{
	unsigned char pk[SIG_PUBLICKEYBYTES];
	const char *param = wire_route(op)->param, *text;
	char why[128];
	json_t *hash;

	FUZZ_CHECK(json_is_object(args));
	if (param != NULL) {
		text = json_string_value(json_object_get(args, param));
		FUZZ_CHECK(text != NULL && strcmp(text, segment) == 0);
	}
	switch (op) {
	case WIRE_OP_STATION_ADD:
		text = json_string_value(json_object_get(args, "public_key"));
		FUZZ_CHECK(text != NULL && strlen(text) == 43);
		FUZZ_CHECK(keyfile_parse_public(text, pk, why, sizeof(why)) ==
		    0);
		break;
	case WIRE_OP_VOLUNTEER_ADD:
	case WIRE_OP_VOLUNTEER_UPDATE:
		FUZZ_CHECK(json_object_get(args, "id_number") == NULL);
		hash = json_object_get(args, "id_hash");
		text = json_string_value(json_object_get(args, "id_last4"));
		if (hash != NULL) {
			FUZZ_CHECK(ops == &ops_keyed);
			FUZZ_CHECK(is_hex(json_string_value(hash), 64));
			FUZZ_CHECK(text != NULL && strlen(text) == 4);
		} else {
			FUZZ_CHECK(json_object_get(args, "id_last4") == NULL);
		}
		break;
	default:
		break;
	}
	check_sql_text(args);
}

/* Decode the request of the first line and the body. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum wire_op op = WIRE_OP_COMMUNITY_ADD;
	struct args_problem problem, problem2;
	struct args_request req;
	struct route_match match;
	char line[512], *sp, *query;
	const char *body;
	json_t *args, *unkeyed;
	size_t n;

	init_routes();
	body = memchr(data, '\n', size);
	n = body != NULL ? (size_t)(body - (const char *)data) : 0;
	if (body == NULL || n >= sizeof(line))
		return 0;
	memcpy(line, data, n);
	line[n] = '\0';
	body++;
	memset(&req, 0, sizeof(req));
	req.query = "";
	req.body = body;
	req.body_len = size - n - 1;
	if ((sp = strchr(line, ' ')) != NULL) {
		*sp = '\0';
		if ((query = strchr(sp + 1, '?')) != NULL) {
			*query = '\0';
			req.query = query + 1;
		}
		if (route_find(routes, nroutes, line, sp + 1, &match) ==
		    ROUTE_FOUND) {
			op = *(const enum wire_op *)match.route->target;
			if (wire_route(op)->param != NULL) {
				FUZZ_CHECK(match.nparams == 1);
				req.segment = match.params[0];
			}
		}
	}

	args = args_decode(op, &ops_keyed, &req, &problem);
	if (args == NULL) {
		check_problem(&problem);
		json_decref(problem.members);
	} else
		check_args(op, &ops_keyed, req.segment, args);
	/* Without an id_hash_key the decoding may only refuse more, never
	 * decode differently. */
	unkeyed = args_decode(op, &ops_unkeyed, &req, &problem2);
	if (unkeyed == NULL) {
		check_problem(&problem2);
		json_decref(problem2.members);
	} else {
		check_args(op, &ops_unkeyed, req.segment, unkeyed);
		FUZZ_CHECK(args != NULL && json_equal(args, unkeyed));
	}
	json_decref(unkeyed);
	json_decref(args);
	return 0;
}
