/* The vpoints profile of RFC 9421 HTTP Message Signatures (DESIGN.md
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
 * The client calls sig_digest_header() and sig_sign_request(). */
#ifndef VPOINTS_SIG_H
#define VPOINTS_SIG_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define SIG_LABEL		"sig1"		/* our signature's label */
#define SIG_ALG			"ed25519"
#define SIG_TAG			"vpoints"
#define SIG_MAX_AGE		300	/* seconds a signature stays fresh */
#define SIG_MAX_AHEAD		30	/* seconds created may lie ahead */
#define SIG_PUBLICKEYBYTES	32
#define SIG_SECRETKEYBYTES	64	/* libsodium form: seed, public key */
#define SIG_BYTES		64
#define SIG_KEYID_LEN		43	/* base64url of a SHA-256 digest */
#define SIG_NONCE_MIN_BYTES	16	/* 128 bits */
#define SIG_NONCE_MAX_LEN	128	/* characters */
#define SIG_NONCE_LEN		32	/* sig_nonce_new(): 16 bytes in hex */

/* Why a signed request is refused.  Each has a stable slug for the
 * problem+json type; never renumber or rename one that has shipped. */
enum sig_refusal {
	SIG_OK = 0,			/* accepted */
	SIG_MISSING,			/* no Signature(-Input), or no label */
	SIG_MALFORMED,			/* headers not of the expected shape */
	SIG_COMPONENT_UNSUPPORTED,	/* parameters on an identifier, an
					 * unknown derived or bad name */
	SIG_COMPONENT_ABSENT,		/* a covered component is absent */
	SIG_COMPONENT_INVALID,		/* a covered value has controls */
	SIG_PARAM_MISSING,		/* created/nonce/keyid/alg/tag absent */
	SIG_ALG_UNSUPPORTED,		/* alg is not "ed25519" */
	SIG_TAG_MISMATCH,		/* tag is not "vpoints" */
	SIG_NONCE_INVALID,		/* nonce under 128 bits or not encoded
					 * as hex or base64url */
	SIG_TOO_OLD,			/* created over SIG_MAX_AGE ago */
	SIG_IN_FUTURE,			/* created over SIG_MAX_AHEAD ahead */
	SIG_EXPIRED,			/* expires is past */
	SIG_COVERAGE_INCOMPLETE,	/* a required component not covered */
	SIG_DIGEST_MISSING,		/* no Content-Digest, or no sha-256 */
	SIG_DIGEST_MALFORMED,		/* Content-Digest does not parse */
	SIG_DIGEST_MISMATCH,		/* sha-256 differs from the body's */
	SIG_BAD_SIGNATURE,		/* Ed25519 verification failed */
	SIG_KEY_UNKNOWN,		/* keyid not registered (daemon) */
	SIG_KEY_REVOKED,		/* keyid revoked (daemon) */
	SIG_NONCE_REPLAYED,		/* nonce seen before (daemon) */
};

/* How the signature code sees a request.  header() returns the value of
 * a field by lowercase name, its field lines joined with ", ", or NULL. */
struct sig_request {
	const char	*method;	/* "POST" */
	const char	*authority;	/* "example.com:8080"; lowercased here,
					 * default port already dropped */
	const char	*path;		/* "/v1/shifts"; "" counts as "/" */
	const char	*query;		/* without "?"; NULL or "" if none */
	const char	*target_uri;	/* NULL: @target-uri not available */
	const char	*(*header)(void *, const char *);
	void		*arg;		/* for header() */
};

/* Signature parameters to serialize; absent ones are left out. */
struct sig_params {
	int64_t		 created;	/* always written */
	int64_t		 expires;	/* 0: none */
	const char	*nonce;		/* NULL: none */
	const char	*keyid;		/* NULL: none */
	const char	*alg;		/* NULL: none */
	const char	*tag;		/* NULL: none */
};

/* One received signature, as sig_input_parse() found it. */
struct sig_input {
	char		**components;	/* covered identifiers, in order */
	size_t		  ncomponents;
	int		  has_created;
	int64_t		  created;
	int		  has_expires;
	int64_t		  expires;
	char		 *nonce;	/* NULL when absent, likewise below */
	char		 *keyid;
	char		 *alg;
	char		 *tag;
	char		 *params;	/* the @signature-params value */
	unsigned char	  signature[SIG_BYTES];
};

struct sig_input	*sig_input_parse(const char *signature_input,
			    const char *signature, const char *label,
			    enum sig_refusal *why);
void			 sig_input_free(struct sig_input *in);
enum sig_refusal	 sig_profile_check(const struct sig_input *in,
			    time_t now, int has_body, int is_write);
enum sig_refusal	 sig_verify(const struct sig_input *in,
			    const struct sig_request *req,
			    const unsigned char *public_key);

char			*sig_params_serialize(const char *const *components,
			    size_t ncomponents, const struct sig_params *sp);
enum sig_refusal	 sig_base(const struct sig_request *req,
			    const char *const *components, size_t ncomponents,
			    const char *params, char **base);
void			 sig_sign(const unsigned char *secret_key,
			    const char *base, unsigned char *signature);
int			 sig_verify_base(const unsigned char *public_key,
			    const char *base, const unsigned char *signature);
enum sig_refusal	 sig_sign_request(const unsigned char *secret_key,
			    const char *const *components, size_t ncomponents,
			    const struct sig_params *sp,
			    const struct sig_request *req,
			    char **signature_input, char **signature);

char			*sig_digest_header(const void *body, size_t len);
enum sig_refusal	 sig_digest_check(const char *content_digest,
			    const void *body, size_t len);

void			 sig_keyid(const unsigned char *public_key,
			    char *keyid);
void			 sig_nonce_new(char *nonce);

const char		*sig_refusal_slug(enum sig_refusal why);
const char		*sig_refusal_title(enum sig_refusal why);

#endif
