/* Unit tests of daemon/migrate.c: file names, scanning, checksums, the
 * legacy set, which function files to run again, and the rules of sql/
 * (sql/README.md) that a reading of the files can check. The database
 * side is tested end to end (tests/e2e/daemon.sh, tests/e2e/upgrade.sh). */
#include "config.h"

#include <check.h>
#include <stdbool.h>
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

START_TEST(function_names)
{
	ck_assert_int_eq(migrate_parse_function_name("ledger.sql"), 0);
	ck_assert_int_eq(migrate_parse_function_name("call_2.sql"), 0);
	ck_assert_int_eq(migrate_parse_function_name(".sql"), -1);
	ck_assert_int_eq(migrate_parse_function_name("Ledger.sql"), -1);
	ck_assert_int_eq(migrate_parse_function_name("led-ger.sql"), -1);
	ck_assert_int_eq(migrate_parse_function_name("ledger.sql.orig"), -1);
}
END_TEST

START_TEST(scan_functions_sorts_by_name)
{
	struct migration *list;
	char err[256];
	size_t n;

	put("spend.sql", "SELECT 's';\n");
	put("base.sql", "SELECT 'b';\n");
	put("README", "not a function file\n");
	ck_assert_int_eq(migrate_scan_functions(dir, &list, &n, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(list[0].name, "base.sql");
	ck_assert_str_eq(list[1].name, "spend.sql");
	ck_assert_int_eq(list[0].version, 0);
	ck_assert_str_eq(list[1].sql, "SELECT 's';\n");
	migrate_list_free(list, n);
	put("Bad-name.sql", "SELECT 1;\n");
	ck_assert_int_eq(migrate_scan_functions(dir, &list, &n, err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "a function file is named"));
}
END_TEST

START_TEST(legacy_set_exactly)
{
	const struct migrate_record *legacy;
	struct migrate_record rows[9];
	char other[65];
	size_t n;

	/* As a database of the release before the baseline has them. */
	legacy = migrate_legacy_list(&n);
	ck_assert_uint_eq(n, 8);
	ck_assert_str_eq(legacy[0].name, "001_base.sql");
	ck_assert_str_eq(legacy[7].name, "008_reports.sql");
	memcpy(rows, legacy, n * sizeof(*rows));
	ck_assert(migrate_legacy_set(rows, 8));
	/* A part of it, or more, is not it. */
	ck_assert(!migrate_legacy_set(rows, 7));
	ck_assert(!migrate_legacy_set(rows + 1, 7));
	rows[8] = (struct migrate_record){ 9, "009_more.sql", legacy[0].checksum };
	ck_assert(!migrate_legacy_set(rows, 9));
	ck_assert(!migrate_legacy_set(rows, 0));
	/* Nor an edited file, nor another name. */
	snprintf(other, sizeof(other), "%s", legacy[4].checksum);
	other[0] = other[0] == '0' ? '1' : '0';
	rows[4].checksum = other;
	ck_assert(!migrate_legacy_set(rows, 8));
	rows[4] = legacy[4];
	rows[7].name = "008_baseline.sql";
	ck_assert(!migrate_legacy_set(rows, 8));
	rows[7] = legacy[7];
	rows[7].version = 9;
	ck_assert(!migrate_legacy_set(rows, 8));
}
END_TEST

START_TEST(functions_stale)
{
	char a[] = "a.sql", b[] = "b.sql", c[] = "c.sql";
	struct migration files[3] = {
		{ 0, a, NULL, "aaaa" },
		{ 0, b, NULL, "bbbb" },
		{ 0, c, NULL, "cccc" },
	};
	struct migrate_record done[3] = {
		{ 0, "b.sql", "bbbb" },
		{ 0, "c.sql", "c000" },
		{ 0, "gone.sql", "dddd" },
	};
	bool stale[3];

	/* a is new, b unchanged, c changed. */
	ck_assert_uint_eq(migrate_functions_stale(files, 3, done, 3, stale), 2);
	ck_assert(stale[0]);
	ck_assert(!stale[1]);
	ck_assert(stale[2]);
	/* A fresh database runs every file. */
	ck_assert_uint_eq(migrate_functions_stale(files, 3, done, 0, stale), 3);
	ck_assert_uint_eq(migrate_functions_stale(files, 0, done, 3, stale), 0);
}
END_TEST

/* True when sql names kind ("TRIGGER ") other than after DROP, DISABLE
 * or ENABLE: when it makes or changes one. */
static bool
makes_object(const char *sql, const char *kind)
{
	static const char *const allowed[] = { "DROP", "DISABLE", "ENABLE" };
	const char *at, *end;
	size_t i, n;

	for (at = strstr(sql, kind); at != NULL; at = strstr(at + 1, kind)) {
		for (end = at; end > sql && end[-1] == ' '; end--)
			;
		for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
			n = strlen(allowed[i]);
			if ((size_t)(end - sql) >= n &&
			    strncmp(end - n, allowed[i], n) == 0)
				break;
		}
		if (i == sizeof(allowed) / sizeof(allowed[0]))
			return true;
	}
	return false;
}

START_TEST(repository_migrations_are_valid)
{
	struct migration *list;
	char err[256];
	size_t n, i;

	ck_assert_int_eq(migrate_scan(TOP_SRCDIR "/sql/migrations", &list, &n,
	    err, sizeof(err)), 0);
	ck_assert_uint_ge(n, 2);
	ck_assert_str_eq(list[0].name, "008_baseline.sql");
	for (i = 0; i < n; i++) {
		/* Each file runs inside the transaction migrate_apply opens. */
		ck_assert_ptr_null(strstr(list[i].sql, "COMMIT"));
		/* In order, from the baseline's 8; numbers are handed out
		 * ahead of merges, so one may stay unused (012). */
		if (i == 0)
			ck_assert_int_eq(list[i].version, 8);
		else
			ck_assert_int_gt(list[i].version, list[i - 1].version);
		/* Triggers and views live in sql/functions/: a migration
		 * may drop them, or switch a table's off for a backfill. */
		ck_assert_msg(!makes_object(list[i].sql, "TRIGGER ") &&
		    !makes_object(list[i].sql, "VIEW "),
		    "%s creates a trigger or a view", list[i].name);
	}
	migrate_list_free(list, n);
}
END_TEST

START_TEST(repository_functions_are_rerunnable)
{
	static const char *const state[] = { "CREATE TABLE", "CREATE INDEX",
	    "CREATE UNIQUE INDEX", "CREATE TYPE", "CREATE SEQUENCE",
	    "ALTER TABLE", "DROP ", "INSERT INTO schema_", "COMMIT",
	    "CREATE FUNCTION", "CREATE TRIGGER", "CREATE VIEW" };
	struct migration *list;
	char err[256];
	size_t n, i, k;

	ck_assert_int_eq(migrate_scan_functions(TOP_SRCDIR "/sql/functions",
	    &list, &n, err, sizeof(err)), 0);
	ck_assert_uint_ge(n, 1);
	for (i = 0; i < n; i++) {
		for (k = 0; k < sizeof(state) / sizeof(state[0]); k++)
			ck_assert_msg(strstr(list[i].sql, state[k]) == NULL,
			    "functions/%s: \"%s\" (state goes in a migration; "
			    "functions are CREATE OR REPLACE)", list[i].name,
			    state[k]);
	}
	migrate_list_free(list, n);
}
END_TEST

/* Add to made every function that sql creates ("FUNCTION name(" after
 * CREATE or CREATE OR REPLACE), with where, and fail on a second home. */
static void
collect_functions(const char *sql, const char *where, char made[][64],
    const char **homes, size_t *count, bool repeat_ok)
{
	const char *p = sql, *name;
	size_t len, i;

	while ((p = strstr(p, "FUNCTION vp_")) != NULL) {
		name = p + strlen("FUNCTION ");
		len = strcspn(name, "(");
		p = name + len;
		if (len >= 64 || *p != '(')
			continue;
		/* Only where a function is made, not where one is dropped. */
		if (!(name - sql >= 16 && strncmp(name - 16, "CREATE FUNCTION ",
		    16) == 0) && !(name - sql >= 27 && strncmp(name - 27,
		    "CREATE OR REPLACE FUNCTION ", 27) == 0))
			continue;
		for (i = 0; i < *count; i++) {
			if (strlen(made[i]) == len &&
			    strncmp(made[i], name, len) == 0)
				break;
		}
		if (i < *count) {
			ck_assert_msg(repeat_ok && strcmp(homes[i], where) == 0,
			    "%.*s is made in %s and in %s", (int)len, name,
			    homes[i], where);
			continue;
		}
		ck_assert_uint_lt(*count, 512);
		snprintf(made[*count], 64, "%.*s", (int)len, name);
		homes[(*count)++] = where;
	}
}

START_TEST(each_function_has_one_home)
{
	static char made[512][64];
	static const char *homes[512];
	struct migration *migrations, *functions;
	char err[256];
	size_t nm, nf, n = 0, i;

	ck_assert_int_eq(migrate_scan(TOP_SRCDIR "/sql/migrations",
	    &migrations, &nm, err, sizeof(err)), 0);
	ck_assert_int_eq(migrate_scan_functions(TOP_SRCDIR "/sql/functions",
	    &functions, &nf, err, sizeof(err)), 0);
	/* A function that state depends on (a CHECK, a default, an index)
	 * is state: only migrations make it, and a later one may replace
	 * it. Every other function is made by one function file, once. */
	for (i = 0; i < nm; i++)
		collect_functions(migrations[i].sql, "sql/migrations", made,
		    homes, &n, true);
	for (i = 0; i < nf; i++)
		collect_functions(functions[i].sql, functions[i].name, made,
		    homes, &n, false);
	ck_assert_uint_ge(n, 100);
	migrate_list_free(migrations, nm);
	migrate_list_free(functions, nf);
}
END_TEST

/* Run the tests; the exit status says whether any failed. */
int
main(void)
{
	return unit_main("migrate", setup, teardown, UNIT_TESTS(names,
	    scan_sorts_and_sums, scan_refuses_bad_sets, function_names,
	    scan_functions_sorts_by_name, legacy_set_exactly, functions_stale,
	    repository_migrations_are_valid,
	    repository_functions_are_rerunnable, each_function_has_one_home));
}
