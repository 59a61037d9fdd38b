/* Who applies: looked up by identity number (a person) or unified social
 * credit code (an enterprise) so that the clerk confirms instead of retyping
 * (一次录入). Own records first (blind index, then decrypting the few
 * candidates in the client and keeping the exact match), then the shared
 * registry through the server, which records who asked and why.
 *
 * Personal values are held clear in memory only while the form is open;
 * cd_applicant_clear zeroes them. They leave the client sealed
 * (cd_seal_personal). */
#ifndef CD_APPLICANT_H
#define CD_APPLICANT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "error.h"
#include "forms.h"
#include "util.h"
#include "validate.h"

struct cd_db;
struct cd_keys;

enum cd_applicant_source {
	CD_SOURCE_NONE,     /* known nowhere: the clerk types everything */
	CD_SOURCE_RECORD,   /* an earlier applicant record of this centre */
	CD_SOURCE_REGISTRY, /* the shared population or enterprise registry */
};

struct cd_applicant {
	enum cd_applicant_source source;
	enum cd_applicant_kind kind;
	char id[CD_UUID_LEN];          /* applicant uuid: the record's, or made here */
	char key[CD_NORMALIZED_MAX];   /* normalised identity number or credit code */
	char *name;
	char sex[2];                   /* "M", "F" or "" (persons) */
	char birth_date[11];           /* YYYY-MM-DD or "" (persons) */
	char *phone;                   /* normalised, or NULL */
	char *address;                 /* or NULL */
	char *legal_rep_id;            /* enterprises, from the registry, or NULL */
	char *status;                  /* registry status (alive, deceased, active ...), or NULL */
};

/* What a registry says about one person (api.registry_person). */
struct cd_person {
	bool found;
	char *name;
	char sex[2];
	char birth_date[11];
	char *address;
	char *status;
};

/* Checks text as the key of kind (an identity number or a credit code).
 * On success fills normalized (CD_NORMALIZED_MAX) and returns true; else
 * writes the translated reason and returns false. */
bool cd_applicant_check_key(enum cd_applicant_kind kind, const char *text,
			    char normalized[CD_NORMALIZED_MAX], char *reason, size_t reasonlen);

/* Looks the applicant up (text is checked first: CD_ERR_INVALID with the
 * reason when it is not a valid number). purpose is recorded with a registry
 * look-up. Not found anywhere is no error: source is CD_SOURCE_NONE, the
 * key and a fresh uuid are filled, and for a person the sex and birth date
 * that the number itself tells. Free with cd_applicant_clear. */
int cd_applicant_lookup(struct cd_db *db, const struct cd_keys *keys, enum cd_applicant_kind kind,
			const char *text, const char *purpose, struct cd_applicant *out,
			struct cd_error *err);

/* One person in the population registry (e.g. a parent named on the form).
 * idno must be normalised. Free with cd_person_clear. */
int cd_registry_person(struct cd_db *db, const char *idno, const char *purpose,
		       struct cd_person *out, struct cd_error *err);

void cd_applicant_clear(struct cd_applicant *a);
void cd_person_clear(struct cd_person *p);
/* Replaces *slot with a copy of value (NULL allowed), zeroing the old one. */
void cd_secret_set(char **slot, const char *value);
/* Zeroes and frees *slot, sets it NULL. */
void cd_secret_free(char **slot);

/* How a personal value travels: {"cipher","mask","blind"} (blind only for
 * domains "idno" and "phone", i.e. when blind_domain is not NULL). The
 * value is sealed bound to (table, column, row_id). NULL on a crypto error. */
json_t *cd_seal_personal(const struct cd_keys *keys, const char *table, const char *column,
			 const char *row_id, const char *value, const char *blind_domain,
			 const char *mask);

/* The masked copy of a value by type: identity number 6+4, phone 3+4,
 * address the first 6 characters, anything else all but the last 1. malloc'd. */
char *cd_mask_value(enum cd_field_type type, const char *value);

/* p_applicant of api.case_submit: {"id","kind","name","id_no","uscc",
 * "phone","address"} with the personal values sealed. phone and address
 * override the applicant's own when not NULL. NULL on a crypto error. */
json_t *cd_applicant_json(const struct cd_keys *keys, const struct cd_applicant *a,
			  const char *phone, const char *address);

#endif
