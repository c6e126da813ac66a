#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sfv.h"
#include "buf.h"
#include "sig.h"
#include "xmalloc.h"

_Static_assert(sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES,
    sodium_base64_VARIANT_URLSAFE_NO_PADDING) == SIG_KEYID_LEN + 1,
    "SIG_KEYID_LEN does not fit a base64url SHA-256 digest");
_Static_assert(SIG_PUBLICKEYBYTES == crypto_sign_PUBLICKEYBYTES &&
    SIG_SECRETKEYBYTES == crypto_sign_SECRETKEYBYTES &&
    SIG_BYTES == crypto_sign_BYTES, "Ed25519 sizes differ from libsodium's");
_Static_assert(SIG_NONCE_LEN == 2 * SIG_NONCE_MIN_BYTES,
    "sig_nonce_new() writes SIG_NONCE_MIN_BYTES in hex");

/* Slug (for the problem+json type) and title of each refusal. */
static const struct {
	const char	*slug;
	const char	*title;
} sig_refusals[] = {
	[SIG_OK] = { "ok", "Signature accepted" },
	[SIG_MISSING] = { "signature-missing", "Request is not signed" },
	[SIG_MALFORMED] = { "signature-malformed",
	    "Signature headers are malformed" },
	[SIG_COMPONENT_UNSUPPORTED] = { "signature-component-unsupported",
	    "A covered component is not supported" },
	[SIG_COMPONENT_ABSENT] = { "signature-component-absent",
	    "A covered component is absent from the request" },
	[SIG_COMPONENT_INVALID] = { "signature-component-invalid",
	    "A covered component has an invalid value" },
	[SIG_PARAM_MISSING] = { "signature-param-missing",
	    "A required signature parameter is missing" },
	[SIG_ALG_UNSUPPORTED] = { "signature-alg-unsupported",
	    "Signature algorithm is not ed25519" },
	[SIG_TAG_MISMATCH] = { "signature-tag-mismatch",
	    "Signature tag is not vpoints" },
	[SIG_NONCE_INVALID] = { "signature-nonce-invalid",
	    "Signature nonce is too short or badly encoded" },
	[SIG_TOO_OLD] = { "signature-too-old",
	    "Signature was created too long ago" },
	[SIG_IN_FUTURE] = { "signature-in-future",
	    "Signature was created in the future" },
	[SIG_EXPIRED] = { "signature-expired", "Signature has expired" },
	[SIG_COVERAGE_INCOMPLETE] = { "signature-coverage-incomplete",
	    "Signature does not cover a required component" },
	[SIG_DIGEST_MISSING] = { "content-digest-missing",
	    "Content-Digest with sha-256 is missing" },
	[SIG_DIGEST_MALFORMED] = { "content-digest-malformed",
	    "Content-Digest is malformed" },
	[SIG_DIGEST_MISMATCH] = { "content-digest-mismatch",
	    "Content-Digest does not match the body" },
	[SIG_BAD_SIGNATURE] = { "signature-invalid",
	    "Signature does not verify" },
	[SIG_KEY_UNKNOWN] = { "key-unknown", "Signing key is not registered" },
	[SIG_KEY_REVOKED] = { "key-revoked", "Signing key has been revoked" },
	[SIG_NONCE_REPLAYED] = { "signature-replayed",
	    "Signature nonce has been used before" },
	[SIG_AUTHORITY_WRONG] = { "wrong-authority",
	    "Request is signed for another server" },
};

/* Whether a covered identifier names a field we can cover: one or more
 * lowercase tchars (RFC 9110 section 5.6.2). */
static int
sig_field_name_valid(const char *name)
{
	const char	*c;

	if (*name == '\0')
		return (0);
	for (c = name; *c != '\0'; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9'))
			continue;
		if (strchr("!#$%&'*+-.^_`|~", *c) == NULL)
			return (0);
	}
	return (1);
}

/* Whether our profile knows a component identifier: one of the derived
 * components below, or a lowercase field name. */
static int
sig_component_known(const char *name)
{
	static const char *const derived[] = {
		"@method", "@authority", "@path", "@query", "@target-uri"
	};
	size_t	i;

	if (name[0] != '@')
		return (sig_field_name_valid(name));
	for (i = 0; i < sizeof derived / sizeof derived[0]; i++) {
		if (strcmp(name, derived[i]) == 0)
			return (1);
	}
	return (0);
}

