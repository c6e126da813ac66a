#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "client/call.h"
#include "client/i18n.h"
#include "keyfile.h"
#include "sig.h"
#include "uuid.h"
#include "wire.h"
#include "xmalloc.h"

#define CALL_EXPIRES	60	/* seconds a signature is valid */
#define CALL_MAX_HDRS	8

/* Headers of one attempt, also read by the signer. */
struct call_headers {
	struct net_header h[CALL_MAX_HDRS];
	size_t		  n;
};

/* The signer's header accessor: by lowercase name. */
static const char *
call_header(void *arg, const char *name)
{
	struct call_headers *hs = arg;
	size_t i;

	for (i = 0; i < hs->n; i++) {
		if (strcasecmp(hs->h[i].name, name) == 0)
			return hs->h[i].value;
	}
	return NULL;
}

/* Load the station's secret key once. */
static int
call_key(struct client *cl, struct net_response *resp)
{
	if (cl->key != NULL)
		return 0;
	resp->failure = NET_BAD_SETTING;
	if (cl->settings.key == NULL) {
		snprintf(resp->error, sizeof(resp->error), _("no station key: "
		    "give --key FILE, VPOINTS_KEY or key = in the config "
		    "file"));
		return -1;
	}
	cl->key = keyfile_read_secret(cl->settings.key, resp->error,
	    sizeof(resp->error));
	return cl->key != NULL ? 0 : -1;
}

/* Sleep before attempt n (n >= 1): 0.25 s doubling, at most 4 s. */
static void
call_backoff(int n)
{
	long ms = 250L << (n - 1 < 4 ? n - 1 : 4);
	struct timespec ts;

	if (ms > 4000)
		ms = 4000;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
}

/* One signed attempt. The signature covers the authority and the path
 * (its prefix included) of the URL the request goes to: a proxy in front
 * of vpointsd must pass both on as they are (doc/operations.md). */
static int
call_once(struct client *cl, struct net *net, const char *method,
    const char *path, const char *query, const char *accept, const char *text,
    const char *digest, const char *idem, struct net_response *resp)
{
	char *signed_path, *sig_input = NULL, *signature = NULL;
	struct call_headers hs = { .n = 0 };
	struct sig_request req;
	int64_t now;
	int rc;

	signed_path = xasprintf("%s%s", net_prefix(net), path);
	hs.h[hs.n++] = (struct net_header){ "Accept", accept };
	if (text != NULL) {
		hs.h[hs.n++] = (struct net_header){ WIRE_HDR_CONTENT_TYPE,
		    WIRE_TYPE_JSON };
		hs.h[hs.n++] = (struct net_header){ WIRE_HDR_CONTENT_DIGEST,
		    digest };
	}
	if (idem != NULL)
		hs.h[hs.n++] = (struct net_header){ WIRE_HDR_IDEMPOTENCY_KEY,
		    idem };
	memset(&req, 0, sizeof(req));
	req.method = method;
	req.authority = net_authority(net);
	req.path = signed_path;
	req.query = query;
	req.header = call_header;
	req.arg = &hs;
	now = (int64_t)time(NULL);
	if (sig_sign_profile(cl->key->sk, cl->key->keyid, now,
	    now + CALL_EXPIRES, text != NULL, idem != NULL, &req, &sig_input,
	    &signature) != SIG_OK)
		abort();
	hs.h[hs.n++] = (struct net_header){ WIRE_HDR_SIGNATURE_INPUT,
	    sig_input };
	hs.h[hs.n++] = (struct net_header){ WIRE_HDR_SIGNATURE, signature };
	rc = net_request(net, method, path, query, hs.h, hs.n, text,
	    text != NULL ? strlen(text) : 0, resp);
	free(signed_path);
	free(sig_input);
	free(signature);
	return rc;
}

/* True for an answer worth another attempt: 5xx, or 409 because the
 * same operation is still in flight. Other conflicts are final. */
