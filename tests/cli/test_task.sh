# Routing from the command line against the throwaway cluster and its demo
# reviewers: a newborn case accepted at the window makes one task per step;
# reviewers of the right department list, claim and decide; the wrong
# department, a clerk and a second reviewer are refused; a supervisor
# reassigns; return for correction (补正), correction received, resume; all
# steps approved, case complete, handed over; a rejection needs a reason and
# rejects the case; lights; the timeline shows each event; --json parses.
# Other suites may leave tasks in the same departments, so every check names
# this run's own tasks by number.
. "$COUNTERDESK_TOP/tests/lib/tap.sh"
. "$COUNTERDESK_TOP/tests/lib/cli.sh"
export LANG=C.UTF-8 LANGUAGE=
bin="$COUNTERDESK_BIN"
d=$(mktemp -d "$COUNTERDESK_TMP/task.XXXXXX")

FATHER=330702198803151237
MOTHER=330702199007222465
new_case() { # accepts a complete newborn application; prints the case number
	as clerk1 --json case new --item newborn --applicant "$FATHER" \
		--field child_name=王小红 --field child_sex=女 \
		--field child_birth_date=2026-11-21 --field birth_place=金华市中心医院 \
		--field birth_cert_no=Q330054321 --field child_ethnicity=汉族 \
		--field "father_idno=$FATHER" --field "mother_idno=$MOTHER" \
		--field registered_with=随父 --field household_address=浙江省金华市婺城区城北街道8号 \
		--field card_bank=中国银行 --field card_delivery=窗口领取 \
		--field contact_phone=13912345678 \
		--material parents_id_cards=provided --material household_register=provided \
		--material marriage_certificate=provided --material birth_medical_certificate=provided \
		--material card_photo=provided | jq -r .case_no
}
task_of() { as clerk1 --json case show "$1" | jq -r ".tasks[] | select(.step == $2) | .id"; }
field() { as super1 --json task show "$1" | jq -r ".$2"; } # field TASK KEY (as the supervisor sees it)
approve() { # approve TASK LOGIN: claim and approve
	as "$2" task claim "$1" >/dev/null && as "$2" task decide "$1" --approve >/dev/null
}
kinds() { as clerk1 --json case show "$1" | jq -r '[.timeline[].kind] | join(",")'; }

# A second 卫健 reviewer, so that two reviewers of one department can race.
printf 'reviewer.wj2-demo\n' >"$d/pw"
as admin1 staff add reviewer.wj2 --name 测试员 --role reviewer --dept WJ --password-file "$d/pw" >/dev/null 2>&1

# --- accepting a case makes its tasks
c1=$(new_case)
like "$c1" '^[0-9]{6}-[0-9]{8}-[0-9]{4}$' "a newborn case accepted ($c1)"
json=$(as clerk1 --json case show "$c1"); is $? 0 "case show --json with tasks and timeline"
printf '%s' "$json" | jq -e . >/dev/null; ok $? "case show --json parses"
is "$(printf '%s' "$json" | jq -r '[.tasks[] | "\(.step):\(.dept):\(.status)"] | join(" ")')" \
	"1:WJ:open 2:GA:waiting 3:YB:waiting 4:RS:waiting" \
	"one task per step: the first group open, the later ones waiting"
is "$(printf '%s' "$json" | jq -r '[.timeline[].kind] | join(",")')" "accepted,task_started" \
	"the timeline starts with the acceptance and the first step"
like "$(printf '%s' "$json" | jq -r '.tasks[0].due_at')" '^2[0-9]{3}-[0-9]{2}-[0-9]{2}T' "the first task has a deadline"
t1=$(task_of "$c1" 1); t2=$(task_of "$c1" 2); t3=$(task_of "$c1" 3); t4=$(task_of "$c1" 4)

# --- lists and rights
out=$(as reviewer.wj --json task list --limit 500); is $? 0 "a 卫健 reviewer lists the queue"
printf '%s' "$out" | jq -e 'type == "array"' >/dev/null; ok $? "task list --json is an array"
is "$(printf '%s' "$out" | jq "[.[] | select(.id == $t1)] | length")" 1 "the open 卫健 task is in 卫健's queue"
is "$(printf '%s' "$out" | jq '[.[] | select(.dept != "WJ")] | length')" 0 "and nothing of another department"
out=$(as reviewer.ga --json task list --dept WJ)
is "$(printf '%s' "$out" | jq "[.[] | select(.id == $t1)] | length")" 0 "a 公安 reviewer never sees 卫健's task, even asking for WJ"
out=$(as reviewer.ga task show "$t1" 2>&1); is $? 1 "a reviewer of another department cannot open the task (exit 1)"
like "$out" 'Unknown task' "it is unknown to them"
out=$(as clerk1 task list 2>&1); is $? 77 "a clerk has no queue (77)"
out=$(as reviewer.wj task list --limit 500); like "$out" "^Task +Light +Due" "the text list has a header"
like "$out" "$c1" "and the case of the task"
out=$(as reviewer.wj task list --status finished 2>&1); is $? 2 "an unknown --status is a usage error"

