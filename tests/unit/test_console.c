/* Unit tests of daemon/console.c: which files of a folder are served,
 * and that a folder that cannot be read leaves the files as they were. */
#include "config.h"

#include <sys/stat.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/unit.h"
#include "daemon/console.h"

static char dir[64];

/* Write text to dir/name. */
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

static void
setup(void)
{
	unit_mkdtemp(dir, sizeof(dir), "test_console");
}

static void
teardown(void)
{
	unit_rmdir(dir);
}

START_TEST(only_the_folders_own_files)
{
	struct console *c = console_create();
	char err[256], path[256], target[256];

	put("index.html", "<!doctype html>");
	put("app.js", "export {};");
	put("style.css", "body {}");
	put(".hidden.js", "hidden");		/* hidden */
	put("notes.md", "notes");		/* no type served */
	put("a b.js", "space");			/* not a segment's characters */
	put("x~y.js", "tilde");
	snprintf(path, sizeof(path), "%s/sub.js", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);	/* a folder */
	snprintf(target, sizeof(target), "%s/app.js", dir);
	snprintf(path, sizeof(path), "%s/link.js", dir);
	ck_assert_int_eq(symlink(target, path), 0);	/* a link */
	ck_assert_int_eq(console_count(c), 0);
	ck_assert_int_eq(console_load(c, dir, err, sizeof(err)), 0);
	ck_assert_uint_eq(console_count(c), 3);
	console_free(c);
}
END_TEST

START_TEST(a_bad_folder_keeps_the_files)
{
	struct console *c = console_create();
	char err[256], missing[128];

	put("index.html", "<!doctype html>");
	ck_assert_int_eq(console_load(c, dir, err, sizeof(err)), 0);
	ck_assert_uint_eq(console_count(c), 1);
	snprintf(missing, sizeof(missing), "%s/missing", dir);
	ck_assert_int_eq(console_load(c, missing, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "missing"));
	ck_assert_uint_eq(console_count(c), 1);
	/* "" serves none. */
	ck_assert_int_eq(console_load(c, "", err, sizeof(err)), 0);
	ck_assert_uint_eq(console_count(c), 0);
	console_free(c);
}
END_TEST

START_TEST(too_many_files)
{
	struct console *c = console_create();
	char err[256], name[32];
	int i;

	for (i = 0; i <= CONSOLE_MAX_FILES; i++) {
		snprintf(name, sizeof(name), "f%d.js", i);
		put(name, "x");
	}
	ck_assert_int_eq(console_load(c, dir, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "more than"));
	ck_assert_uint_eq(console_count(c), 0);
	console_free(c);
}
END_TEST

/* Run the tests; the exit status says whether any failed. */
int
main(void)
{
	return unit_main("console", setup, teardown, UNIT_TESTS(
	    only_the_folders_own_files, a_bad_folder_keeps_the_files,
	    too_many_files));
}
