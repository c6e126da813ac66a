/* Shared by the Check unit tests: a suite's cases from lists of tests,
 * running a suite (exit status by its result), throwaway folders.
 * Under make check, CK_TAP_LOG_FILE_NAME=- makes Check speak TAP. */
#ifndef VPOINTS_TESTS_UNIT_H
#define VPOINTS_TESTS_UNIT_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The client's catalogues as make builds them, in the build tree's po/
 * (VPOINTS_LOCALEDIR), so that a test may speak a language without make
 * install: unit_catalogue(); i18n_init(); i18n_language("zh_CN"). */
static inline void
unit_catalogue(void)
{
	const char *top = getenv("top_builddir");
	char dir[4096];

	snprintf(dir, sizeof(dir), "%s/po", top != NULL ? top : ".");
	setenv("VPOINTS_LOCALEDIR", dir, 1);
}

/* A NULL-terminated list of tests: the names START_TEST defines. */
#define UNIT_TESTS(...)	((const TTest *const []){ __VA_ARGS__, NULL })

/* Add a case of these tests to s; fixtures go on what it returns. */
static inline TCase *
unit_case(Suite *s, const char *name, const TTest *const *tests)
{
	TCase *tc = tcase_create(name);

	for (; *tests != NULL; tests++)
		tcase_add_test(tc, *tests);
	suite_add_tcase(s, tc);
	return tc;
}

/* Run every test of s; 0 when all passed. */
static inline int
unit_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}

/* Run the suite of one case, both called name, with setup and teardown
 * (either may be NULL) around each test in its process; 0 when all
 * passed. */
static inline int
unit_main(const char *name, SFun setup, SFun teardown,
    const TTest *const *tests)
{
	Suite *s = suite_create(name);
	TCase *tc = unit_case(s, name, tests);

	if (setup != NULL || teardown != NULL)
		tcase_add_checked_fixture(tc, setup, teardown);
	return unit_run(s);
}

/* Make a fresh folder /tmp/NAME.XXXXXX; its path goes to dir. */
static inline void
unit_mkdtemp(char *dir, size_t size, const char *name)
{
	snprintf(dir, size, "/tmp/%s.XXXXXX", name);
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

/* Remove a folder made by unit_mkdtemp, with everything in it. */
static inline void
unit_rmdir(const char *dir)
{
	char *cmd;

	ck_assert_int_ne(asprintf(&cmd, "rm -rf '%s'", dir), -1);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

#endif
