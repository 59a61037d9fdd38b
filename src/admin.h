/* Administration through the api schema: departments, staff accounts, and
 * the audit chain. The database decides who may do what; these functions
 * carry the request and report its answer. */
#ifndef CD_ADMIN_H
#define CD_ADMIN_H

#include <stdbool.h>
#include <stddef.h>
#include "error.h"

struct cd_db;

struct cd_dept {
	char code[17];
	char name[128];
};

struct cd_staff {
	char login[64];
	char full_name[128];
	char role[16];
	char dept_code[17];
	int window_no;
	bool active;
	char created_at[20];
};

struct cd_audit_result {
	long long checked;
	long long first_broken; /* 0 when the chain is intact */
	char reason[256];
};

int cd_dept_add(struct cd_db *db, const char *code, const char *name, struct cd_error *err);
int cd_dept_list(struct cd_db *db, struct cd_dept **out, size_t *n, struct cd_error *err);

/* The password is turned into a SCRAM verifier here, in the client. */
int cd_staff_add(struct cd_db *db, const char *login, const char *full_name,
		 const char *role, const char *dept, int window_no,
		 const char *password, struct cd_error *err);
int cd_staff_disable(struct cd_db *db, const char *login, struct cd_error *err);
/* An administrator sets anyone's password, anyone their own; a verifier
 * travels, never the password. */
int cd_staff_set_password(struct cd_db *db, const char *login, const char *password,
			  struct cd_error *err);
int cd_staff_list(struct cd_db *db, struct cd_staff **out, size_t *n, struct cd_error *err);

int cd_audit_verify(struct cd_db *db, struct cd_audit_result *out, struct cd_error *err);

/* True when role is one of the staff roles. */
bool cd_role_valid(const char *role);
/* The staff roles, in the order a form offers them; *n of them. */
const char *const *cd_roles(size_t *n);

/* Shortest password accepted for a staff account, in bytes. */
#define CD_PASSWORD_MIN 8
/* Why a password typed twice cannot be used (an English source string for
 * gettext), or NULL when it can. */
const char *cd_password_problem(const char *password, const char *repeated);

#endif
