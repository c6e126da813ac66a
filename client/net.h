/* One HTTP exchange with vpointsd, run to completion on a private event
 * loop: the client is a command-line tool and waits for its answer. */
#ifndef VPOINTS_NET_H
#define VPOINTS_NET_H

#include <stddef.h>

struct buf;

struct net_header {
	const char	*name;
	const char	*value;
};

struct net_response {
	int	 status;	/* HTTP status; 0 when no answer came */
	char	*content_type;	/* or NULL */
	char	*body;		/* NUL-terminated */
	size_t	 len;
	char	 error[256];	/* why no answer came */
};

int	net_request(const char *server, const char *method, const char *target,
	    const struct net_header *headers, size_t nheaders,
	    const char *body, size_t len, int timeout_seconds,
	    struct net_response *);
void	net_response_clear(struct net_response *);
int	net_split_server(const char *server, char *host, size_t hostlen,
	    int *port);
int	net_authority(const char *server, char *out, size_t len);
char	*net_encode(const char *);
void	net_query_add(struct buf *query, const char *name, const char *value);

#endif
