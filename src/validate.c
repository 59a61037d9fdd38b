/* Validators for identity numbers (GB 11643), unified social credit codes
 * (GB 32100) and mainland mobile numbers. See shared/DOMAIN.md for the rules
 * and the test vectors. Everything here is pure: no allocation, no state. */
#include "validate.h"

#include <string.h>
#include <time.h>

#include "i18n.h"

#define IDNO_LEN 18
#define IDNO_OLD_LEN 15
#define USCC_LEN 18
#define PHONE_LEN 11
#define PHONE_CC_LEN 13 /* "86" + 11 digits */

/* The earliest birth date we accept: the standard's own example is 1880. */
#define IDNO_MIN_DATE 18000101L

/* A slice of the caller's buffer: we never copy or terminate the input. */
struct span {
	const char *p;
	size_t n;
};

static struct cd_check fail_with(enum cd_invalid reason)
{
	struct cd_check r = { .reason = reason };

	return r;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static char ascii_upper(char c)
{
	return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

/* Clerks paste from spreadsheets and chat windows, which bring surrounding
 * spaces, tabs and line ends; those are noise, not a wrong number. */
static bool is_edge_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static struct span trim(const char *s, size_t len)
{
	struct span t = { .p = s, .n = s ? len : 0 };

	while (t.n > 0 && is_edge_blank(t.p[0])) {
		t.p++;
		t.n--;
	}
	while (t.n > 0 && is_edge_blank(t.p[t.n - 1]))
		t.n--;
	return t;
}

/* Bytes no identifier keyboard entry contains: controls (NUL included),
 * spaces, DEL and anything non-ASCII. Their presence is reported before the
 * length, because then the byte count is not what the clerk sees: full-width
 * digits from an input method in full-width mode are three bytes each, and
 * digits grouped with spaces are longer than the number they spell. */
static bool has_foreign_byte(struct span t)
{
	size_t i;

	for (i = 0; i < t.n; i++) {
		unsigned char c = (unsigned char)t.p[i];

		if (c <= ' ' || c >= 0x7f)
			return true;
	}
	return false;
}

/* Value of n decimal digits already known to be digits. */
static long digits_value(const char *p, size_t n)
{
	long v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v * 10 + (p[i] - '0');
	return v;
}

/* ---- identity numbers ------------------------------------------------ */

/* Province-level codes of GB/T 2260 plus 71 (Taiwan) and 81-83, the address
 * codes of the Hong Kong, Macao and Taiwan residents' residence permits. */
static bool is_province(long code, bool mainland_only)
{
	static const struct {
		unsigned char lo, hi;
	} mainland[] = {
		{ 11, 15 }, { 21, 23 }, { 31, 37 }, { 41, 46 },
		{ 50, 54 }, { 61, 65 },
	};
	size_t i;

	for (i = 0; i < sizeof(mainland) / sizeof(mainland[0]); i++)
		if (code >= mainland[i].lo && code <= mainland[i].hi)
			return true;
	if (mainland_only)
		return false;
	return code == 71 || (code >= 81 && code <= 83);
}

/* Only the first two digits are checked: codes below province level change
 * (530630 became 530681) but numbers keep the code they were issued with. */
static bool idno_region_ok(const char *d)
{
	/* 2023 foreign permanent-residence card: 9, then the province where it
	 * was applied for (always a mainland one), then a nationality code. */
	if (d[0] == '9')
		return is_province(digits_value(d + 1, 2), true);
	return is_province(digits_value(d, 2), false);
}

static bool is_leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static bool is_calendar_date(long ymd)
{
	static const unsigned char mdays[12] = {
		31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
	};
	long y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;

	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	return !(m == 2 && d == 29 && !is_leap(y));
}

/* Returns 0 when the clock cannot be read: then the future-date check is
 * skipped rather than refusing every number at the counter. */
static long today_local(void)
{
	time_t now = time(NULL);
	struct tm tm;

	if (now == (time_t)-1 || !localtime_r(&now, &tm))
		return 0;
	return (tm.tm_year + 1900L) * 10000 + (tm.tm_mon + 1) * 100L +
	       tm.tm_mday;
}

static enum cd_invalid idno_date_check(const char *d, long today)
{
	long ymd = digits_value(d + 6, 8);

	if (ymd < IDNO_MIN_DATE || !is_calendar_date(ymd))
		return CD_INVALID_BIRTH_DATE;
	if (today == 0)
		today = today_local();
	if (today > 0 && ymd > today)
		return CD_INVALID_FUTURE_BIRTH;
	return CD_VALID;
}

/* ISO 7064 MOD 11-2 over the first 17 digits. */
static char idno_check_char(const char *d)
{
	static const unsigned char weight[17] = {
		7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2,
	};
	static const char map[] = "10X98765432";
	unsigned sum = 0;
	size_t i;

	for (i = 0; i < 17; i++)
		sum += (unsigned)(d[i] - '0') * weight[i];
	return map[sum % 11];
}

/* Digits everywhere; X (either case) only as the 18th character. */
static bool idno_chars_ok(struct span t)
{
	size_t i;

	for (i = 0; i < t.n; i++) {
		char c = t.p[i];

		if (is_digit(c))
			continue;
		if (i == IDNO_LEN - 1 && ascii_upper(c) == 'X')
			continue;
		return false;
	}
	return true;
}

/* Writes the 18-character form (check character included for 15-digit
 * numbers, which never had one) into out[CD_NORMALIZED_MAX]. */
static void idno_expand(struct span t, char *out)
{
	if (t.n == IDNO_OLD_LEN) {
		/* GB 11643-1989 numbers carry a two-digit year of the 1900s. */
		memcpy(out, t.p, 6);
		memcpy(out + 6, "19", 2);
		memcpy(out + 8, t.p + 6, IDNO_OLD_LEN - 6);
		out[IDNO_LEN - 1] = idno_check_char(out);
	} else {
		memcpy(out, t.p, IDNO_LEN);
		out[IDNO_LEN - 1] = ascii_upper(out[IDNO_LEN - 1]);
	}
	out[IDNO_LEN] = '\0';
}

/* Order of checks: empty, stray bytes, length, characters, region, date,
 * check. Each later check assumes the earlier ones passed, and a clerk who
 * mistyped the date is better told "date" than "check character", which a
 * wrong date also breaks. */
struct cd_check cd_check_idno(const char *s, size_t len, long today_yyyymmdd)
{
	struct span t = trim(s, len);
	struct cd_check r = { .reason = CD_VALID };
	char d[CD_NORMALIZED_MAX];
	enum cd_invalid why;

	if (t.n == 0)
		return fail_with(CD_INVALID_EMPTY);
	if (has_foreign_byte(t))
		return fail_with(CD_INVALID_CHARACTER);
	if (t.n != IDNO_LEN && t.n != IDNO_OLD_LEN)
		return fail_with(CD_INVALID_LENGTH);
	if (!idno_chars_ok(t))
		return fail_with(CD_INVALID_CHARACTER);
	/* Old numbers predate the foreign card; 9 is no province for them. */
	if (t.n == IDNO_OLD_LEN && t.p[0] == '9')
		return fail_with(CD_INVALID_REGION);

	idno_expand(t, d);
	if (!idno_region_ok(d))
		return fail_with(CD_INVALID_REGION);
	why = idno_date_check(d, today_yyyymmdd);
	if (why != CD_VALID)
		return fail_with(why);
	if (d[IDNO_LEN - 1] != idno_check_char(d)) {
		r.reason = CD_INVALID_CHECK;
		r.expected_check = idno_check_char(d);
		return r;
	}
	memcpy(r.normalized, d, sizeof(d));
	return r;
}

char cd_idno_sex(const char *normalized)
{
	size_t i;

	if (!normalized)
		return '\0';
	/* Stop at a terminator so a short string is never over-read. */
	for (i = 0; i < IDNO_LEN - 1; i++)
		if (normalized[i] == '\0')
			return '\0';
	if (!is_digit(normalized[16]))
		return '\0';
	return (normalized[16] - '0') % 2 ? 'M' : 'F';
}

/* ---- unified social credit codes ------------------------------------- */

/* GB 32100 leaves out I, O, Z, S and V, which read like 1, 0, 2, 5 and U. */
static const char uscc_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* Value 0-30 of an upper-case symbol, -1 when it is not in the set. */
static int uscc_value(char c)
{
	const char *hit;

	/* strchr would match the terminator. */
	if (c == '\0')
		return -1;
	hit = strchr(uscc_alphabet, c);
	return hit ? (int)(hit - uscc_alphabet) : -1;
}

static bool uscc_authority_ok(char c)
{
	return (c >= '1' && c <= '9') || c == 'A' || c == 'N' || c == 'Y';
}

/* MOD 31 over the first 17 symbols; weights are 3^(i-1) mod 31. */
static char uscc_check_char(const char *u)
{
	static const unsigned char weight[17] = {
		1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
	};
	unsigned sum = 0;
	size_t i;

	for (i = 0; i < 17; i++)
		sum += (unsigned)uscc_value(u[i]) * weight[i];
	return uscc_alphabet[(31 - sum % 31) % 31];
}

struct cd_check cd_check_uscc(const char *s, size_t len)
{
	struct span t = trim(s, len);
	struct cd_check r = { .reason = CD_VALID };
	char u[CD_NORMALIZED_MAX];
	size_t i;

	if (t.n == 0)
		return fail_with(CD_INVALID_EMPTY);
	if (has_foreign_byte(t))
		return fail_with(CD_INVALID_CHARACTER);
	if (t.n != USCC_LEN)
		return fail_with(CD_INVALID_LENGTH);
	for (i = 0; i < USCC_LEN; i++) {
		u[i] = ascii_upper(t.p[i]);
		if (uscc_value(u[i]) < 0)
			return fail_with(CD_INVALID_CHARACTER);
	}
	u[USCC_LEN] = '\0';
	if (!uscc_authority_ok(u[0]))
		return fail_with(CD_INVALID_AUTHORITY);
	if (u[USCC_LEN - 1] != uscc_check_char(u)) {
		r.reason = CD_INVALID_CHECK;
		r.expected_check = uscc_check_char(u);
		return r;
	}
	memcpy(r.normalized, u, sizeof(u));
	return r;
}

/* ---- mobile numbers -------------------------------------------------- */

/* The digits of a phone entry with separators removed. Only the first
 * PHONE_CC_LEN are kept; count goes on so an over-long entry is noticed. */
struct phone_digits {
	char d[PHONE_CC_LEN];
	size_t count;
	bool plus;
};

/* Returns false on a character that is neither a digit, a separator nor a
 * '+' in front of every digit. */
static bool phone_collect(struct span t, struct phone_digits *pd)
{
	size_t i;

	for (i = 0; i < t.n; i++) {
		char c = t.p[i];

		if (c == ' ' || c == '-')
			continue;
		if (c == '+' && !pd->plus && pd->count == 0) {
			pd->plus = true;
			continue;
		}
		if (!is_digit(c))
			return false;
		if (pd->count < PHONE_CC_LEN)
			pd->d[pd->count] = c;
		pd->count++;
	}
	return true;
}

struct cd_check cd_check_phone(const char *s, size_t len)
{
	struct span t = trim(s, len);
	struct phone_digits pd = { .count = 0 };
	struct cd_check r = { .reason = CD_VALID };
	const char *num = pd.d;
	bool has_cc;

	if (t.n == 0)
		return fail_with(CD_INVALID_EMPTY);
	if (!phone_collect(t, &pd))
		return fail_with(CD_INVALID_CHARACTER);

	/* 86 is only a country code when eleven digits follow: 86 plus nine
	 * digits is a (wrong) number of its own, reported as such. */
	has_cc = pd.count >= 2 && pd.d[0] == '8' && pd.d[1] == '6';
	if (has_cc && pd.count == PHONE_CC_LEN) {
		num += 2;
		pd.count -= 2;
	} else if (pd.plus) {
		/* +86 with too few or too many digits is a length problem;
		 * any other country code is not a mainland mobile number. */
		if (has_cc || pd.count < 2)
			return fail_with(CD_INVALID_LENGTH);
		return fail_with(CD_INVALID_PREFIX);
	}
	if (pd.count != PHONE_LEN)
		return fail_with(CD_INVALID_LENGTH);
	if (num[0] != '1' || num[1] < '3')
		return fail_with(CD_INVALID_PREFIX);
	memcpy(r.normalized, num, PHONE_LEN);
	r.normalized[PHONE_LEN] = '\0';
	return r;
}

/* ---- reasons --------------------------------------------------------- */

/* One text per reason serves all three validators, so texts that depend on
 * the kind of identifier name each kind. N_ marks them for xgettext. */
const char *cd_invalid_text(enum cd_invalid reason)
{
	switch (reason) {
	case CD_VALID:
		return N_("valid");
	case CD_INVALID_EMPTY:
		return N_("nothing was entered");
	case CD_INVALID_LENGTH:
		return N_("wrong number of characters: identity number 18 (old numbers 15), credit code 18, mobile number 11");
	case CD_INVALID_CHARACTER:
		return N_("contains a character that is not allowed: look for spaces, full-width digits or a mistyped letter");
	case CD_INVALID_REGION:
		return N_("the first digits are not a known province or region code");
	case CD_INVALID_BIRTH_DATE:
		return N_("the birth date in the number (characters 7-14) is not a real date");
	case CD_INVALID_FUTURE_BIRTH:
		return N_("the birth date in the number is after today");
	case CD_INVALID_CHECK:
		return N_("the check character (the last one) does not match: a character was probably mistyped");
	case CD_INVALID_AUTHORITY:
		return N_("a credit code must start with 1-9, A, N or Y");
	case CD_INVALID_PREFIX:
		return N_("a mobile number must start with 1 followed by 3-9");
	}
	return N_("not valid");
}
