/* Capability links: a volunteer's own page (HTML, Chinese by default,
 * with sign-up and cancellation as plain forms) and calendar, and a
 * station's calendar (iCalendar, RFC 5545), at URLs whose last secret
 * segment is the only authority (WIRE_PAGE routes of common/routes.h).
 * A token is a MAC, under the daemon's signing key, of the key and
 * Idempotency-Key of the signed request that issued it: a retry gets
 * the same token back, and the database keeps only its SHA-256
 * (sql/functions/pages.sql runs what a token may do). */
#ifndef VPOINTSD_PAGE_H
#define VPOINTSD_PAGE_H

#include <jansson.h>

#include "daemon/http.h"
#include "routes.h"

struct ops;

void	page_link_args(const struct ops *, enum wire_op, const char *keyid,
	    const char *idem, json_t *args);
void	page_link_finish(const struct ops *, struct http_request *,
	    int status, const char *body);
void	page_handle(struct http_request *, const struct ops *, enum wire_op);

#endif
