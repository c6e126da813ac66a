#include "config.h"

#include <search.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "daemon/auth.h"
#include "log.h"
#include "sig.h"
#include "wire.h"
#include "xmalloc.h"

#define AUTH_CACHE_MAX	100000	/* public keys kept in memory */
#define AUTH_MAX_NAMES	64	/* names of the daemon (server_names) */

/* One cached key id and its public key. */
struct auth_key {
	char		keyid[SIG_KEYID_LEN + 1];
	unsigned char	pk[SIG_PUBLICKEYBYTES];
};

struct auth {
	struct db_pool	*db;
	struct metrics	*metrics;	/* counts the refusals */
	void		*keys;		/* tsearch tree of struct auth_key */
	size_t		 nkeys;
	char		*names[AUTH_MAX_NAMES]; /* the authorities a signed
				 * request may name, as conf_authority writes them */
	size_t		 nnames;
};

/* A check waiting for its key's look-up. */
struct auth_pending {
	struct auth	*auth;
	struct http_request *hr;
	struct sig_input *in;
	auth_cb		 cb;
	void		*arg;
};

/* Order cached keys by key id. */
static int
auth_key_cmp(const void *a, const void *b)
{
	return strcmp(((const struct auth_key *)a)->keyid,
	    ((const struct auth_key *)b)->keyid);
}

/* The public key cache starts empty. */
struct auth *
auth_create(struct db_pool *db, struct metrics *metrics)
{
	struct auth *auth = xcalloc(1, sizeof(*auth));

	auth->db = db;
	auth->metrics = metrics;
	return auth;
}

/* Forget the daemon's names. */
static void
auth_names_clear(struct auth *auth)
{
	size_t i;

	for (i = 0; i < auth->nnames; i++)
		free(auth->names[i]);
	auth->nnames = 0;
}

/* Add a name (normalized already) unless it is there. */
static void
auth_name_add(struct auth *auth, const char *name)
{
	size_t i;

	for (i = 0; i < auth->nnames; i++) {
		if (strcmp(auth->names[i], name) == 0)
			return;
	}
	if (auth->nnames == AUTH_MAX_NAMES) {
		log_warn("auth: more than %d server_names; \"%s\" and the "
		    "rest are ignored", AUTH_MAX_NAMES, name);
		return;
	}
	auth->names[auth->nnames++] = xstrdup(name);
}

/*
 * The authorities signed requests may name: server_names, or when it is
 * empty the listen address and the loopback names on its port
 * (localhost, 127.0.0.1, [::1]). A request signed for another daemon is
 * refused (wrong-authority) even when the same key is enrolled here.
 */
void
auth_configure(struct auth *auth, const struct conf *cf)
{
	static const char *const loopback[] = { "localhost", "127.0.0.1",
	    "[::1]" };
	char name[CONF_AUTHORITY_MAX], *list, *word, *save = NULL;
	const char *port;
	size_t i;

	auth_names_clear(auth);
	if (*cf->server_names != '\0') {
		/* conf.c stored them normalized, one space apart. */
		list = xstrdup(cf->server_names);
		for (word = strtok_r(list, " ", &save); word != NULL;
		    word = strtok_r(NULL, " ", &save))
			auth_name_add(auth, word);
		free(list);
		return;
	}
	if (conf_authority(cf->listen, strlen(cf->listen), name,
	    sizeof(name)) == 0)
		auth_name_add(auth, name);
	port = strrchr(cf->listen, ':');
	for (i = 0; port != NULL && i < sizeof(loopback) /
	    sizeof(loopback[0]); i++) {
		list = xasprintf("%s%s", loopback[i], port);
		if (conf_authority(list, strlen(list), name,
		    sizeof(name)) == 0)
			auth_name_add(auth, name);
		free(list);
	}
}

/* Whether a Host header names this daemon. */
static bool
auth_authority_ours(const struct auth *auth, const char *host)
{
	char name[CONF_AUTHORITY_MAX];
	size_t i;

	if (conf_authority(host, strlen(host), name, sizeof(name)) != 0)
		return false;
	for (i = 0; i < auth->nnames; i++) {
		if (strcmp(auth->names[i], name) == 0)
			return true;
	}
	return false;
}

/* Free the cache and the names. */
void
auth_free(struct auth *auth)
{
	if (auth == NULL)
		return;
	tdestroy(auth->keys, free);
	auth_names_clear(auth);
	free(auth);
}

/* Refuse with 401 and the reason's slug, and count it. */
static void
auth_refuse(struct auth *auth, struct http_request *hr, enum sig_refusal why)
{
	char *type = xasprintf("%s%s", WIRE_PROBLEM_PREFIX,
	    sig_refusal_slug(why));

	json_t *members = NULL;
	json_int_t now = (json_int_t)time(NULL);

	/* A clock refusal says the server's time and the window, so that
	 * the station can say by how much its clock is off. */
	switch (why) {
	case SIG_TOO_OLD:
		members = json_pack("{s:I, s:i}", "server_time", now,
		    "max_age", SIG_MAX_AGE);
		break;
	case SIG_IN_FUTURE:
		members = json_pack("{s:I, s:i}", "server_time", now,
		    "max_ahead", SIG_MAX_AHEAD);
		break;
	case SIG_EXPIRED:
		members = json_pack("{s:I}", "server_time", now);
		break;
	default:
		break;
	}
	metrics_refusal(auth->metrics, sig_refusal_slug(why));
	http_reply_problem_members(hr, 401, type, sig_refusal_title(why),
	    why == SIG_AUTHORITY_WRONG ? "The Host the request was signed "
	    "for is none of this server's names (server_names)." : NULL,
	    members);
	free(type);
}

