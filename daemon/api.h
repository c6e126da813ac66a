/* What every handler does alike with a failed statement: turn it into the
 * HTTP reply. SQL functions refuse an operation by raising SQLSTATE 'VPnnn'
 * (nnn the HTTP status) with the problem slug as message and a sentence for
 * people as detail. */
#ifndef VPOINTSD_API_H
#define VPOINTSD_API_H

#include "daemon/db.h"
#include "daemon/http.h"

void	api_reply_db_failure(struct http_request *, const struct db_reply *);

#endif
