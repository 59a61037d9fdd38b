/* Schema migrations: numbered files in sql/, applied once each, in order, each
 * in its own transaction, checksummed so that an applied file edited later is
 * refused by name instead of silently diverging. */
#ifndef CD_MIGRATE_H
#define CD_MIGRATE_H

#include <stddef.h>
#include "error.h"

struct cd_db;

enum cd_migration_state {
	CD_MIGRATION_APPLIED,
	CD_MIGRATION_PENDING,
	CD_MIGRATION_EDITED,  /* applied, but the file has changed since */
	CD_MIGRATION_MISSING, /* applied, but the file is gone */
};

struct cd_migration {
	char name[128];
	char sha256[65];
	char applied_at[40];
	enum cd_migration_state state;
};

struct cd_migration_list {
	struct cd_migration *items;
	size_t count;
};

/* Compares the files in dir with what the database has applied. */
int cd_migrate_status(struct cd_db *db, const char *dir, struct cd_migration_list *out,
		      struct cd_error *err);
/* Applies every pending migration; refuses (CD_ERR_INVALID, detail = file
 * name) when an applied one was edited. *applied counts what was applied. */
int cd_migrate_apply(struct cd_db *db, const char *dir, size_t *applied,
		     void (*on_apply)(const char *name, void *arg), void *arg,
		     struct cd_error *err);
struct cd_config;
/* Hands the settings the database needs from the configuration (centre code,
 * name and region; the shared-data server; the 容缺 period) to
 * core.configure, once the migrations that define it are applied. */
int cd_migrate_configure(struct cd_db *db, const struct cd_config *cfg, struct cd_error *err);

void cd_migration_list_free(struct cd_migration_list *list);
const char *cd_migration_state_text(enum cd_migration_state s);

#endif
