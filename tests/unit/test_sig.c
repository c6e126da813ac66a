#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <sodium.h>

#include "tests/unit/unit.h"
#include "buf.h"
#include "sig.h"
#include "wire.h"
#include "xmalloc.h"

/* RFC 9421 Appendix B.1.4, test-key-ed25519: the base64 bodies of its
 * PKCS#8 private key and SPKI public key PEM files. */
#define RFC_PRIVATE_PEM \
	"MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF"
#define RFC_PUBLIC_PEM \
	"MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs="

/* RFC 9421 Appendix B.2.6, with the RFC 8792 line wrapping undone. */
#define B26_PARAMS \
	"(\"date\" \"@method\" \"@path\" \"@authority\" " \
	"\"content-type\" \"content-length\");created=1618884473" \
	";keyid=\"test-key-ed25519\""
#define B26_BASE \
	"\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n" \
	"\"@method\": POST\n" \
	"\"@path\": /foo\n" \
	"\"@authority\": example.com\n" \
	"\"content-type\": application/json\n" \
	"\"content-length\": 18\n" \
	"\"@signature-params\": " B26_PARAMS
#define B26_SIGNATURE \
	"wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w" \
	"6vuQv5lIp5WPpBKRCw=="

#define NOW		((time_t)1700000000)
#define GOOD_NONCE	"00112233445566778899aabbccddeeff"

/* A request's header fields, looked up by lowercase name. */
struct test_headers {
	const char	*name[8];
	const char	*value[8];
};

/* The test key pair; the secret half lives in sodium_malloc memory. */
static unsigned char	 rfc_public[SIG_PUBLICKEYBYTES];
static unsigned char	*rfc_secret;

/* Header accessor for struct sig_request. */
static const char *
test_header(void *arg, const char *name)
{
	const struct test_headers	*h = arg;
	size_t				 i;

	for (i = 0; i < 8 && h->name[i] != NULL; i++) {
		if (strcmp(h->name[i], name) == 0)
			return (h->value[i]);
	}
	return (NULL);
}

/* The RFC 9421 test-request (Appendix B.2), as far as B.2.6 covers it. */
static struct test_headers b26_headers = {
	{ "date", "content-type", "content-length", NULL },
	{ "Tue, 20 Apr 2021 02:07:55 GMT", "application/json", "18", NULL },
};
static const char *const b26_components[] = {
	"date", "@method", "@path", "@authority", "content-type",
	"content-length"
};

/* Fill a request with the RFC 9421 test-request. */
static void
b26_request(struct sig_request *req)
{
	memset(req, 0, sizeof *req);
	req->method = "POST";
	req->authority = "example.com";
	req->path = "/foo";
	req->query = "param=Value&Pet=dog";
	req->header = test_header;
	req->arg = &b26_headers;
}

