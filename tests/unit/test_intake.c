/* Unit tests for the intake core without a database: field validation per
 * type with its reason, the form's conditions and materials, the draft JSON
 * round trip, the item JSON read back, sealing for the submit, and the
 * idempotency key.
 *
 * Item files are found from $COUNTERDESK_TOP, else the current directory,
 * else from where the binary lies (build/tests/ or build/asan/tests/). */
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
#include <unistd.h>

#include "applicant.h"
#include "crypto.h"
#include "forms.h"
#include "intake.h"
#include "item.h"

#include "repo.h"

static struct cd_item *load_item(const char *name)
{
	char path[PATH_MAX + 64];
	struct cd_form_errors errs = { 0 };
	struct cd_item *it;

	snprintf(path, sizeof(path), "%s/forms/%s", top, name);
	it = cd_item_load(path, &errs);
	for (size_t i = 0; i < errs.n; i++)
		print_message("%s\n", errs.v[i].text);
	cd_form_errors_free(&errs);
	assert_non_null(it);
	return it;
}

/* ---- one field ------------------------------------------------------------ */

static struct cd_item_field field_of(enum cd_field_type t, bool required, int max_length)
{
	struct cd_item_field f;

	memset(&f, 0, sizeof(f));
	f.key = "f";
	f.label_zh = "字段";
	f.label_en = "Field";
	f.type = t;
	f.required = required;
	f.max_length = max_length;
	return f;
}

/* Valid: returns the normalised value (caller frees). */
static char *valid(const struct cd_item_field *f, const char *v)
{
	char reason[CD_REASON_LEN], *norm = NULL;

	if (!cd_intake_validate_field(NULL, f, v, &norm, reason, sizeof(reason))) {
		print_message("'%s' refused: %s\n", v, reason);
		fail();
	}
	return norm;
}

static void invalid(const struct cd_item_field *f, const char *v, const char *want)
{
	char reason[CD_REASON_LEN], *norm = (char *)"untouched";

	if (cd_intake_validate_field(NULL, f, v, &norm, reason, sizeof(reason))) {
		print_message("'%s' accepted\n", v);
		fail();
	}
	assert_null(norm);
	if (!strstr(reason, want)) {
		print_message("'%s': reason '%s' lacks '%s'\n", v, reason, want);
		fail();
	}
}

static void expect_norm(const struct cd_item_field *f, const char *v, const char *want)
{
	char *n = valid(f, v);

	assert_non_null(n);
	assert_string_equal(n, want);
	free(n);
}

static void required_and_empty(void **state)
{
	struct cd_item_field req = field_of(CD_FIELD_TEXT, true, 10);
	struct cd_item_field opt = field_of(CD_FIELD_IDNO, false, 0);
	(void)state;

	invalid(&req, "", "required");
	invalid(&req, "   ", "required");
	invalid(&req, "\xE3\x80\x80", "required"); /* an ideographic space only */
	invalid(&req, NULL, "required");
	assert_null(valid(&opt, ""));           /* optional and empty: nothing to keep */
	expect_norm(&req, "  王芳\xE3\x80\x80", "王芳"); /* trimmed, ASCII and U+3000 */
}

static void identity_numbers(void **state)
{
	struct cd_item_field f = field_of(CD_FIELD_IDNO, true, 0);
	(void)state;

	expect_norm(&f, "11010519491231002X", "11010519491231002X");
	expect_norm(&f, "44011320141005001x", "44011320141005001X");
	expect_norm(&f, "150102880730303", "150102198807303035");
	expect_norm(&f, " 330702198803151237 ", "330702198803151237");
	invalid(&f, "110105194912310021", "X");      /* the expected check character is named */
	invalid(&f, "360426199113010079", "date");
	invalid(&f, "990426199112010074", "egion");
	invalid(&f, "T60426199101010078", "haracter");
	invalid(&f, "1101051949", "number of characters");
}

