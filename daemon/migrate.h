/* The schema, brought up to the files of sql_dir at start-up, under one
 * advisory lock (sql/README.md):
 * - sql_dir/migrations/NNN_name.sql, the versioned migrations: applied
 *   in order, each once, recorded with a
 *   checksum in schema_migrations. A released migration never changes:
 *   a file whose checksum differs from the recorded one stops the daemon.
 *   A database made by the migrations released before the baseline is
 *   recorded as at the baseline instead (migrate_legacy_set).
 * - sql_dir/functions/name.sql, the functions: after the migrations, each
 *   file whose checksum differs from the one in schema_functions is run
 *   again (every file after a new migration).
 * All of it is one transaction. */
#ifndef VPOINTSD_MIGRATE_H
#define VPOINTSD_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>

#define MIGRATE_INVALID		(-1)	/* files and database disagree */
#define MIGRATE_UNAVAILABLE	(-2)	/* the database cannot be reached */

/* A file of sql_dir. */
struct migration {
	int	 version;		/* NNN; 0 for a function file */
	char	*name;			/* the file name */
	char	*sql;			/* its contents */
	char	 checksum[65];		/* SHA-256, hex */
};

/* A row of schema_migrations (version > 0) or schema_functions. */
struct migrate_record {
	int		 version;
	const char	*name;
	const char	*checksum;
};

int	migrate_parse_name(const char *filename, int *version);
int	migrate_parse_function_name(const char *filename);
int	migrate_scan(const char *dir, struct migration **list, size_t *count,
	    char *err, size_t errlen);
int	migrate_scan_functions(const char *dir, struct migration **list,
	    size_t *count, char *err, size_t errlen);
void	migrate_list_free(struct migration *, size_t count);
const struct migrate_record *migrate_legacy_list(size_t *count);
bool	migrate_legacy_set(const struct migrate_record *, size_t count);
size_t	migrate_functions_stale(const struct migration *files, size_t count,
	    const struct migrate_record *applied, size_t napplied, bool *stale);
int	migrate_run(const char *conninfo, const char *sql_dir, int *applied,
	    char *err, size_t errlen);

#endif
