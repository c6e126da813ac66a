/* HTTP exchanges with vpointsd through libcurl: http:// on loopback,
 * https:// with the server's certificate verified (the system's CAs or
 * cacert, and pin when set), a path prefix in the server URL, HTTP
 * proxies from the environment or proxy =, and timeouts. One connection
 * serves the exchanges of a command in turn. */
#ifndef VPOINTS_NET_H
#define VPOINTS_NET_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct net;

struct net_header {
	const char	*name;
	const char	*value;
};

/* Why no answer came; each has its exit code (net_exit_code). */
enum net_failure {
	NET_ANSWERED,		/* an answer came: status says which */
	NET_UNREACHABLE,	/* none: refused, reset, timed out, no such
				 * name; worth a retry and the outbox */
	NET_UNTRUSTED,		/* the server's certificate or public key is
				 * not the one expected: never retried */
	NET_BAD_SETTING		/* the server URL, cacert, proxy or key is
				 * wrong here: nothing was sent */
};

struct net_response {
	int		 status;	/* HTTP status; 0 when no answer came */
	enum net_failure failure;
	char		*content_type;	/* or NULL */
	char		*body;		/* NUL-terminated */
	size_t		 len;
	char		 error[768];	/* why no answer came */
};

/* What the transport takes from the settings. */
struct net_options {
	const char	*server;	/* http[s]://HOST[:PORT][/PREFIX/] */
	const char	*cacert;	/* CA file, or NULL: the system's */
	const char	*pin;		/* sha256//BASE64[;sha256//...], or NULL */
	const char	*proxy;		/* proxy URL, "none", or NULL: from the
					 * environment */
	bool		 insecure_http;	/* http:// to a host not on loopback */
	int		 connect_timeout;	/* seconds */
	int		 timeout;	/* seconds for one whole exchange */
};

struct net	*net_open(const struct net_options *, char *err, size_t errlen);
void		 net_close(struct net *);
const char	*net_authority(const struct net *);
const char	*net_prefix(const struct net *);
int		 net_request(struct net *, const char *method,
		     const char *path, const char *query,
		     const struct net_header *headers, size_t nheaders,
		     const char *body, size_t len, struct net_response *);
void		 net_response_clear(struct net_response *);
int		 net_exit_code(const struct net_response *);
char		*net_encode(const char *);
void		 net_query_add(struct buf *query, const char *name,
		     const char *value);

#endif
