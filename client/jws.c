#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "client/i18n.h"
#include "client/jws.h"
#include "buf.h"
#include "keyfile.h"
#include "sig.h"
#include "xmalloc.h"

#define JWS_ALG_EDDSA	"EdDSA"
#define JWS_B45_BASE	45

/* RFC 9285: the characters of a QR code's alphanumeric mode. */
static const char jws_b45_alphabet[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

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
		return _("the signature is valid");
	case JWS_MALFORMED:
		return _("not a JWS in compact form (three base64url parts "
		    "joined by dots, a 64-byte signature)");
	case JWS_BAD_BASE64:
		return _("a part is not unpadded base64url");
	case JWS_BAD_HEADER:
		return _("the protected header is not a plain JSON object");
	case JWS_ALG:
		return _("the header's alg is not EdDSA");
	case JWS_KID_MISMATCH:
		return _("signed by another key (the header's kid is not this "
		    "key's id)");
	case JWS_BAD_SIGNATURE:
		return _("the signature does not match: the text was changed "
		    "or another key signed it");
	case JWS_BAD_BASE45:
		/* A message is one literal for xgettext: it spells out
		 * JWS_BASE45_PREFIX. */
		return _("not the base45 form of a JWS (VPJ1: and base45 of a "
		    "header, a signature and a payload)");
	default:
		abort();
	}
}

/* Append the RFC 9285 base45 of len bytes to b: two bytes become three
 * characters, least significant first; a last single byte two. */
static void
jws_b45_encode(struct buf *b, const unsigned char *p, size_t len)
{
	char out[3];
	unsigned n;
	size_t i;

	for (i = 0; i < len; i += 2) {
		n = i + 1 < len ? (unsigned)p[i] << 8 | p[i + 1] : p[i];
		out[0] = jws_b45_alphabet[n % JWS_B45_BASE];
		out[1] = jws_b45_alphabet[n / JWS_B45_BASE % JWS_B45_BASE];
		out[2] = jws_b45_alphabet[n / (JWS_B45_BASE * JWS_B45_BASE)];
		buf_add(b, out, i + 1 < len ? 3 : 2);
	}
}

/* Decode base45 text into a new buffer, *len its bytes; NULL for a
 * character outside the alphabet, a length of 3n + 1, or a group over
 * its range (three characters over 65535, a last two over 255). */
static unsigned char *
jws_b45_decode(const char *text, size_t *len)
{
	size_t n = strlen(text), i, k, group;
	unsigned char *out = xmalloc(n / 3 * 2 + 2);
	const char *c;
	unsigned long v, scale;

	*len = 0;
	if (n % 3 == 1)
		goto fail;
	for (i = 0; i < n; i += group) {
		group = n - i >= 3 ? 3 : 2;
		v = 0;
		scale = 1;
		for (k = 0; k < group; k++) {
			if ((c = strchr(jws_b45_alphabet, text[i + k])) ==
			    NULL)
				goto fail;
			v += (unsigned long)(c - jws_b45_alphabet) * scale;
			scale *= JWS_B45_BASE;
		}
		if (group == 3) {
			if (v > 0xffff)
				goto fail;
			out[(*len)++] = (unsigned char)(v >> 8);
		} else if (v > 0xff) {
			goto fail;
		}
		out[(*len)++] = (unsigned char)(v & 0xff);
	}
	return out;
fail:
	free(out);
	return NULL;
}

