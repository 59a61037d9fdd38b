/* Unit tests for src/forms.c: every shipped item file is correct, each broken
 * fixture under tests/unit/forms/ is reported at its line, every error of a
 * file is reported (not only the first), and the JSON escapes what it must.
 *
 * Files are found from $COUNTERDESK_TOP, else from the current directory
 * (make check runs from the top), else from where the binary lies
 * (build/tests/ or build/asan/tests/). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forms.h"

#include "repo.h"

static char *path_of(const char *rel)
{
	static char buf[PATH_MAX + 512];

	snprintf(buf, sizeof(buf), "%s/%s", top, rel);
	return buf;
}

/* The first error on that line whose message holds want, or NULL. */
static const struct cd_form_error *find_error(const struct cd_form_errors *errs, int line,
					      const char *want)
{
	for (size_t i = 0; i < errs->n; i++)
		if (errs->v[i].line == line && strstr(errs->v[i].message, want))
			return &errs->v[i];
	return NULL;
}

static void dump_errors(const struct cd_form_errors *errs)
{
	for (size_t i = 0; i < errs->n; i++)
		print_message("  %s\n", errs->v[i].text);
}

static void expect_error(const struct cd_form_errors *errs, int line, const char *want)
{
	if (!find_error(errs, line, want)) {
		print_message("expected at line %d: %s\ngot:\n", line, want);
		dump_errors(errs);
		fail();
	}
}

/* ---- the shipped items --------------------------------------------------- */

static const struct cd_item *item_of(const struct cd_items *items, const char *code)
{
	for (size_t i = 0; i < items->n; i++)
		if (!strcmp(items->v[i]->code, code))
			return items->v[i];
	return NULL;
}

static void shipped_items_are_correct(void **state)
{
	struct cd_items items = { 0 };
	struct cd_form_errors errs = { 0 };
	static const char *const codes[] = {
		"newborn", "retirement", "enterprise_start", "after_death",
		"restaurant_open", "disability",
	};
	int rc;
	(void)state;

	rc = cd_items_load_dir(path_of("forms"), &items, &errs);
	if (rc != 0 || errs.n)
		dump_errors(&errs);
	assert_int_equal(rc, 0);
	assert_int_equal(errs.n, 0);
	assert_true(items.n >= 6);
	assert_int_equal(items.n, items.files);
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		assert_non_null(item_of(&items, codes[i]));
	for (size_t i = 0; i < items.n; i++) {
		const struct cd_item *it = items.v[i];

		assert_true(it->version >= 1);
		assert_true(it->nsteps > 0 && it->nfields > 0 && it->nmaterials > 0);
		assert_true(it->promised_days >= cd_item_critical_days(it));
		assert_true(it->departments.n >= 2);
	}
	cd_items_free(&items);
	cd_form_errors_free(&errs);
}

static void newborn_as_the_domain_says(void **state)
{
	struct cd_form_errors errs = { 0 };
	struct cd_item *it = cd_item_load(path_of("forms/newborn.ini"), &errs);
	const struct cd_item_material *m;
	const struct cd_item_field *f;
	static const char *const depts[] = { "WJ", "GA", "YB", "RS" };
	(void)state;

	assert_non_null(it);
	assert_int_equal(errs.n, 0);
	assert_string_equal(it->code, "newborn");
	assert_string_equal(it->name_zh, "新生儿出生一件事");
	assert_int_equal(it->applicant, CD_APPLICANT_PERSON);
	assert_int_equal(it->promised_days, 5);
	assert_int_equal(it->departments.n, 4);
	for (size_t i = 0; i < 4; i++)
		assert_string_equal(it->departments.v[i], depts[i]);

	m = cd_item_find_material(it, "birth_medical_certificate");
	assert_non_null(m);
	assert_true(m->is_key);
	m = cd_item_find_material(it, "marriage_certificate");
	assert_non_null(m);
	assert_false(m->is_key);
	assert_int_equal(m->check, CD_CHECK_LICENCE);
	assert_string_equal(m->check_type, "marriage");
	m = cd_item_find_material(it, "parents_id_cards");
	assert_non_null(m);
	assert_int_equal(m->check, CD_CHECK_IDENTITY);

	f = cd_item_find_field(it, "father_name");
	assert_non_null(f);
	assert_int_equal(f->prefill, CD_PREFILL_POPULATION);
	assert_string_equal(f->prefill_column, "name");
	assert_string_equal(f->prefill_by, "father_idno");
	f = cd_item_find_field(it, "child_sex");
	assert_non_null(f);
	assert_int_equal(f->type, CD_FIELD_ENUM);
	assert_int_equal(f->choices.n, 2);
	f = cd_item_find_field(it, "delivery_address");
	assert_non_null(f);
	assert_string_equal(f->when.field, "card_delivery");
	assert_string_equal(f->when.values.v[0], "邮寄到家");

	/* Steps come back sorted, with their parallel groups. */
	assert_int_equal(it->nsteps, 4);
	for (size_t i = 0; i < it->nsteps; i++)
		assert_int_equal(it->steps[i].number, (int)i + 1);
	assert_string_equal(it->steps[0].dept, "WJ");
	assert_int_equal(it->steps[2].group, it->steps[3].group);
	cd_item_free(&it);
	assert_null(it);
	cd_form_errors_free(&errs);
}

