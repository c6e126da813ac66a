#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "buf.h"
#include "client/call.h"
#include "client/cmd.h"
#include "client/csvread.h"
#include "client/i18n.h"
#include "client/refusal.h"
#include "client/when.h"
#include "client/xlsxread.h"
#include "keyfile.h"
#include "uuid.h"
#include "wire.h"
#include "xmalloc.h"

static const char import_about[] =
N_("volunteers: register the volunteers of a spreadsheet, one a row. shifts:\n"
"record the paper records of completed shifts, one a row. FILE is CSV\n"
"(UTF-8, with or without a byte order mark, or GB18030 as Excel writes it\n"
"in China) or an Excel or WPS workbook (.xlsx, its first sheet). Its\n"
"first row names the columns, in Chinese or English (vpoints(1) lists the\n"
"headings); --columns FILE maps other headings, one \"field = heading\" a\n"
"line. Every row is checked by vpointsd as the single command would be;\n"
"a refused row is reported with its number and reason and the others are\n"
"imported, in batches of --batch rows, each one transaction (shifts:\n"
"--connections batches at once, each on a connection of its own; a batch\n"
"that names a volunteer of one in flight waits for it). Running the same\n"
"file again imports no row twice. --dry-run checks every row and changes\n"
"nothing.\n");

/* What a cell of a column becomes. */
enum import_type {
	IMPORT_TEXT,		/* as written, trimmed */
	IMPORT_DATE,		/* YYYY-MM-DD */
	IMPORT_MONTH,		/* YYYY-MM */
	IMPORT_GENDER,		/* female, male, other */
	IMPORT_BOOL,		/* true, false */
	IMPORT_LIST,		/* a list of texts */
	IMPORT_TIME		/* a time, or a date and time */
};

/* A field of a row: its JSON member, its headings (the first is the one
 * vpoints(1) documents; "|" between them), what its cells are. */
struct import_field {
	const char	*field;
	const char	*headings;
	enum import_type type;
	bool		 required;
};

/* Volunteers (POST /v1/volunteers's fields). */
static const struct import_field import_volunteer_fields[] = {
	{ "number", "志愿者编号|编号|number", IMPORT_TEXT, true },
	{ "name", "姓名|name", IMPORT_TEXT, true },
	{ "community", "社区|community", IMPORT_TEXT, false },
	{ "registered_on", "注册日期|登记日期|registered_on", IMPORT_DATE,
	    false },
	{ "consent", "同意授权|同意|consent", IMPORT_BOOL, false },
	{ "gender", "性别|gender", IMPORT_GENDER, false },
	{ "birth_month", "出生年月|birth_month", IMPORT_MONTH, false },
	{ "phone", "手机号|手机号码|联系电话|phone", IMPORT_TEXT, false },
	{ "skills", "技能|特长|skills", IMPORT_LIST, false },
	{ "teams", "队伍|teams", IMPORT_LIST, false },
	{ "id_number", "身份证号|身份证号码|证件号码|id_number", IMPORT_TEXT,
	    false },
	{ "platform_number", "平台编号|全国志愿服务信息系统编号|"
	    "platform_number", IMPORT_TEXT, false },
	{ NULL, NULL, IMPORT_TEXT, false }
};

/* Paper records of shifts (POST /v1/shifts's fields; date, start and end
 * make started_at and ended_at). */
static const struct import_field import_shift_fields[] = {
	{ "volunteer", "志愿者编号|编号|volunteer", IMPORT_TEXT, true },
	{ "activity", "活动代码|activity", IMPORT_TEXT, false },
	{ "date", "服务日期|日期|date", IMPORT_DATE, false },
	{ "start", "开始时间|开始|start", IMPORT_TIME, true },
	{ "end", "结束时间|结束|end", IMPORT_TIME, true },
	{ "activity_name", "活动名称|activity_name", IMPORT_TEXT, false },
	{ "place", "服务地点|地点|place", IMPORT_TEXT, false },
	{ "content", "服务内容|内容|content", IMPORT_TEXT, false },
	{ "served", "服务对象|served", IMPORT_TEXT, false },
	{ "lead", "负责人|lead", IMPORT_TEXT, false },
	{ NULL, NULL, IMPORT_TEXT, false }
};

#define IMPORT_MAX_FIELDS	16
#define IMPORT_BATCH_BYTES	49152	/* a batch's body: under the daemon's
					 * default max_body_size (64 KiB) */
#define IMPORT_CONNECTIONS	2	/* batches of shifts in flight: the
					 * database works on one while the
					 * daemon reads the next (doc/
					 * performance.md, "Import") */
#define IMPORT_MAX_CONNECTIONS	8

struct import;

/* A batch sent on a connection of its own, by a thread of its own, and
 * what came back. */
struct import_slot {
	struct import	*im;
	struct net	*net;		/* opened on its first batch */
	pthread_t	 thread;
	bool		 busy;		/* holds a batch not yet taken in */
	bool		 threaded;	/* thread runs (else: not sent) */
	char		*body;
	char		 idem[UUID_TEXT_LEN];
	size_t		 rows;		/* the rows it stands for, those
					 * refused here included */
	json_t		*pending;	/* the refusals of those rows */
	char		**volunteers;	/* the numbers its rows name, sorted */
	size_t		 nvolunteers;
	enum call_outcome outcome;
	struct net_response resp;
};

/* A file of rows, CSV or a workbook, read from its start. */
struct import_source {
	const char	*path;
	enum csvread_encoding encoding;
	char		*data;		/* CSV: the file's bytes */
	size_t		 len;
	struct csvread	*csv;
	struct xlsxread	*xlsx;
};

