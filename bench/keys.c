/* The bench keys: deterministic Ed25519 keys, for benchmarks only. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "bench/load.h"
#include "wire.h"
#include "xmalloc.h"

#define KEYS_SEED	"vpoints-bench-key %" PRId64

/* Bench key i: its secret key (seed || public key) into sk. */
static void
keys_make_one(int64_t i, unsigned char *sk)
{
	unsigned char seed[crypto_sign_SEEDBYTES], pk[SIG_PUBLICKEYBYTES];
	char text[64];

	snprintf(text, sizeof(text), KEYS_SEED, i);
	crypto_hash_sha256(seed, (const unsigned char *)text, strlen(text));
	crypto_sign_seed_keypair(pk, sk, seed);
	sodium_memzero(seed, sizeof(seed));
}

/* The bench keys 0..n-1, for signing. */
void
keys_make(struct load_keys *keys, size_t n)
{
	size_t i;

	keys->n = n;
	keys->sk = sodium_allocarray(n, SIG_SECRETKEYBYTES);
	if (keys->sk == NULL)
		abort();
	keys->keyid = xcalloc(n, sizeof(*keys->keyid));
	for (i = 0; i < n; i++) {
		keys_make_one((int64_t)i, keys->sk + i * SIG_SECRETKEYBYTES);
		sig_keyid(keys->sk + i * SIG_SECRETKEYBYTES +
		    crypto_sign_SEEDBYTES, keys->keyid[i]);
	}
}

/* Wipe and free the keys. */
void
keys_free(struct load_keys *keys)
{
	sodium_free(keys->sk);
	free(keys->keyid);
	keys->sk = NULL;
	keys->keyid = NULL;
}

/* keys COUNT: print each bench key's index and public key in hex. */
int
keys_print(int argc, char **argv)
{
	unsigned char sk[SIG_SECRETKEYBYTES];
	char hex[SIG_PUBLICKEYBYTES * 2 + 1];
	int64_t count, i;

	if (argc != 3 || cmdline_number(argv[2], 1, 10000000, &count) != 0)
		return cmdline_usage("keys wants a COUNT from 1 to 10000000");
	for (i = 0; i < count; i++) {
		keys_make_one(i, sk);
		sodium_bin2hex(hex, sizeof(hex), sk + crypto_sign_SEEDBYTES,
		    SIG_PUBLICKEYBYTES);
		printf("%" PRId64 "\t%s\n", i, hex);
	}
	sodium_memzero(sk, sizeof(sk));
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, LOAD_NAME ": cannot write the keys\n");
		return WIRE_EXIT_CANTCREAT;
	}
	return WIRE_EXIT_OK;
}
