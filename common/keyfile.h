/* Station key files.
 *
 * A secret key file (mode 0600, never overwritten) holds three lines:
 *	vpoints-secret-key-v1
 *	keyid <RFC 7638 thumbprint of the public key>
 *	seed <base64url, no padding, of the 32-byte Ed25519 seed>
 * and the public key file beside it (FILE.pub):
 *	vpoints-public-key-v1
 *	keyid <thumbprint>
 *	public <base64url, no padding, of the 32-byte Ed25519 public key>
 * Public keys are also read as PEM SubjectPublicKeyInfo ("BEGIN PUBLIC
 * KEY", as openssl pkey -pubout writes them), as an RFC 8037 JWK
 * ({"kty":"OKP","crv":"Ed25519","x"}, alone or as the "jwk" of the
 * daemon's {"keyid","jwk"}) and as bare base64url. A
 * secret is held in sodium_malloc memory and wiped when freed. */
#ifndef VPOINTS_KEYFILE_H
#define VPOINTS_KEYFILE_H

#include <stddef.h>

#include "sig.h"

#define KEYFILE_SECRET_MAGIC	"vpoints-secret-key-v1"
#define KEYFILE_PUBLIC_MAGIC	"vpoints-public-key-v1"

struct keyfile_secret {
	unsigned char	sk[SIG_SECRETKEYBYTES];	/* libsodium form */
	unsigned char	pk[SIG_PUBLICKEYBYTES];
	char		keyid[SIG_KEYID_LEN + 1];
};

int	keyfile_generate(const char *path, char *keyid, char *err,
	    size_t errlen);
struct keyfile_secret *keyfile_read_secret(const char *path, char *err,
	    size_t errlen);
void	keyfile_secret_free(struct keyfile_secret *);
int	keyfile_read_public(const char *path, unsigned char *pk, char *err,
	    size_t errlen);
int	keyfile_parse_public(const char *text, unsigned char *pk, char *err,
	    size_t errlen);
void	keyfile_public_b64(const unsigned char *pk, char *out, size_t outlen);

#endif
