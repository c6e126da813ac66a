/* The daemon's own Ed25519 key, which signs certificates of service and
 * month closes as JWS (RFC 7515 compact serialization, alg EdDSA per
 * RFC 8037). The key is made at first start, in vpoints' key file format,
 * and its public half is served at /v1/public-key.
 *
 * The key rotates: earlier keys (previous_signing_keys, public key files)
 * sign nothing any more, but /v1/public-keys publishes them with the
 * current one as a JWK Set (RFC 7517), so that what they signed keeps
 * verifying offline. Daemons that share the files publish the same set. */
#ifndef VPOINTSD_SIGNER_H
#define VPOINTSD_SIGNER_H

#include <stddef.h>

#include <sodium.h>

struct signer;

struct signer	*signer_load(const char *path, const char *previous,
		    char *err, size_t errlen);
void		 signer_free(struct signer *);
char		*signer_jws(const struct signer *, const char *payload);
char		*signer_public_json(const struct signer *);
void		 signer_mac_start(const struct signer *, const char *hex,
		    const char *context, crypto_generichash_state *);
char		*signer_jwks(const struct signer *);

#endif
