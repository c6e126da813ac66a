/* Shared by the Check unit tests: run a suite, exit status by its result.
 * Under make check, CK_TAP_LOG_FILE_NAME=- makes Check speak TAP. */
#ifndef VPOINTS_TESTS_UNIT_H
#define VPOINTS_TESTS_UNIT_H

#include <check.h>

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

#endif
