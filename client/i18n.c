#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "client/i18n.h"
#include "xmalloc.h"

/* Bumped when LANGUAGE changes at run time, so that gettext forgets the
 * translations it looked up (the GNU gettext manual's recipe). */
extern int _nl_msg_cat_cntr;

/* The locale the environment names for messages, or NULL. */
static const char *
i18n_wanted(void)
{
	static const char *const names[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	const char *v;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if ((v = getenv(names[i])) != NULL && *v != '\0')
			return v;
	}
	return NULL;
}

/* gettext ignores LANGUAGE in the C locale; C.UTF-8 (in every glibc
 * since 2.35, and in Debian's before) is not "C" to it and prints
 * UTF-8. */
static void
i18n_messages_utf8(void)
{
	const char *now = setlocale(LC_MESSAGES, NULL);

	if (now == NULL || strcmp(now, "C") == 0 || strcmp(now, "POSIX") == 0)
		setlocale(LC_MESSAGES, "C.UTF-8");
}

/* The catalogues are installed under LOCALEDIR; VPOINTS_LOCALEDIR names
 * another place (the tests use the build tree's). Numbers stay in the C
 * locale: CSV, JSON and the daemon's arguments need a decimal point,
 * whatever the user's LC_NUMERIC says.
 *
 * A station asking for zh_CN.UTF-8 on a machine where that locale was
 * never generated still gets Chinese: the language it named is kept in
 * LANGUAGE and the messages are printed in UTF-8. */
void
i18n_init(void)
{
	const char *dir = getenv("VPOINTS_LOCALEDIR"), *wanted, *language;

	if (setlocale(LC_ALL, "") == NULL) {
		wanted = i18n_wanted();
		language = getenv("LANGUAGE");
		if (wanted != NULL && strcmp(wanted, "C") != 0 &&
		    strcmp(wanted, "POSIX") != 0) {
			if (language == NULL || *language == '\0')
				setenv("LANGUAGE", wanted, 1);
			setlocale(LC_CTYPE, "C.UTF-8");
			i18n_messages_utf8();
		}
	}
	setlocale(LC_NUMERIC, "C");
	bindtextdomain(PACKAGE, dir != NULL && *dir != '\0' ? dir :
	    VPOINTS_LOCALEDIR);
	bind_textdomain_codeset(PACKAGE, "UTF-8");
	textdomain(PACKAGE);
}

/* The config file's language =: LANGUAGE, which gettext reads first. */
void
i18n_language(const char *language)
{
	if (language == NULL || *language == '\0')
		return;
	setenv("LANGUAGE", language, 1);
	i18n_messages_utf8();
	++_nl_msg_cat_cntr;
}

/* pgettext with a context known only at run time: gettext looks up
 * "ctx\004text", as xgettext writes msgctxt. */
const char *
i18n_pgettext(const char *ctx, const char *text)
{
	const char *translated;
	char *id;

	id = xasprintf("%s\004%s", ctx, text);
	translated = gettext(id);
	if (translated == id)
		translated = text;
	free(id);
	return translated;
}

/* gettext of a table's string: NC_() wrote "ctx\004text", which is the
 * message id gettext looks up; untranslated, the text after the \004. */
const char *
i18n_gettext(const char *marked)
{
	const char *translated, *text;

	if (*marked == '\0')	/* gettext("") is the catalogue's header */
		return marked;
	translated = gettext(marked);
	if (translated == marked && (text = strchr(marked, '\004')) != NULL)
		return text + 1;
	return translated;
}
