/* The vpoints profile of RFC 9421 HTTP Message Signatures (doc/design.md
 * section 4): signature base, Ed25519 sign and verify, Content-Digest
 * (RFC 9530, sha-256) and RFC 7638 key ids.  Pure functions: no HTTP
 * library, no database, no clock.
 *
 * The daemon checks a request in this order:
 *	in = sig_input_parse(Signature-Input, Signature, SIG_LABEL, &why);
 *	sig_profile_check(in, now, has_body, is_write);
 *	sig_digest_check(Content-Digest, body, len);	(with a body)
 *	look up in->keyid (unknown or revoked: SIG_KEY_*);
 *	sig_verify(in, request, public_key);
 *	record in->nonce for the key (seen before: SIG_NONCE_REPLAYED).
 * A signer (the client, the benchmark) calls sig_digest_header() and
 * sig_sign_profile().  Both sides take the covered components from
 * sig_covered_components(). */
#ifndef VPOINTS_SIG_H
#define VPOINTS_SIG_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define SIG_LABEL	"sig1"
#define SIG_ALG		"ed25519"
#define SIG_TAG		"vpoints"

/* How old created may be, and how far ahead, in seconds. */
#define SIG_MAX_AGE	300
#define SIG_MAX_AHEAD	30

/* Ed25519 sizes; a secret key is libsodium's seed || public key. */
#define SIG_PUBLICKEYBYTES	32
#define SIG_SECRETKEYBYTES	64
#define SIG_BYTES		64

/* The most components a vpoints signature covers. */
#define SIG_MAX_COVERED	7

/* A key id is the base64url of a SHA-256 digest. */
#define SIG_KEYID_LEN	43

/* A nonce carries 16 bytes or more and is at most 128 characters long;
 * sig_nonce_new() writes 16 random bytes as 32 hex digits. */
#define SIG_NONCE_MIN_BYTES	16
#define SIG_NONCE_MAX_LEN	128
#define SIG_NONCE_LEN		32

/* Why a signed request is refused.  Each has a stable slug for the
 * problem+json type; never renumber or rename one that has shipped. */
enum sig_refusal {
	SIG_OK = 0,		/* accepted */
	SIG_MISSING,		/* no Signature(-Input), or not our label */
	SIG_MALFORMED,		/* headers not of the expected shape */
	SIG_COMPONENT_UNSUPPORTED, /* identifier with parameters, unknown
				 * derived component or bad field name */
	SIG_COMPONENT_ABSENT,	/* a covered component is not in the request */
	SIG_COMPONENT_INVALID,	/* a covered value holds control characters */
	SIG_PARAM_MISSING,	/* created, nonce, keyid, alg or tag absent */
	SIG_ALG_UNSUPPORTED,	/* alg is not "ed25519" */
	SIG_TAG_MISMATCH,	/* tag is not "vpoints" */
	SIG_NONCE_INVALID,	/* nonce under 128 bits, or neither hex nor
				 * unpadded base64url */
	SIG_TOO_OLD,		/* created more than SIG_MAX_AGE ago */
	SIG_IN_FUTURE,		/* created more than SIG_MAX_AHEAD ahead */
	SIG_EXPIRED,		/* expires is in the past */
	SIG_COVERAGE_INCOMPLETE, /* a required component is not covered */
	SIG_DIGEST_MISSING,	/* no Content-Digest, or no sha-256 in it */
	SIG_DIGEST_MALFORMED,	/* Content-Digest does not parse */
	SIG_DIGEST_MISMATCH,	/* sha-256 differs from the body's */
	SIG_BAD_SIGNATURE,	/* Ed25519 verification failed */
	SIG_KEY_UNKNOWN,	/* keyid not registered (daemon decides) */
	SIG_KEY_REVOKED,	/* keyid revoked (daemon decides) */
	SIG_NONCE_REPLAYED,	/* nonce seen before (daemon decides) */
	SIG_AUTHORITY_WRONG,	/* @authority is none of the daemon's names
				 * (daemon decides: server_names) */
};

/* How the signature code sees a request.  authority arrives without its
 * default port and is lowercased here; an empty path counts as "/"; query
 * has no "?" and is NULL or "" when there is none; target_uri may be NULL.
 * header() gives a field's value by lowercase name, its field lines joined
 * with ", ", or NULL if the request lacks it. */
struct sig_request {
	const char	*method;
	const char	*authority;
	const char	*path;
	const char	*query;
	const char	*target_uri;
	const char	*(*header)(void *arg, const char *name);
	void		*arg;
};

/* Signature parameters to serialize.  created is always written; expires
 * when not 0; the strings when not NULL. */
struct sig_params {
	int64_t		 created;
	int64_t		 expires;
	const char	*nonce;
	const char	*keyid;
	const char	*alg;
	const char	*tag;
};

/* One received signature, as sig_input_parse() found it.  The strings
 * are NULL when the parameter is absent; params is the @signature-params
 * value, re-serialized from what was parsed. */
struct sig_input {
	char		**components;
	size_t		  ncomponents;
	int		  has_created;
	int64_t		  created;
	int		  has_expires;
	int64_t		  expires;
	char		 *nonce;
	char		 *keyid;
	char		 *alg;
	char		 *tag;
	char		 *params;
	unsigned char	  signature[SIG_BYTES];
};

struct sig_input *sig_input_parse(const char *signature_input,
		     const char *signature, const char *label,
		     enum sig_refusal *why);
void		 sig_input_free(struct sig_input *in);
size_t		 sig_covered_components(int has_body, int is_write,
		     const char *components[SIG_MAX_COVERED]);
enum sig_refusal sig_profile_check(const struct sig_input *in, time_t now,
		     int has_body, int is_write);
enum sig_refusal sig_verify(const struct sig_input *in,
		     const struct sig_request *req,
		     const unsigned char *public_key);

char		*sig_params_serialize(const char *const *components,
		     size_t ncomponents, const struct sig_params *sp);
enum sig_refusal sig_base(const struct sig_request *req,
		     const char *const *components, size_t ncomponents,
		     const char *params, char **base);
void		 sig_sign(const unsigned char *secret_key, const char *base,
		     unsigned char *signature);
int		 sig_verify_base(const unsigned char *public_key,
		     const char *base, const unsigned char *signature);
enum sig_refusal sig_sign_request(const unsigned char *secret_key,
		     const char *const *components, size_t ncomponents,
		     const struct sig_params *sp,
		     const struct sig_request *req,
		     char **signature_input, char **signature);
enum sig_refusal sig_sign_profile(const unsigned char *secret_key,
		     const char *keyid, int64_t created, int64_t expires,
		     int has_body, int is_write,
		     const struct sig_request *req,
		     char **signature_input, char **signature);

char		*sig_digest_header(const void *body, size_t len);
enum sig_refusal sig_digest_check(const char *content_digest,
		     const void *body, size_t len);

void		 sig_keyid(const unsigned char *public_key, char *keyid);
void		 sig_nonce_new(char *nonce);

const char	*sig_refusal_slug(enum sig_refusal why);
const char	*sig_refusal_title(enum sig_refusal why);

#endif
