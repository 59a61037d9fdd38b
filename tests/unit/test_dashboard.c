/* The dashboard's snapshot parser (src/dashboard.c), the report's periods
 * and its CSV form (src/report.c): no database needed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dashboard.h"
#include "report.h"

static const char snapshot[] =
	"{\"day\": \"2026-11-26\", \"hour\": 10, \"target_minutes\": 15, \"service_seconds\": 600,"
	" \"history_days\": 8, \"factor\": 1.25,"
	" \"categories\": [{\"code\": \"A\", \"name\": \"综合受理\", \"waiting\": 4, \"green\": 1,"
	"   \"longest_wait\": 725, \"avg_wait\": null, \"served\": 12, \"issued\": 17}],"
	" \"windows\": [{\"window\": 3, \"categories\": \"A,B\", \"state\": \"serving\", \"staff\": \"clerk1\","
	"   \"staff_name\": \"王芳\", \"number\": \"A023\", \"called_at\": \"2026-11-26T02:00:30.5+00:00\","
	"   \"served\": 7, \"temporary\": true}],"
	" \"arrivals\": [{\"hour\": 9, \"today\": 30, \"usual\": 41.5}],"
	" \"forecast\": [{\"hour\": 10, \"arrivals\": 50.0, \"windows\": 9}],"
	" \"waits\": [{\"upto\": 5, \"called\": 3, \"waiting\": 1}, {\"upto\": null, \"called\": 0, \"waiting\": 2}],"
	" \"green\": {\"sessions_today\": 2, \"open_sessions\": 1, \"followups_open\": 3, \"followups_overdue\": 1},"
	" \"ratings\": {\"levels\": [5, 4, 3, 2, 1], \"followups_open\": 6, \"followups_overdue\": 2},"
	" \"escalations\": {\"today\": 1}}";

static void test_parse(void **state)
{
	struct cd_dashboard *d = calloc(1, sizeof(*d));

	(void)state;
	assert_int_equal(cd_dashboard_parse(snapshot, d), 0);
	assert_string_equal(d->day, "2026-11-26");
	assert_int_equal(d->ncat, 1);
	assert_string_equal(d->cat[0].name, "综合受理");
	assert_int_equal(d->cat[0].longest_wait, 725);
	assert_int_equal(d->cat[0].avg_wait, -1);
	assert_int_equal(d->nwin, 1);
	assert_true(d->win[0].temporary);
	assert_int_equal(d->win[0].called_at, 1795658430); /* 2026-11-26 02:00:30 UTC */
	assert_int_equal(d->nwaits, 2);
	assert_int_equal(d->waits[1].upto, 0);
	assert_int_equal(d->ratings[4], 1);
	assert_int_equal(d->bad_overdue, 2);
	assert_int_equal(d->escalations_today, 1);
	assert_false(d->has_depts);
	assert_false(d->has_sync);
	assert_true(d->factor > 1.24 && d->factor < 1.26);
	assert_int_equal(cd_dashboard_parse("[1, 2]", d), -1);
	assert_int_equal(cd_dashboard_parse("not json", d), -1);
	free(d);
}

static void test_periods(void **state)
{
	char from[11], to[11];

	(void)state;
	assert_int_equal(cd_report_period("weekly", "2026-11-26", from, to), 0); /* a Thursday */
	assert_string_equal(from, "2026-11-23");
	assert_string_equal(to, "2026-11-29");
	assert_int_equal(cd_report_period("weekly", "2026-03-01", from, to), 0); /* a Sunday */
	assert_string_equal(from, "2026-02-23");
	assert_string_equal(to, "2026-03-01");
	assert_int_equal(cd_report_period("daily", "2025-12-31", from, to), 0);
	assert_string_equal(from, "2025-12-31");
	assert_string_equal(to, "2025-12-31");
	assert_int_equal(cd_report_period("daily", "2025-13-01", from, to), -1);
	assert_int_equal(cd_report_period("daily", "yesterday", from, to), -1);
	assert_int_equal(cd_report_period("daily", "2025-02-30", from, to), -1); /* not March 2nd */
	assert_int_equal(cd_report_period("monthly", "2024-02-29", from, to), 0); /* leap year */
	assert_string_equal(from, "2024-02-01");
	assert_string_equal(to, "2024-02-29");
	assert_int_equal(cd_report_period("monthly", "2026-12-31", from, to), 0);
	assert_string_equal(from, "2026-12-01");
	assert_string_equal(to, "2026-12-31");
	assert_int_equal(cd_report_period("monthly", "2026-04-15", from, to), 0);
	assert_string_equal(to, "2026-04-30");
	assert_int_equal(cd_report_period("monthly", "2026-02-29", from, to), -1); /* not a leap year */
}

static void test_csv(void **state)
{
	json_t *r = json_loads("{\"from\": \"2026-01-01\", \"to\": \"2026-01-31\","
			       " \"tickets\": [{\"category\": \"A\", \"name\": \"综合, 受理\", \"issued\": 3}],"
			       " \"cases\": {\"accepted\": 2, \"one_visit_share\": 0.5}}", 0, NULL);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(r);
	cd_report_write(f, r, CD_REPORT_CSV);
	fclose(f);
	assert_non_null(strstr(buf, "section,key,metric,value\n"));
	assert_non_null(strstr(buf, "period,,from,2026-01-01\n"));
	assert_non_null(strstr(buf, "tickets,A,name,\"综合, 受理\"\n"));
	assert_non_null(strstr(buf, "tickets,A,issued,3\n"));
	assert_non_null(strstr(buf, "cases,,one_visit_share,0.5\n"));
	free(buf);
	json_decref(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_periods),
		cmocka_unit_test(test_csv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
