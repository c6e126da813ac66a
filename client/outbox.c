#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "client/i18n.h"
#include "client/outbox.h"
#include "wire.h"
#include "xmalloc.h"

#define OUTBOX_ID_DIGITS	8
#define OUTBOX_ID_MAX		99999999UL

/* True for the file name of an entry: eight digits. */
static bool
outbox_is_id(const char *name)
{
	size_t i;

	for (i = 0; i < OUTBOX_ID_DIGITS; i++) {
		if (!isdigit((unsigned char)name[i]))
			return false;
	}
	return name[i] == '\0';
}

/* Make dir and its missing parents, mode 0700. */
static int
outbox_mkdir(const char *dir, char *err, size_t errlen)
{
	char *path, *p, c;
	int rc = 0;

	if (*dir == '\0') {
		snprintf(err, errlen, _("the outbox folder is an empty name"));
		return -1;
	}
	path = xstrdup(dir);
	for (p = path + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		c = *p;
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			rc = -1;
			break;
		}
		*p = c;
		if (c == '\0')
			break;
	}
	free(path);
	return rc;
}

/* fsync a folder, so that a rename or unlink in it survives a crash. */
static int
outbox_sync_dir(const char *dir, char *err, size_t errlen)
{
	int fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    fsync(fd) != 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* Write text to a new temporary file in dir, 0600 and fsynced, and hand
 * back its path. On failure no file is left. */
static int
outbox_write_temp(const char *dir, const char *text, char **tmp, char *err,
    size_t errlen)
{
	size_t len = strlen(text), done = 0;
	ssize_t n;
	int fd;

	*tmp = xasprintf("%s/.tmp-XXXXXX", dir);
	if ((fd = mkstemp(*tmp)) < 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		free(*tmp);
		*tmp = NULL;
		return -1;
	}
	if (fchmod(fd, 0600) != 0)
		goto fail;
	while (done < len) {
		if ((n = write(fd, text + done, len - done)) < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		done += (size_t)n;
	}
	if (fsync(fd) != 0)
		goto fail;
	n = close(fd);
	fd = -1;
	if (n != 0)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "%s: %s", *tmp, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(*tmp);
	free(*tmp);
	*tmp = NULL;
	return -1;
}

/* The member of a write's body that holds a national ID number. */
#define OUTBOX_ID_NUMBER	"id_number"

/* True when a write's body (JSON) holds an ID number. */
bool
outbox_has_id_number(const char *body)
{
	json_t *obj = json_loads(body, 0, NULL);
	bool has = json_object_get(obj, OUTBOX_ID_NUMBER) != NULL;

	json_decref(obj);
	return has;
}

/* True when a write's body (JSON) holds a personal field
 * (WIRE_PERSONAL_FIELDS) without the volunteer's consent: the daemon
 * would refuse it (consent-required), and nothing keeps it meanwhile. */
bool
outbox_personal_without_consent(const char *body)
{
	static const char *const personal[] = { WIRE_PERSONAL_FIELDS };
	json_t *obj = json_loads(body, 0, NULL);
	bool has = false;
	size_t i;

	for (i = 0; i < sizeof(personal) / sizeof(personal[0]); i++)
		if (json_object_get(obj, personal[i]) != NULL &&
		    !json_is_null(json_object_get(obj, personal[i])))
			has = true;
	has = has && !json_is_true(json_object_get(obj, "consent"));
	json_decref(obj);
	return has;
}

/* A refused entry's body without what no file on a station machine keeps
 * once the daemon refused it (NULL when it holds none of it): an ID number
 * (an older vpoints queued one) and the personal fields, which the daemon
 * never took. */
static char *
outbox_without_personal(const char *body)
{
	static const char *const left_out[] = { OUTBOX_ID_NUMBER,
	    WIRE_PERSONAL_FIELDS };
	json_t *obj = json_loads(body, 0, NULL);
	char *text = NULL;
	bool changed = false;
	size_t i;

	for (i = 0; i < sizeof(left_out) / sizeof(left_out[0]); i++)
		if (json_object_del(obj, left_out[i]) == 0)
			changed = true;
	if (changed && (text = json_dumps(obj, JSON_COMPACT)) == NULL)
		abort();
	json_decref(obj);
	return text;
}

/* The file text of an entry, with the daemon's refusal when status is not
 * 0; NULL if a field is missing or not UTF-8. An ID number and the
 * personal fields in the body are left out of a refused entry. */
static char *
outbox_text(const struct outbox_entry *e, int status, const char *answer)
{
	json_t *obj;
	char *text, *line, *body = NULL;

	if (status != 0 && e->body != NULL)
		body = outbox_without_personal(e->body);
	obj = json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?, s:s?}", "what", e->what,
	    "queued_at", e->queued_at, "method", e->method, "path", e->path,
	    "idempotency_key", e->idempotency_key, "body",
	    body != NULL ? body : e->body);
	free(body);
	if (obj == NULL || e->what == NULL || e->queued_at == NULL ||
	    e->method == NULL || e->path == NULL ||
	    e->idempotency_key == NULL || e->body == NULL) {
		json_decref(obj);
		return NULL;
	}
	if (status != 0)
		json_object_set_new(obj, "refused", json_pack("{s:i, s:s?}",
		    "status", status, "answer", answer));
	if ((text = json_dumps(obj, JSON_INDENT(2))) == NULL)
		abort();
	json_decref(obj);
	line = xasprintf("%s\n", text);
	free(text);
	return line;
}

