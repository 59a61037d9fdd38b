/* Routing's pure parts: lights from the server's words, the one parser of a
 * task row (fed a result built in memory, no server), and that every
 * status, light and timeline kind has its Chinese label. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "task.h"
#include "task_row.h"
#include "repo.h"

static void test_light_parse(void **state)
{
	(void)state;
	assert_int_equal(cd_light_parse("green"), CD_LIGHT_GREEN);
	assert_int_equal(cd_light_parse("yellow"), CD_LIGHT_YELLOW);
	assert_int_equal(cd_light_parse("red"), CD_LIGHT_RED);
	assert_int_equal(cd_light_parse("paused"), CD_LIGHT_PAUSED);
	assert_int_equal(cd_light_parse("done"), CD_LIGHT_DONE);
	/* Nothing the server did not say may turn a task red. */
	assert_int_equal(cd_light_parse(NULL), CD_LIGHT_GREEN);
	assert_int_equal(cd_light_parse(""), CD_LIGHT_GREEN);
	assert_int_equal(cd_light_parse("RED"), CD_LIGHT_GREEN);
	assert_int_equal(cd_light_parse("red "), CD_LIGHT_GREEN);
	for (int l = CD_LIGHT_GREEN; l <= CD_LIGHT_DONE; l++)
		assert_int_equal(cd_light_parse(cd_light_code((enum cd_light)l)), l);
	assert_string_equal(cd_light_code((enum cd_light)99), "green");
	assert_string_equal(cd_light_label((enum cd_light)99), "");
}

/* A result as api.task_list would answer, built without a server. */
static PGresult *result(int ncols, const char *const *row)
{
	PGresult *res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
	PGresAttDesc att[CD_TASK_NCOLS];
	char names[CD_TASK_NCOLS][16];

	memset(att, 0, sizeof(att));
	for (int i = 0; i < ncols; i++) {
		snprintf(names[i], sizeof(names[i]), "c%d", i);
		att[i].name = names[i];
		att[i].typid = 25;      /* text: the parser reads text either way */
		att[i].typlen = -1;
		att[i].atttypmod = -1;
	}
	assert_int_equal(PQsetResultAttrs(res, ncols, att), 1);
	for (int i = 0; i < ncols; i++)
		assert_int_equal(PQsetvalue(res, 0, i, (char *)row[i], row[i] ? (int)strlen(row[i]) : -1), 1);
	return res;
}

static void test_row(void **state)
{
	const char *row[CD_TASK_NCOLS] = {
		"42", "330702-20261125-0007", "newborn", "新生儿出生一件事", "2",
		"出生登记（落户）", "Birth registration", "GA", "claimed",
		"reviewer.ga", "王芳", "1764140400",
		"张伟", "330702********1237", "1764122400",
		"1764122401", "1764129600",
		NULL, "1764208800",
		"yellow", "red", NULL, NULL,
		NULL, NULL, "2026-11-27 10:00:00.123456+08",
	};
	PGresult *res = result(CD_TASK_NCOLS, row);
	struct cd_task t;

	(void)state;
	memset(&t, 0x5a, sizeof(t));        /* every field must be set by the parser */
	cd_task_from_row(res, 0, true, &t);
	assert_true(t.id == 42);
	assert_string_equal(t.case_no, "330702-20261125-0007");
	assert_string_equal(t.item, "newborn");
	assert_string_equal(t.item_name, "新生儿出生一件事");
	assert_int_equal(t.step, 2);
	assert_string_equal(t.step_name, "出生登记（落户）");
	assert_string_equal(t.dept, "GA");
	assert_string_equal(t.status, "claimed");
	assert_string_equal(t.claimed_by, "reviewer.ga");
	assert_string_equal(t.claimed_by_name, "王芳");
	assert_true(t.claim_expires_at == 1764140400);
	assert_string_equal(t.applicant_name, "张伟");
	assert_string_equal(t.applicant_id_mask, "330702********1237");
	assert_true(t.created_at == 1764122400);
	assert_true(t.started_at == 1764122401);
	assert_true(t.sign_due_at == 1764129600);
	assert_true(t.signed_at == 0);       /* NULL: not signed for */
	assert_true(t.due_at == 1764208800);
	assert_int_equal(t.light, CD_LIGHT_YELLOW);
	assert_int_equal(t.sign_light, CD_LIGHT_RED);
	assert_string_equal(t.returned_note, "");
	assert_true(t.decided_at == 0);
	assert_string_equal(t.decided_by, "");
	assert_string_equal(t.reason, "");
	assert_string_equal(t.due_key, "2026-11-27 10:00:00.123456+08");

	/* The English name in an English UI; the other one when it lacks one. */
	cd_task_from_row(res, 0, false, &t);
	assert_string_equal(t.step_name, "Birth registration");
	PQclear(res);
	row[6] = NULL;
	res = result(CD_TASK_NCOLS, row);
	cd_task_from_row(res, 0, false, &t);
	assert_string_equal(t.step_name, "出生登记（落户）");
	PQclear(res);
}