/* sig_request's header accessor over an http_request. */
static const char *
auth_header(void *arg, const char *name)
{
	return http_request_header(arg, name);
}

/* Verify the signature with the key, then hand over or refuse. */
static void
auth_finish(struct auth *auth, struct http_request *hr, struct sig_input *in,
    const unsigned char *pk, auth_cb cb, void *arg)
{
	struct sig_request req = {
		.method = http_request_method(hr),
		.authority = http_request_header(hr, "Host"),
		.path = http_request_path_sent(hr),
		.query = http_request_query(hr),
		.target_uri = NULL,
		.header = auth_header,
		.arg = hr,
	};
	struct auth_ok ok;
	enum sig_refusal why;

	why = sig_verify(in, &req, pk);
	if (why != SIG_OK) {
		auth_refuse(auth, hr, why);
		sig_input_free(in);
		return;
	}
	http_request_set_keyid(hr, in->keyid);
	ok.keyid = in->keyid;
	ok.nonce = in->nonce;
	cb(hr, &ok, arg);
	sig_input_free(in);
}

/* Remember a key id's public key. */
static void
auth_cache_put(struct auth *auth, const char *keyid, const unsigned char *pk)
{
	struct auth_key *key;

	if (auth->nkeys >= AUTH_CACHE_MAX)
		return;
	key = xcalloc(1, sizeof(*key));
	snprintf(key->keyid, sizeof(key->keyid), "%s", keyid);
	memcpy(key->pk, pk, sizeof(key->pk));
	if (*(struct auth_key **)tsearch(key, &auth->keys, auth_key_cmp) !=
	    key)
		free(key);
	else
		auth->nkeys++;
}

/* The key look-up came back. */
static void
auth_key_found(const struct db_reply *r, void *arg)
{
	struct auth_pending *p = arg;
	unsigned char pk[SIG_PUBLICKEYBYTES];
	const char *b64;
	size_t n;

	metrics_db(p->auth->metrics, "key", db_reply_seconds(r));
	if (db_reply_status(r) != DB_OK) {
		http_reply_problem(p->hr, 503, WIRE_P_DB_UNAVAILABLE,
		    "Database unavailable", "The signing key cannot be looked "
		    "up; retry in a moment.");
		sig_input_free(p->in);
		free(p);
		return;
	}
	b64 = db_reply_value(r, 0, 0);
	if (b64 == NULL || sodium_base642bin(pk, sizeof(pk), b64, strlen(b64),
	    NULL, &n, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    n != sizeof(pk)) {
		auth_refuse(p->auth, p->hr, SIG_KEY_UNKNOWN);
		sig_input_free(p->in);
		free(p);
		return;
	}
	auth_cache_put(p->auth, p->in->keyid, pk);
	auth_finish(p->auth, p->hr, p->in, pk, p->cb, p->arg);
	free(p);
}

/* Check the request's signature; cb runs (perhaps at once) if it holds. */
void
auth_check(struct auth *auth, struct http_request *hr, bool is_write,
    auth_cb cb, void *arg)
{
	struct auth_key probe, **found;
	struct auth_pending *p;
	struct sig_input *in;
	enum sig_refusal why;
	const char *body, *host, *params[1];
	size_t len;

	in = sig_input_parse(http_request_header(hr, WIRE_HDR_SIGNATURE_INPUT),
	    http_request_header(hr, WIRE_HDR_SIGNATURE), SIG_LABEL, &why);
	if (in == NULL) {
		auth_refuse(auth, hr, why);
		return;
	}
	body = http_request_body(hr, &len);
	why = sig_profile_check(in, time(NULL), len > 0, is_write);
	if (why == SIG_OK && len > 0)
		why = sig_digest_check(http_request_header(hr,
		    WIRE_HDR_CONTENT_DIGEST), body, len);
	if (why == SIG_OK && strlen(in->keyid) != SIG_KEYID_LEN)
		why = SIG_KEY_UNKNOWN;
	/* Without a Host, sig_verify finds "@authority" absent. */
	host = http_request_header(hr, "Host");
	if (why == SIG_OK && host != NULL && !auth_authority_ours(auth, host))
		why = SIG_AUTHORITY_WRONG;
	if (why != SIG_OK) {
		auth_refuse(auth, hr, why);
		sig_input_free(in);
		return;
	}
	snprintf(probe.keyid, sizeof(probe.keyid), "%s", in->keyid);
	found = tfind(&probe, &auth->keys, auth_key_cmp);
	if (found != NULL) {
		auth_finish(auth, hr, in, (*found)->pk, cb, arg);
		return;
	}
	p = xcalloc(1, sizeof(*p));
	p->auth = auth;
	p->hr = hr;
	p->in = in;
	p->cb = cb;
	p->arg = arg;
	params[0] = in->keyid;
	db_query(auth->db, "SELECT vp_key($1)", 1, params, auth_key_found, p);
}

/* vp_call (or vp_auth, for a read a standby answers) refused a verified
 * signature (key-unknown, key-revoked or signature-replayed, decided in
 * the database): count the refusal its 401 problem names. */
void
auth_refused(struct auth *auth, const char *problem_json)
{
	json_t *problem = json_loads(problem_json, 0, NULL);
	const char *type = json_string_value(json_object_get(problem, "type"));
	size_t prefix = strlen(WIRE_PROBLEM_PREFIX);

	if (type != NULL && strncmp(type, WIRE_PROBLEM_PREFIX, prefix) == 0)
		metrics_refusal(auth->metrics, type + prefix);
	json_decref(problem);
}
