/* Every action a key can trigger, once. This one list makes the action enum,
 * the default key bindings (keys.c), the F1 help (help.c) and the hints in the
 * title line, so that none of them can drift from the others.
 *
 *   ACTION(name, default key, hint, help)
 *
 * hint is the short word shown next to the key in the title line; help is the
 * sentence in the F1 screen. Both are English source strings for gettext.
 * Extra keys for the same action (fallbacks for terminals without function
 * keys) are listed in keys.c. Include <curses.h> before this file. */
#ifndef CD_ACTIONS_H
#define CD_ACTIONS_H

#define CD_CTRL(c) ((c) & 0x1f)
#define CD_KEY_ESC 27

#define CD_ACTIONS(ACTION)                                                                  \
	ACTION(HELP, KEY_F(1), N_("Help"), N_("Show the keys of this screen"))               \
	ACTION(BACK, CD_KEY_ESC, N_("Back"), N_("Go back, close or cancel"))                 \
	ACTION(QUIT, KEY_F(10), N_("Quit"), N_("Quit counterdesk (asks first when work is unsaved)")) \
	ACTION(LOCK, KEY_F(12), N_("Lock"), N_("Lock the screen now"))                       \
	ACTION(REDRAW, CD_CTRL('L'), N_("Redraw"), N_("Redraw the whole screen"))            \
	ACTION(SUBMIT, '\r', N_("Open"), N_("Confirm: log in, unlock or open the selected entry")) \
	ACTION(NEXT, '\t', N_("Next"), N_("Go to the next field"))                           \
	ACTION(PREV, KEY_BTAB, N_("Previous"), N_("Go to the previous field"))               \
	ACTION(UP, KEY_UP, N_("Up"), N_("Move to the entry or field above"))                 \
	ACTION(DOWN, KEY_DOWN, N_("Down"), N_("Move to the entry or field below"))           \
	ACTION(PAGE_UP, KEY_PPAGE, N_("Page up"), N_("Scroll up one page"))                  \
	ACTION(PAGE_DOWN, KEY_NPAGE, N_("Page down"), N_("Scroll down one page"))            \
	ACTION(FIRST, KEY_HOME, N_("Start"), N_("Go to the start of the field, or the first entry")) \
	ACTION(LAST, KEY_END, N_("End"), N_("Go to the end of the field, or the last entry")) \
	ACTION(LEFT, KEY_LEFT, N_("Left"), N_("Move one character left"))                    \
	ACTION(RIGHT, KEY_RIGHT, N_("Right"), N_("Move one character right"))                \
	ACTION(DEL_BACK, KEY_BACKSPACE, N_("Erase"), N_("Delete the character before the cursor")) \
	ACTION(DEL_FWD, KEY_DC, N_("Delete"), N_("Delete the character under the cursor"))   \
	ACTION(CLEAR, CD_CTRL('U'), N_("Clear"), N_("Clear the whole field"))                \
	ACTION(YES, 'y', N_("Yes"), N_("Answer yes"))                                        \
	ACTION(NO, 'n', N_("No"), N_("Answer no"))                                           \
	ACTION(CALL_NEXT, KEY_F(2), N_("Call next"), N_("Call the next ticket to this window (green-channel tickets first)")) \
	ACTION(RECALL, KEY_F(3), N_("Recall"), N_("Call the ticket at the window once more (the number of recalls is limited)")) \
	ACTION(NO_SHOW, KEY_F(4), N_("No-show"), N_("Mark the ticket called as a no-show: the visitor did not come")) \
	ACTION(FINISH, KEY_F(8), N_("Finish"), N_("Finish the service; the window's rating pad then asks the visitor")) \
	ACTION(PAUSE, KEY_F(9), N_("Pause"), N_("Pause the window, or open it again")) \
	ACTION(TRANSFER, 't', N_("Transfer"), N_("Transfer the ticket to another category or window; the visitor keeps their place")) \
	ACTION(CALL_NUMBER, 'c', N_("By number"), N_("Call a waiting ticket by its number, out of order, with a reason")) \
	ACTION(APPLY, 'a', N_("Apply"), N_("Open a new integrated application for the visitor at the window; its case is linked to the ticket")) \
	ACTION(GREEN, 'g', N_("Assist"), N_("Start an assisted session of the green channel (helpers), from the green ticket called or for a walk-in")) \
	ACTION(SEND, KEY_F(5), N_("Submit"), N_("Submit the application: accept it, accept it on commitment or issue the one-time notice")) \
	ACTION(MATERIALS, KEY_F(6), N_("Materials"), N_("Switch between the form and the materials checklist")) \
	ACTION(APPLICANT, KEY_F(7), N_("Applicant"), N_("Change the applicant or record a proxy")) \
	ACTION(TOGGLE, ' ', N_("Toggle"), N_("Mark a material provided or missing; take the next choice of a field")) \
	ACTION(SUPPLEMENT, 's', N_("Supplement"), N_("Record a visit that brings a missing material (one more visit)")) \
	ACTION(PRINT, 'p', N_("Print"), N_("Print the receipt or the one-time notice again")) \
	ACTION(VERIFY, 'v', N_("Verify"), N_("Verify every verifiable material of the case against shared data")) \
	ACTION(RESOLVE, 'h', N_("By hand"), N_("Record that the original document was checked by hand (after a mismatch or a not-found), with a reason")) \
	ACTION(TAKE_NEXT, 'w', N_("Take next"), N_("Claim the most urgent unclaimed task of the department and open it")) \
	ACTION(CLAIM, 'k', N_("Claim"), N_("Claim this task: nobody else can decide it while you hold it")) \
	ACTION(APPROVE, 'o', N_("Approve"), N_("Approve the task, with a reason if you wish")) \
	ACTION(RETURN_CORR, 'b', N_("Correction"), N_("Return the task for correction (补正), saying what the applicant must bring; its clock stops")) \
	ACTION(REJECT, 'r', N_("Reject"), N_("Reject the task with a reason, printed on the decision notice; the case is rejected")) \
	ACTION(MOVE_DEPT, 'd', N_("To department"), N_("Transfer the task to another department, with a reason")) \
	ACTION(NOTE, 'm', N_("Note"), N_("Add a note to the task's timeline (keeps the claim)")) \
	ACTION(RELEASE, 'l', N_("Release"), N_("Release the task back to the department's queue")) \
	ACTION(REASSIGN, 'u', N_("Reassign"), N_("Supervisors: reassign the task to another reviewer or department, with a reason")) \
	ACTION(FILTER_STATUS, 'S', N_("Status"), N_("Show the tasks of the next status only (all, unclaimed, claimed, returned)")) \
	ACTION(FILTER_ITEM, 'I', N_("Item"), N_("Show the tasks of one service item only, chosen from a list (or all items again)")) \
	ACTION(FILTER_OVERDUE, 'O', N_("Overdue"), N_("Show only the overdue (red) tasks, or all again")) \
	ACTION(FILTER_MINE, 'M', N_("Mine"), N_("Show only the tasks you hold, or all again")) \
	ACTION(CORRECTED, 'f', N_("Corrected"), N_("Record that the applicant brought what a returned task asked for: its clock runs again")) \
	ACTION(HANDOVER, 'e', N_("Hand over"), N_("Hand the result of a complete or rejected case to the applicant")) \
	ACTION(REVEAL, 'x', N_("Reveal"), N_("Show one full personal value of the case for a purpose, which the audit log records")) \
	ACTION(RETRY, 'R', N_("Retry"), N_("Deliver the selected dead or failing event again")) \
	ACTION(RETRY_ALL, 'T', N_("Retry all"), N_("Deliver every dead and failing event of the selected event's target again")) \
	ACTION(TEMP_WINDOW, 'W', N_("Window"), N_("Open a temporary window or change the categories a window serves, with a reason; on a temporary window, close it again (supervisors)")) \
	ACTION(ESCALATE, 'E', N_("Escalate"), N_("Escalate a case (督办) with a reason (supervisors)"))

enum action {
	ACT_NONE = 0,
#define CD_ACTION_ENUM(name, key, hint, help) ACT_##name,
	CD_ACTIONS(CD_ACTION_ENUM)
#undef CD_ACTION_ENUM
	ACT_COUNT
};

#endif