/* Append a component value; control characters (HTAB aside) would break
 * the lines of the base, so they are refused.  Lowercases if asked. */
static enum sig_refusal
sig_buf_value(struct buf *b, const char *s, size_t len, int lower)
{
	size_t	i, start;
	char	c;

	/* Checked byte by byte, appended whole (a value is one buf_add, not
	 * one per byte: the base is built for every signed request). */
	for (i = 0; i < len; i++) {
		c = s[i];
		if (((unsigned char)c < 0x20 && c != '\t') || c == 0x7f)
			return (SIG_COMPONENT_INVALID);
	}
	start = b->len;
	buf_add(b, s, len);
	if (lower) {
		for (i = start; i < b->len; i++) {
			if (b->data[i] >= 'A' && b->data[i] <= 'Z')
				b->data[i] += 'a' - 'A';
		}
	}
	return (SIG_OK);
}

/* Append the value of one covered component (RFC 9421 sections 2.1 and
 * 2.2); the caller has checked that the identifier is known. */
static enum sig_refusal
sig_component_value(struct buf *b, const struct sig_request *req,
    const char *name)
{
	const char	*v = NULL, *end;
	int		 lower = 0;

	if (strcmp(name, "@method") == 0)
		v = req->method;
	else if (strcmp(name, "@authority") == 0) {
		v = req->authority;
		lower = 1;
	} else if (strcmp(name, "@path") == 0) {
		v = req->path;
		if (v != NULL && *v == '\0')
			v = "/";
	} else if (strcmp(name, "@query") == 0) {
		buf_add(b, "?", 1);
		v = req->query != NULL ? req->query : "";
	} else if (strcmp(name, "@target-uri") == 0)
		v = req->target_uri;
	else if (req->header != NULL)
		v = req->header(req->arg, name);
	if (v == NULL)
		return (SIG_COMPONENT_ABSENT);

	end = v + strlen(v);
	if (name[0] != '@') {
		while (*v == ' ' || *v == '\t')
			v++;
		while (end != v && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
	}
	return (sig_buf_value(b, v, end - v, lower));
}

/* Build the signature base (RFC 9421 section 2.5): one line per covered
 * component, then the @signature-params line, with no final newline. */
enum sig_refusal
sig_base(const struct sig_request *req, const char *const *components,
    size_t ncomponents, const char *params, char **base)
{
	struct buf		b = { NULL, 0, 0 };
	enum sig_refusal	r;
	size_t			i, j;

	*base = NULL;
	for (i = 0; i < ncomponents; i++) {
		for (j = 0; j < i; j++) {
			if (strcmp(components[i], components[j]) == 0) {
				r = SIG_MALFORMED;
				goto fail;
			}
		}
		if (!sig_component_known(components[i])) {
			r = SIG_COMPONENT_UNSUPPORTED;
			goto fail;
		}
		buf_add(&b, "\"", 1);
		buf_puts(&b, components[i]);
		buf_add(&b, "\": ", 3);
		r = sig_component_value(&b, req, components[i]);
		if (r != SIG_OK)
			goto fail;
		buf_add(&b, "\n", 1);
	}
	buf_puts(&b, "\"@signature-params\": ");
	r = sig_buf_value(&b, params, strlen(params), 0);
	if (r != SIG_OK)
		goto fail;
	*base = b.data;
	return (SIG_OK);

fail:
	free(b.data);
	return (r);
}

/* Fill a parameter holding an Integer. */
static void
sig_param_integer(struct sfv_param *param, const char *key, int64_t value)
{
	memset(param, 0, sizeof *param);
	param->key = key;
	param->value.type = SFV_INTEGER;
	param->value.integer = value;
}

/* Fill a parameter holding a String. */
static void
sig_param_string(struct sfv_param *param, const char *key, const char *value)
{
	memset(param, 0, sizeof *param);
	param->key = key;
	param->value.type = SFV_STRING;
	param->value.string = value;
}

/* Serialize covered components and parameters as the @signature-params
 * value, e.g. ("@method" "@path");created=1618884473;keyid="k"; NULL if
 * a string cannot be serialized. */
char *
sig_params_serialize(const char *const *components, size_t ncomponents,
    const struct sig_params *sp)
{
	struct sfv_inner_list	 list;
	struct sfv_param	 params[6];
	size_t			 i, n = 0;
	char			*out;

	memset(&list, 0, sizeof list);
	list.items = xcalloc(ncomponents, sizeof *list.items);
	for (i = 0; i < ncomponents; i++) {
		list.items[i].value.type = SFV_STRING;
		list.items[i].value.string = components[i];
	}
	list.nitems = ncomponents;

	sig_param_integer(&params[n++], "created", sp->created);
	if (sp->expires != 0)
		sig_param_integer(&params[n++], "expires", sp->expires);
	if (sp->nonce != NULL)
		sig_param_string(&params[n++], "nonce", sp->nonce);
	if (sp->keyid != NULL)
		sig_param_string(&params[n++], "keyid", sp->keyid);
	if (sp->alg != NULL)
		sig_param_string(&params[n++], "alg", sp->alg);
	if (sp->tag != NULL)
		sig_param_string(&params[n++], "tag", sp->tag);
	list.params = params;
	list.nparams = n;

	out = sfv_serialize_inner_list(&list, NULL);
	free(list.items);
	return (out);
}

/* Sign a signature base with an Ed25519 secret key (RFC 9421 3.3.6). */
void
sig_sign(const unsigned char *secret_key, const char *base,
    unsigned char *signature)
{
	crypto_sign_detached(signature, NULL, (const unsigned char *)base,
	    strlen(base), secret_key);
}

/* Check an Ed25519 signature over a signature base: 0 if it holds. */
int
sig_verify_base(const unsigned char *public_key, const char *base,
    const unsigned char *signature)
{
	if (crypto_sign_verify_detached(signature, (const unsigned char *)base,
	    strlen(base), public_key) != 0)
		return (-1);
	return (0);
}

/* Sign a request: the Signature-Input and Signature values, label
 * SIG_LABEL.  The parameters are written as given: the vpoints client sets
 * alg = SIG_ALG and tag = SIG_TAG. */
enum sig_refusal
sig_sign_request(const unsigned char *secret_key,
    const char *const *components, size_t ncomponents,
    const struct sig_params *sp, const struct sig_request *req,
    char **signature_input, char **signature)
{
	struct sfv_member	 member;
	unsigned char		 sig[SIG_BYTES];
	char			*params, *base = NULL;
	enum sig_refusal	 r;

	*signature_input = NULL;
	*signature = NULL;
	params = sig_params_serialize(components, ncomponents, sp);
	if (params == NULL)
		return (SIG_MALFORMED);
	r = sig_base(req, components, ncomponents, params, &base);
	if (r != SIG_OK)
		goto out;
	sig_sign(secret_key, base, sig);

	memset(&member, 0, sizeof member);
	member.key = SIG_LABEL;
	member.type = SFV_MEMBER_ITEM;
	member.item.value.type = SFV_BYTES;
	member.item.value.string = (const char *)sig;
	member.item.value.len = sizeof sig;
	*signature = sfv_serialize_member(&member, NULL);
	*signature_input = xasprintf("%s=%s", SIG_LABEL, params);

out:
	free(params);
	free(base);
	return (r);
}

/* Sign a request as the vpoints profile wants it (doc/api.md): the
 * components of sig_covered_components(), a fresh nonce, created and
 * expires as given, keyid, alg = SIG_ALG and tag = SIG_TAG. */
enum sig_refusal
sig_sign_profile(const unsigned char *secret_key, const char *keyid,
    int64_t created, int64_t expires, int has_body, int is_write,
    const struct sig_request *req, char **signature_input, char **signature)
{
	const char		*components[SIG_MAX_COVERED];
	char			 nonce[SIG_NONCE_LEN + 1];
	struct sig_params	 sp;
	size_t			 n;

	n = sig_covered_components(has_body, is_write, components);
	sig_nonce_new(nonce);
	memset(&sp, 0, sizeof sp);
	sp.created = created;
	sp.expires = expires;
	sp.nonce = nonce;
	sp.keyid = keyid;
	sp.alg = SIG_ALG;
	sp.tag = SIG_TAG;
	return (sig_sign_request(secret_key, components, n, &sp, req,
	    signature_input, signature));
}

/* Take the signature parameters we know from an inner list; unknown ones
 * are left alone (they are signed all the same, in @signature-params). */
static enum sig_refusal
sig_input_params(struct sig_input *in, const struct sfv_inner_list *list)
{
	static const char *const strings[] = { "nonce", "keyid", "alg", "tag" };
	char			**fields[] = {
		&in->nonce, &in->keyid, &in->alg, &in->tag
	};
	const struct sfv_bare	 *v;
	size_t			  i;

	v = sfv_param_get(list->params, list->nparams, "created");
	if (v != NULL) {
		if (v->type != SFV_INTEGER)
			return (SIG_MALFORMED);
		in->has_created = 1;
		in->created = v->integer;
	}
	v = sfv_param_get(list->params, list->nparams, "expires");
	if (v != NULL) {
		if (v->type != SFV_INTEGER)
			return (SIG_MALFORMED);
		in->has_expires = 1;
		in->expires = v->integer;
	}
	for (i = 0; i < sizeof strings / sizeof strings[0]; i++) {
		v = sfv_param_get(list->params, list->nparams, strings[i]);
		if (v == NULL)
			continue;
		if (v->type != SFV_STRING)
			return (SIG_MALFORMED);
		*fields[i] = xstrdup(v->string);
	}
	return (SIG_OK);
}

/* Take the covered component identifiers from an inner list.  Our profile
 * refuses identifiers with parameters (;sf, ;key, ;req, ...). */
static enum sig_refusal
sig_input_components(struct sig_input *in, const struct sfv_inner_list *list)
{
	const struct sfv_item	*item;
	size_t			 i, j;

	in->components = xcalloc(list->nitems, sizeof *in->components);
	for (i = 0; i < list->nitems; i++) {
		item = &list->items[i];
		if (item->value.type != SFV_STRING)
			return (SIG_MALFORMED);
		if (item->nparams != 0 ||
		    !sig_component_known(item->value.string))
			return (SIG_COMPONENT_UNSUPPORTED);
		for (j = 0; j < i; j++) {
			if (strcmp(in->components[j], item->value.string) == 0)
				return (SIG_MALFORMED);
		}
		in->components[in->ncomponents++] = xstrdup(item->value.string);
	}
	return (SIG_OK);
}

/* Parse the Signature-Input and Signature values (either may be NULL if
 * the request lacks it) for one label. */
struct sig_input *
sig_input_parse(const char *signature_input, const char *signature,
    const char *label, enum sig_refusal *why)
{
	struct sfv_dict		*inputs = NULL, *signatures = NULL;
	const struct sfv_member	*input, *sig;
	struct sig_input	*in = NULL;
	enum sig_refusal	 r;

	if (signature_input == NULL || signature == NULL) {
		r = SIG_MISSING;
		goto fail;
	}
	inputs = sfv_parse_dictionary(signature_input, strlen(signature_input),
	    NULL);
	signatures = sfv_parse_dictionary(signature, strlen(signature), NULL);
	if (inputs == NULL || signatures == NULL) {
		r = SIG_MALFORMED;
		goto fail;
	}
	input = sfv_dict_get(inputs, label);
	sig = sfv_dict_get(signatures, label);
	if (input == NULL || sig == NULL) {
		r = SIG_MISSING;
		goto fail;
	}
	if (input->type != SFV_MEMBER_INNER_LIST ||
	    sig->type != SFV_MEMBER_ITEM ||
	    sig->item.value.type != SFV_BYTES ||
	    sig->item.value.len != SIG_BYTES) {
		r = SIG_MALFORMED;
		goto fail;
	}

	in = xcalloc(1, sizeof *in);
	memcpy(in->signature, sig->item.value.string, SIG_BYTES);
	r = sig_input_components(in, &input->list);
	if (r != SIG_OK)
		goto fail;
	r = sig_input_params(in, &input->list);
	if (r != SIG_OK)
		goto fail;
	in->params = sfv_serialize_inner_list(&input->list, NULL);
	if (in->params == NULL) {
		r = SIG_MALFORMED;
		goto fail;
	}

	sfv_dict_free(inputs);
	sfv_dict_free(signatures);
	*why = SIG_OK;
	return (in);

fail:
	sig_input_free(in);
	sfv_dict_free(inputs);
	sfv_dict_free(signatures);
	*why = r;
	return (NULL);
}

/* Free a parsed signature. */
void
sig_input_free(struct sig_input *in)
{
	size_t	i;

	if (in == NULL)
		return;
	for (i = 0; i < in->ncomponents; i++)
		free(in->components[i]);
	free(in->components);
	free(in->nonce);
	free(in->keyid);
	free(in->alg);
	free(in->tag);
	free(in->params);
	free(in);
}

/*
 * Whether a nonce carries at least 128 bits.  Two encodings are accepted:
 * hex (nothing but hex digits, either case, an even count of at least 32)
 * or, failing that, base64url without padding decoding to 16 bytes or
 * more.  A string of hex digits is always judged as hex, so 22 hex digits
 * (88 bits) cannot pass as base64url.  At most SIG_NONCE_MAX_LEN characters.
 */
static int
sig_nonce_valid(const char *nonce)
{
	unsigned char	bin[SIG_NONCE_MAX_LEN];
	size_t		len = strlen(nonce), binlen, i;

	if (len > SIG_NONCE_MAX_LEN)
		return (0);
	for (i = 0; i < len; i++) {
		if (strchr("0123456789abcdefABCDEF", nonce[i]) == NULL)
			break;
	}
	if (i == len)
		return (len % 2 == 0 && len / 2 >= SIG_NONCE_MIN_BYTES);
	if (sodium_base642bin(bin, sizeof bin, nonce, len, NULL, &binlen, NULL,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return (0);
	return (binlen >= SIG_NONCE_MIN_BYTES);
}

/* Whether a component is among the covered ones. */
static int
sig_input_covers(const struct sig_input *in, const char *name)
{
	size_t	i;

	for (i = 0; i < in->ncomponents; i++) {
		if (strcmp(in->components[i], name) == 0)
			return (1);
	}
	return (0);
}

/* The components a vpoints signature covers, in the order a signer lists
 * them: the request line always; Content-Type and Content-Digest with a
 * body; Idempotency-Key on a write.  Their count; the verifier requires
 * them all, a signer covers exactly them. */
size_t
sig_covered_components(int has_body, int is_write,
    const char *components[SIG_MAX_COVERED])
{
	size_t	n = 0;

	components[n++] = "@method";
	components[n++] = "@authority";
	components[n++] = "@path";
	components[n++] = "@query";
	if (has_body) {
		components[n++] = "content-type";
		components[n++] = "content-digest";
	}
	if (is_write)
		components[n++] = "idempotency-key";
	return (n);
}

/* Check a parsed signature against the vpoints profile (doc/design.md 4) at
 * time now, for a request with or without a body, a write or a read. */
enum sig_refusal
sig_profile_check(const struct sig_input *in, time_t now, int has_body,
    int is_write)
{
	const char	*required[SIG_MAX_COVERED];
	size_t		 i, n;

	if (!in->has_created || in->nonce == NULL || in->keyid == NULL ||
	    in->alg == NULL || in->tag == NULL)
		return (SIG_PARAM_MISSING);
	if (strcmp(in->alg, SIG_ALG) != 0)
		return (SIG_ALG_UNSUPPORTED);
	if (strcmp(in->tag, SIG_TAG) != 0)
		return (SIG_TAG_MISMATCH);
	if (!sig_nonce_valid(in->nonce))
		return (SIG_NONCE_INVALID);

	if (in->has_expires && in->expires < (int64_t)now)
		return (SIG_EXPIRED);
	if (in->created > (int64_t)now + SIG_MAX_AHEAD)
		return (SIG_IN_FUTURE);
	if (in->created < (int64_t)now - SIG_MAX_AGE)
		return (SIG_TOO_OLD);

	n = sig_covered_components(has_body, is_write, required);
	for (i = 0; i < n; i++) {
		if (!sig_input_covers(in, required[i]))
			return (SIG_COVERAGE_INCOMPLETE);
	}
	return (SIG_OK);
}

/* Rebuild the signature base of a request and verify the signature. */
enum sig_refusal
sig_verify(const struct sig_input *in, const struct sig_request *req,
    const unsigned char *public_key)
{
	enum sig_refusal	 r;
	char			*base;

	r = sig_base(req, (const char *const *)in->components,
	    in->ncomponents, in->params, &base);
	if (r != SIG_OK)
		return (r);
	if (sig_verify_base(public_key, base, in->signature) != 0)
		r = SIG_BAD_SIGNATURE;
	free(base);
	return (r);
}

/* The Content-Digest value for a body (RFC 9530): sha-256=:<base64>:. */
char *
sig_digest_header(const void *body, size_t len)
{
	unsigned char		digest[crypto_hash_sha256_BYTES];
	struct sfv_member	member;

	crypto_hash_sha256(digest, body != NULL ? body : "", len);
	memset(&member, 0, sizeof member);
	member.key = "sha-256";
	member.type = SFV_MEMBER_ITEM;
	member.item.value.type = SFV_BYTES;
	member.item.value.string = (const char *)digest;
	member.item.value.len = sizeof digest;
	return (sfv_serialize_member(&member, NULL));
}

/* Check a received Content-Digest value (NULL if absent) against the body:
 * it must hold a sha-256 member equal to the body's digest. */
enum sig_refusal
sig_digest_check(const char *content_digest, const void *body, size_t len)
{
	unsigned char		 digest[crypto_hash_sha256_BYTES];
	struct sfv_dict		*dict;
	const struct sfv_member	*member;
	enum sig_refusal	 r;

	if (content_digest == NULL)
		return (SIG_DIGEST_MISSING);
	dict = sfv_parse_dictionary(content_digest, strlen(content_digest),
	    NULL);
	if (dict == NULL)
		return (SIG_DIGEST_MALFORMED);
	member = sfv_dict_get(dict, "sha-256");
	if (member == NULL)
		r = SIG_DIGEST_MISSING;
	else if (member->type != SFV_MEMBER_ITEM ||
	    member->item.value.type != SFV_BYTES ||
	    member->item.value.len != sizeof digest)
		r = SIG_DIGEST_MALFORMED;
	else {
		crypto_hash_sha256(digest, body != NULL ? body : "", len);
		if (sodium_memcmp(digest, member->item.value.string,
		    sizeof digest) != 0)
			r = SIG_DIGEST_MISMATCH;
		else
			r = SIG_OK;
	}
	sfv_dict_free(dict);
	return (r);
}

/* The key id of an Ed25519 public key: its RFC 7638 JWK SHA-256
 * thumbprint, base64url without padding, SIG_KEYID_LEN characters. */
void
sig_keyid(const unsigned char *public_key, char *keyid)
{
	char		 x[sodium_base64_ENCODED_LEN(SIG_PUBLICKEYBYTES,
			     sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
	unsigned char	 digest[crypto_hash_sha256_BYTES];
	char		*jwk;

	sodium_bin2base64(x, sizeof x, public_key, SIG_PUBLICKEYBYTES,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	jwk = xasprintf("{\"crv\":\"Ed25519\",\"kty\":\"OKP\","
	    "\"x\":\"%s\"}", x);
	crypto_hash_sha256(digest, (const unsigned char *)jwk, strlen(jwk));
	free(jwk);
	sodium_bin2base64(keyid, SIG_KEYID_LEN + 1, digest, sizeof digest,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* A fresh nonce: SIG_NONCE_MIN_BYTES random bytes as SIG_NONCE_LEN hex
 * digits.  Call sodium_init() first. */
void
sig_nonce_new(char *nonce)
{
	unsigned char	bin[SIG_NONCE_MIN_BYTES];

	randombytes_buf(bin, sizeof bin);
	sodium_bin2hex(nonce, SIG_NONCE_LEN + 1, bin, sizeof bin);
}

/* The stable slug of a refusal, for the problem+json type. */
const char *
sig_refusal_slug(enum sig_refusal why)
{
	if ((size_t)why >= sizeof sig_refusals / sizeof sig_refusals[0] ||
	    sig_refusals[why].slug == NULL)
		abort();
	return (sig_refusals[why].slug);
}

/* A short human title of a refusal, for the problem+json title. */
const char *
sig_refusal_title(enum sig_refusal why)
{
	if ((size_t)why >= sizeof sig_refusals / sizeof sig_refusals[0] ||
	    sig_refusals[why].title == NULL)
		abort();
	return (sig_refusals[why].title);
}