static void credit_codes_and_phones(void **state)
{
	struct cd_item_field u = field_of(CD_FIELD_USCC, true, 0);
	struct cd_item_field p = field_of(CD_FIELD_PHONE, true, 0);
	(void)state;

	expect_norm(&u, "91350100m000100y43", "91350100M000100Y43");
	invalid(&u, "91110000600037341N", "heck");
	expect_norm(&p, "+86 138-0013-8000", "13800138000");
	invalid(&p, "12800138000", "1");
	invalid(&p, "1380013800", "number of characters");
}

static void dates(void **state)
{
	struct cd_item_field f = field_of(CD_FIELD_DATE, true, 0);
	(void)state;

	expect_norm(&f, "2026-02-28", "2026-02-28");
	expect_norm(&f, "2024-02-29", "2024-02-29");
	invalid(&f, "2026-02-29", "No such date");
	invalid(&f, "2026-13-01", "No such date");
	invalid(&f, "2026-2-28", "YYYY-MM-DD");
	invalid(&f, "28/02/2026", "YYYY-MM-DD");
	invalid(&f, "二〇二六年", "YYYY-MM-DD");
}

static void enums(void **state)
{
	struct cd_item_field f = field_of(CD_FIELD_ENUM, true, 0);
	char *choices[] = { "窗口领取", "邮寄到家" };
	(void)state;

	f.choices.v = choices;
	f.choices.n = 2;
	expect_norm(&f, "邮寄到家", "邮寄到家");
	expect_norm(&f, " 窗口领取 ", "窗口领取");
	invalid(&f, "快递", "choices");
	invalid(&f, "快递", "窗口领取, 邮寄到家"); /* the reason lists them */
	invalid(&f, "窗口", "choices");            /* no prefix matching */
}

static void numbers_and_money(void **state)
{
	struct cd_item_field i = field_of(CD_FIELD_INTEGER, true, 0);
	struct cd_item_field m = field_of(CD_FIELD_MONEY, true, 0);
	(void)state;

	expect_norm(&i, "42", "42");
	expect_norm(&i, "007", "7");
	expect_norm(&i, "-3", "-3");
	invalid(&i, "4.5", "whole number");
	invalid(&i, "四十二", "whole number");
	invalid(&i, "1234567890123456", "whole number");

	expect_norm(&m, "1200", "1200.00");
	expect_norm(&m, "1200.5", "1200.50");
	expect_norm(&m, "0.05", "0.05");
	invalid(&m, "-1", "negative");
	invalid(&m, "12.345", "two decimals");
	invalid(&m, "1,200", "yuan");
	invalid(&m, "abc", "yuan");
}

static void text_length_in_characters(void **state)
{
	struct cd_item_field f = field_of(CD_FIELD_TEXT, true, 4);
	struct cd_item_field a = field_of(CD_FIELD_ADDRESS, true, 6);
	char *n;
	(void)state;

	assert_int_equal(cd_utf8_chars("张三李四"), 4);
	assert_int_equal(cd_utf8_chars("a\xE4\xB8"), -1);
	/* 12 bytes but 4 characters: fits. */
	n = valid(&f, "张三李四");
	assert_string_equal(n, "张三李四");
	free(n);
	invalid(&f, "张三李四王", "Too long: 5 characters, at most 4");
	invalid(&f, "abcde", "at most 4");
	expect_norm(&a, "浙江金华婺城", "浙江金华婺城");
	invalid(&a, "浙江省金华市婺城区", "at most 6");
	invalid(&f, "王\x01", "Control characters");
	invalid(&f, "a\tb", "Control characters");
	invalid(&f, "\xFF\xFE", "UTF-8");
}

/* ---- the form ---------------------------------------------------------------- */

