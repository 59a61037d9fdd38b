/* Unit tests for src/validate.c: every vector of shared/DOMAIN.md, plus the
 * edges a counter meets (pasted text, input methods, old numbers, permits).
 * Each table row is its own cmocka test, named after the row. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "validate.h"

/* A fixed "today" so that the future-birth cases never age. */
#define TODAY 20260301L

/* Row length meaning "the whole literal", embedded NULs included. */
#define WHOLE ((size_t)-1)
#define ROW_LEN(in, len) ((len) == WHOLE ? sizeof(in) - 1 : (size_t)(len))

#define TEN "1234567890"
#define HUNDRED TEN TEN TEN TEN TEN TEN TEN TEN TEN TEN

struct case_row {
	const char *name;
	const char *in;
	size_t len;
	enum cd_invalid reason;
	const char *normalized; /* expected when valid */
	char expected_check;    /* expected on CD_INVALID_CHECK, else '\0' */
};

/* A number whose check character the test computes itself, so that cases
 * about the region or the date are not also about the check. */
struct built_row {
	const char *name;
	const char *first17;
	enum cd_invalid reason;
};

/* ---- tables ---------------------------------------------------------- */

/* X(kind, name, input, len, reason, normalized, expected_check) */
#define IDNO_ROWS(X)                                                          \
	/* shared/DOMAIN.md */                                                \
	X(idno, std_example_female, "11010519491231002X", WHOLE, CD_VALID,    \
	  "11010519491231002X", 0)                                            \
	X(idno, std_example_1880, "440524188001010014", WHOLE, CD_VALID,      \
	  "440524188001010014", 0)                                            \
	X(idno, plain, "360426199101010071", WHOLE, CD_VALID,                 \
	  "360426199101010071", 0)                                            \
	X(idno, lower_x, "44011320141005001x", WHOLE, CD_VALID,               \
	  "44011320141005001X", 0)                                            \
	X(idno, check_should_be_X, "110105194912310021", WHOLE,               \
	  CD_INVALID_CHECK, NULL, 'X')                                        \
	X(idno, check_should_be_3, "36042619910102009X", WHOLE,               \
	  CD_INVALID_CHECK, NULL, '3')                                        \
	X(idno, month_13, "360426199113010079", WHOLE, CD_INVALID_BIRTH_DATE, \
	  NULL, 0)                                                            \
	X(idno, province_99, "990426199112010074", WHOLE, CD_INVALID_REGION,  \
	  NULL, 0)                                                            \
	X(idno, letter_T, "T60426199101010078", WHOLE, CD_INVALID_CHARACTER,  \
	  NULL, 0)                                                            \
	X(idno, old_15, "150102880730303", WHOLE, CD_VALID,                   \
	  "150102198807303035", 0)                                            \
	/* old 15-digit numbers */                                            \
	X(idno, old_15_padded, " 150102880730303 ", WHOLE, CD_VALID,          \
	  "150102198807303035", 0)                                            \
	X(idno, old_15_month_13, "150102881330303", WHOLE,                    \
	  CD_INVALID_BIRTH_DATE, NULL, 0)                                     \
	X(idno, old_15_not_leap_1900, "110105000229001", WHOLE,               \
	  CD_INVALID_BIRTH_DATE, NULL, 0)                                     \
	X(idno, old_15_province_16, "160102880730303", WHOLE,                 \
	  CD_INVALID_REGION, NULL, 0)                                         \
	X(idno, old_15_no_foreign_9, "911840880730303", WHOLE,                \
	  CD_INVALID_REGION, NULL, 0)                                         \
	X(idno, old_15_with_x, "15010288073030X", WHOLE,                      \
	  CD_INVALID_CHARACTER, NULL, 0)                                      \
	/* the most useful reason wins when several apply */                  \
	X(idno, region_before_check, "990426199112010075", WHOLE,             \
	  CD_INVALID_REGION, NULL, 0)                                         \
	X(idno, date_before_check, "360426199113010070", WHOLE,               \
	  CD_INVALID_BIRTH_DATE, NULL, 0)                                     \
	X(idno, length_before_letter, "T1010519491231002X1", WHOLE,           \
	  CD_INVALID_LENGTH, NULL, 0)                                         \
	/* malformed input */                                                 \
	X(idno, empty, "", WHOLE, CD_INVALID_EMPTY, NULL, 0)                  \
	X(idno, len_zero, "11010519491231002X", 0, CD_INVALID_EMPTY, NULL, 0) \
	X(idno, only_spaces, "    ", WHOLE, CD_INVALID_EMPTY, NULL, 0)        \
	X(idno, too_long_100, HUNDRED, WHOLE, CD_INVALID_LENGTH, NULL, 0)     \
	X(idno, nineteen, "11010519491231002X1", WHOLE, CD_INVALID_LENGTH,    \
	  NULL, 0)                                                            \
	X(idno, seventeen, "11010519491231002", WHOLE, CD_INVALID_LENGTH,     \
	  NULL, 0)                                                            \
	X(idno, sixteen, "1101051949123100", WHOLE, CD_INVALID_LENGTH, NULL,  \
	  0)                                                                  \
	X(idno, cjk, "一二三", WHOLE, CD_INVALID_CHARACTER, NULL, 0)          \
	X(idno, fullwidth_digits, "１１０１０５１９４９１２３１００２Ｘ",      \
	  WHOLE, CD_INVALID_CHARACTER, NULL, 0)                               \
	X(idno, nul_inside, "110105\0" "9491231002X", WHOLE,                  \
	  CD_INVALID_CHARACTER, NULL, 0)                                      \
	X(idno, nul_terminator_counted, "11010519491231002X\0", WHOLE,        \
	  CD_INVALID_CHARACTER, NULL, 0)                                      \
	X(idno, space_inside, "110105 9491231002X", WHOLE,                    \
	  CD_INVALID_CHARACTER, NULL, 0)                                      \
	X(idno, grouped_with_spaces, "110105 19491231 002X", WHOLE,           \
	  CD_INVALID_CHARACTER, NULL, 0)                                      \
	X(idno, x_not_last, "1101051949123100X2", WHOLE,                      \
	  CD_INVALID_CHARACTER, NULL, 0)                                      \
	X(idno, padded_paste, "  11010519491231002X  ", WHOLE, CD_VALID,      \
	  "11010519491231002X", 0)                                            \
	X(idno, pasted_line_end, "11010519491231002x\r\n", WHOLE, CD_VALID,   \
	  "11010519491231002X", 0)                                            \
	X(idno, len_shorter_than_text, "11010519491231002X", 17,              \
	  CD_INVALID_LENGTH, NULL, 0)                                         \
	X(idno, len_ignores_bytes_after, "11010519491231002X999", 18,         \
	  CD_VALID, "11010519491231002X", 0)

