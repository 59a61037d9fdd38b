/* One application at the window (一件事一次办): the form state, validation as
 * each field is left, drafts that survive a killed terminal, and the submit
 * that is one call to api.case_submit (docs/intake.md). The TUI's intake
 * screen and `counterdesk case new` both work through this. */
#ifndef CD_INTAKE_H
#define CD_INTAKE_H

#include <stdbool.h>
#include <stddef.h>

#include "applicant.h"
#include "error.h"
#include "forms.h"
#include "util.h"

struct cd_db;
struct cd_keys;

/* ---- one field -------------------------------------------------------- */

#define CD_REASON_LEN 256

/* Checks value (UTF-8 as typed) for field f of item: required, type (idno,
 * uscc and phone by GB 11643 / GB 32100 / mainland mobile, date a real
 * YYYY-MM-DD, enum among the choices, integer, money with at most two
 * decimals and not negative), and for text and address max_length counted
 * in characters, no control characters. Returns true when valid; then
 * *normalized (malloc'd, or NULL for an empty optional field) is the value to
 * keep (X upper-cased, 15-digit numbers made 18, spaces trimmed...). Returns
 * false with a translated reason. normalized may be NULL. */
bool cd_intake_validate_field(const struct cd_item *item, const struct cd_item_field *f,
			      const char *value, char **normalized, char *reason,
			      size_t reasonlen);

/* Characters (not bytes) of UTF-8 text; -1 when it is not valid UTF-8. */
long cd_utf8_chars(const char *s);

/* ---- the form --------------------------------------------------------- */

enum cd_material_state {
	CD_MATERIAL_UNSET = 0, /* counts as missing */
	CD_MATERIAL_PROVIDED,
	CD_MATERIAL_MISSING,
};

struct cd_proxy {
	bool present;
	char *name;
	char idno[CD_NORMALIZED_MAX]; /* normalised */
	char *relation;               /* e.g. 父亲, 子女, 受托人 */
	char *authorisation;          /* the authorisation material, e.g. 授权委托书 */
};

struct cd_intake {
	struct cd_item *item;        /* owned */
	char case_id[CD_UUID_LEN];   /* row id of the case and of its draft */
	char op_id[CD_UUID_LEN];     /* the idempotency key of the submit */
	struct cd_applicant applicant;
	struct cd_proxy proxy;
	char **values;               /* per item field: as kept (normalised when valid), or NULL */
	char **reasons;              /* per item field: why it is invalid, or NULL */
	enum cd_material_state *materials; /* per item material */
};

/* A new form for item (taken over: freed with the form), with a fresh case
 * uuid and operation id. */
struct cd_intake *cd_intake_new(struct cd_item *item);
/* Zeroes every value (personal data) and frees everything. */
void cd_intake_free(struct cd_intake **in);

/* Index of the field with key, or -1. */
int cd_intake_field_index(const struct cd_intake *in, const char *key);
/* Whether field i is on the form now: its when condition holds (or it has
 * none). A field that is not shown is neither checked nor sent. */
bool cd_intake_field_applies(const struct cd_intake *in, size_t i);
/* Whether material i is needed now (its when condition holds). */
bool cd_intake_material_applies(const struct cd_intake *in, size_t i);

/* Sets field key as the clerk left it: validates, keeps the normalised value
 * when valid and the text as typed when not (nothing typed is lost), and the
 * reason. Returns 1 valid, 0 invalid (reason in in->reasons[i]), -1 unknown field. */
int cd_intake_set(struct cd_intake *in, const char *key, const char *value);
/* Checks every field again (required fields left empty, conditions that
 * changed). Returns how many are invalid. */
size_t cd_intake_check_all(struct cd_intake *in);
/* A new operation id for the next submit of the same form: after a refusal
 * (one-time notice) the applicant comes back with the materials, and the
 * form (its case uuid and draft) is submitted again as a new operation. */
void cd_intake_renew_op(struct cd_intake *in);
/* True when no field is invalid (the submit is allowed). */
bool cd_intake_can_submit(struct cd_intake *in);

/* Fills empty fields whose prefill source is the applicant's record or the
 * registry look-up already done (applicant:name/idno/uscc/phone/address,
 * population:name/sex/birth_date/address of the applicant). Fields looked up
 * by another field (prefill_by) are filled with cd_intake_prefill_person.
 * Returns how many fields were filled. */
size_t cd_intake_prefill(struct cd_intake *in);
/* Fills empty population:* fields looked up by field by_key from person. */
size_t cd_intake_prefill_person(struct cd_intake *in, const char *by_key,
				const struct cd_person *person);

/* The applicant's name: the look-up's, else the field that holds it. */
const char *cd_intake_applicant_name(const struct cd_intake *in);

/* Sets the proxy; idno is checked (false with reason when invalid). */
bool cd_intake_set_proxy(struct cd_intake *in, const char *name, const char *idno,
			 const char *relation, const char *authorisation, char *reason,
			 size_t reasonlen);

/* Materials: set by code (false for an unknown code). */
bool cd_intake_set_material(struct cd_intake *in, const char *code, enum cd_material_state st);

/* What the materials mean for the outcome. */
enum cd_intake_outcome {
	CD_OUTCOME_ACCEPT,     /* nothing missing */
	CD_OUTCOME_COMMITMENT, /* only waivable materials missing: 容缺受理 */
	CD_OUTCOME_REFUSE,     /* a key material missing: 一次性告知 */
};

