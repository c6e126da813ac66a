#include "config.h"

#include <string.h>

#include "buf.h"
#include "xmalloc.h"

/* Append len bytes of s. */
void
buf_add(struct buf *b, const char *s, size_t len)
{
	if (b->len + len + 1 > b->size) {
		b->size = (b->len + len + 1) * 2;
		b->data = xrealloc(b->data, b->size);
	}
	memcpy(b->data + b->len, s, len);
	b->len += len;
	b->data[b->len] = '\0';
}

/* Append a string. */
void
buf_puts(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}