/* One import: what it reads, where it sends, what came of it. */
struct import {
	struct client	*cl;
	const char	*kind;		/* "volunteer" or "shift" */
	const struct import_field *fields;
	const char	*path;		/* the route */
	char		*name;		/* the file's base name: the row keys */
	const char	*mapped[IMPORT_MAX_FIELDS]; /* --columns headings */
	int		 column[IMPORT_MAX_FIELDS]; /* each field's, or -1 */
	const char	*activity;	/* --activity */
	const char	*community;	/* --community */
	bool		 dry_run;
	long long	 batch;
	bool		 progress;
	size_t		 header_row;	/* the row that names the columns */
	size_t		 total;		/* data rows in the file */
	size_t		 done;
	size_t		 imported, already, refused;
	json_t		*refusals;	/* [{row, type, detail}] */
	json_t		*pending;	/* those of the batch, not printed */
	struct buf	 body;		/* the batch being filled */
	size_t		 inbatch;
	char		**volunteers;	/* the numbers its rows name */
	size_t		 nvolunteers;
	struct import_slot slots[IMPORT_MAX_CONNECTIONS];
	size_t		 nslots;	/* --connections */
	size_t		 next;		/* the slot of the next batch: the
					 * oldest in flight, if any */
};

/* Read path whole into memory (at most max bytes); -1 with a message. */
static int
import_slurp(const char *path, size_t max, char **data, size_t *len)
{
	struct stat sb;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL || fstat(fileno(f), &sb) != 0) {
		fprintf(stderr, _("vpoints: %s: %s\n"), path, strerror(errno));
		if (f != NULL)
			fclose(f);
		return -1;
	}
	if (!S_ISREG(sb.st_mode) || (size_t)sb.st_size > max) {
		fprintf(stderr, _("vpoints: %s: not a file, or larger than "
		    "%zu MiB\n"), path, max / (1024 * 1024));
		fclose(f);
		return -1;
	}
	*data = xmalloc((size_t)sb.st_size + 1);
	*len = fread(*data, 1, (size_t)sb.st_size, f);
	if (ferror(f) || *len != (size_t)sb.st_size) {
		fprintf(stderr, _("vpoints: %s: cannot be read\n"), path);
		free(*data);
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

/* True if the file is a zip (a workbook), by its first bytes. */
static bool
import_is_zip(const char *path)
{
	unsigned char magic[4];
	FILE *f = fopen(path, "rb");
	bool zip;

	if (f == NULL)
		return false;
	zip = fread(magic, 1, 4, f) == 4 && memcmp(magic, "PK\3\4", 4) == 0;
	fclose(f);
	return zip;
}

/* Open the source (again) at its first row; -1 with a message. */
static int
import_open(struct import_source *s)
{
	char err[256];

	if (import_is_zip(s->path)) {
		if ((s->xlsx = xlsxread_open(s->path, err, sizeof(err))) ==
		    NULL) {
			fprintf(stderr, _("vpoints: %s: %s\n"), s->path, err);
			return -1;
		}
		return 0;
	}
	if (s->data == NULL && import_slurp(s->path, CSVREAD_MAX_BYTES,
	    &s->data, &s->len) != 0)
		return -1;
	s->csv = csvread_new(s->data, s->len, s->encoding, err, sizeof(err));
	if (s->csv == NULL) {
		fprintf(stderr, _("vpoints: %s: %s\n"), s->path, err);
		return -1;
	}
	return 0;
}

/* The next row: 1, 0 at the end, -1 with a message. */
static int
import_next(struct import_source *s, const char *const **cells, size_t *n,
    size_t *row)
{
	char err[256];
	int rc;

	if (s->xlsx != NULL)
		return xlsxread_row(s->xlsx, cells, n, row);
	if ((rc = csvread_row(s->csv, cells, n, row, err, sizeof(err))) < 0)
		fprintf(stderr, _("vpoints: %s: %s\n"), s->path, err);
	return rc;
}

/* Close what import_open opened (the CSV's bytes stay for a reopen). */
static void
import_close(struct import_source *s)
{
	csvread_free(s->csv);
	s->csv = NULL;
	xlsxread_free(s->xlsx);
	s->xlsx = NULL;
}

/* A cell without the spaces around it (ASCII and the ideographic space),
 * as a new string. */
static char *
import_trim(const char *cell)
{
	const char *end;

	for (;;) {
		if (isspace((unsigned char)*cell))
			cell++;
		else if (strncmp(cell, "\xe3\x80\x80", 3) == 0)
			cell += 3;
		else
			break;
	}
	end = cell + strlen(cell);
	for (;;) {
		if (end > cell && isspace((unsigned char)end[-1]))
			end--;
		else if (end - cell >= 3 && strncmp(end - 3, "\xe3\x80\x80",
		    3) == 0)
			end -= 3;
		else
			break;
	}
	return xstrndup(cell, (size_t)(end - cell));
}

/* True if a heading names field f (a --columns heading replaces the
 * defaults). */
static bool
import_heading_is(const struct import *im, size_t f, const char *heading)
{
	const char *h, *bar;
	size_t len;

	if (im->mapped[f] != NULL)
		return strcmp(im->mapped[f], heading) == 0;
	for (h = im->fields[f].headings; *h != '\0'; h = bar + 1) {
		bar = strchr(h, '|');
		len = bar != NULL ? (size_t)(bar - h) : strlen(h);
		if (strlen(heading) == len && strncasecmp(h, heading, len) == 0)
			return true;
		if (bar == NULL)
			break;
	}
	return false;
}

/* Read the --columns file: "field = heading" lines, # comments. */
static int
import_mapping(struct import *im, const char *path)
{
	char *data, *line, *next, *eq, *field, *heading;
	size_t len, f;
	int lineno = 0, rc = -1;

	if (import_slurp(path, 65536, &data, &len) != 0)
		return -1;
	data[len] = '\0';
	for (line = data; line != NULL; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		field = import_trim(line);
		if (*field == '\0' || *field == '#') {
			free(field);
			continue;
		}
		if ((eq = strchr(field, '=')) == NULL) {
			fprintf(stderr, _("vpoints: %s, line %d: not \"field = "
			    "heading\"\n"), path, lineno);
			free(field);
			goto out;
		}
		*eq = '\0';
		heading = import_trim(eq + 1);
		eq = import_trim(field);
		for (f = 0; im->fields[f].field != NULL; f++)
			if (strcmp(im->fields[f].field, eq) == 0)
				break;
		if (im->fields[f].field == NULL || *heading == '\0') {
			fprintf(stderr, _("vpoints: %s, line %d: no field %s, "
			    "or no heading\n"), path, lineno, eq);
			free(eq);
			free(heading);
			free(field);
			goto out;
		}
		free((char *)im->mapped[f]);
		im->mapped[f] = heading;
		free(eq);
		free(field);
	}
	rc = 0;
out:
	free(data);
	return rc;
}

/* Map the header row's columns to fields: how many of them it names, or
 * -1 if a required one is missing (said on standard error unless
 * quiet). */
static int
import_header(struct import *im, const char *const *cells, size_t n,
    bool quiet)
{
	size_t f, i;
	int named = 0, missing = -1;
	char *h;

	for (f = 0; im->fields[f].field != NULL; f++) {
		im->column[f] = -1;
		for (i = 0; i < n && im->column[f] < 0; i++) {
			h = import_trim(cells[i]);
			if (import_heading_is(im, f, h))
				im->column[f] = (int)i;
			free(h);
		}
		if (im->column[f] >= 0)
			named++;
		else if (im->fields[f].required && missing < 0)
			missing = (int)f;
	}
	if (missing < 0)
		return named;
	if (!quiet)
		fprintf(stderr, _("vpoints: %s: no column is headed %s (the "
		    "field %s); see --columns\n"), im->name,
		    im->mapped[missing] != NULL ? im->mapped[missing] :
		    im->fields[missing].headings, im->fields[missing].field);
	return -1;
}

/* How many fields the columns last mapped name. */
static int
import_named(const struct import *im)
{
	size_t f;
	int named = 0;

	for (f = 0; im->fields[f].field != NULL; f++)
		if (im->column[f] >= 0)
			named++;
	return named;
}

/* True if every cell is empty. */
static bool
import_blank(const char *const *cells, size_t n)
{
	size_t i;
	const char *s;

	for (i = 0; i < n; i++)
		for (s = cells[i]; *s != '\0'; s++)
			if (!isspace((unsigned char)*s))
				return false;
	return true;
}

/* A spreadsheet serial (days since 1899-12-30, the time a fraction) as
 * a date and a time; false if text is not one. */
static bool
import_serial(const char *text, char *date, size_t datelen, char *hm,
    size_t hmlen, bool *has_date)
{
	char *end;
	double v;
	long days;
	int minutes;
	time_t t;
	struct tm tm;

	errno = 0;
	v = strtod(text, &end);
	if (errno != 0 || end == text || *end != '\0' || !(v >= 0) ||
	    v >= 2958466)
		return false;
	days = (long)v;		/* v >= 0: the whole days */
	minutes = (int)((v - (double)days) * 1440.0 + 0.5);
	if (minutes == 1440) {
		days++;
		minutes = 0;
	}
	*has_date = days > 0;
	t = (time_t)(days - 25569) * 86400;	/* 1970-01-01 is 25569 */
	gmtime_r(&t, &tm);
	snprintf(date, datelen, "%04d-%02d-%02d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday);
	snprintf(hm, hmlen, "%02d:%02d", minutes / 60, minutes % 60);
	return true;
}

/* A date written the ways people write them (2026-03-01, 2026/3/1,
 * 2026.3.1, 2026年3月1日), or a serial, as YYYY-MM-DD; false if not. */
static bool
import_date(const char *text, char *out, size_t len)
{
	int y, m, d, n = 0;
	char hm[16];
	bool has_date;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (import_serial(text, out, len, hm, sizeof(hm), &has_date))
		return has_date;
	if ((sscanf(text, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 ||
	    text[n] != '\0') &&
	    (sscanf(text, "%4d/%2d/%2d%n", &y, &m, &d, &n) != 3 ||
	    text[n] != '\0') &&
	    (sscanf(text, "%4d.%2d.%2d%n", &y, &m, &d, &n) != 3 ||
	    text[n] != '\0') &&
	    (sscanf(text, "%4d\xe5\xb9\xb4%2d\xe6\x9c\x88%2d\xe6\x97\xa5%n",
	    &y, &m, &d, &n) != 3 || text[n] != '\0'))
		return false;
	if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 ||
	    d > mdays[m - 1] || (m == 2 && d == 29 &&
	    !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))))
		return false;
	snprintf(out, len, "%04d-%02d-%02d", y, m, d);
	return true;
}

