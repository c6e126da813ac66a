#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "daemon/times.h"

/*
 * PostgreSQL writes a time of a zone's local mean time with the offset of
 * that time, in seconds: "1900-01-01T00:00:00+08:05:43" (Asia/Shanghai
 * before 1901). RFC 3339 (section 5.6) has no room for seconds in an
 * offset, so such a time is written again in UTC, "+00:00": the same
 * instant, the fraction of a second kept. The date rules keep new records
 * away from such times; they remain possible in older rows and in the
 * bounds of a report of such a period.
 */

/* Length of "YYYY-MM-DDTHH:MM:SS" and of an offset "+HH:MM:SS". */
#define TIMES_BASE	19
#define TIMES_OFFSET	9
#define TIMES_FRACTION	9	/* most digits of a fraction read */

/* Days from 1970-01-01 to a day of the proleptic Gregorian calendar
 * (H. Hinnant's days_from_civil). */
static int64_t
times_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The day of the proleptic Gregorian calendar z days from 1970-01-01. */
static void
times_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* Whether s[0..n) are digits; their value in *v. */
static bool
times_digits(const char *s, size_t n, int *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

/* Whether the offset ends just before json[q], a closing quote:
 * "+HH:MM:SS". */
static bool
times_seconds_offset(const char *json, size_t q)
{
	const char *o = json + q - TIMES_OFFSET;
	int v;

	return q >= TIMES_BASE + TIMES_OFFSET + 1 && (o[0] == '+' ||
	    o[0] == '-') && times_digits(o + 1, 2, &v) && o[3] == ':' &&
	    times_digits(o + 4, 2, &v) && o[6] == ':' &&
	    times_digits(o + 7, 2, &v);
}

/* The string json[o..q) (between its quotes) written in UTC into out;
 * false when it is not a time with a seconds offset. */
static bool
times_convert(const char *s, size_t n, struct buf *out)
{
	int Y, M, D, h, mi, sec, oh, om, os, sign;
	size_t frac = n - TIMES_BASE - TIMES_OFFSET;
	const char *off = s + n - TIMES_OFFSET;
	int64_t t, year;
	char text[48];
	int v;

	if (n < TIMES_BASE + TIMES_OFFSET ||
	    (frac != 0 && (frac < 2 || frac > TIMES_FRACTION + 1 ||
	    s[TIMES_BASE] != '.' ||
	    !times_digits(s + TIMES_BASE + 1, frac - 1, &v))))
		return false;
	if (!times_digits(s, 4, &Y) || s[4] != '-' ||
	    !times_digits(s + 5, 2, &M) || s[7] != '-' ||
	    !times_digits(s + 8, 2, &D) || s[10] != 'T' ||
	    !times_digits(s + 11, 2, &h) || s[13] != ':' ||
	    !times_digits(s + 14, 2, &mi) || s[16] != ':' ||
	    !times_digits(s + 17, 2, &sec) || M < 1 || M > 12 || D < 1 ||
	    D > 31 || h > 23 || mi > 59 || sec > 60)
		return false;
	sign = off[0] == '-' ? -1 : 1;
	(void)times_digits(off + 1, 2, &oh);
	(void)times_digits(off + 4, 2, &om);
	(void)times_digits(off + 7, 2, &os);
	t = times_days_from_civil(Y, M, D) * 86400 + h * 3600 + mi * 60 +
	    sec - sign * (oh * 3600 + om * 60 + os);
	times_civil_from_days(t >= 0 ? t / 86400 : -((-t + 86399) / 86400),
	    &year, &M, &D);
	t -= times_days_from_civil(year, M, D) * 86400;
	if (year < 0 || year > 9999)
		return false;
	snprintf(text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02d",
	    (int)year, M, D, (int)(t / 3600), (int)(t / 60 % 60),
	    (int)(t % 60));
	buf_puts(out, text);
	buf_add(out, s + TIMES_BASE, frac);
	buf_puts(out, "+00:00");
	return true;
}

/* The JSON text json[0..len) with every time of an offset in seconds
 * written in UTC, in a new string of *newlen bytes (the caller frees it);
 * NULL when there is none, which is nearly always. */
char *
times_rfc3339(const char *json, size_t len, size_t *newlen)
{
	struct buf out = { NULL, 0, 0 };
	const char *q;
	size_t done = 0, at = 0, o;

	while ((q = memchr(json + at, '"', len - at)) != NULL) {
		at = (size_t)(q - json) + 1;
		if (!times_seconds_offset(json, at - 1))
			continue;
		/* The opening quote, not an escaped one. */
		for (o = at - 1 - TIMES_BASE - TIMES_OFFSET; o > done &&
		    at - 1 - o <= TIMES_BASE + TIMES_OFFSET + TIMES_FRACTION + 2 &&
		    json[o] != '"'; o--)
			;
		if (json[o] != '"' || (o > 0 && json[o - 1] == '\\'))
			continue;
		buf_add(&out, json + done, o + 1 - done);
		if (!times_convert(json + o + 1, at - 2 - o, &out))
			buf_add(&out, json + o + 1, at - 2 - o);
		done = at - 1;
	}
	if (out.data == NULL)
		return NULL;
	buf_add(&out, json + done, len - done);
	*newlen = out.len;
	return out.data;
}
