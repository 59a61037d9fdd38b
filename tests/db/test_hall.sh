# The hall through the command line against the throwaway cluster: hall.ini
# checks, tickets and daily numbers, the calling order, 16 windows calling
# next at once with no ticket called twice (16 parallel CLI processes, then
# 16 pgbench clients), transfer keeping the place, pause, recall, out of
# order, an assisted session with a proxy and a home visit, a bad rating
# through its whole follow-up, and the database's refusals (42501).
# Leaves the hall as config/hall.ini describes it and no ticket waiting.
. "$COUNTERDESK_TOP/tests/lib/tap.sh"
. "$COUNTERDESK_TOP/tests/lib/cli.sh"
export LANG=C.UTF-8 LANGUAGE=
bin="$COUNTERDESK_BIN"
as_psql() { # as_psql LOGIN SQL
	PGPASSWORD="$1-demo" psql -X -q -At -U "$1" -d counterdesk -v ON_ERROR_STOP=1 -c "$2"
}
# jfield JSON PATH: the value at a dotted path (a.0.b); "" for null.
d=$(mktemp -d "$COUNTERDESK_TMP/hall.XXXXXX")
pgbench=""
for v in 15 16 17; do [ -x "/usr/lib/postgresql/$v/bin/pgbench" ] && pgbench="/usr/lib/postgresql/$v/bin/pgbench" && break; done
[ -n "$pgbench" ] || pgbench=$(command -v pgbench)

# Every window free and nobody waiting (what this test leaves, and what it
# needs before the calling order checks).
clean_hall() {
	su_psql >/dev/null <<'SQL'
SELECT api.window_noshow(gen_random_uuid(), window_no) FROM core.hall_window WHERE current_ticket IS NOT NULL;
SELECT core.hall_sweep(core.today() + 1, true, 'close', 'test_hall.sh', gen_random_uuid());
UPDATE core.hall_window SET paused = false, paused_at = NULL, priority_streak = 0;
SQL
}
restore() {
	clean_hall
	"$bin" -U postgres hall load >/dev/null 2>&1
	rm -rf "$d"
}
trap restore EXIT

# ---------------------------------------------------------------- hall.ini
cat >"$d/hall.ini" <<'INI'
; 16 windows for the concurrency test
[rules]
priority_cap = 2
ordinary_wait_minutes = 20
recall_limit = 1
closing_time = 23:59
at_closing = close
green_category = G
[ratings]
callback_working_days = 1
rectify_working_days = 15
[categories]
A = 综合受理
B = 社保医保
C = 不动产
G = 绿色通道
[windows]
1 = A
2 = A
3 = A
4 = A
5 = A
6 = A
7 = A
8 = A
9 = A
10 = A
11 = A
12 = A
13 = A
14 = A
15 = A
16 = A
17 = B
18 = C
19 = G
INI
out=$("$bin" hall check --file "$d/hall.ini" 2>&1); is $? 0 "hall check accepts a good file"
like "$out" '4 categories, 19 windows' "and counts its categories and windows"
out=$("$bin" hall check 2>&1); is $? 0 "config/hall.ini itself is correct"

