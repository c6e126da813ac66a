#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static const char *log_program = "vpoints";
static enum log_level log_threshold = LOG_INFO;

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

/* Write one line: UTC time with milliseconds, program, pid, level, text. */
void
log_msg(enum log_level level, const char *fmt, ...)
{
	char line[2048], stamp[32];
	struct timeval tv;
	struct tm tm;
	va_list ap;
	size_t i;

	if (level < log_threshold)
		return;
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* One event, one line: a newline in a message must not forge another. */
	for (i = 0; line[i] != '\0'; i++) {
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	}
	fprintf(stderr, "%s.%03ldZ %s[%ld] %s: %s\n", stamp,
	    (long)(tv.tv_usec / 1000), log_program, (long)getpid(),
	    log_names[level], line);
}
