# 32 clients at once for a bounded time (COUNTERDESK_SOAK_SECONDS, default
# 10): 14 windows calling and finishing tickets (pgbench, as clerk1), 4
# kiosks issuing tickets (pgbench, as kiosk1), 6 clerks accepting cases with
# the real command line (clerk1 and clerk2 in turn) and 8 reviewers, two per
# department on the cases' route (WJ, GA, YB, RS), taking the next task and
# approving it in a second transaction (pgbench). Without routing in the
# schema the reviewers' places go to 8 more clerks. Afterwards: no
# duplicate case number, no ticket called twice, no task held twice or
# decided twice, no deadlock anywhere (the clients' output and the server's
# log), every submit accepted, and the audit chain intact.
. "$COUNTERDESK_TOP/tests/lib/tap.sh"
. "$COUNTERDESK_TOP/tests/lib/cli.sh"
export LANG=C.UTF-8 LANGUAGE=
bin="$COUNTERDESK_BIN"
secs=${COUNTERDESK_SOAK_SECONDS:-10}
d=$(mktemp -d "$COUNTERDESK_TMP/soak.XXXXXX")
run=$$
FATHER=330702198803151237
MOTHER=330702199007222465
pgbench=""
for v in 15 16 17; do [ -x "/usr/lib/postgresql/$v/bin/pgbench" ] && pgbench="/usr/lib/postgresql/$v/bin/pgbench" && break; done
[ -n "$pgbench" ] || pgbench=$(command -v pgbench)
log="$COUNTERDESK_CLUSTER/log/postgresql.log"
log_from=$(($(wc -c <"$log") + 1))

# Every window free and nobody waiting; the demo hall back at the end.
clean_hall() {
	su_psql >/dev/null <<'SQL'
SELECT api.window_noshow(gen_random_uuid(), window_no) FROM core.hall_window WHERE current_ticket IS NOT NULL;
SELECT core.hall_sweep(core.today() + 1, true, 'close', 'test_soak.sh', gen_random_uuid());
UPDATE core.hall_window SET paused = false, paused_at = NULL, priority_streak = 0;
SQL
}
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	clean_hall
	"$bin" -U postgres hall load >/dev/null 2>&1
	rm -rf "$d"
}
trap cleanup EXIT

{
	printf '[rules]\npriority_cap = 3\nordinary_wait_minutes = 20\nrecall_limit = 2\nclosing_time = 23:59\n'
	printf 'at_closing = close\ngreen_category = G\n[ratings]\ncallback_working_days = 1\nrectify_working_days = 15\n'
	printf '[categories]\nA = 综合受理\nG = 绿色通道\n[windows]\n'
	for w in $(seq 1 14); do printf '%d = A\n' "$w"; done
	printf '17 = G\n'
} >"$d/hall.ini"
"$bin" -U postgres hall load --file "$d/hall.ini" >/dev/null; ok $? "a hall of 14 windows"
clean_hall
PGPASSWORD=kiosk1-demo psql -X -q -At -U kiosk1 -d counterdesk -c \
	"SELECT count(*) FROM (SELECT api.ticket_issue(gen_random_uuid(), 'A', false, NULL) FROM generate_series(1, 300)) x" >/dev/null
ok $? "300 tickets waiting at the start"
mark=$(su_psql -c "SELECT now()")
cases_before=$(su_psql -c 'SELECT count(*) FROM core.case')

# A window: call the next ticket and finish it; an empty queue is not an
# error (the kiosks refill it), anything else is.
cat >"$d/call.pgb" <<'PGB'
\set w :client_id + 1
DO $$ BEGIN PERFORM api.window_call(gen_random_uuid(), :w); PERFORM api.window_finish(gen_random_uuid(), :w, NULL); EXCEPTION WHEN no_data_found THEN NULL; END $$;
PGB
cat >"$d/issue.pgb" <<'PGB'
SELECT number FROM api.ticket_issue(gen_random_uuid(), 'A', random() < 0.1, NULL);
PGB
accept_loop() { # N LOGIN: accepts cases until $d/stop exists
	i=0
	while [ ! -f "$d/stop" ]; do
		i=$((i + 1))
		as "$2" case new --item newborn --applicant "$FATHER" --idempotency-key "soak-$run-$1-$i" \
			--field child_name=张小明 --field child_sex=男 --field child_birth_date=2026-11-20 \
			--field birth_place=金华市中心医院 --field birth_cert_no=Q330012345 --field child_ethnicity=汉族 \
			--field "father_idno=$FATHER" --field father_name=张伟 --field "mother_idno=$MOTHER" \
			--field registered_with=随父 --field household_address=浙江省金华市婺城区城北街道8号 \
			--field card_bank=中国银行 --field card_delivery=窗口领取 --field contact_phone=13912345678 \
			--material parents_id_cards=provided --material household_register=provided \
			--material marriage_certificate=provided --material birth_medical_certificate=provided \
			--material card_photo=provided >"$d/accept.$1.$i" 2>&1
		echo $? >>"$d/accept.$1.rc"
	done
}

# A reviewer: take the most urgent task of the department, then approve it
# in a transaction of its own, as the queue screen does; nothing to take is
# not an error (the clerks keep accepting).
cat >"$d/review.pgb" <<'PGB'
SELECT coalesce((SELECT id FROM api.task_take_next(gen_random_uuid())), 0) AS t \gset
\if :t > 0
SELECT task_status FROM api.task_decide(gen_random_uuid(), :t, 'approve', NULL);
\else
\sleep 20 ms
\endif
PGB
routing=$(su_psql -c "SELECT to_regprocedure('api.task_take_next(uuid)') IS NOT NULL")
reviewers="reviewer.wj reviewer.ga reviewer.yb reviewer.rs"
clerks=6
[ "$routing" = t ] || clerks=14
tasks_mark=0
[ "$routing" = t ] && tasks_mark=$(su_psql -c 'SELECT coalesce(max(id), 0) FROM core.task')

