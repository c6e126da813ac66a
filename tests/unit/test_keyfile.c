/* Unit tests of common/keyfile.c: generation, permissions, formats. */
#include "config.h"

#include <sys/stat.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "tests/unit/unit.h"
#include "keyfile.h"
#include "sig.h"

/* RFC 8410 section 10.1: an Ed25519 public key in PEM, and its bytes. */
static const char rfc8410_pem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n"
    "-----END PUBLIC KEY-----\n";
static const char rfc8410_hex[] =
    "19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1";

static char dir[64];
static char path[128];

/* A fresh folder; path names a key file in it. */
static void
setup(void)
{
	unit_mkdtemp(dir, sizeof(dir), "test_keyfile");
	snprintf(path, sizeof(path), "%s/station.key", dir);
}

/* Remove the folder. */
static void
teardown(void)
{
	unit_rmdir(dir);
}

START_TEST(generate_and_read)
{
	char keyid[SIG_KEYID_LEN + 1], pubpath[160], err[256];
	unsigned char pk[SIG_PUBLICKEYBYTES];
	struct keyfile_secret *key;
	struct stat st;

	ck_assert_int_eq(keyfile_generate(path, keyid, err, sizeof(err)), 0);
	ck_assert_uint_eq(strlen(keyid), SIG_KEYID_LEN);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	key = keyfile_read_secret(path, err, sizeof(err));
	ck_assert_ptr_nonnull(key);
	ck_assert_str_eq(key->keyid, keyid);
	snprintf(pubpath, sizeof(pubpath), "%s.pub", path);
	ck_assert_int_eq(keyfile_read_public(pubpath, pk, err, sizeof(err)), 0);
	ck_assert_mem_eq(pk, key->pk, sizeof(pk));
	/* The secret signs what the public key verifies. */
	{
		unsigned char sig[SIG_BYTES];

		sig_sign(key->sk, "hello", sig);
		ck_assert_int_eq(sig_verify_base(pk, "hello", sig), 0);
	}
	keyfile_secret_free(key);
}
END_TEST

START_TEST(never_overwrites)
{
	char keyid[SIG_KEYID_LEN + 1], err[256];

	ck_assert_int_eq(keyfile_generate(path, keyid, err, sizeof(err)), 0);
	ck_assert_int_eq(keyfile_generate(path, keyid, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "never overwritten"));
}
END_TEST

START_TEST(loose_permissions_refused)
{
	char keyid[SIG_KEYID_LEN + 1], err[256];

	ck_assert_int_eq(keyfile_generate(path, keyid, err, sizeof(err)), 0);
	ck_assert_int_eq(chmod(path, 0640), 0);
	ck_assert_ptr_null(keyfile_read_secret(path, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "readable by group or others"));
	ck_assert_int_eq(chmod(path, 0604), 0);
	ck_assert_ptr_null(keyfile_read_secret(path, err, sizeof(err)));
	ck_assert_int_eq(chmod(path, 0400), 0);
	ck_assert_ptr_nonnull(keyfile_read_secret(path, err, sizeof(err)));
}
END_TEST

