/* Fuzz the station key files (common/keyfile.c).  The input is a key
 * file's text: keyfile_parse_public reads it as a public key (vpoints
 * format, PEM or bare base64url) and keyfile_read_secret as a secret key
 * file of mode 0600 (a memfd, opened by its /proc/self/fd path).  A key
 * that reads must write back to text that reads as the same key, a secret
 * key must make signatures its public half verifies, and a refusal must
 * say why. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fuzz/fuzz.h"
#include "fuzz/memfile.h"
#include "keyfile.h"
#include "sig.h"
#include "xmalloc.h"

/* The input as a public key; one that reads must read back the same. */
static void
check_public(const char *text)
{
	unsigned char pk[SIG_PUBLICKEYBYTES], again[SIG_PUBLICKEYBYTES];
	char err[256], b64[64], keyid[SIG_KEYID_LEN + 1], *file;

	memset(err, 0, sizeof(err));
	if (keyfile_parse_public(text, pk, err, sizeof(err)) != 0) {
		FUZZ_CHECK(err[0] != '\0');
		return;
	}
	keyfile_public_b64(pk, b64, sizeof(b64));
	FUZZ_CHECK(strlen(b64) == 43);
	FUZZ_CHECK(keyfile_parse_public(b64, again, err, sizeof(err)) == 0 &&
	    memcmp(pk, again, sizeof(pk)) == 0);
	sig_keyid(pk, keyid);
	file = xasprintf("%s\nkeyid %s\npublic %s\n", KEYFILE_PUBLIC_MAGIC,
	    keyid, b64);
	FUZZ_CHECK(keyfile_parse_public(file, again, err, sizeof(err)) == 0 &&
	    memcmp(pk, again, sizeof(pk)) == 0);
	free(file);
}

/* The input as a secret key file; one that reads must be a key pair. */
static void
check_secret(const uint8_t *data, size_t size)
{
	static const char base[] = "\"@method\": POST";
	unsigned char pk[SIG_PUBLICKEYBYTES], sig[SIG_BYTES];
	char err[256], keyid[SIG_KEYID_LEN + 1];
	struct keyfile_secret *key;
	const char *path;

	path = memfile_fill("station.key", 0600, data, size);
	memset(err, 0, sizeof(err));
	if ((key = keyfile_read_secret(path, err, sizeof(err))) == NULL) {
		FUZZ_CHECK(err[0] != '\0');
		return;
	}
	FUZZ_CHECK(crypto_sign_ed25519_sk_to_pk(pk, key->sk) == 0 &&
	    memcmp(pk, key->pk, sizeof(pk)) == 0);
	sig_keyid(key->pk, keyid);
	FUZZ_CHECK(strcmp(keyid, key->keyid) == 0);
	sig_sign(key->sk, base, sig);
	FUZZ_CHECK(sig_verify_base(key->pk, base, sig) == 0);
	keyfile_secret_free(key);
}

/* Read the input as a public key and as a secret key file. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (sodium_init() < 0)
		abort();
	text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	check_public(text);
	free(text);
	check_secret(data, size);
	return 0;
}
