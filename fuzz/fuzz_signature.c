/* Fuzz the daemon's check of a signed request (common/sig.c, in the order
 * of daemon/auth.c).  The input is an HTTP/1.1 request as sent: a request
 * line "METHOD TARGET VERSION", header lines "Name: value" and, after an
 * empty line, the body (lines end in LF or CRLF; no Content-Length
 * needed).  A repeated header's values are joined with ", ", as sig.h
 * asks of its accessor.
 *
 * The request is checked twice.  First as it came: sig_input_parse,
 * sig_profile_check, sig_digest_check and sig_verify with a fixed public
 * key, the RFC 9421 test-key-ed25519 (the corpus is signed with it).
 * Then re-signed with that key's secret half, covering what the profile
 * requires and whatever else the input's signature covered: that variant
 * must pass every check, or the signer and the verifier disagree. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "fuzz/fuzz.h"
#include "sfv.h"
#include "sig.h"
#include "xmalloc.h"

#define REQ_MAX_HEADERS	64

/* RFC 9421 Appendix B.1.4, test-key-ed25519: its seed. */
static const unsigned char test_seed[32] = {
	0x9f, 0x83, 0x62, 0xf8, 0x7a, 0x48, 0x4a, 0x95, 0x4e, 0x6e, 0x74, 0x0c,
	0x5b, 0x4c, 0x0e, 0x84, 0x22, 0x91, 0x39, 0xa2, 0x0a, 0xa8, 0xab, 0x56,
	0xff, 0x66, 0x58, 0x6f, 0x6a, 0x7d, 0x29, 0xc5
};

/* When the re-signed variant says it was created. */
#define RESIGN_CREATED	1795000000

/* A request taken apart.  Strings point into head, a NUL-terminated copy
 * of the input; a repeated header's value is a joined copy. */
struct request {
	char		*head;
	const char	*method;
	const char	*path;
	const char	*query;
	const char	*body;
	size_t		 body_len;
	size_t		 nheaders;
	const char	*name[REQ_MAX_HEADERS];
	char		*value[REQ_MAX_HEADERS];
	int		 joined[REQ_MAX_HEADERS];	/* value is allocated */
	/* Fields the re-signed variant sets, by lowercase name, or NULL. */
	const char	*override_name[8];
	const char	*override_value[8];
};

static unsigned char	 public_key[SIG_PUBLICKEYBYTES];
static unsigned char	*secret_key;
static char		 keyid[SIG_KEYID_LEN + 1];

/* Make the test key pair once. */
static void
init_key(void)
{
	if (secret_key != NULL)
		return;
	if (sodium_init() < 0 ||
	    (secret_key = sodium_malloc(SIG_SECRETKEYBYTES)) == NULL)
		abort();
	crypto_sign_seed_keypair(public_key, secret_key, test_seed);
	sig_keyid(public_key, keyid);
}

/* sig_request's header accessor: an override, else the request's field. */
static const char *
request_header(void *arg, const char *name)
{
	const struct request *r = arg;
	size_t i;

	for (i = 0; i < 8 && r->override_name[i] != NULL; i++) {
		if (strcasecmp(r->override_name[i], name) == 0)
			return r->override_value[i];
	}
	for (i = 0; i < r->nheaders; i++) {
		if (strcasecmp(r->name[i], name) == 0)
			return r->value[i];
	}
	return NULL;
}

/* Add an override of a field for the re-signed variant. */
static void
request_override(struct request *r, const char *name, const char *value)
{
	size_t i;

	for (i = 0; i < 8 && r->override_name[i] != NULL; i++) {
		if (strcmp(r->override_name[i], name) == 0)
			break;
	}
	FUZZ_CHECK(i < 8);
	r->override_name[i] = name;
	r->override_value[i] = value;
}

/* Cut off a line at LF (and a CR before it); the next line, or NULL if
 * there is no LF or the line holds a NUL. */
