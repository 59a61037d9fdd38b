/* Seals over the audit chain: an Ed25519 key pair (libsodium crypto_sign),
 * a signature over the chain head made in the client, and a verifier that
 * recomputes the chain from the rows itself, so that a database superuser
 * who rewrites rows and recomputes every hash is still caught: they cannot
 * sign. See sql/090_audit_seal.sql for the signed message. */
#ifndef CD_AUDIT_SEAL_H
#define CD_AUDIT_SEAL_H

#include <stdbool.h>

#include "error.h"

struct cd_db;

/* Writes a new key pair: the secret key to path (mode 0600) and the public
 * key to path.pub (mode 0644). Never overwrites either file. */
int cd_audit_keygen(const char *path, struct cd_error *err);

/* Recomputes the whole chain in the client, refuses to seal a chain that
 * does not hold together, signs its newest row with the secret key in
 * secret_path and stores the seal (api.audit_seal_add). When seal_file is not
 * NULL the seal is also written there (a new file), for an auditor to keep
 * outside the database. */
int cd_audit_seal(struct cd_db *db, const char *secret_path, const char *seal_file,
		  long long *seal_no, long long *upto, struct cd_error *err);

struct cd_seal_report {
	long long rows;         /* rows recomputed in the client */
	long long seals;        /* seals checked with this key */
	long long sealed_upto;  /* newest row a checked seal covers */
	long long first_broken; /* first row that does not fit; 0: none */
	long long range_from;   /* the change lies in range_from..first_broken */
	long long seal_no;      /* the seal that caught it (0: the chain itself, -1: the seal file) */
	long long bad_seal;     /* a seal whose signature fails (-1: the seal file); 0: none */
	bool no_seal;           /* no seal signed with this key at all */
	const char *reason;     /* English source text; NULL when intact */
};

/* Recomputes the chain from the rows and checks it against every seal made
 * with the public key in public_path (and against seal_file when not NULL).
 * Returns 0 with rep filled (intact or not), -1 with err when the check
 * could not be made. */
int cd_audit_verify_sealed(struct cd_db *db, const char *public_path, const char *seal_file,
			   struct cd_seal_report *rep, struct cd_error *err);

/* True when the report shows nothing wrong. */
bool cd_seal_report_intact(const struct cd_seal_report *rep);

#endif
