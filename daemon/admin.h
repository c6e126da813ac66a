/* Handlers of the administrative routes: communities (and, later,
 * stations and keys). */
#ifndef VPOINTSD_ADMIN_H
#define VPOINTSD_ADMIN_H

#include "daemon/http.h"

void	admin_communities_list(struct http_request *, void *db_pool);

#endif
