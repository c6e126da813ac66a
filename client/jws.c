#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "client/jws.h"
#include "keyfile.h"
#include "sig.h"
#include "xmalloc.h"

#define JWS_ALG_EDDSA	"EdDSA"
#define JWS_B64_32	43	/* unpadded base64url of 32 bytes */

/* Decode one unpadded base64url part of len characters into a new
 * NUL-terminated buffer. libsodium refuses any other character, padding
 * and stray bits in the last character, so only the canonical encoding
 * passes. */
static unsigned char *
jws_decode(const char *part, size_t len, size_t *out_len)
{
	unsigned char *out = xmalloc(len * 3 / 4 + 1);

	if (sodium_base642bin(out, len * 3 / 4 + 1, part, len, NULL, out_len,
	    NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
		free(out);
		return NULL;
	}
	out[*out_len] = '\0';
	return out;
}

/* Check the protected header: a JSON object, alg EdDSA, no crit, and a
 * kid, when there is one, equal to the key's thumbprint. */
static enum jws_status
jws_header(const unsigned char *text, size_t len,
    const unsigned char *public_key)
{
	char keyid[SIG_KEYID_LEN + 1];
	enum jws_status st;
	json_t *header, *alg, *kid;

	header = json_loadb((const char *)text, len, JSON_REJECT_DUPLICATES,
	    NULL);
	if (!json_is_object(header) || json_object_get(header, "crit") != NULL) {
		json_decref(header);
		return JWS_BAD_HEADER;
	}
	alg = json_object_get(header, "alg");
	kid = json_object_get(header, "kid");
	sig_keyid(public_key, keyid);
	if (!json_is_string(alg) || strcmp(json_string_value(alg),
	    JWS_ALG_EDDSA) != 0)
		st = JWS_ALG;
	else if (kid != NULL && (!json_is_string(kid) ||
	    strcmp(json_string_value(kid), keyid) != 0))
		st = JWS_KID_MISMATCH;
	else
		st = JWS_OK;
	json_decref(header);
	return st;
}

/* Verify a JWS in compact form with an Ed25519 public key. On JWS_OK,
 * *payload is the decoded payload (NUL-terminated, *len bytes; the caller
 * frees it); otherwise it is NULL. Nothing around the JWS is tolerated,
 * not even a line end. */
enum jws_status
jws_verify(const char *compact, const unsigned char *public_key,
    char **payload, size_t *len)
{
	unsigned char *header = NULL, *body = NULL, *signature = NULL;
	const char *dot1, *dot2;
	size_t header_len, body_len, sig_len;
	enum jws_status st;

	*payload = NULL;
	*len = 0;
	if ((dot1 = strchr(compact, '.')) == NULL ||
	    (dot2 = strchr(dot1 + 1, '.')) == NULL ||
	    strchr(dot2 + 1, '.') != NULL || dot1 == compact ||
	    dot2 == dot1 + 1 || dot2[1] == '\0')
		return JWS_MALFORMED;
	if ((header = jws_decode(compact, (size_t)(dot1 - compact),
	    &header_len)) == NULL ||
	    (body = jws_decode(dot1 + 1, (size_t)(dot2 - dot1 - 1),
	    &body_len)) == NULL ||
	    (signature = jws_decode(dot2 + 1, strlen(dot2 + 1),
	    &sig_len)) == NULL) {
		st = JWS_BAD_BASE64;
		goto done;
	}
	if (sig_len != crypto_sign_BYTES) {
		st = JWS_MALFORMED;
		goto done;
	}
	if ((st = jws_header(header, header_len, public_key)) != JWS_OK)
		goto done;
	/* The signing input is the first two parts as they came. */
	if (crypto_sign_verify_detached(signature,
	    (const unsigned char *)compact, (size_t)(dot2 - compact),
	    public_key) != 0) {
		st = JWS_BAD_SIGNATURE;
		goto done;
	}
	*payload = (char *)body;
	*len = body_len;
	body = NULL;
done:
	free(header);
	free(body);
	free(signature);
	return st;
}

/* What a status means, for people. */
const char *
jws_status_text(enum jws_status st)
{
	switch (st) {
	case JWS_OK:
		return "the signature is valid";
	case JWS_MALFORMED:
		return "not a JWS in compact form (three base64url parts "
		    "joined by dots, a 64-byte signature)";
	case JWS_BAD_BASE64:
		return "a part is not unpadded base64url";
	case JWS_BAD_HEADER:
		return "the protected header is not a plain JSON object";
	case JWS_ALG:
		return "the header's alg is not EdDSA";
	case JWS_KID_MISMATCH:
		return "signed by another key (the header's kid is not this "
		    "key's id)";
	case JWS_BAD_SIGNATURE:
		return "the signature does not match: the text was changed "
		    "or another key signed it";
	default:
		abort();
	}
}

/* A string member of a JSON object, or "". */
static const char *
jws_member(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s != NULL ? s : "";
}

/* An Ed25519 JWK ({"kty":"OKP","crv":"Ed25519","x"}) into public_key. */
static int
jws_jwk(json_t *jwk, unsigned char *public_key, char *err, size_t errlen)
{
	const char *x = jws_member(jwk, "x");
	size_t n;

	if (strcmp(jws_member(jwk, "kty"), "OKP") != 0 ||
	    strcmp(jws_member(jwk, "crv"), "Ed25519") != 0) {
		snprintf(err, errlen, "not an Ed25519 JWK (kty OKP, crv "
		    "Ed25519)");
		return -1;
	}
	if (strlen(x) != JWS_B64_32 ||
	    sodium_base642bin(public_key, SIG_PUBLICKEYBYTES, x, strlen(x),
	    NULL, &n, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    n != SIG_PUBLICKEYBYTES) {
		snprintf(err, errlen, "the JWK's x is not base64url of 32 "
		    "bytes");
		return -1;
	}
	return 0;
}

/* A public key from text: the JSON of the public-key route
 * (WIRE_OP_PUBLIC_KEY) or a bare JWK (a given keyid must be the key's
 * thumbprint), else vpoints' public key format, PEM or bare base64url.
 * keyid, when not NULL, receives the key's id (SIG_KEYID_LEN + 1
 * bytes). */
int
jws_public_key(const char *text, unsigned char *public_key, char *keyid,
    char *err, size_t errlen)
{
	char thumbprint[SIG_KEYID_LEN + 1];
	json_t *doc, *jwk, *given;
	int rc = -1;

	text += strspn(text, " \t\r\n");
	if (*text != '{') {
		if (keyfile_parse_public(text, public_key, err, errlen) != 0)
			return -1;
		if (keyid != NULL)
			sig_keyid(public_key, keyid);
		return 0;
	}
	if ((doc = json_loads(text, JSON_REJECT_DUPLICATES, NULL)) == NULL) {
		snprintf(err, errlen, "not valid JSON");
		return -1;
	}
	jwk = json_object_get(doc, "jwk");
	if (jwk == NULL)
		jwk = doc;
	if (jws_jwk(jwk, public_key, err, errlen) != 0)
		goto done;
	sig_keyid(public_key, thumbprint);
	given = json_object_get(doc, "keyid");
	if (given != NULL && (!json_is_string(given) ||
	    strcmp(json_string_value(given), thumbprint) != 0)) {
		snprintf(err, errlen, "keyid %s is not the key's thumbprint "
		    "%s", json_is_string(given) ? json_string_value(given) :
		    "(not a string)", thumbprint);
		goto done;
	}
	if (keyid != NULL)
		memcpy(keyid, thumbprint, sizeof(thumbprint));
	rc = 0;
done:
	json_decref(doc);
	return rc;
}