# --- claiming
out=$(as reviewer.wj --json task claim "$t1"); is $? 0 "the 卫健 reviewer claims the task"
is "$(printf '%s' "$out" | jq -r '.status + " " + .claimed_by')" "claimed reviewer.wj" "it is claimed by them"
like "$(printf '%s' "$out" | jq -r .signed_at)" '^2' "claiming signs for it"
mine=$(as reviewer.wj --json task list --mine)
is "$(printf '%s' "$mine" | jq "[.[] | select(.id == $t1)] | length")" 1 "--mine lists the task just claimed"
is "$(printf '%s' "$mine" | jq '[.[] | select(.claimed_by != "reviewer.wj")] | length')" 0 "and only tasks the caller holds"
is "$(as reviewer.wj --json task list --item enterprise_start | jq "[.[] | select(.item != \"enterprise_start\")] | length")" 0 \
	"--item keeps one service item"
is "$(as reviewer.wj --json task list --status claimed | jq '[.[] | select(.status != "claimed")] | length')" 0 \
	"--status claimed keeps held tasks"
is "$(as super1 --json task list --dept WJ | jq '[.[] | select(.dept != "WJ")] | length')" 0 \
	"a supervisor picks a department with --dept"
is "$(as super1 --json task list --dept WJ --limit 500 | jq "[.[] | select(.id == $t1)] | length")" 1 "and sees its tasks"
out=$(as reviewer.wj2 task claim "$t1" 2>&1); is $? 1 "a second reviewer cannot claim a held task (exit 1)"
like "$out" 'Another reviewer holds this task' "and is told someone else holds it"
is "$(field "$t1" claimed_by)" reviewer.wj "the task is still held by the first reviewer"
out=$(as reviewer.wj2 task decide "$t1" --approve 2>&1); is $? 77 "a reviewer who does not hold the task cannot decide it (77)"
like "$out" 'You do not hold this task' "with the reason"
out=$(as reviewer.ga task decide "$t1" --approve 2>&1); is $? 77 "a reviewer of another department cannot decide it (77)"
out=$(as clerk1 task decide "$t1" --approve 2>&1); is $? 77 "a clerk cannot decide tasks (77)"
is "$(field "$t1" status)" claimed "nothing changed"
out=$(as reviewer.wj task release "$t1"); is $? 0 "the holder releases the task"
is "$(field "$t1" status)/$(field "$t1" claimed_by)" "open/null" "it is back in the queue, held by nobody"
# Take next: the first unclaimed task of the department in deadline order.
want=$(as reviewer.wj2 --json task list --status unclaimed | jq -r '.[0].id')
got=$(as reviewer.wj2 --json task claim --next | jq -r .id)
is "$got" "$want" "take next claims the most urgent unclaimed task of the department"
is "$(field "$got" claimed_by)" reviewer.wj2 "held by the one who took it"
as reviewer.wj2 task release "$got" >/dev/null
out=$(as reviewer.wj task claim "$t1"); is $? 0 "claimed again"
like "$out" "You hold task $t1 now" "claim says so in words"
# A claim left idle past its time counts as unclaimed and can be taken over.
su_psql -c "UPDATE core.task SET claim_expires_at = now() - interval '1 second' WHERE id = $t1"
is "$(field "$t1" status)/$(field "$t1" claimed_by)" "open/null" "an idle claim shows as unclaimed"
is "$(as reviewer.wj --json task list --status unclaimed --limit 500 | jq "[.[] | select(.id == $t1)] | length")" 1 \
	"and is listed as unclaimed"
out=$(as reviewer.wj2 --json task claim "$t1"); is $? 0 "another reviewer takes over an idle claim"
is "$(printf '%s' "$out" | jq -r .claimed_by)" reviewer.wj2 "who holds it now"
as reviewer.wj2 task release "$t1" >/dev/null
as reviewer.wj task claim "$t1" >/dev/null

# --- bad decisions change nothing
before=$(kinds "$c1")
out=$(as reviewer.wj task decide "$t1" --reject "" 2>&1); is $? 1 "rejecting without a reason exits 1"
like "$out" 'A reason is required' "the reason is asked for"
out=$(as reviewer.wj task decide "$t1" --transfer NOPE --reason 测试 2>&1); is $? 1 "transferring to an unknown department exits 1"
like "$out" 'Unknown department' "and names the problem"
out=$(as reviewer.wj task decide "$t1" --transfer WJ --reason 测试 2>&1); is $? 1 "transferring to its own department exits 1"
out=$(as reviewer.wj task decide "$t1" --transfer GA 2>&1); is $? 2 "transfer without --reason is a usage error"
out=$(as reviewer.wj task decide "$t1" --approve --reject x 2>&1); is $? 2 "two decisions at once are a usage error"
out=$(as reviewer.wj task decide "$t1" 2>&1); is $? 2 "no decision is a usage error"
out=$(as reviewer.wj task decide abc --approve 2>&1); is $? 2 "a task number must be a number"
is "$(field "$t1" status)/$(field "$t1" dept)" "claimed/WJ" "the task is unchanged after the refusals"
is "$(kinds "$c1")" "$before" "the timeline holds no refused decision"

# --- approve: the next group starts
out=$(as reviewer.wj --json task decide "$t1" --approve --note 出生医学证明核验无误); is $? 0 "the holder approves"
printf '%s' "$out" | jq -e . >/dev/null; ok $? "decide --json parses"
is "$(printf '%s' "$out" | jq -r '"\(.task_status) \(.case_status) \(.started)"')" "approved accepted 1" \
	"approved; the next step (公安) started"
out=$(as reviewer.wj task decide "$t1" --approve 2>&1); is $? 1 "deciding twice exits 1"
like "$out" 'already decided' "it is already decided"
is "$(field "$t2" status)" open "the 公安 task is open now"
is "$(field "$t3" status)" waiting "the third group still waits"

# --- return for correction (补正), correction received, resume
as reviewer.ga task claim "$t2" >/dev/null
out=$(as reviewer.ga task decide "$t2" --return "户口簿原件" 2>&1); is $? 0 "the 公安 reviewer returns it for correction"
like "$out" 'Case status: waiting for the applicant' "the case waits for the applicant"
is "$(field "$t2" status)/$(field "$t2" light)" "returned/paused" "the task is returned, its clock stopped"
is "$(field "$t2" returned_note)" "户口簿原件" "what is needed is recorded"
like "$(as clerk1 case show "$c1")" "Task $t2 asks the applicant for: 户口簿原件" "the window sees what is needed"
out=$(as reviewer.ga task claim "$t2" 2>&1); is $? 1 "a returned task cannot be claimed"
out=$(as clerk1 case handover "$c1" 2>&1); is $? 1 "an unfinished case cannot be handed over"
like "$out" 'not finished' "and the clerk is told why"
out=$(as reviewer.ga case correction "$c1" --note x 2>&1); is $? 77 "only a clerk records a correction (77)"
out=$(as clerk1 --json case correction "$c1" --note "已补交户口簿原件"); is $? 0 "the clerk records the correction"
is "$(printf '%s' "$out" | jq -r '"\(.resumed) \(.visits)"')" "1 2" "one task resumes; the applicant's second visit"
out=$(as clerk1 case correction "$c1" --note again 2>&1); is $? 1 "nothing more waits for a correction (exit 1)"
is "$(field "$t2" status)" open "the 公安 task is back in the queue"
out=$(as clerk1 case correction "$c1" 2>&1); is $? 2 "correction needs --note"

# --- a note keeps the claim; approval starts the parallel group
as reviewer.ga task claim "$t2" >/dev/null
out=$(as reviewer.ga task decide "$t2" --note "核对户籍信息"); is $? 0 "a note"
is "$(field "$t2" status)/$(field "$t2" claimed_by)" "claimed/reviewer.ga" "a note keeps the claim"
out=$(as reviewer.ga --json task decide "$t2" --approve); is "$(printf '%s' "$out" | jq .started)" 2 \
	"approving 公安 starts both tasks of the parallel group"
is "$(field "$t3" status)/$(field "$t4" status)" "open/open" "医保 and 人社 are open together"

# --- transfer, and the supervisor reassigns
as reviewer.yb task claim "$t3" >/dev/null
out=$(as reviewer.yb task decide "$t3" --transfer RS --reason "人社窗口代办" 2>&1); is $? 0 "医保 transfers its task to 人社"
is "$(field "$t3" dept)/$(field "$t3" status)/$(field "$t3" signed_at)" "RS/open/null" \
	"it is open in 人社 with a fresh sign-for clock"
out=$(as reviewer.yb task reassign "$t3" --to YB --reason 退回 2>&1); is $? 77 "a reviewer cannot reassign (77)"
out=$(as super1 task reassign "$t3" --to YB 2>&1); is $? 2 "reassign without --reason is a usage error"
out=$(as super1 task reassign "$t3" --to YB --reason "" 2>&1); is $? 1 "an empty reason is refused"
out=$(as super1 task reassign "$t3" --to YB --reason "医保自行办理"); is $? 0 "the supervisor reassigns it to 医保"
is "$(field "$t3" dept)" YB "it is in 医保 again"
out=$(as super1 --json task reassign "$t3" --to reviewer.yb --reason "由杨磊办理"); is $? 0 "and to a reviewer"
is "$(printf '%s' "$out" | jq -r '.status + " " + .claimed_by')" "claimed reviewer.yb" "who now holds it"
out=$(as super1 task reassign "$t3" --to reviewer.rs --reason x 2>&1); is $? 1 "not to a reviewer of another department"
like "$out" 'does not work in that department' "with the reason"

# --- every step approved: the case is complete, then handed over
as reviewer.yb task decide "$t3" --approve >/dev/null
as reviewer.rs task claim "$t4" >/dev/null
out=$(as reviewer.rs --json task decide "$t4" --approve); is "$(printf '%s' "$out" | jq -r .case_status)" complete \
	"the last approval completes the case"
out=$(as clerk1 --json case handover "$c1"); is $? 0 "the window hands the result over"
is "$(printf '%s' "$out" | jq -r '"\(.status) \(.on_time)"')" "handed_over true" "handed over, on time"
like "$(printf '%s' "$out" | jq -r .completed_on)" '^[0-9]{4}-' "the actual completion date is kept"
paper=$(printf '%s' "$out" | jq -r .paper)
ok "$([ -f "$paper" ]; echo $?)" "the result paper is saved ($paper)"
like "$(cat "$paper" 2>/dev/null)" '办 结 通 知 书' "it is the notice that the case is complete"
like "$(cat "$paper" 2>/dev/null)" "受理编号： *$c1" "for this case"
like "$(grep -c '办结$' "$paper" 2>/dev/null)" '^4$' "listing the four departments' approvals"
ok "$(grep -q "$FATHER" "$paper" 2>/dev/null; [ $? -ne 0 ]; echo $?)" "with the identity number masked only"
out=$(as clerk1 case handover "$c1" 2>&1); is $? 1 "handing over twice exits 1"
is "$(as clerk1 --json case show "$c1" | jq -r .status)" handed_over "the case is handed over"

# --- the timeline: every event, with time, department, who, what, note
k=$(kinds "$c1")
for kind in accepted task_started claimed released approved returned correction_received note \
	transferred reassigned completed handed_over; do
	case ",$k," in *",$kind,"*) ok 0 "the timeline records $kind" ;; *) ok 1 "the timeline records $kind ($k)" ;; esac
