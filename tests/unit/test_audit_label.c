/* Every action code that sql/ writes to the audit log (the literal first
 * argument of core.audit_write) has words on the Audit screen
 * (src/audit_label.c): a new code without them would show as a bare
 * identifier to the administrator. Unknown codes come back unchanged. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>

#include "audit_label.h"
#include "repo.h"
#include "util.h"

static void every_written_code_has_words(void **state)
{
	static const char call[] = "audit_write('";
	char dir[PATH_MAX + 8], path[PATH_MAX + 300];
	unsigned codes = 0, missing = 0;
	struct dirent *e;
	DIR *d;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/sql", top);
	d = opendir(dir);
	assert_non_null(d);
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char *text, *p;

		if (len < 5 || strcmp(e->d_name + len - 4, ".sql"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		text = read_file(path, NULL);
		assert_non_null(text);
		for (p = strstr(text, call); p; p = strstr(p + 1, call)) {
			char code[64];
			const char *s = p + sizeof(call) - 1;
			size_t n = strcspn(s, "'");

			if (n == 0 || n >= sizeof(code))
				continue;
			memcpy(code, s, n);
			code[n] = '\0';
			codes++;
			if (!strcmp(cd_audit_action_label(code), code)) {
				print_error("%s: audit action '%s' has no words in src/audit_label.c\n", e->d_name, code);
				missing++;
			}
		}
		free(text);
	}
	closedir(d);
	assert_true(codes >= 30); /* the scan found the calls */
	assert_int_equal(missing, 0);
}

static void unknown_and_null(void **state)
{
	(void)state;
	assert_string_equal(cd_audit_action_label("some_later_action"), "some_later_action");
	assert_string_equal(cd_audit_action_label(NULL), "");
	assert_string_equal(cd_audit_action_label("login"), "Logged in");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_written_code_has_words),
		cmocka_unit_test(unknown_and_null),
	};

	(void)argc;
	find_top(argv[0]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