bad() { # bad DESCRIPTION EXPECTED-REGEX  (checks $d/bad.ini)
	out=$("$bin" hall check --file "$d/bad.ini" 2>&1); rc=$?
	is "$rc" 78 "hall check: $1 exits 78"
	like "$out" "$2" "hall check: $1 names file, section and key"
}
printf '[rules]\nprority_cap = 3\n[categories]\nA = 综合\n[windows]\n1 = A\n' >"$d/bad.ini"
bad "a misspelt key" 'bad\.ini: \[rules\] prority_cap: unknown key'
printf '[rules]\nclosing_time = 25:00\ngreen_category = A\n[categories]\nA = 综合\n[windows]\n1 = A\n' >"$d/bad.ini"
bad "a closing time that is no time" '\[rules\] closing_time: expected a time of day HH:MM'
printf '[rules]\ngreen_category = A\n[categories]\nA = 综合\n[windows]\n1 = A, Q\n' >"$d/bad.ini"
bad "a window serving an unknown category" '\[windows\] 1: expected letters of \[categories\]'
printf '[rules]\ngreen_category = A\n[categories]\nA = 综合\nB = 社保\n[windows]\n1 = A\n' >"$d/bad.ini"
bad "a category no window serves" '\[windows\]: no window serves category B'
printf '[rules]\npriority_cap = 0\ngreen_category = A\n[categories]\nA = 综合\n[windows]\n1 = A\n' >"$d/bad.ini"
bad "a priority cap of 0" '\[rules\] priority_cap: expected a whole number from 1 to 50'
printf '[rules]\n[categories]\nA = 综合\n[windows]\n1 = A\n' >"$d/bad.ini"
bad "a green category that does not exist" '\[rules\] green_category: expected one of the category letters'
printf '[hall]\nx = 1\n' >"$d/bad.ini"
bad "an unknown section" '\[hall\]: unknown section'
out=$("$bin" hall check --file "$d/none.ini" 2>&1); is $? 78 "a missing hall file exits 78"

out=$(as clerk1 hall load --file "$d/hall.ini" 2>&1); is $? 77 "a clerk cannot load the hall file (77)"
clean_hall
out=$(as admin1 hall load --file "$d/hall.ini" 2>&1); is $? 0 "an administrator loads the hall file"
like "$out" '4 categories, 19 windows' "hall load reports what is in force"
out=$(as clerk1 --json hall show); like "$out" '"priority_cap":2' "hall show --json gives the rules in force"

# ---------------------------------------------------------------- tickets, calling order
out=$(as kiosk1 --json ticket issue --category A); is $? 0 "the kiosk issues a ticket"
a1=$(jfield "$out" number)
like "$a1" '^A[0-9]{3,}$' "an A ticket is numbered A<nnn>"
is "$(jfield "$out" category_name)" "综合受理" "the ticket names its category"
out=$(as kiosk1 ticket issue --category a); like "$out" "People ahead: 1" "the next visitor has one person ahead"
a2=$(printf '%s' "$out" | sed -n 's/^Ticket \(A[0-9]*\).*/\1/p')
is "$a2" "A$(printf '%03d' $((10#${a1#A} + 1)))" "numbers count up per letter"
out=$(as kiosk1 --json ticket issue --category A --appointment "YY-$$"); ap=$(jfield "$out" number)
out=$(as kiosk1 ticket issue --category A --appointment "YY-$$" 2>&1); is $? 1 "an appointment checks in once"
out=$(as kiosk1 --json ticket issue --category A --green); g1=$(jfield "$out" number)
like "$g1" '^G[0-9]{3,}$' "a green ticket takes the green letter"
is "$(jfield "$out" category)" "A" "and keeps its category"
out=$(as kiosk1 ticket issue --category Z 2>&1); is $? 1 "an unknown category exits 1"
like "$out" 'Unknown ticket category' "and says so"
out=$(as kiosk1 ticket issue 2>&1); is $? 2 "ticket issue without --category is a usage error"
out=$(as "reviewer.mz" ticket issue --category A 2>&1); is $? 77 "a reviewer cannot issue tickets"

calls=""
for i in 1 2 3 4; do
	out=$(as clerk1 --json window call --window 1); calls="$calls $(jfield "$out" number):$(jfield "$out" rule)"
	as clerk1 window finish --window 1 >/dev/null
done
is "$calls" " $g1:green $ap:appointment $a1:arrival $a2:arrival" \
	"calling order: green, then the appointment, then arrival order"
out=$(as clerk1 window call --window 1 2>&1); is $? 1 "nothing left: call exits 1"
like "$out" 'No ticket is waiting for this window' "and says so"

