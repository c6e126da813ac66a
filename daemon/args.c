#include "config.h"

#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "daemon/admin.h"
#include "daemon/args.h"
#include "daemon/volunteer.h"
#include "wire.h"

/* Rewrites a request's arguments before they go to SQL; returns -1 with
 * a detail for a 422. */
typedef int (*args_prepare)(const struct ops *, json_t *args, char *detail,
    size_t len);

/* The routes whose arguments the daemon rewrites, by common/routes.h id. */
static const args_prepare args_prepares[WIRE_OP_COUNT] = {
	[WIRE_OP_STATION_ADD] = admin_prepare_station,
	[WIRE_OP_STATION_KEY_ADD] = admin_prepare_station,
	[WIRE_OP_VOLUNTEER_ADD] = volunteer_prepare,
	[WIRE_OP_VOLUNTEER_UPDATE] = volunteer_prepare,
};

/* Fill in the problem to reply with; always NULL, the arguments made. */
static json_t *
args_refuse(struct args_problem *p, int status, const char *type,
    const char *title, const char *detail)
{
	p->status = status;
	p->type = type;
	p->title = title;
	if (detail != p->detail)
		snprintf(p->detail, sizeof(p->detail), "%s", detail);
	return NULL;
}

/* The query's parameters, decoded, as a JSON object of strings; NULL
 * when the query is malformed, names a parameter twice, or decodes to
 * what is not UTF-8 text (a NUL byte, which would cut a value short, or
 * invalid UTF-8, which jansson would drop): such a parameter is refused,
 * never read as another or as none. */
static json_t *
args_query(const char *query)
{
	struct evkeyvalq params;
	struct evkeyval *kv;
	json_t *obj, *value;

	if (strstr(query, "%00") != NULL ||
	    evhttp_parse_query_str(query, &params) != 0)
		return NULL;
	obj = json_object();
	TAILQ_FOREACH(kv, &params, next) {
		if (json_object_get(obj, kv->key) != NULL ||
		    (value = json_string(kv->value)) == NULL ||
		    json_object_set_new(obj, kv->key, value) != 0) {
			json_decref(obj);
			obj = NULL;
			break;
		}
	}
	evhttp_clear_headers(&params);
	return obj;
}

/* The arguments of a request to route op: its JSON object body (writes)
 * or its query parameters (reads), plus the route's {} segment, as the
 * route's prepare hook leaves them. NULL with p filled in (400 or 422)
 * when the request cannot be an operation's. */
json_t *
args_decode(enum wire_op op, const struct ops *ops,
    const struct args_request *req, struct args_problem *p)
{
	const struct wire_route *route = wire_route(op);
	json_error_t error;
	json_t *args, *value;

	if ((route->param == NULL) != (req->segment == NULL))
		abort();
	p->detail[0] = '\0';
	if (route->access != WIRE_WRITE) {
		if ((args = args_query(req->query)) == NULL)
			return args_refuse(p, 400, WIRE_P_BAD_REQUEST,
			    "Bad query", "The query string is malformed or "
			    "repeats a parameter.");
	} else if (req->body_len == 0) {
		args = json_object();
	} else {
		args = json_loadb(req->body, req->body_len,
		    JSON_REJECT_DUPLICATES, &error);
		if (args == NULL)
			return args_refuse(p, 400, WIRE_P_INVALID_JSON,
			    "Invalid JSON", error.text);
		if (!json_is_object(args)) {
			json_decref(args);
			return args_refuse(p, 400, WIRE_P_INVALID_JSON,
			    "Invalid JSON", "The body must be a JSON object.");
		}
	}
	if (route->param != NULL) {
		/* The path names what the request is about: a body that
		 * names it too must name the same, never another (a
		 * volunteer's number, an id cannot change). */
		value = json_object_get(args, route->param);
		if (value != NULL && (!json_is_string(value) ||
		    strcmp(json_string_value(value), req->segment) != 0)) {
			snprintf(p->detail, sizeof(p->detail), "\"%s\" is "
			    "the one in the path and cannot change; leave it "
			    "out of the body.", route->param);
			json_decref(args);
			return args_refuse(p, 422, WIRE_P_INVALID_FIELD,
			    "invalid-field", p->detail);
		}
		json_object_set_new(args, route->param,
		    json_string(req->segment));
	}
	if (args_prepares[op] != NULL &&
	    args_prepares[op](ops, args, p->detail, sizeof(p->detail)) != 0) {
		json_decref(args);
		return args_refuse(p, 422, WIRE_P_INVALID_FIELD,
		    "invalid-field", p->detail);
	}
	return args;
}

/* True for a route whose prepare hook rewrites the arguments (an ID
 * number becomes its keyed hash): what the database keeps of such a
 * request, its fingerprint included, is made from the rewritten ones. */
bool
args_rewritten(enum wire_op op)
{
	return args_prepares[op] != NULL;
}
