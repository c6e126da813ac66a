#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "daemon/console.h"
#include "log.h"
#include "wire.h"
#include "xmalloc.h"

/* One file served, with its bytes. */
struct console_file {
	char		*name;
	const char	*type;		/* its Content-Type */
	char		*body;
	size_t		 len;
	char		 etag[35];	/* "<32 hex digits>" */
};

struct console {
	struct console_file *files;
	size_t		 nfiles;
};

/* The types served, by the end of a file's name; others are not. */
static const struct {
	const char	*suffix;
	const char	*type;
} console_types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".json", "application/json" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".ico", "image/vnd.microsoft.icon" },
	{ ".txt", "text/plain; charset=utf-8" },
};

/* Free the files of a set. */
static void
console_files_free(struct console_file *files, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(files[i].name);
		free(files[i].body);
	}
	free(files);
}

/* The Content-Type of a name, or NULL for a name not served: letters,
 * digits, "-", "_" and ".", not first (no ".", "..", hidden files), and a
 * known ending. The same characters as a route's {} segment, less "~". */
static const char *
console_type(const char *name)
{
	size_t len = strlen(name), i, n;

	if (len == 0 || len > 100 || name[0] == '.' ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != len)
		return NULL;
	for (i = 0; i < sizeof(console_types) / sizeof(console_types[0]);
	    i++) {
		n = strlen(console_types[i].suffix);
		if (len > n && strcmp(name + len - n,
		    console_types[i].suffix) == 0)
			return console_types[i].type;
	}
	return NULL;
}

/* Read one regular file (never through a symbolic link) into f. */
static int
console_read(int dirfd, const char *name, struct console_file *f,
    size_t *total, char *err, size_t errlen)
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	struct stat st;
	ssize_t got;
	size_t off = 0;
	int fd;

	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1 && errno == ELOOP) {
		/* It could lead anywhere: only the folder's own files. */
		log_warn("console: %s is a symbolic link; not served", name);
		return 1;
	}
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return 1;	/* a folder or a device: not one of ours */
	}
	*total += (size_t)st.st_size;
	if (*total > CONSOLE_MAX_BYTES) {
		snprintf(err, errlen, "more than %d bytes of files",
		    CONSOLE_MAX_BYTES);
		close(fd);
		return -1;
	}
	f->len = (size_t)st.st_size;
	f->body = xmalloc(f->len + 1);
	while (off < f->len) {
		got = read(fd, f->body + off, f->len - off);
		if (got <= 0) {
			snprintf(err, errlen, "%s: %s", name, got == 0 ?
			    "shorter than it was" : strerror(errno));
			close(fd);
			return -1;
		}
		off += (size_t)got;
	}
	close(fd);
	crypto_hash_sha256(digest, (unsigned char *)f->body, f->len);
	f->etag[0] = '"';
	sodium_bin2hex(f->etag + 1, 33, digest, 16);
	f->etag[33] = '"';
	f->etag[34] = '\0';
	return 0;
}

/* A new, empty set: every file is 404 until console_load. */
struct console *
console_create(void)
{
	return xcalloc(1, sizeof(struct console));
}

/*
 * Read the files of dir ("" serves none) in place of those served so
 * far. On failure -1 with err, and the files served stay as they were.
 */
int
console_load(struct console *c, const char *dir, char *err, size_t errlen)
{
	struct console_file *files = NULL;
	size_t n = 0, total = 0;
	struct dirent *de;
	DIR *d = NULL;
	int rc;

	if (*dir == '\0')
		goto swap;
	if ((d = opendir(dir)) == NULL) {
		snprintf(err, errlen, "console_dir %s: %s", dir,
		    strerror(errno));
		return -1;
	}
	files = xcalloc(CONSOLE_MAX_FILES, sizeof(*files));
	while ((de = readdir(d)) != NULL) {
		if (console_type(de->d_name) == NULL)
			continue;
		if (n == CONSOLE_MAX_FILES) {
			snprintf(err, errlen, "console_dir %s: more than %d "
			    "files", dir, CONSOLE_MAX_FILES);
			goto fail;
		}
		rc = console_read(dirfd(d), de->d_name, &files[n], &total,
		    err, errlen);
		if (rc < 0)
			goto fail;
		if (rc > 0)
			continue;
		files[n].name = xstrdup(de->d_name);
		files[n].type = console_type(de->d_name);
		n++;
	}
	closedir(d);
swap:
	console_files_free(c->files, c->nfiles);
	c->files = files;
	c->nfiles = n;
	return 0;
fail:
	closedir(d);
	console_files_free(files, n < CONSOLE_MAX_FILES ? n + 1 : n);
	return -1;
}

/* How many files are served. */
size_t
console_count(const struct console *c)
{
	return c->nfiles;
}

/* Free the set. */
void
console_free(struct console *c)
{
	if (c == NULL)
		return;
	console_files_free(c->files, c->nfiles);
	free(c);
}

/* Whether an If-None-Match value (RFC 9110 section 13.1.2: "*" or a list
 * of entity tags, weak or strong, compared weakly) names etag. */
static bool
console_etag_matches(const char *if_none_match, const char *etag)
{
	const char *p = if_none_match, *end;
	size_t len = strlen(etag);

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return true;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		end = p + strcspn(p, ",");
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if ((size_t)(end - p) == len && memcmp(p, etag, len) == 0)
			return true;
		p += strcspn(p, ",");
	}
	return false;
}

/* GET or HEAD /console/ (the index) and /console/NAME. */
void
console_get(struct http_request *hr, void *arg)
{
	const struct console *c = arg;
	const struct console_file *f = NULL;
	const char *name = "index.html", *inm;
	char length[24];
	bool head = strcmp(http_request_method(hr), "HEAD") == 0;
	size_t i;

	if (http_request_nparams(hr) > 0)
		name = http_request_param(hr, 0);
	for (i = 0; c != NULL && i < c->nfiles; i++) {
		if (strcmp(c->files[i].name, name) == 0)
			f = &c->files[i];
	}
	if (f == NULL) {
		http_reply_problem(hr, 404, WIRE_P_NOT_FOUND, "Not found",
		    "No such file of the console.");
		return;
	}
	http_request_add_header(hr, "Content-Security-Policy", CONSOLE_CSP);
	http_request_add_header(hr, "X-Content-Type-Options", "nosniff");
	http_request_add_header(hr, "Referrer-Policy", "no-referrer");
	http_request_add_header(hr, "X-Frame-Options", "DENY");
	/* Kept, but asked again each time: a new release's file differs. */
	http_request_add_header(hr, "Cache-Control", "no-cache");
	http_request_add_header(hr, "ETag", f->etag);
	inm = http_request_header(hr, "If-None-Match");
	if (inm != NULL && console_etag_matches(inm, f->etag)) {
		http_reply(hr, 304, f->type, "", 0);
		return;
	}
	if (head) {
		/* libevent 2.1 would send a HEAD the body and no length:
		 * the length of the GET, and nothing after the head. */
		snprintf(length, sizeof(length), "%zu", f->len);
		http_request_add_header(hr, "Content-Length", length);
		http_reply(hr, 200, f->type, "", 0);
		return;
	}
	http_reply(hr, 200, f->type, f->body, f->len);
}