static void form_conditions(void **state)
{
	struct cd_intake *in = cd_intake_new(load_item("newborn.ini"));
	int delivery = cd_intake_field_index(in, "delivery_address");
	(void)state;

	assert_true(delivery >= 0);
	assert_int_equal(cd_intake_field_index(in, "no_such_field"), -1);
	assert_int_equal(cd_intake_set(in, "no_such_field", "x"), -1);
	/* The delivery address is asked only when the card is posted. */
	assert_false(cd_intake_field_applies(in, (size_t)delivery));
	assert_int_equal(cd_intake_set(in, "card_delivery", "邮寄到家"), 1);
	assert_true(cd_intake_field_applies(in, (size_t)delivery));
	assert_int_equal(cd_intake_set(in, "card_delivery", "窗口领取"), 1);
	assert_false(cd_intake_field_applies(in, (size_t)delivery));

	/* An invalid value is kept as typed, with its reason; a valid one clears it. */
	assert_int_equal(cd_intake_set(in, "child_sex", "未知"), 0);
	assert_string_equal(in->values[cd_intake_field_index(in, "child_sex")], "未知");
	assert_non_null(in->reasons[cd_intake_field_index(in, "child_sex")]);
	assert_false(cd_intake_can_submit(in));
	assert_int_equal(cd_intake_set(in, "child_sex", "女"), 1);
	assert_null(in->reasons[cd_intake_field_index(in, "child_sex")]);
	/* Still not submittable: required fields are empty. */
	assert_false(cd_intake_can_submit(in));
	assert_non_null(in->reasons[cd_intake_field_index(in, "child_name")]);
	/* ... but a field that is not shown is never required. */
	assert_null(in->reasons[delivery]);
	cd_intake_free(&in);
	assert_null(in);
}

static void fill_newborn(struct cd_intake *in)
{
	static const char *const kv[][2] = {
		{ "child_name", "张小明" }, { "child_sex", "男" },
		{ "child_birth_date", "2026-11-20" }, { "birth_place", "金华市中心医院" },
		{ "birth_cert_no", "Q330012345" }, { "child_ethnicity", "汉族" },
		{ "father_idno", "330702198803151237" }, { "father_name", "张伟" },
		{ "mother_idno", "330702199007222465" }, { "mother_name", "李娜" },
		{ "registered_with", "随父" }, { "household_address", "浙江省金华市婺城区城北街道1号" },
		{ "card_bank", "中国银行" }, { "card_delivery", "窗口领取" },
		{ "contact_phone", "13800138000" },
	};

	for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i++)
		assert_int_equal(cd_intake_set(in, kv[i][0], kv[i][1]), 1);
}

static void materials_key_and_waivable(void **state)
{
	struct cd_intake *in = cd_intake_new(load_item("newborn.ini"));
	const struct cd_item_material **miss;
	size_t n, keys;
	(void)state;

	/* Nothing marked: everything counts as missing, key ones included. */
	n = cd_intake_missing_materials(in, &miss, &keys);
	assert_int_equal(n, in->item->nmaterials);
	assert_true(keys >= 1);
	free(miss);
	assert_int_equal(cd_intake_expected_outcome(in), CD_OUTCOME_REFUSE);

	for (size_t i = 0; i < in->item->nmaterials; i++)
		assert_true(cd_intake_set_material(in, in->item->materials[i].code,
						   CD_MATERIAL_PROVIDED));
	assert_false(cd_intake_set_material(in, "no_such_material", CD_MATERIAL_PROVIDED));
	assert_int_equal(cd_intake_expected_outcome(in), CD_OUTCOME_ACCEPT);

	/* A waivable material missing: 容缺. */
	assert_true(cd_intake_set_material(in, "card_photo", CD_MATERIAL_MISSING));
	assert_true(cd_intake_set_material(in, "marriage_certificate", CD_MATERIAL_MISSING));
	n = cd_intake_missing_materials(in, &miss, &keys);
	assert_int_equal(n, 2);
	assert_int_equal(keys, 0);
	assert_string_equal(miss[0]->code, "marriage_certificate"); /* item order */
	assert_string_equal(miss[1]->code, "card_photo");
	free(miss);
	assert_int_equal(cd_intake_expected_outcome(in), CD_OUTCOME_COMMITMENT);

	/* A key material missing too: refused, and the list has all three. */
	assert_true(cd_intake_set_material(in, "household_register", CD_MATERIAL_MISSING));
	n = cd_intake_missing_materials(in, &miss, &keys);
	assert_int_equal(n, 3);
	assert_int_equal(keys, 1);
	free(miss);
	assert_int_equal(cd_intake_expected_outcome(in), CD_OUTCOME_REFUSE);
	cd_intake_free(&in);
}

