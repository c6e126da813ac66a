#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <sodium.h>

#include "daemon/migrate.h"
#include "log.h"
#include "xmalloc.h"

/* Key of the advisory lock that serialises daemons migrating one database. */
#define MIGRATE_LOCK_KEY	"87500001"
#define MIGRATE_MAX_FILE	(4 * 1024 * 1024)

static const char migrate_table_sql[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version integer PRIMARY KEY,"
    " name text NOT NULL,"
    " checksum text NOT NULL,"
    " applied_at timestamptz NOT NULL DEFAULT now())";

/* Read the version of a migration file named NNN_name.sql (name in
 * [a-z0-9_]); 0 if it is one, -1 if not. */
int
migrate_parse_name(const char *filename, int *version)
{
	size_t len = strlen(filename), i;

	if (len < 9 || strcmp(filename + len - 4, ".sql") != 0)
		return -1;
	for (i = 0; i < 3; i++) {
		if (!isdigit((unsigned char)filename[i]))
			return -1;
	}
	if (filename[3] != '_')
		return -1;
	for (i = 4; i < len - 4; i++) {
		if (!islower((unsigned char)filename[i]) &&
		    !isdigit((unsigned char)filename[i]) && filename[i] != '_')
			return -1;
	}
	*version = (filename[0] - '0') * 100 + (filename[1] - '0') * 10 +
	    (filename[2] - '0');
	return *version > 0 ? 0 : -1;
}

/* Read a whole file into a new string. */
static char *
migrate_read(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t n;

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	buf = xmalloc(MIGRATE_MAX_FILE + 1);
	n = fread(buf, 1, MIGRATE_MAX_FILE + 1, f);
	if (ferror(f) || n > MIGRATE_MAX_FILE) {
		snprintf(err, errlen, "%s: unreadable or over %d bytes", path,
		    MIGRATE_MAX_FILE);
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	if (strlen(buf) != n) {
		snprintf(err, errlen, "%s: contains a NUL byte", path);
		free(buf);
		return NULL;
	}
	return buf;
}

/* Order migrations by version. */
static int
migrate_cmp(const void *a, const void *b)
{
	const struct migration *ma = a, *mb = b;

	return (ma->version > mb->version) - (ma->version < mb->version);
}

/* Free a list from migrate_scan. */
void
migrate_list_free(struct migration *list, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++) {
		free(list[i].name);
		free(list[i].sql);
	}
	free(list);
}

/* Load every *.sql file of dir, sorted by version, with checksums. A .sql
 * file with a bad name or a repeated version is an error. */
int
migrate_scan(const char *dir, struct migration **out, size_t *count,
    char *err, size_t errlen)
{
	struct migration *list = NULL;
	unsigned char hash[crypto_hash_sha256_BYTES];
	struct dirent *de;
	size_t n = 0, i, len;
	char *path;
	DIR *d;
	int version;

	if ((d = opendir(dir)) == NULL) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 4 || strcmp(de->d_name + len - 4, ".sql") != 0)
			continue;
		if (migrate_parse_name(de->d_name, &version) != 0) {
			snprintf(err, errlen, "%s/%s: a migration is named "
			    "NNN_name.sql", dir, de->d_name);
			goto fail;
		}
		list = xrealloc(list, (n + 1) * sizeof(*list));
		path = xasprintf("%s/%s", dir, de->d_name);
		list[n].sql = migrate_read(path, err, errlen);
		free(path);
		if (list[n].sql == NULL)
			goto fail;
		list[n].version = version;
		list[n].name = xstrdup(de->d_name);
		crypto_hash_sha256(hash, (const unsigned char *)list[n].sql,
		    strlen(list[n].sql));
		sodium_bin2hex(list[n].checksum, sizeof(list[n].checksum),
		    hash, sizeof(hash));
		n++;
	}
	closedir(d);
	d = NULL;
	if (n > 0)
		qsort(list, n, sizeof(*list), migrate_cmp);
	for (i = 1; i < n; i++) {
		if (list[i].version == list[i - 1].version) {
			snprintf(err, errlen, "%s and %s have the same version",
			    list[i - 1].name, list[i].name);
			goto fail;
		}
	}
	*out = list;
	*count = n;
	return 0;
fail:
	if (d != NULL)
		closedir(d);
	migrate_list_free(list, n);
	return -1;
}

/* Run one command; on failure copy libpq's message into err. */
static int
migrate_exec(PGconn *pg, const char *sql, int nparams,
    const char *const *params, char *err, size_t errlen)
{
	PGresult *res;
	int ok;

	if (nparams > 0)
		res = PQexecParams(pg, sql, nparams, NULL, params, NULL, NULL,
		    0);
	else
		res = PQexec(pg, sql);
	ok = PQresultStatus(res) == PGRES_COMMAND_OK ||
	    PQresultStatus(res) == PGRES_TUPLES_OK;
	if (!ok)
		snprintf(err, errlen, "%s", PQresultErrorMessage(res));
	PQclear(res);
	return ok ? 0 : -1;
}