/* X(kind, name, first17, reason): the check character is appended. */
#define IDNO_BUILT_ROWS(X)                                                    \
	X(idno_built, abolished_530630, "53063019900101001", CD_VALID)         \
	X(idno_built, hong_kong_810000, "81000019900101001", CD_VALID)         \
	X(idno_built, macao_820000, "82000019900101001", CD_VALID)             \
	X(idno_built, taiwan_830000, "83000019900101001", CD_VALID)            \
	X(idno_built, taiwan_71, "71000019900101002", CD_VALID)                \
	X(idno_built, foreign_card_beijing, "91184019900101001", CD_VALID)     \
	X(idno_built, foreign_card_shanghai, "93184019900101002", CD_VALID)    \
	X(idno_built, foreign_card_no_province, "99084019900101001",           \
	  CD_INVALID_REGION)                                                  \
	X(idno_built, foreign_card_hk_not_issuer, "98184019900101001",         \
	  CD_INVALID_REGION)                                                  \
	X(idno_built, province_00, "00010519900101001", CD_INVALID_REGION)     \
	X(idno_built, province_16, "16010519900101001", CD_INVALID_REGION)     \
	X(idno_built, province_66, "66010519900101001", CD_INVALID_REGION)     \
	X(idno_built, province_84, "84000019900101001", CD_INVALID_REGION)     \
	X(idno_built, leap_day_2000, "11010520000229001", CD_VALID)            \
	X(idno_built, leap_day_2024, "11010520240229001", CD_VALID)            \
	X(idno_built, no_leap_day_1900, "11010519000229001",                   \
	  CD_INVALID_BIRTH_DATE)                                              \
	X(idno_built, no_leap_day_2023, "11010520230229001",                   \
	  CD_INVALID_BIRTH_DATE)                                              \
	X(idno_built, feb_31_1949, "11010519490231001", CD_INVALID_BIRTH_DATE) \
	X(idno_built, apr_31, "11010519900431001", CD_INVALID_BIRTH_DATE)      \
	X(idno_built, day_00, "11010519900100001", CD_INVALID_BIRTH_DATE)      \
	X(idno_built, month_00, "11010519900001001", CD_INVALID_BIRTH_DATE)    \
	X(idno_built, year_1799, "11010517991231001", CD_INVALID_BIRTH_DATE)   \
	X(idno_built, year_1800, "11010518000101001", CD_VALID)                \
	X(idno_built, born_today, "11010520260301001", CD_VALID)               \
	X(idno_built, born_tomorrow, "11010520260302001",                      \
	  CD_INVALID_FUTURE_BIRTH)                                            \
	X(idno_built, born_2030, "11010520300101001", CD_INVALID_FUTURE_BIRTH) \
	X(idno_built, future_and_unreal, "11010520300230001",                  \
	  CD_INVALID_BIRTH_DATE)