static void materials_with_conditions(void **state)
{
	struct cd_intake *in = cd_intake_new(load_item("enterprise_start.ini"));
	const struct cd_item_material **miss;
	size_t n;
	int articles = -1;
	(void)state;

	for (size_t i = 0; i < in->item->nmaterials; i++)
		if (!strcmp(in->item->materials[i].code, "articles"))
			articles = (int)i;
	assert_true(articles >= 0);
	for (size_t i = 0; i < in->item->nmaterials; i++)
		if ((int)i != articles)
			cd_intake_set_material(in, in->item->materials[i].code, CD_MATERIAL_PROVIDED);
	/* Articles of association are needed only for companies. */
	assert_int_equal(cd_intake_set(in, "enterprise_type", "个人独资企业"), 1);
	assert_false(cd_intake_material_applies(in, (size_t)articles));
	n = cd_intake_missing_materials(in, &miss, NULL);
	assert_int_equal(n, 0);
	free(miss);
	assert_int_equal(cd_intake_set(in, "enterprise_type", "有限责任公司"), 1);
	assert_true(cd_intake_material_applies(in, (size_t)articles));
	assert_int_equal(cd_intake_expected_outcome(in), CD_OUTCOME_REFUSE);
	cd_intake_free(&in);
}

/* ---- drafts ----------------------------------------------------------------- */

static void draft_round_trip(void **state)
{
	struct cd_intake *in = cd_intake_new(load_item("newborn.ini")), *back;
	struct cd_item *again = load_item("newborn.ini");
	struct cd_error err;
	char reason[CD_REASON_LEN];
	char *json, *json2;
	int name;
	(void)state;

	fill_newborn(in);
	/* Quotes, a backslash and control characters are invalid in the form but
	 * kept as typed, and must survive the draft. */
	assert_int_equal(cd_intake_set(in, "birth_place", "金华\"市\"中心\\医院\t\x01"), 0);
	cd_intake_set_material(in, "card_photo", CD_MATERIAL_MISSING);
	cd_intake_set_material(in, "household_register", CD_MATERIAL_PROVIDED);
	in->applicant.kind = CD_APPLICANT_PERSON;
	in->applicant.source = CD_SOURCE_REGISTRY;
	strcpy(in->applicant.key, "330702198803151237");
	cd_uuid4(in->applicant.id);
	in->applicant.name = strdup("张伟");
	in->applicant.phone = strdup("13800138000");
	strcpy(in->applicant.sex, "M");
	assert_true(cd_intake_set_proxy(in, "李娜", "330702199007222465", "配偶", "授权委托书",
					reason, sizeof(reason)));

	json = cd_intake_to_json(in);
	assert_non_null(json);
	back = cd_intake_from_json(json, again, &err);
	assert_non_null(back);
	assert_string_equal(back->case_id, in->case_id);
	assert_string_equal(back->op_id, in->op_id);
	for (size_t i = 0; i < in->item->nfields; i++) {
		if (!in->values[i]) {
			assert_null(back->values[i]);
			continue;
		}
		assert_non_null(back->values[i]);
		assert_string_equal(back->values[i], in->values[i]);
		assert_true((in->reasons[i] == NULL) == (back->reasons[i] == NULL));
	}
	name = cd_intake_field_index(back, "birth_place");
	assert_string_equal(back->values[name], "金华\"市\"中心\\医院\t\x01");
	for (size_t i = 0; i < in->item->nmaterials; i++)
		assert_int_equal(back->materials[i], in->materials[i]);
	assert_int_equal(back->applicant.source, CD_SOURCE_REGISTRY);
	assert_string_equal(back->applicant.key, "330702198803151237");
	assert_string_equal(back->applicant.id, in->applicant.id);
	assert_string_equal(back->applicant.name, "张伟");
	assert_string_equal(back->applicant.phone, "13800138000");
	assert_null(back->applicant.address);
	assert_true(back->proxy.present);
	assert_string_equal(back->proxy.name, "李娜");
	assert_string_equal(back->proxy.idno, "330702199007222465");
	assert_string_equal(back->proxy.relation, "配偶");
	/* And again: the same JSON. */
	json2 = cd_intake_to_json(back);
	assert_string_equal(json, json2);
	free(json);
	free(json2);
	cd_intake_free(&back);
	cd_intake_free(&in);
}