static char *
next_line(char *line, const char *end)
{
	char *lf = memchr(line, '\n', (size_t)(end - line));

	if (lf == NULL || memchr(line, '\0', (size_t)(lf - line)) != NULL)
		return NULL;
	*lf = '\0';
	if (lf != line && lf[-1] == '\r')
		lf[-1] = '\0';
	return lf + 1;
}

/* Strip leading and trailing SP and HTAB in place. */
static char *
trim(char *s)
{
	size_t len;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		s[--len] = '\0';
	return s;
}

/* Take the input apart; -1 if it is not a request of the framing. */
static int
request_parse(struct request *r, const uint8_t *data, size_t size)
{
	char *line, *next, *end, *colon, *qmark, *sp, *value, *joined;
	size_t i;

	memset(r, 0, sizeof(*r));
	r->head = xmalloc(size + 1);
	memcpy(r->head, data, size);
	r->head[size] = '\0';
	end = r->head + size;

	/* The request line. */
	line = r->head;
	if ((next = next_line(line, end)) == NULL)
		return -1;
	if ((sp = strchr(line, ' ')) == NULL)
		return -1;
	*sp = '\0';
	r->method = line;
	line = sp + 1;
	if ((sp = strchr(line, ' ')) == NULL)
		return -1;
	*sp = '\0';
	if ((qmark = strchr(line, '?')) != NULL) {
		*qmark = '\0';
		r->query = qmark + 1;
	} else
		r->query = "";
	r->path = *line != '\0' ? line : "/";

	/* Header lines up to an empty one. */
	for (line = next; ; line = next) {
		if ((next = next_line(line, end)) == NULL)
			return -1;
		if (*line == '\0')
			break;
		if ((colon = strchr(line, ':')) == NULL || colon == line)
			return -1;
		*colon = '\0';
		value = trim(colon + 1);
		for (i = 0; i < r->nheaders; i++) {
			if (strcasecmp(r->name[i], line) == 0)
				break;
		}
		if (i < r->nheaders) {
			joined = xasprintf("%s, %s", r->value[i], value);
			if (r->joined[i])
				free(r->value[i]);
			r->value[i] = joined;
			r->joined[i] = 1;
			continue;
		}
		if (r->nheaders == REQ_MAX_HEADERS)
			return -1;
		r->name[r->nheaders] = line;
		r->value[r->nheaders++] = value;
	}
	r->body = next;
	r->body_len = (size_t)(end - next);
	return 0;
}

/* Free what request_parse allocated. */
static void
request_free(struct request *r)
{
	size_t i;

	for (i = 0; i < r->nheaders; i++) {
		if (r->joined[i])
			free(r->value[i]);
	}
	free(r->head);
}

/* Whether a request is a write: it must cover its Idempotency-Key. */
static int
request_is_write(const struct request *r)
{
	return strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0;
}

/* The check of daemon/auth.c, as far as it goes without a database, on
 * the request as it came.  sig_verify runs on whatever parsed, also what
 * the daemon would have refused before verifying. */
static void
check_as_received(struct request *r, const struct sig_request *req)
{
	struct sig_input *in;
	enum sig_refusal why;
	time_t now;

	in = sig_input_parse(request_header(r, "signature-input"),
	    request_header(r, "signature"), SIG_LABEL, &why);
	if (in == NULL) {
		FUZZ_CHECK(why != SIG_OK);
		(void)sig_refusal_slug(why);
		return;
	}
	FUZZ_CHECK(why == SIG_OK && in->params != NULL);
	now = in->has_created ? (time_t)in->created : RESIGN_CREATED;
	why = sig_profile_check(in, now, r->body_len > 0, request_is_write(r));
	if (why == SIG_OK && r->body_len > 0)
		why = sig_digest_check(request_header(r, "content-digest"),
		    r->body, r->body_len);
	(void)sig_refusal_title(why);
	why = sig_verify(in, req, public_key);
	(void)sig_refusal_slug(why);
	sig_input_free(in);
}

/* Whether name is among the first n components. */
static int
covered(const char *const *components, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(components[i], name) == 0)
			return 1;
	}
	return 0;
}

/* Re-sign the request with the test key, covering what the profile needs
 * and what the input's signature covered; it must then pass every check. */
