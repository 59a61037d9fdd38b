/* Applicant look-up and sealing of personal values (applicant.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "applicant.h"
#include "crypto.h"
#include "db.h"
#include "i18n.h"
#include "mask.h"

void cd_secret_free(char **slot)
{
	if (!*slot)
		return;
	sodium_memzero(*slot, strlen(*slot));
	free(*slot);
	*slot = NULL;
}

void cd_secret_set(char **slot, const char *value)
{
	char *copy = value ? xstrdup(value) : NULL;

	cd_secret_free(slot);
	*slot = copy;
}

void cd_applicant_clear(struct cd_applicant *a)
{
	cd_secret_free(&a->name);
	cd_secret_free(&a->phone);
	cd_secret_free(&a->address);
	cd_secret_free(&a->legal_rep_id);
	cd_secret_free(&a->status);
	sodium_memzero(a, sizeof(*a));
}

void cd_person_clear(struct cd_person *p)
{
	cd_secret_free(&p->name);
	cd_secret_free(&p->address);
	cd_secret_free(&p->status);
	sodium_memzero(p, sizeof(*p));
}

bool cd_applicant_check_key(enum cd_applicant_kind kind, const char *text,
			    char normalized[CD_NORMALIZED_MAX], char *reason, size_t reasonlen)
{
	struct cd_check c;

	text = text ? text : "";
	c = kind == CD_APPLICANT_ENTERPRISE ? cd_check_uscc(text, strlen(text))
					    : cd_check_idno(text, strlen(text), 0);
	if (c.reason == CD_VALID) {
		memcpy(normalized, c.normalized, CD_NORMALIZED_MAX);
		return true;
	}
	if (c.reason == CD_INVALID_CHECK)
		snprintf(reason, reasonlen, _("%s (the last character should be %c)"),
			 _(cd_invalid_text(c.reason)), c.expected_check);
	else
		snprintf(reason, reasonlen, "%s", _(cd_invalid_text(c.reason)));
	return false;
}

/* ---- masks and sealing ------------------------------------------------ */

char *cd_mask_value(enum cd_field_type type, const char *value)
{
	switch (type) {
	case CD_FIELD_IDNO:
		return cd_mask_idno(value);
	case CD_FIELD_PHONE:
		return cd_mask_phone(value);
	case CD_FIELD_ADDRESS:
		return cd_mask(value, 6, 0);
	default:
		return cd_mask(value, 0, 1);
	}
}

json_t *cd_seal_personal(const struct cd_keys *keys, const char *table, const char *column,
			 const char *row_id, const char *value, const char *blind_domain,
			 const char *mask)
{
	char *cipher = NULL;
	char blind[CD_BLIND_HEX];
	json_t *o;

	if (cd_seal_field(keys, table, column, row_id, value, strlen(value), &cipher) !=
	    CD_CRYPTO_OK)
		return NULL;
	o = json_object();
	json_object_set_new(o, "cipher", json_string(cipher));
	json_object_set_new(o, "mask", json_string(mask));
	if (blind_domain) {
		cd_blind_index(keys, blind_domain, value, strlen(value), blind);
		json_object_set_new(o, "blind", json_string(blind));
	}
	free(cipher);
	return o;
}

static json_t *seal_or_null(const struct cd_keys *keys, const char *column, const char *row_id,
			    const char *value, enum cd_field_type type, const char *domain,
			    bool *failed)
{
	char *mask;
	json_t *o;

	if (!value || !*value)
		return json_null();
	mask = cd_mask_value(type, value);
	o = cd_seal_personal(keys, "applicant", column, row_id, value, domain, mask);
	free(mask);
	if (!o) {
		*failed = true;
		return json_null();
	}
	return o;
}