static bool
call_retryable(const struct net_response *resp)
{
	json_t *p;
	bool in_flight;

	if (resp->status >= 500)
		return true;
	if (resp->status != 409)
		return false;
	p = json_loadb(resp->body, resp->len, 0, NULL);
	in_flight = p != NULL && json_is_string(json_object_get(p, "type")) &&
	    strcmp(json_string_value(json_object_get(p, "type")),
	    WIRE_P_IN_FLIGHT) == 0;
	json_decref(p);
	return in_flight;
}

/* The Idempotency-Key of a write: the one given, else a new UUID. */
void
call_idempotency_key(const struct client *cl, char *out, size_t len)
{
	if (cl->idempotency_key != NULL)
		snprintf(out, len, "%s", cl->idempotency_key);
	else
		uuid_random(out, len);
}

/* Load what every signed call needs (the station's key) before calls
 * run at once on connections of their own (call_send_on); 0, or -1 with
 * resp->failure and resp->error. */
int
call_ready(struct client *cl, struct net_response *resp)
{
	memset(resp, 0, sizeof(*resp));
	return call_key(cl, resp);
}

/* Send a signed request with the exact body bytes given (NULL: none) and
 * idempotency_key (NULL on reads), asking for the media type accept (NULL:
 * JSON), retrying what may succeed later. The last answer, if any, is in
 * resp; otherwise resp->error says why none came. */
enum call_outcome
call_send(struct client *cl, const char *method, const char *path,
    const char *query, const char *accept, const char *body,
    const char *idempotency_key, struct net_response *resp)
{
	memset(resp, 0, sizeof(*resp));
	if (call_key(cl, resp) != 0 || client_net(cl, resp) == NULL)
		return CALL_NOT_SENT;
	return call_send_on(cl, cl->net, method, path, query, accept, body,
	    idempotency_key, resp);
}

/* call_send over the connection net (client_net_open): several threads
 * may each send on one of their own once call_ready has loaded the key
 * (nothing else here writes to cl). */
enum call_outcome
call_send_on(struct client *cl, struct net *net, const char *method,
    const char *path, const char *query, const char *accept,
    const char *body, const char *idempotency_key, struct net_response *resp)
{
	char *digest = NULL;
	int attempt, rc = -1;

	memset(resp, 0, sizeof(*resp));
	if (call_key(cl, resp) != 0)
		return CALL_NOT_SENT;
	if (body != NULL)
		digest = sig_digest_header(body, strlen(body));
	for (attempt = 0; attempt <= cl->retries; attempt++) {
		if (attempt > 0) {
			call_backoff(attempt);
			net_response_clear(resp);
		}
		rc = call_once(cl, net, method, path, query,
		    accept != NULL ? accept : WIRE_TYPE_JSON, body, digest,
		    idempotency_key, resp);
		if (rc == 0 ? !call_retryable(resp) :
		    resp->failure != NET_UNREACHABLE)
			break;
	}
	free(digest);
	if (rc == 0)
		return CALL_ANSWERED;
	return resp->failure == NET_UNREACHABLE ? CALL_NO_ANSWER :
	    CALL_NOT_SENT;
}

/* Send a signed request asking for the media type accept (NULL: JSON),
 * retrying what may succeed later. Returns 0 with the last answer in resp,
 * or -1 when none came (resp->error says why). */
int
call_api(struct client *cl, const char *method, const char *path,
    const char *query, const char *accept, json_t *body,
    struct net_response *resp)
{
	char idem[CALL_KEY_LEN], *text = NULL;
	enum call_outcome outcome;
	bool write = strcmp(method, "GET") != 0;