/* Decode base64 into exactly len bytes. */
static void
decode(const char *b64, unsigned char *out, size_t len)
{
	size_t	outlen;

	ck_assert_int_eq(sodium_base642bin(out, len, b64, strlen(b64), NULL,
	    &outlen, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	ck_assert_uint_eq(outlen, len);
}

/* Load the RFC 9421 test key from its PEM bodies. */
static void
load_rfc_key(void)
{
	static const unsigned char	pkcs8_prefix[16] = {
		0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06,
		0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20
	};
	static const unsigned char	spki_prefix[12] = {
		0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65,
		0x70, 0x03, 0x21, 0x00
	};
	unsigned char			*pkcs8, spki[44];
	unsigned char			 derived[SIG_PUBLICKEYBYTES];

	ck_assert_int_ne(sodium_init(), -1);
	pkcs8 = sodium_malloc(48);
	rfc_secret = sodium_malloc(SIG_SECRETKEYBYTES);
	ck_assert_ptr_nonnull(pkcs8);
	ck_assert_ptr_nonnull(rfc_secret);
	decode(RFC_PRIVATE_PEM, pkcs8, 48);
	decode(RFC_PUBLIC_PEM, spki, sizeof spki);
	ck_assert_mem_eq(pkcs8, pkcs8_prefix, sizeof pkcs8_prefix);
	ck_assert_mem_eq(spki, spki_prefix, sizeof spki_prefix);
	memcpy(rfc_public, spki + 12, SIG_PUBLICKEYBYTES);

	crypto_sign_seed_keypair(derived, rfc_secret, pkcs8 + 16);
	sodium_memzero(pkcs8, 48);
	sodium_free(pkcs8);
	ck_assert_mem_eq(derived, rfc_public, SIG_PUBLICKEYBYTES);
}

/* Wipe and free the test key. */
static void
unload_rfc_key(void)
{
	sodium_memzero(rfc_secret, SIG_SECRETKEYBYTES);
	sodium_free(rfc_secret);
	rfc_secret = NULL;
}

START_TEST(test_b26_base)
{
	struct sig_request	 req;
	struct sig_params	 sp;
	char			*params, *base;

	memset(&sp, 0, sizeof sp);
	sp.created = 1618884473;
	sp.keyid = "test-key-ed25519";
	params = sig_params_serialize(b26_components, 6, &sp);
	ck_assert_str_eq(params, B26_PARAMS);

	b26_request(&req);
	ck_assert_int_eq(sig_base(&req, b26_components, 6, params, &base),
	    SIG_OK);
	ck_assert_uint_eq(strlen(base), strlen(B26_BASE));
	ck_assert_mem_eq(base, B26_BASE, strlen(B26_BASE));
	free(base);
	free(params);
}
END_TEST

START_TEST(test_b26_signature)
{
	unsigned char	sig[SIG_BYTES];
	char		b64[sodium_base64_ENCODED_LEN(SIG_BYTES,
			    sodium_base64_VARIANT_ORIGINAL)];

	sig_sign(rfc_secret, B26_BASE, sig);
	sodium_bin2base64(b64, sizeof b64, sig, sizeof sig,
	    sodium_base64_VARIANT_ORIGINAL);
	ck_assert_str_eq(b64, B26_SIGNATURE);
	ck_assert_int_eq(sig_verify_base(rfc_public, B26_BASE, sig), 0);
	sig[0] ^= 1;
	ck_assert_int_eq(sig_verify_base(rfc_public, B26_BASE, sig), -1);
}
END_TEST

START_TEST(test_b26_sign_request)
{
	struct sig_request	 req;
	struct sig_params	 sp;
	char			*input, *signature;

	memset(&sp, 0, sizeof sp);
	sp.created = 1618884473;
	sp.keyid = "test-key-ed25519";
	b26_request(&req);
	ck_assert_int_eq(sig_sign_request(rfc_secret, b26_components, 6, &sp,
	    &req, &input, &signature), SIG_OK);
	ck_assert_str_eq(input, "sig1=" B26_PARAMS);
	ck_assert_str_eq(signature, "sig1=:" B26_SIGNATURE ":");
	free(input);
	free(signature);
}
END_TEST

START_TEST(test_b26_parse_verify)
{
	struct sig_request	 req;
	struct sig_input	*in;
	enum sig_refusal	 why;
	unsigned char		 sig[SIG_BYTES];

	in = sig_input_parse("sig-b26=" B26_PARAMS,
	    "sig-b26=:" B26_SIGNATURE ":", "sig-b26", &why);
	ck_assert_int_eq(why, SIG_OK);
	ck_assert_ptr_nonnull(in);
	ck_assert_uint_eq(in->ncomponents, 6);
	ck_assert_str_eq(in->components[0], "date");
	ck_assert_str_eq(in->components[5], "content-length");
	ck_assert_int_eq(in->has_created, 1);
	ck_assert_int_eq(in->created, 1618884473);
	ck_assert_int_eq(in->has_expires, 0);
	ck_assert_str_eq(in->keyid, "test-key-ed25519");
	ck_assert_ptr_null(in->nonce);
	ck_assert_ptr_null(in->alg);
	ck_assert_ptr_null(in->tag);
	ck_assert_str_eq(in->params, B26_PARAMS);
	decode(B26_SIGNATURE, sig, sizeof sig);
	ck_assert_mem_eq(in->signature, sig, sizeof sig);

	b26_request(&req);
	ck_assert_int_eq(sig_verify(in, &req, rfc_public), SIG_OK);
	/* The RFC's signature lacks our profile's parameters. */
	ck_assert_int_eq(sig_profile_check(in, 1618884473, 1, 0),
	    SIG_PARAM_MISSING);
	req.path = "/bar";
	ck_assert_int_eq(sig_verify(in, &req, rfc_public), SIG_BAD_SIGNATURE);
	sig_input_free(in);
}
END_TEST

/* The base line of one component for a request, or NULL if refused. */
static char *
base_line(const struct sig_request *req, const char *component,
    enum sig_refusal *why)
{
	char	*base, *nl;

	*why = sig_base(req, &component, 1, "()", &base);
	if (*why != SIG_OK)
		return (NULL);
	nl = strchr(base, '\n');
	ck_assert_ptr_nonnull(nl);
	*nl = '\0';
	return (base);
}

/* Check that one component's base line is as expected. */
static void
expect_line(const struct sig_request *req, const char *component,
    const char *expected)
{
	enum sig_refusal	 why;
	char			*line;

	line = base_line(req, component, &why);
	ck_assert_msg(line != NULL, "%s refused: %s", component,
	    sig_refusal_slug(why));
	ck_assert_str_eq(line, expected);
	free(line);
}

/* Check that one component is refused for a reason. */
static void
expect_refusal(const struct sig_request *req, const char *component,
    enum sig_refusal expected)
{
	enum sig_refusal	 why;

	ck_assert_ptr_null(base_line(req, component, &why));
	ck_assert_str_eq(sig_refusal_slug(why), sig_refusal_slug(expected));
}

START_TEST(test_base_components)
{
	struct test_headers	 h = {
		{ "content-type", "x-empty", "x-newline", "x-inner", NULL },
		{ "  application/json \t", "", "a\r\nb", "a  b", NULL },
	};
	struct sig_request	 req;
	const char		*dup[] = { "@method", "@method" };
	char			*base;

	memset(&req, 0, sizeof req);
	req.method = "POST";
	req.authority = "Example.COM:8080";
	req.path = "/v1/shifts";
	req.header = test_header;
	req.arg = &h;

	expect_line(&req, "@method", "\"@method\": POST");
	expect_line(&req, "@authority", "\"@authority\": example.com:8080");
	expect_line(&req, "@path", "\"@path\": /v1/shifts");
	expect_line(&req, "@query", "\"@query\": ?");
	req.query = "";
	expect_line(&req, "@query", "\"@query\": ?");
	req.query = "month=2024-05&level=team";
	expect_line(&req, "@query", "\"@query\": ?month=2024-05&level=team");
	req.path = "";
	expect_line(&req, "@path", "\"@path\": /");
	expect_line(&req, "content-type", "\"content-type\": application/json");
	expect_line(&req, "x-empty", "\"x-empty\": ");
	expect_line(&req, "x-inner", "\"x-inner\": a  b");

	expect_refusal(&req, "@target-uri", SIG_COMPONENT_ABSENT);
	req.target_uri = "https://example.com/v1/shifts";
	expect_line(&req, "@target-uri",
	    "\"@target-uri\": https://example.com/v1/shifts");

	expect_refusal(&req, "idempotency-key", SIG_COMPONENT_ABSENT);
	expect_refusal(&req, "x-newline", SIG_COMPONENT_INVALID);
	expect_refusal(&req, "@status", SIG_COMPONENT_UNSUPPORTED);
	expect_refusal(&req, "@request-target", SIG_COMPONENT_UNSUPPORTED);
	expect_refusal(&req, "@signature-params", SIG_COMPONENT_UNSUPPORTED);
	expect_refusal(&req, "Content-Type", SIG_COMPONENT_UNSUPPORTED);
	expect_refusal(&req, "", SIG_COMPONENT_UNSUPPORTED);
	req.method = NULL;
	expect_refusal(&req, "@method", SIG_COMPONENT_ABSENT);
	req.method = "POST";

	ck_assert_int_eq(sig_base(&req, dup, 2, "()", &base), SIG_MALFORMED);
	ck_assert_ptr_null(base);
}
END_TEST

/* A well-formed Signature value: label sig1, 64 zero bytes. */
static const char *
zero_signature(void)
{
	static char	signature[sizeof "sig1=::" +
			    sodium_base64_ENCODED_LEN(SIG_BYTES,
			    sodium_base64_VARIANT_ORIGINAL)];
	unsigned char	zero[SIG_BYTES];

	memset(zero, 0, sizeof zero);
	strcpy(signature, "sig1=:");
	sodium_bin2base64(signature + 6, sizeof signature - 6, zero,
	    sizeof zero, sodium_base64_VARIANT_ORIGINAL);
	strcat(signature, ":");
	return (signature);
}

/* The refusal sig_input_parse gives for a Signature-Input value, with a
 * well-formed Signature of 64 zero bytes. */
static enum sig_refusal
parse_refusal(const char *signature_input)
{
	struct sig_input	*in;
	enum sig_refusal	 why;

	in = sig_input_parse(signature_input, zero_signature(), SIG_LABEL,
	    &why);
	if (why == SIG_OK)
		ck_assert_ptr_nonnull(in);
	else
		ck_assert_ptr_null(in);
	sig_input_free(in);
	return (why);
}

START_TEST(test_parse_refusals)
{
	enum sig_refusal	why;

	ck_assert_int_eq(parse_refusal("sig1=(\"@method\");created=1"),
	    SIG_OK);
	ck_assert_ptr_null(sig_input_parse(NULL, "sig1=:AA==:", SIG_LABEL,
	    &why));
	ck_assert_int_eq(why, SIG_MISSING);
	ck_assert_ptr_null(sig_input_parse("sig1=()", NULL, SIG_LABEL, &why));
	ck_assert_int_eq(why, SIG_MISSING);
	ck_assert_int_eq(parse_refusal(""), SIG_MISSING);
	ck_assert_int_eq(parse_refusal("sig2=(\"@method\")"), SIG_MISSING);

	ck_assert_int_eq(parse_refusal("sig1=(\"@method\""), SIG_MALFORMED);
	ck_assert_int_eq(parse_refusal("sig1=\"@method\""), SIG_MALFORMED);
	ck_assert_int_eq(parse_refusal("sig1=(method)"), SIG_MALFORMED);
	ck_assert_int_eq(parse_refusal("sig1=(\"@path\" \"@path\")"),
	    SIG_MALFORMED);
	ck_assert_int_eq(parse_refusal("sig1=();created=\"1\""), SIG_MALFORMED);
	ck_assert_int_eq(parse_refusal("sig1=();expires=1.5"), SIG_MALFORMED);
	ck_assert_int_eq(parse_refusal("sig1=();keyid=k"), SIG_MALFORMED);
	ck_assert_int_eq(parse_refusal("sig1=();nonce=:AAAA:"), SIG_MALFORMED);

	ck_assert_int_eq(parse_refusal("sig1=(\"@method\";req)"),
	    SIG_COMPONENT_UNSUPPORTED);
	ck_assert_int_eq(parse_refusal("sig1=(\"content-digest\";sf)"),
	    SIG_COMPONENT_UNSUPPORTED);
	ck_assert_int_eq(parse_refusal("sig1=(\"@query-param\";name=\"a\")"),
	    SIG_COMPONENT_UNSUPPORTED);
	ck_assert_int_eq(parse_refusal("sig1=(\"@status\")"),
	    SIG_COMPONENT_UNSUPPORTED);
	ck_assert_int_eq(parse_refusal("sig1=(\"Date\")"),
	    SIG_COMPONENT_UNSUPPORTED);

	/* The Signature member must be a 64-byte Byte Sequence. */
	ck_assert_ptr_null(sig_input_parse("sig1=()", "sig1=:AAAA:",
	    SIG_LABEL, &why));
	ck_assert_int_eq(why, SIG_MALFORMED);
	ck_assert_ptr_null(sig_input_parse("sig1=()", "sig1=\"AAAA\"",
	    SIG_LABEL, &why));
	ck_assert_int_eq(why, SIG_MALFORMED);
	ck_assert_ptr_null(sig_input_parse("sig1=()", "sig1=:AAAA",
	    SIG_LABEL, &why));
	ck_assert_int_eq(why, SIG_MALFORMED);
	ck_assert_ptr_null(sig_input_parse("sig1=()", "sig2=:AAAA:",
	    SIG_LABEL, &why));
	ck_assert_int_eq(why, SIG_MISSING);
}
END_TEST

/* Parse a profile test's Signature-Input (label sig1) and check it. */
static enum sig_refusal
profile(const char *components, const char *params, int has_body,
    int is_write)
{
	struct sig_input	*in;
	enum sig_refusal	 why;
	char			 input[1024];

	snprintf(input, sizeof input, "sig1=(%s)%s", components, params);
	in = sig_input_parse(input, zero_signature(), SIG_LABEL, &why);
	ck_assert_msg(in != NULL, "parse: %s", sig_refusal_slug(why));
	why = sig_profile_check(in, NOW, has_body, is_write);
	sig_input_free(in);
	return (why);
}

#define ALL	"\"@method\" \"@authority\" \"@path\" \"@query\" " \
		"\"content-type\" \"content-digest\" \"idempotency-key\""
#define READ	"\"@method\" \"@authority\" \"@path\" \"@query\""
#define TAIL	";keyid=\"k\";alg=\"ed25519\";tag=\"vpoints\""

/* Parameters created=NOW+delta, a good nonce and the rest. */
static const char *
params_at(long delta)
{
	static char	buf[256];

	snprintf(buf, sizeof buf, ";created=%lld;nonce=\"" GOOD_NONCE "\"" TAIL,
	    (long long)NOW + delta);
	return (buf);
}

START_TEST(test_profile_accepts)
{
	ck_assert_int_eq(profile(ALL, params_at(0), 1, 1), SIG_OK);
	ck_assert_int_eq(profile(READ, params_at(0), 0, 0), SIG_OK);
	ck_assert_int_eq(profile(ALL, params_at(-SIG_MAX_AGE), 1, 1), SIG_OK);
	ck_assert_int_eq(profile(ALL, params_at(SIG_MAX_AHEAD), 1, 1), SIG_OK);
	/* Order and extra components do not matter. */
	ck_assert_int_eq(profile("\"@query\" \"date\" \"@path\" "
	    "\"@authority\" \"@method\"", params_at(0), 0, 0), SIG_OK);
	/* Unknown parameters are signed along but otherwise ignored. */
	ck_assert_int_eq(profile(ALL, ";x-extra=?1;created=1700000000;nonce=\""
	    GOOD_NONCE "\"" TAIL, 1, 1), SIG_OK);
}
END_TEST

START_TEST(test_profile_params)
{
	static const char	*const missing[] = {
		";nonce=\"" GOOD_NONCE "\"" TAIL,
		";created=1700000000" TAIL,
		";created=1700000000;nonce=\"" GOOD_NONCE "\""
		    ";alg=\"ed25519\";tag=\"vpoints\"",
		";created=1700000000;nonce=\"" GOOD_NONCE "\""
		    ";keyid=\"k\";tag=\"vpoints\"",
		";created=1700000000;nonce=\"" GOOD_NONCE "\""
		    ";keyid=\"k\";alg=\"ed25519\"",
	};
	size_t	i;

	for (i = 0; i < sizeof missing / sizeof missing[0]; i++)
		ck_assert_int_eq(profile(ALL, missing[i], 1, 1),
		    SIG_PARAM_MISSING);
	ck_assert_int_eq(profile(ALL, ";created=1700000000;nonce=\""
	    GOOD_NONCE "\";keyid=\"k\";alg=\"rsa-pss-sha512\";tag=\"vpoints\"",
	    1, 1), SIG_ALG_UNSUPPORTED);
	ck_assert_int_eq(profile(ALL, ";created=1700000000;nonce=\""
	    GOOD_NONCE "\";keyid=\"k\";alg=\"Ed25519\";tag=\"vpoints\"",
	    1, 1), SIG_ALG_UNSUPPORTED);
	ck_assert_int_eq(profile(ALL, ";created=1700000000;nonce=\""
	    GOOD_NONCE "\";keyid=\"k\";alg=\"ed25519\";tag=\"other\"",
	    1, 1), SIG_TAG_MISMATCH);
}
END_TEST

/* The profile's verdict on a nonce, all else good. */
static enum sig_refusal
nonce_verdict(const char *nonce)
{
	char	params[512];

	snprintf(params, sizeof params, ";created=%lld;nonce=\"%s\"" TAIL,
	    (long long)NOW, nonce);
	return (profile(ALL, params, 1, 1));
}

START_TEST(test_profile_nonce)
{
	char	long_nonce[SIG_NONCE_MAX_LEN + 2];

	ck_assert_int_eq(nonce_verdict(GOOD_NONCE), SIG_OK);
	ck_assert_int_eq(nonce_verdict("00112233445566778899AABBCCDDEEFF"),
	    SIG_OK);
	/* base64url of the 16 bytes 00 01 .. 0f, unpadded */
	ck_assert_int_eq(nonce_verdict("AAECAwQFBgcICQoLDA0ODw"), SIG_OK);
	ck_assert_int_eq(nonce_verdict("AAECAwQFBgcICQoLDA0O-_8"), SIG_OK);

	ck_assert_int_eq(nonce_verdict(""), SIG_NONCE_INVALID);
	ck_assert_int_eq(nonce_verdict("00112233445566778899aabbccddee"),
	    SIG_NONCE_INVALID);			/* 120 bits of hex */
	ck_assert_int_eq(nonce_verdict("00112233445566778899aabbccddeef"),
	    SIG_NONCE_INVALID);			/* odd hex */
	ck_assert_int_eq(nonce_verdict("0011223344556677889900"),
	    SIG_NONCE_INVALID);			/* 22 hex digits: 88 bits */
	ck_assert_int_eq(nonce_verdict("AAECAwQFBgcICQoLDA0O"),
	    SIG_NONCE_INVALID);			/* 15 bytes */
	ck_assert_int_eq(nonce_verdict("AAECAwQFBgcICQoLDA0ODw=="),
	    SIG_NONCE_INVALID);			/* padded */
	ck_assert_int_eq(nonce_verdict("AAECAwQFBgcICQoLDA0O+/8"),
	    SIG_NONCE_INVALID);			/* base64, not base64url */
	ck_assert_int_eq(nonce_verdict("not a nonce at all, sorry!"),
	    SIG_NONCE_INVALID);
	memset(long_nonce, 'a', sizeof long_nonce - 1);
	long_nonce[sizeof long_nonce - 1] = '\0';
	ck_assert_int_eq(nonce_verdict(long_nonce), SIG_NONCE_INVALID);
	long_nonce[sizeof long_nonce - 2] = '\0';
	ck_assert_int_eq(nonce_verdict(long_nonce), SIG_OK);
}
END_TEST

START_TEST(test_profile_time)
{
	char	params[512];

	ck_assert_int_eq(profile(ALL, params_at(-SIG_MAX_AGE - 1), 1, 1),
	    SIG_TOO_OLD);
	ck_assert_int_eq(profile(ALL, params_at(-100000), 1, 1), SIG_TOO_OLD);
	ck_assert_int_eq(profile(ALL, params_at(SIG_MAX_AHEAD + 1), 1, 1),
	    SIG_IN_FUTURE);

	snprintf(params, sizeof params, "%s;expires=%lld", params_at(-10),
	    (long long)NOW);
	ck_assert_int_eq(profile(ALL, params, 1, 1), SIG_OK);
	snprintf(params, sizeof params, "%s;expires=%lld", params_at(-10),
	    (long long)NOW - 1);
	ck_assert_int_eq(profile(ALL, params, 1, 1), SIG_EXPIRED);
}
END_TEST

START_TEST(test_profile_coverage)
{
	static const char	*const reads[] = {
		"\"@authority\" \"@path\" \"@query\"",
		"\"@method\" \"@path\" \"@query\"",
		"\"@method\" \"@authority\" \"@query\"",
		"\"@method\" \"@authority\" \"@path\"",
	};
	size_t	i;

	for (i = 0; i < sizeof reads / sizeof reads[0]; i++)
		ck_assert_int_eq(profile(reads[i], params_at(0), 0, 0),
		    SIG_COVERAGE_INCOMPLETE);
	ck_assert_int_eq(profile(READ, params_at(0), 1, 0),
	    SIG_COVERAGE_INCOMPLETE);
	ck_assert_int_eq(profile(READ " \"content-type\"", params_at(0), 1, 0),
	    SIG_COVERAGE_INCOMPLETE);
	ck_assert_int_eq(profile(READ " \"content-digest\"", params_at(0), 1,
	    0), SIG_COVERAGE_INCOMPLETE);
	ck_assert_int_eq(profile(READ " \"content-type\" \"content-digest\"",
	    params_at(0), 1, 0), SIG_OK);
	ck_assert_int_eq(profile(READ " \"content-type\" \"content-digest\"",
	    params_at(0), 1, 1), SIG_COVERAGE_INCOMPLETE);
	ck_assert_int_eq(profile(READ " \"idempotency-key\"", params_at(0), 0,
	    1), SIG_OK);
}
END_TEST

START_TEST(test_digest)
{
	static const char	body[] = "{\"hello\": \"world\"}";
	static const char	good[] =
	    "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:";
	char			*header;
	size_t			 len = sizeof body - 1;

	/* Expected values computed with python3 hashlib and with
	 * "openssl dgst -sha256 -binary | base64". */
	header = sig_digest_header(body, len);
	ck_assert_str_eq(header, good);
	free(header);
	header = sig_digest_header(NULL, 0);
	ck_assert_str_eq(header,
	    "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:");
	free(header);

	ck_assert_int_eq(sig_digest_check(good, body, len), SIG_OK);
	ck_assert_int_eq(sig_digest_check("sha-512=:AAAA:, sha-256=:X48E9qOokq"
	    "qrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:", body, len), SIG_OK);
	ck_assert_int_eq(sig_digest_check(good, "{\"hello\": \"World\"}",
	    len), SIG_DIGEST_MISMATCH);
	ck_assert_int_eq(sig_digest_check(good, body, len - 1),
	    SIG_DIGEST_MISMATCH);
	ck_assert_int_eq(sig_digest_check(NULL, body, len),
	    SIG_DIGEST_MISSING);
	ck_assert_int_eq(sig_digest_check("", body, len), SIG_DIGEST_MISSING);
	ck_assert_int_eq(sig_digest_check("sha-512=:AAAA:", body, len),
	    SIG_DIGEST_MISSING);
	ck_assert_int_eq(sig_digest_check("sha-256=X48E9q", body, len),
	    SIG_DIGEST_MALFORMED);
	ck_assert_int_eq(sig_digest_check("sha-256=\"X48E9qOokqqrvdts8nOJRJN3"
	    "OWDUoyWxBf7kbu9DBPE=\"", body, len), SIG_DIGEST_MALFORMED);
	ck_assert_int_eq(sig_digest_check("sha-256=:AAAAAAAAAAAAAAAAAAAAAA==:",
	    body, len), SIG_DIGEST_MALFORMED);
	ck_assert_int_eq(sig_digest_check("sha-256=:X48E9qOokqqrvdts8nOJRJN3"
	    "OWDUoyWxBf7kbu9DBPE=:,", body, len), SIG_DIGEST_MALFORMED);
}
END_TEST

START_TEST(test_keyid)
{
	unsigned char	pk[SIG_PUBLICKEYBYTES];
	char		keyid[SIG_KEYID_LEN + 1];
	size_t		len;

	/* Computed with python3: base64url(sha256(
	 * '{"crv":"Ed25519","kty":"OKP","x":"<x>"}')) without padding. */
	sig_keyid(rfc_public, keyid);
	ck_assert_str_eq(keyid, "poqkLGiymh_W0uP6PZFw-dvez3QJT5SolqXBCW38r0U");

	/* RFC 8037 Appendix A.3 publishes this key's thumbprint. */
	ck_assert_int_eq(sodium_base642bin(pk, sizeof pk,
	    "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", 43, NULL, &len,
	    NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING), 0);
	ck_assert_uint_eq(len, sizeof pk);
	sig_keyid(pk, keyid);
	ck_assert_str_eq(keyid, "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
}
END_TEST

START_TEST(test_sign_round_trip)
{
	static const char	 body[] = "{\"volunteer\":\"V001\"}";
	static const char *const components[] = {
		"@method", "@authority", "@path", "@query", "content-type",
		"content-digest", "idempotency-key"
	};
	struct test_headers	 h = {
		{ "content-type", "content-digest", "idempotency-key", NULL },
		{ "application/json", NULL, "7f0c2a9e-1", NULL },
	};
	struct sig_request	 req;
	struct sig_params	 sp;
	struct sig_input	*in;
	enum sig_refusal	 why;
	unsigned char		 pk[SIG_PUBLICKEYBYTES];
	unsigned char		 other[SIG_PUBLICKEYBYTES];
	unsigned char		*sk, *other_sk;
	char			 nonce[SIG_NONCE_LEN + 1];
	char			 nonce2[SIG_NONCE_LEN + 1];
	char			 keyid[SIG_KEYID_LEN + 1];
	char			*digest, *input, *signature;

	sk = sodium_malloc(SIG_SECRETKEYBYTES);
	other_sk = sodium_malloc(SIG_SECRETKEYBYTES);
	crypto_sign_keypair(pk, sk);
	crypto_sign_keypair(other, other_sk);
	sig_keyid(pk, keyid);
	sig_nonce_new(nonce);
	sig_nonce_new(nonce2);
	ck_assert_uint_eq(strlen(nonce), SIG_NONCE_LEN);
	ck_assert_str_ne(nonce, nonce2);

	digest = sig_digest_header(body, sizeof body - 1);
	h.value[1] = digest;
	memset(&req, 0, sizeof req);
	req.method = "POST";
	req.authority = "vpoints.example:8443";
	req.path = "/v1/shifts";
	req.header = test_header;
	req.arg = &h;
	memset(&sp, 0, sizeof sp);
	sp.created = NOW;
	sp.expires = NOW + 60;
	sp.nonce = nonce;
	sp.keyid = keyid;
	sp.alg = SIG_ALG;
	sp.tag = SIG_TAG;
	ck_assert_int_eq(sig_sign_request(sk, components, 7, &sp, &req, &input,
	    &signature), SIG_OK);
	ck_assert_ptr_eq(strstr(input, "sig1=(\"@method\" "), input);

	in = sig_input_parse(input, signature, SIG_LABEL, &why);
	ck_assert_int_eq(why, SIG_OK);
	ck_assert_str_eq(in->keyid, keyid);
	ck_assert_str_eq(in->nonce, nonce);
	ck_assert_int_eq(in->expires, NOW + 60);
	ck_assert_int_eq(sig_profile_check(in, NOW + 5, 1, 1), SIG_OK);
	ck_assert_int_eq(sig_profile_check(in, NOW + 61, 1, 1), SIG_EXPIRED);
	ck_assert_int_eq(sig_digest_check(h.value[1], body, sizeof body - 1),
	    SIG_OK);
	ck_assert_int_eq(sig_verify(in, &req, pk), SIG_OK);
	ck_assert_int_eq(sig_verify(in, &req, other), SIG_BAD_SIGNATURE);

	req.authority = "VPOINTS.example:8443";	/* normalised: still good */
	ck_assert_int_eq(sig_verify(in, &req, pk), SIG_OK);
	req.query = "x=1";
	ck_assert_int_eq(sig_verify(in, &req, pk), SIG_BAD_SIGNATURE);
	req.query = NULL;
	req.method = "PUT";
	ck_assert_int_eq(sig_verify(in, &req, pk), SIG_BAD_SIGNATURE);
	req.method = "POST";
	h.value[2] = "7f0c2a9e-2";
	ck_assert_int_eq(sig_verify(in, &req, pk), SIG_BAD_SIGNATURE);
	h.value[2] = NULL;
	ck_assert_int_eq(sig_verify(in, &req, pk), SIG_COMPONENT_ABSENT);
	h.value[2] = "7f0c2a9e-1";
	ck_assert_int_eq(sig_verify(in, &req, pk), SIG_OK);
	in->signature[10] ^= 0x40;
	ck_assert_int_eq(sig_verify(in, &req, pk), SIG_BAD_SIGNATURE);
	sig_input_free(in);
	free(input);
	free(signature);

	/* A covered header the request lacks cannot be signed. */
	h.value[2] = NULL;
	ck_assert_int_eq(sig_sign_request(sk, components, 7, &sp, &req, &input,
	    &signature), SIG_COMPONENT_ABSENT);
	ck_assert_ptr_null(input);
	ck_assert_ptr_null(signature);
	sp.keyid = "bad\x01keyid";
	ck_assert_int_eq(sig_sign_request(sk, components, 3, &sp, &req, &input,
	    &signature), SIG_MALFORMED);

	free(digest);
	sodium_free(sk);
	sodium_free(other_sk);
}
END_TEST

/* Signing with the profile covers what sig_covered_components() lists,
 * and the verifier accepts exactly that. */
START_TEST(test_sign_profile)
{
	static const char	 body[] = "{}";
	struct test_headers	 h = {
		{ "content-type", "content-digest", "idempotency-key", NULL },
		{ "application/json", NULL, "7f0c2a9e-1", NULL },
	};
	const char		*covered[SIG_MAX_COVERED];
	struct sig_request	 req = {
		.method = "POST", .authority = "127.0.0.1:8750",
		.path = "/v1/shifts", .header = test_header, .arg = &h,
	};
	struct sig_input	*in;
	enum sig_refusal	 why;
	unsigned char		 pk[SIG_PUBLICKEYBYTES];
	unsigned char		*sk;
	char			 keyid[SIG_KEYID_LEN + 1];
	char			*digest, *input, *signature;
	int			 has_body, is_write;

	ck_assert_uint_eq(sig_covered_components(0, 0, covered), 4);
	ck_assert_str_eq(covered[0], "@method");
	ck_assert_str_eq(covered[3], "@query");
	ck_assert_uint_eq(sig_covered_components(1, 0, covered), 6);
	ck_assert_str_eq(covered[4], "content-type");
	ck_assert_str_eq(covered[5], "content-digest");
	ck_assert_uint_eq(sig_covered_components(0, 1, covered), 5);
	ck_assert_str_eq(covered[4], "idempotency-key");
	ck_assert_uint_eq(sig_covered_components(1, 1, covered),
	    SIG_MAX_COVERED);
	ck_assert_str_eq(covered[6], "idempotency-key");

	sk = sodium_malloc(SIG_SECRETKEYBYTES);
	crypto_sign_keypair(pk, sk);
	sig_keyid(pk, keyid);
	digest = sig_digest_header(body, sizeof body - 1);
	h.value[1] = digest;
	for (has_body = 0; has_body <= 1; has_body++) {
		for (is_write = 0; is_write <= 1; is_write++) {
			ck_assert_int_eq(sig_sign_profile(sk, keyid, NOW,
			    NOW + 60, has_body, is_write, &req, &input,
			    &signature), SIG_OK);
			in = sig_input_parse(input, signature, SIG_LABEL,
			    &why);
			ck_assert_ptr_nonnull(in);
			ck_assert_uint_eq(in->ncomponents,
			    sig_covered_components(has_body, is_write,
			    covered));
			ck_assert_str_eq(in->alg, SIG_ALG);
			ck_assert_str_eq(in->tag, SIG_TAG);
			ck_assert_str_eq(in->keyid, keyid);
			ck_assert_uint_eq(strlen(in->nonce), SIG_NONCE_LEN);
			ck_assert_int_eq(sig_profile_check(in, NOW, has_body,
			    is_write), SIG_OK);
			ck_assert_int_eq(sig_profile_check(in, NOW, 1, 1),
			    has_body && is_write ? SIG_OK :
			    SIG_COVERAGE_INCOMPLETE);
			ck_assert_int_eq(sig_verify(in, &req, pk), SIG_OK);
			sig_input_free(in);
			free(input);
			free(signature);
		}
	}
	free(digest);
	sodium_free(sk);
}
END_TEST

/* The text of every file under dir, one after another. */
static void
read_tree(const char *dir, struct buf *text)
{
	char		 path[1024], chunk[4096];
	struct dirent	*de;
	struct stat	 st;
	size_t		 n;
	FILE		*f;
	DIR		*d;

	d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		ck_assert_int_eq(stat(path, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			read_tree(path, text);
			continue;
		}
		f = fopen(path, "r");
		ck_assert_ptr_nonnull(f);
		while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
			buf_add(text, chunk, n);
		fclose(f);
	}
	closedir(d);
}

/* The problem slugs the C code reads from what vp_call answers are those
 * the SQL functions send, under the same URN prefix. */
START_TEST(test_slugs_in_sql)
{
	static const enum sig_refusal	 decided_in_sql[] = {
		SIG_KEY_UNKNOWN, SIG_KEY_REVOKED, SIG_NONCE_REPLAYED
	};
	struct buf			 text = { NULL, 0, 0 };
	char				*quoted;
	size_t				 i;

	read_tree(TOP_SRCDIR "/sql", &text);
	ck_assert_ptr_nonnull(text.data);
	ck_assert_ptr_nonnull(strstr(text.data, "'" WIRE_PROBLEM_PREFIX "'"));
	for (i = 0; i < sizeof decided_in_sql / sizeof decided_in_sql[0];
	    i++) {
		quoted = xasprintf("'%s'", sig_refusal_slug(decided_in_sql[i]));
		ck_assert_msg(strstr(text.data, quoted) != NULL,
		    "sql/ never sends %s", quoted);
		free(quoted);
	}
	quoted = xasprintf("'%s'", WIRE_P_IN_FLIGHT +
	    strlen(WIRE_PROBLEM_PREFIX));
	ck_assert_msg(strstr(text.data, quoted) != NULL,
	    "sql/ never sends %s", quoted);
	free(quoted);
	free(text.data);
}
END_TEST

START_TEST(test_slugs)
{
	const char	*slug, *other;
	int		 i, j;

	ck_assert_str_eq(sig_refusal_slug(SIG_OK), "ok");
	ck_assert_str_eq(sig_refusal_slug(SIG_EXPIRED), "signature-expired");
	ck_assert_str_eq(sig_refusal_slug(SIG_TOO_OLD), "signature-too-old");
	ck_assert_str_eq(sig_refusal_slug(SIG_IN_FUTURE),
	    "signature-in-future");
	ck_assert_str_eq(sig_refusal_slug(SIG_BAD_SIGNATURE),
	    "signature-invalid");
	ck_assert_str_eq(sig_refusal_slug(SIG_DIGEST_MISMATCH),
	    "content-digest-mismatch");
	ck_assert_str_eq(sig_refusal_slug(SIG_DIGEST_MISSING),
	    "content-digest-missing");
	ck_assert_str_eq(sig_refusal_slug(SIG_COVERAGE_INCOMPLETE),
	    "signature-coverage-incomplete");
	ck_assert_str_eq(sig_refusal_slug(SIG_ALG_UNSUPPORTED),
	    "signature-alg-unsupported");
	ck_assert_str_eq(sig_refusal_slug(SIG_AUTHORITY_WRONG),
	    "wrong-authority");

	for (i = SIG_OK; i <= SIG_AUTHORITY_WRONG; i++) {
		slug = sig_refusal_slug(i);
		ck_assert_uint_gt(strlen(slug), 0);
		ck_assert_uint_gt(strlen(sig_refusal_title(i)), 0);
		ck_assert_uint_eq(strspn(slug, "abcdefghijklmnopqrstuvwxyz-"),
		    strlen(slug));
		for (j = SIG_OK; j < i; j++) {
			other = sig_refusal_slug(j);
			ck_assert_str_ne(slug, other);
		}
	}
}
END_TEST

/* Run the RFC 9421, profile and digest/keyid tests; the exit status
 * says whether any failed. */
int
main(void)
{
	Suite *s = suite_create("sig");
	TCase *tc;

	if (sodium_init() == -1)
		return (1);
	tc = unit_case(s, "rfc9421", UNIT_TESTS(test_b26_base,
	    test_b26_signature, test_b26_sign_request, test_b26_parse_verify,
	    test_base_components, test_parse_refusals));
	tcase_add_unchecked_fixture(tc, load_rfc_key, unload_rfc_key);
	unit_case(s, "profile", UNIT_TESTS(test_profile_accepts,
	    test_profile_params, test_profile_nonce, test_profile_time,
	    test_profile_coverage));
	tc = unit_case(s, "digest-keyid", UNIT_TESTS(test_digest, test_keyid,
	    test_sign_round_trip, test_sign_profile, test_slugs,
	    test_slugs_in_sql));
	tcase_add_unchecked_fixture(tc, load_rfc_key, unload_rfc_key);
	return unit_run(s);
}
