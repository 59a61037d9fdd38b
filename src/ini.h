/* Reading INI files with iniparser the same way everywhere: a file that
 * cannot be read or parsed is reported in one line naming the file, and the
 * keys of a section come without their "section:" prefix. */
#ifndef CD_INI_H
#define CD_INI_H

#include <stddef.h>
#include <iniparser/iniparser.h>

/* What a file is, for the message when it cannot be read. */
enum cd_ini_kind {
	CD_INI_CONFIG,   /* counterdesk.ini, hall.ini */
	CD_INI_HOLIDAYS, /* config/holidays/YEAR.ini */
};

/* Loads path. On failure returns NULL and writes into err one line: that the
 * file (of kind) cannot be read and why, or "PATH: not a valid INI file: "
 * with iniparser's first syntax error. Not thread-safe: iniparser reports
 * syntax errors through a global callback. */
dictionary *cd_ini_load(const char *path, enum cd_ini_kind kind, char *err, size_t errlen);

/* The keys of section without the "section:" prefix: a malloc'd array of
 * pointers into the dictionary (free the array only), NULL when *n is 0. */
const char **cd_ini_section_keys(dictionary *d, const char *section, int *n);

#endif
