/* Words for the audit log's action codes (audit_label.h). The codes are
 * what sql/ passes to core.audit_write; tests/unit/test_audit_label.c
 * checks that each of them is here. */

#include "audit_label.h"
#include "i18n.h"

static const char *const labels[][2] = {
	{ "audit_seal", N_("Audit chain sealed") },
	{ "calendar_load", N_("Working-day calendar loaded") },
	{ "case_accept", N_("Case accepted") },
	{ "case_correction", N_("Correction received") },
	{ "case_escalate", N_("Case escalated") },
	{ "case_handover", N_("Result handed over") },
	{ "case_supplement", N_("Material supplemented") },
	{ "case_verify", N_("Materials verified") },
	{ "configure", N_("Settings changed") },
	{ "dept_add", N_("Department added") },
	{ "green_end", N_("Green-channel session ended") },
	{ "green_followup_close", N_("Green-channel follow-up closed") },
	{ "green_start", N_("Green-channel session started") },
	{ "hall_close_day", N_("Hall closed for the day") },
	{ "hall_load", N_("Hall configuration loaded") },
	{ "item_load", N_("Service items loaded") },
	{ "login", N_("Logged in") },
	{ "notice_issue", N_("Notice issued") },
	{ "rating_appeal", N_("Rating appealed") },
	{ "rating_appeal_decide", N_("Rating appeal decided") },
	{ "rating_callback", N_("Bad rating called back") },
	{ "rating_rectify", N_("Bad rating rectified") },
	{ "registry_lookup", N_("Shared data looked up") },
	{ "reveal", N_("Full value revealed") },
	{ "staff_add", N_("Staff account added") },
	{ "staff_disable", N_("Staff account disabled") },
	{ "staff_set_password", N_("Password set") },
	{ "sync_retry", N_("Delivery retried") },
	{ "sync_targets_load", N_("Department systems loaded") },
	{ "task_decide", N_("Task decided") },
	{ "task_reassign", N_("Task reassigned") },
	{ "ticket_call_out_of_order", N_("Ticket called out of order") },
	{ "verification_resolve", N_("Verification resolved") },
	{ "window_close_temp", N_("Temporary window closed") },
	{ "window_open_temp", N_("Temporary window opened") },
};

const char *cd_audit_action_label(const char *action)
{
	return I18N_WORD(labels, action, action ? action : "");
}
