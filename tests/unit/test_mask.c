/* Masking is by UTF-8 character, independent of locale. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "mask.h"

struct vector {
	const char *in;
	size_t head, tail;
	const char *want;
};

static void check(const char *got, const char *want, const char *in)
{
	if (got == NULL || strcmp(got, want) != 0)
		fail_msg("mask(\"%s\") = \"%s\", want \"%s\"", in, got ? got : "(null)", want);
}

static void test_idno(void **state)
{
	static const struct vector v[] = {
		{ "11010519491231002X", 0, 0, "110105********002X" },
		{ "330702199001011234", 0, 0, "330702********1234" },
		{ "12345678901", 0, 0, "123456*8901" },     /* one hidden */
		{ "1234567890", 0, 0, "**********" },       /* exactly 6+4: all hidden */
		{ "12345", 0, 0, "*****" },
		{ "", 0, 0, "" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		char *got = cd_mask_idno(v[i].in);

		check(got, v[i].want, v[i].in);
		free(got);
	}
}

static void test_phone(void **state)
{
	static const struct vector v[] = {
		{ "13812345678", 0, 0, "138****5678" },
		{ "12345678", 0, 0, "123*5678" },
		{ "1234567", 0, 0, "*******" },
		{ "1234", 0, 0, "****" },
		{ "1", 0, 0, "*" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		char *got = cd_mask_phone(v[i].in);

		check(got, v[i].want, v[i].in);
		free(got);
	}
}

static void test_utf8(void **state)
{
	static const struct vector v[] = {
		{ "张三丰", 1, 0, "张**" },
		{ "张三丰", 1, 1, "张*丰" },
		{ "王五", 1, 0, "王*" },
		{ "张", 1, 0, "*" },
		{ "欧阳娜娜", 1, 1, "欧**娜" },
		{ "浙江省杭州市西湖区", 3, 0, "浙江省******" },
		{ "\xF0\x9F\x98\x80" "ab", 1, 1, "\xF0\x9F\x98\x80*b" }, /* 4-byte character */
		{ "A张B", 0, 1, "**B" },
		{ "abc", 0, 0, "***" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		char *got = cd_mask(v[i].in, v[i].head, v[i].tail);

		check(got, v[i].want, v[i].in);
		free(got);
	}
}

/* Each byte that is not part of a well-formed character counts as one. */
static void test_invalid_bytes(void **state)
{
	static const struct vector v[] = {
		{ "\xFF\xFE" "abc", 1, 1, "\xFF***c" },
		{ "\xE5\xBC" "ab", 1, 1, "\xE5**b" },           /* truncated 3-byte */
		{ "\xC0\xAF" "x", 1, 0, "\xC0**" },             /* overlong '/' */
		{ "\xED\xA0\x80" "z", 0, 1, "***z" },           /* surrogate */
		{ "\xF4\x90\x80\x80", 1, 0, "\xF4***" },        /* above U+10FFFF */
		{ "a\x80" "b", 1, 1, "a*b" },                   /* lone continuation */
		{ "\xE5\xBC\xA0\xE5", 1, 0, "\xE5\xBC\xA0*" },  /* 张 then a cut-off lead */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		char *got = cd_mask(v[i].in, v[i].head, v[i].tail);

		check(got, v[i].want, v[i].in);
		free(got);
	}
}

static void test_null_and_huge_limits(void **state)
{
	char *got;

	(void)state;
	assert_null(cd_mask(NULL, 1, 1));
	assert_null(cd_mask_idno(NULL));
	assert_null(cd_mask_phone(NULL));
	/* head + tail would overflow size_t: still fully masked, no wrap-around. */
	got = cd_mask("abcdef", SIZE_MAX, SIZE_MAX);
	check(got, "******", "abcdef");
	free(got);
	got = cd_mask("abcdef", 2, SIZE_MAX);
	check(got, "******", "abcdef");
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idno),
		cmocka_unit_test(test_phone),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_invalid_bytes),
		cmocka_unit_test(test_null_and_huge_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
