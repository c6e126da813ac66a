/* JSON Web Signatures as vpointsd issues them on certificates and month
 * closes: RFC 7515 compact serialization, a protected header
 * {"alg":"EdDSA","kid":KEYID} (RFC 8037), Ed25519 over the ASCII of
 * "header.payload". Verification only: the daemon signs. Also reads the
 * daemon's public key as GET /v1/public-key and vpointsd
 * --print-public-key give it ({"keyid","jwk":{"kty":"OKP","crv":"Ed25519",
 * "x"}}), as a bare JWK, or as keyfile_parse_public reads it, and picks
 * the key of a JWK Set (GET /v1/public-keys) that a JWS's kid names.
 * Pure: no files, no network, no clock.
 *
 * The base45 form carries a JWS in a QR code's alphanumeric mode, in a
 * fifth fewer bits than its base64url in byte mode: JWS_BASE45_PREFIX and
 * the base45 (RFC 9285) of the header's length (two bytes, most
 * significant first), the header, the 64-byte signature and the payload,
 * each as it was signed. Unpacked, it is the very JWS it was made of. */
#ifndef VPOINTS_JWS_H
#define VPOINTS_JWS_H

#include <stddef.h>

/* Why a JWS is refused; each has a sentence in jws_status_text(). */
enum jws_status {
	JWS_OK = 0,		/* the signature holds */
	JWS_MALFORMED,		/* not three non-empty parts joined by dots,
				 * or a signature not of 64 bytes */
	JWS_BAD_BASE64,		/* a part is not canonical unpadded
				 * base64url */
	JWS_BAD_HEADER,		/* the header is not a JSON object without
				 * duplicate members, or it has "crit" */
	JWS_ALG,		/* alg is not "EdDSA" */
	JWS_KID_MISMATCH,	/* kid is not the key's RFC 7638 thumbprint */
	JWS_BAD_SIGNATURE,	/* the Ed25519 signature does not verify */
	JWS_BAD_BASE45		/* JWS_BASE45_PREFIX not followed by the
				 * base45 of a header, a signature and a
				 * payload */
};

#define JWS_BASE45_PREFIX	"VPJ1:"

enum jws_status jws_verify(const char *compact,
		    const unsigned char *public_key, char **payload,
		    size_t *len);
const char	*jws_status_text(enum jws_status);
char		*jws_base45(const char *compact);
enum jws_status	 jws_unbase45(const char *text, char **compact);
int		 jws_public_key(const char *text, unsigned char *public_key,
		    char *keyid, char *err, size_t errlen);
char		*jws_kid(const char *compact);
/* When a key of a set signed: its "nbf" and "exp" (seconds since the
 * epoch), 0 where the set does not say. */
struct jws_window {
	long long	nbf;
	long long	exp;
};
int		 jws_set_key(const char *text, const char *kid,
		    unsigned char *public_key, struct jws_window *,
		    char *err, size_t errlen);
int		 jws_is_set(const char *text);

#endif