/* A month (2026-03, 2026/3, 2026年3月) or a date in it, as YYYY-MM;
 * false if not. */
static bool
import_month(const char *text, char *out, size_t len)
{
	char day[48];

	if (strlen(text) > 20)
		return false;
	if (!import_date(text, out, len)) {
		snprintf(day, sizeof(day), "%s%s1%s", text,
		    strstr(text, "\xe6\x9c\x88") != NULL ? "" :
		    strchr(text, '/') != NULL ? "/" : "-",
		    strstr(text, "\xe6\x9c\x88") != NULL ? "\xe6\x97\xa5" : "");
		if (!import_date(day, out, len))
			return false;
	}
	out[7] = '\0';
	return true;
}

/* A time of day (8:30, 08:30:00, a fraction of a day), or a date and a
 * time ("2026-03-01 08:30", a serial): the time as HH:MM and, when the
 * cell has one, the date; false if not. */
static bool
import_time(const char *text, char *date, size_t datelen, char *hm,
    size_t hmlen, bool *has_date)
{
	int h, m, s, n = 0;
	char day[32];
	const char *sp;

	*has_date = false;
	if (import_serial(text, date, datelen, hm, hmlen, has_date))
		return true;
	if ((sp = strchr(text, ' ')) != NULL || (sp = strchr(text, 'T')) !=
	    NULL) {
		if ((size_t)(sp - text) >= sizeof(day))
			return false;
		memcpy(day, text, (size_t)(sp - text));
		day[sp - text] = '\0';
		if (!import_date(day, date, datelen))
			return false;
		*has_date = true;
		text = sp + 1;
	}
	if ((sscanf(text, "%2d:%2d:%2d%n", &h, &m, &s, &n) != 3 ||
	    text[n] != '\0') && (sscanf(text, "%2d:%2d%n", &h, &m, &n) != 2 ||
	    text[n] != '\0'))
		return false;
	if (h < 0 || h > 23 || m < 0 || m > 59)
		return false;
	snprintf(hm, hmlen, "%02d:%02d", h, m);
	return true;
}

