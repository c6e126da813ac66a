/* Schema migrations: sql/NNN_name.sql files applied in order at start-up,
 * each in one transaction, under an advisory lock, recorded with a
 * checksum in schema_migrations. A released migration never changes: a
 * file whose checksum differs from the recorded one stops the daemon. */
#ifndef VPOINTSD_MIGRATE_H
#define VPOINTSD_MIGRATE_H

#include <stddef.h>

#define MIGRATE_INVALID		(-1)	/* files and database disagree */
#define MIGRATE_UNAVAILABLE	(-2)	/* the database cannot be reached */

struct migration {
	int	 version;		/* NNN */
	char	*name;			/* the file name */
	char	*sql;			/* its contents */
	char	 checksum[65];		/* SHA-256, hex */
};

int	migrate_parse_name(const char *filename, int *version);
int	migrate_scan(const char *dir, struct migration **list, size_t *count,
	    char *err, size_t errlen);
void	migrate_list_free(struct migration *, size_t count);
int	migrate_run(const char *conninfo, const char *dir, int *applied,
	    char *err, size_t errlen);

#endif