/* Check the applied migrations against the files; -1 on any mismatch. */
static int
migrate_check_applied(PGconn *pg, const struct migration *list, size_t n,
    char *err, size_t errlen)
{
	const char *name, *sum;
	PGresult *res;
	size_t j;
	int i, version, rc = -1;

	res = PQexec(pg, "SELECT version, name, checksum FROM "
	    "schema_migrations ORDER BY version");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		snprintf(err, errlen, "%s", PQresultErrorMessage(res));
		goto done;
	}
	for (i = 0; i < PQntuples(res); i++) {
		version = atoi(PQgetvalue(res, i, 0));
		name = PQgetvalue(res, i, 1);
		sum = PQgetvalue(res, i, 2);
		for (j = 0; j < n && list[j].version != version; j++)
			;
		if (j == n) {
			snprintf(err, errlen, "the database has migration %s, "
			    "which this vpointsd does not know: is it older "
			    "than the database?", name);
			goto done;
		}
		if (strcmp(list[j].checksum, sum) != 0) {
			snprintf(err, errlen, "migration %s was changed after "
			    "it was applied (recorded sha256 %s, file %s); a "
			    "released migration is never edited: add a new one",
			    list[j].name, sum, list[j].checksum);
			goto done;
		}
	}
	rc = 0;
done:
	PQclear(res);
	return rc;
}

/* True if this version is recorded as applied. */
static int
migrate_is_applied(PGconn *pg, int version, int *applied)
{
	char v[16];
	const char *params[1] = { v };
	PGresult *res;

	snprintf(v, sizeof(v), "%d", version);
	res = PQexecParams(pg, "SELECT 1 FROM schema_migrations WHERE "
	    "version = $1", 1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		PQclear(res);
		return -1;
	}
	*applied = PQntuples(res) > 0;
	PQclear(res);
	return 0;
}

/* Apply one migration and record it, in one transaction. */
static int
migrate_apply(PGconn *pg, const struct migration *m, char *err,
    size_t errlen)
{
	char version[16], why[1024];
	const char *params[3] = { version, m->name, m->checksum };

	snprintf(version, sizeof(version), "%d", m->version);
	if (migrate_exec(pg, "BEGIN", 0, NULL, why, sizeof(why)) != 0)
		goto fail;
	if (migrate_exec(pg, m->sql, 0, NULL, why, sizeof(why)) != 0)
		goto fail;
	if (migrate_exec(pg, "INSERT INTO schema_migrations (version, name, "
	    "checksum) VALUES ($1, $2, $3)", 3, params, why, sizeof(why)) != 0)
		goto fail;
	if (migrate_exec(pg, "COMMIT", 0, NULL, why, sizeof(why)) != 0)
		goto fail;
	log_info("migrate: applied %s", m->name);
	return 0;
fail:
	snprintf(err, errlen, "%s: %s", m->name, why);
	PQclear(PQexec(pg, "ROLLBACK"));
	return -1;
}

/* Bring the database up to the files in dir. This blocks: it runs before
 * the event loop starts. *applied counts the migrations applied now.
 * Returns 0, MIGRATE_UNAVAILABLE when the database cannot be reached, or
 * MIGRATE_INVALID when files and database disagree. */
int
migrate_run(const char *conninfo, const char *dir, int *applied, char *err,
    size_t errlen)
{
	struct migration *list = NULL;
	size_t n = 0, i;
	PGconn *pg;
	int done, rc = MIGRATE_INVALID;

	*applied = 0;
	if (migrate_scan(dir, &list, &n, err, errlen) != 0)
		return MIGRATE_INVALID;
	pg = PQconnectdb(conninfo);
	if (PQstatus(pg) != CONNECTION_OK) {
		snprintf(err, errlen, "cannot connect to the database: %s",
		    PQerrorMessage(pg));
		rc = MIGRATE_UNAVAILABLE;
		goto done;
	}
	PQclear(PQexec(pg, "SET client_min_messages = warning"));
	if (migrate_exec(pg, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")",
	    0, NULL, err, errlen) != 0)
		goto done;
	if (migrate_exec(pg, migrate_table_sql, 0, NULL, err, errlen) != 0 ||
	    migrate_check_applied(pg, list, n, err, errlen) != 0)
		goto unlock;
	for (i = 0; i < n; i++) {
		if (migrate_is_applied(pg, list[i].version, &done) != 0) {
			snprintf(err, errlen, "%s", PQerrorMessage(pg));
			goto unlock;
		}
		if (done)
			continue;
		if (migrate_apply(pg, &list[i], err, errlen) != 0)
			goto unlock;
		(*applied)++;
	}
	rc = 0;
unlock:
	PQclear(PQexec(pg, "SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")"));
done:
	PQfinish(pg);
	migrate_list_free(list, n);
	return rc;
}
