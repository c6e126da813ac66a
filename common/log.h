/* Logging to stderr: one line per event, with a time stamp and a level. */
#ifndef VPOINTS_LOG_H
#define VPOINTS_LOG_H

enum log_level {
	LOG_DEBUG,	/* details for a developer */
	LOG_INFO,	/* normal events: start, stop, reload, requests */
	LOG_WARN,	/* something is wrong but service goes on */
	LOG_ERROR	/* an operation failed */
};

void log_init(const char *program);
void log_set_level(enum log_level level);
int log_level_parse(const char *name, enum log_level *level);
const char *log_level_name(enum log_level level);

void log_hold(void (*holder)(void *), void *arg);
void log_flush(void);

void log_msg(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