/* Order entry names: all have eight digits. */
static int
outbox_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entry names of dir, oldest first, into *names (to free with
 * their array); a missing folder has none. 0, or -1 with err set. */
static int
outbox_ids(const char *dir, char ***names, size_t *count, char *err,
    size_t errlen)
{
	struct dirent *de;
	DIR *d;

	*names = NULL;
	*count = 0;
	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (!outbox_is_id(de->d_name))
			continue;
		*names = xrealloc(*names, (*count + 1) * sizeof(**names));
		(*names)[(*count)++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (*count > 0)
		qsort(*names, *count, sizeof(**names), outbox_cmp);
	return 0;
}

/* Free what outbox_ids made. */
static void
outbox_ids_free(char **names, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

/* The highest entry number in dir into *max (0 when none); a missing
 * folder has none. */
static int
outbox_max(const char *dir, unsigned long *max, char *err, size_t errlen)
{
	unsigned long n;
	char **names;
	size_t count;

	if (outbox_ids(dir, &names, &count, err, errlen) != 0)
		return -1;
	if (count > 0 && (n = strtoul(names[count - 1], NULL, 10)) > *max)
		*max = n;
	outbox_ids_free(names, count);
	return 0;
}

/* The number of a new entry: one past the highest in dir and in its
 * failed/, so that a refused entry keeps its number. */
static int
outbox_next(const char *dir, char *id, size_t idlen, char *err,
    size_t errlen)
{
	unsigned long max = 0;
	char *failed = xasprintf("%s/%s", dir, OUTBOX_FAILED);
	int rc;

	rc = outbox_max(dir, &max, err, errlen);
	if (rc == 0)
		rc = outbox_max(failed, &max, err, errlen);
	free(failed);
	if (rc == 0 && max >= OUTBOX_ID_MAX) {
		snprintf(err, errlen, _("%s: the outbox is full"), dir);
		rc = -1;
	}
	if (rc == 0)
		snprintf(id, idlen, "%0*lu", OUTBOX_ID_DIGITS, max + 1);
	return rc;
}

/* Queue an entry in dir (made if missing) under the next number, which
 * it sets as e->id. Returns 0, or -1 with err and nothing queued. */
int
outbox_add(const char *dir, struct outbox_entry *e, char *err, size_t errlen)
{
	char id[OUTBOX_ID_DIGITS + 8], *text, *tmp = NULL, *path = NULL;
	int rc = -1;

	if (e->body != NULL && outbox_has_id_number(e->body)) {
		snprintf(err, errlen, _("an entry may not hold an ID number"));
		return -1;
	}
	if ((text = outbox_text(e, 0, NULL)) == NULL) {
		snprintf(err, errlen,
		    _("an entry needs every field, in UTF-8"));
		return -1;
	}
	if (outbox_mkdir(dir, err, errlen) != 0 ||
	    outbox_write_temp(dir, text, &tmp, err, errlen) != 0)
		goto fail;
	/* link() never replaces: two vpoints queueing at once each get a
	 * number of their own. */
	for (;;) {
		if (outbox_next(dir, id, sizeof(id), err, errlen) != 0)
			goto fail;
		free(path);
		path = xasprintf("%s/%s", dir, id);
		if (link(tmp, path) == 0)
			break;
		if (errno != EEXIST) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto fail;
		}
	}
	if (outbox_sync_dir(dir, err, errlen) != 0) {
		unlink(path);
		goto fail;
	}
	free(e->id);
	e->id = xstrdup(id);
	rc = 0;
fail:
	if (tmp != NULL)
		unlink(tmp);
	free(tmp);
	free(path);
	free(text);
	return rc;
}

/* Read the entry id of dir into e. */
static int
outbox_read(const char *dir, const char *id, struct outbox_entry *e,
    char *err, size_t errlen)
{
	static const char *const names[] = { "what", "queued_at", "method",
	    "path", "idempotency_key", "body" };
	char **fields[] = { &e->what, &e->queued_at, &e->method, &e->path,
	    &e->idempotency_key, &e->body };
	char *path = xasprintf("%s/%s", dir, id);
	json_t *obj, *value, *refused;
	json_error_t jerr;
	size_t i;
	int rc = -1;

	memset(e, 0, sizeof(*e));
	e->id = xstrdup(id);
	if ((obj = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr)) ==
	    NULL) {
		snprintf(err, errlen, "%s: %s", path, jerr.text);
		goto fail;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		value = json_object_get(obj, names[i]);
		/* No NUL inside: the body is sent as a C string. */
		if (!json_is_string(value) || strlen(json_string_value(value)) !=
		    json_string_length(value)) {
			snprintf(err, errlen, _("%s: not an outbox entry (%s)"),
			    path, names[i]);
			goto fail;
		}
		*fields[i] = xstrdup(json_string_value(value));
	}
	refused = json_object_get(obj, "refused");
	if (refused != NULL) {
		e->refused_status = (int)json_integer_value(json_object_get(
		    refused, "status"));
		value = json_object_get(refused, "answer");
		e->refusal = xstrdup(json_is_string(value) ?
		    json_string_value(value) : "");
	}
	rc = 0;
fail:
	json_decref(obj);
	free(path);
	return rc;
}

