/* Unit tests of client/jws.c: JWS made here with libsodium verify, and
 * fail when any byte of any part changes, when alg or kid is wrong, when
 * the base64url or the form is bad; the RFC 8037 A.4 example verifies;
 * public keys are read as JSON, JWK, PEM and vpoints' format. The base45
 * form: the RFC 8037 example packs as RFC 9285 says, unpacks to the same
 * JWS, any changed character fails, and malformed base45 is refused. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "tests/unit/unit.h"
#include "client/jws.h"
#include "keyfile.h"
#include "sig.h"
#include "xmalloc.h"

/* RFC 8037 Appendix A.1 (the key) and A.4 (the JWS), as printed. */
#define RFC8037_D	"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
#define RFC8037_X	"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
#define RFC8037_KID	"kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
#define RFC8037_JWS	"eyJhbGciOiJFZERTQSJ9." \
			"RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc." \
			"hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR" \
			"4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"

static const char certificate[] =
"{\"number\":\"C-2026-000001\",\"volunteer\":\"12\","
"\"name\":\"\\u5f20\\u4e09\",\"from\":\"2026-01-01\",\"to\":\"2026-12-31\","
"\"minutes\":1530,\"hours\":25.5,\"shifts\":12,\"stars\":1}";

static unsigned char pk[crypto_sign_PUBLICKEYBYTES];
static unsigned char sk[crypto_sign_SECRETKEYBYTES];
static char keyid[SIG_KEYID_LEN + 1];

