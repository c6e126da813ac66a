#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "daemon/signer.h"
#include "keyfile.h"
#include "log.h"
#include "sig.h"
#include "xmalloc.h"

struct signer {
	struct keyfile_secret *key;
	char		*header_b64;	/* the JWS protected header, encoded */
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

/* Load the key at path, making it first if there is none. */
struct signer *
signer_load(const char *path, char *err, size_t errlen)
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

/* A keyed BLAKE2b MAC (32 bytes) of context and message under a key
 * derived from the signing key's seed: secrets the daemon can make again
 * (the tokens of capability links) and that no copy of the database
 * gives away. Another signing key makes other MACs. */
void
signer_mac(const struct signer *s, const char *context, const void *msg,
    size_t len, unsigned char out[32])
{
	crypto_generichash_state st;

	/* The seed is the first half of libsodium's secret key. */
	crypto_generichash_init(&st, s->key->sk, 32, 32);
	crypto_generichash_update(&st, (const unsigned char *)"vpoints mac ",
	    12);
	crypto_generichash_update(&st, (const unsigned char *)context,
	    strlen(context) + 1);
	crypto_generichash_update(&st, msg, len);
	crypto_generichash_final(&st, out, 32);
	sodium_memzero(&st, sizeof(st));
}