static void draft_of_another_item(void **state)
{
	struct cd_intake *in = cd_intake_new(load_item("newborn.ini"));
	struct cd_item *other = load_item("retirement.ini");
	struct cd_error err;
	char *json = cd_intake_to_json(in);
	(void)state;

	assert_null(cd_intake_from_json(json, other, &err));
	assert_int_equal(err.kind, CD_ERR_INVALID);
	assert_null(cd_intake_from_json("{\"format\":1", other, &err));
	assert_null(cd_intake_from_json("[]", other, &err));
	cd_item_free(&other);
	free(json);
	cd_intake_free(&in);
}

/* ---- the item, as the database gives it back -------------------------------- */

static void item_json_round_trip(void **state)
{
	static const char *const files[] = { "newborn.ini", "enterprise_start.ini",
					      "disability.ini", "retirement.ini" };
	struct cd_error err;
	(void)state;

	for (size_t k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
		struct cd_item *it = load_item(files[k]), *back;
		char *json = cd_item_json(it), *json2;

		back = cd_item_from_json(json, &err);
		assert_non_null(back);
		json2 = cd_item_json(back);
		assert_string_equal(json, json2);
		assert_int_equal(back->nfields, it->nfields);
		assert_int_equal(back->applicant, it->applicant);
		free(json);
		free(json2);
		cd_item_free(&back);
		cd_item_free(&it);
	}
	assert_null(cd_item_from_json("{\"code\":1}", &err));
	assert_int_equal(err.kind, CD_ERR_INVALID);
	assert_null(cd_item_from_json("not json", &err));
	assert_null(cd_item_from_json("{\"code\":\"x\",\"name_zh\":\"x\",\"name_en\":\"x\","
				      "\"applicant\":\"robot\"}", &err));
	assert_null(cd_item_from_json("{\"code\":\"x\",\"name_zh\":\"x\",\"name_en\":\"x\","
				      "\"applicant\":\"person\",\"fields\":[{\"key\":\"a\","
				      "\"label_zh\":\"a\",\"label_en\":\"a\",\"type\":\"colour\"}]}",
				      &err));
}

/* ---- the submit's parameters --------------------------------------------------- */

