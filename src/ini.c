/* INI loading shared by the configuration, the holiday calendar and the hall. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "ini.h"
#include "util.h"

/* iniparser reports syntax errors through a global callback; keep the first. */
static char parse_error[512];

__attribute__((format(printf, 1, 2)))
static int capture_parse_error(const char *fmt, ...)
{
	va_list ap;

	if (parse_error[0])
		return 0;
	va_start(ap, fmt);
	vsnprintf(parse_error, sizeof(parse_error), fmt, ap);
	va_end(ap);
	/* Its messages span lines; keep them on one. */
	for (char *p = parse_error; *p; p++)
		if (*p == '\n')
			*p = ' ';
	return 0;
}

dictionary *cd_ini_load(const char *path, enum cd_ini_kind kind, char *err, size_t errlen)
{
	FILE *probe = fopen(path, "r");
	dictionary *d;

	/* iniparser says only "cannot open": find out why first. */
	if (!probe) {
		if (kind == CD_INI_HOLIDAYS)
			snprintf(err, errlen, _("%s: cannot read the holiday file: %s"), path,
				 strerror(errno));
		else
			snprintf(err, errlen, _("%s: cannot read the configuration file: %s"), path,
				 strerror(errno));
		return NULL;
	}
	fclose(probe);
	parse_error[0] = '\0';
	iniparser_set_error_callback(capture_parse_error);
	d = iniparser_load(path);
	iniparser_set_error_callback(NULL);
	if (!d)
		snprintf(err, errlen, _("%s: not a valid INI file: %s"), path, parse_error);
	return d;
}

const char **cd_ini_section_keys(dictionary *d, const char *section, int *n)
{
	const char **keys;

	*n = iniparser_getsecnkeys(d, section);
	if (*n <= 0) {
		*n = 0;
		return NULL;
	}
	keys = xcalloc((size_t)*n, sizeof(*keys));
	iniparser_getseckeys(d, section, keys);
	for (int i = 0; i < *n; i++) {
		const char *colon = strchr(keys[i], ':');
		if (colon)
			keys[i] = colon + 1;
	}
	return keys;
}
