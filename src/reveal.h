/* One full personal value of a case, shown for a stated purpose. The
 * database hands out the sealed value only through api.case_reveal, which
 * writes the audit row (who, which case and field, when, why) in the same
 * transaction; the value is opened here with the key file. */
#ifndef CD_REVEAL_H
#define CD_REVEAL_H

#include "error.h"

struct cd_db;
struct cd_keys;

/* field: a personal field of the form, "applicant" or "proxy". *clear is
 * malloc'd and NUL-terminated; zero it (sodium_memzero) before freeing. */
int cd_case_reveal(struct cd_db *db, const struct cd_keys *keys, const char *case_no,
		   const char *field, const char *purpose, char **clear, struct cd_error *err);

#endif
