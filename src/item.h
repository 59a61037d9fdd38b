/* Service items as the database holds them: the definition of one item
 * (api.item_get) read back into the struct cd_item of forms.h, the list of
 * active items (api.items), and installing the files of forms/ (api.forms_load).
 * Clients read items from the database, never from local files, so that a
 * terminal and the server cannot disagree about a form (docs/intake.md). */
#ifndef CD_ITEM_H
#define CD_ITEM_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "forms.h"

struct cd_db;

/* The definition of item code at version (0: the latest active version).
 * *out is freed with cd_item_free. CD_ERR_NOTFOUND for an unknown item. */
int cd_item_fetch(struct cd_db *db, const char *code, int version, struct cd_item **out,
		  struct cd_error *err);

/* The JSON of cd_item_json back into a struct cd_item (free with
 * cd_item_free); NULL with err (CD_ERR_INVALID) when it does not fit. */
struct cd_item *cd_item_from_json(const char *json, struct cd_error *err);

/* One line of api.items. */
struct cd_item_summary {
	char *code;
	int version;
	char *name_zh;
	char *name_en;
	enum cd_applicant_kind applicant;
	int promised_days;
};

/* The latest version of every active item, by code. */
int cd_item_list(struct cd_db *db, struct cd_item_summary **out, size_t *n,
		 struct cd_error *err);
void cd_item_summaries_free(struct cd_item_summary **v, size_t n);

/* Called once per item installed by cd_forms_load_dir. */
typedef void (*cd_forms_loaded_fn)(void *arg, const char *code, int version, bool changed);

/* Reads and checks every item file of dir (cd_items_load_dir). When any file
 * has an error, nothing is loaded: returns -1 with the errors in errs and
 * err set to CD_ERR_INVALID. Otherwise sends each item to api.forms_load
 * (admins only: the database refuses others) and reports it through
 * loaded. Returns 0, or -1 with err on the first refusal (items sent before
 * it stay installed: each is its own versioned, idempotent operation). */
int cd_forms_load_dir(struct cd_db *db, const char *dir, struct cd_form_errors *errs,
		      cd_forms_loaded_fn loaded, void *arg, struct cd_error *err);

#endif