/* A yes or no cell; -1 if it is neither. */
static int
import_bool(const char *text)
{
	static const char *const yes[] = { "是", "同意", "有", "yes", "y",
	    "true", "1", NULL };
	static const char *const no[] = { "否", "不同意", "无", "no", "n",
	    "false", "0", NULL };
	size_t i;

	for (i = 0; yes[i] != NULL; i++)
		if (strcasecmp(text, yes[i]) == 0)
			return 1;
	for (i = 0; no[i] != NULL; i++)
		if (strcasecmp(text, no[i]) == 0)
			return 0;
	return -1;
}

/* A list cell: texts between commas, 、 or semicolons (either width). */
static json_t *
import_list(const char *text)
{
	static const char *const seps[] = { ",", ";", "\xef\xbc\x8c",
	    "\xe3\x80\x81", "\xef\xbc\x9b", NULL };
	json_t *list = json_array();
	const char *p = text, *best;
	size_t i, seplen = 0;
	char *item, *trimmed;

	for (;;) {
		best = NULL;
		for (i = 0; seps[i] != NULL; i++) {
			const char *at = strstr(p, seps[i]);

			if (at != NULL && (best == NULL || at < best)) {
				best = at;
				seplen = strlen(seps[i]);
			}
		}
		item = best != NULL ? xstrndup(p, (size_t)(best - p)) :
		    xstrdup(p);
		trimmed = import_trim(item);
		if (*trimmed != '\0')
			json_array_append_new(list, json_string(trimmed));
		free(trimmed);
		free(item);
		if (best == NULL)
			break;
		p = best + seplen;
	}
	return list;
}

/* A cell as its field's JSON value; NULL with why set if it is not. */
static json_t *
import_value(const struct import_field *f, const char *text, char *why,
    size_t len)
{
	char out[32], hm[16];
	bool has_date;
	int b;

	switch (f->type) {
	case IMPORT_TEXT:
		return json_string(text);
	case IMPORT_DATE:
		if (import_date(text, out, sizeof(out)))
			return json_string(out);
		snprintf(why, len, _("\"%s\" is not a date (YYYY-MM-DD)"),
		    text);
		return NULL;
	case IMPORT_MONTH:
		if (import_month(text, out, sizeof(out)))
			return json_string(out);
		snprintf(why, len, _("\"%s\" is not a month (YYYY-MM)"), text);
		return NULL;
	case IMPORT_GENDER:
		if (strcmp(text, "男") == 0)
			return json_string("male");
		if (strcmp(text, "女") == 0)
			return json_string("female");
		if (strcmp(text, "其他") == 0)
			return json_string("other");
		return json_string(text);
	case IMPORT_BOOL:
		if ((b = import_bool(text)) >= 0)
			return json_boolean(b);
		snprintf(why, len, _("\"%s\" is neither yes nor no"), text);
		return NULL;
	case IMPORT_LIST:
		return import_list(text);
	case IMPORT_TIME:
		if (import_time(text, out, sizeof(out), hm, sizeof(hm),
		    &has_date)) {
			if (has_date)
				return json_sprintf("%s %s", out, hm);
			return json_string(hm);
		}
		snprintf(why, len, _("\"%s\" is not a time (HH:MM)"), text);
		return NULL;
	default:
		abort();
	}
}

/* A shift's date, start and end as started_at and ended_at (local time,
 * RFC 3339); -1 with why set. */
static int
import_shift_times(json_t *row, char *why, size_t len)
{
	const char *date = json_string_value(json_object_get(row, "date"));
	const char *which[] = { "start", "end" };
	const char *member[] = { "started_at", "ended_at" };
	char local[40], rfc[WHEN_RFC3339_LEN];
	const char *t;
	size_t i;

	for (i = 0; i < 2; i++) {
		t = json_string_value(json_object_get(row, which[i]));
		if (t == NULL)
			continue;	/* the daemon says it is required */
		if (strlen(t) == 5) {
			if (date == NULL) {
				snprintf(why, len, _("the %s time has no date "
				    "(a date column, or a date in the cell)"),
				    which[i]);
				return -1;
			}
			snprintf(local, sizeof(local), "%s %s", date, t);
		} else
			snprintf(local, sizeof(local), "%s", t);
		if (when_rfc3339(local, rfc, sizeof(rfc)) != 0) {
			snprintf(why, len, _("%s is not a local time"), local);
			return -1;
		}
		json_object_set_new(row, member[i], json_string(rfc));
		json_object_del(row, which[i]);
	}
	json_object_del(row, "date");
	return 0;
}

