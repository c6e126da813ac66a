/* Unit tests of daemon/migrate.c: file names, scanning, checksums. The
 * database side is tested end to end (tests/e2e/daemon.sh). */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "tests/unit/unit.h"
#include "daemon/migrate.h"

static char dir[64];

/* A fresh, empty folder for each test. */
static void
setup(void)
{
	unit_mkdtemp(dir, sizeof(dir), "test_migrate");
}

/* Remove the folder and its files. */
static void
teardown(void)
{
	unit_rmdir(dir);
}

/* Put a file into the folder. */
static void
put(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

START_TEST(names)
{
	int v = 0;

	ck_assert_int_eq(migrate_parse_name("001_base.sql", &v), 0);
	ck_assert_int_eq(v, 1);
	ck_assert_int_eq(migrate_parse_name("120_help_requests.sql", &v), 0);
	ck_assert_int_eq(v, 120);
	ck_assert_int_eq(migrate_parse_name("000_zero.sql", &v), -1);
	ck_assert_int_eq(migrate_parse_name("01_short.sql", &v), -1);
	ck_assert_int_eq(migrate_parse_name("001-base.sql", &v), -1);
	ck_assert_int_eq(migrate_parse_name("001_Base.sql", &v), -1);
	ck_assert_int_eq(migrate_parse_name("001_.sql", &v), -1);
	ck_assert_int_eq(migrate_parse_name("001_base.sql.orig", &v), -1);
	ck_assert_int_eq(migrate_parse_name("001_base.txt", &v), -1);
}
END_TEST

START_TEST(scan_sorts_and_sums)
{
	struct migration *list;
	char err[256], hex[65];
	unsigned char hash[32];
	size_t n;

	put("010_later.sql", "SELECT 10;\n");
	put("002_second.sql", "SELECT 2;\n");
	put("001_first.sql", "SELECT 1;\n");
	put("README", "not a migration\n");
	ck_assert_int_eq(migrate_scan(dir, &list, &n, err, sizeof(err)), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(list[0].version, 1);
	ck_assert_int_eq(list[1].version, 2);
	ck_assert_int_eq(list[2].version, 10);
	ck_assert_str_eq(list[2].name, "010_later.sql");
	ck_assert_str_eq(list[0].sql, "SELECT 1;\n");
	crypto_hash_sha256(hash, (const unsigned char *)"SELECT 1;\n", 10);
	sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
	ck_assert_str_eq(list[0].checksum, hex);
	migrate_list_free(list, n);
}
END_TEST

START_TEST(scan_refuses_bad_sets)
{
	struct migration *list;
	char err[256];
	size_t n;

	put("001_first.sql", "SELECT 1;\n");
	put("001_again.sql", "SELECT 1;\n");
	ck_assert_int_eq(migrate_scan(dir, &list, &n, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "have the same version"));
	teardown();
	setup();
	put("1_bad.sql", "SELECT 1;\n");
	ck_assert_int_eq(migrate_scan(dir, &list, &n, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "a migration is named NNN_name.sql"));
	ck_assert_int_eq(migrate_scan("/nonexistent", &list, &n, err,
	    sizeof(err)), -1);
}
END_TEST

START_TEST(repository_migrations_are_valid)
{
	struct migration *list;
	char err[256];
	size_t n, i;

	ck_assert_int_eq(migrate_scan(TOP_SRCDIR "/sql", &list, &n, err,
	    sizeof(err)), 0);
	ck_assert_uint_ge(n, 1);
	for (i = 0; i < n; i++) {
		/* Each file runs inside the transaction migrate_apply opens. */
		ck_assert_ptr_null(strstr(list[i].sql, "COMMIT"));
		ck_assert_int_eq(list[i].version, (int)i + 1);
	}
	migrate_list_free(list, n);
}
END_TEST

/* Run the tests; the exit status says whether any failed. */
int
main(void)
{
	return unit_main("migrate", setup, teardown, UNIT_TESTS(names,
	    scan_sorts_and_sums, scan_refuses_bad_sets,
	    repository_migrations_are_valid));
}
