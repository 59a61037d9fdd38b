/* Receipts and one-time notices (receipt.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "intake.h"
#include "mask.h"
#include "receipt.h"
#include "text.h"
#include "util.h"

#define PAPER_WIDTH 56 /* columns: fits an 80-column terminal and A4/A5 paper */

struct out {
	FILE *f;
	char *buf;
	size_t len;
};

static void out_open(struct out *o)
{
	o->buf = NULL;
	o->len = 0;
	o->f = open_memstream(&o->buf, &o->len);
	if (!o->f) {
		fputs("counterdesk: out of memory\n", stderr);
		exit(70);
	}
}

static char *out_close(struct out *o)
{
	if (fclose(o->f) != 0) {
		fputs("counterdesk: out of memory\n", stderr);
		exit(70);
	}
	return o->buf;
}

static void centred(struct out *o, const char *s)
{
	int pad = (PAPER_WIDTH - cd_text_width(s)) / 2;

	while (pad-- > 0)
		fputc(' ', o->f);
	fprintf(o->f, "%s\n", s);
}

static void rule(struct out *o)
{
	for (int i = 0; i < PAPER_WIDTH; i++)
		fputc('-', o->f);
	fputc('\n', o->f);
}

/* A label column as wide as the widest label, by display width. */
struct row {
	const char *label;
	const char *value;
};

static void rows(struct out *o, const struct row *r, size_t n)
{
	int width = 0;

	for (size_t i = 0; i < n; i++)
		if (r[i].value && cd_text_width(r[i].label) > width)
			width = cd_text_width(r[i].label);
	for (size_t i = 0; i < n; i++) {
		if (!r[i].value)
			continue;
		cd_print_padded(o->f, r[i].label, width + 2);
		fprintf(o->f, "%s\n", r[i].value);
	}
}

static void materials(struct out *o, const struct cd_paper_material *m, size_t n, bool mark_key)
{
	int width = 0;
	char num[32];

	for (size_t i = 0; i < n; i++)
		if (cd_text_width(m[i].name ? m[i].name : "") > width)
			width = cd_text_width(m[i].name ? m[i].name : "");
	for (size_t i = 0; i < n; i++) {
		snprintf(num, sizeof(num), "  %zu. ", i + 1);
		fputs(num, o->f);
		if (mark_key) {
			cd_print_padded(o->f, m[i].name ? m[i].name : "", width + 2);
			fputs(m[i].is_key ? "【关键材料】" : "【可容缺】", o->f);
		} else {
			fputs(m[i].name ? m[i].name : "", o->f);
		}
		fputc('\n', o->f);
		if (m[i].note && *m[i].note)
			fprintf(o->f, "%*s%s\n", (int)strlen(num), "", m[i].note);
	}
}

char *cd_receipt_text(const struct cd_receipt *r)
{
	struct out o;
	char window[32], *proxy = NULL;

	out_open(&o);
	if (r->proxy_name)
		proxy = r->proxy_relation && *r->proxy_relation
				? xasprintf("%s（%s）", r->proxy_name, r->proxy_relation)
				: xstrdup(r->proxy_name);
	snprintf(window, sizeof(window), "%d 号窗口", r->window_no);
	fputc('\n', o.f);
	centred(&o, r->centre_name ? r->centre_name : "");
	centred(&o, "受 理 回 执");
	fputc('\n', o.f);
	{
		const struct row head[] = {
			{ "受理编号：", r->case_no },
			{ "办理事项：", r->item_name },
			{ "申请人：", r->applicant_name ? r->applicant_name : "" },
			{ "证件号码：", r->applicant_id_mask ? r->applicant_id_mask : "" },
			{ "代办人：", proxy },
			{ "受理时间：", r->accepted_at },
			{ "承诺办结日期：", r->promised_date },
		};

		rows(&o, head, ARRAY_SIZE(head));
	}
	if (r->nwaived) {
		fputc('\n', o.f);
		fprintf(o.f, "容缺受理：以下材料请于 %s 前补齐（可到任一综合窗口提交）：\n",
			r->commitment_due ? r->commitment_due : "");
		materials(&o, r->waived, r->nwaived, false);
		fputs("逾期未补齐的，视为撤回申请，本件终止办理，本回执作废；\n"
		      "补齐后可重新申请。\n", o.f);
	}
	fputc('\n', o.f);
	fputs("请凭本回执查询办理进度、领取办理结果。\n", o.f);
	rule(&o);
	{
		const struct row foot[] = {
			{ "受理人：", r->clerk ? r->clerk : "" },
			{ "受理窗口：", r->window_no > 0 ? window : NULL },
		};

		rows(&o, foot, ARRAY_SIZE(foot));
	}
	free(proxy);
	return out_close(&o);
}

