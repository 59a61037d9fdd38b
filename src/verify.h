/* Verifying a case's materials against the shared-data registers
 * (数据比对核验, sql/040_verification.sql). The server never holds the key:
 * the core reads the sealed numbers the checks need
 * (api.case_verify_subjects), opens them, and sends them in ONE call of
 * api.case_verify, which queries each register once, compares, records and
 * audits in one transaction. */
#ifndef CD_VERIFY_H
#define CD_VERIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

struct cd_db;
struct cd_keys;

struct cd_verify_result {
	char *material;
	char *register_name; /* population, civil_affairs, elicence, enterprise */
	char *outcome;       /* matched, mismatched, not_found, unavailable */
	char **differing;    /* field names ("father_idno.name", "status"), never values */
	size_t ndiffering;
	bool paper_needed;   /* false: matched, no paper copy (免提交) */
	char *detail;        /* English source text from the server, or NULL */
};

struct cd_verify_results {
	struct cd_verify_result *v;
	size_t n;
	int statements;      /* statements sent to the main database (2) */
};

/* Verifies every verifiable material of case_no. Returns 0 (whatever the
 * outcomes; an unreachable register is an outcome, not an error) or -1
 * with err. */
int cd_case_verify(struct cd_db *db, const struct cd_keys *keys, const char *case_no,
		   struct cd_verify_results *out, struct cd_error *err);
void cd_verify_results_clear(struct cd_verify_results *r);
/* True when there was something to verify and all of it matched. */
bool cd_verify_all_matched(const struct cd_verify_results *r);
/* Outcome codes and server details in the user's language. */
const char *cd_verify_outcome_text(const char *outcome);
/* The short words for a result on the screens: verified (with or without a
 * paper copy), does not match, not found, unavailable. */
const char *cd_verify_result_word(const struct cd_verify_result *v);
/* A case material's status (provided, missing, supplied later) in words. */
const char *cd_material_status_word(const char *status);
const char *cd_verify_detail_text(const char *detail);

/* The clerk checked the original document by hand (only after a mismatch
 * or a not-found), with a reason. */
/* What was recorded for the case before: the latest outcome of each verified
 * material (api.case_verifications), so that a case opened again shows its
 * verification and hand checks. *resolved gets one entry per result: the
 * hand-check reason, or NULL (a malloc'd array of malloc'd strings). One
 * statement. A case never verified gives n = 0. */
int cd_case_verifications(struct cd_db *db, const char *case_no, struct cd_verify_results *out,
			  char ***resolved, struct cd_error *err);

int cd_verification_resolve(struct cd_db *db, const char *case_no, const char *material,
			    const char *reason, struct cd_error *err);

struct cd_audit_entry {
	long long id;
	char *at;       /* YYYY-MM-DD HH:MM:SS */
	char *actor;
	char *action;
	char *object;
	char *detail;   /* JSON text */
};

/* The audit rows of one case (api.case_audit), oldest first. */
int cd_case_audit(struct cd_db *db, const char *case_no, struct cd_audit_entry **out,
		  size_t *n, struct cd_error *err);
/* The newest limit rows of the whole audit log (api.audit_log, supervisors
 * and administrators), newest first. */
int cd_audit_recent(struct cd_db *db, int limit, struct cd_audit_entry **out, size_t *n,
		    struct cd_error *err);
void cd_audit_entries_free(struct cd_audit_entry **v, size_t n);

#endif