#define USCC_ROWS(X)                                                          \
	/* shared/DOMAIN.md */                                                \
	X(uscc, std_example, "91350100M000100Y43", WHOLE, CD_VALID,           \
	  "91350100M000100Y43", 0)                                            \
	X(uscc, check_L, "91110000600037341L", WHOLE, CD_VALID,               \
	  "91110000600037341L", 0)                                            \
	X(uscc, all_digits, "121200004013590816", WHOLE, CD_VALID,            \
	  "121200004013590816", 0)                                            \
	X(uscc, letters_inside, "91310115MA1K3BTP2B", WHOLE, CD_VALID,        \
	  "91310115MA1K3BTP2B", 0)                                            \
	X(uscc, check_should_be_L, "91110000600037341N", WHOLE,               \
	  CD_INVALID_CHECK, NULL, 'L')                                        \
	X(uscc, forbidden_letters, "9111000060003IOZSV", WHOLE,               \
	  CD_INVALID_CHARACTER, NULL, 0)                                      \
	/* case, paste and malformed input */                                 \
	X(uscc, lower_case, "91350100m000100y43", WHOLE, CD_VALID,            \
	  "91350100M000100Y43", 0)                                            \
	X(uscc, lower_check, "91110000600037341l", WHOLE, CD_VALID,           \
	  "91110000600037341L", 0)                                            \
	X(uscc, padded_paste, "\t91110000600037341L \r\n", WHOLE, CD_VALID,   \
	  "91110000600037341L", 0)                                            \
	X(uscc, letter_O_for_zero, "91110000600O37341L", WHOLE,               \
	  CD_INVALID_CHARACTER, NULL, 0)                                      \
	X(uscc, authority_before_check, "01110000600037341L", WHOLE,          \
	  CD_INVALID_AUTHORITY, NULL, 0)                                      \
	X(uscc, empty, "", WHOLE, CD_INVALID_EMPTY, NULL, 0)                  \
	X(uscc, len_zero, "91110000600037341L", 0, CD_INVALID_EMPTY, NULL, 0) \
	X(uscc, seventeen, "91110000600037341", WHOLE, CD_INVALID_LENGTH,     \
	  NULL, 0)                                                            \
	X(uscc, nineteen, "91110000600037341LL", WHOLE, CD_INVALID_LENGTH,    \
	  NULL, 0)                                                            \
	X(uscc, too_long_100, HUNDRED, WHOLE, CD_INVALID_LENGTH, NULL, 0)     \
	X(uscc, space_inside, "9111000060003734 L", WHOLE,                    \
	  CD_INVALID_CHARACTER, NULL, 0)                                      \
	X(uscc, nul_inside, "91110000\0" "00037341L", WHOLE,                  \
	  CD_INVALID_CHARACTER, NULL, 0)                                      \
	X(uscc, cjk, "统一社会信用代码", WHOLE, CD_INVALID_CHARACTER, NULL, 0)

