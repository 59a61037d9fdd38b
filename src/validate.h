/* Validators for the identifiers a counter sees: GB 11643 identity numbers,
 * GB 32100 unified social credit codes and mainland mobile numbers.
 * Each returns a reason code; the reason text is translated for the user. */
#ifndef CD_VALIDATE_H
#define CD_VALIDATE_H

#include <stddef.h>
#include <stdbool.h>

enum cd_invalid {
	CD_VALID = 0,
	CD_INVALID_EMPTY,         /* nothing given */
	CD_INVALID_LENGTH,        /* wrong number of characters */
	CD_INVALID_CHARACTER,     /* a character outside the allowed set */
	CD_INVALID_REGION,        /* no such province / region code */
	CD_INVALID_BIRTH_DATE,    /* not a real calendar date */
	CD_INVALID_FUTURE_BIRTH,  /* born after today */
	CD_INVALID_CHECK,         /* check character does not match */
	CD_INVALID_AUTHORITY,     /* credit code: unknown registration authority */
	CD_INVALID_PREFIX,        /* phone: must start with 1 then 3-9 */
};

/* Normalised forms are at most 18 characters plus NUL. */
#define CD_NORMALIZED_MAX 19

struct cd_check {
	enum cd_invalid reason;
	char normalized[CD_NORMALIZED_MAX]; /* filled when valid (e.g. x -> X, 15 -> 18 digits) */
	char expected_check;                /* for CD_INVALID_CHECK: the character it should be */
};

/* Validates an identity number given as text of length len (may contain NUL or
 * non-ASCII bytes: those make it invalid, never crash). today_yyyymmdd is the
 * date used for "not in the future" (pass 0 for the real clock; tests pass a
 * fixed date). 15-digit numbers (GB 11643-1989) are converted to 18. */
struct cd_check cd_check_idno(const char *s, size_t len, long today_yyyymmdd);

/* Unified social credit code: 18 characters from 0-9 A-H J-N P-R T U W-Y,
 * MOD 31 check. Lower-case letters are accepted and normalised to upper. */
struct cd_check cd_check_uscc(const char *s, size_t len);

/* Mainland mobile number: 11 digits, 1 then 3-9. Spaces and hyphens between
 * digit groups, and a leading +86 or 86, are accepted and removed. */
struct cd_check cd_check_phone(const char *s, size_t len);

/* The reason in English source text (wrap in gettext to show it). */
const char *cd_invalid_text(enum cd_invalid reason);

/* Sex from position 17 of a valid 18-digit number: 'M' or 'F'. */
char cd_idno_sex(const char *normalized);

#endif
