/* JSON Web Signatures as vpointsd issues them on certificates and month
 * closes: RFC 7515 compact serialization, a protected header
 * {"alg":"EdDSA","kid":KEYID} (RFC 8037), Ed25519 over the ASCII of
 * "header.payload". Verification only: the daemon signs. Also reads the
 * daemon's public key as GET /v1/public-key and vpointsd
 * --print-public-key give it ({"keyid","jwk":{"kty":"OKP","crv":"Ed25519",
 * "x"}}), as a bare JWK, or as keyfile_parse_public reads it. Pure: no
 * files, no network, no clock. */
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
	JWS_BAD_SIGNATURE	/* the Ed25519 signature does not verify */
};

enum jws_status jws_verify(const char *compact,
		    const unsigned char *public_key, char **payload,
		    size_t *len);
const char	*jws_status_text(enum jws_status);
int		 jws_public_key(const char *text, unsigned char *public_key,
		    char *keyid, char *err, size_t errlen);

#endif
