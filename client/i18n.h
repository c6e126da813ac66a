/* The client's language: GNU gettext. Every sentence, heading and label
 * the client prints for people is written in English in the source and
 * marked, so xgettext finds it and po/ translates it:
 *
 *	_("text")	translated where it is used;
 *	N_("text")	only marked, for tables of strings translated later
 *			with _(); the string itself is the message id.
 *
 * What is not for people (JSON members, CSV headers, command and option
 * names, problem types) is never marked. */
#ifndef VPOINTS_CLIENT_I18N_H
#define VPOINTS_CLIENT_I18N_H

#include <libintl.h>

#define _(text)		gettext(text)
#define N_(text)	(text)

/* Choose the language from the environment (LANGUAGE, LC_ALL,
 * LC_MESSAGES, LANG) and bind the catalogue; call once, first. */
void	i18n_init(void);

#endif
