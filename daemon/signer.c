#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "daemon/signer.h"
#include "keyfile.h"
#include "log.h"
#include "sig.h"
#include "xmalloc.h"

#define SIGNER_MAX_PREVIOUS	64	/* earlier keys published */
#define SIGNER_MAX_FILE		8192	/* bytes of a public key file */

/* An earlier signing key: its public half and, when its file is a JWK
 * that gives them, when it began and ceased to sign (seconds since the
 * epoch; 0 when not given). */
struct signer_previous {
	unsigned char	pk[SIG_PUBLICKEYBYTES];
	char		keyid[SIG_KEYID_LEN + 1];
	json_int_t	nbf;
	json_int_t	exp;
};

struct signer {
	struct keyfile_secret *key;
	char		*header_b64;	/* the JWS protected header, encoded */
	struct signer_previous previous[SIGNER_MAX_PREVIOUS];
	size_t		 nprevious;
};

/* base64url without padding of len bytes, in a new string. */
static char *
signer_b64(const void *data, size_t len)
{
	size_t n = sodium_base64_ENCODED_LEN(len,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *out = xmalloc(n);

	sodium_bin2base64(out, n, data, len,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

/* Read one earlier key's public key file (any form keyfile reads; a JWK
 * may say "nbf" and "exp") into p. */
static int
signer_read_previous(const char *path, struct signer_previous *p, char *err,
    size_t errlen)
{
	char text[SIGNER_MAX_FILE + 1], why[256];
	json_t *doc, *jwk;
	size_t len;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "previous_signing_keys: %s: %s", path,
		    strerror(errno));
		return -1;
	}
	len = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[len] = '\0';
	if (keyfile_parse_public(text, p->pk, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "previous_signing_keys: %s: %s", path,
		    why);
		return -1;
	}
	sig_keyid(p->pk, p->keyid);
	p->nbf = p->exp = 0;
	if ((doc = json_loads(text, 0, NULL)) != NULL) {
		jwk = json_object_get(doc, "jwk");
		if (jwk == NULL)
			jwk = doc;
		p->nbf = json_integer_value(json_object_get(jwk, "nbf"));
		p->exp = json_integer_value(json_object_get(jwk, "exp"));
		json_decref(doc);
	}
	return 0;
}

/* The earlier keys of previous (files separated by white space or
 * commas): none may be the current key or come twice. */
static int
signer_load_previous(struct signer *s, const char *previous, char *err,
    size_t errlen)
{
	struct signer_previous *p;
	char *list = xstrdup(previous), *path, *save = NULL;
	size_t i;
	int rc = -1;

	for (path = strtok_r(list, ", \t", &save); path != NULL;
	    path = strtok_r(NULL, ", \t", &save)) {
		if (s->nprevious == SIGNER_MAX_PREVIOUS) {
			snprintf(err, errlen, "previous_signing_keys: more "
			    "than %d keys", SIGNER_MAX_PREVIOUS);
			goto done;
		}
		p = &s->previous[s->nprevious];
		if (signer_read_previous(path, p, err, errlen) != 0)
			goto done;
		if (strcmp(p->keyid, s->key->keyid) == 0) {
			snprintf(err, errlen, "previous_signing_keys: %s is "
			    "the current signing key", path);
			goto done;
		}
		for (i = 0; i < s->nprevious; i++) {
			if (strcmp(s->previous[i].keyid, p->keyid) == 0) {
				snprintf(err, errlen, "previous_signing_keys: "
				    "%s: key %s is listed twice", path,
				    p->keyid);
				goto done;
			}
		}
		s->nprevious++;
	}
	rc = 0;
done:
	free(list);
	return rc;
}

/* Load the key at path, making it first if there is none, and the
 * earlier keys that previous lists. */
struct signer *
signer_load(const char *path, const char *previous, char *err,
    size_t errlen)
{
	struct signer *s;
	char keyid[SIG_KEYID_LEN + 1], *header;

	if (access(path, F_OK) != 0) {
		if (errno != ENOENT) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return NULL;
		}
		if (keyfile_generate(path, keyid, err, errlen) != 0)
			return NULL;
		log_info("signer: made the signing key %s (key id %s)", path,
		    keyid);
	}
	s = xcalloc(1, sizeof(*s));
	s->key = keyfile_read_secret(path, err, errlen);
	if (s->key == NULL) {
		free(s);
		return NULL;
	}
	if (signer_load_previous(s, previous, err, errlen) != 0) {
		signer_free(s);
		return NULL;
	}
	header = xasprintf("{\"alg\":\"EdDSA\",\"kid\":\"%s\"}", s->key->keyid);
	s->header_b64 = signer_b64(header, strlen(header));
	free(header);
	return s;
}