# ---------------------------------------------------------------- 16 windows at once (CLI)
issue_many() { # issue_many N: N A tickets in one statement (one call per row)
	as_psql kiosk1 "SELECT count(*) FROM (SELECT api.ticket_issue(gen_random_uuid(), 'A', false, NULL)
		FROM generate_series(1, $1)) x"
}
mark=$(su_psql -c "SELECT now()")
is "$(issue_many 40)" 40 "40 tickets issued"
for w in $(seq 1 16); do
	( as clerk1 --json window call --window "$w" >"$d/call.$w" 2>&1; echo $? >"$d/rc.$w" ) &
done
wait
fails=0
for w in $(seq 1 16); do [ "$(cat "$d/rc.$w")" = 0 ] || fails=$((fails + 1)); done
is "$fails" 0 "16 windows calling next at the same moment all get a ticket"
for w in $(seq 1 16); do jfield "$(cat "$d/call.$w")" number; echo; done | sort >"$d/called"
is "$(sort -u "$d/called" | grep -c .)" 16 "16 different tickets: none called twice"
for w in $(seq 1 16); do as clerk1 window finish --window "$w" >/dev/null & done
wait

# ---------------------------------------------------------------- 16 windows at once (pgbench)
is "$(issue_many 500)" 500 "500 more tickets issued"
before=$(su_psql -c "SELECT count(*) FROM core.ticket_ready WHERE category = 'A'")
cat >"$d/call.pgb" <<'PGB'
\set w :client_id + 1
SELECT number FROM api.window_call(gen_random_uuid(), :w);
SELECT number FROM api.window_finish(gen_random_uuid(), :w, NULL);
PGB
PGPASSWORD=clerk1-demo "$pgbench" -n -U clerk1 -d counterdesk -c 16 -j 4 -t 25 -f "$d/call.pgb" >"$d/pgbench.out" 2>&1
rc=$?
is "$rc" 0 "pgbench: 16 clients, 25 calls each, no client failed"
[ "$rc" = 0 ] || diag "$(tail -5 "$d/pgbench.out")"
like "$(cat "$d/pgbench.out")" 'number of transactions actually processed: 400/400' "400 calls and finishes"
after=$(su_psql -c "SELECT count(*) FROM core.ticket_ready WHERE category = 'A'")
is "$((before - after))" 400 "exactly 400 tickets left the waiting set"
# A ticket is called once, plus once after each transfer.
is "$(su_psql -c "SELECT count(*) FROM core.ticket t WHERE t.day = core.today()
	AND (SELECT count(*) FROM core.ticket_event e WHERE e.ticket_id = t.id AND e.kind = 'call') > t.transfers + 1")" 0 \
	"no ticket was ever called twice"
is "$(su_psql -c "SELECT count(*) FROM core.ticket WHERE issued_at >= '$mark' AND status = 'done'
	AND window_no BETWEEN 1 AND 16 AND called_by = 'clerk1' AND wait_seconds IS NOT NULL AND finished_at >= called_at")" 416 \
	"416 services (16 + 400) recorded with waiting and service times"
clean_hall

# ---------------------------------------------------------------- transfer, pause, recall, out of order
out=$(as kiosk1 --json ticket issue --category A); t1=$(jfield "$out" number)
out=$(as kiosk1 --json ticket issue --category B); t2=$(jfield "$out" number)
out=$(as clerk1 --json window call --window 1); is "$(jfield "$out" number)" "$t1" "window 1 calls $t1"
out=$(as clerk1 --json window transfer --category B --from 1); is $? 0 "transfer $t1 to category B"
is "$(jfield "$out" status):$(jfield "$out" transfers)" "waiting:1" "it waits again, transferred once"
out=$(as clerk2 --json window call --window 17); is "$(jfield "$out" number)" "$t1" \
	"window 17 (B) calls $t1 before $t2: the transfer kept its place"