/* The row's key: a MAC (BLAKE2b keyed by the station's secret key) of the
 * kind, the file's base name and the row's fields (not its ID number,
 * which is kept out of what the database stores), as 32 hex digits. A
 * row changed in the file is a new row. Keyed, since the database keeps
 * the keys: a plain hash of a row would confirm a guess of its phone or
 * birth month after the volunteer's consent went. The rows of a station
 * are its keys' own (sql/functions/import.sql), so another key's keys
 * need not match. */
static void
import_key(const struct import *im, json_t *row, char *hex, size_t len)
{
	crypto_generichash_state st;
	unsigned char h[16];
	json_t *copy = json_copy(row);
	char *text;

	json_object_del(copy, "id_number");
	text = json_dumps(copy, JSON_COMPACT | JSON_SORT_KEYS);
	/* The seed: the first half of libsodium's secret key. */
	crypto_generichash_init(&st, im->cl->key->sk, 32, sizeof(h));
	crypto_generichash_update(&st, (const unsigned char *)
	    "vpoints import 2", 17);
	crypto_generichash_update(&st, (const unsigned char *)im->kind,
	    strlen(im->kind) + 1);
	crypto_generichash_update(&st, (const unsigned char *)im->name,
	    strlen(im->name) + 1);
	crypto_generichash_update(&st, (const unsigned char *)text,
	    strlen(text));
	crypto_generichash_final(&st, h, sizeof(h));
	sodium_memzero(&st, sizeof(st));
	sodium_bin2hex(hex, len, h, sizeof(h));
	free(text);
	json_decref(copy);
}

/* Note a refused row in the refusals of its batch, printed with them. */
static void
import_refuse(struct import *im, json_t *pending, size_t row,
    const char *type, const char *detail)
{
	im->refused++;
	json_array_append_new(pending, json_pack("{s:I, s:s, s:s}",
	    "row", (json_int_t)row, "type", type, "detail", detail));
}

/* Order refusals by row. */
static int
import_by_row(const void *a, const void *b)
{
	json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a,
	    "row"));
	json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b,
	    "row"));

	return x < y ? -1 : x > y;
}

/* Print the refusals of a batch answered, in row order (those found
 * here and those of the daemon), and keep them for --json. */
static void
import_print_refusals(struct import *im, json_t *pending)
{
	size_t n = json_array_size(pending), i;
	json_t **v = xcalloc(n + 1, sizeof(*v));
	const char *type, *slug;

	for (i = 0; i < n; i++)
		v[i] = json_array_get(pending, i);
	qsort(v, n, sizeof(*v), import_by_row);
	if (n > 0 && im->progress)
		fputs("\r\033[K", stderr);
	for (i = 0; i < n; i++) {
		json_array_append(im->refusals, v[i]);
		if (im->cl->json)
			continue;
		type = client_str(v[i], "type");
		slug = strrchr(type, ':');
		printf(_("row %lld: %s: %s\n"), (long long)json_integer_value(
		    json_object_get(v[i], "row")), slug != NULL ? slug + 1 :
		    type, client_str(v[i], "detail"));
	}
	fflush(stdout);
	json_array_clear(pending);
	free(v);
}

/* Draw the progress bar on the terminal. */
static void
import_draw(const struct import *im)
{
	int width = 30, filled;

	if (!im->progress || im->total == 0)
		return;
	filled = (int)(width * im->done / im->total);
	fprintf(stderr, "\r[%.*s%*s] %3d%% %zu/%zu", filled,
	    "##############################", width - filled, "",
	    (int)(100 * im->done / im->total), im->done, im->total);
	fflush(stderr);
}

/* The thread of a slot: send its batch. Fresh Idempotency-Keys: the rows'
 * own keys keep a batch sent again (after no answer) from importing a row
 * twice. */
static void *
import_worker(void *arg)
{
	struct import_slot *s = arg;

	s->outcome = call_send_on(s->im->cl, s->net, "POST", s->im->path,
	    NULL, NULL, s->body, s->idem, &s->resp);
	return NULL;
}

/* Wait for a slot's batch and free what it holds but its connection. */
static void
import_reap(struct import_slot *s)
{
	size_t i;

	if (s->threaded)
		pthread_join(s->thread, NULL);
	s->threaded = false;
	s->busy = false;
	free(s->body);
	s->body = NULL;
	for (i = 0; i < s->nvolunteers; i++)
		free(s->volunteers[i]);
	free(s->volunteers);
	s->volunteers = NULL;
	s->nvolunteers = 0;
	json_decref(s->pending);
	s->pending = NULL;
}

/* Take in the answer of a slot's batch (the oldest in flight): count its
 * rows, print its refusals; 0, or the exit code. */
