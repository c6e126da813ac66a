/* The requests of a run, made and signed before the clock starts: paths
 * from common/routes.h, signatures from common/sig.c, serialised as the
 * complete HTTP/1.1 bytes the loop sends. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "bench/load.h"
#include "routes.h"
#include "uuid.h"
#include "wire.h"
#include "xmalloc.h"

#define REQUEST_VOLUNTEER_HASH	2654435761ULL /* spreads balance reads */

/* The headers a request's signature covers besides derived components. */
struct request_headers {
	const char	*content_type;
	const char	*content_digest;
	const char	*idempotency_key;
};

/* The signer's header accessor, by lowercase name. */
static const char *
request_header(void *arg, const char *name)
{
	const struct request_headers *hs = arg;

	if (strcmp(name, "content-type") == 0)
		return hs->content_type;
	if (strcmp(name, "content-digest") == 0)
		return hs->content_digest;
	if (strcmp(name, "idempotency-key") == 0)
		return hs->idempotency_key;
	return NULL;
}

/* A UTC time as RFC 3339 with Z. */
static void
request_rfc3339(int64_t t, char *out, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The token of volunteer v's page link as bench/seed.sql makes it:
 * base64url of SHA-256("vpoints-bench-page <v>"), 43 characters. */
void
request_page_token(int64_t volunteer, char *out, size_t len)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char seed[64];

	snprintf(seed, sizeof(seed), "vpoints-bench-page %" PRId64, volunteer);
	crypto_hash_sha256(h, (const unsigned char *)seed, strlen(seed));
	sodium_bin2base64(out, len, h, sizeof(h),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* Volunteer v's page, unsigned (a capability URL), into out. */
static void
request_page(const struct load_options *opt, int64_t k,
    struct load_request *out)
{
	char token[64], *path;
	int64_t v;

	v = (int64_t)(((uint64_t)k * REQUEST_VOLUNTEER_HASH) %
	    (uint64_t)opt->volunteers) + 1;
	request_page_token(v, token, sizeof(token));
	path = wire_path(WIRE_OP_PAGE_GET, token);
	out->text = xasprintf("GET %s HTTP/1.1\r\n"
	    "Host: %s\r\n"
	    "Accept: text/html\r\n"
	    "\r\n", path, opt->authority);
	out->len = strlen(out->text);
	free(path);
}

/* Sign request k of the operation and serialise it into out. */
static void
request_build(const struct load_options *opt, const struct load_keys *keys,
    int64_t k, struct load_request *out)
{
	char query[96], body[320], number[24], idem[UUID_TEXT_LEN];
	char started[32], ended[32];
	char *path, *digest = NULL, *sig_input = NULL, *signature = NULL;
	struct request_headers hs = { NULL, NULL, NULL };
	const char *method, *q = NULL, *b = NULL;
	struct sig_request req;
	enum wire_op op;
	size_t key;
	int64_t v, start, now;

	if (opt->op == LOAD_OP_PAGE) {
		request_page(opt, k, out);
		return;
	}
	op = load_ops[opt->op].route;
	v = k % opt->volunteers + 1;
	switch (opt->op) {
	case LOAD_OP_SHIFT:
		start = opt->base_time + (k / opt->volunteers) * 3600;
		request_rfc3339(start, started, sizeof(started));
		request_rfc3339(start + 50 * 60, ended, sizeof(ended));
		snprintf(body, sizeof(body), "{\"volunteer\":\"B%06" PRId64
		    "\",\"activity\":\"patrol\",\"started_at\":\"%s\","
		    "\"ended_at\":\"%s\",\"place\":\"Bench street\"}",
		    v, started, ended);
		b = body;
		break;
	case LOAD_OP_REDEEM:
		snprintf(body, sizeof(body), "{\"volunteer\":\"B%06" PRId64
		    "\",\"item\":\"GIFT\",\"quantity\":1}", v);
		b = body;
		break;
	case LOAD_OP_SIGNUP:
		/* Round r = k / V of the volunteers: volunteer v signs up
		 * for event (r + (v - 1) / C) % E of its community, a new
		 * one each round (bench/seed.sql numbers the events). */
		snprintf(body, sizeof(body), "{\"volunteer\":\"B%06" PRId64
		    "\",\"event\":%" PRId64 "}", v,
		    ((v - 1) % opt->communities) * opt->events +
		    (k / opt->volunteers + (v - 1) / opt->communities) %
		    opt->events + 1);
		b = body;
		break;
	case LOAD_OP_BALANCE:
		v = (int64_t)(((uint64_t)k * REQUEST_VOLUNTEER_HASH) %
		    (uint64_t)opt->volunteers) + 1;
		break;
	case LOAD_OP_REPORT_COMMUNITY:
	case LOAD_OP_REPORT_CITY:
	case LOAD_OP_REPORT_VOLUNTEERS:
		snprintf(query, sizeof(query), "month=%s&level=%s", opt->month,
		    opt->op == LOAD_OP_REPORT_VOLUNTEERS ? "volunteer" :
		    "community");
		q = query;
		break;
	case LOAD_OP_REPORT_PAGE:
		/* A page of LOAD_REPORT_PAGE rows after a volunteer drawn
		 * as for the balance reads (the first page: after none). */
		v = (int64_t)(((uint64_t)k * REQUEST_VOLUNTEER_HASH) %
		    (uint64_t)opt->volunteers);
		if (v == 0)
			snprintf(query, sizeof(query), "month=%s&level=volunteer"
			    "&limit=%d", opt->month, LOAD_REPORT_PAGE);
		else
			snprintf(query, sizeof(query), "month=%s&level=volunteer"
			    "&limit=%d&after=B%06" PRId64, opt->month,
			    LOAD_REPORT_PAGE, v);
		q = query;
		break;
	case LOAD_OP_MONTH_CLOSE:
		b = "{}";
		break;
	case LOAD_OP_IDLE:
	default:
		abort();
	}
	/* A report goes with a station's key in turn, or the admin's, as a
	 * month's close does; the rest with the key of the volunteer's
	 * community. */
	if (opt->op == LOAD_OP_REPORT_CITY || opt->op == LOAD_OP_REPORT_PAGE ||
	    opt->op == LOAD_OP_MONTH_CLOSE)
		key = 0;
	else if (opt->op == LOAD_OP_REPORT_COMMUNITY ||
	    opt->op == LOAD_OP_REPORT_VOLUNTEERS)
		key = (size_t)(k % opt->communities) + 1;
	else
		key = (size_t)((v - 1) % opt->communities) + 1;
	snprintf(number, sizeof(number), "B%06" PRId64, v);
	method = wire_route(op)->method;
	path = wire_path(op, opt->op == LOAD_OP_MONTH_CLOSE ? opt->month :
	    wire_route(op)->param != NULL ? number : NULL);
	if (b != NULL) {
		digest = sig_digest_header(b, strlen(b));
		uuid_random(idem, sizeof(idem));
		hs.content_type = WIRE_TYPE_JSON;
		hs.content_digest = digest;
		hs.idempotency_key = idem;
	}
	memset(&req, 0, sizeof(req));
	req.method = method;
	req.authority = opt->authority;
	req.path = path;
	req.query = q;
	req.header = request_header;
	req.arg = &hs;
	now = (int64_t)time(NULL);
	if (sig_sign_profile(keys->sk + key * SIG_SECRETKEYBYTES,
	    keys->keyid[key], now, now + LOAD_EXPIRES, b != NULL, b != NULL,
	    &req, &sig_input, &signature) != SIG_OK)
		abort();
	if (b != NULL)
		out->text = xasprintf("%s %s HTTP/1.1\r\n"
		    "Host: %s\r\n"
		    "Accept: " WIRE_TYPE_JSON "\r\n"
		    WIRE_HDR_CONTENT_TYPE ": " WIRE_TYPE_JSON "\r\n"
		    WIRE_HDR_CONTENT_DIGEST ": %s\r\n"
		    WIRE_HDR_IDEMPOTENCY_KEY ": %s\r\n"
		    WIRE_HDR_SIGNATURE_INPUT ": %s\r\n"
		    WIRE_HDR_SIGNATURE ": %s\r\n"
		    "Content-Length: %zu\r\n"
		    "\r\n%s", method, path, opt->authority, digest, idem,
		    sig_input, signature, strlen(b), b);
	else
		out->text = xasprintf("%s %s%s%s HTTP/1.1\r\n"
		    "Host: %s\r\n"
		    "Accept: " WIRE_TYPE_JSON "\r\n"
		    WIRE_HDR_SIGNATURE_INPUT ": %s\r\n"
		    WIRE_HDR_SIGNATURE ": %s\r\n"
		    "\r\n", method, path, q != NULL ? "?" : "",
		    q != NULL ? q : "", opt->authority, sig_input, signature);
	out->len = strlen(out->text);
	free(path);
	free(digest);
	free(sig_input);
	free(signature);
}

/* Make every request of the run before the clock starts. */
void
request_prepare(struct load_run *run)
{
	const struct load_options *opt = run->opt;
	const struct wire_route *idle;
	struct load_keys keys;
	struct timespec t0, t1;
	size_t i;

	load_now(&t0);
	if (opt->op == LOAD_OP_IDLE) {
		/* One unsigned request, the same bytes for every connection. */
		idle = wire_route(load_ops[LOAD_OP_IDLE].route);
		run->nrequests = (size_t)opt->connections;
		run->requests = xcalloc(run->nrequests,
		    sizeof(*run->requests));
		run->requests[0].text = xasprintf("%s %s HTTP/1.1\r\n"
		    "Host: %s\r\nAccept: " WIRE_TYPE_JSON "\r\n\r\n",
		    idle->method, idle->pattern, opt->authority);
		run->requests[0].len = strlen(run->requests[0].text);
		for (i = 1; i < run->nrequests; i++)
			run->requests[i] = run->requests[0];
	} else {
		run->nrequests = (size_t)opt->max;
		run->requests = xcalloc(run->nrequests,
		    sizeof(*run->requests));
		keys_make(&keys, (size_t)opt->communities + 1);
		for (i = 0; i < run->nrequests; i++)
			request_build(opt, &keys, opt->offset + (int64_t)i,
			    &run->requests[i]);
		keys_free(&keys);
	}
	load_now(&t1);
	run->sign_seconds = (double)load_ns(&t0, &t1) / 1e9;
	run->latency = xcalloc(run->nrequests, sizeof(*run->latency));
}

/* Free the requests (the idle op's share one text). */
void
request_free(struct load_run *run)
{
	size_t i, n;

	if (run->requests == NULL)
		return;
	n = run->opt->op == LOAD_OP_IDLE ? 1 : run->nrequests;
	for (i = 0; i < n; i++)
		free(run->requests[i].text);
	free(run->requests);
	run->requests = NULL;
}
