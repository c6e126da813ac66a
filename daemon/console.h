/* The browser console's files (console/ of the source tree, installed in
 * $(datadir)/vpoints/console): plain HTML, CSS and JavaScript served
 * unsigned at /console/ (the WIRE_STATIC routes of common/routes.h).
 *
 * The files of console_dir are read into memory when the daemon starts
 * and on SIGHUP: only the regular files found then, named in letters,
 * digits, "-", "_" and "." (not first) and of a known type, are served.
 * A request names one of them by a single path segment or gets 404, so
 * no path reaches anything else on the disk. Each reply carries a strict
 * Content-Security-Policy (default-src 'self', no inline script), nosniff,
 * no referrer, and an ETag of the file's bytes (If-None-Match: 304).
 * These files are the same for everyone and hold no data of the ledger;
 * the page signs every API request with its own station key. */
#ifndef VPOINTSD_CONSOLE_H
#define VPOINTSD_CONSOLE_H

#include <stddef.h>

#include "daemon/http.h"

/* The most files and bytes served; a folder with more is refused. */
#define CONSOLE_MAX_FILES	64
#define CONSOLE_MAX_BYTES	(8 * 1024 * 1024)

/* The policy of every console reply. */
#define CONSOLE_CSP	"default-src 'self'; script-src 'self'; " \
	"style-src 'self'; img-src 'self' data:; connect-src 'self'; " \
	"object-src 'none'; base-uri 'none'; form-action 'none'; " \
	"frame-ancestors 'none'"

struct console;

struct console	*console_create(void);
int		 console_load(struct console *, const char *dir, char *err,
		    size_t errlen);
size_t		 console_count(const struct console *);
void		 console_free(struct console *);
void		 console_get(struct http_request *, void *console);

#endif