static void submit_params_are_sealed(void **state)
{
	struct cd_intake *in = cd_intake_new(load_item("newborn.ini"));
	struct cd_submit_params sp;
	struct cd_error err;
	struct cd_keys *keys = NULL;
	char dir[] = "/tmp/cd-test-intake-XXXXXX", path[64], reason[CD_REASON_LEN];
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/k", dir);
	assert_int_equal(cd_key_generate(path, 1), CD_CRYPTO_OK);
	assert_int_equal(cd_keys_load(path, &keys), CD_CRYPTO_OK);
	fill_newborn(in);
	in->applicant.kind = CD_APPLICANT_PERSON;
	strcpy(in->applicant.key, "330702198803151237");
	cd_uuid4(in->applicant.id);
	in->applicant.name = strdup("张伟");
	assert_true(cd_intake_set_proxy(in, "李娜", "330702199007222465", "配偶", NULL, reason,
					sizeof(reason)));
	for (size_t i = 0; i < in->item->nmaterials; i++)
		cd_intake_set_material(in, in->item->materials[i].code, CD_MATERIAL_PROVIDED);
	assert_int_equal(cd_intake_submit_params(keys, in, &sp, &err), 0);

	/* No clear identity number or phone anywhere; masks are there. */
	const char *all[] = { sp.applicant, sp.fields, sp.personal, sp.materials, sp.proxy };
	for (size_t i = 0; i < 5; i++) {
		assert_non_null(all[i]);
		assert_null(strstr(all[i], "330702198803151237"));
		assert_null(strstr(all[i], "330702199007222465"));
		assert_null(strstr(all[i], "13800138000"));
	}
	assert_non_null(strstr(sp.applicant, "330702********1237"));
	assert_non_null(strstr(sp.applicant, "\"blind\""));
	assert_non_null(strstr(sp.personal, "\"father_idno\""));
	assert_non_null(strstr(sp.personal, "138****8000"));
	assert_non_null(strstr(sp.personal, "\"household_address\""));
	assert_null(strstr(sp.fields, "father_idno"));
	assert_null(strstr(sp.fields, "delivery_address")); /* not shown, not sent */
	assert_non_null(strstr(sp.fields, "\"child_name\""));
	assert_non_null(strstr(sp.materials, "\"card_photo\":\"provided\""));
	assert_non_null(strstr(sp.proxy, "330702********2465"));
	/* The applicant's phone comes from the field prefilled from it. */
	assert_true(strstr(sp.applicant, "\"phone\":{") != NULL);
	cd_submit_params_free(&sp);
	cd_intake_free(&in);
	cd_keys_free(&keys);
	unlink(path);
	rmdir(dir);
}

/* ---- idempotency ----------------------------------------------------------- */

static void idempotency_key(void **state)
{
	char a[CD_UUID_LEN], b[CD_UUID_LEN], c[CD_UUID_LEN], d[CD_UUID_LEN];
	(void)state;

	cd_idempotency_uuid("abc", "op", a);
	cd_idempotency_uuid("abc", "op", b);
	assert_string_equal(a, b);
	assert_int_equal(strlen(a), 36);
	assert_int_equal(a[14], '5');
	assert_true(strchr("89ab", a[19]) != NULL);
	cd_idempotency_uuid("abd", "op", c);
	assert_string_not_equal(a, c);
	cd_idempotency_uuid("abc", "case", d);
	assert_string_not_equal(a, d);
	cd_idempotency_uuid("受理-一号", "op", c);
	assert_string_not_equal(a, c);
	/* A UUID given as the key is the operation id itself. */
	cd_idempotency_uuid("6F9619FF-8B86-D011-B42D-00C04FC964FF", "op", c);
	assert_string_equal(c, "6f9619ff-8b86-d011-b42d-00c04fc964ff");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(required_and_empty),
		cmocka_unit_test(identity_numbers),
		cmocka_unit_test(credit_codes_and_phones),
		cmocka_unit_test(dates),
		cmocka_unit_test(enums),
		cmocka_unit_test(numbers_and_money),
		cmocka_unit_test(text_length_in_characters),
		cmocka_unit_test(form_conditions),
		cmocka_unit_test(materials_key_and_waivable),
		cmocka_unit_test(materials_with_conditions),
		cmocka_unit_test(draft_round_trip),
		cmocka_unit_test(draft_of_another_item),
		cmocka_unit_test(item_json_round_trip),
		cmocka_unit_test(submit_params_are_sealed),
		cmocka_unit_test(idempotency_key),
	};

	(void)argc;
	setlocale(LC_ALL, "C.UTF-8");
	find_top(argv[0]);
	if (cd_crypto_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