static int
import_finish(struct import *im, struct import_slot *s)
{
	json_t *answer, *rows, *o;
	char *sentence;
	const char *outcome;
	size_t i;
	int rc = 0;

	if (s->threaded)
		pthread_join(s->thread, NULL);
	s->threaded = false;
	if (s->outcome != CALL_ANSWERED) {
		fprintf(stderr, _("vpoints: import: no answer (%s); %zu rows "
		    "were done: run the same command again to import the "
		    "rest\n"), s->resp.error, im->done);
		rc = WIRE_EXIT_UNAVAILABLE;
		goto out;
	}
	if (s->resp.status >= 300) {
		rc = client_report_problem(im->cl, "import", &s->resp);
		goto out;
	}
	if ((answer = json_loadb(s->resp.body, s->resp.len, 0, NULL)) ==
	    NULL) {
		fprintf(stderr, _("vpoints: import: the daemon's answer is not "
		    "JSON\n"));
		rc = WIRE_EXIT_SOFTWARE;
		goto out;
	}
	rows = json_object_get(answer, "rows");
	json_array_foreach(rows, i, o) {
		outcome = json_string_value(json_object_get(o, "outcome"));
		if (outcome != NULL && strcmp(outcome, "imported") == 0)
			im->imported++;
		else if (outcome != NULL && strcmp(outcome, "already") == 0)
			im->already++;
		else {
			/* The daemon's refusal, said in the user's words
			 * from its type and members (client/refusal.c). */
			sentence = refusal_sentence(o);
			import_refuse(im, s->pending, (size_t)
			    json_integer_value(json_object_get(o, "row")),
			    client_str(o, "type"), sentence != NULL ?
			    sentence : "");
			free(sentence);
		}
	}
	json_decref(answer);
	im->done += s->rows;
	import_print_refusals(im, s->pending);
	import_draw(im);
out:
	net_response_clear(&s->resp);
	import_reap(s);
	return rc;
}

/* Take in every batch in flight, oldest first; 0, or the exit code of
 * the first that failed. */
static int
import_drain(struct import *im)
{
	struct import_slot *s;
	size_t i;
	int rc;

	for (i = 0; i < im->nslots; i++) {
		s = &im->slots[(im->next + i) % im->nslots];
		if (s->busy && (rc = import_finish(im, s)) != 0)
			return rc;
	}
	return 0;
}

/* Wait for every batch in flight and leave its answer: a batch before it
 * failed, and the same command run again finds their rows. */
static void
import_abandon(struct import *im)
{
	size_t i;

	for (i = 0; i < im->nslots; i++) {
		if (!im->slots[i].busy)
			continue;
		/* Its thread first: until then it may still write the answer. */
		import_reap(&im->slots[i]);
		net_response_clear(&im->slots[i].resp);
	}
}