/* The needed materials not marked provided, in item order (pointers into the
 * item; *v malloc'd, free it). Counts key ones in *n_key when not NULL. */
size_t cd_intake_missing_materials(const struct cd_intake *in,
				   const struct cd_item_material ***v, size_t *n_key);
enum cd_intake_outcome cd_intake_expected_outcome(const struct cd_intake *in);

/* ---- drafts ------------------------------------------------------------ */

/* The whole form as JSON (clear values: seal it before it leaves), malloc'd. */
char *cd_intake_to_json(const struct cd_intake *in);
/* Reads a form from cd_intake_to_json's JSON, for item (taken over on
 * success; left to the caller on failure). NULL with err when the JSON does not
 * fit the item (another code or version). */
struct cd_intake *cd_intake_from_json(const char *json, struct cd_item *item,
				      struct cd_error *err);

struct cd_draft_info {
	char id[CD_UUID_LEN];
	char *item;
	char *summary;
	char updated_at[32];
};

/* Seals the form (table draft, column payload, row id = case uuid) and
 * upserts it with api.draft_save. Meant to be called debounced by the
 * screen (after a pause in typing, on leaving a field), never per key. */
int cd_draft_save(struct cd_db *db, const struct cd_keys *keys, const struct cd_intake *in,
		  struct cd_error *err);
int cd_draft_list(struct cd_db *db, struct cd_draft_info **out, size_t *n, struct cd_error *err);
void cd_draft_infos_free(struct cd_draft_info **v, size_t n);
/* Fetches, opens and parses a draft (fetching the item version it was made
 * under). */
int cd_draft_load(struct cd_db *db, const struct cd_keys *keys, const char *draft_id,
		  struct cd_intake **out, struct cd_error *err);
int cd_draft_discard(struct cd_db *db, const char *draft_id, struct cd_error *err);

/* ---- submit ------------------------------------------------------------ */

struct cd_missing_material {
	char *code;
	char *name_zh;
	char *name_en;
	bool is_key;
	char *note_zh;
	char *note_en;
};

struct cd_submit_result {
	char outcome[32];          /* accepted, accepted_on_commitment, refused */
	char case_no[40];          /* "" when refused */
	char notice_no[40];        /* the one-time notice's number, "" when accepted */
	char promised_date[11];
	char commitment_due[11];   /* "" unless accepted on commitment */
	struct cd_missing_material *missing;
	size_t nmissing;
	int visits;
	int round_trips;           /* statements sent to the database by the submit: 1 */
};

/* The parameters of api.case_submit as JSON (exposed for tests): fields
 * split into clear non-personal values and sealed personal ones. NULL on a
 * crypto error. Each out value is malloc'd (json_dumps). */
struct cd_submit_params {
	char *applicant, *fields, *personal, *materials, *proxy; /* proxy NULL: none */
};
int cd_intake_submit_params(const struct cd_keys *keys, const struct cd_intake *in,
			    struct cd_submit_params *out, struct cd_error *err);
void cd_submit_params_free(struct cd_submit_params *p);

/* One call to api.case_submit through cd_db_exec_op with in->op_id, so that
 * a retry (Enter twice, a reconnect) never makes a second case. window 0:
 * the staff member's own. Refuses locally (CD_ERR_INVALID) while a field is
 * invalid. A refusal for missing key materials is not an error: the outcome
 * says refused and the result lists what is missing. */
int cd_intake_submit(struct cd_db *db, const struct cd_keys *keys, struct cd_intake *in,
		     int window, struct cd_submit_result *res, struct cd_error *err);
void cd_submit_result_clear(struct cd_submit_result *res);

/* The deterministic operation id for an idempotency key given by a script: a
 * UUID as it is (lower-cased), any other text hashed (BLAKE2b) into a
 * version-5-style UUID, so the same key gives the same id on every run.
 * salt distinguishes ids made from one key for different uses ("op", "case"). */
void cd_idempotency_uuid(const char *key, const char *salt, char out[CD_UUID_LEN]);

/* ---- cases ------------------------------------------------------------- */

struct cd_kv {
	char *key;
	char *value;
};

struct cd_case_material {
	char *code;
	char *name_zh;
	char *status;   /* provided, missing, supplied ... as the database says */
	bool is_key;
};

struct cd_case {
	char *case_no;
	char *item;
	int item_version;
	char *item_name_zh;
	char *status;
	char *applicant_name;
	char *applicant_id_mask;
	char *accepted_at;
	char *accepted_by;
	int window_no;
	char *promised_date;
	char *commitment_due;
	int visits;
	struct cd_kv *fields;          /* clear non-personal values and masks of personal ones */
	size_t nfields;
	struct cd_case_material *materials;
	size_t nmaterials;
	char *proxy_json;              /* as the database gave it, or NULL */
};

int cd_case_get(struct cd_db *db, const char *case_no, struct cd_case *out, struct cd_error *err);
/* Newest first; status NULL for all; limit <= 0 for the server's default.
 * full: also fields and materials of each case (one statement). */
int cd_case_list(struct cd_db *db, const char *status, int limit, bool full,
		 struct cd_case **out, size_t *n, struct cd_error *err);
void cd_case_clear(struct cd_case *c);
void cd_cases_free(struct cd_case **v, size_t n);

struct cd_supplement_result {
	int visits;
	int outstanding;
};

int cd_case_supplement(struct cd_db *db, const char *case_no, const char *material,
		       struct cd_supplement_result *out, struct cd_error *err);

#endif