char *cd_notice_text(const struct cd_notice *n)
{
	struct out o;
	char window[32];

	out_open(&o);
	snprintf(window, sizeof(window), "%d 号窗口", n->window_no);
	fputc('\n', o.f);
	centred(&o, n->centre_name ? n->centre_name : "");
	centred(&o, "一 次 性 告 知 书");
	fputc('\n', o.f);
	{
		const struct row head[] = {
			{ "告知书编号：", n->notice_no },
			{ "办理事项：", n->item_name },
			{ "申请人：", n->applicant_name ? n->applicant_name : "" },
			{ "证件号码：", n->applicant_id_mask ? n->applicant_id_mask : "" },
			{ "告知时间：", n->issued_at },
		};

		rows(&o, head, ARRAY_SIZE(head));
	}
	fputc('\n', o.f);
	fprintf(o.f, "您申请办理的“%s”，经窗口审查，尚缺以下材料，暂不能受理：\n",
		n->item_name ? n->item_name : "");
	materials(&o, n->missing, n->nmissing, true);
	fputc('\n', o.f);
	fputs("以上为办理本事项尚需的全部材料，本中心一次性告知，\n"
	      "不再要求您提供其他材料。材料补齐后，请携带本告知书到任一综合窗口办理。\n", o.f);
	rule(&o);
	{
		const struct row foot[] = {
			{ "告知人：", n->clerk ? n->clerk : "" },
			{ "告知窗口：", n->window_no > 0 ? window : NULL },
		};

		rows(&o, foot, ARRAY_SIZE(foot));
	}
	return out_close(&o);
}

char *cd_result_text(const struct cd_result_paper *p)
{
	struct out o;
	char window[32];

	out_open(&o);
	snprintf(window, sizeof(window), "%d 号窗口", p->window_no);
	fputc('\n', o.f);
	centred(&o, p->centre_name ? p->centre_name : "");
	centred(&o, p->rejected ? "不 予 许 可 决 定 书" : "办 结 通 知 书");
	fputc('\n', o.f);
	{
		const struct row head[] = {
			{ "受理编号：", p->case_no },
			{ "办理事项：", p->item_name },
			{ "申请人：", p->applicant_name ? p->applicant_name : "" },
			{ "证件号码：", p->applicant_id_mask ? p->applicant_id_mask : "" },
			{ "受理时间：", p->accepted_at },
			{ "承诺办结日期：", p->promised_date },
			{ "实际办结日期：", p->completed_on },
		};

		rows(&o, head, ARRAY_SIZE(head));
	}
	fputc('\n', o.f);
	if (p->rejected) {
		fprintf(o.f, "您申请办理的“%s”，经%s审查，决定不予许可。\n",
			p->item_name ? p->item_name : "", p->reject_dept && *p->reject_dept ? p->reject_dept : "承办部门");
		fprintf(o.f, "理由：%s\n", p->reject_reason ? p->reject_reason : "");
		if (p->reject_at)
			fprintf(o.f, "决定时间：%s\n", p->reject_at);
		fputc('\n', o.f);
		fputs("如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，\n"
		      "或者在六个月内依法向人民法院提起行政诉讼。\n", o.f);
	} else {
		fprintf(o.f, "您申请办理的“%s”已办结%s，各部门办理情况如下：\n",
			p->item_name ? p->item_name : "", p->on_time ? "" : "（超过承诺期限）");
		for (size_t i = 0; i < p->nsteps; i++)
			fprintf(o.f, "  %zu. %s  %s  办结\n", i + 1,
				p->steps[i].dept_name ? p->steps[i].dept_name : "",
				p->steps[i].decided_at ? p->steps[i].decided_at : "");
		fputc('\n', o.f);
		fputs("办理结果已当面交付，请核对。\n", o.f);
	}
	rule(&o);
	{
		const struct row foot[] = {
			{ "交付人：", p->clerk ? p->clerk : "" },
			{ "交付窗口：", p->window_no > 0 ? window : NULL },
			{ "交付时间：", p->handed_over_at },
		};

		rows(&o, foot, ARRAY_SIZE(foot));
	}
	return out_close(&o);
}