/* Read every entry of dir, oldest first (none when dir is missing).
 * Returns 0, or -1 with err naming a file that is no entry. */
int
outbox_list(const char *dir, struct outbox_entry **entries, size_t *n,
    char *err, size_t errlen)
{
	char **names;
	size_t count, i;
	int rc;

	*entries = NULL;
	*n = 0;
	if ((rc = outbox_ids(dir, &names, &count, err, errlen)) != 0)
		return rc;
	*entries = xcalloc(count > 0 ? count : 1, sizeof(**entries));
	for (i = 0; i < count && rc == 0; i++) {
		rc = outbox_read(dir, names[i], &(*entries)[i], err, errlen);
		*n = i + 1;
	}
	if (rc != 0) {
		outbox_entries_free(*entries, *n);
		*entries = NULL;
		*n = 0;
	}
	outbox_ids_free(names, count);
	return rc;
}

/* Remove the entry id from dir once the daemon has it. */
int
outbox_remove(const char *dir, const char *id, char *err, size_t errlen)
{
	char *path;
	int rc;

	if (!outbox_is_id(id)) {
		snprintf(err, errlen, _("\"%s\" is no outbox entry"), id);
		return -1;
	}
	path = xasprintf("%s/%s", dir, id);
	rc = unlink(path) != 0 && errno != ENOENT ? -1 : 0;
	if (rc != 0)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	free(path);
	return rc == 0 ? outbox_sync_dir(dir, err, errlen) : -1;
}

/* Move an entry the daemon refused, with its answer, to dir/failed/. A
 * crash half-way leaves it in both places; moving it again is harmless. */
int
outbox_fail(const char *dir, const struct outbox_entry *e, int status,
    const char *answer, char *err, size_t errlen)
{
	char *failed = xasprintf("%s/%s", dir, OUTBOX_FAILED);
	char *text = NULL, *tmp = NULL, *path = NULL;
	int rc = -1;

	if (e->id == NULL || !outbox_is_id(e->id) ||
	    (text = outbox_text(e, status, answer)) == NULL) {
		snprintf(err, errlen, _("not an outbox entry"));
		goto fail;
	}
	if (outbox_mkdir(failed, err, errlen) != 0 ||
	    outbox_write_temp(failed, text, &tmp, err, errlen) != 0)
		goto fail;
	path = xasprintf("%s/%s", failed, e->id);
	if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		goto fail;
	}
	if (outbox_sync_dir(failed, err, errlen) != 0)
		goto fail;
	rc = outbox_remove(dir, e->id, err, errlen);
fail:
	free(failed);
	free(text);
	free(tmp);
	free(path);
	return rc;
}

/* Free n entries and their array. */
void
outbox_entries_free(struct outbox_entry *entries, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(entries[i].id);
		free(entries[i].what);
		free(entries[i].method);
		free(entries[i].path);
		free(entries[i].body);
		free(entries[i].idempotency_key);
		free(entries[i].queued_at);
		free(entries[i].refusal);
	}
	free(entries);
}
