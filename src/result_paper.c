/* The result paper of a handed-over case (result_paper.h). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "intake.h"
#include "receipt.h"
#include "result_paper.h"
#include "task.h"
#include "util.h"

static void stamp(time_t t, char *buf, size_t len)
{
	struct tm tm;

	buf[0] = '\0';
	if (t && localtime_r(&t, &tm))
		strftime(buf, len, "%Y-%m-%d %H:%M", &tm);
}

char *cd_result_paper_build(const struct cd_case *c, const struct cd_case_event *ev, size_t nev,
			    const struct cd_handover *h, const char *centre_name,
			    const char *clerk, int window_no)
{
	struct cd_paper_step *steps = xcalloc(nev + 1, sizeof(*steps));
	char (*when)[32] = xcalloc(nev + 1, sizeof(*when));
	char reject_at[32] = "", now[32];
	struct cd_result_paper p = { 0 };
	char *text;

	stamp(time(NULL), now, sizeof(now));
	p.centre_name = centre_name ? centre_name : "";
	p.case_no = c->case_no;
	p.item_name = c->item_name_zh ? c->item_name_zh : c->item;
	p.applicant_name = c->applicant_name;
	p.applicant_id_mask = c->applicant_id_mask;
	p.accepted_at = c->accepted_at;
	p.promised_date = h && h->promised_date[0] ? h->promised_date : c->promised_date;
	p.completed_on = h && h->completed_on[0] ? h->completed_on : NULL;
	p.on_time = h ? h->on_time : true;
	/* The timeline is oldest first: the approvals in the order they were
	 * given; a rejection ends the case, so there is at most one. */
	for (size_t i = 0; i < nev; i++) {
		if (!strcmp(ev[i].kind, "rejected")) {
			p.rejected = true;
			p.reject_dept = ev[i].dept_name[0] ? ev[i].dept_name : ev[i].dept;
			p.reject_reason = ev[i].note;
			stamp(ev[i].at, reject_at, sizeof(reject_at));
			p.reject_at = reject_at[0] ? reject_at : NULL;
		} else if (!strcmp(ev[i].kind, "approved")) {
			stamp(ev[i].at, when[p.nsteps], sizeof(when[0]));
			steps[p.nsteps].dept_name = ev[i].dept_name[0] ? ev[i].dept_name : ev[i].dept;
			steps[p.nsteps].decided_at = when[p.nsteps];
			p.nsteps++;
		}
	}
	p.steps = steps;
	p.clerk = clerk;
	p.window_no = window_no;
	p.handed_over_at = now;
	text = cd_result_text(&p);
	free(steps);
	free(when);
	return text;
}

int cd_result_paper_fetch(struct cd_db *db, const char *case_no, const struct cd_handover *h,
			  const char *centre_name, const char *clerk, int window_no, char **text,
			  struct cd_error *err)
{
	struct cd_case c;
	struct cd_case_event *ev = NULL;
	size_t nev = 0;

	*text = NULL;
	memset(&c, 0, sizeof(c));
	if (cd_case_get(db, case_no, &c, err) < 0)
		return -1;
	if (cd_case_timeline(db, case_no, &ev, &nev, err) < 0) {
		cd_case_clear(&c);
		return -1;
	}
	*text = cd_result_paper_build(&c, ev, nev, h, centre_name, clerk, window_no);
	free(ev);
	cd_case_clear(&c);
	return 0;
}