json_t *cd_applicant_json(const struct cd_keys *keys, const struct cd_applicant *a,
			  const char *phone, const char *address)
{
	bool person = a->kind == CD_APPLICANT_PERSON, failed = false;
	json_t *o = json_object();

	json_object_set_new(o, "id", json_string(a->id));
	json_object_set_new(o, "kind", json_string(cd_applicant_kind_name(a->kind)));
	json_object_set_new(o, "name", a->name ? json_string(a->name) : json_null());
	json_object_set_new(o, "id_no", person ? seal_or_null(keys, "id_no", a->id, a->key,
							       CD_FIELD_IDNO, "idno", &failed)
					       : json_null());
	json_object_set_new(o, "uscc", person ? json_null() : json_string(a->key));
	json_object_set_new(o, "phone", seal_or_null(keys, "phone", a->id, phone ? phone : a->phone,
						      CD_FIELD_PHONE, "phone", &failed));
	json_object_set_new(o, "address",
			    seal_or_null(keys, "address", a->id, address ? address : a->address,
					 CD_FIELD_ADDRESS, NULL, &failed));
	if (failed) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ---- look-up ---------------------------------------------------------- */

/* Zeroes every value of a result holding personal data before PQclear
 * frees it (libpq hands out writable pointers into its own block). */
static void scrub(PGresult *res)
{
	for (int r = 0; r < PQntuples(res); r++)
		for (int c = 0; c < PQnfields(res); c++)
			if (!PQgetisnull(res, r, c))
				sodium_memzero(PQgetvalue(res, r, c), (size_t)PQgetlength(res, r, c));
	PQclear(res);
}

static char *opt_value(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : xstrdup(PQgetvalue(res, row, col));
}

/* Opens cipher bound to the applicant row; NULL when absent or unreadable. */
static char *open_applicant(const struct cd_keys *keys, const char *column, const char *row_id,
			    const PGresult *res, int row, int col)
{
	char *clear = NULL;
	size_t len;

	if (PQgetisnull(res, row, col) || !*PQgetvalue(res, row, col))
		return NULL;
	if (cd_open_field(keys, "applicant", column, row_id, PQgetvalue(res, row, col), &clear,
			  &len) != CD_CRYPTO_OK)
		return NULL;
	return clear;
}

/* Columns of api.applicant_candidates and api.applicant_by_uscc. */
#define APPLICANT_COLUMNS \
	"id, kind, id_cipher, id_mask, uscc, name, phone_cipher, phone_mask," \
	" address_cipher, address_mask"

/* Fills a from row of res (the columns above) when it is the applicant. */
static bool take_record(const struct cd_keys *keys, const PGresult *res, int row,
			struct cd_applicant *a)
{
	const char *id = PQgetvalue(res, row, 0);

	if (strlen(id) >= sizeof(a->id))
		return false;
	if (a->kind == CD_APPLICANT_PERSON) {
		char *clear = open_applicant(keys, "id_no", id, res, row, 2);
		bool same = clear && !strcmp(clear, a->key);

		cd_secret_free(&clear);
		if (!same)
			return false;
	} else if (PQgetisnull(res, row, 4) || strcmp(PQgetvalue(res, row, 4), a->key)) {
		return false;
	}
	a->source = CD_SOURCE_RECORD;
	snprintf(a->id, sizeof(a->id), "%s", id);
	a->name = opt_value(res, row, 5);
	a->phone = open_applicant(keys, "phone", id, res, row, 6);
	a->address = open_applicant(keys, "address", id, res, row, 8);
	return true;
}

int cd_registry_person(struct cd_db *db, const char *idno, const char *purpose,
		       struct cd_person *out, struct cd_error *err)
{
	const char *p[2] = { idno, purpose };
	PGresult *res;

	memset(out, 0, sizeof(*out));
	res = cd_db_exec(db,
			 "SELECT name, sex, to_char(birth_date, 'YYYY-MM-DD'), address, status"
			 " FROM api.registry_person($1, $2)", 2, p, err);
	if (!res)
		return -1;
	if (PQntuples(res) > 0) {
		out->found = true;
		out->name = opt_value(res, 0, 0);
		snprintf(out->sex, sizeof(out->sex), "%s", PQgetvalue(res, 0, 1));
		snprintf(out->birth_date, sizeof(out->birth_date), "%s", PQgetvalue(res, 0, 2));
		out->address = opt_value(res, 0, 3);
		out->status = opt_value(res, 0, 4);
	}
	scrub(res);
	return 0;
}

static int lookup_person(struct cd_db *db, const struct cd_keys *keys, const char *purpose,
			 struct cd_applicant *a, struct cd_error *err)
{
	char blind[CD_BLIND_HEX];
	const char *p[1] = { blind };
	struct cd_person person;
	PGresult *res;

	cd_blind_index(keys, "idno", a->key, strlen(a->key), blind);
	res = cd_db_exec(db, "SELECT " APPLICANT_COLUMNS " FROM api.applicant_candidates($1)", 1,
			 p, err);
	if (!res)
		return -1;
	for (int r = 0; r < PQntuples(res) && a->source == CD_SOURCE_NONE; r++)
		take_record(keys, res, r, a);
	scrub(res);
	if (a->source == CD_SOURCE_RECORD) {
		/* The number tells sex and birth date; the record need not. */
		a->sex[0] = cd_idno_sex(a->key);
		snprintf(a->birth_date, sizeof(a->birth_date), "%.4s-%.2s-%.2s", a->key + 6,
			 a->key + 10, a->key + 12);
		return 0;
	}
	if (cd_registry_person(db, a->key, purpose, &person, err) < 0)
		return -1;
	a->sex[0] = cd_idno_sex(a->key);
	snprintf(a->birth_date, sizeof(a->birth_date), "%.4s-%.2s-%.2s", a->key + 6, a->key + 10,
		 a->key + 12);
	if (person.found) {
		a->source = CD_SOURCE_REGISTRY;
		cd_secret_set(&a->name, person.name);
		if (person.sex[0])
			snprintf(a->sex, sizeof(a->sex), "%s", person.sex);
		if (person.birth_date[0])
			snprintf(a->birth_date, sizeof(a->birth_date), "%s", person.birth_date);
		cd_secret_set(&a->address, person.address);
		cd_secret_set(&a->status, person.status);
	}
	cd_person_clear(&person);
	return 0;
}

static int lookup_enterprise(struct cd_db *db, const struct cd_keys *keys, const char *purpose,
			     struct cd_applicant *a, struct cd_error *err)
{
	const char *p[2] = { a->key, purpose };
	PGresult *res;

	res = cd_db_exec(db, "SELECT " APPLICANT_COLUMNS " FROM api.applicant_by_uscc($1)", 1, p,
			 err);
	if (!res)
		return -1;
	for (int r = 0; r < PQntuples(res) && a->source == CD_SOURCE_NONE; r++)
		take_record(keys, res, r, a);
	scrub(res);
	if (a->source == CD_SOURCE_RECORD)
		return 0;
	res = cd_db_exec(db,
			 "SELECT name, legal_rep_id, status, address"
			 " FROM api.registry_enterprise($1, $2)", 2, p, err);
	if (!res)
		return -1;
	if (PQntuples(res) > 0) {
		a->source = CD_SOURCE_REGISTRY;
		a->name = opt_value(res, 0, 0);
		a->legal_rep_id = opt_value(res, 0, 1);
		a->status = opt_value(res, 0, 2);
		a->address = opt_value(res, 0, 3);
	}
	scrub(res);
	return 0;
}

int cd_applicant_lookup(struct cd_db *db, const struct cd_keys *keys, enum cd_applicant_kind kind,
			const char *text, const char *purpose, struct cd_applicant *out,
			struct cd_error *err)
{
	char reason[256];
	int rc;

	memset(out, 0, sizeof(*out));
	out->kind = kind;
	if (!cd_applicant_check_key(kind, text, out->key, reason, sizeof(reason))) {
		cd_error_set(err, CD_ERR_INVALID,
			     kind == CD_APPLICANT_ENTERPRISE ? "Invalid unified social credit code"
							     : "Invalid identity number",
			     "%s", reason);
		return -1;
	}
	rc = kind == CD_APPLICANT_ENTERPRISE ? lookup_enterprise(db, keys, purpose, out, err)
					     : lookup_person(db, keys, purpose, out, err);
	if (rc < 0) {
		cd_applicant_clear(out);
		return -1;
	}
	if (out->source != CD_SOURCE_RECORD)
		cd_uuid4(out->id);
	return 0;
}