char *cd_paper_for_submit(const struct cd_intake *in, const struct cd_submit_result *res,
			  const char *centre_name, const char *clerk, int window_no,
			  const char *now)
{
	bool refused = !strcmp(res->outcome, "refused");
	const struct cd_item_material **local = NULL;
	struct cd_paper_material *m;
	size_t n = 0, nlocal;
	char stamp[32], *mask, *text;

	if (!now) {
		time_t t = time(NULL);
		struct tm tm;

		localtime_r(&t, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M", &tm);
		now = stamp;
	}
	mask = in->applicant.kind == CD_APPLICANT_PERSON ? cd_mask_idno(in->applicant.key)
							  : xstrdup(in->applicant.key);
	/* What the database listed, else what the form says is missing. */
	nlocal = cd_intake_missing_materials(in, &local, NULL);
	m = xcalloc((res->nmissing > nlocal ? res->nmissing : nlocal) + 1, sizeof(*m));
	if (res->nmissing) {
		for (size_t i = 0; i < res->nmissing; i++)
			if (refused || !res->missing[i].is_key) {
				m[n].name = res->missing[i].name_zh ? res->missing[i].name_zh
								    : res->missing[i].code;
				m[n].note = res->missing[i].note_zh;
				m[n++].is_key = res->missing[i].is_key;
			}
	} else {
		for (size_t i = 0; i < nlocal; i++)
			if (refused || !local[i]->is_key) {
				m[n].name = local[i]->name_zh;
				m[n].note = local[i]->note_zh;
				m[n++].is_key = local[i]->is_key;
			}
	}
	if (refused) {
		struct cd_notice nt = {
			.centre_name = centre_name,
			.notice_no = res->notice_no,
			.item_name = in->item->name_zh,
			.applicant_name = cd_intake_applicant_name(in),
			.applicant_id_mask = mask,
			.issued_at = now,
			.missing = m,
			.nmissing = n,
			.clerk = clerk,
			.window_no = window_no,
		};

		text = cd_notice_text(&nt);
	} else {
		struct cd_receipt r = {
			.centre_name = centre_name,
			.case_no = res->case_no,
			.item_name = in->item->name_zh,
			.applicant_name = cd_intake_applicant_name(in),
			.applicant_id_mask = mask,
			.proxy_name = in->proxy.present ? (in->proxy.name ? in->proxy.name : "") : NULL,
			.proxy_relation = in->proxy.relation,
			.accepted_at = now,
			.promised_date = res->promised_date,
			.commitment_due = res->commitment_due[0] ? res->commitment_due : NULL,
			.waived = m,
			.nwaived = n,
			.clerk = clerk,
			.window_no = window_no,
		};

		text = cd_receipt_text(&r);
	}
	free(mask);
	free(m);
	free(local);
	return text;
}

/* ---- out to paper or disk ------------------------------------------------ */

static bool plain_name(const char *s)
{
	if (!s || !*s || *s == '.' || strlen(s) > 200)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.'))
			return false;
	return true;
}

static int mkdir_p(const char *dir)
{
	char *copy = xstrdup(dir);
	int rc = 0;

	for (char *p = copy + 1; ; p++) {
		if (*p == '/' || !*p) {
			char c = *p;

			*p = '\0';
			if (mkdir(copy, 0750) < 0 && errno != EEXIST) {
				rc = -1;
				break;
			}
			*p = c;
			if (!c)
				break;
		}
	}
	free(copy);
	return rc;
}

static int write_all(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t w = write(fd, s, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		len -= (size_t)w;
	}
	return 0;
}

static int save(const char *dir, const char *text, const char *name, char **saved_path,
		struct cd_error *err)
{
	char *path, *tmp;
	int fd, dfd;

	if (mkdir_p(dir) < 0) {
		cd_error_set(err, CD_ERR_IO, "Cannot make the receipt directory", "%s: %s", dir,
			     strerror(errno));
		return -1;
	}
	path = xasprintf("%s/%s.txt", dir, name);
	tmp = xasprintf("%s/.%s.XXXXXX", dir, name);
	fd = mkstemp(tmp);
	if (fd < 0) {
		cd_error_set(err, CD_ERR_IO, "Cannot write the receipt", "%s: %s", dir,
			     strerror(errno));
		goto fail;
	}
	if (fchmod(fd, 0640) < 0 || write_all(fd, text, strlen(text)) < 0 || fsync(fd) < 0) {
		cd_error_set(err, CD_ERR_IO, "Cannot write the receipt", "%s: %s", tmp,
			     strerror(errno));
		close(fd);
		unlink(tmp);
		goto fail;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		cd_error_set(err, CD_ERR_IO, "Cannot write the receipt", "%s: %s", path,
			     strerror(errno));
		unlink(tmp);
		goto fail;
	}
	/* The rename itself survives a crash only once the directory is synced. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	free(tmp);
	*saved_path = path;
	return 0;
fail:
	free(tmp);
	free(path);
	return -1;
}

static int print(const char *command, const char *text, struct cd_error *err)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	size_t len = strlen(text);
	int status, wrote;
	FILE *p;

	/* A printer command that stops reading must not kill us with SIGPIPE. */
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &old);
	fflush(NULL);
	p = popen(command, "w");
	if (!p) {
		sigaction(SIGPIPE, &old, NULL);
		cd_error_set(err, CD_ERR_IO, "Cannot start the print command", "%s: %s", command,
			     strerror(errno));
		return -1;
	}
	wrote = fwrite(text, 1, len, p) == len && fflush(p) == 0;
	status = pclose(p);
	sigaction(SIGPIPE, &old, NULL);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		cd_error_set(err, CD_ERR_IO, "The print command failed", "%s: %s %d", command,
			     status != -1 && WIFEXITED(status) ? "exit status" : "status",
			     status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : status);
		return -1;
	}
	if (!wrote) {
		cd_error_set(err, CD_ERR_IO, "The print command failed", "%s: %s", command,
			     "it did not read the whole receipt");
		return -1;
	}
	return 0;
}

int cd_receipt_emit(const struct cd_config *cfg, const char *text, const char *name,
		    char **saved_path, struct cd_error *err)
{
	*saved_path = NULL;
	if (cfg->print_command && *cfg->print_command)
		return print(cfg->print_command, text, err);
	if (!plain_name(name)) {
		cd_error_set(err, CD_ERR_INTERNAL, "Not a plain file name for a receipt", "%s",
			     name ? name : "");
		return -1;
	}
	if (!cfg->print_directory || !*cfg->print_directory) {
		cd_error_set(err, CD_ERR_CONFIG, "No directory for receipts: set [print] directory",
			     NULL);
		return -1;
	}
	return save(cfg->print_directory, text, name, saved_path, err);
}