done
ev=$(as clerk1 --json case show "$c1" | jq -c '.timeline[] | select(.kind == "returned")')
is "$(printf '%s' "$ev" | jq -r '"\(.dept) \(.actor) \(.note) \(.task_id)"')" "GA reviewer.ga 户口簿原件 $t2" \
	"the return names department, reviewer, what is needed and the task"
like "$(printf '%s' "$ev" | jq -r .at)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}' "with its time"
out=$(as clerk1 case show "$c1")
like "$out" 'returned for correction \(task [0-9]+\) +户口簿原件' "case show prints the timeline in words with the note"
like "$out" 'GA 公安 +吴刚' "with the department and who"
out=$(LANG=zh_CN.UTF-8 as clerk1 case show "$c1")
like "$out" '办理过程' "in Chinese the timeline has its heading"
like "$out" '退回补正（任务 [0-9]+） +户口簿原件' "and its words"
# Columns line up by display width: the case number starts at the same column on every row.
cols=$(printf '%s\n' "$out" | sed -n '/^办理环节/,/^$/p' | grep "$c1" | perl -CSD -ne '
	($pre) = /^(.*?)\d{6}-\d{8}-\d{4}/; $w = length($pre);
	$w++ while $pre =~ /[\x{1100}-\x{115F}\x{2E80}-\x{A4CF}\x{AC00}-\x{D7A3}\x{F900}-\x{FAFF}\x{FE30}-\x{FE4F}\x{FF00}-\x{FF60}\x{FFE0}-\x{FFE6}]/g;
	print "$w\n"' | sort -u | wc -l)
is "$cols" 1 "the Chinese task table is aligned by display width"
out=$(as reviewer.yb case show "$c1" >/dev/null 2>&1); is $? 0 "a reviewer of a department with a task in the case reads it"

# --- rejection rejects the case and cancels the rest: in a parallel group,
# with the other task of the group open
c2=$(new_case); r1=$(task_of "$c2" 1); r2=$(task_of "$c2" 2); r3=$(task_of "$c2" 3); r4=$(task_of "$c2" 4)
approve "$r1" reviewer.wj; approve "$r2" reviewer.ga
as reviewer.yb task claim "$r3" >/dev/null
out=$(as reviewer.yb --json task decide "$r3" --reject "不符合参保条件"); is $? 0 "a reviewer rejects with a reason"
is "$(printf '%s' "$out" | jq -r '.task_status + " " + .case_status')" "rejected rejected" "the case is rejected"
is "$(field "$r4" status)" cancelled "the open task of the group is cancelled"
is "$(field "$r3" reason)" "不符合参保条件" "the reason is kept for the decision notice"
like "$(LANG=zh_CN.UTF-8 as clerk1 case show "$c2")" "任务 $r3 不予通过：不符合参保条件" "and case show prints it"
out=$(as reviewer.rs task claim "$r4" 2>&1); is $? 1 "a cancelled task cannot be claimed"
out=$(as clerk1 --json case handover "$c2"); is "$(printf '%s' "$out" | jq -r .status)" handed_over \
	"the decision of a rejected case is handed over"
paper=$(printf '%s' "$out" | jq -r .paper)
like "$(cat "$paper" 2>/dev/null)" '不 予 许 可 决 定 书' "with the decision not to grant it"
like "$(cat "$paper" 2>/dev/null)" '经医保审查，决定不予许可' "naming the department that decided"
like "$(cat "$paper" 2>/dev/null)" '理由：不符合参保条件' "and its reason, printed on the notice"
like "$(kinds "$c2")" 'rejected.*case_rejected' "the timeline records the rejection of the case"
# ... and at the first step, with the later groups still waiting.
c4=$(new_case); w1=$(task_of "$c4" 1); w2=$(task_of "$c4" 2)
as reviewer.wj task claim "$w1" >/dev/null
out=$(as reviewer.wj --json task decide "$w1" --reject "出生医学证明与医院记录不符" 2>&1)
is "$(printf '%s' "$out" | jq -r '.task_status + " " + .case_status' 2>/dev/null)" "rejected rejected" \
	"rejecting the first step rejects the case ($out)"
is "$(field "$w2" status)" cancelled "the waiting steps are cancelled"

# --- lights: yellow at 80 % of the time, red past it (deadlines moved back by hand)
c3=$(new_case); y1=$(task_of "$c3" 1)
su_psql -c "UPDATE core.task SET yellow_at = now() - interval '1 minute' WHERE id = $y1"
is "$(field "$y1" light)" yellow "a task past 80 % of its time is yellow"
su_psql -c "UPDATE core.task SET due_at = now() - interval '1 minute' WHERE id = $y1;
	    UPDATE core.task_ready SET due_at = now() - interval '1 minute' WHERE task_id = $y1"
is "$(field "$y1" light)" red "past its deadline it is red"
out=$(as super1 --json task overdue); is $? 0 "the supervisor lists overdue tasks"
is "$(printf '%s' "$out" | jq "[.[] | select(.id == $y1)] | length")" 1 "the red task is on the supervisor's list"
is "$(as reviewer.wj --json task list --overdue | jq "[.[] | select(.id == $y1)] | length")" 1 \
	"and in its department's queue with --overdue"
is "$(as reviewer.wj --json task list --overdue | jq '[.[] | select(.light != "red")] | length')" 0 \
	"--overdue lists red tasks only"
out=$(as reviewer.wj task overdue 2>&1); is $? 77 "a reviewer has no supervisor's list (77)"
like "$(as reviewer.wj task list --overdue)" "$y1 +red light" "the text list shows the light in words"
like "$(LANG=zh_CN.UTF-8 as reviewer.wj task list --overdue)" "$y1 +红灯" "in Chinese too"
out=$(as reviewer.wj --json task summary); is $? 0 "task summary"
is "$(printf '%s' "$out" | jq -r '[.[].dept] | unique | join(",")')" WJ "a reviewer's summary is their department only"
ge=$(printf '%s' "$out" | jq '.[0].red >= 1')
is "$ge" true "and counts the red task"
# Leave nothing open behind for later suites.
approve "$y1" reviewer.wj && approve "$(task_of "$c3" 2)" reviewer.ga &&
	approve "$(task_of "$c3" 3)" reviewer.yb && approve "$(task_of "$c3" 4)" reviewer.rs
is "$(as clerk1 --json case show "$c3" | jq -r .status)" complete "the test's last case is complete"

done_testing