static void enterprise_item_keys_on_credit_code(void **state)
{
	struct cd_form_errors errs = { 0 };
	struct cd_item *it = cd_item_load(path_of("forms/enterprise_start.ini"), &errs);
	const struct cd_item_field *f;
	(void)state;

	assert_non_null(it);
	assert_int_equal(it->applicant, CD_APPLICANT_ENTERPRISE);
	f = cd_item_find_field(it, "uscc");
	assert_non_null(f);
	assert_int_equal(f->type, CD_FIELD_USCC);
	assert_int_equal(f->prefill, CD_PREFILL_APPLICANT);
	f = cd_item_find_field(it, "legal_rep_idno");
	assert_non_null(f);
	assert_int_equal(f->type, CD_FIELD_IDNO);
	assert_int_equal(f->prefill, CD_PREFILL_ENTERPRISE);
	assert_string_equal(f->prefill_column, "legal_rep_idno");
	assert_null(f->prefill_by); /* the applicant's own credit code */
	cd_item_free(&it);
	cd_form_errors_free(&errs);
}

/* ---- broken fixtures: one per rule, each at its line ------------------------ */

struct fixture_row {
	const char *file;  /* under tests/unit/forms/ */
	int line;
	const char *want;  /* part of the message */
	size_t count;      /* errors in the file: the fixture breaks one rule */
};

static const struct fixture_row fixture_rows[] = {
	{ "base.ini", 0, NULL, 0 },
	{ "quoted.ini", 0, NULL, 0 },
	{ "syntax_error.ini", 12, "syntax error", 2 },
	{ "unknown_key.ini", 33, "unknown key 'colour' in [field.name]", 1 },
	{ "enum_no_choices.ini", 29, "is an enum but has no choices", 1 },
	{ "bad_type.ini", 32, "'type' must be one of text, idno", 1 },
	{ "unknown_department.ini", 34, "names department CL, which is not in [item] departments", 1 },
	{ "duplicate_material.ini", 42, "duplicate material 'id_card' (first at line 36)", 1 },
	{ "missing_item.ini", 1, "no [item] section", 1 },
	{ "group_order.ini", 25, "step 3 is in group 1, which comes before group 2", 1 },
	{ "promised_short.ini", 8, "promised_days is 1, but the steps take at least 2", 1 },
	{ "bad_version.ini", 4, "version must be a whole number", 1 },
};

static void fixture(void **state)
{
	const struct fixture_row *row = *state;
	struct cd_form_errors errs = { 0 };
	char rel[256];
	struct cd_item *it;

	snprintf(rel, sizeof(rel), "tests/unit/forms/%s", row->file);
	it = cd_item_load(path_of(rel), &errs);
	if (errs.n != row->count) {
		print_message("%s: expected %zu errors, got %zu:\n", row->file, row->count, errs.n);
		dump_errors(&errs);
		fail();
	}
	if (row->count) {
		assert_null(it);
		expect_error(&errs, row->line, row->want);
	} else {
		assert_non_null(it);
	}
	cd_item_free(&it);
	cd_form_errors_free(&errs);
}

static void second_syntax_error_reported_too(void **state)
{
	struct cd_form_errors errs = { 0 };
	(void)state;

	assert_null(cd_item_load(path_of("tests/unit/forms/syntax_error.ini"), &errs));
	expect_error(&errs, 12, "syntax error");
	expect_error(&errs, 26, "syntax error");
	cd_form_errors_free(&errs);
}

