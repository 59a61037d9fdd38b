/* The sync worker's pure parts: back-off, PostgreSQL array literals both
 * ways, parameter paths, target files (config/targets.d and bad ones), and
 * a spool delivery into a temporary directory. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "repo.h"
#include "sync.h"
#include "util.h"

static void test_backoff(void **state)
{
	(void)state;
	assert_true(cd_sync_backoff(1, 5, 3600, 1.0) == 5);
	assert_true(cd_sync_backoff(2, 5, 3600, 1.0) == 10);
	assert_true(cd_sync_backoff(4, 5, 3600, 1.0) == 40);
	assert_true(cd_sync_backoff(30, 5, 3600, 1.0) == 3600);  /* the ceiling */
	assert_true(cd_sync_backoff(1000, 5, 3600, 1.5) == 5400); /* jitter on top, no overflow */
	assert_true(cd_sync_backoff(3, 0.2, 1, 0.5) == 0.4);
}

static void test_array_roundtrip(void **state)
{
	const char *in[] = { "plain", "with \"quotes\" and \\ backslash", "", NULL, "逗号,括号{}", "NULL" };
	char *buf = xstrdup("{"), **out;
	size_t len = 1, cap = 2;
	long n;

	(void)state;
	for (size_t i = 0; i < 6; i++)
		cd_sync_array_add(&buf, &len, &cap, in[i], i == 0);
	buf = xrealloc(buf, len + 2);
	strcpy(buf + len, "}");
	assert_string_equal(buf, "{\"plain\",\"with \\\"quotes\\\" and \\\\ backslash\",\"\",NULL,\"逗号,括号{}\",\"NULL\"}");
	n = cd_sync_array_parse(buf, &out);
	assert_int_equal(n, 6);
	for (long i = 0; i < n; i++) {
		if (in[i])
			assert_string_equal(out[i], in[i]);
		else
			assert_null(out[i]);
		free(out[i]);
	}
	free(out);
	free(buf);
	/* PostgreSQL's own output: unquoted elements, NULL, empty array. */
	n = cd_sync_array_parse("{a,NULL,\"b c\"}", &out);
	assert_int_equal(n, 3);
	assert_string_equal(out[0], "a");
	assert_null(out[1]);
	assert_string_equal(out[2], "b c");
	for (long i = 0; i < n; i++)
		free(out[i]);
	free(out);
	assert_int_equal(cd_sync_array_parse("{}", &out), 0);
	free(out);
	assert_int_equal(cd_sync_array_parse("{\"open", &out), -1);
	assert_int_equal(cd_sync_array_parse("x", &out), -1);
}

