/* What reports, certificates and month closes need in C after their SQL
 * ran: CSV for `Accept: text/csv`, the daemon's JWS signatures, and the
 * public key route. */
#ifndef VPOINTSD_REPORTS_H
#define VPOINTSD_REPORTS_H

#include "daemon/http.h"

struct ops;

void	reports_finish(const struct ops *, struct http_request *, int status,
	    const char *body);
void	reports_certificate_finish(const struct ops *, struct http_request *,
	    int status, const char *body);
void	reports_month_close_finish(const struct ops *, struct http_request *,
	    int status, const char *body);
void	reports_public_key(struct http_request *, void *ops);
void	reports_public_keys(struct http_request *, void *ops);
char	*reports_csv(const char *body);

#endif
