/* The client's language: GNU gettext. Every sentence, heading and label
 * the client prints for people is written in English in the source and
 * marked, so xgettext finds it and po/ translates it:
 *
 *	_("text")	translated where it is used;
 *	N_("text")	only marked, for tables of strings translated later
 *			with _(); the string itself is the message id;
 *	C_("ctx", "text")  translated in a context, for an English word
 *			that says two things ("Name" of a person, of a
 *			team): the context tells the translations apart;
 *	NC_("ctx", "text") in a table: the context and the text in one
 *			string, translated later with i18n_gettext().
 *
 * What is not for people (JSON members, CSV headers, command and option
 * names, problem types) is never marked. po/glossary.md fixes the words
 * of the programme; doc/hacking.md says how a new message gets its
 * translation. */
#ifndef VPOINTS_CLIENT_I18N_H
#define VPOINTS_CLIENT_I18N_H

#include <libintl.h>

#define _(text)			gettext(text)
#define N_(text)		text
#define C_(ctx, text)		i18n_pgettext((ctx), (text))
#define NC_(ctx, text)		ctx "\004" text

/* Choose the language from the environment (LANGUAGE, LC_ALL,
 * LC_MESSAGES, LANG) and bind the catalogue; call once, first. */
void		 i18n_init(void);

/* Speak language (the config file's language =, "zh_CN", "en") instead
 * of what the environment says; NULL or "" changes nothing. */
void		 i18n_language(const char *language);

/* The translation of text in context ctx; text when there is none. */
const char	*i18n_pgettext(const char *ctx, const char *text);

/* The translation of a string of a table, N_() or NC_(); without one,
 * the English text (without its context). */
const char	*i18n_gettext(const char *marked);

#endif
