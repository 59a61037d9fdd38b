/* Configuration loading: good files, and each kind of mistake named exactly. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

static const char good[] =
	"[database]\nconninfo = host=/tmp dbname=counterdesk\n"
	"[shared_data]\nconninfo = host=/tmp dbname=counterdesk_shared\n"
	"[crypto]\nkey_file = /etc/counterdesk/key\n"
	"[centre]\ncode = 330702001\nname = 婺城区政务服务中心\nregion = 330702\n";

static char path[64];

static int write_file(void **state)
{
	(void)state;
	snprintf(path, sizeof(path), "/tmp/cd-config-test-%d.ini", (int)getpid());
	return 0;
}

static int remove_file(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

static void put(const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Loads text; returns the error (empty when it loaded). */
static const char *load(const char *text, struct cd_config **cfg)
{
	static char err[1024];

	err[0] = '\0';
	put(text);
	if (cd_config_load(path, cfg, err, sizeof(err)) == 0)
		assert_non_null(*cfg);
	else
		assert_null(*cfg);
	return err;
}

static void good_file_with_defaults(void **state)
{
	struct cd_config *cfg = NULL;
	(void)state;

	assert_string_equal(load(good, &cfg), "");
	assert_string_equal(cfg->db_conninfo, "host=/tmp dbname=counterdesk");
	assert_string_equal(cfg->centre_name, "婺城区政务服务中心");
	assert_string_equal(cfg->region_code, "330702");
	assert_int_equal(cfg->idle_lock_minutes, 10);
	assert_string_equal(cfg->language, "");
	assert_string_equal(cfg->time_zone, "Asia/Shanghai");
	assert_non_null(strstr(cfg->sql_dir, "counterdesk/sql"));
	cd_config_free(&cfg);
	assert_null(cfg);
}

/* A machine without tzdata still reads a file that names no time zone
 * (times then stay in the terminal's); one that names a zone is refused. */
static void default_time_zone_without_tzdata(void **state)
{
	struct cd_config *cfg = NULL;
	char text[1024];
	(void)state;

	setenv("TZDIR", "/nonexistent-zoneinfo", 1);
	assert_string_equal(load(good, &cfg), "");
	assert_string_equal(cfg->time_zone, "Asia/Shanghai");
	cd_config_free(&cfg);
	snprintf(text, sizeof(text), "%stime_zone = Asia/Shanghai\n", good);
	assert_non_null(strstr(load(text, &cfg), "[centre] time_zone"));
	unsetenv("TZDIR");
}

static void ui_section_read(void **state)
{
	struct cd_config *cfg = NULL;
	char text[1024];
	(void)state;

	snprintf(text, sizeof(text), "%s[ui]\nlanguage = zh_CN\nidle_lock_minutes = 0\n", good);
	assert_string_equal(load(text, &cfg), "");
	assert_string_equal(cfg->language, "zh_CN");
	assert_int_equal(cfg->idle_lock_minutes, 0);
	cd_config_free(&cfg);
}

struct bad_case {
	const char *extra;    /* appended to the good file */
	const char *expected; /* must appear in the error */
};

static void bad_values(void **state)
{
	static const struct bad_case cases[] = {
		{ "[ui]\nidle_lock_minutes = -1\n", "[ui] idle_lock_minutes" },
		{ "[ui]\nidle_lock_minutes = 99999\n", "[ui] idle_lock_minutes" },
		{ "[ui]\nidle_lock_minutes = 5m\n", "[ui] idle_lock_minutes" },
		{ "[ui]\nlanguage = klingon\n", "[ui] language" },
		{ "[ui]\ncolour = yes\n", "[ui] colour: unknown key" },
		{ "[printer]\ncommand = lp\n", "[printer]" },
		/* good ends in [centre]: these are [centre] time_zone */
		{ "time_zone = CST-8\n", "[centre] time_zone: expected a time zone" },
		{ "time_zone = ../../etc/passwd\n", "[centre] time_zone" },
		{ "time_zone = /etc/localtime\n", "[centre] time_zone" },
		{ "time_zone = Mars/Olympus_Mons\n", "[centre] time_zone" },
	};
	struct cd_config *cfg = NULL;
	char text[1024];
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "%s%s", good, cases[i].extra);
		const char *err = load(text, &cfg);
		if (!strstr(err, cases[i].expected))
			fail_msg("case %zu: '%s' does not name '%s'", i, err, cases[i].expected);
		assert_non_null(strstr(err, path));
	}
}

static void missing_and_malformed(void **state)
{
	struct cd_config *cfg = NULL;
	const char *err;
	(void)state;

	err = load("[database]\nconninfo = dbname=x\n", &cfg);
	assert_non_null(strstr(err, "[shared_data] conninfo"));

	err = load("[centre]\nregion = 12345a\n", &cfg);
	assert_non_null(strstr(err, "required"));

	err = load("[database\nconninfo = x\n", &cfg);
	assert_non_null(strstr(err, path));

	err = load("", &cfg);
	assert_non_null(strstr(err, "[database] conninfo"));

	unlink(path);
	char e[512];
	assert_int_equal(cd_config_load(path, &cfg, e, sizeof(e)), -1);
	assert_non_null(strstr(e, path));
}

static void path_resolution(void **state)
{
	(void)state;
	assert_string_equal(cd_config_path("/x.ini"), "/x.ini");
	setenv("COUNTERDESK_CONFIG", "/env.ini", 1);
	assert_string_equal(cd_config_path(NULL), "/env.ini");
	assert_string_equal(cd_config_path("/x.ini"), "/x.ini");
	unsetenv("COUNTERDESK_CONFIG");
	assert_string_equal(cd_config_path(NULL), "/etc/counterdesk/counterdesk.ini");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_file_with_defaults),
		cmocka_unit_test(ui_section_read),
		cmocka_unit_test(bad_values),
		cmocka_unit_test(default_time_zone_without_tzdata),
		cmocka_unit_test(missing_and_malformed),
		cmocka_unit_test(path_resolution),
	};
	return cmocka_run_group_tests(tests, write_file, remove_file);
}
