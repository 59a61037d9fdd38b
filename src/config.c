/* Reading counterdesk.ini with iniparser, checked against one table of keys so
 * that the documentation (counterdesk.ini(5)), the defaults and the checks
 * cannot drift apart. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "config.h"
#include "i18n.h"
#include "ini.h"
#include "timezone.h"
#include "util.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#ifndef DATADIR
#define DATADIR "/usr/local/share"
#endif

enum key_type {
	KEY_TEXT,     /* any non-empty text */
	KEY_CONNINFO, /* libpq string without a password */
	KEY_REGION,   /* six digits */
	KEY_LANGUAGE, /* "", zh_CN, en */
	KEY_TIME_ZONE, /* a name of the system's zone database */
	KEY_MINUTES,  /* 0..1440 */
	KEY_DAYS,     /* 1..30 working days */
	KEY_ANY,      /* any text, empty allowed */
	KEY_BATCH,    /* 1..10000 */
	KEY_SECONDS,  /* 1..3600 */
};

struct key_spec {
	const char *section;
	const char *key;
	enum key_type type;
	int required;
	const char *fallback; /* used when absent and not required */
	size_t offset;        /* where the value goes: char * or int */
};

#define AT(field) offsetof(struct cd_config, field)

static const struct key_spec keys[] = {
	{ "database", "conninfo", KEY_CONNINFO, 1, NULL, AT(db_conninfo) },
	{ "shared_data", "conninfo", KEY_CONNINFO, 1, NULL, AT(shared_conninfo) },
	{ "crypto", "key_file", KEY_TEXT, 1, NULL, AT(key_file) },
	{ "centre", "code", KEY_TEXT, 1, NULL, AT(centre_code) },
	{ "centre", "name", KEY_TEXT, 1, NULL, AT(centre_name) },
	{ "centre", "region", KEY_REGION, 1, NULL, AT(region_code) },
	{ "centre", "time_zone", KEY_TIME_ZONE, 0, "Asia/Shanghai", AT(time_zone) },
	{ "ui", "language", KEY_LANGUAGE, 0, "", AT(language) },
	{ "ui", "idle_lock_minutes", KEY_MINUTES, 0, "10", AT(idle_lock_minutes) },
	{ "paths", "sql", KEY_TEXT, 0, DATADIR "/counterdesk/sql", AT(sql_dir) },
	{ "paths", "forms", KEY_TEXT, 0, DATADIR "/counterdesk/forms", AT(forms_dir) },
	{ "paths", "holidays", KEY_TEXT, 0, DATADIR "/counterdesk/holidays", AT(holidays_dir) },
	{ "paths", "hall", KEY_TEXT, 0, SYSCONFDIR "/counterdesk/hall.ini", AT(hall_file) },
	{ "intake", "commitment_days", KEY_DAYS, 0, "5", AT(commitment_days) },
	{ "print", "command", KEY_ANY, 0, "", AT(print_command) },
	{ "print", "directory", KEY_TEXT, 0, "/var/lib/counterdesk/receipts", AT(print_directory) },
	{ "paths", "targets", KEY_TEXT, 0, SYSCONFDIR "/counterdesk/targets.d", AT(targets_dir) },
	{ "sync", "batch", KEY_BATCH, 0, "100", AT(sync_batch) },
	{ "sync", "poll_seconds", KEY_SECONDS, 0, "30", AT(sync_poll_seconds) },
	{ "sync", "lease_seconds", KEY_SECONDS, 0, "60", AT(sync_lease_seconds) },
	{ "dashboard", "conninfo", KEY_ANY, 0, "", AT(dash_conninfo) },
	{ "dashboard", "wait_target_minutes", KEY_MINUTES, 0, "15", AT(dash_wait_target) },
};

const char *cd_config_path(const char *explicit_path)
{
	const char *env = getenv("COUNTERDESK_CONFIG");

	if (explicit_path && *explicit_path)
		return explicit_path;
	if (env && *env)
		return env;
	return SYSCONFDIR "/counterdesk/counterdesk.ini";
}


static const struct key_spec *find_key(const char *section, const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strcmp(keys[i].section, section) && !strcmp(keys[i].key, key))
			return &keys[i];
	return NULL;
}

static int section_known(const char *section)
{
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strcmp(keys[i].section, section))
			return 1;
	return 0;
}

