/* Service items (一件事) as data: one INI file per item under forms/, read
 * into plain structs and checked as a whole, every mistake reported as
 * "file:line: message". The format is counterdesk-forms(5). */
#ifndef CD_FORMS_H
#define CD_FORMS_H

#include <stdbool.h>
#include <stddef.h>

enum cd_applicant_kind {
	CD_APPLICANT_PERSON,     /* keyed by an identity number */
	CD_APPLICANT_ENTERPRISE, /* keyed by a unified social credit code */
};

enum cd_field_type {
	CD_FIELD_TEXT,
	CD_FIELD_IDNO,
	CD_FIELD_USCC,
	CD_FIELD_PHONE,
	CD_FIELD_DATE,
	CD_FIELD_ENUM,
	CD_FIELD_INTEGER,
	CD_FIELD_MONEY,
	CD_FIELD_ADDRESS,
};

/* Where a field's value may come from before the clerk confirms it. */
enum cd_prefill_source {
	CD_PREFILL_NONE,
	CD_PREFILL_APPLICANT,  /* the applicant record counterdesk already holds */
	CD_PREFILL_POPULATION, /* the shared population registry */
	CD_PREFILL_ENTERPRISE, /* the shared enterprise registry */
};

/* Which shared-data check can stand in for a paper material. */
enum cd_check_kind {
	CD_CHECK_NONE,
	CD_CHECK_IDENTITY,   /* population registry: the person exists, the number is theirs */
	CD_CHECK_BENEFIT,    /* civil-affairs status of check_type (e.g. subsistence) */
	CD_CHECK_LICENCE,    /* an e-licence of check_type (e.g. marriage) */
	CD_CHECK_ENTERPRISE, /* enterprise registry: registered and in business */
};

struct cd_strlist {
	char **v;
	size_t n;
};

/* "when = FIELD=VALUE|VALUE": applies only while the enum field FIELD holds
 * one of the values. field is NULL for "always". */
struct cd_condition {
	char *field;
	struct cd_strlist values;
};

/* A heading of the form under which fields are shown ([group.KEY]). */
struct cd_item_group {
	char *key;
	char *label_zh;
	char *label_en;
	int line;
};

/* A piece of work for one department ([step.N]). Steps of the same group run
 * in parallel; group g+1 starts when every step of group g is done. */
struct cd_item_step {
	int number;
	char *dept;
	int group;
	int days; /* promised working days for this step */
	char *name_zh;
	char *name_en;
	int line;
};

struct cd_item_field {
	char *key;
	char *label_zh;
	char *label_en;
	enum cd_field_type type;
	bool required;
	struct cd_strlist choices; /* enum only */
	int max_length;            /* characters (text, address), else 0 */
	enum cd_prefill_source prefill;
	char *prefill_column;      /* NULL when prefill is none */
	char *prefill_by;          /* key of the idno/uscc field to look up by, or NULL */
	char *group;               /* key of a [group.KEY] */
	struct cd_strlist send_to; /* department codes that receive the value */
	struct cd_condition when;  /* shown (and required) only then */
	int line;
};

struct cd_item_material {
	char *code;
	char *name_zh;
	char *name_en;
	bool is_key;               /* 关键材料: never waived */
	enum cd_check_kind check;
	char *check_type;          /* benefit and licence checks, else NULL */
	char *note_zh;             /* form and copies, for the one-time notice; may be NULL */
	char *note_en;
	struct cd_strlist send_to;
	struct cd_condition when;  /* needed only then (e.g. one kind of retirement) */
	int line;
};

struct cd_item {
	char *path;                /* the file it was read from */
	char *code;
	int version;
	char *name_zh;
	char *name_en;
	enum cd_applicant_kind applicant;
	int promised_days;         /* working days, whole case */
	bool count_acceptance_day; /* does the day of acceptance count as day one */
	struct cd_strlist departments;
	struct cd_item_group *groups;
	size_t ngroups;
	struct cd_item_step *steps; /* sorted by number */
	size_t nsteps;
	struct cd_item_field *fields; /* in file order */
	size_t nfields;
	struct cd_item_material *materials; /* in file order */
	size_t nmaterials;
	int line;                  /* of [item] */
	int code_line;             /* of code = */
};

/* One mistake in an item file. line is 0 when it concerns the whole file
 * (cannot be read). text is "file:line: message", translated. */
struct cd_form_error {
	char *file;
	int line;
	char *message;
	char *text;
};

struct cd_form_errors {
	struct cd_form_error *v;
	size_t n;
	size_t cap;
};

struct cd_items {
	struct cd_item **v;
	size_t n;
	size_t files; /* item files seen, loaded or not */
};

/* Reads and checks one file. Appends every error found to errs and returns
 * NULL when there was any; else the item (free with cd_item_free). Not
 * thread-safe: iniparser reports syntax errors through a global callback. */
struct cd_item *cd_item_load(const char *path, struct cd_form_errors *errs);

/* Reads every *.ini file of dir (sorted by name, dot files skipped), checks
 * each and then the set (an item code used twice). Items without errors go
 * into out, all errors into errs. Returns 0 when there were none, -1 else. */
int cd_items_load_dir(const char *dir, struct cd_items *out, struct cd_form_errors *errs);

/* A directory as above, or one file. */
int cd_items_load_path(const char *path, struct cd_items *out, struct cd_form_errors *errs);

void cd_item_free(struct cd_item **item);
void cd_items_free(struct cd_items *items);
void cd_form_errors_free(struct cd_form_errors *errs);

/* The item as one JSON object (for loading into the database), malloc'd. */
char *cd_item_json(const struct cd_item *item);

/* Longest chain of step days through the groups: the least promised_days. */
int cd_item_critical_days(const struct cd_item *item);

/* Names as written in the files. */
const char *cd_field_type_name(enum cd_field_type t);
const char *cd_prefill_source_name(enum cd_prefill_source s);
const char *cd_check_kind_name(enum cd_check_kind k);
const char *cd_applicant_kind_name(enum cd_applicant_kind a);

/* The field or material of that key/code, or NULL. */
const struct cd_item_field *cd_item_find_field(const struct cd_item *item, const char *key);
const struct cd_item_material *cd_item_find_material(const struct cd_item *item, const char *code);

#endif