/* base64url without padding of len bytes, allocated. */
static char *
b64(const void *bytes, size_t len)
{
	size_t size = sodium_base64_ENCODED_LEN(len,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *out = xmalloc(size);

	sodium_bin2base64(out, size, bytes, len,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

/* A compact JWS of header and payload signed with secret. */
static char *
make_jws(const char *header, const char *payload,
    const unsigned char *secret)
{
	unsigned char signature[crypto_sign_BYTES];
	char *h = b64(header, strlen(header));
	char *p = b64(payload, strlen(payload));
	char *input = xasprintf("%s.%s", h, p), *s, *jws;

	crypto_sign_detached(signature, NULL, (const unsigned char *)input,
	    strlen(input), secret);
	s = b64(signature, sizeof(signature));
	jws = xasprintf("%s.%s", input, s);
	free(h);
	free(p);
	free(input);
	free(s);
	return jws;
}

/* The daemon's header for the test key. */
static char *
our_header(void)
{
	return xasprintf("{\"alg\":\"EdDSA\",\"kid\":\"%s\"}", keyid);
}

/* What jws_verify says of text with the test key; frees the payload. */
static enum jws_status
check(const char *text)
{
	char *payload;
	size_t len;
	enum jws_status st = jws_verify(text, pk, &payload, &len);

	if (st != JWS_OK)
		ck_assert_ptr_null(payload);
	free(payload);
	return st;
}

static void
setup(void)
{
	ck_assert_int_ge(sodium_init(), 0);
	crypto_sign_keypair(pk, sk);
	sig_keyid(pk, keyid);
}

START_TEST(verifies)
{
	char *header = our_header(), *jws = make_jws(header, certificate, sk);
	char *payload;
	size_t len;

	ck_assert_int_eq(jws_verify(jws, pk, &payload, &len), JWS_OK);
	ck_assert_uint_eq(len, strlen(certificate));
	ck_assert_str_eq(payload, certificate);
	ck_assert_str_eq(jws_status_text(JWS_OK), "the signature is valid");
	free(payload);
	free(jws);
	free(header);
}
END_TEST

START_TEST(any_changed_byte_fails)
{
	char *header = our_header(), *jws = make_jws(header, certificate, sk);
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	static const size_t flips[] = { 1, 8, 32 };
	size_t i, b, value, len = strlen(jws), parts[3] = { 0, 0, 0 };
	size_t part = 0;
	char saved;

	for (i = 0; i < len; i++) {
		if (jws[i] == '.') {
			part++;
			continue;
		}
		/* Characters whose 6 bits differ in the lowest (unused in
		 * a part's last character, so only a strict decoder sees
		 * it), a middle and the highest bit. */
		saved = jws[i];
		value = (size_t)(strchr(alphabet, saved) - alphabet);
		for (b = 0; b < sizeof(flips) / sizeof(flips[0]); b++) {
			jws[i] = alphabet[value ^ flips[b]];
			ck_assert_msg(check(jws) != JWS_OK, "byte %zu as %c "
			    "passed", i, jws[i]);
		}
		jws[i] = saved;
		parts[part]++;
	}
	/* Every byte of each of the three parts was tried. */
	ck_assert_uint_gt(parts[0], 0);
	ck_assert_uint_gt(parts[1], 0);
	ck_assert_uint_eq(parts[2], 86);
	ck_assert_int_eq(check(jws), JWS_OK);
	free(jws);
	free(header);
}
END_TEST

START_TEST(changed_payload_is_bad_signature)
{
	char *header = our_header(), *jws = make_jws(header, certificate, sk);
	char *other = make_jws(header, "{\"minutes\":9999}", sk);
	char *spliced, *dot1 = strchr(jws, '.'), *dot2 = strrchr(jws, '.');
	char *odot1 = strchr(other, '.'), *odot2 = strrchr(other, '.');

	/* The payload of one with the signature of the other. */
	spliced = xasprintf("%.*s%.*s%s", (int)(dot1 - jws), jws,
	    (int)(odot2 - odot1), odot1, dot2);
	ck_assert_int_eq(check(spliced), JWS_BAD_SIGNATURE);
	free(spliced);
	free(other);
	free(jws);
	free(header);
}
END_TEST

START_TEST(wrong_key_fails)
{
	unsigned char pk2[crypto_sign_PUBLICKEYBYTES];
	unsigned char sk2[crypto_sign_SECRETKEYBYTES];
	char *jws = make_jws("{\"alg\":\"EdDSA\"}", certificate, sk);
	char *payload;
	size_t len;

	crypto_sign_keypair(pk2, sk2);
	ck_assert_int_eq(jws_verify(jws, pk2, &payload, &len),
	    JWS_BAD_SIGNATURE);
	ck_assert_ptr_null(payload);
	free(jws);
}
END_TEST

START_TEST(header_rules)
{
	static const struct {
		const char	*header;
		enum jws_status	 expected;
	} cases[] = {
		{ "{\"alg\":\"EdDSA\"}", JWS_OK },
		{ "{\"alg\":\"EdDSA\",\"typ\":\"JWT\"}", JWS_OK },
		{ "{\"alg\":\"HS256\"}", JWS_ALG },
		{ "{\"alg\":\"none\"}", JWS_ALG },
		{ "{\"alg\":\"eddsa\"}", JWS_ALG },
		{ "{\"alg\":\"Ed25519\"}", JWS_ALG },
		{ "{}", JWS_ALG },
		{ "{\"alg\":null}", JWS_ALG },
		{ "{\"alg\":\"EdDSA\",\"kid\":\"somebody-else\"}",
		    JWS_KID_MISMATCH },
		{ "{\"alg\":\"EdDSA\",\"kid\":" RFC8037_KID "}", JWS_BAD_HEADER },
		{ "{\"alg\":\"EdDSA\",\"kid\":42}", JWS_KID_MISMATCH },
		{ "{\"alg\":\"EdDSA\",\"crit\":[\"exp\"],\"exp\":1}",
		    JWS_BAD_HEADER },
		{ "{\"alg\":\"EdDSA\",\"alg\":\"EdDSA\"}", JWS_BAD_HEADER },
		{ "[\"alg\",\"EdDSA\"]", JWS_BAD_HEADER },
		{ "alg=EdDSA", JWS_BAD_HEADER },
	};
	char *jws, *header;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		jws = make_jws(cases[i].header, certificate, sk);
		ck_assert_msg(check(jws) == cases[i].expected,
		    "header %s: got %d, expected %d", cases[i].header,
		    check(jws), cases[i].expected);
		free(jws);
	}
	header = our_header();
	jws = make_jws(header, certificate, sk);
	ck_assert_int_eq(check(jws), JWS_OK);
	free(jws);
	free(header);
}
END_TEST

START_TEST(bad_form_and_base64)
{
	char *header = our_header(), *jws = make_jws(header, certificate, sk);
	char *dot2 = strrchr(jws, '.'), *text;

	ck_assert_int_eq(check(""), JWS_MALFORMED);
	ck_assert_int_eq(check("abc"), JWS_MALFORMED);
	ck_assert_int_eq(check("a.b"), JWS_MALFORMED);
	ck_assert_int_eq(check("..."), JWS_MALFORMED);
	ck_assert_int_eq(check(".."), JWS_MALFORMED);
	/* Four parts; an empty part; a line end kept. */
	text = xasprintf("%s.AAAA", jws);
	ck_assert_int_eq(check(text), JWS_MALFORMED);
	free(text);
	text = xasprintf("%.*s.", (int)(dot2 - jws), jws);
	ck_assert_int_eq(check(text), JWS_MALFORMED);
	free(text);
	text = xasprintf("%s\n", jws);
	ck_assert_int_eq(check(text), JWS_BAD_BASE64);
	free(text);
	text = xasprintf(" %s", jws);
	ck_assert_int_eq(check(text), JWS_BAD_BASE64);
	free(text);
	/* Padding, the other alphabet, a character outside both. */
	text = xasprintf("%s==", jws);
	ck_assert_int_eq(check(text), JWS_BAD_BASE64);
	free(text);
	text = xstrdup(jws);
	text[3] = '+';
	ck_assert_int_eq(check(text), JWS_BAD_BASE64);
	text[3] = '/';
	ck_assert_int_eq(check(text), JWS_BAD_BASE64);
	text[3] = '*';
	ck_assert_int_eq(check(text), JWS_BAD_BASE64);
	free(text);
	/* A signature cut short, or one byte too long. */
	text = xasprintf("%.*s.AAAA", (int)(dot2 - jws), jws);
	ck_assert_int_eq(check(text), JWS_MALFORMED);
	free(text);
	text = xasprintf("%sAA", jws);
	ck_assert_int_eq(check(text), JWS_MALFORMED);
	free(text);
	free(jws);
	free(header);
}
END_TEST

START_TEST(rfc8037_a4)
{
	unsigned char seed[32], rfc_pk[32], rfc_sk[64], signature[64];
	char x[44], *payload, *sig;
	const char *input_end = strrchr(RFC8037_JWS, '.');
	size_t n, len;

	/* A.1: the seed d gives the public key x. */
	ck_assert_int_eq(sodium_base642bin(seed, sizeof(seed), RFC8037_D,
	    strlen(RFC8037_D), NULL, &n, NULL,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING), 0);
	ck_assert_uint_eq(n, 32);
	crypto_sign_seed_keypair(rfc_pk, rfc_sk, seed);
	sodium_bin2base64(x, sizeof(x), rfc_pk, 32,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	ck_assert_str_eq(x, RFC8037_X);
	/* A.3: its thumbprint. */
	sig_keyid(rfc_pk, x);
	ck_assert_str_eq(x, RFC8037_KID);
	/* A.4: Ed25519 is deterministic: the same signature again. */
	crypto_sign_detached(signature, NULL, (const unsigned char *)
	    RFC8037_JWS, (size_t)(input_end - RFC8037_JWS), rfc_sk);
	sig = b64(signature, sizeof(signature));
	ck_assert_str_eq(sig, input_end + 1);
	free(sig);
	/* A.5: it verifies, and says what it says. */
	ck_assert_int_eq(jws_verify(RFC8037_JWS, rfc_pk, &payload, &len),
	    JWS_OK);
	ck_assert_str_eq(payload, "Example of Ed25519 signing");
	ck_assert_uint_eq(len, 26);
	free(payload);
	ck_assert_int_eq(jws_verify(RFC8037_JWS, pk, &payload, &len),
	    JWS_BAD_SIGNATURE);
}
END_TEST

START_TEST(public_keys)
{
	unsigned char got[32], rfc_pk[32];
	char id[SIG_KEYID_LEN + 1], err[200], pub[44], *text;
	size_t n;

	sodium_base642bin(rfc_pk, 32, RFC8037_X, strlen(RFC8037_X), NULL, &n,
	    NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	/* What GET /v1/public-key answers. */
	ck_assert_int_eq(jws_public_key("{\"keyid\":\"" RFC8037_KID "\","
	    "\"jwk\":{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" RFC8037_X
	    "\"}}\n", got, id, err, sizeof(err)), 0);
	ck_assert_mem_eq(got, rfc_pk, 32);
	ck_assert_str_eq(id, RFC8037_KID);
	/* A bare JWK, with whitespace around. */
	memset(got, 0, sizeof(got));
	ck_assert_int_eq(jws_public_key("  {\"kty\":\"OKP\",\"crv\":"
	    "\"Ed25519\",\"x\":\"" RFC8037_X "\"}", got, NULL, err,
	    sizeof(err)), 0);
	ck_assert_mem_eq(got, rfc_pk, 32);
	/* A keyid that is not the key's. */
	ck_assert_int_ne(jws_public_key("{\"keyid\":\"abc\",\"jwk\":{\"kty\":"
	    "\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" RFC8037_X "\"}}", got, id,
	    err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "thumbprint"));
	/* Other curves and key types, a short x, broken JSON. */
	ck_assert_int_ne(jws_public_key("{\"kty\":\"OKP\",\"crv\":\"X25519\","
	    "\"x\":\"" RFC8037_X "\"}", got, id, err, sizeof(err)), 0);
	ck_assert_int_ne(jws_public_key("{\"kty\":\"EC\",\"crv\":\"Ed25519\","
	    "\"x\":\"" RFC8037_X "\"}", got, id, err, sizeof(err)), 0);
	ck_assert_int_ne(jws_public_key("{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
	    "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHUR\"}", got, id,
	    err, sizeof(err)), 0);
	ck_assert_int_ne(jws_public_key("{\"kty\":\"OKP\"", got, id, err,
	    sizeof(err)), 0);
	/* vpoints' public key file, and PEM. */
	keyfile_public_b64(pk, pub, sizeof(pub));
	text = xasprintf("%s\nkeyid %s\npublic %s\n", KEYFILE_PUBLIC_MAGIC,
	    keyid, pub);
	ck_assert_int_eq(jws_public_key(text, got, id, err, sizeof(err)), 0);
	ck_assert_mem_eq(got, pk, 32);
	ck_assert_str_eq(id, keyid);
	free(text);
	ck_assert_int_eq(jws_public_key("-----BEGIN PUBLIC KEY-----\n"
	    "MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"
	    "-----END PUBLIC KEY-----\n", got, id, err, sizeof(err)), 0);
	ck_assert_mem_eq(got, rfc_pk, 32);
	ck_assert_str_eq(id, RFC8037_KID);
	ck_assert_int_ne(jws_public_key("not a key", got, id, err,
	    sizeof(err)), 0);
}
END_TEST

/* The RFC 8037 A.4 JWS in base45 form, made apart from jws.c (RFC 9285's
 * algorithm in Python over the decoded parts). */
#define RFC8037_BASE45	"VPJ1:F00MPFAECW1DWF7YY8VS8OA84*FTQ1QPQP3GY9C*:7" \
			"PREDNEKK3+8QQ8S2ZQ.3P5XUR R2K37*3IFBTKC6VODRS%EN 9" \
			"56/HXC81NB*ANQO7*RBSF0S*PK-P-C0$9FQ$DTVDN44:+CYY8S" \
			"F6RW6:97PQEI3DZEDD2"

START_TEST(base45_form)
{
	char *packed = jws_base45(RFC8037_JWS), *back;

	ck_assert_ptr_nonnull(packed);
	ck_assert_str_eq(packed, RFC8037_BASE45);
	ck_assert_int_eq(jws_unbase45(packed, &back), JWS_OK);
	ck_assert_str_eq(back, RFC8037_JWS);
	free(back);
	free(packed);
	/* Not a JWS in compact form: nothing to pack. */
	ck_assert_ptr_null(jws_base45("a.b"));
	ck_assert_ptr_null(jws_base45("eyJ9.cGF5.c2ln"));	/* short sig */
	ck_assert_ptr_null(jws_base45(".cGF5bG9hZA." RFC8037_X RFC8037_X));
	ck_assert_ptr_null(jws_base45("eyJ+.cGF5bG9hZA.c2ln"));
}
END_TEST

START_TEST(base45_verifies_and_any_change_fails)
{
	static const char alphabet[] =
	    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
	char *header = our_header(), *jws = make_jws(header, certificate, sk);
	char *packed = jws_base45(jws), *back;
	size_t i, prefix = strlen(JWS_BASE45_PREFIX), bad = 0;
	enum jws_status st;

	ck_assert_ptr_nonnull(packed);
	ck_assert_int_eq(strncmp(packed, JWS_BASE45_PREFIX, prefix), 0);
	ck_assert_uint_eq(strspn(packed + prefix, alphabet),
	    strlen(packed + prefix));
	/* More characters, but in a QR code's alphanumeric mode 5.5 bits
	 * each against byte mode's 8: a fifth fewer bits, at least. */
	ck_assert_uint_lt(strlen(packed) * 11 / 2, strlen(jws) * 8 * 4 / 5);
	ck_assert_int_eq(jws_unbase45(packed, &back), JWS_OK);
	ck_assert_str_eq(back, jws);
	ck_assert_int_eq(check(back), JWS_OK);
	free(back);
	/* Each character after the prefix changed: not base45, or not the
	 * signed JWS. */
	for (i = prefix; packed[i] != '\0'; i++) {
		char was = packed[i];

		packed[i] = alphabet[(strchr(alphabet, was) - alphabet + 1) %
		    45];
		st = jws_unbase45(packed, &back);
		if (st == JWS_OK) {
			st = check(back);
			free(back);
		} else {
			ck_assert_int_eq(st, JWS_BAD_BASE45);
			ck_assert_ptr_null(back);
		}
		ck_assert_msg(st != JWS_OK, "still verifies with character %zu "
		    "changed", i);
		bad++;
		packed[i] = was;
	}
	ck_assert_uint_eq(bad, strlen(packed) - prefix);
	free(packed);
	free(jws);
	free(header);
}
END_TEST

START_TEST(base45_bad_forms)
{
	char *back;

	/* No prefix; a lowercase character; 3n + 1 characters; a group of
	 * three over 65535 ("GGW" is 65536) and a last pair over 255 ("U5"
	 * is 255, "V5" 256); too short to hold a header, a signature and a
	 * payload. */
	ck_assert_int_eq(jws_unbase45("F00MPF", &back), JWS_BAD_BASE45);
	ck_assert_ptr_null(back);
	ck_assert_int_eq(jws_unbase45("VPJ1:f00MPF", &back), JWS_BAD_BASE45);
	ck_assert_int_eq(jws_unbase45("VPJ1:F00M", &back), JWS_BAD_BASE45);
	ck_assert_int_eq(jws_unbase45("VPJ1:GGW", &back), JWS_BAD_BASE45);
	ck_assert_int_eq(jws_unbase45("VPJ1:V5", &back), JWS_BAD_BASE45);
	ck_assert_int_eq(jws_unbase45("VPJ1:U5", &back), JWS_BAD_BASE45);
	ck_assert_int_eq(jws_unbase45("VPJ1:", &back), JWS_BAD_BASE45);
	ck_assert_int_eq(jws_unbase45("VPJ1:000", &back), JWS_BAD_BASE45);
	ck_assert_ptr_null(back);
	ck_assert_ptr_nonnull(strstr(jws_status_text(JWS_BAD_BASE45),
	    "base45"));
}
END_TEST

/* A JWK Set: the key a kid names, a kid the set lacks, a set that names a
 * key by another's id or is no set; the kid of a JWS's header. */
START_TEST(key_sets)
{
	static const char set[] = "{\"keys\":[{\"kty\":\"OKP\",\"crv\":"
	    "\"Ed25519\",\"x\":\"" RFC8037_X "\",\"kid\":\"" RFC8037_KID
	    "\",\"use\":\"sig\",\"status\":\"retired\"}]}";
	unsigned char found[32], rfc_pk[32];
	struct jws_window w;
	char err[256], *kid;
	size_t n;

	sodium_base642bin(rfc_pk, 32, RFC8037_X, strlen(RFC8037_X), NULL, &n,
	    NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	ck_assert_int_eq(jws_set_key(set, RFC8037_KID, found, &w, err,
	    sizeof(err)), 0);
	ck_assert_mem_eq(found, rfc_pk, 32);
	ck_assert_int_eq(w.nbf, 0);
	ck_assert_int_eq(w.exp, 0);
	ck_assert_int_eq(jws_set_key(set, "another", found, NULL, err,
	    sizeof(err)), 1);
	ck_assert_int_eq(jws_set_key(set, NULL, found, NULL, err,
	    sizeof(err)), 1);
	ck_assert_int_eq(jws_set_key("{\"keys\":[{\"kty\":\"OKP\",\"crv\":"
	    "\"Ed25519\",\"x\":\"" RFC8037_X "\",\"kid\":\"abc\"}]}", "abc",
	    found, NULL, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "thumbprint"));
	ck_assert_int_eq(jws_set_key("{\"keys\":[{\"kty\":\"OKP\",\"crv\":"
	    "\"Ed25519\",\"x\":\"" RFC8037_X "\"}]}", NULL, found, NULL, err,
	    sizeof(err)), -1);
	ck_assert_int_eq(jws_set_key("{\"keys\":[]}", NULL, found, NULL, err,
	    sizeof(err)), -1);
	ck_assert_int_eq(jws_set_key("[]", NULL, found, NULL, err,
	    sizeof(err)), -1);
	/* A retired key's window, and one that is not whole seconds. */
	ck_assert_int_eq(jws_set_key("{\"keys\":[{\"kty\":\"OKP\",\"crv\":"
	    "\"Ed25519\",\"x\":\"" RFC8037_X "\",\"kid\":\"" RFC8037_KID
	    "\",\"nbf\":1000,\"exp\":2000}]}", RFC8037_KID, found, &w, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(w.nbf, 1000);
	ck_assert_int_eq(w.exp, 2000);
	ck_assert_int_eq(jws_set_key("{\"keys\":[{\"kty\":\"OKP\",\"crv\":"
	    "\"Ed25519\",\"x\":\"" RFC8037_X "\",\"kid\":\"" RFC8037_KID
	    "\",\"exp\":\"soon\"}]}", RFC8037_KID, found, &w, err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "whole seconds"));
	ck_assert_int_eq(jws_is_set(set), 1);
	ck_assert_int_eq(jws_is_set("{\"kty\":\"OKP\"}"), 0);
	kid = jws_kid("eyJhbGciOiJFZERTQSIsImtpZCI6ImFiYyJ9.cGF5bG9hZA.c2ln");
	ck_assert_str_eq(kid, "abc");
	free(kid);
	ck_assert_ptr_null(jws_kid(RFC8037_JWS));
	ck_assert_ptr_null(jws_kid("not a jws"));
}
END_TEST

/* Run the tests; the exit status says whether any failed. */
int
main(void)
{
	return unit_main("jws", setup, NULL, UNIT_TESTS(verifies,
	    any_changed_byte_fails, changed_payload_is_bad_signature,
	    wrong_key_fails, header_rules, bad_form_and_base64, rfc8037_a4,
	    public_keys, base45_form, base45_verifies_and_any_change_fails,
	    base45_bad_forms, key_sets));
}