/* Order texts. */
static int
import_by_text(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* True if the batch filled names a volunteer that a batch in flight
 * names too: it must see their rows as one row at a time would (an
 * overlap, a daily cap, a row twice), so it waits for them. */
static bool
import_depends(const struct import *im)
{
	const struct import_slot *s;
	size_t i, j;

	for (i = 0; i < im->nslots; i++) {
		s = &im->slots[i];
		if (!s->busy || s->nvolunteers == 0)
			continue;
		for (j = 0; j < im->nvolunteers; j++)
			if (bsearch(&im->volunteers[j], s->volunteers,
			    s->nvolunteers, sizeof(*s->volunteers),
			    import_by_text) != NULL)
				return true;
	}
	return false;
}

/* Send the batch filled on the next slot, after taking in the batch that
 * slot held (the oldest in flight): one to --connections batches are in
 * flight at once. The refusals found here since the last batch go with
 * it. 0, or the exit code. */
static int
import_send(struct import *im)
{
	struct import_slot *s;
	int rc;

	/* None (a batch of volunteers): no array, which qsort may not take. */
	if (im->nvolunteers > 0)
		qsort(im->volunteers, im->nvolunteers, sizeof(*im->volunteers),
		    import_by_text);
	if (import_depends(im) && (rc = import_drain(im)) != 0)
		return rc;
	s = &im->slots[im->next];
	if (s->busy && (rc = import_finish(im, s)) != 0)
		return rc;
	s->im = im;
	s->busy = true;
	s->body = xasprintf("{\"dry_run\":%s,\"rows\":[%s]}",
	    im->dry_run ? "true" : "false", im->body.data);
	uuid_random(s->idem, sizeof(s->idem));
	s->rows = im->inbatch + json_array_size(im->pending);
	s->pending = im->pending;
	im->pending = json_array();
	s->volunteers = im->volunteers;
	s->nvolunteers = im->nvolunteers;
	im->volunteers = NULL;
	im->nvolunteers = 0;
	im->inbatch = 0;
	im->body.len = 0;
	im->body.data[0] = '\0';
	im->next = (im->next + 1) % im->nslots;
	/* The key is loaded and the connection opened here, before the
	 * thread: call_send_on then reads the client only. */
	if (call_ready(im->cl, &s->resp) != 0 || (s->net == NULL &&
	    (s->net = client_net_open(im->cl, &s->resp)) == NULL)) {
		s->outcome = CALL_NOT_SENT;
		return 0;
	}
	if (pthread_create(&s->thread, NULL, import_worker, s) == 0)
		s->threaded = true;
	else
		import_worker(s);
	return 0;
}

/* Add a data row to the batch (or refuse it here); 0, or the exit code. */
static int
import_row(struct import *im, size_t rownum, const char *const *cells,
    size_t n)
{
	json_t *row = json_object(), *value;
	char why[256], key[33], *text, *cell;
	const char *vol;
	size_t f;
	int rc = 0;

	why[0] = '\0';
	for (f = 0; im->fields[f].field != NULL && why[0] == '\0'; f++) {
		if (im->column[f] < 0 || (size_t)im->column[f] >= n)
			continue;
		cell = import_trim(cells[im->column[f]]);
		if (*cell != '\0' && (value = import_value(&im->fields[f],
		    cell, why, sizeof(why))) != NULL)
			json_object_set_new(row, im->fields[f].field, value);
		free(cell);
	}
	if (why[0] == '\0' && strcmp(im->kind, "shift") == 0) {
		if (im->activity != NULL &&
		    json_object_get(row, "activity") == NULL)
			json_object_set_new(row, "activity",
			    json_string(im->activity));
		import_shift_times(row, why, sizeof(why));
	}
	if (why[0] == '\0' && im->community != NULL &&
	    strcmp(im->kind, "volunteer") == 0 &&
	    json_object_get(row, "community") == NULL)
		json_object_set_new(row, "community",
		    json_string(im->community));
	if (why[0] != '\0') {
		import_refuse(im, im->pending, rownum, WIRE_P_INVALID_FIELD,
		    why);
		json_decref(row);
		return 0;
	}
	import_key(im, row, key, sizeof(key));
	json_object_set_new(row, "row", json_integer((json_int_t)rownum));
	json_object_set_new(row, "key", json_string(key));
	text = json_dumps(row, JSON_COMPACT);
	if (im->inbatch > 0 && (im->inbatch >= (size_t)im->batch ||
	    im->body.len + strlen(text) + 1 > IMPORT_BATCH_BYTES))
		rc = import_send(im);
	if (rc != 0) {
		free(text);
		json_decref(row);
		return rc;
	}
	if (im->inbatch > 0)
		buf_puts(&im->body, ",");
	buf_puts(&im->body, text);
	im->inbatch++;
	free(text);
	if ((vol = json_string_value(json_object_get(row, "volunteer"))) !=
	    NULL && strcmp(im->kind, "shift") == 0) {
		im->volunteers = xrealloc(im->volunteers,
		    (im->nvolunteers + 1) * sizeof(*im->volunteers));
		im->volunteers[im->nvolunteers++] = xstrdup(vol);
	}
	json_decref(row);
	return 0;
}

/* The rows a title may take above the header row (a sheet's name, the
 * programme's, a date: spreadsheets made for printing have them). */
#define IMPORT_TITLE_ROWS	5

/* Read the whole file once: a malformed one stops here, before any row
 * is sent; the header is the first row of the first few that names every
 * required field; the data rows after it are counted for the progress
 * bar. */
static int
import_check(struct import *im, struct import_source *src)
{
	const char *const *cells;
	char **first = NULL;
	size_t n, row, seen = 0, nfirst = 0, i;
	int rc, best = 0;

	if (import_open(src) != 0)
		return WIRE_EXIT_DATAERR;
	while ((rc = import_next(src, &cells, &n, &row)) == 1) {
		if (import_blank(cells, n))
			continue;
		if (im->header_row != 0) {
			im->total++;
			continue;
		}
		if (import_header(im, cells, n, true) >= 0)
			im->header_row = row;
		else if (++seen == 1 || import_named(im) > best) {
			/* The row most like a header, kept to say what it
			 * lacks if none is one. */
			for (i = 0; i < nfirst; i++)
				free(first[i]);
			free(first);
			first = xcalloc(n + 1, sizeof(*first));
			for (i = 0; i < n; i++)
				first[i] = xstrdup(cells[i]);
			nfirst = n;
			best = import_named(im);
		}
		if (im->header_row == 0 && seen == IMPORT_TITLE_ROWS)
			break;
	}
	import_close(src);
	if (rc >= 0 && im->header_row == 0) {
		if (nfirst == 0)
			fprintf(stderr, _("vpoints: %s: the file has no "
			    "rows\n"), im->name);
		else
			import_header(im, (const char *const *)first, nfirst,
			    false);
		rc = -1;
	}
	for (i = 0; i < nfirst; i++)
		free(first[i]);
	free(first);
	return rc < 0 ? WIRE_EXIT_DATAERR : 0;
}

/* vpoints import volunteers|shifts FILE */
static int
import_run(struct client *cl, struct cmd *c)
{
	struct import im;
	struct import_source src;
	struct net_response resp;
	const char *const *cells;
	const char *file = cmd_arg(c, 0), *slash, *opt;
	size_t n, row, f;
	long long many;
	int rc;

	memset(&im, 0, sizeof(im));
	memset(&src, 0, sizeof(src));
	im.cl = cl;
	if (strcmp(cmd_sub(c), "volunteers") == 0) {
		im.kind = "volunteer";
		im.fields = import_volunteer_fields;
	} else {
		im.kind = "shift";
		im.fields = import_shift_fields;
	}
	im.path = wire_route(cmd_op(c))->pattern;
	slash = strrchr(file, '/');
	im.name = xstrdup(slash != NULL ? slash + 1 : file);
	if (strcmp(im.kind, "shift") == 0)
		im.activity = cmd_get(c, "activity");
	else
		im.community = cmd_get(c, "community");
	im.dry_run = cmd_get(c, "dry-run") != NULL;
	im.nslots = strcmp(im.kind, "shift") == 0 ? IMPORT_CONNECTIONS : 1;
	if (strcmp(im.kind, "shift") == 0 &&
	    (opt = cmd_get(c, "connections")) != NULL) {
		if (client_whole("connections", opt, &many) != 0 ||
		    many < 1 || many > IMPORT_MAX_CONNECTIONS) {
			fprintf(stderr, _("vpoints: --connections must be from "
			    "1 to %d\n"), IMPORT_MAX_CONNECTIONS);
			rc = WIRE_EXIT_USAGE;
			goto out;
		}
		im.nslots = (size_t)many;
	}
	im.batch = 200;
	if ((opt = cmd_get(c, "batch")) != NULL &&
	    (client_whole("batch", opt, &im.batch) != 0 || im.batch < 1 ||
	    im.batch > 1000)) {
		fprintf(stderr, _("vpoints: --batch must be from 1 to 1000\n"));
		rc = WIRE_EXIT_USAGE;
		goto out;
	}
	src.path = file;
	switch (cmd_choice(c, "encoding")) {
	case 1:
		src.encoding = CSVREAD_UTF8;
		break;
	case 2:
		src.encoding = CSVREAD_GB18030;
		break;
	default:
		src.encoding = CSVREAD_AUTO;
		break;
	}
	im.refusals = json_array();
	im.pending = json_array();
	if ((opt = cmd_get(c, "columns")) != NULL &&
	    import_mapping(&im, opt) != 0) {
		rc = WIRE_EXIT_DATAERR;
		goto out;
	}
	if ((rc = import_check(&im, &src)) != 0)
		goto out;
	im.progress = !cl->json && isatty(STDERR_FILENO);
	/* The station's key, which the row keys need (import_key). */
	if (call_ready(cl, &resp) != 0) {
		fprintf(stderr, "vpoints: %s: %s\n", cmd_what(c), resp.error);
		rc = net_exit_code(&resp);
		goto out;
	}
	if (import_open(&src) != 0) {
		rc = WIRE_EXIT_DATAERR;
		goto out;
	}
	while ((rc = import_next(&src, &cells, &n, &row)) == 1) {
		if (row <= im.header_row || import_blank(cells, n))
			continue;
		if ((rc = import_row(&im, row, cells, n)) != 0)
			break;
	}
	if (rc == 0 && im.inbatch > 0)
		rc = import_send(&im);
	else if (rc < 0)
		rc = WIRE_EXIT_DATAERR;
	if (rc == 0 && (rc = import_drain(&im)) == 0) {
		/* Rows refused here after the last batch. */
		im.done += json_array_size(im.pending);
		import_print_refusals(&im, im.pending);
	}
	import_abandon(&im);	/* after a failure: left to a run again */
	import_close(&src);
	if (im.progress)
		fputs("\r\033[K", stderr);
	if (rc != 0)
		goto out;
	if (cl->json) {
		json_t *summary = json_pack("{s:s, s:b, s:I, s:I, s:I, s:I, "
		    "s:O}", "file", im.name, "dry_run", im.dry_run,
		    "rows", (json_int_t)im.total,
		    "imported", (json_int_t)im.imported,
		    "already", (json_int_t)im.already,
		    "refused", (json_int_t)im.refused,
		    "refusals", im.refusals);

		json_dumpf(summary, stdout, JSON_COMPACT);
		putchar('\n');
		json_decref(summary);
	} else if (im.dry_run)
		printf(_("Dry run of %zu rows: %zu would be imported, %zu "
		    "were imported before, %zu would be refused; nothing was "
		    "changed.\n"), im.total, im.imported, im.already,
		    im.refused);
	else
		printf(_("%zu rows: %zu imported, %zu imported before, %zu "
		    "refused.\n"), im.total, im.imported, im.already,
		    im.refused);
	rc = im.refused > 0 ? WIRE_EXIT_DATAERR : WIRE_EXIT_OK;
out:
	for (f = 0; f < IMPORT_MAX_FIELDS; f++)
		free((char *)im.mapped[f]);
	for (f = 0; f < IMPORT_MAX_CONNECTIONS; f++)
		net_close(im.slots[f].net);
	for (f = 0; f < im.nvolunteers; f++)
		free(im.volunteers[f]);
	free(im.volunteers);
	free(src.data);
	free(im.body.data);
	free(im.name);
	json_decref(im.refusals);
	json_decref(im.pending);
	return rc;
}

static const struct cmd_option import_args[] = {
	CMD_ARG("FILE", CMD_STRING, NULL),
	CMD_END
};

static const struct cmd_option import_volunteer_options[] = {
	CMD_OPT("dry-run", CMD_FLAG, NULL, NULL, 0),
	CMD_OPT("columns", CMD_STRING, NULL, "FILE", 0),
	CMD_OPT("encoding", CMD_CHOICE, NULL, "auto|utf-8|gb18030", 0),
	CMD_OPT("batch", CMD_STRING, NULL, "N", 0),
	CMD_OPT("community", CMD_STRING, NULL, "CODE", 0),
	CMD_END
};

static const struct cmd_option import_shift_options[] = {
	CMD_OPT("dry-run", CMD_FLAG, NULL, NULL, 0),
	CMD_OPT("columns", CMD_STRING, NULL, "FILE", 0),
	CMD_OPT("encoding", CMD_CHOICE, NULL, "auto|utf-8|gb18030", 0),
	CMD_OPT("batch", CMD_STRING, NULL, "N", 0),
	CMD_OPT("activity", CMD_STRING, NULL, "CODE", 0),
	CMD_OPT("connections", CMD_STRING, NULL, "N", 0),
	CMD_END
};

static const struct cmd_verb import_verbs[] = {
	{ .name = "volunteers", .args = import_args,
	    .options = import_volunteer_options,
	    .op = WIRE_OP_IMPORT_VOLUNTEERS, .run = import_run },
	{ .name = "shifts", .args = import_args,
	    .options = import_shift_options,
	    .op = WIRE_OP_IMPORT_SHIFTS, .run = import_run },
};

const struct cmd_entry cmd_import_entry = {
	.name = "import",
	.summary = N_("import volunteers or paper records of shifts from "
	    "CSV or XLSX"),
	.about = import_about,
	.verbs = import_verbs,
	.nverbs = CMD_NITEMS(import_verbs),
};
