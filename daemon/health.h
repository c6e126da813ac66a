/* GET /healthz: ok only when a database round trip succeeds. */
#ifndef VPOINTSD_HEALTH_H
#define VPOINTSD_HEALTH_H

#include "daemon/db.h"
#include "daemon/http.h"

void	health_get(struct http_request *, void *db_pool);

#endif