#define USCC_BUILT_ROWS(X)                                                    \
	X(uscc_built, authority_A, "A1110000600037341", CD_VALID)              \
	X(uscc_built, authority_N, "N2110000600037341", CD_VALID)              \
	X(uscc_built, authority_Y, "Y1110000600037341", CD_VALID)              \
	X(uscc_built, authority_1, "11110000600037341", CD_VALID)              \
	X(uscc_built, authority_0, "01110000600037341", CD_INVALID_AUTHORITY)  \
	X(uscc_built, authority_B, "B1110000600037341", CD_INVALID_AUTHORITY)  \
	X(uscc_built, authority_X, "X1110000600037341", CD_INVALID_AUTHORITY)  \
	/* S mod 31 == 0: the check value is 0, not 31 */                    \
	X(uscc_built, check_value_zero, "9111000060003734F", CD_VALID)

#define PHONE_ROWS(X)                                                         \
	X(phone, plain, "13812345678", WHOLE, CD_VALID, "13812345678", 0)     \
	X(phone, cc_spaces, "+86 138 1234 5678", WHOLE, CD_VALID,             \
	  "13812345678", 0)                                                   \
	X(phone, cc_hyphens, "+86-138-1234-5678", WHOLE, CD_VALID,            \
	  "13812345678", 0)                                                   \
	X(phone, cc_without_plus, "8613812345678", WHOLE, CD_VALID,           \
	  "13812345678", 0)                                                   \
	X(phone, cc_without_plus_spaces, "86 138 1234 5678", WHOLE, CD_VALID, \
	  "13812345678", 0)                                                   \
	X(phone, hyphens, "138-1234-5678", WHOLE, CD_VALID, "13812345678", 0) \
	X(phone, padded_paste, " 13812345678\n", WHOLE, CD_VALID,             \
	  "13812345678", 0)                                                   \
	X(phone, block_199, "19912345678", WHOLE, CD_VALID, "19912345678", 0) \
	X(phone, block_166, "16612345678", WHOLE, CD_VALID, "16612345678", 0) \
	X(phone, prefix_12, "12812345678", WHOLE, CD_INVALID_PREFIX, NULL, 0) \
	X(phone, prefix_10, "10812345678", WHOLE, CD_INVALID_PREFIX, NULL, 0) \
	X(phone, landline_like, "02112345678", WHOLE, CD_INVALID_PREFIX,      \
	  NULL, 0)                                                            \
	X(phone, cc_then_bad_prefix, "+86 128 1234 5678", WHOLE,              \
	  CD_INVALID_PREFIX, NULL, 0)                                         \
	X(phone, eighty_six_not_cc, "86123456789", WHOLE, CD_INVALID_PREFIX,  \
	  NULL, 0)                                                            \
	X(phone, other_country, "+1 415 555 0100", WHOLE, CD_INVALID_PREFIX,  \
	  NULL, 0)                                                            \
	X(phone, short_10, "1381234567", WHOLE, CD_INVALID_LENGTH, NULL, 0)   \
	X(phone, long_12, "138123456789", WHOLE, CD_INVALID_LENGTH, NULL, 0)  \
	X(phone, cc_short, "+86 138 1234 567", WHOLE, CD_INVALID_LENGTH,      \
	  NULL, 0)                                                            \
	X(phone, too_long_100, HUNDRED, WHOLE, CD_INVALID_LENGTH, NULL, 0)    \
	X(phone, plus_alone, "+", WHOLE, CD_INVALID_LENGTH, NULL, 0)          \
	X(phone, letters_inside, "138abcd5678", WHOLE, CD_INVALID_CHARACTER,  \
	  NULL, 0)                                                            \
	X(phone, word, "phone", WHOLE, CD_INVALID_CHARACTER, NULL, 0)         \
	X(phone, plus_inside, "138+12345678", WHOLE, CD_INVALID_CHARACTER,    \
	  NULL, 0)                                                            \
	X(phone, double_plus, "++8613812345678", WHOLE, CD_INVALID_CHARACTER, \
	  NULL, 0)                                                            \
	X(phone, fullwidth_digits, "１３８１２３４５６７８", WHOLE,            \
	  CD_INVALID_CHARACTER, NULL, 0)                                      \
	X(phone, nul_inside, "1381234\0" "5678", WHOLE, CD_INVALID_CHARACTER, \
	  NULL, 0)                                                            \
	X(phone, empty, "", WHOLE, CD_INVALID_EMPTY, NULL, 0)                 \
	X(phone, len_zero, "13812345678", 0, CD_INVALID_EMPTY, NULL, 0)