/* Every mistake of a file, not just the first, each at its own line. */
static void every_error_is_collected(void **state)
{
	static const struct {
		int line;
		const char *want;
	} want[] = {
		{ 4, "version must be a whole number" },
		{ 7, "'applicant' must be person or enterprise, not 'citizen'" },
		{ 9, "'count_acceptance_day' must be yes or no" },
		{ 10, "'ga' is not a department code" },
		{ 19, "step 2 is in group 3, but step 1 is in group 1" },
		{ 26, "unknown section [steps.3]" },
		{ 37, "choices apply only to enum fields" },
		{ 38, "no [group.mian]" },
		{ 40, "key 'send_to' given twice in [field.name] (first at line 39)" },
		{ 46, "'choices' lists '男' twice" },
		{ 48, "population has no column 'gender'" },
		{ 49, "when names 'name', which is text" },
		{ 53, "starts a comment and cuts the value short" },
		{ 54, "'key' must be yes or no, not 'true'" },
		{ 55, "check 'licence' needs a type" },
	};
	struct cd_form_errors errs = { 0 };
	(void)state;

	assert_null(cd_item_load(path_of("tests/unit/forms/many_errors.ini"), &errs));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		expect_error(&errs, want[i].line, want[i].want);
	if (errs.n != sizeof(want) / sizeof(want[0])) {
		dump_errors(&errs);
		fail();
	}
	/* Sorted top to bottom, and printed as file:line: message. */
	for (size_t i = 1; i < errs.n; i++)
		assert_true(errs.v[i - 1].line <= errs.v[i].line);
	assert_non_null(strstr(errs.v[0].text, "many_errors.ini:4: version must be"));
	cd_form_errors_free(&errs);
}

static void duplicate_item_codes_in_a_directory(void **state)
{
	struct cd_items items = { 0 };
	struct cd_form_errors errs = { 0 };
	(void)state;

	assert_int_equal(cd_items_load_dir(path_of("tests/unit/forms/dup_codes"), &items, &errs), -1);
	assert_int_equal(errs.n, 1);
	expect_error(&errs, 3, "item code 'same_code' is also used by");
	assert_non_null(strstr(errs.v[0].file, "b.ini"));
	assert_non_null(strstr(errs.v[0].message, "a.ini:3"));
	assert_int_equal(items.files, 2);
	cd_items_free(&items);
	cd_form_errors_free(&errs);
}

/* ---- mistakes written on the fly: the base fixture with one change -------- */

struct edit_row {
	const char *name;
	const char *find;    /* in base.ini */
	const char *replace;
	const char *at;      /* the error's line is the first line holding this */
	const char *want;
};

