/* Which time zone names the client follows (src/timezone.c): only plain
 * names of the zone database, never a path, a parent directory or a rule
 * that glibc would read as UTC. A private TZDIR holds the zones the test
 * knows, so the machine's own tzdata does not matter. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "timezone.h"

static char dir[] = "/tmp/cd-tzdir.XXXXXX";

static void touch(const char *rel)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
}

static int setup(void **state)
{
	char sub[256];

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(sub, sizeof(sub), "%s/Asia", dir);
	mkdir(sub, 0755);
	snprintf(sub, sizeof(sub), "%s/Etc", dir);
	mkdir(sub, 0755);
	touch("Asia/Shanghai");
	touch("Etc/GMT-8");
	touch("UTC");
	return setenv("TZDIR", dir, 1);
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_known_names(void **state)
{
	(void)state;
	assert_true(cd_time_zone_known("Asia/Shanghai"));
	assert_true(cd_time_zone_known("Etc/GMT-8"));
	assert_true(cd_time_zone_known("UTC"));
}

static void test_unknown_or_hostile_names(void **state)
{
	static const char *bad[] = {
		NULL, "", "Asia/Nowhere", "Asia", /* a directory */
		"/etc/passwd", "../UTC", "Asia/../UTC", "CST-8", /* a POSIX rule */
		"Asia/Shanghai\n", "Asia/Shang hai", ":Asia/Shanghai", "Asia/Shanghai;rm",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (cd_time_zone_known(bad[i]))
			fail_msg("\"%s\" was taken for a time zone", bad[i] ? bad[i] : "(null)");
}

static void test_long_name(void **state)
{
	char name[200];

	(void)state;
	memset(name, 'A', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_false(cd_time_zone_known(name));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_names),
		cmocka_unit_test(test_unknown_or_hostile_names),
		cmocka_unit_test(test_long_name),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