static void test_params(void **state)
{
	struct cd_event ev = {
		.id = "00000000-0000-4000-8000-000000000001", .type = "case.accepted",
		.aggregatetype = "case", .aggregateid = "330702-20261126-0001",
		.created_at = "2026-11-26 09:00:00+08",
		.payload = "{\"case_no\":\"330702-20261126-0001\",\"fields\":{\"name\":\"王芳\",\"years\":30},"
			   "\"personal\":{\"idno\":{\"cipher\":\"v1:x\"}},\"gone\":null}",
	};
	char *v;

	(void)state;
	v = cd_sync_param(&ev, "id");
	assert_string_equal(v, ev.id);
	free(v);
	v = cd_sync_param(&ev, "aggregateid");
	assert_string_equal(v, ev.aggregateid);
	free(v);
	v = cd_sync_param(&ev, "payload.fields.name");
	assert_string_equal(v, "王芳");
	free(v);
	v = cd_sync_param(&ev, "payload.fields.years"); /* not a string: as JSON */
	assert_string_equal(v, "30");
	free(v);
	v = cd_sync_param(&ev, "payload.personal.idno");
	assert_string_equal(v, "{\"cipher\":\"v1:x\"}");
	free(v);
	assert_null(cd_sync_param(&ev, "payload.fields.nothing"));
	assert_null(cd_sync_param(&ev, "payload.gone"));
	assert_null(cd_sync_param(&ev, "payload.case_no.deeper"));
	v = cd_sync_param(&ev, "payload");
	assert_string_equal(v, ev.payload);
	free(v);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_targets(void **state)
{
	char dir[PATH_MAX + 32], path[PATH_MAX + 64], tmpl[] = "/tmp/cd-sync-test.XXXXXX", err[1024];
	struct cd_targets t;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/config/targets.d", top);
	assert_int_equal(cd_targets_load(dir, &t, err, sizeof(err)), 0);
	assert_true(t.n >= 2);
	assert_non_null(cd_targets_find(&t, "social_insurance"));
	assert_int_equal(cd_targets_find(&t, "social_insurance")->kind, CD_TARGET_POSTGRES);
	assert_int_equal(cd_targets_find(&t, "social_insurance")->nparams, 5);
	assert_int_equal(cd_targets_find(&t, "civil_affairs")->kind, CD_TARGET_SPOOL);
	assert_int_equal(cd_targets_find(&t, "civil_affairs")->max_attempts, 10);
	cd_targets_free(&t);

	assert_non_null(mkdtemp(tmpl));
	snprintf(path, sizeof(path), "%s/a.ini", tmpl);
	write_file(path, "[target]\nname = a\nkind = spool\ndepartments = RS\ndirectory = /tmp\n");
	snprintf(path, sizeof(path), "%s/b.ini", tmpl);
	write_file(path, "[target]\nname = a\nkind = spool\ndepartments = YB\ndirectory = /tmp\n");
	assert_int_equal(cd_targets_load(tmpl, &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "b.ini: [target] name: a is already the name of another target"));
	write_file(path, "[target]\nname = b\nkind = postgres\ndepartments = YB\ndsn = dbname=x\n"
		   "statement = SELECT 1\nparams = id, payload.\n");
	assert_int_equal(cd_targets_load(tmpl, &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "b.ini: [target] params"));
	write_file(path, "[target]\nname = b\nkind = spool\ndepartments = yb\ndirectory = /tmp\n");
	assert_int_equal(cd_targets_load(tmpl, &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "b.ini: [target] departments"));
	write_file(path, "[target]\nname = b\nkind = spool\ndepartments = YB\ndirectory = /tmp\nmax_attempts = 0\n");
	assert_int_equal(cd_targets_load(tmpl, &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "b.ini: [target] max_attempts"));
	write_file(path, "[target]\nname = b\nkind = spool\ndepartments = YB, GA\ndirectory = /tmp\nbackoff_seconds = 0.5\n");
	assert_int_equal(cd_targets_load(tmpl, &t, err, sizeof(err)), 0);
	assert_int_equal(t.n, 2);
	assert_int_equal(cd_targets_find(&t, "b")->ndepartments, 2);
	assert_true(cd_targets_find(&t, "b")->backoff == 0.5);
	cd_targets_free(&t);
	unlink(path);
	snprintf(path, sizeof(path), "%s/a.ini", tmpl);
	unlink(path);
	rmdir(tmpl);
}

static void test_spool(void **state)
{
	char tmpl[] = "/tmp/cd-spool-test.XXXXXX", path[PATH_MAX];
	struct cd_target t = { .name = "s", .kind = CD_TARGET_SPOOL };
	struct cd_event ev[2] = {
		{ .id = "00000000-0000-4000-8000-000000000001", .type = "case.accepted", .aggregatetype = "case",
		  .aggregateid = "A-1", .created_at = "2026-11-26", .payload = "{\"n\": 1}" },
		{ .id = "00000000-0000-4000-8000-000000000002", .type = "case.accepted", .aggregatetype = "case",
		  .aggregateid = "A-2", .created_at = "2026-11-26", .payload = "{\"n\": 2}" },
	};
	size_t len;
	char *text;

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	t.directory = tmpl;
	cd_sync_deliver(&t, ev, 2);
	assert_int_equal(ev[0].state, CD_EV_DONE);
	assert_int_equal(ev[1].state, CD_EV_DONE);
	snprintf(path, sizeof(path), "%s/%s.json", tmpl, ev[1].id);
	text = read_file(path, &len);
	assert_non_null(text);
	assert_string_equal(text, "{\"id\":\"00000000-0000-4000-8000-000000000002\",\"type\":\"case.accepted\","
			    "\"aggregatetype\":\"case\",\"aggregateid\":\"A-2\",\"created_at\":\"2026-11-26\","
			    "\"payload\":{\"n\": 2}}\n");
	free(text);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s.json", tmpl, ev[0].id);
	unlink(path);
	rmdir(tmpl);
	/* The directory gone: every event waits, with the reason. */
	ev[0].state = ev[1].state = CD_EV_CLAIMED;
	cd_sync_deliver(&t, ev, 2);
	assert_int_equal(ev[0].state, CD_EV_UNREACHABLE);
	assert_int_equal(ev[1].state, CD_EV_UNREACHABLE);
	assert_non_null(strstr(ev[1].error, "No such file or directory"));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_array_roundtrip),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_spool),
	};

	(void)argc;
	find_top(argv[0]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