static int all_digits(const char *s, size_t n)
{
	if (strlen(s) != n)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

/* Returns NULL when the value is acceptable, else what was expected. */
static const char *check_value(const struct key_spec *k, const char *v, int *number)
{
	char *end;
	long n;

	switch (k->type) {
	case KEY_TEXT:
		return *v ? NULL : _("a non-empty value");
	case KEY_ANY:
		return NULL;
	case KEY_DAYS:
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno || end == v || *end || n < 1 || n > 30)
			return _("a whole number of working days from 1 to 30");
		*number = (int)n;
		return NULL;
	case KEY_CONNINFO:
		if (!*v)
			return _("a libpq connection string, e.g. host=/var/run/postgresql dbname=counterdesk");
		if (strstr(v, "password"))
			return _("a connection string without a password (use ~/.pgpass or PGPASSWORD)");
		return NULL;
	case KEY_REGION:
		return all_digits(v, 6) ? NULL : _("a 6-digit region code (GB/T 2260), e.g. 330702");
	case KEY_TIME_ZONE:
		return cd_time_zone_known(v) ? NULL
					     : _("a time zone of the system's zone database (tzdata), e.g. Asia/Shanghai");
	case KEY_LANGUAGE:
		if (!*v || !strcmp(v, "zh_CN") || !strcmp(v, "en"))
			return NULL;
		return _("zh_CN, en, or empty to follow the locale");
	case KEY_BATCH:
	case KEY_SECONDS:
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno || end == v || *end || n < 1 || n > (k->type == KEY_BATCH ? 10000 : 3600))
			return k->type == KEY_BATCH ? _("a whole number of events from 1 to 10000")
						    : _("a whole number of seconds from 1 to 3600");
		*number = (int)n;
		return NULL;
	case KEY_MINUTES:
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno || end == v || *end || n < 0 || n > 1440)
			return _("a whole number of minutes from 0 (never lock) to 1440");
		*number = (int)n;
		return NULL;
	}
	return NULL;
}

static void fail(char *err, size_t errlen, const char *path, const char *section,
		 const char *key, const char *what)
{
	if (key)
		snprintf(err, errlen, _("%s: [%s] %s: expected %s"), path, section, key, what);
	else if (section)
		snprintf(err, errlen, _("%s: [%s]: %s"), path, section, what);
	else
		snprintf(err, errlen, "%s: %s", path, what);
}

/* Every section and key in the file must be one we know: a misspelt key
 * silently ignored is a setting the admin believes is in force. */
static int check_unknown(dictionary *d, const char *path, char *err, size_t errlen)
{
	int nsec = iniparser_getnsec(d);

	for (int s = 0; s < nsec; s++) {
		const char *sec = iniparser_getsecname(d, s);
		int nkeys;
		const char **names;

		if (!section_known(sec)) {
			fail(err, errlen, path, sec, NULL, _("unknown section"));
			return -1;
		}
		names = cd_ini_section_keys(d, sec, &nkeys);
		for (int k = 0; k < nkeys; k++) {
			if (!find_key(sec, names[k])) {
				snprintf(err, errlen, _("%s: [%s] %s: unknown key"), path, sec, names[k]);
				free(names);
				return -1;
			}
		}
		free(names);
	}
	return 0;
}

int cd_config_load(const char *path, struct cd_config **out, char *err, size_t errlen)
{
	struct cd_config *cfg;
	dictionary *d;
	char full[128];

	*out = NULL;
	d = cd_ini_load(path, CD_INI_CONFIG, err, errlen);
	if (!d)
		return -1;
	if (check_unknown(d, path, err, errlen) < 0) {
		iniparser_freedict(d);
		return -1;
	}

	cfg = xcalloc(1, sizeof(*cfg));
	cfg->path = xstrdup(path);
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		const struct key_spec *k = &keys[i];
		const char *v, *bad;
		int number = 0;
		bool given;

		snprintf(full, sizeof(full), "%s:%s", k->section, k->key);
		v = iniparser_getstring(d, full, NULL);
		given = v != NULL;
		if (!v) {
			if (k->required) {
				fail(err, errlen, path, k->section, k->key,
				     _("a value (this key is required)"));
				goto bad;
			}
			v = k->fallback;
		}
		/* A default time zone the machine lacks (no tzdata) is no error of
		 * the file: times then stay in the terminal's zone. */
		bad = !given && k->type == KEY_TIME_ZONE ? NULL : check_value(k, v, &number);
		if (bad) {
			fail(err, errlen, path, k->section, k->key, bad);
			goto bad;
		}
		if (k->type == KEY_MINUTES || k->type == KEY_DAYS || k->type == KEY_BATCH || k->type == KEY_SECONDS)
			*(int *)((char *)cfg + k->offset) = number;
		else
			*(char **)((char *)cfg + k->offset) = xstrdup(v);
	}
	iniparser_freedict(d);
	*out = cfg;
	return 0;
bad:
	iniparser_freedict(d);
	cd_config_free(&cfg);
	return -1;
}

void cd_config_free(struct cd_config **cfgp)
{
	struct cd_config *cfg = *cfgp;

	if (!cfg)
		return;
	free(cfg->path);
	free(cfg->db_conninfo);
	free(cfg->dash_conninfo);
	free(cfg->shared_conninfo);
	free(cfg->key_file);
	free(cfg->centre_code);
	free(cfg->centre_name);
	free(cfg->region_code);
	free(cfg->time_zone);
	free(cfg->language);
	free(cfg->sql_dir);
	free(cfg->forms_dir);
	free(cfg->holidays_dir);
	free(cfg->hall_file);
	free(cfg->print_command);
	free(cfg->print_directory);
	free(cfg->targets_dir);
	free(cfg);
	*cfgp = NULL;
}
