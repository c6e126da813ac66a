#include "config.h"

#include <locale.h>
#include <stdlib.h>

#include "client/i18n.h"

/* The catalogues are installed under LOCALEDIR; VPOINTS_LOCALEDIR names
 * another place (the tests use the build tree's). Numbers stay in the C
 * locale: CSV, JSON and the daemon's arguments need a decimal point,
 * whatever the user's LC_NUMERIC says. */
void
i18n_init(void)
{
	const char *dir = getenv("VPOINTS_LOCALEDIR");

	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");
	bindtextdomain(PACKAGE, dir != NULL && *dir != '\0' ? dir :
	    VPOINTS_LOCALEDIR);
	bind_textdomain_codeset(PACKAGE, "UTF-8");
	textdomain(PACKAGE);
}