	if (write) {
		call_idempotency_key(cl, idem, sizeof(idem));
		snprintf(cl->sent_key, sizeof(cl->sent_key), "%s", idem);
		text = body != NULL ? json_dumps(body, JSON_COMPACT) :
		    xstrdup("{}");
		if (text == NULL)
			abort();
	}
	outcome = call_send(cl, method, path, query, accept, text,
	    write ? idem : NULL, resp);
	free(text);
	return outcome == CALL_ANSWERED ? 0 : -1;
}

/* Call, and on success (2xx) leave the answer's exact bytes in resp;
 * otherwise report the problem, clear resp and return the exit code. */
int
call_fetch(struct client *cl, const char *what, const char *method,
    const char *path, const char *query, const char *accept, json_t *body,
    struct net_response *resp)
{
	int rc;

	bool write = strcmp(method, "GET") != 0, again;

	cl->sent_key[0] = '\0';
	if (call_api(cl, method, path, query, accept, body, resp) != 0) {
		fprintf(stderr, "vpoints: %s: %s\n", what, resp->error);
		if (write && resp->failure == NET_UNREACHABLE)
			call_maybe_done(what, cl->sent_key);
		rc = net_exit_code(resp);
		net_response_clear(resp);
		return rc;
	}
	if (resp->status >= 300) {
		again = write && call_unsettled(resp);
		rc = client_report_problem(cl, what, resp);
		if (again)
			call_maybe_done(what, cl->sent_key);
		net_response_clear(resp);
		return rc;
	}
	return WIRE_EXIT_OK;
}

/* Whether a write's last answer leaves it unsettled when retries gave
 * out: none came (resp NULL), or a 5xx, 429, 409 request-in-flight. It
 * may have been done, its answer lost. */
bool
call_unsettled(const struct net_response *resp)
{
	json_t *p;
	bool in_flight;

	if (resp == NULL || resp->status >= 500 || resp->status == 429)
		return true;
	if (resp->status != 409)
		return false;
	p = json_loadb(resp->body, resp->len, 0, NULL);
	in_flight = json_is_string(json_object_get(p, "type")) && strcmp(
	    json_string_value(json_object_get(p, "type")), WIRE_P_IN_FLIGHT) == 0;
	json_decref(p);
	return in_flight;
}

/* Say how to run an unsettled write (call_unsettled) again under its
 * Idempotency-Key, which answers what was done instead of doing it twice
 * (a redemption, a void). */
void
call_maybe_done(const char *what, const char *key)
{
	if (key == NULL || key[0] == '\0')
		return;
	fprintf(stderr, _("vpoints: %s: it may have been done: run the same "
	    "command again with --idempotency-key %s to be told what was "
	    "done, without doing it twice\n"), what, key);
}

/* Take the daemon's answer: on success (2xx) hand back its parsed JSON,
 * printed as it came with --json; otherwise report the problem and return
 * the exit code. Clears resp. */
int
call_answer(struct client *cl, const char *what, struct net_response *resp,
    json_t **result)
{
	int rc;

	*result = NULL;
	if (resp->status >= 300) {
		rc = client_report_problem(cl, what, resp);
		net_response_clear(resp);
		return rc;
	}
	*result = json_loadb(resp->body, resp->len, 0, NULL);
	if (*result == NULL) {
		fprintf(stderr, _("vpoints: %s: the daemon's answer is not JSON\n"),
		    what);
		net_response_clear(resp);
		return WIRE_EXIT_SOFTWARE;
	}
	if (cl->json)
		printf("%s\n", resp->body);
	net_response_clear(resp);
	return WIRE_EXIT_OK;
}

/* Call, and on success hand back the parsed JSON body; otherwise report
 * the problem and return the exit code. */
int
call_run(struct client *cl, const char *what, const char *method,
    const char *path, const char *query, json_t *body, json_t **result)
{
	struct net_response resp;
	int rc;

	*result = NULL;
	if ((rc = call_fetch(cl, what, method, path, query, NULL, body,
	    &resp)) != WIRE_EXIT_OK)
		return rc;
	return call_answer(cl, what, &resp, result);
}