static const struct edit_row edit_rows[] = {
	{ "key_before_section", "[item]\n", "code = early\n[item]\n", "code = early",
	  "comes before any section" },
	{ "second_item", "[group.main]", "[item]\ncode = again\n\n[group.main]", "[item]\ncode = again",
	  "a second [item] section" },
	{ "upper_case_field_name", "[field.name]", "[field.Name]", "[field.Name]",
	  "must be lower-case letters" },
	{ "section_without_name", "[field.name]", "[field]", "[field]", "needs a name" },
	{ "step_zero", "[step.2]", "[step.0]", "[step.0]", "step number '0'" },
	{ "step_gap", "[step.2]", "[step.3]", "[step.3]", "step 2 is missing" },
	{ "first_group_not_one", "group = 1\n", "group = 2\n", "[step.1]", "step 1 must be in group 1" },
	{ "duplicate_field", "[material.id_card]",
	  "[field.name]\nlabel_zh = 名\nlabel_en = N\ntype = text\ngroup = main\n\n[material.id_card]",
	  "[field.name]\nlabel_zh = 名", "duplicate field 'name' (first at line 29)" },
	{ "dept_not_listed", "dept = MZ", "dept = RS", "dept = RS",
	  "names department RS, which is not in [item] departments (GA, MZ)" },
	{ "dept_without_step", "departments = GA, MZ", "departments = GA, MZ, YB", "departments =",
	  "department YB is listed but no step" },
	{ "lower_case_send_to", "send_to = GA", "send_to = ga", "send_to = ga",
	  "a department code is upper-case" },
	{ "missing_required", "label_en = Name\n", "", "[field.name]",
	  "[field.name] lacks the required key 'label_en'" },
	{ "empty_value", "name_en = Review", "name_en =", "name_en =\n", "'name_en' is empty" },
	{ "control_character", "name_zh = 办结", "name_zh = 办\t结", "name_zh = 办",
	  "control character" },
	{ "bad_utf8", "name_zh = 办结", "name_zh = \xe5\x8a", "name_zh = \xe5\x8a", "not valid UTF-8" },
	{ "max_length_on_date", "type = text\n", "type = date\nmax_length = 10\n", "max_length",
	  "max_length applies only to text and address" },
	{ "enum_one_choice", "type = text\n", "type = enum\nchoices = 是\n", "choices",
	  "at least two choices" },
	{ "bad_bool", "key = yes", "key = 是", "key = ", "'key' must be yes or no" },
	{ "days_too_many", "days = 1\nname_zh = 办结", "days = 61\nname_zh = 办结", "days = 61",
	  "'days' must be a whole number from 0 to 60" },
	{ "promised_negative", "promised_days = 3", "promised_days = -1", "promised_days",
	  "'promised_days' must be a whole number" },
	{ "bad_item_code", "code = base", "code = Base", "code = Base", "code 'Base' must be" },
	{ "prefill_no_column", "send_to = GA\n", "send_to = GA\nprefill = population\n", "prefill",
	  "needs a column" },
	{ "prefill_unknown_source", "send_to = GA\n", "send_to = GA\nprefill = registry:name\n",
	  "prefill", "prefill must be none, or applicant" },
	{ "prefill_wrong_type", "send_to = GA\n", "send_to = GA\nprefill = population:birth_date\n",
	  "prefill", "cannot fill a field of type text" },
	{ "applicant_column_of_enterprise", "send_to = GA\n",
	  "send_to = GA\nprefill = applicant:legal_rep_name\n", "prefill",
	  "applicant has no column 'legal_rep_name'" },
	{ "enterprise_prefill_for_person", "send_to = GA\n",
	  "send_to = GA\nprefill = enterprise:name\n", "prefill",
	  "the applicant is a person: say which enterprise" },
	{ "prefill_by_missing_field", "send_to = GA\n",
	  "send_to = GA\nprefill = population:name\nprefill_by = spouse_idno\n", "prefill_by",
	  "prefill_by names 'spouse_idno', which is not a field" },
	{ "prefill_by_not_idno", "[material.id_card]",
	  "[field.other]\nlabel_zh = 他\nlabel_en = Other\ntype = text\ngroup = main\n"
	  "prefill = population:name\nprefill_by = name\n\n[material.id_card]",
	  "prefill_by", "which is text, not idno" },
	{ "prefill_by_without_prefill", "send_to = GA\n", "send_to = GA\nprefill_by = name\n",
	  "prefill_by", "prefill_by applies only" },
	{ "when_unknown_field", "check = identity", "check = identity\nwhen = kind=甲", "when =",
	  "when names 'kind', which is not a field" },
	{ "when_not_a_choice", "[material.id_card]",
	  "[field.kind]\nlabel_zh = 类\nlabel_en = Kind\ntype = enum\nchoices = 甲, 乙\ngroup = main\n\n"
	  "[material.id_card]\nwhen = kind=丙",
	  "when =", "'丙' is not one of the choices of 'kind'" },
	{ "when_malformed", "check = identity", "check = identity\nwhen = kind", "when =",
	  "when must be FIELD=VALUE" },
	{ "when_loop", "[material.id_card]",
	  "[field.a]\nlabel_zh = 甲\nlabel_en = A\ntype = enum\nchoices = 1, 2\ngroup = main\nwhen = b=1\n\n"
	  "[field.b]\nlabel_zh = 乙\nlabel_en = B\ntype = enum\nchoices = 1, 2\ngroup = main\nwhen = a=2\n\n"
	  "[material.id_card]",
	  "[field.a]", "depends on itself" },
	{ "check_bad_type", "check = identity", "check = licence:Marriage", "check =",
	  "needs a type after the colon" },
	{ "check_unknown", "check = identity", "check = population", "check =",
	  "check must be none, identity" },
	{ "group_without_fields", "[field.name]", "[group.empty]\nlabel_zh = 空\nlabel_en = Empty\n\n[field.name]",
	  "[group.empty]", "group 'empty' has no fields" },
	{ "no_steps_at_all", "[step.1]\ndept = GA\ngroup = 1\ndays = 1\nname_zh = 受理审核\nname_en = Review\n\n"
	  "[step.2]\ndept = MZ\ngroup = 2\ndays = 1\nname_zh = 办结\nname_en = Finish\n", "", "[item]",
	  "the item has no steps" },
	{ "text_after_quote", "name_en = Finish", "name_en = \"Finish\" now", "name_en = \"Finish",
	  "goes on after its closing quote" },
	{ "inline_comment", "name_en = Finish", "name_en = Finish # done", "name_en = Finish",
	  "starts a comment" },
};

