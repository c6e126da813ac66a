/* Unit tests of common/log.c: lines held for one write (log_hold) come
 * out in order, at log_flush, at once with a warning, and on a crash.
 * The crash tests run log_hold in a child of their own: it arms the
 * signal handlers once per process (so Check's fork mode, the default,
 * is needed). */
#include "config.h"

#include <sys/resource.h>
#include <sys/wait.h>

#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/unit.h"
#include "log.h"

static char dir[256], path[512];
static int told;		/* the holder was told */

/* Standard error goes to a file of a fresh folder. */
static void
setup(void)
{
	int fd;

	unit_mkdtemp(dir, sizeof(dir), "vpoints-log");
	snprintf(path, sizeof(path), "%s/stderr", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	close(fd);
	log_init("test");
	log_set_level(LOG_INFO);
	told = 0;
}

static void
teardown(void)
{
	unit_rmdir(dir);
}

/* What standard error holds so far. */
static char *
written(void)
{
	static char text[8192];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	ck_assert_int_ge(fd, 0);
	n = read(fd, text, sizeof(text) - 1);
	ck_assert_int_ge(n, 0);
	text[n] = '\0';
	close(fd);
	return text;
}

/* A child's signals as the process's own would be: the default action,
 * not blocked, whatever the test runner was started with (a shell's
 * "&" ignores SIGQUIT). */
static void
default_signals(void)
{
	static const int sigs[] = { SIGQUIT, SIGXFSZ, SIGSEGV, SIGABRT };
	sigset_t set;
	size_t i;

	sigemptyset(&set);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		signal(sigs[i], SIG_DFL);
		sigaddset(&set, sigs[i]);
	}
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void
holder(void *arg)
{
	told++;
	ck_assert_ptr_eq(arg, &told);
}

START_TEST(lines_are_written_at_once_unless_held)
{
	log_info("one %d", 1);
	ck_assert_ptr_nonnull(strstr(written(), "test["));
	ck_assert_ptr_nonnull(strstr(written(), "] info: one 1\n"));
}
END_TEST

START_TEST(held_lines_wait_for_the_flush)
{
	log_hold(holder, &told);
	log_info("one");
	log_info("two");
	log_debug("below the level");
	ck_assert_str_eq(written(), "");
	/* Told once, when the first line was held. */
	ck_assert_int_eq(told, 1);
	log_flush();
	ck_assert_ptr_nonnull(strstr(written(), "info: one\n"));
	ck_assert_ptr_nonnull(strstr(written(), "info: two\n"));
	ck_assert_ptr_null(strstr(written(), "below"));
	log_info("three");
	ck_assert_int_eq(told, 2);
	ck_assert_ptr_null(strstr(written(), "three"));
	log_hold(NULL, NULL);
	ck_assert_ptr_nonnull(strstr(written(), "info: three\n"));
}
END_TEST

START_TEST(a_warning_is_written_at_once_after_the_lines_before)
{
	const char *text, *one, *bad;

	log_hold(holder, &told);
	log_info("one");
	log_warn("bad");
	text = written();
	one = strstr(text, "info: one\n");
	bad = strstr(text, "warn: bad\n");
	ck_assert_ptr_nonnull(one);
	ck_assert_ptr_nonnull(bad);
	ck_assert(one < bad);
	log_error("worse");
	ck_assert_ptr_nonnull(strstr(written(), "error: worse\n"));
	log_hold(NULL, NULL);
}
END_TEST

START_TEST(a_full_buffer_is_written)
{
	int i;

	log_hold(holder, &told);
	for (i = 0; i < 2000; i++)
		log_info("line %04d of many, long enough to fill the buffer", i);
	/* Some went out without a flush, in order from the first. */
	ck_assert_ptr_nonnull(strstr(written(), "info: line 0000 of"));
	log_hold(NULL, NULL);
}
END_TEST

START_TEST(a_crash_writes_what_is_held)
{
	pid_t pid;
	int status;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		default_signals();
		log_hold(holder, &told);
		log_info("the last words");
		abort();
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	/* The signal still ends the process, after the write. */
	ck_assert(WIFSIGNALED(status));
	ck_assert_int_eq(WTERMSIG(status), SIGABRT);
	ck_assert_ptr_nonnull(strstr(written(), "info: the last words\n"));
}
END_TEST

/* A signal whose default is a core dump, sent by another process. */
START_TEST(a_quit_writes_what_is_held)
{
	pid_t pid;
	int status;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		default_signals();
		log_hold(holder, &told);
		log_info("asked to quit");
		kill(getpid(), SIGQUIT);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status));
	ck_assert_int_eq(WTERMSIG(status), SIGQUIT);
	ck_assert_ptr_nonnull(strstr(written(), "info: asked to quit\n"));
}
END_TEST

