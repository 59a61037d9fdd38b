/* What the staff forms check before anything is sent: the password typed
 * twice, and the roles a form offers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "admin.h"

static void test_password_problem(void **state)
{
	(void)state;
	assert_null(cd_password_problem("a-long-secret", "a-long-secret"));
	assert_null(cd_password_problem("12345678", "12345678"));        /* exactly the minimum */
	assert_non_null(cd_password_problem("1234567", "1234567"));      /* one short */
	assert_non_null(cd_password_problem("a-long-secret", "a-long-secreT"));
	assert_non_null(cd_password_problem("a-long-secret", ""));
	assert_non_null(cd_password_problem("a-long-secret", NULL));
	assert_non_null(cd_password_problem("", ""));
	assert_non_null(cd_password_problem(NULL, NULL));
	/* Different passwords are named before a short one: retyping comes first. */
	assert_string_equal(cd_password_problem("short", "shorter"),
			    cd_password_problem("a-long-secret", "another-secret"));
	/* Eight bytes, fewer characters: the length is in bytes, as the CLI counts. */
	assert_null(cd_password_problem("密码密码", "密码密码"));
}

static void test_roles(void **state)
{
	size_t n;
	const char *const *roles = cd_roles(&n);

	(void)state;
	assert_int_equal(n, 6);
	for (size_t i = 0; i < n; i++)
		assert_true(cd_role_valid(roles[i]));
	assert_string_equal(roles[0], "clerk");
	assert_false(cd_role_valid("wizard"));
	assert_false(cd_role_valid(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_password_problem),
		cmocka_unit_test(test_roles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