/* Wipe and free. */
void
signer_free(struct signer *s)
{
	if (s == NULL)
		return;
	keyfile_secret_free(s->key);
	free(s->header_b64);
	free(s);
}

/* A JWS in compact serialization of payload (signed as given). */
char *
signer_jws(const struct signer *s, const char *payload)
{
	unsigned char sig[crypto_sign_BYTES];
	char *payload_b64, *input, *sig_b64, *jws;

	payload_b64 = signer_b64(payload, strlen(payload));
	input = xasprintf("%s.%s", s->header_b64, payload_b64);
	crypto_sign_detached(sig, NULL, (const unsigned char *)input,
	    strlen(input), s->key->sk);
	sig_b64 = signer_b64(sig, sizeof(sig));
	jws = xasprintf("%s.%s", input, sig_b64);
	free(payload_b64);
	free(input);
	free(sig_b64);
	return jws;
}

/* {"keyid","jwk":{"kty":"OKP","crv":"Ed25519","x"}} */
char *
signer_public_json(const struct signer *s)
{
	char x[64];

	keyfile_public_b64(s->key->pk, x, sizeof(x));
	return xasprintf("{\"keyid\":\"%s\",\"jwk\":{\"kty\":\"OKP\","
	    "\"crv\":\"Ed25519\",\"x\":\"%s\"}}", s->key->keyid, x);
}

/* One key of the set: an RFC 8037 JWK with its RFC 7517 "kid", "use" and
 * "alg", and vpoints' "status" (current or retired). */
static json_t *
signer_jwk(const unsigned char *pk, const char *keyid, const char *status)
{
	char x[64];

	keyfile_public_b64(pk, x, sizeof(x));
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "kty", "OKP",
	    "crv", "Ed25519", "x", x, "kid", keyid, "use", "sig", "alg",
	    "EdDSA", "status", status);
}

/* GET /v1/public-keys: {"keys":[the current key, then each earlier one
 * with its "nbf" and "exp" when known]}. */
char *
signer_jwks(const struct signer *s)
{
	json_t *keys = json_array(), *jwk, *set;
	char *text;
	size_t i;

	json_array_append_new(keys, signer_jwk(s->key->pk, s->key->keyid,
	    "current"));
	for (i = 0; i < s->nprevious; i++) {
		jwk = signer_jwk(s->previous[i].pk, s->previous[i].keyid,
		    "retired");
		if (s->previous[i].nbf != 0)
			json_object_set_new(jwk, "nbf",
			    json_integer(s->previous[i].nbf));
		if (s->previous[i].exp != 0)
			json_object_set_new(jwk, "exp",
			    json_integer(s->previous[i].exp));
		json_array_append_new(keys, jwk);
	}
	set = json_pack("{s:o}", "keys", keys);
	if ((text = json_dumps(set, JSON_COMPACT)) == NULL)
		abort();
	json_decref(set);
	return text;
}

/* Start a keyed BLAKE2b MAC (32 bytes) of context: under hex, a key the
 * configuration gives (64 hex digits), when it is one, else under a key
 * derived from the signing key's seed. For secrets the daemon can make
 * again and that no copy of the database gives away: the tokens of
 * capability links, the fingerprints of writes. Another key makes other
 * MACs. The caller adds the message and finishes with
 * crypto_generichash_final. */
void
signer_mac_start(const struct signer *s, const char *hex, const char *context,
    crypto_generichash_state *st)
{
	unsigned char key[32];

	if (hex != NULL && hex[0] != '\0' && sodium_hex2bin(key, sizeof(key),
	    hex, strlen(hex), NULL, NULL, NULL) == 0) {
		crypto_generichash_init(st, key, sizeof(key), 32);
		sodium_memzero(key, sizeof(key));
	} else {
		/* The seed is the first half of libsodium's secret key. */
		crypto_generichash_init(st, s->key->sk, 32, 32);
		crypto_generichash_update(st,
		    (const unsigned char *)"vpoints mac ", 12);
	}
	crypto_generichash_update(st, (const unsigned char *)context,
	    strlen(context) + 1);
}
