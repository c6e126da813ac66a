/* Times as the command line takes them: RFC 3339 passes through as given;
 * "YYYY-MM-DD HH:MM" (or "HH:MM", today) is a local time, turned into RFC
 * 3339 with the local offset. The local zone is the programme's
 * (client/zone.h). */
#ifndef VPOINTS_WHEN_H
#define VPOINTS_WHEN_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Enough for any value when_rfc3339 writes. */
#define WHEN_RFC3339_LEN	64

bool	when_is_rfc3339(const char *text);
int	when_rfc3339(const char *text, char *out, size_t len);
int	when_format(time_t, char *out, size_t len);
int	when_parse(const char *text, time_t *);
char	*when_local(const char *text);
int	when_date(time_t, char *out, size_t len);

#endif
