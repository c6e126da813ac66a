/* What the administrative operations need in C before their SQL runs. */
#ifndef VPOINTSD_ADMIN_H
#define VPOINTSD_ADMIN_H

#include <stddef.h>

#include <jansson.h>

struct ops;

int	admin_prepare_station(const struct ops *, json_t *args, char *detail,
	    size_t len, json_t **members);
int	admin_init(const char *conninfo, const char *pubkey_path, char *keyid,
	    size_t keyidlen, char *err, size_t errlen);

#endif
