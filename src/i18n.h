/* Translation macros. Source strings are English; po/zh_CN.po translates them. */
#ifndef CD_I18N_H
#define CD_I18N_H

#include <libintl.h>
#include <stddef.h>

#define _(s) gettext(s)
#define N_(s) (s)

/* Sets the locale from the environment, then applies a [ui] language override
 * ("zh_CN", "en" or "" for the environment) and binds the text domain.
 * Returns 1 when the terminal can show UTF-8, 0 when it cannot. */
int i18n_init(const char *language_override);

/* 1 when the current messages are Chinese (for layouts that differ). */
int i18n_is_chinese(void);

/* The words for a database code, from a table of { code, N_("words") }
 * pairs: translated, or fallback when code is NULL or not in the table. */
const char *i18n_word(const char *const (*table)[2], size_t n, const char *code, const char *fallback);
#define I18N_WORD(table, code, fallback) i18n_word(table, sizeof(table) / sizeof((table)[0]), code, fallback)

#endif