for n in $(seq 1 "$clerks"); do
	if [ $((n % 2)) = 0 ]; then who=clerk2; else who=clerk1; fi
	accept_loop "$n" "$who" & pids="$pids $!"
done
bench_pids=""
if [ "$routing" = t ]; then
	for r in $reviewers; do
		PGPASSWORD="$r-demo" "$pgbench" -n -U "$r" -d counterdesk -c 2 -j 1 -T "$secs" -f "$d/review.pgb" \
			>"$d/review.$r.out" 2>&1 &
		bench_pids="$bench_pids $!"
	done
fi
PGPASSWORD=kiosk1-demo "$pgbench" -n -U kiosk1 -d counterdesk -c 4 -j 1 -T "$secs" -f "$d/issue.pgb" >"$d/issue.out" 2>&1 &
issuers=$!
PGPASSWORD=clerk1-demo "$pgbench" -n -U clerk1 -d counterdesk -c 14 -j 2 -T "$secs" -f "$d/call.pgb" >"$d/call.out" 2>&1
call_rc=$?
wait "$issuers"
issue_rc=$?
review_rc=0
for p in $bench_pids; do wait "$p" || review_rc=$?; done
touch "$d/stop"
wait $pids 2>/dev/null
pids=""

is "$call_rc" 0 "14 windows calling for ${secs}s: pgbench exits 0"
is "$issue_rc" 0 "4 kiosks issuing for ${secs}s: pgbench exits 0"
if [ "$routing" = t ]; then
	is "$review_rc" 0 "8 reviewers taking and approving tasks for ${secs}s: pgbench exits 0"
	approved=$(su_psql -c "SELECT count(*) FROM core.case_event WHERE kind = 'approved' AND at >= '$mark'")
	claimed=$(su_psql -c "SELECT count(*) FROM core.case_event WHERE kind = 'claimed' AND at >= '$mark'")
	made=$(su_psql -c "SELECT count(*) FROM core.task WHERE id > $tasks_mark")
	[ "$approved" -gt 0 ] && [ "$claimed" -ge "$approved" ]
	ok $? "$claimed tasks taken and $approved approved during the soak ($made tasks made by its cases)"
	is "$(su_psql -c "SELECT count(*) FROM (SELECT task_id FROM core.case_event WHERE kind = 'claimed' AND at >= '$mark'
		GROUP BY task_id HAVING count(*) > 1) x")" 0 "no task held twice (claimed once each)"
	is "$(su_psql -c "SELECT count(*) FROM (SELECT task_id FROM core.case_event WHERE kind IN ('approved', 'rejected', 'returned')
		AND at >= '$mark' GROUP BY task_id HAVING count(*) > 1) x")" 0 "no task decided twice"
	is "$(su_psql -c "SELECT count(*) FROM core.task WHERE status = 'claimed' AND claimed_by IN ('reviewer.wj', 'reviewer.ga', 'reviewer.yb', 'reviewer.rs')
		AND signed_at >= '$mark'")" 0 "no task left held: every claim was decided"
fi
calls=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$d/call.out")
issued=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$d/issue.out")
[ "${calls:-0}" -gt 0 ] && [ "${issued:-0}" -gt 0 ]; ok $? "$calls call turns, $issued tickets issued"
is "$(cat "$d"/*.out | grep -c 'aborted\|failed transactions: [1-9]')" 0 \
	"no pgbench client aborted, no failed transaction"
submits=$(cat "$d"/accept.*.rc 2>/dev/null | wc -l)
bad_submits=$(cat "$d"/accept.*.rc 2>/dev/null | grep -vc '^0$')
[ "$submits" -gt 0 ]; ok $? "$submits cases submitted by $clerks clerks"
is "$bad_submits" 0 "every submit was accepted"
[ "$bad_submits" = 0 ] || diag "$(grep -hv '^Accepted\|^Receipt' "$d"/accept.*.[0-9]* | sort | uniq -c | head -5)"

# What the database holds afterwards.
is "$(su_psql -c "SELECT count(*) - $cases_before FROM core.case")" "$submits" "one case per submit"
is "$(su_psql -c 'SELECT count(*) FROM (SELECT case_no FROM core.case GROUP BY case_no HAVING count(*) > 1) x')" 0 \
	"no duplicate case number"
is "$(su_psql -c "SELECT count(*) FROM core.ticket t WHERE t.issued_at >= '$mark'
	AND (SELECT count(*) FROM core.ticket_event e WHERE e.ticket_id = t.id AND e.kind = 'call') > t.transfers + 1")" 0 \
	"no ticket called twice"
served=$(su_psql -c "SELECT count(*) FROM core.ticket_event e WHERE e.kind = 'call' AND e.at >= '$mark'" 2>/dev/null ||
	su_psql -c "SELECT count(*) FROM core.ticket WHERE called_at >= '$mark'")
[ "${served:-0}" -gt 0 ]; ok $? "$served tickets called"
is "$(su_psql -c "SELECT count(*) FROM core.hall_window WHERE current_ticket IS NOT NULL")" 0 "every window finished what it called"

# No deadlock, anywhere.
tail -c +"$log_from" "$log" >"$d/server.log"
is "$(cat "$d"/*.out "$d"/accept.*.[0-9]* "$d/server.log" | grep -ci 'deadlock')" 0 "no deadlock in the clients' output or the server log"
out=$(as super1 audit verify 2>&1); is $? 0 "the audit chain is intact after the soak"

done_testing