static void
check_resigned(struct request *r, struct sig_request *req)
{
	const char *components[SFV_MAX_ITEMS];
	char *digest, *sig_input = NULL, *signature = NULL;
	struct sig_input *in, *again;
	struct sig_params sp;
	enum sig_refusal why;
	size_t n = 0, i;

	components[n++] = "@method";
	components[n++] = "@authority";
	components[n++] = "@path";
	components[n++] = "@query";
	if (r->body_len > 0) {
		components[n++] = "content-type";
		components[n++] = "content-digest";
	}
	if (request_is_write(r))
		components[n++] = "idempotency-key";
	in = sig_input_parse(request_header(r, "signature-input"),
	    request_header(r, "signature"), SIG_LABEL, &why);
	for (i = 0; in != NULL && i < in->ncomponents; i++) {
		/* Covering the signature's own fields cannot work. */
		if (covered(components, n, in->components[i]) ||
		    strcmp(in->components[i], "signature") == 0 ||
		    strcmp(in->components[i], "signature-input") == 0)
			continue;
		if (n == SFV_MAX_ITEMS)
			break;
		components[n++] = in->components[i];
	}

	digest = sig_digest_header(r->body, r->body_len);
	request_override(r, "content-digest", digest);
	if (request_header(r, "content-type") == NULL)
		request_override(r, "content-type", "application/json");
	if (request_header(r, "idempotency-key") == NULL)
		request_override(r, "idempotency-key", "fuzz-0001");
	if (req->authority == NULL)
		req->authority = "127.0.0.1:8750";

	memset(&sp, 0, sizeof(sp));
	sp.created = RESIGN_CREATED;
	sp.expires = RESIGN_CREATED + 60;
	sp.nonce = "00112233445566778899aabbccddeeff";
	sp.keyid = keyid;
	sp.alg = SIG_ALG;
	sp.tag = SIG_TAG;
	why = sig_sign_request(secret_key, components, n, &sp, req,
	    &sig_input, &signature);
	if (why != SIG_OK) {
		/* Only the request itself can be at fault. */
		FUZZ_CHECK(why == SIG_COMPONENT_ABSENT ||
		    why == SIG_COMPONENT_INVALID);
		goto out;
	}
	FUZZ_CHECK(sig_input != NULL && signature != NULL);
	if (strlen(sig_input) > SFV_MAX_INPUT)
		goto out;
	request_override(r, "signature-input", sig_input);
	request_override(r, "signature", signature);

	again = sig_input_parse(request_header(r, "signature-input"),
	    request_header(r, "signature"), SIG_LABEL, &why);
	FUZZ_CHECK(again != NULL && why == SIG_OK);
	FUZZ_CHECK(again->ncomponents == n);
	for (i = 0; i < n; i++)
		FUZZ_CHECK(strcmp(again->components[i], components[i]) == 0);
	FUZZ_CHECK(strcmp(again->keyid, keyid) == 0 &&
	    strlen(again->keyid) == SIG_KEYID_LEN);
	FUZZ_CHECK(sig_profile_check(again, RESIGN_CREATED, r->body_len > 0,
	    request_is_write(r)) == SIG_OK);
	FUZZ_CHECK(sig_digest_check(request_header(r, "content-digest"),
	    r->body, r->body_len) == SIG_OK);
	FUZZ_CHECK(sig_verify(again, req, public_key) == SIG_OK);
	sig_input_free(again);
out:
	sig_input_free(in);
	free(sig_input);
	free(signature);
	free(digest);
}

/* Check the request as it came, then re-signed. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sig_request req;
	struct request r;

	init_key();
	if (request_parse(&r, data, size) == 0) {
		memset(&req, 0, sizeof(req));
		req.method = r.method;
		req.authority = request_header(&r, "host");
		req.path = r.path;
		req.query = r.query;
		req.target_uri = NULL;
		req.header = request_header;
		req.arg = &r;
		check_as_received(&r, &req);
		check_resigned(&r, &req);
	}
	request_free(&r);
	return 0;
}
