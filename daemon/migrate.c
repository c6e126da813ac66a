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
/* The version of sql/migrations/008_baseline.sql. */
#define MIGRATE_BASELINE	8

static const char migrate_table_sql[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version integer PRIMARY KEY,"
    " name text NOT NULL,"
    " checksum text NOT NULL,"
    " applied_at timestamptz NOT NULL DEFAULT now())";

static const char migrate_functions_table_sql[] =
    "CREATE TABLE IF NOT EXISTS schema_functions ("
    " name text PRIMARY KEY,"
    " checksum text NOT NULL,"
    " applied_at timestamptz NOT NULL DEFAULT now())";

/* The migrations released before the baseline, as the last release before
 * it shipped them (sql/001_base.sql to sql/008_reports.sql of commit
 * d64a48c), with the SHA-256 of each file. A database that recorded
 * exactly these has the state of 008_baseline.sql and the functions of
 * that release (tests/e2e/upgrade.sh upgrades one): it is recorded as at
 * the baseline. This list never grows. */
static const struct migrate_record migrate_legacy[] = {
	{ 1, "001_base.sql",
	    "9993cd08a69392f18f8aff4efebb4649ffdfa487ce8c658f6682eacd7a5b2f30" },
	{ 2, "002_stations.sql",
	    "7e626d6ee7852ff61a20d03ab494be3aa4527fe06b37bdadae1e9f7c6aaed3b7" },
	{ 3, "003_ledger.sql",
	    "f2cf3b85814ca085d6f76812b1d4431b2f9d01bbf4a33dc4f7c8684752f410ea" },
	{ 4, "004_spend.sql",
	    "126349c020873c8e45f027d917bb332ccf8266f501c4448b10a9550ff215e4dc" },
	{ 5, "005_reports.sql",
	    "52fbd75a454238f47816632a9941663a8f3217ffdbe9eb329ff956612653c86f" },
	{ 6, "006_metrics.sql",
	    "ffa6711ededbe5a97ace9e94ac7590a107fd0a6e30966dc95e228ac18029c681" },
	{ 7, "007_speed.sql",
	    "b03a77a5e34bd14f34e1e14267bdefea09c7be77b936d63d11ea775396656a50" },
	{ 8, "008_reports.sql",
	    "409be6ad98ce2a9ba69283a8b3032ff6d3f42b32cb47470697ab100e01b5b685" },
};
#define MIGRATE_NLEGACY (sizeof(migrate_legacy) / sizeof(migrate_legacy[0]))

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

/* 0 if filename names a function file, name.sql with name in [a-z0-9_],
 * -1 if not. */
int
migrate_parse_function_name(const char *filename)
{
	size_t len = strlen(filename), i;

	if (len < 5 || strcmp(filename + len - 4, ".sql") != 0)
		return -1;
	for (i = 0; i < len - 4; i++) {
		if (!islower((unsigned char)filename[i]) &&
		    !isdigit((unsigned char)filename[i]) && filename[i] != '_')
			return -1;
	}
	return 0;
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

/* Order migrations by version, function files by name. */
static int
migrate_cmp(const void *a, const void *b)
{
	const struct migration *ma = a, *mb = b;

	if (ma->version != mb->version)
		return (ma->version > mb->version) - (ma->version < mb->version);
	return strcmp(ma->name, mb->name);
}

/* Free a list from migrate_scan or migrate_scan_functions. */
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

/* Load every *.sql file of dir, sorted, with checksums: migrations
 * (functions false) or function files. A .sql file with a bad name is an
 * error; other files are left alone. */
static int
migrate_scan_dir(const char *dir, bool functions, struct migration **out,
    size_t *count, char *err, size_t errlen)
{
	struct migration *list = NULL;
	unsigned char hash[crypto_hash_sha256_BYTES];
	struct dirent *de;
	size_t n = 0, len;
	char *path;
	DIR *d;
	int version = 0;

	if ((d = opendir(dir)) == NULL) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 4 || strcmp(de->d_name + len - 4, ".sql") != 0)
			continue;
		if (functions && migrate_parse_function_name(de->d_name) != 0) {
			snprintf(err, errlen, "%s/%s: a function file is named "
			    "name.sql (a-z, 0-9, _)", dir, de->d_name);
			goto fail;
		}
		if (!functions &&
		    migrate_parse_name(de->d_name, &version) != 0) {
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
	*out = list;
	*count = n;
	return 0;
fail:
	if (d != NULL)
		closedir(d);
	migrate_list_free(list, n);
	return -1;
}

/* Load the migrations of dir (NNN_name.sql), sorted by version, with
 * checksums. A .sql file with a bad name or a repeated version is an
 * error. */
int
migrate_scan(const char *dir, struct migration **out, size_t *count,
    char *err, size_t errlen)
{
	size_t i;

	if (migrate_scan_dir(dir, false, out, count, err, errlen) != 0)
		return -1;
	for (i = 1; i < *count; i++) {
		if ((*out)[i].version == (*out)[i - 1].version) {
			snprintf(err, errlen, "%s and %s have the same version",
			    (*out)[i - 1].name, (*out)[i].name);
			migrate_list_free(*out, *count);
			return -1;
		}
	}
	return 0;
}

/* Load the function files of dir (name.sql), sorted by name, with
 * checksums; their version is 0. */
int
migrate_scan_functions(const char *dir, struct migration **out,
    size_t *count, char *err, size_t errlen)
{
	return migrate_scan_dir(dir, true, out, count, err, errlen);
}

/* The migrations released before the baseline, in version order. */
const struct migrate_record *
migrate_legacy_list(size_t *count)
{
	*count = MIGRATE_NLEGACY;
	return migrate_legacy;
}

/* True if the rows of schema_migrations, in version order, are exactly
 * the migrations released before the baseline. */
bool
migrate_legacy_set(const struct migrate_record *rows, size_t count)
{
	size_t i;

	if (count != MIGRATE_NLEGACY)
		return false;
	for (i = 0; i < count; i++) {
		if (rows[i].version != migrate_legacy[i].version ||
		    strcmp(rows[i].name, migrate_legacy[i].name) != 0 ||
		    strcmp(rows[i].checksum, migrate_legacy[i].checksum) != 0)
			return false;
	}
	return true;
}

/* True if a row of schema_migrations is one of those released before the
 * baseline. */
static bool
migrate_legacy_has(const struct migrate_record *row)
{
	size_t i;

	for (i = 0; i < MIGRATE_NLEGACY; i++) {
		if (row->version == migrate_legacy[i].version &&
		    strcmp(row->name, migrate_legacy[i].name) == 0 &&
		    strcmp(row->checksum, migrate_legacy[i].checksum) == 0)
			return true;
	}
	return false;
}

/* Mark in stale[] the function files to run: those that schema_functions
 * lacks or records with another checksum. Returns how many. */
size_t
migrate_functions_stale(const struct migration *files, size_t count,
    const struct migrate_record *applied, size_t napplied, bool *stale)
{
	size_t i, j, n = 0;

	for (i = 0; i < count; i++) {
		for (j = 0; j < napplied &&
		    strcmp(applied[j].name, files[i].name) != 0; j++)
			;
		stale[i] = j == napplied ||
		    strcmp(applied[j].checksum, files[i].checksum) != 0;
		if (stale[i])
			n++;
	}
	return n;
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

/* Read the rows of a bookkeeping table (version, name, checksum) into
 * *rows, which point into *res. Returns the number of rows, -1 on error. */
static int
migrate_records(PGconn *pg, const char *sql, PGresult **res,
    struct migrate_record **rows, char *err, size_t errlen)
{
	int i, n;

	*rows = NULL;
	*res = PQexec(pg, sql);
	if (PQresultStatus(*res) != PGRES_TUPLES_OK) {
		snprintf(err, errlen, "%s", PQresultErrorMessage(*res));
		return -1;
	}
	n = PQntuples(*res);
	*rows = xcalloc(n > 0 ? (size_t)n : 1, sizeof(**rows));
	for (i = 0; i < n; i++) {
		(*rows)[i].version = atoi(PQgetvalue(*res, i, 0));
		(*rows)[i].name = PQgetvalue(*res, i, 1);
		(*rows)[i].checksum = PQgetvalue(*res, i, 2);
	}
	return n;
}

/* The baseline migration among the files, or NULL. */
static const struct migration *
migrate_find_baseline(const struct migration *list, size_t n)
{
	size_t i;

	for (i = 0; i < n && list[i].version != MIGRATE_BASELINE; i++)
		;
	return i < n ? &list[i] : NULL;
}

/* A database made by the migrations released before the baseline: record
 * it as at the baseline; 1 when it did, 0 for any other database, -1 on
 * failure. Runs in the caller's transaction. */
static int
migrate_baseline(PGconn *pg, const struct migration *list, size_t n,
    char *err, size_t errlen)
{
	struct migrate_record *rows = NULL;
	const struct migration *base = NULL;
	PGresult *res = NULL;
	char version[16];
	const char *params[3];
	int count, rc = -1;

	count = migrate_records(pg, "SELECT version, name, checksum FROM "
	    "schema_migrations ORDER BY version", &res, &rows, err, errlen);
	if (count < 0)
		goto done;
	if (!migrate_legacy_set(rows, (size_t)count)) {
		rc = 0;
		goto done;
	}
	if ((base = migrate_find_baseline(list, n)) == NULL) {
		snprintf(err, errlen, "the database was made by the migrations "
		    "released before the baseline, but the files lack migration "
		    "%03d, the baseline", MIGRATE_BASELINE);
		goto done;
	}
	snprintf(version, sizeof(version), "%d", base->version);
	params[0] = version;
	params[1] = base->name;
	params[2] = base->checksum;
	if (migrate_exec(pg, "WITH released AS (DELETE FROM schema_migrations "
	    "RETURNING applied_at) INSERT INTO schema_migrations (version, "
	    "name, checksum, applied_at) SELECT $1, $2, $3, max(applied_at) "
	    "FROM released", 3, params, err, errlen) != 0)
		goto done;
	rc = 1;
done:
	free(rows);
	PQclear(res);
	return rc;
}

/* Check the applied migrations against the files; -1 on any mismatch. */
static int
migrate_check_applied(PGconn *pg, const struct migration *list, size_t n,
    char *err, size_t errlen)
{
	struct migrate_record *rows = NULL;
	PGresult *res = NULL;
	size_t j;
	int i, count, rc = -1;

	count = migrate_records(pg, "SELECT version, name, checksum FROM "
	    "schema_migrations ORDER BY version", &res, &rows, err, errlen);
	for (i = 0; i < count; i++) {
		for (j = 0; j < n && list[j].version != rows[i].version; j++)
			;
		if (j < n && strcmp(list[j].name, rows[i].name) == 0 &&
		    strcmp(list[j].checksum, rows[i].checksum) == 0)
			continue;
		if (migrate_legacy_has(&rows[i]))
			snprintf(err, errlen, "the database has migration %s of "
			    "those released before the baseline, but not "
			    "exactly all of %s to %s, which this vpointsd "
			    "upgrades", rows[i].name, migrate_legacy[0].name,
			    migrate_legacy[MIGRATE_NLEGACY - 1].name);
		else if (j == n)
			snprintf(err, errlen, "the database has migration %s, "
			    "which this vpointsd does not know: is it older "
			    "than the database?", rows[i].name);
		else if (strcmp(list[j].name, rows[i].name) != 0)
			snprintf(err, errlen, "migration %03d is %s in the "
			    "database but %s in the files", rows[i].version,
			    rows[i].name, list[j].name);
		else
			snprintf(err, errlen, "migration %s was changed after "
			    "it was applied (recorded sha256 %s, file %s); a "
			    "released migration is never edited: add a new one",
			    list[j].name, rows[i].checksum, list[j].checksum);
		goto done;
	}
	rc = count < 0 ? -1 : 0;
done:
	free(rows);
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

/* Apply one migration and record it, in the caller's transaction. */
static int
migrate_apply(PGconn *pg, const struct migration *m, char *err,
    size_t errlen)
{
	char version[16], why[1024];
	const char *params[3] = { version, m->name, m->checksum };

	snprintf(version, sizeof(version), "%d", m->version);
	if (migrate_exec(pg, m->sql, 0, NULL, why, sizeof(why)) != 0 ||
	    migrate_exec(pg, "INSERT INTO schema_migrations (version, name, "
	    "checksum) VALUES ($1, $2, $3)", 3, params, why,
	    sizeof(why)) != 0) {
		snprintf(err, errlen, "%s: %s", m->name, why);
		return -1;
	}
	return 0;
}

/* Run the function files marked in stale[] and record their checksums. */
static int
migrate_functions_run(PGconn *pg, const struct migration *files, size_t n,
    const bool *stale, char *err, size_t errlen)
{
	const char *params[2];
	char why[1024];
	size_t i;

	for (i = 0; i < n; i++) {
		if (!stale[i])
			continue;
		params[0] = files[i].name;
		params[1] = files[i].checksum;
		if (migrate_exec(pg, files[i].sql, 0, NULL, why,
		    sizeof(why)) != 0 ||
		    migrate_exec(pg, "INSERT INTO schema_functions (name, "
		    "checksum) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE "
		    "SET checksum = EXCLUDED.checksum, applied_at = now()", 2,
		    params, why, sizeof(why)) != 0) {
			snprintf(err, errlen, "functions/%s: %s", files[i].name,
			    why);
			return -1;
		}
	}
	return 0;
}

/* Run again, in the caller's transaction, every function file that
 * schema_functions lacks or records with another checksum — every file
 * when a migration was applied now, since a migration may have dropped
 * what a file makes — and forget the files that are gone. The files run
 * first with function bodies unchecked, so that no file depends on the
 * order of another, then once more with them checked, so that a body
 * that does not parse stops the daemon now rather than fails a request
 * later. stale[] (n entries) says which files ran. */
static int
migrate_functions(PGconn *pg, const struct migration *files, size_t n,
    bool all, bool *stale, char *err, size_t errlen)
{
	struct migrate_record *rows = NULL;
	PGresult *res = NULL;
	const char *params[1];
	size_t i, j;
	int count, rc = -1;

	count = migrate_records(pg, "SELECT 0, name, checksum FROM "
	    "schema_functions ORDER BY name", &res, &rows, err, errlen);
	if (count < 0)
		goto done;
	migrate_functions_stale(files, n, rows, (size_t)count, stale);
	for (i = 0; all && i < n; i++)
		stale[i] = true;
	if (migrate_exec(pg, "SET LOCAL check_function_bodies = off", 0, NULL,
	    err, errlen) != 0 ||
	    migrate_functions_run(pg, files, n, stale, err, errlen) != 0 ||
	    migrate_exec(pg, "SET LOCAL check_function_bodies = on", 0, NULL,
	    err, errlen) != 0 ||
	    migrate_functions_run(pg, files, n, stale, err, errlen) != 0)
		goto done;
	for (j = 0; j < (size_t)count; j++) {
		for (i = 0; i < n && strcmp(files[i].name, rows[j].name) != 0;
		    i++)
			;
		params[0] = rows[j].name;
		if (i == n && migrate_exec(pg, "DELETE FROM schema_functions "
		    "WHERE name = $1", 1, params, err, errlen) != 0)
			goto done;
	}
	rc = 0;
done:
	free(rows);
	PQclear(res);
	return rc;
}

/* Bring the database up to the files of sql_dir — the released set
 * recorded as the baseline, the migrations, then the functions — in one
 * transaction under the advisory lock: a failure or a crash anywhere
 * leaves the database as it was, never migrated without its functions.
 * This blocks: it runs before the event loop starts. *applied counts the
 * migrations applied now. Returns 0, MIGRATE_UNAVAILABLE when the database
 * cannot be reached, or MIGRATE_INVALID when files and database disagree. */
int
migrate_run(const char *conninfo, const char *sql_dir, int *applied,
    char *err, size_t errlen)
{
	struct migration *list = NULL, *functions = NULL;
	size_t n = 0, nfunctions = 0, i;
	bool *ran = NULL, *stale = NULL, began = false;
	PGconn *pg = NULL;
	char *dir;
	int done, scanned, baselined, rc = MIGRATE_INVALID;

	*applied = 0;
	dir = xasprintf("%s/migrations", sql_dir);
	scanned = migrate_scan(dir, &list, &n, err, errlen);
	free(dir);
	if (scanned != 0)
		return MIGRATE_INVALID;
	dir = xasprintf("%s/functions", sql_dir);
	scanned = migrate_scan_functions(dir, &functions, &nfunctions, err,
	    errlen);
	free(dir);
	if (scanned != 0)
		goto done;
	ran = xcalloc(n > 0 ? n : 1, sizeof(*ran));
	stale = xcalloc(nfunctions > 0 ? nfunctions : 1, sizeof(*stale));
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
	if (migrate_exec(pg, "BEGIN", 0, NULL, err, errlen) != 0)
		goto unlock;
	began = true;
	if (migrate_exec(pg, migrate_table_sql, 0, NULL, err, errlen) != 0 ||
	    migrate_exec(pg, migrate_functions_table_sql, 0, NULL, err,
	    errlen) != 0 ||
	    (baselined = migrate_baseline(pg, list, n, err, errlen)) < 0 ||
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
		ran[i] = true;
		(*applied)++;
	}
	if (migrate_functions(pg, functions, nfunctions,
	    baselined > 0 || *applied > 0, stale, err, errlen) != 0 ||
	    migrate_exec(pg, "COMMIT", 0, NULL, err, errlen) != 0)
		goto unlock;
	began = false;
	if (baselined > 0)
		log_info("migrate: %s to %s recorded as %s",
		    migrate_legacy[0].name,
		    migrate_legacy[MIGRATE_NLEGACY - 1].name,
		    migrate_find_baseline(list, n)->name);
	for (i = 0; i < n; i++) {
		if (ran[i])
			log_info("migrate: applied %s", list[i].name);
	}
	for (i = 0; i < nfunctions; i++) {
		if (stale[i])
			log_info("migrate: applied functions/%s",
			    functions[i].name);
	}
	rc = 0;
unlock:
	if (began) {
		*applied = 0;
		PQclear(PQexec(pg, "ROLLBACK"));
	}
	PQclear(PQexec(pg, "SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")"));
done:
	PQfinish(pg);
	free(ran);
	free(stale);
	migrate_list_free(list, n);
	migrate_list_free(functions, nfunctions);
	return rc;
}
