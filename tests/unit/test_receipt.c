/* Unit tests for receipts and one-time notices: the masked identity number
 * and never the clear one, every missing material on the notice, labels
 * aligned by display width with Chinese text, and the way out to a file or
 * a print command. */
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
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "crypto.h"
#include "forms.h"
#include "intake.h"
#include "receipt.h"
#include "text.h"
#include "util.h"

#include "repo.h"

#define CLEAR_ID "330702198803151237"
#define MASKED_ID "330702********1237"

static struct cd_intake *newborn(void)
{
	char path[PATH_MAX + 64];
	struct cd_form_errors errs = { 0 };
	struct cd_item *it;
	struct cd_intake *in;

	snprintf(path, sizeof(path), "%s/forms/newborn.ini", top);
	it = cd_item_load(path, &errs);
	cd_form_errors_free(&errs);
	assert_non_null(it);
	in = cd_intake_new(it);
	in->applicant.kind = CD_APPLICANT_PERSON;
	strcpy(in->applicant.key, CLEAR_ID);
	in->applicant.name = strdup("张伟");
	cd_intake_set(in, "father_idno", CLEAR_ID);
	return in;
}

/* The display column where the value of the line starting with label begins. */
static int value_column(const char *text, const char *label)
{
	const char *line = strstr(text, label), *v;
	char prefix[256];

	assert_non_null(line);
	v = line + strlen(label);
	while (*v == ' ')
		v++;
	assert_true((size_t)(v - line) < sizeof(prefix));
	memcpy(prefix, line, (size_t)(v - line));
	prefix[v - line] = '\0';
	return cd_text_width(prefix);
}

static void receipt_is_masked(void **state)
{
	struct cd_intake *in = newborn();
	struct cd_submit_result res;
	char *text;
	(void)state;

	memset(&res, 0, sizeof(res));
	strcpy(res.outcome, "accepted_on_commitment");
	strcpy(res.case_no, "330702-20261125-0001");
	strcpy(res.promised_date, "2026-12-02");
	strcpy(res.commitment_due, "2026-12-01");
	res.visits = 1;
	for (size_t i = 0; i < in->item->nmaterials; i++)
		cd_intake_set_material(in, in->item->materials[i].code, CD_MATERIAL_PROVIDED);
	cd_intake_set_material(in, "card_photo", CD_MATERIAL_MISSING);
	assert_true(cd_intake_set_proxy(in, "李娜", "330702199007222465", "配偶", NULL,
					(char[CD_REASON_LEN]){ 0 }, CD_REASON_LEN));

	text = cd_paper_for_submit(in, &res, "金华市婺城区政务服务中心", "王芳", 1,
				   "2026-11-25 10:30");
	assert_non_null(strstr(text, "受 理 回 执"));
	assert_non_null(strstr(text, "金华市婺城区政务服务中心"));
	assert_non_null(strstr(text, "330702-20261125-0001"));
	assert_non_null(strstr(text, "新生儿出生一件事"));
	assert_non_null(strstr(text, "张伟"));
	assert_non_null(strstr(text, MASKED_ID));
	assert_null(strstr(text, CLEAR_ID));
	assert_null(strstr(text, "330702199007222465"));
	assert_non_null(strstr(text, "李娜（配偶）"));
	assert_non_null(strstr(text, "2026-12-02"));
	/* 容缺: what to bring, by when, and what happens if it does not come. */
	assert_non_null(strstr(text, "新生儿免冠证件照"));
	assert_non_null(strstr(text, "2026-12-01"));
	assert_non_null(strstr(text, "逾期未补齐"));
	assert_non_null(strstr(text, "王芳"));
	assert_non_null(strstr(text, "1 号窗口"));
	/* Labels of different widths line their values up. */
	assert_int_equal(value_column(text, "受理编号："), value_column(text, "申请人："));
	assert_int_equal(value_column(text, "受理编号："), value_column(text, "承诺办结日期："));
	assert_int_equal(value_column(text, "证件号码："), value_column(text, "代办人："));
	free(text);
	cd_intake_free(&in);
}

static void accepted_receipt_has_no_commitment(void **state)
{
	struct cd_intake *in = newborn();
	struct cd_submit_result res;
	char *text;
	(void)state;

	memset(&res, 0, sizeof(res));
	strcpy(res.outcome, "accepted");
	strcpy(res.case_no, "330702-20261125-0002");
	strcpy(res.promised_date, "2026-12-02");
	for (size_t i = 0; i < in->item->nmaterials; i++)
		cd_intake_set_material(in, in->item->materials[i].code, CD_MATERIAL_PROVIDED);
	text = cd_paper_for_submit(in, &res, "中心", "王芳", 0, "2026-11-25 10:30");
	assert_null(strstr(text, "容缺"));
	assert_null(strstr(text, "代办人"));
	assert_null(strstr(text, "号窗口"));
	assert_null(strstr(text, CLEAR_ID));
	free(text);
	cd_intake_free(&in);
}