#define DEFINE_ROW(kind, id, in, len, reason, norm, chk)                      \
	static const struct case_row kind##_##id = {                          \
		#kind "_" #id, in, ROW_LEN(in, len), reason, norm, chk,       \
	};
#define DEFINE_BUILT(kind, id, first17, reason)                               \
	static const struct built_row kind##_##id = {                         \
		#kind "_" #id, first17, reason,                               \
	};
#define TEST_ROW(kind, id, ...)                                               \
	{ #kind "_" #id, run_##kind##_row, NULL, NULL, (void *)&kind##_##id },

IDNO_ROWS(DEFINE_ROW)
IDNO_BUILT_ROWS(DEFINE_BUILT)
USCC_ROWS(DEFINE_ROW)
USCC_BUILT_ROWS(DEFINE_BUILT)
PHONE_ROWS(DEFINE_ROW)

/* ---- oracles: check characters computed from the definitions --------- */

/* W_i = 2^(18-i) mod 11, computed rather than copied from the table that
 * validate.c uses, so a wrong weight there cannot hide here. */
static char oracle_idno_check(const char *first17)
{
	unsigned sum = 0, w = 1;
	int i;

	for (i = 16; i >= 0; i--) {
		w = w * 2 % 11;
		sum += (unsigned)(first17[i] - '0') * w;
	}
	/* The check value c makes sum + c ≡ 1 (mod 11); 10 is written X. */
	sum = (12 - sum % 11) % 11;
	return sum == 10 ? 'X' : (char)('0' + sum);
}

static const char uscc_symbols[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* W_i = 3^(i-1) mod 31. */
static char oracle_uscc_check(const char *first17)
{
	unsigned sum = 0, w = 1;
	int i;

	for (i = 0; i < 17; i++) {
		const char *at = strchr(uscc_symbols, first17[i]);

		assert_non_null(at);
		sum += (unsigned)(at - uscc_symbols) * w;
		w = w * 3 % 31;
	}
	return uscc_symbols[(31 - sum % 31) % 31];
}

static void build(char out[CD_NORMALIZED_MAX], const char *first17,
		  char (*check)(const char *))
{
	assert_int_equal(strlen(first17), 17);
	memcpy(out, first17, 17);
	out[17] = check(first17);
	out[18] = '\0';
}

/* ---- runners --------------------------------------------------------- */

static void expect(const char *name, struct cd_check got,
		   enum cd_invalid reason, const char *normalized, char check)
{
	if (got.reason != reason)
		fail_msg("%s: got \"%s\", expected \"%s\"", name,
			 cd_invalid_text(got.reason), cd_invalid_text(reason));
	/* An invalid entry must not come back looking like a usable one. */
	assert_string_equal(got.normalized,
			    reason == CD_VALID ? normalized : "");
	assert_int_equal(got.expected_check, check);
}

static void run_idno_row(void **state)
{
	const struct case_row *row = *state;

	expect(row->name, cd_check_idno(row->in, row->len, TODAY), row->reason,
	       row->normalized, row->expected_check);
}

static void run_uscc_row(void **state)
{
	const struct case_row *row = *state;

	expect(row->name, cd_check_uscc(row->in, row->len), row->reason,
	       row->normalized, row->expected_check);
}

static void run_phone_row(void **state)
{
	const struct case_row *row = *state;

	expect(row->name, cd_check_phone(row->in, row->len), row->reason,
	       row->normalized, row->expected_check);
}

static void run_idno_built_row(void **state)
{
	const struct built_row *row = *state;
	char n[CD_NORMALIZED_MAX];

	build(n, row->first17, oracle_idno_check);
	expect(row->name, cd_check_idno(n, strlen(n), TODAY), row->reason, n,
	       0);
}

static void run_uscc_built_row(void **state)
{
	const struct built_row *row = *state;
	char n[CD_NORMALIZED_MAX];

	build(n, row->first17, oracle_uscc_check);
	expect(row->name, cd_check_uscc(n, strlen(n)), row->reason, n, 0);
}

/* ---- single tests ---------------------------------------------------- */

/* The oracles must agree with the standards' own examples before the built
 * rows can be trusted. */
static void test_oracles_match_domain_vectors(void **state)
{
	static const char *const idno[] = {
		"11010519491231002X", "440524188001010014",
		"360426199101010071", "150102198807303035",
	};
	static const char *const uscc[] = {
		"91350100M000100Y43", "91110000600037341L",
		"121200004013590816", "91310115MA1K3BTP2B",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(idno) / sizeof(idno[0]); i++)
		assert_int_equal(oracle_idno_check(idno[i]), idno[i][17]);
	for (i = 0; i < sizeof(uscc) / sizeof(uscc[0]); i++)
		assert_int_equal(oracle_uscc_check(uscc[i]), uscc[i][17]);
}

/* A wrong check digit anywhere is reported with the right one, for every
 * possible last digit of a known-good number. */
static void test_idno_wrong_check_names_right_one(void **state)
{
	static const char *const good = "11010519491231002X";
	const char *alphabet = "0123456789X";
	char n[CD_NORMALIZED_MAX];
	struct cd_check r;

	(void)state;
	for (; *alphabet; alphabet++) {
		memcpy(n, good, sizeof(n));
		n[17] = *alphabet;
		r = cd_check_idno(n, 18, TODAY);
		if (*alphabet == 'X') {
			assert_int_equal(r.reason, CD_VALID);
			continue;
		}
		assert_int_equal(r.reason, CD_INVALID_CHECK);
		assert_int_equal(r.expected_check, 'X');
	}
}

/* The converted form of an old number is itself a valid new number. */
static void test_idno_old_number_round_trips(void **state)
{
	struct cd_check old, again;

	(void)state;
	old = cd_check_idno("150102880730303", 15, TODAY);
	assert_int_equal(old.reason, CD_VALID);
	again = cd_check_idno(old.normalized, strlen(old.normalized), TODAY);
	assert_int_equal(again.reason, CD_VALID);
	assert_string_equal(again.normalized, "150102198807303035");
}

/* Buffers of exactly len bytes, no terminator: AddressSanitizer and
 * valgrind report any read past the end. */
static void test_never_reads_past_len(void **state)
{
	static const char idno[] = "11010519491231002X";
	static const char uscc[] = "91350100M000100Y43";
	static const char phone[] = "+86 138 1234 5678";
	char *buf;

	(void)state;
	buf = malloc(18);
	assert_non_null(buf);
	memcpy(buf, idno, 18);
	assert_int_equal(cd_check_idno(buf, 18, TODAY).reason, CD_VALID);
	memcpy(buf, uscc, 18);
	assert_int_equal(cd_check_uscc(buf, 18).reason, CD_VALID);
	free(buf);

	buf = malloc(sizeof(phone) - 1);
	assert_non_null(buf);
	memcpy(buf, phone, sizeof(phone) - 1);
	assert_int_equal(cd_check_phone(buf, sizeof(phone) - 1).reason,
			 CD_VALID);
	free(buf);
}

static void test_null_input_is_empty(void **state)
{
	(void)state;
	assert_int_equal(cd_check_idno(NULL, 0, TODAY).reason,
			 CD_INVALID_EMPTY);
	assert_int_equal(cd_check_idno(NULL, 18, TODAY).reason,
			 CD_INVALID_EMPTY);
	assert_int_equal(cd_check_uscc(NULL, 18).reason, CD_INVALID_EMPTY);
	assert_int_equal(cd_check_phone(NULL, 11).reason, CD_INVALID_EMPTY);
}

/* today_yyyymmdd == 0 reads the clock: a 1949 birth is in the past, a 2099
 * birth in the future, whenever these tests run this century. */
static void test_idno_real_clock(void **state)
{
	char n[CD_NORMALIZED_MAX];

	(void)state;
	assert_int_equal(cd_check_idno("11010519491231002X", 18, 0).reason,
			 CD_VALID);
	build(n, "11010520991231001", oracle_idno_check);
	assert_int_equal(cd_check_idno(n, 18, 0).reason,
			 CD_INVALID_FUTURE_BIRTH);
}

static void test_idno_sex(void **state)
{
	(void)state;
	assert_int_equal(cd_idno_sex("11010519491231002X"), 'F');
	assert_int_equal(cd_idno_sex("440524188001010014"), 'M');
	assert_int_equal(cd_idno_sex("150102198807303035"), 'M');
	assert_int_equal(cd_idno_sex("360426199101010047"), 'F');
	/* Not a normalised number: no answer rather than a guess. */
	assert_int_equal(cd_idno_sex(NULL), '\0');
	assert_int_equal(cd_idno_sex(""), '\0');
	assert_int_equal(cd_idno_sex("1101051949"), '\0');
	assert_int_equal(cd_idno_sex("1101051949123100AX"), '\0');
}

static void test_sex_of_converted_old_number(void **state)
{
	struct cd_check r;

	(void)state;
	r = cd_check_idno("150102880730304", 15, TODAY);
	assert_int_equal(r.reason, CD_VALID);
	assert_int_equal(cd_idno_sex(r.normalized), 'F');
}

/* Every reason has its own non-empty text, so the clerk can tell them apart. */
static void test_invalid_text_distinct(void **state)
{
	const char *text[CD_INVALID_PREFIX + 1];
	int i, j;

	(void)state;
	for (i = CD_VALID; i <= CD_INVALID_PREFIX; i++) {
		text[i] = cd_invalid_text((enum cd_invalid)i);
		assert_non_null(text[i]);
		assert_true(strlen(text[i]) > 0);
		for (j = CD_VALID; j < i; j++)
			assert_string_not_equal(text[i], text[j]);
	}
	assert_non_null(strstr(cd_invalid_text(CD_INVALID_LENGTH), "18"));
	assert_non_null(strstr(cd_invalid_text(CD_INVALID_LENGTH), "11"));
	assert_non_null(strstr(cd_invalid_text(CD_INVALID_CHECK), "check"));
	assert_non_null(strstr(cd_invalid_text(CD_INVALID_PREFIX), "3-9"));
}

/* A value from a newer header must still give some text, not NULL. */
static void test_invalid_text_unknown_reason(void **state)
{
	const char *t = cd_invalid_text((enum cd_invalid)99);

	(void)state;
	assert_non_null(t);
	assert_true(strlen(t) > 0);
	assert_string_not_equal(t, cd_invalid_text(CD_VALID));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oracles_match_domain_vectors),
		IDNO_ROWS(TEST_ROW)
		IDNO_BUILT_ROWS(TEST_ROW)
		USCC_ROWS(TEST_ROW)
		USCC_BUILT_ROWS(TEST_ROW)
		PHONE_ROWS(TEST_ROW)
		cmocka_unit_test(test_idno_wrong_check_names_right_one),
		cmocka_unit_test(test_idno_old_number_round_trips),
		cmocka_unit_test(test_never_reads_past_len),
		cmocka_unit_test(test_null_input_is_empty),
		cmocka_unit_test(test_idno_real_clock),
		cmocka_unit_test(test_idno_sex),
		cmocka_unit_test(test_sex_of_converted_old_number),
		cmocka_unit_test(test_invalid_text_distinct),
		cmocka_unit_test(test_invalid_text_unknown_reason),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
