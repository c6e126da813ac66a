/* A refusal of the daemon (an RFC 9457 problem) said as a sentence in the
 * user's language: from its stable type and its extension members, never
 * from its English detail, which is the fallback for a type the client
 * does not know. */
#ifndef VPOINTS_REFUSAL_H
#define VPOINTS_REFUSAL_H

#include <jansson.h>

char	*refusal_sentence(json_t *problem);
char	*refusal_render(const char *template, json_t *problem);

#endif