out=$(as clerk2 window transfer --category B --window 18 2>&1); is $? 2 "a transfer goes to a category or a window, not both"
out=$(as clerk2 window transfer --window 18 --from 17); like "$out" "window 18" "transfer to window 18"
out=$(as clerk2 window pause --window 17); is $? 0 "pause window 17"
out=$(as clerk2 window call --window 17 2>&1); is $? 1 "a paused window calls nobody"
like "$out" 'paused' "and says so"
out=$(as clerk2 window resume --window 17); is $? 0 "resume"
out=$(as clerk2 window call --window 17 --ticket "$t2" 2>&1); is $? 2 "out of order without a reason is a usage error"
out=$(as clerk2 --json window call --window 17 --ticket "$t2" --reason "仅取证照"); is $? 0 "out of order with a reason"
is "$(jfield "$out" rule):$(jfield "$out" out_of_order_reason)" "out_of_order:仅取证照" "the rule and the reason are recorded"
out=$(as clerk2 window recall --window 17); like "$out" '1 of 1' "recall once"
out=$(as clerk2 window recall --window 17 2>&1); is $? 1 "the recall limit is enforced"
out=$(as clerk2 window noshow --window 17); like "$out" 'no-show' "no-show"
out=$(as clerk1 --json window call --window 18); is "$(jfield "$out" rule)" "transfer" "window 18 calls the ticket sent to it"
out=$(as clerk1 --json window finish --window 18); is "$(jfield "$out" transfers)" 2 "finished after two transfers"
out=$(as clerk1 --json ticket list); like "$out" "\"number\":\"$t1\"" "ticket list --json lists today's tickets"
out=$(as kiosk1 window call --window 1 2>&1); is $? 77 "the kiosk cannot call tickets"

# ---------------------------------------------------------------- green channel: proxy and home visit
out=$(as kiosk1 --json ticket issue --category A --green); g=$(jfield "$out" number)
out=$(as green1 --json window call --window 19); is "$(jfield "$out" number)" "$g" "the helper calls $g at the green window"
out=$(as clerk1 green start --ticket "$g" --need vision 2>&1); is $? 77 "a clerk cannot log an assisted session"
out=$(as super1 green start --need vision 2>&1); is $? 77 "nor can a supervisor"
out=$(as green1 green start --ticket "$g" --name 张大爷 2>&1); is $? 2 "a name without --consent is a usage error"
out=$(as green1 green start --ticket "$g" --need telepathy 2>&1); is $? 1 "an unknown need exits 1"
out=$(as green1 --json green start --ticket "$g" --age-band 80+ --need vision,mobility --need digital \
	--name 张大爷 --idno 11010519491231002X --proxy-name 张明 --proxy-relation 子女 \
	--proxy-auth 授权委托书 --typed-by proxy --consent yes)
is $? 0 "the helper starts a session for $g with the son as proxy"
s=$(jfield "$out" session)
is "$(su_psql -c "SELECT visitor_id ->> 'mask', visitor_id ->> 'cipher' LIKE 'v1:%', visitor_id::text LIKE '%11010519491231002X%',
	proxy_relation, typed_by FROM core.green_session WHERE session_no = $s")" \
	"110105********002X|t|f|子女|proxy" "the identity number is stored sealed and masked, never in clear"
out=$(as green1 green end "$s" --outcome home_visit --note x 2>&1); is $? 1 "a home visit needs a date"
visit=$(TZ=Asia/Shanghai date -d '+2 days' +%F)
out=$(as green1 --json green end "$s" --outcome home_visit --visit-date "$visit" \
	--note "子女代办，需上门采集老人签名")
is $? 0 "the session ends with a home visit"
f=$(jfield "$out" followup)
like "$f" '^[0-9]+$' "a follow-up is opened"
out=$(as green1 --json green followups); like "$out" "\"id\":$f,.*\"visit_date\":\"$visit\"" "it is on the helper's list"
out=$(as super1 green followups); like "$out" "$visit" "and on the supervisor's list"
out=$(as clerk1 green followups 2>&1); is $? 77 "a clerk has no such list"
out=$(as green1 --json green list --open); is "$out" "[]" "no session left open"
out=$(as super1 --json green report); is "$(jfield "$out" followups.open)" 1 "the report counts the open home visit"
like "$(jfield "$out" with_proxy)" '^[1-9]' "and the session with a proxy"
out=$(as super1 green report); like "$out" 'Home visits: 1 open, 0 overdue' "green report in text"
out=$(as green1 green close-followup "$f" --note "已上门，签名采集完毕"); is $? 0 "the helper closes the home visit"
out=$(as green1 --json green followups); is "$out" "[]" "it leaves the list"
as green1 window finish --window 19 >/dev/null

