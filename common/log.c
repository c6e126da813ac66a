#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static const char *log_program = "vpoints";
static enum log_level log_threshold = LOG_INFO;
static pid_t log_pid;		/* taken by log_init; no process forks */

/*
 * Lines held for one write (log_hold): the daemon logs a line per
 * request, and a write(2) each cost it a system call per request. Held
 * lines go out when the holder says (log_flush, once per turn of its
 * loop), when a warning or an error comes (they are never held, and the
 * lines before them go first), when the buffer is full, at exit, and on
 * a crash (log_crash).
 */
#define LOG_HOLD_MAX	65536
static char log_held[LOG_HOLD_MAX];
static volatile size_t log_nheld;
static void (*log_holder)(void *);	/* told of the first line held */
static void *log_holder_arg;

static const char *const log_names[] = {
	[LOG_DEBUG] = "debug",
	[LOG_INFO] = "info",
	[LOG_WARN] = "warn",
	[LOG_ERROR] = "error",
};

/* Name the program in every line. */
void
log_init(const char *program)
{
	log_program = program;
	log_pid = getpid();
}

/* Drop messages below this level. */
void
log_set_level(enum log_level level)
{
	log_threshold = level;
}

/* Turn "debug", "info", "warn" or "error" into a level; -1 if unknown. */
int
log_level_parse(const char *name, enum log_level *level)
{
	size_t i;

	for (i = 0; i < sizeof(log_names) / sizeof(log_names[0]); i++) {
		if (strcmp(name, log_names[i]) == 0) {
			*level = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

/* The name of a level, as log_level_parse reads it. */
const char *
log_level_name(enum log_level level)
{
	return log_names[level];
}

/*
 * Copy text into out (outlen bytes) as one line: a line end or tab
 * becomes \n, \r or \t, any other control byte \xNN, and a backslash
 * \\, so that a message (libpq's end with a newline, and put DETAIL and
 * HINT on lines of their own, indented by tabs) can neither break its
 * event in two nor forge another, and can be read back as it was. Line
 * ends and white space at the end are dropped.
 */
static void
log_escape(const char *text, char *out, size_t outlen)
{
	size_t len = strlen(text), o = 0, n;
	const unsigned char *p;
	char esc[5];

	while (len > 0 && strchr(" \t\r\n", text[len - 1]) != NULL)
		len--;
	for (p = (const unsigned char *)text; p < (const unsigned char *)text +
	    len; p++) {
		/* Most bytes are themselves: no formatting for those (the
		 * daemon writes a line per request). */
		if (*p >= 0x20 && *p != 0x7f && *p != '\\') {
			if (o + 1 >= outlen)
				break;
			out[o++] = (char)*p;
			continue;
		}
		if (*p == '\n')
			snprintf(esc, sizeof(esc), "\\n");
		else if (*p == '\r')
			snprintf(esc, sizeof(esc), "\\r");
		else if (*p == '\t')
			snprintf(esc, sizeof(esc), "\\t");
		else if (*p == '\\')
			snprintf(esc, sizeof(esc), "\\\\");
		else
			snprintf(esc, sizeof(esc), "\\x%02x", *p);
		n = strlen(esc);
		if (o + n >= outlen)
			break;
		memcpy(out + o, esc, n);
		o += n;
	}
	out[o] = '\0';
}

/* Write the held lines to stderr. */
void
log_flush(void)
{
	size_t off = 0;
	ssize_t n;

	while (off < log_nheld) {
		n = write(STDERR_FILENO, log_held + off, log_nheld - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;	/* nowhere to say so: the lines are lost */
		off += (size_t)n;
	}
	log_nheld = 0;
}

/* The signals that end the process with what is held written first, and
 * what each did before (the default, or a sanitizer's report): the faults
 * and the signals whose default is a core dump. */
static const int log_fatal[] = { SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL,
    SIGQUIT, SIGSYS, SIGXCPU, SIGXFSZ };
static struct sigaction log_fatal_before[sizeof(log_fatal) /
    sizeof(log_fatal[0])];

/* A fault of the instruction running, by its code: it faults again when
 * the handler returns. Any other code (a signal sent, SI_KERNEL, a
 * machine check reported later, BUS_MCEERR_AO) is not. */
static int
log_is_fault(int sig, const siginfo_t *info)
{
	if (info == NULL)
		return 0;
	switch (sig) {
	case SIGSEGV:
		return info->si_code == SEGV_MAPERR ||
		    info->si_code == SEGV_ACCERR;
	case SIGBUS:
		return info->si_code == BUS_ADRALN ||
		    info->si_code == BUS_ADRERR || info->si_code == BUS_OBJERR;
	case SIGFPE:
		return info->si_code >= FPE_INTDIV &&
		    info->si_code <= FPE_FLTSUB;
	case SIGILL:
		return info->si_code >= ILL_ILLOPC &&
		    info->si_code <= ILL_BADSTK;
	default:
		return 0;
	}
}

/* A fatal signal: write what is held, then let the signal do what it did
 * before. A fault returns to its instruction, which faults again, now to
 * the handler before, which sees the fault's own address (a sanitizer's
 * report names it); any other signal is raised again. What is held is
 * taken before it is written: a signal the write itself brings
 * (SIGXFSZ) finds nothing more to write. Only write(2), sigaction(2) and
 * raise(3) here, all async-signal-safe. */
static void
log_crash(int sig, siginfo_t *info, void *context)
{
	size_t len = log_nheld, i;

	(void)context;
	log_nheld = 0;
	if (len > 0 && len <= LOG_HOLD_MAX &&
	    write(STDERR_FILENO, log_held, len) < 0) {
		/* dying anyway */
	}
	for (i = 0; i < sizeof(log_fatal) / sizeof(log_fatal[0]); i++) {
		if (log_fatal[i] == sig)
			sigaction(sig, &log_fatal_before[i], NULL);
	}
	if (!log_is_fault(sig, info))
		raise(sig);
}

/*
 * Hold info and debug lines for one write instead of writing each: holder
 * runs when a line is held in an empty buffer, and the caller then calls
 * log_flush soon (the daemon: at the end of the loop's turn, before any
 * reply of that turn is sent). A crash or exit writes what is held.
 * holder NULL: write what is held and stop holding.
 */
void
log_hold(void (*holder)(void *), void *arg)
{
	static int armed;
	struct sigaction sa;
	size_t i;

	if (holder == NULL)
		log_flush();
	log_holder = holder;
	log_holder_arg = arg;
	if (holder == NULL || armed)
		return;
	armed = 1;
	atexit(log_flush);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = log_crash;
	/* On the alternate stack where one is set (a sanitizer's, for a
	 * stack overflow), as the handler before would have run. */
	sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	/* A signal ignored (SIGQUIT under "vpointsd &") stays ignored. */
	for (i = 0; i < sizeof(log_fatal) / sizeof(log_fatal[0]); i++) {
		if (sigaction(log_fatal[i], NULL, &log_fatal_before[i]) == 0 &&
		    !(log_fatal_before[i].sa_flags & SA_SIGINFO) &&
		    log_fatal_before[i].sa_handler == SIG_IGN)
			continue;
		sigaction(log_fatal[i], &sa, &log_fatal_before[i]);
	}
}

/* Write one line: UTC time with milliseconds, program, pid, level, text. */
void
log_msg(enum log_level level, const char *fmt, ...)
{
	/* The stamp to the second, made again when the second changes: the
	 * daemon logs a line per request. */
	static time_t stamp_sec = -1;
	static char stamp[32];
	char line[2048], escaped[4096], out[4200];
	struct timeval tv;
	struct tm tm;
	va_list ap;
	int n;

	if (level < log_threshold)
		return;
	gettimeofday(&tv, NULL);
	if (tv.tv_sec != stamp_sec) {
		gmtime_r(&tv.tv_sec, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
		stamp_sec = tv.tv_sec;
	}
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* One event, one line. */
	log_escape(line, escaped, sizeof(escaped));
	n = snprintf(out, sizeof(out), "%s.%03ldZ %s[%ld] %s: %s\n", stamp,
	    (long)(tv.tv_usec / 1000), log_program,
	    (long)(log_pid != 0 ? log_pid : getpid()),
	    log_names[level], escaped);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(out)) {
		n = sizeof(out) - 1;
		out[n - 1] = '\n';
	}
	if (log_nheld + (size_t)n > sizeof(log_held))
		log_flush();
	memcpy(log_held + log_nheld, out, (size_t)n);
	log_nheld += (size_t)n;
	if (log_holder == NULL || level >= LOG_WARN)
		log_flush();
	else if (log_nheld == (size_t)n)
		log_holder(log_holder_arg);
}