static char tmp_path[64];

static int make_tmp(void **state)
{
	(void)state;
	snprintf(tmp_path, sizeof(tmp_path), "/tmp/cd-forms-test-%d.ini", (int)getpid());
	return 0;
}

static int remove_tmp(void **state)
{
	(void)state;
	unlink(tmp_path);
	return 0;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void put(const char *text, size_t len)
{
	FILE *f = fopen(tmp_path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
}

static int line_of(const char *text, const char *needle)
{
	const char *at = strstr(text, needle);
	int line = 1;

	assert_non_null(at);
	for (const char *p = text; p < at; p++)
		line += *p == '\n';
	return line;
}

static void edit(void **state)
{
	const struct edit_row *row = *state;
	struct cd_form_errors errs = { 0 };
	char *base = slurp(path_of("tests/unit/forms/base.ini"));
	char *at = strstr(base, row->find);
	char *text;
	size_t len;

	assert_non_null(at);
	len = strlen(base) - strlen(row->find) + strlen(row->replace);
	text = malloc(len + 1);
	assert_non_null(text);
	memcpy(text, base, (size_t)(at - base));
	strcpy(text + (at - base), row->replace);
	strcat(text, at + strlen(row->find));
	put(text, strlen(text));
	assert_null(cd_item_load(tmp_path, &errs));
	expect_error(&errs, line_of(text, row->at), row->want);
	cd_form_errors_free(&errs);
	free(text);
	free(base);
}

/* ---- whole-file problems ------------------------------------------------- */

static void byte_order_mark(void **state)
{
	static const char text[] = "\xef\xbb\xbf[item]\ncode = x\n";
	struct cd_form_errors errs = { 0 };
	(void)state;

	put(text, sizeof(text) - 1);
	assert_null(cd_item_load(tmp_path, &errs));
	assert_int_equal(errs.n, 1);
	expect_error(&errs, 1, "byte-order mark");
	cd_form_errors_free(&errs);
}

static void line_too_long(void **state)
{
	struct cd_form_errors errs = { 0 };
	char text[3000];
	(void)state;

	strcpy(text, "[item]\ncode = x\nname_zh = ");
	memset(text + strlen(text), 'a', 2000);
	strcpy(text + strlen("[item]\ncode = x\nname_zh = ") + 2000, "\n");
	put(text, strlen(text));
	assert_null(cd_item_load(tmp_path, &errs));
	expect_error(&errs, 3, "line too long");
	cd_form_errors_free(&errs);
}

static void nul_bytes(void **state)
{
	static const char text[] = "[item]\0code = x\n";
	struct cd_form_errors errs = { 0 };
	(void)state;

	put(text, sizeof(text) - 1);
	assert_null(cd_item_load(tmp_path, &errs));
	expect_error(&errs, 0, "NUL bytes");
	cd_form_errors_free(&errs);
}

static void missing_file_and_directory(void **state)
{
	struct cd_form_errors errs = { 0 };
	struct cd_items items = { 0 };
	(void)state;

	assert_null(cd_item_load("/nonexistent/counterdesk/x.ini", &errs));
	assert_int_equal(errs.n, 1);
	assert_int_equal(errs.v[0].line, 0);
	assert_string_equal(errs.v[0].text, "/nonexistent/counterdesk/x.ini: cannot read the file: No such file or directory");
	assert_int_equal(cd_items_load_path("/nonexistent/counterdesk", &items, &errs), -1);
	assert_int_equal(errs.n, 2);
	cd_items_free(&items);
	cd_form_errors_free(&errs);
}

/* ---- JSON ---------------------------------------------------------------- */

static void json_escapes(void **state)
{
	struct cd_form_errors errs = { 0 };
	struct cd_item *it = cd_item_load(path_of("tests/unit/forms/quoted.ini"), &errs);
	char *json;
	(void)state;

	assert_non_null(it);
	assert_string_equal(it->name_en, "The \"one thing\" test \\ item");
	assert_string_equal(it->materials[0].note_en, "originals; copies");
	json = cd_item_json(it);
	assert_non_null(strstr(json, "\"code\":\"quoted\""));
	assert_non_null(strstr(json, "\"name_en\":\"The \\\"one thing\\\" test \\\\ item\""));
	assert_non_null(strstr(json, "\"name_zh\":\"测试事项\""));
	assert_non_null(strstr(json, "\"note_en\":\"originals; copies\""));
	assert_non_null(strstr(json, "\"check\":{\"kind\":\"identity\",\"type\":null}"));
	assert_int_equal(json[0], '{');
	assert_int_equal(json[strlen(json) - 1], '}');
	free(json);
	cd_item_free(&it);
	cd_form_errors_free(&errs);
}

static void json_of_a_shipped_item(void **state)
{
	struct cd_form_errors errs = { 0 };
	struct cd_item *it = cd_item_load(path_of("forms/newborn.ini"), &errs);
	char *json;
	int depth = 0, in_str = 0;
	(void)state;

	assert_non_null(it);
	json = cd_item_json(it);
	assert_non_null(strstr(json, "\"code\":\"newborn\""));
	assert_non_null(strstr(json, "\"departments\":[\"WJ\",\"GA\",\"YB\",\"RS\"]"));
	assert_non_null(strstr(json, "\"prefill\":{\"source\":\"population\",\"column\":\"name\",\"by\":\"father_idno\"}"));
	assert_non_null(strstr(json, "\"when\":{\"field\":\"card_delivery\",\"values\":[\"邮寄到家\"]}"));
	/* Brackets balance outside strings, and never go below zero. */
	for (const char *p = json; *p; p++) {
		if (in_str) {
			if (*p == '\\')
				p++;
			else if (*p == '"')
				in_str = 0;
			continue;
		}
		if (*p == '"')
			in_str = 1;
		else if (*p == '{' || *p == '[')
			depth++;
		else if (*p == '}' || *p == ']')
			assert_true(--depth >= 0);
	}
	assert_int_equal(depth, 0);
	assert_false(in_str);
	free(json);
	cd_item_free(&it);
	cd_form_errors_free(&errs);
}

int main(int argc, char **argv)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(shipped_items_are_correct),
		cmocka_unit_test(newborn_as_the_domain_says),
		cmocka_unit_test(enterprise_item_keys_on_credit_code),
		cmocka_unit_test(second_syntax_error_reported_too),
		cmocka_unit_test(every_error_is_collected),
		cmocka_unit_test(duplicate_item_codes_in_a_directory),
		cmocka_unit_test(byte_order_mark),
		cmocka_unit_test(line_too_long),
		cmocka_unit_test(nul_bytes),
		cmocka_unit_test(missing_file_and_directory),
		cmocka_unit_test(json_escapes),
		cmocka_unit_test(json_of_a_shipped_item),
	};
	enum {
		NFIXED = sizeof(fixed) / sizeof(fixed[0]),
		NFIX = sizeof(fixture_rows) / sizeof(fixture_rows[0]),
		NEDIT = sizeof(edit_rows) / sizeof(edit_rows[0]),
	};
	struct CMUnitTest tests[NFIXED + NFIX + NEDIT];
	size_t n = 0;

	(void)argc;
	find_top(argv[0]);
	for (size_t i = 0; i < NFIXED; i++)
		tests[n++] = fixed[i];
	for (size_t i = 0; i < NFIX; i++)
		tests[n++] = (struct CMUnitTest){ .name = fixture_rows[i].file, .test_func = fixture,
						  .initial_state = (void *)&fixture_rows[i] };
	for (size_t i = 0; i < NEDIT; i++)
		tests[n++] = (struct CMUnitTest){ .name = edit_rows[i].name, .test_func = edit,
						  .initial_state = (void *)&edit_rows[i] };
	return _cmocka_run_group_tests("forms", tests, n, make_tmp, remove_tmp);
}