# ---------------------------------------------------------------- a bad rating through its follow-up
out=$(as kiosk1 --json rating pending --window 19); is "$(jfield "$out" number)" "$g" "the pad of window 19 shows $g"
out=$(as green1 rating add --window 19 --level 1 2>&1); is $? 77 "the helper who served cannot rate"
out=$(as clerk1 rating add --window 19 --level 1 2>&1); is $? 77 "no staff member can rate"
out=$(as kiosk1 rating add --window 19 --level 5 2>&1); is $? 2 "非常不满意 without a reason is a usage error"
out=$(as kiosk1 --json rating add --window 19 --level 5 --reason "等候时间太长"); is $? 0 "the visitor rates 非常不满意"
r=$(jfield "$out" rating)
is "$(jfield "$out" followup)" "true" "a follow-up is opened"
out=$(as kiosk1 rating add --window 19 --level 1 2>&1); is $? 1 "one rating per service"
out=$(as super1 --json rating followups); like "$out" "\"rating\":$r,.*\"state\":\"callback\"" "the supervisor's list shows it"
out=$(as green1 rating callback "$r" --note x 2>&1); is $? 77 "a helper cannot record the call back"
out=$(as clerk1 rating rectify "$r" --note x 2>&1); is $? 77 "a clerk cannot close the follow-up"
out=$(as super1 rating rectify "$r" --note x 2>&1); is $? 1 "rectification comes after the call back"
out=$(as super1 rating callback "$r" --note "已回访致歉"); is $? 0 "the supervisor calls the visitor back"
out=$(as kiosk1 rating rerate "$r" --level 2); is $? 0 "the one follow-up rating"
out=$(as super1 rating rectify "$r" --note "高峰期增开窗口"); is $? 0 "the supervisor records the rectification"
out=$(as super1 --json rating followups); is "$out" "[]" "no follow-up left open"
out=$(as super1 --json rating followups --all); like "$out" "\"rating\":$r,.*\"state\":\"closed\",.*\"followup_level\":2" \
	"the whole list keeps it, closed, with the follow-up rating"
out=$(as clerk1 rating appeal "$r" --reason "误评"); is $? 0 "the centre appeals"
out=$(as super1 rating decide-appeal "$r" --reject --reason "评价属实"); is $? 0 "a supervisor rejects the appeal"

# ---------------------------------------------------------------- the database refuses (42501)
out=$(as_psql clerk1 "SELECT * FROM api.rating_add(gen_random_uuid(), 19, 1, NULL)" 2>&1)
like "$out" 'permission denied for function rating_add' "psql as a clerk: rating_add refused by the database"
out=$(as_psql clerk1 "SELECT * FROM api.green_end(gen_random_uuid(), 1, 'done', NULL, 'x', NULL, NULL)" 2>&1)
like "$out" 'permission denied for function green_end' "psql as a clerk: green_end refused"
out=$(as_psql green1 "SELECT api.rating_rectify(gen_random_uuid(), $r, 'x')" 2>&1)
like "$out" 'permission denied for function rating_rectify' "psql as a helper: rating_rectify refused"
out=$(as clerk1 hall close-day --early --reason x 2>&1); is $? 77 "a clerk cannot close the day"

trap - EXIT
restore
out=$("$bin" -U postgres --json hall show); like "$out" '"window":9,"categories":\["G"\]' "config/hall.ini is in force again"
is "$(su_psql -c "SELECT count(*) FROM core.ticket_ready")" 0 "no ticket is left waiting"
done_testing