static void notice_lists_everything(void **state)
{
	struct cd_intake *in = newborn();
	struct cd_submit_result res;
	char *text;
	size_t nmissing = 0;
	(void)state;

	memset(&res, 0, sizeof(res));
	strcpy(res.outcome, "refused");
	strcpy(res.notice_no, "330702-20261125-GZ0001");
	/* Nothing marked: every material is missing, key or not. */
	text = cd_paper_for_submit(in, &res, "金华市婺城区政务服务中心", "王芳", 2,
				   "2026-11-25 10:30");
	assert_non_null(strstr(text, "一 次 性 告 知 书"));
	assert_non_null(strstr(text, "330702-20261125-GZ0001"));
	for (size_t i = 0; i < in->item->nmaterials; i++) {
		const struct cd_item_material *m = &in->item->materials[i];

		if (!strstr(text, m->name_zh)) {
			print_message("notice lacks %s\n", m->name_zh);
			fail();
		}
		if (m->note_zh)
			assert_non_null(strstr(text, m->note_zh));
		nmissing++;
	}
	assert_int_equal(nmissing, 5);
	assert_non_null(strstr(text, "【关键材料】"));
	assert_non_null(strstr(text, "【可容缺】"));
	assert_non_null(strstr(text, "不再要求您提供其他材料"));
	assert_non_null(strstr(text, MASKED_ID));
	assert_null(strstr(text, CLEAR_ID));
	free(text);

	/* What the database listed wins over the form's view. */
	res.missing = calloc(1, sizeof(*res.missing));
	res.nmissing = 1;
	res.missing[0].code = strdup("household_register");
	res.missing[0].name_zh = strdup("居民户口簿");
	res.missing[0].is_key = true;
	res.missing[0].note_zh = strdup("落户所在户的户口簿原件");
	text = cd_paper_for_submit(in, &res, "中心", "王芳", 2, "2026-11-25 10:30");
	assert_non_null(strstr(text, "居民户口簿"));
	assert_null(strstr(text, "结婚证"));
	free(text);
	cd_submit_result_clear(&res);
	cd_intake_free(&in);
}

static void material_names_align(void **state)
{
	struct cd_paper_material m[] = {
		{ "居民户口簿", "原件", true },
		{ "新生儿免冠证件照（电子版）", NULL, false },
	};
	struct cd_notice n = {
		.centre_name = "中心", .notice_no = "N1", .item_name = "事项",
		.applicant_name = "张伟", .applicant_id_mask = MASKED_ID,
		.issued_at = "2026-11-25 10:30", .missing = m, .nmissing = 2,
		.clerk = "王芳", .window_no = 3,
	};
	char *text = cd_notice_text(&n);
	const char *a, *b;
	char pa[512], pb[512];
	(void)state;

	/* The key / waivable marks start in the same column. */
	a = strstr(text, "【关键材料】");
	b = strstr(text, "【可容缺】");
	assert_non_null(a);
	assert_non_null(b);
	{
		const char *la = a, *lb = b;

		while (la > text && la[-1] != '\n')
			la--;
		while (lb > text && lb[-1] != '\n')
			lb--;
		snprintf(pa, sizeof(pa), "%.*s", (int)(a - la), la);
		snprintf(pb, sizeof(pb), "%.*s", (int)(b - lb), lb);
	}
	assert_int_equal(cd_text_width(pa), cd_text_width(pb));
	free(text);
}

/* ---- out to a file or a printer --------------------------------------------- */

static void emit_to_file_and_command(void **state)
{
	char dir[] = "/tmp/cd-test-receipt-XXXXXX", sub[128], out[160], cmd[256];
	struct cd_config cfg;
	struct cd_error err;
	char *saved = NULL, *back;
	size_t len;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/a/b", dir);
	memset(&cfg, 0, sizeof(cfg));
	cfg.print_command = "";
	cfg.print_directory = sub;
	assert_int_equal(cd_receipt_emit(&cfg, "回执\n", "330702-20261125-0001", &saved, &err), 0);
	assert_non_null(saved);
	assert_non_null(strstr(saved, "/a/b/330702-20261125-0001.txt"));
	back = read_file(saved, &len);
	assert_non_null(back);
	assert_string_equal(back, "回执\n");
	free(back);
	unlink(saved);
	free(saved);
	/* Not a plain name: refused, nothing written. */
	assert_int_equal(cd_receipt_emit(&cfg, "x", "../escape", &saved, &err), -1);
	assert_null(saved);

	snprintf(out, sizeof(out), "%s/printed", dir);
	snprintf(cmd, sizeof(cmd), "cat > '%s'", out);
	cfg.print_command = cmd;
	assert_int_equal(cd_receipt_emit(&cfg, "告知书\n", "n1", &saved, &err), 0);
	assert_null(saved);
	back = read_file(out, &len);
	assert_non_null(back);
	assert_string_equal(back, "告知书\n");
	free(back);
	unlink(out);

	cfg.print_command = "cat >/dev/null; exit 3";
	assert_int_equal(cd_receipt_emit(&cfg, "x\n", "n1", &saved, &err), -1);
	assert_int_equal(err.kind, CD_ERR_IO);
	assert_non_null(strstr(err.detail, "3"));
	/* A printer that reads nothing is an error, not a crash (SIGPIPE). */
	cfg.print_command = "exit 0";
	{
		static char big[1 << 20];

		memset(big, 'x', sizeof(big) - 1);
		assert_int_equal(cd_receipt_emit(&cfg, big, "n1", &saved, &err), -1);
	}
	rmdir(sub);
	snprintf(sub, sizeof(sub), "%s/a", dir);
	rmdir(sub);
	rmdir(dir);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(receipt_is_masked),
		cmocka_unit_test(accepted_receipt_has_no_commitment),
		cmocka_unit_test(notice_lists_everything),
		cmocka_unit_test(material_names_align),
		cmocka_unit_test(emit_to_file_and_command),
	};

	(void)argc;
	setlocale(LC_ALL, "C.UTF-8");
	find_top(argv[0]);
	if (cd_crypto_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
