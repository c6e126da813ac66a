/* The outbox: writes kept on this machine while vpointsd cannot be reached,
 * until `vpoints outbox flush` sends them. One file per entry, named by a
 * sequence number so that names sort in the order the entries were made.
 * An entry is there whole or not at all: written to a temporary file in
 * the same folder, fsynced, renamed into place, the folder fsynced. The
 * folder is made 0700, entries are 0600. Entries the daemon refused move to
 * the subfolder failed/, with its answer. No entry holds a national ID
 * number (the body member "id_number"): outbox_add refuses one, and
 * outbox_fail drops it from an entry an older vpoints queued. */
#ifndef VPOINTS_OUTBOX_H
#define VPOINTS_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>

/* The subfolder of refused entries. */
#define OUTBOX_FAILED	"failed"

/* One queued write. */
struct outbox_entry {
	char	*id;		/* the file name: eight digits */
	char	*what;		/* the command: "shift checkin" */
	char	*method;
	char	*path;		/* the route, without a query */
	char	*body;		/* the exact bytes to send */
	char	*idempotency_key;
	char	*queued_at;	/* RFC 3339: when the command was run */
	int	 refused_status; /* failed/ only: the daemon's status, else 0 */
	char	*refusal;	/* failed/ only: its answer, else NULL */
};

bool	outbox_has_id_number(const char *body);
bool	outbox_personal_without_consent(const char *body);
int	outbox_add(const char *dir, struct outbox_entry *, char *err,
	    size_t errlen);
int	outbox_list(const char *dir, struct outbox_entry **, size_t *n,
	    char *err, size_t errlen);
int	outbox_remove(const char *dir, const char *id, char *err,
	    size_t errlen);
int	outbox_fail(const char *dir, const struct outbox_entry *, int status,
	    const char *answer, char *err, size_t errlen);
void	outbox_entries_free(struct outbox_entry *, size_t n);

#endif