/* Text longer than a field is cut, never overflows (ASan watches). */
static void test_row_long(void **state)
{
	char long_text[4096];
	const char *row[CD_TASK_NCOLS] = { "1" };
	PGresult *res;
	struct cd_task t;

	(void)state;
	memset(long_text, 'x', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	for (int i = 1; i < CD_TASK_NCOLS; i++)
		row[i] = long_text;
	res = result(CD_TASK_NCOLS, row);
	cd_task_from_row(res, 0, true, &t);
	assert_int_equal(strlen(t.case_no), sizeof(t.case_no) - 1);
	assert_int_equal(strlen(t.reason), sizeof(t.reason) - 1);
	assert_int_equal(strlen(t.due_key), sizeof(t.due_key) - 1);
	assert_int_equal(t.light, CD_LIGHT_GREEN);
	PQclear(res);
}

static const char *const statuses[] = {
	"waiting", "open", "unclaimed", "claimed", "returned", "approved", "rejected", "cancelled",
};
static const char *const kinds[] = {
	"accepted", "task_started", "claimed", "released", "claim_expired", "note", "approved",
	"returned", "correction_received", "rejected", "transferred", "reassigned", "cancelled",
	"completed", "case_rejected", "handed_over", "supplemented", "verified", "checked_by_hand",
};
static const char *const case_statuses[] = {
	"accepted", "accepted_on_commitment", "in_correction", "complete", "rejected", "handed_over",
};

static bool has_han(const char *s)
{
	/* U+4E00..U+9FFF in UTF-8 start with 0xE4..0xE9. */
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p >= 0xe4 && *p <= 0xe9)
			return true;
	return false;
}

static void test_labels_english(void **state)
{
	(void)state;
	/* An unknown value is shown as it is rather than hidden. */
	assert_string_equal(cd_task_status_label("frozen"), "frozen");
	assert_string_equal(cd_event_kind_label("sync_failed"), "sync_failed");
	assert_string_equal(cd_case_status_label("archived"), "archived");
	assert_string_equal(cd_task_status_label(NULL), "");
	assert_string_equal(cd_task_status_label("returned"), "returned for correction");
	assert_string_equal(cd_event_kind_label("completed"), "case complete");
	assert_string_equal(cd_light_label(CD_LIGHT_RED), "red light");
}

/* Under zh_CN every known code reads in Chinese (the catalogue of build/). */
static void test_labels_chinese(void **state)
{
	char dir[PATH_MAX + 16];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/build/locale", top);
	setenv("COUNTERDESK_LOCALEDIR", dir, 1);
	i18n_init("zh_CN");
	if (!i18n_is_chinese())
		skip();
	assert_string_equal(cd_light_label(CD_LIGHT_RED), "红灯");
	assert_string_equal(cd_light_label(CD_LIGHT_YELLOW), "黄灯");
	assert_string_equal(cd_light_label(CD_LIGHT_GREEN), "绿灯");
	for (int l = CD_LIGHT_GREEN; l <= CD_LIGHT_DONE; l++)
		if (!has_han(cd_light_label((enum cd_light)l)))
			fail_msg("light %d has no Chinese label: %s", l, cd_light_label((enum cd_light)l));
	for (size_t i = 0; i < sizeof(statuses) / sizeof(*statuses); i++)
		if (!has_han(cd_task_status_label(statuses[i])))
			fail_msg("task status %s: %s", statuses[i], cd_task_status_label(statuses[i]));
	for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++)
		if (!has_han(cd_event_kind_label(kinds[i])))
			fail_msg("event kind %s: %s", kinds[i], cd_event_kind_label(kinds[i]));
	for (size_t i = 0; i < sizeof(case_statuses) / sizeof(*case_statuses); i++)
		if (!has_han(cd_case_status_label(case_statuses[i])))
			fail_msg("case status %s: %s", case_statuses[i],
				 cd_case_status_label(case_statuses[i]));
	i18n_init("en");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_light_parse),
		cmocka_unit_test(test_row),
		cmocka_unit_test(test_row_long),
		cmocka_unit_test(test_labels_english),
		cmocka_unit_test(test_labels_chinese),
	};

	(void)argc;
	setenv("LANGUAGE", "", 1);
	setlocale(LC_ALL, "C.UTF-8");
	find_top(argv[0]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
