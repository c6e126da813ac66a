#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/when.h"
#include "xmalloc.h"

/* True if n digits start at p. */
static bool
when_digits(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)p[i]))
			return false;
	}
	return true;
}

/* True for an RFC 3339 date-time with offset:
 * YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM). Ranges are the daemon's
 * to check. */
bool
when_is_rfc3339(const char *text)
{
	const char *p = text;

	if (strlen(text) < 20 || !when_digits(p, 4) || p[4] != '-' ||
	    !when_digits(p + 5, 2) || p[7] != '-' || !when_digits(p + 8, 2) ||
	    (p[10] != 'T' && p[10] != 't') || !when_digits(p + 11, 2) ||
	    p[13] != ':' || !when_digits(p + 14, 2) || p[16] != ':' ||
	    !when_digits(p + 17, 2))
		return false;
	p += 19;
	if (*p == '.') {
		if (!when_digits(++p, 1))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0')
		return true;
	return (*p == '+' || *p == '-') && when_digits(p + 1, 2) &&
	    p[3] == ':' && when_digits(p + 4, 2) && p[6] == '\0';
}

/* Write text as RFC 3339 into out: an RFC 3339 value as it is, a local
 * "YYYY-MM-DD HH:MM" (or "HH:MM", today) with the offset of the local
 * time zone then (the programme's: client/zone.h). Returns
 * 0, or -1 if text is neither, names no real local time (2026-02-30, or
 * a time skipped by a change to summer time), or does not fit. */
int
when_rfc3339(const char *text, char *out, size_t len)
{
	struct tm tm, want;
	char zone[8];
	const char *end;
	time_t t;

	char today[11 + 6];
	time_t now;

	if (when_is_rfc3339(text))
		return snprintf(out, len, "%s", text) < (int)len ? 0 : -1;
	/* "HH:MM" alone is today's, in the local zone. */
	if (strlen(text) == 5 && when_digits(text, 2) && text[2] == ':' &&
	    when_digits(text + 3, 2)) {
		now = time(NULL);
		if (when_date(now, today, 11) != 0)
			return -1;
		today[10] = ' ';
		memcpy(today + 11, text, 6);
		text = today;
	}
	/* Exactly "YYYY-MM-DD HH:MM": strptime alone would take " 9:00". */
	if (strlen(text) != 16 || !when_digits(text, 4) || text[4] != '-' ||
	    !when_digits(text + 5, 2) || text[7] != '-' ||
	    !when_digits(text + 8, 2) || text[10] != ' ' ||
	    !when_digits(text + 11, 2) || text[13] != ':' ||
	    !when_digits(text + 14, 2))
		return -1;
	memset(&tm, 0, sizeof(tm));
	end = strptime(text, "%Y-%m-%d %H:%M", &tm);
	if (end == NULL || *end != '\0')
		return -1;
	want = tm;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	/* mktime moves what does not exist; the fields must come back. */
	if (t == (time_t)-1 || tm.tm_year != want.tm_year ||
	    tm.tm_mon != want.tm_mon || tm.tm_mday != want.tm_mday ||
	    tm.tm_hour != want.tm_hour || tm.tm_min != want.tm_min)
		return -1;
	/* %z is +hhmm; RFC 3339 wants +hh:mm. */
	if (strftime(zone, sizeof(zone), "%z", &tm) != 5)
		return -1;
	if (snprintf(out, len, "%04d-%02d-%02dT%02d:%02d:00%.3s:%.2s",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, zone, zone + 3) >= (int)len)
		return -1;
	return 0;
}

/* Write t as RFC 3339 in the local time zone, to the second. Returns 0,
 * or -1 if it does not fit. */
int
when_format(time_t t, char *out, size_t len)
{
	struct tm tm;
	char zone[8];

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(zone, sizeof(zone), "%z", &tm) != 5)
		return -1;
	if (snprintf(out, len, "%04d-%02d-%02dT%02d:%02d:%02d%.3s:%.2s",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, zone, zone + 3) >= (int)len)
		return -1;
	return 0;
}

/* Write the local date of t as YYYY-MM-DD. Returns 0, or -1. */
int
when_date(time_t t, char *out, size_t len)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(out, len, "%Y-%m-%d", &tm) == 0)
		return -1;
	return 0;
}

/* Read an RFC 3339 time into *t. Returns 0, or -1 if it is not one. */
int
when_parse(const char *text, time_t *t)
{
	struct tm tm;
	const char *p;
	long offset = 0;
	int oh, om;

	if (!when_is_rfc3339(text))
		return -1;
	memset(&tm, 0, sizeof(tm));
	if (sscanf(text, "%4d-%2d-%2d%*1[Tt]%2d:%2d:%2d", &tm.tm_year,
	    &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
	    &tm.tm_sec) != 6)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	p = text + 19;
	while (*p == '.' || isdigit((unsigned char)*p))
		p++;
	if (*p == '+' || *p == '-') {
		if (sscanf(p + 1, "%2d:%2d", &oh, &om) != 2)
			return -1;
		offset = (oh * 60L + om) * 60L * (*p == '-' ? -1 : 1);
	}
	*t = timegm(&tm) - offset;
	return 0;
}

/* An RFC 3339 time written again in the local zone, its fraction of a
 * second kept: text as it is when it is in that zone already (the usual
 * case: the daemon answers in the programme's zone). NULL when text is
 * no RFC 3339 time. */
char *
when_local(const char *text)
{
	struct tm tm;
	char zone[8];
	const char *frac, *end;
	time_t t;

	if (when_parse(text, &t) != 0 || localtime_r(&t, &tm) == NULL ||
	    strftime(zone, sizeof(zone), "%z", &tm) != 5)
		return NULL;
	frac = end = text + 19;
	while (*end == '.' || isdigit((unsigned char)*end))
		end++;
	if (end[0] == zone[0] && strncmp(end + 1, zone + 1, 2) == 0 &&
	    strncmp(end + 4, zone + 3, 2) == 0)
		return xstrdup(text);
	return xasprintf("%04d-%02d-%02dT%02d:%02d:%02d%.*s%.3s:%.2s",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)(end - frac), frac, zone, zone + 3);
}
