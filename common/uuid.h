/* Random UUIDs (RFC 9562 version 4), as the client and the benchmark make
 * their Idempotency-Keys. Call sodium_init() first. */
#ifndef VPOINTS_UUID_H
#define VPOINTS_UUID_H

#include <stddef.h>

/* Characters of a UUID in text, with its NUL. */
#define UUID_TEXT_LEN	37

void	uuid_random(char *out, size_t len);

#endif
