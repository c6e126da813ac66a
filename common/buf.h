/* A growing byte string, always NUL-terminated; out of memory aborts. */
#ifndef VPOINTS_BUF_H
#define VPOINTS_BUF_H

#include <stddef.h>

struct buf {
	char	*data;		/* NULL until the first byte */
	size_t	 len;
	size_t	 size;
};

void	buf_add(struct buf *, const char *s, size_t len);
void	buf_puts(struct buf *, const char *s);

#endif
