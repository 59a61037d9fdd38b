/* The configuration file (iniparser): where it is, what it holds, and exact
 * messages when it is wrong. Every key is documented in counterdesk.ini(5). */
#ifndef CD_CONFIG_H
#define CD_CONFIG_H

#include <stddef.h>

struct cd_config {
	char *path;             /* the file that was read */
	char *db_conninfo;      /* [database] conninfo: libpq string, no password */
	char *shared_conninfo;  /* [shared_data] conninfo */
	char *key_file;         /* [crypto] key_file */
	char *centre_code;      /* [centre] code */
	char *centre_name;      /* [centre] name */
	char *region_code;      /* [centre] region: 6-digit GB/T 2260 code */
	char *time_zone;        /* [centre] time_zone: shown before the database says */
	char *language;         /* [ui] language: "", "zh_CN" or "en" */
	int idle_lock_minutes;  /* [ui] idle_lock_minutes: 0 = never lock */
	char *sql_dir;          /* [paths] sql: migrations directory */
	char *forms_dir;        /* [paths] forms */
	char *holidays_dir;     /* [paths] holidays */
	char *hall_file;        /* [paths] hall: ticket categories, windows, calling rules */
	int commitment_days;    /* [intake] commitment_days: 容缺 period, working days */
	char *print_command;    /* [print] command: "" = save receipts as files */
	char *print_directory;  /* [print] directory: where receipts are saved */
	char *targets_dir;      /* [paths] targets: one file per department system (docs/sync.md) */
	int sync_batch;         /* [sync] batch: events claimed at once */
	int sync_poll_seconds;  /* [sync] poll_seconds: idle worker's safety-net poll */
	int sync_lease_seconds; /* [sync] lease_seconds: how long a claim keeps others off */
	char *dash_conninfo;    /* [dashboard] conninfo: read the dashboard there (a replica); "" = the session's */
	int dash_wait_target;   /* [dashboard] wait_target_minutes: the forecast keeps waits within it */
};

/* The file to read: explicit (--config), else $COUNTERDESK_CONFIG, else the
 * system file. Never NULL. */
const char *cd_config_path(const char *explicit_path);

/* Reads and checks the whole file. On error returns -1 and writes one line
 * naming the file, section, key and what was expected into err (translated). */
int cd_config_load(const char *path, struct cd_config **out, char *err, size_t errlen);
void cd_config_free(struct cd_config **cfg);

#endif