/* A signal ignored when the handlers are armed stays ignored. */
START_TEST(an_ignored_signal_stays_ignored)
{
	struct sigaction sa;
	pid_t pid;
	int status;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		default_signals();
		signal(SIGQUIT, SIG_IGN);
		log_hold(holder, &told);
		log_info("still here");
		/* 7: left ignored, not caught (to be ignored again). */
		sigaction(SIGQUIT, NULL, &sa);
		kill(getpid(), SIGQUIT);
		exit(sa.sa_handler == SIG_IGN ? 7 : 8);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 7);
	ck_assert_ptr_nonnull(strstr(written(), "info: still here\n"));
}
END_TEST

/* A signal the handler's own write brings (the file size limit reached):
 * the handler runs again inside the write, finds nothing held and lets
 * that signal end the process, instead of writing again and again. */
START_TEST(a_signal_of_the_write_itself_ends_it)
{
	struct rlimit lim;
	pid_t pid;
	int status;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		default_signals();
		log_hold(holder, &told);
		log_info("too much for the file");
		lim.rlim_cur = lim.rlim_max = 0;
		setrlimit(RLIMIT_FSIZE, &lim);
		kill(getpid(), SIGQUIT);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status));
	ck_assert_int_eq(WTERMSIG(status), SIGXFSZ);
}
END_TEST

/* The handler before ours, as a sanitizer's: exits 42 when it sees the
 * fault itself (the kernel's si_code), 43 when it sees a signal sent. */
static void
before(int sig, siginfo_t *info, void *context)
{
	(void)sig;
	(void)context;
	_exit(info->si_code > 0 ? 42 : 43);
}

/* A real fault: the handler writes what is held and returns to the fault,
 * which happens again, now to the handler before, with its own details.
 * (An unmapped page's address, not NULL, which UBSan would stop at.) */
START_TEST(a_fault_writes_what_is_held_then_faults_again)
{
	struct sigaction sa;
	pid_t pid;
	int status;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		default_signals();
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = before;
		sa.sa_flags = SA_SIGINFO;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGSEGV, &sa, NULL);
		log_hold(holder, &told);
		log_info("before the fault");
		*(volatile int *)(uintptr_t)4096 = 1;
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 42);
	ck_assert_ptr_nonnull(strstr(written(), "info: before the fault\n"));
}
END_TEST

START_TEST(an_exit_writes_what_is_held)
{
	pid_t pid;
	int status;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		log_hold(holder, &told);
		log_info("goodbye");
		exit(3);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 3);
	ck_assert_ptr_nonnull(strstr(written(), "info: goodbye\n"));
}
END_TEST

/* Run the tests; the exit status says whether any failed. */
int
main(void)
{
	return unit_main("log", setup, teardown, UNIT_TESTS(
	    lines_are_written_at_once_unless_held,
	    held_lines_wait_for_the_flush,
	    a_warning_is_written_at_once_after_the_lines_before,
	    a_full_buffer_is_written, a_crash_writes_what_is_held,
	    a_quit_writes_what_is_held, an_ignored_signal_stays_ignored,
	    a_signal_of_the_write_itself_ends_it,
	    a_fault_writes_what_is_held_then_faults_again,
	    an_exit_writes_what_is_held));
}