/* Append the unpadded base64url of len bytes to b. */
static void
jws_b64_encode(struct buf *b, const unsigned char *p, size_t len)
{
	size_t size = sodium_base64_ENCODED_LEN(len,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *text = xmalloc(size);

	sodium_bin2base64(text, size, p, len,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	buf_puts(b, text);
	free(text);
}

/* The base45 form of a JWS in compact form (see jws.h), or NULL when it
 * is not one: three parts, each canonical base64url, a 64-byte
 * signature and a header of at most 65535 bytes. The signature is not
 * checked. */
char *
jws_base45(const char *compact)
{
	unsigned char *header = NULL, *body = NULL, *signature = NULL;
	unsigned char *packed = NULL, *p;
	const char *dot1, *dot2;
	size_t header_len, body_len, sig_len;
	struct buf b = { NULL, 0, 0 };

	if ((dot1 = strchr(compact, '.')) == NULL ||
	    (dot2 = strchr(dot1 + 1, '.')) == NULL ||
	    strchr(dot2 + 1, '.') != NULL)
		return NULL;
	if ((header = jws_decode(compact, (size_t)(dot1 - compact),
	    &header_len)) == NULL ||
	    (body = jws_decode(dot1 + 1, (size_t)(dot2 - dot1 - 1),
	    &body_len)) == NULL ||
	    (signature = jws_decode(dot2 + 1, strlen(dot2 + 1),
	    &sig_len)) == NULL || sig_len != crypto_sign_BYTES ||
	    header_len == 0 || header_len > 0xffff || body_len == 0)
		goto done;
	p = packed = xmalloc(2 + header_len + sig_len + body_len);
	*p++ = (unsigned char)(header_len >> 8);
	*p++ = (unsigned char)(header_len & 0xff);
	memcpy(p, header, header_len);
	memcpy(p += header_len, signature, sig_len);
	memcpy(p += sig_len, body, body_len);
	buf_puts(&b, JWS_BASE45_PREFIX);
	jws_b45_encode(&b, packed, 2 + header_len + sig_len + body_len);
done:
	free(packed);
	free(header);
	free(body);
	free(signature);
	return b.data;
}

/* The JWS in compact form that a base45 form was made of, in a new
 * string *compact; JWS_BAD_BASE45 when text is not a base45 form. */
enum jws_status
jws_unbase45(const char *text, char **compact)
{
	size_t prefix = strlen(JWS_BASE45_PREFIX), len, header_len;
	struct buf b = { NULL, 0, 0 };
	unsigned char *packed;

	*compact = NULL;
	if (strncmp(text, JWS_BASE45_PREFIX, prefix) != 0 ||
	    (packed = jws_b45_decode(text + prefix, &len)) == NULL)
		return JWS_BAD_BASE45;
	header_len = len >= 2 ? (size_t)packed[0] << 8 | packed[1] : 0;
	if (header_len == 0 || len <= 2 + header_len + crypto_sign_BYTES) {
		free(packed);
		return JWS_BAD_BASE45;
	}
	jws_b64_encode(&b, packed + 2, header_len);
	buf_puts(&b, ".");
	jws_b64_encode(&b, packed + 2 + header_len + crypto_sign_BYTES,
	    len - 2 - header_len - crypto_sign_BYTES);
	buf_puts(&b, ".");
	jws_b64_encode(&b, packed + 2 + header_len, crypto_sign_BYTES);
	free(packed);
	*compact = b.data;
	return JWS_OK;
}

/* A public key from text: the JSON of the public-key route
 * (WIRE_OP_PUBLIC_KEY), a bare JWK, vpoints' public key format, PEM or
 * bare base64url (keyfile_parse_public). keyid, when not NULL, receives
 * the key's id (SIG_KEYID_LEN + 1 bytes). */
int
jws_public_key(const char *text, unsigned char *public_key, char *keyid,
    char *err, size_t errlen)
{
	if (keyfile_parse_public(text, public_key, err, errlen) != 0)
		return -1;
	if (keyid != NULL)
		sig_keyid(public_key, keyid);
	return 0;
}

/* The "kid" of a JWS's protected header, in a new string; NULL when the
 * header is not a JSON object or names no key. The signature is not
 * checked: this only picks the key to check it with. */
char *
jws_kid(const char *compact)
{
	unsigned char *header;
	const char *dot = strchr(compact, '.');
	size_t len;
	json_t *doc;
	char *kid = NULL;

	if (dot == NULL || (header = jws_decode(compact,
	    (size_t)(dot - compact), &len)) == NULL)
		return NULL;
	doc = json_loadb((const char *)header, len, JSON_REJECT_DUPLICATES,
	    NULL);
	if (json_is_string(json_object_get(doc, "kid")))
		kid = xstrdup(json_string_value(json_object_get(doc, "kid")));
	json_decref(doc);
	free(header);
	return kid;
}

/*
 * The key that kid names in a JWK Set (RFC 7517, {"keys":[...]}, as GET
 * /v1/public-keys gives it), into public_key: 0 when found, 1 when no key
 * of the set has that kid, -1 with err when the text is not a JWK Set of
 * Ed25519 keys each named by its thumbprint (keyfile_parse_public checks
 * every key, so a set that names a key by another's id is refused as a
 * whole). A NULL kid checks the set only. When window is not NULL, it
 * gets the key's "nbf" and "exp" (0 where the set gives none): a retired
 * key signed only between them.
 */
int
jws_set_key(const char *text, const char *kid, unsigned char *public_key,
    struct jws_window *window, char *err, size_t errlen)
{
	unsigned char pk[SIG_PUBLICKEYBYTES];
	char why[256], *one;
	json_t *doc, *keys, *jwk;
	size_t i;
	int rc = 1;

	doc = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	keys = json_object_get(doc, "keys");
	if (!json_is_array(keys) || json_array_size(keys) == 0) {
		snprintf(err, errlen, _("not a JWK Set (a JSON object with a "
		    "\"keys\" array)"));
		rc = -1;
		goto done;
	}
	json_array_foreach(keys, i, jwk) {
		if (!json_is_object(jwk) || json_object_get(jwk, "kid") ==
		    NULL) {
			snprintf(err, errlen, _("key %zu of the set has no kid"),
			    i + 1);
			rc = -1;
			goto done;
		}
		if ((one = json_dumps(jwk, JSON_COMPACT)) == NULL)
			abort();
		if (keyfile_parse_public(one, pk, why, sizeof(why)) != 0) {
			snprintf(err, errlen, _("key %zu of the set: %s"), i + 1,
			    why);
			free(one);
			rc = -1;
			goto done;
		}
		free(one);
		if ((json_object_get(jwk, "nbf") != NULL &&
		    !json_is_integer(json_object_get(jwk, "nbf"))) ||
		    (json_object_get(jwk, "exp") != NULL &&
		    !json_is_integer(json_object_get(jwk, "exp")))) {
			snprintf(err, errlen, _("key %zu of the set: \"nbf\" "
			    "and \"exp\" must be whole seconds"), i + 1);
			rc = -1;
			goto done;
		}
		if (kid != NULL && rc == 1 && strcmp(json_string_value(
		    json_object_get(jwk, "kid")), kid) == 0) {
			memcpy(public_key, pk, sizeof(pk));
			if (window != NULL) {
				window->nbf = json_integer_value(
				    json_object_get(jwk, "nbf"));
				window->exp = json_integer_value(
				    json_object_get(jwk, "exp"));
			}
			rc = 0;
		}
	}
done:
	json_decref(doc);
	return rc;
}

/* Whether text is a JWK Set rather than one key: a JSON object with
 * "keys". */
int
jws_is_set(const char *text)
{
	json_t *doc = json_loads(text, 0, NULL);
	int set = json_object_get(doc, "keys") != NULL;

	json_decref(doc);
	return set;
}
