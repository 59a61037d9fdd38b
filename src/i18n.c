/* Locale and message catalogue set-up. */
#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/local/share/locale"
#endif

/* Picks the first of the candidates that this machine has generated. */
static const char *try_locales(int category, const char *const *names)
{
	for (; *names; names++) {
		const char *got = setlocale(category, *names);
		if (got)
			return got;
	}
	return NULL;
}

static void apply_language(const char *lang)
{
	static const char *const zh[] = { "zh_CN.UTF-8", "zh_CN.utf8", NULL };
	static const char *const en[] = { "C.UTF-8", "C.utf8", "en_US.UTF-8", "C", NULL };

	if (!lang || !*lang)
		return;
	if (strncmp(lang, "zh", 2) == 0) {
		/* Messages only: dates and numbers follow the environment. If
		 * zh_CN.UTF-8 is not generated the UI stays English rather than
		 * showing Chinese in a locale that cannot encode it. */
		try_locales(LC_MESSAGES, zh);
	} else if (strncmp(lang, "en", 2) == 0) {
		try_locales(LC_MESSAGES, en);
		/* LANGUAGE would otherwise still win over LC_MESSAGES. */
		unsetenv("LANGUAGE");
	}
}

int i18n_init(const char *language_override)
{
	const char *dir = getenv("COUNTERDESK_LOCALEDIR");
	static const char *const utf8[] = { "C.UTF-8", "C.utf8", "en_US.UTF-8", NULL };

	if (!setlocale(LC_ALL, ""))
		setlocale(LC_ALL, "C");
	/* A terminal in plain C/POSIX cannot show Chinese; prefer C.UTF-8 so
	 * wide characters from the database still draw, when the machine has it. */
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		try_locales(LC_CTYPE, utf8);
	apply_language(language_override);

	bindtextdomain("counterdesk", dir && *dir ? dir : LOCALEDIR);
	bind_textdomain_codeset("counterdesk", "UTF-8");
	textdomain("counterdesk");
	return strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
}

int i18n_is_chinese(void)
{
	const char *m = setlocale(LC_MESSAGES, NULL);
	return m && strncmp(m, "zh", 2) == 0;
}

const char *i18n_word(const char *const (*table)[2], size_t n, const char *code, const char *fallback)
{
	for (size_t i = 0; code && i < n; i++)
		if (!strcmp(code, table[i][0]))
			return _(table[i][1]);
	return fallback;
}
