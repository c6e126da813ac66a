/* What every command shares: exit codes from HTTP statuses, the daemon's
 * refusals said to the user, small checks of command-line values, output
 * files written whole. */
#include "config.h"

#include <ctype.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "client/client.h"
#include "wire.h"
#include "xmalloc.h"

/* The exit code that an HTTP error status stands for. */
int
client_exit_code(int status)
{
	if (status >= 200 && status < 300)
		return WIRE_EXIT_OK;
	switch (status) {
	case 400:
	case 404:
	case 413:
	case 422:
		return WIRE_EXIT_DATAERR;
	case 409:
		return WIRE_EXIT_FAILURE;
	case 401:
	case 403:
		return WIRE_EXIT_NOPERM;
	case 429:
		return WIRE_EXIT_TEMPFAIL;
	case 503:
		return WIRE_EXIT_UNAVAILABLE;
	default:
		return status >= 500 ? WIRE_EXIT_SOFTWARE : WIRE_EXIT_FAILURE;
	}
}

/* Tell the user why the daemon refused; returns the exit code. */
int
client_report_problem(const struct client *cl, const char *what,
    const struct net_response *resp)
{
	json_t *p = json_loadb(resp->body, resp->len, 0, NULL);
	const char *title, *detail, *type;
	int rc = client_exit_code(resp->status);

	if (cl->json) {
		fprintf(stderr, "%s\n", resp->body);
	} else {
		title = json_string_value(json_object_get(p, "title"));
		detail = json_string_value(json_object_get(p, "detail"));
		fprintf(stderr, "vpoints: %s: %s%s%s (HTTP %d)\n", what,
		    title != NULL ? title : "error",
		    detail != NULL ? ": " : "", detail != NULL ? detail : "",
		    resp->status);
	}
	/* A 409 still in flight after every retry: try again later. */
	type = json_string_value(json_object_get(p, "type"));
	if (resp->status == 409 && type != NULL &&
	    strcmp(type, WIRE_P_IN_FLIGHT) == 0)
		rc = WIRE_EXIT_TEMPFAIL;
	json_decref(p);
	return rc;
}

/* A string member of a JSON object, or "". */
const char *
client_str(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s != NULL ? s : "";
}

/* Parse the whole non-negative number an option wants; complain and
 * return the exit code when it is not one, else 0. */
int
client_whole(const char *option, const char *text, long long *n)
{
	char *end;

	errno = 0;
	*n = strtoll(text, &end, 10);
	if (*end != '\0' || end == text || *n < 0 || errno != 0 ||
	    !isdigit((unsigned char)*text)) {
		fprintf(stderr, "vpoints: %s wants a whole number, not "
		    "\"%s\"\n", option, text);
		return WIRE_EXIT_DATAERR;
	}
	return 0;
}

/* True for a "YYYY-MM" with a month from 01 to 12. */
bool
client_is_month(const char *text)
{
	return strlen(text) == 7 && isdigit((unsigned char)text[0]) &&
	    isdigit((unsigned char)text[1]) &&
	    isdigit((unsigned char)text[2]) &&
	    isdigit((unsigned char)text[3]) && text[4] == '-' &&
	    ((text[5] == '0' && text[6] >= '1' && text[6] <= '9') ||
	    (text[5] == '1' && text[6] >= '0' && text[6] <= '2'));
}

/* Write len bytes of data to path, or to stdout when path is NULL, a
 * new file with the given mode (less the umask). A file is written as
 * path.tmp and renamed over path, so that a reader finds the old file or
 * the whole new one, never a part. Returns 0, or says why not and
 * returns the exit code. */
static int
client_write_mode(const char *path, const char *data, size_t len,
    mode_t mode)
{
	char *tmp;
	FILE *f;
	int fd;

	if (path == NULL) {
		if (fwrite(data, 1, len, stdout) != len ||
		    fflush(stdout) != 0) {
			fprintf(stderr, "vpoints: standard output: %s\n",
			    strerror(errno));
			return WIRE_EXIT_CANTCREAT;
		}
		return 0;
	}
	tmp = xasprintf("%s.tmp", path);
	unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    mode)) < 0)
		goto fail;
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		goto fail;
	}
	if (fwrite(data, 1, len, f) != len || fflush(f) != 0 ||
	    fsync(fileno(f)) != 0) {
		fclose(f);
		goto fail;
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		goto fail;
	free(tmp);
	return 0;
fail:
	fprintf(stderr, "vpoints: %s: %s\n", tmp, strerror(errno));
	unlink(tmp);
	free(tmp);
	return WIRE_EXIT_CANTCREAT;
}

/* Write an output file (see client_write_mode) anyone may read. */
int
client_write(const char *path, const char *data, size_t len)
{
	return client_write_mode(path, data, len, 0666);
}

/* Write an output file of personal data, readable by its owner only. */
int
client_write_private(const char *path, const char *data, size_t len)
{
	return client_write_mode(path, data, len, 0600);
}

/* Take the output format from the config file unless an option gave one;
 * 0 or the exit code. */
int
client_output(struct client *cl)
{
	const char *format = cl->settings.format;

	if (cl->json && cl->csv) {
		fprintf(stderr, "vpoints: --json or --csv, not both\n");
		return WIRE_EXIT_USAGE;
	}
	if (cl->json || cl->csv || format == NULL ||
	    strcmp(format, "table") == 0)
		return 0;
	if (strcmp(format, "json") == 0)
		cl->json = true;
	else if (strcmp(format, "csv") == 0)
		cl->csv = true;
	else {
		fprintf(stderr, "vpoints: config: format = %s: want table, "
		    "json or csv\n", format);
		return WIRE_EXIT_CONFIG;
	}
	return 0;
}

/* Lists and records as a table, or as CSV with --csv. */
enum table_format
client_table_format(const struct client *cl)
{
	return cl->csv ? TABLE_CSV : TABLE_TEXT;
}