START_TEST(damaged_files_refused)
{
	char err[256];
	FILE *f;

	f = fopen(path, "w");
	fputs(KEYFILE_SECRET_MAGIC "\nkeyid AAAA\nseed "
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n", f);
	fclose(f);
	chmod(path, 0600);
	ck_assert_ptr_null(keyfile_read_secret(path, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "damaged"));
	f = fopen(path, "w");
	fputs("vpoints-secret-key-v9\nseed x\n", f);
	fclose(f);
	ck_assert_ptr_null(keyfile_read_secret(path, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "not a vpoints secret key file"));
	ck_assert_ptr_null(keyfile_read_secret("/nonexistent", err, sizeof(err)));
}
END_TEST

START_TEST(public_formats)
{
	unsigned char pk[SIG_PUBLICKEYBYTES], want[SIG_PUBLICKEYBYTES];
	char err[256], b64[64], own[256];

	ck_assert_int_eq(sodium_hex2bin(want, sizeof(want), rfc8410_hex,
	    strlen(rfc8410_hex), NULL, NULL, NULL), 0);
	ck_assert_int_eq(keyfile_parse_public(rfc8410_pem, pk, err,
	    sizeof(err)), 0);
	ck_assert_mem_eq(pk, want, sizeof(pk));
	keyfile_public_b64(want, b64, sizeof(b64));
	memset(pk, 0, sizeof(pk));
	ck_assert_int_eq(keyfile_parse_public(b64, pk, err, sizeof(err)), 0);
	ck_assert_mem_eq(pk, want, sizeof(pk));
	snprintf(own, sizeof(own), KEYFILE_PUBLIC_MAGIC "\nkeyid x\npublic %s\n",
	    b64);
	memset(pk, 0, sizeof(pk));
	ck_assert_int_eq(keyfile_parse_public(own, pk, err, sizeof(err)), 0);
	ck_assert_mem_eq(pk, want, sizeof(pk));
	/* An RSA key's PEM, a short key, garbage: refused. */
	ck_assert_int_eq(keyfile_parse_public("-----BEGIN PUBLIC KEY-----\n"
	    "MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf\n"
	    "-----END PUBLIC KEY-----\n", pk, err, sizeof(err)), -1);
	ck_assert_int_eq(keyfile_parse_public("AAAA", pk, err, sizeof(err)), -1);
	ck_assert_int_eq(keyfile_parse_public("", pk, err, sizeof(err)), -1);
	ck_assert_int_eq(keyfile_parse_public(KEYFILE_PUBLIC_MAGIC "\npublic ?\n",
	    pk, err, sizeof(err)), -1);
}
END_TEST

/* A JWK (RFC 8037), as WebCrypto exports it or with its thumbprint as
 * kid; refused with its private part, another kid, or another curve. */
START_TEST(public_jwk)
{
	unsigned char pk[SIG_PUBLICKEYBYTES], want[SIG_PUBLICKEYBYTES];
	char err[256], b64[64], keyid[SIG_KEYID_LEN + 1], text[512];

	ck_assert_int_eq(sodium_hex2bin(want, sizeof(want), rfc8410_hex,
	    strlen(rfc8410_hex), NULL, NULL, NULL), 0);
	keyfile_public_b64(want, b64, sizeof(b64));
	sig_keyid(want, keyid);
	snprintf(text, sizeof(text), " {\"crv\":\"Ed25519\",\"ext\":true,"
	    "\"key_ops\":[\"verify\"],\"kty\":\"OKP\",\"x\":\"%s\"}\n", b64);
	ck_assert_int_eq(keyfile_parse_public(text, pk, err, sizeof(err)), 0);
	ck_assert_mem_eq(pk, want, sizeof(pk));
	snprintf(text, sizeof(text), "{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
	    "\"x\":\"%s\",\"kid\":\"%s\"}", b64, keyid);
	ck_assert_int_eq(keyfile_parse_public(text, pk, err, sizeof(err)), 0);
	snprintf(text, sizeof(text), "{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
	    "\"x\":\"%s\",\"kid\":\"station-1\"}", b64);
	ck_assert_int_eq(keyfile_parse_public(text, pk, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "thumbprint"));
	snprintf(text, sizeof(text), "{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
	    "\"x\":\"%s\",\"d\":\"%s\"}", b64, b64);
	ck_assert_int_eq(keyfile_parse_public(text, pk, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "private"));
	snprintf(text, sizeof(text), "{\"kty\":\"OKP\",\"crv\":\"X25519\","
	    "\"x\":\"%s\"}", b64);
	ck_assert_int_eq(keyfile_parse_public(text, pk, err, sizeof(err)), -1);
	ck_assert_int_eq(keyfile_parse_public("{\"kty\":", pk, err,
	    sizeof(err)), -1);
}
END_TEST

/* Run the tests; the exit status says whether any failed. */
int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	return unit_main("keyfile", setup, teardown, UNIT_TESTS(
	    generate_and_read, never_overwrites, loose_permissions_refused,
	    damaged_files_refused, public_formats, public_jwk));
}
