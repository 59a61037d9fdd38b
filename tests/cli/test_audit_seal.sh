# Sealing the audit chain with an Ed25519 key (audit keygen, audit seal,
# audit verify --public-key) and what a database superuser can and cannot
# hide: rows rewritten with every hash recomputed, rows reordered, rows
# deleted and renumbered, seals deleted or forged. Runs in a database of its
# own (cd_seal), since the attacks break the chain on purpose.
. "$COUNTERDESK_TOP/tests/lib/tap.sh"
export LANG=C.UTF-8 LANGUAGE=
bin="$COUNTERDESK_BIN"
d=$(mktemp -d "$COUNTERDESK_TMP/seal.XXXXXX")
db=cd_seal
su_psql() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -At -U postgres -v ON_ERROR_STOP=1 "$@"; }
sealdb() { su_psql -d "$db" "$@"; }
cd_() { "$bin" --config "$d/seal.ini" -U postgres "$@"; }

su_psql -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
trap 'su_psql -d postgres -c "DROP DATABASE IF EXISTS '"$db"'" >/dev/null 2>&1' EXIT
sed "s|dbname=counterdesk\$|dbname=$db|" "$COUNTERDESK_CONFIG" >"$d/seal.ini"
cd_ db migrate >"$d/migrate.log" 2>&1; ok $? "a database of its own for the attacks ($db)"
for i in 1 2 3 4 5 6; do cd_ dept add "SEAL$i" "封存测试$i" >/dev/null || break; done
n=$(sealdb -c 'SELECT count(*) FROM core.audit')
[ "$n" -ge 6 ]; ok $? "the log has rows to seal ($n)"

# --- keygen
out=$("$bin" audit keygen "$d/seal.key" 2>&1); is $? 0 "audit keygen writes a key pair"
is "$(stat -c %a "$d/seal.key")" 600 "the secret key file is mode 0600"
[ -f "$d/seal.key.pub" ]; ok $? "the public key is FILE.pub"
like "$(head -1 "$d/seal.key.pub")" '^counterdesk-audit-public-key v1$' "the public key file names its format"
before=$(sha256sum "$d/seal.key" "$d/seal.key.pub")
out=$("$bin" audit keygen "$d/seal.key" 2>&1); rc=$?
[ "$rc" -ne 0 ]; ok $? "keygen refuses an existing file (exit $rc)"
like "$out" 'exists' "and says it exists"
is "$(sha256sum "$d/seal.key" "$d/seal.key.pub")" "$before" "neither key file was touched"
"$bin" audit keygen "$d/other.key" >/dev/null; ok $? "a second, unrelated key pair"

# --- seal and verify
cp "$d/seal.key" "$d/loose.key"; chmod 644 "$d/loose.key"
out=$(cd_ audit seal --secret-key "$d/loose.key" 2>&1); rc=$?
[ "$rc" -ne 0 ]; ok $? "seal refuses a secret key others can read (exit $rc)"
like "$out" 'chmod 600' "and says how to fix it"
out=$(cd_ audit seal --secret-key "$d/seal.key" --output "$d/seal1.txt" 2>&1); is $? 0 "audit seal signs the chain"
like "$out" "^Seal 1 signs the audit chain up to row $n\." "it names the seal and the row it covers"
like "$(head -1 "$d/seal1.txt")" '^counterdesk-audit-seal v1$' "the seal is also written to the --output file"
sealed1=$n
for i in 7 8 9; do cd_ dept add "SEAL$i" "封存测试$i" >/dev/null; done
out=$(cd_ --json audit seal --secret-key "$d/seal.key"); is $? 0 "a second seal, later"
like "$out" '^\{"seal":2,"upto":[0-9]+\}$' "seal --json"
cd_ dept add SEALX "未封存" >/dev/null  # a row after the last seal
out=$(cd_ audit verify --public-key "$d/seal.key.pub" 2>&1); is $? 0 "verify with the public key: intact"
like "$out" 'intact: [0-9]+ rows recomputed here, 2 seals verified' "both seals verified, the chain recomputed in the client"
out=$(cd_ --json audit verify --public-key "$d/seal.key.pub" --seal "$d/seal1.txt")
like "$out" '"intact":true.*"sealed":\{"intact":true,"rows":[0-9]+,"seals":3' "verify --json with the seal file as a third seal"
out=$(cd_ audit verify --public-key "$d/other.key.pub" 2>&1); is $? 1 "verify with an unrelated public key fails"
like "$out" 'No seal signed with this key' "it says no seal is signed with that key"
out=$(PGPASSWORD=clerk1-demo "$bin" -U clerk1 audit seal --secret-key "$d/seal.key" 2>&1); is $? 77 "a clerk cannot seal (77)"

# The superuser's toolbox: triggers off, rewrite, recompute every hash and
# the head, so that the database's own verify sees nothing wrong.
sealdb -c 'CREATE TABLE public.audit_orig AS SELECT * FROM core.audit' \
	-c 'CREATE TABLE public.head_orig AS SELECT * FROM core.audit_head' \
	-c 'CREATE TABLE public.seal_orig AS SELECT * FROM core.audit_seal'
recompute='DO $$
DECLARE r record; prev bytea := decode(repeat($h$00$h$, 32), $h$hex$h$); h bytea;
BEGIN
	FOR r IN SELECT * FROM core.audit ORDER BY id LOOP
		h := core.audit_hash(prev, r.id, r.at, r.actor, r.action, r.object, r.detail);
		UPDATE core.audit SET prev_hash = prev, hash = h WHERE id = r.id;
		prev := h;
	END LOOP;
	UPDATE core.audit_head SET last_id = (SELECT max(id) FROM core.audit), last_hash = prev;
END $$;'
tamper() { # SQL...: as superuser, triggers off
	sealdb -c 'SET session_replication_role = replica' "$@"
}
restore() {
	tamper -c 'DELETE FROM core.audit' -c 'INSERT INTO core.audit OVERRIDING SYSTEM VALUE SELECT * FROM public.audit_orig' \
		-c 'UPDATE core.audit_head h SET last_id = o.last_id, last_hash = o.last_hash FROM public.head_orig o' \
		-c 'DELETE FROM core.audit_seal' -c 'INSERT INTO core.audit_seal OVERRIDING SYSTEM VALUE SELECT * FROM public.seal_orig'
	cd_ audit verify --public-key "$d/seal.key.pub" >/dev/null
}

# 1. One sealed row rewritten, every hash recomputed.
tamper -c "UPDATE core.audit SET detail = '{\"name\": \"改过的\"}' WHERE id = 3" -c "$recompute"
out=$(cd_ audit verify 2>&1); is $? 0 "rewritten with hashes recomputed: the plain chain check is fooled (as expected)"
out=$(cd_ audit verify --public-key "$d/seal.key.pub" 2>&1); is $? 1 "but verify with the public key fails"
like "$out" 'sealed audit chain is BROKEN at row 3: the row differs from what a signed seal recorded' "and names row 3"
json=$(cd_ --json audit verify --public-key "$d/seal.key.pub")
like "$json" '"sealed":\{"intact":false,.*"first_broken":3,"from":3' "verify --json names row 3 too"
restore; ok $? "restored: intact again"

# 2. Two sealed rows swapped (content moved, ids kept), hashes recomputed.
tamper -c "UPDATE core.audit a SET action = b.action, object = b.object, detail = b.detail
	FROM public.audit_orig b WHERE (a.id, b.id) IN ((2, 4), (4, 2))" -c "$recompute"
out=$(cd_ audit verify --public-key "$d/seal.key.pub" 2>&1); is $? 1 "reordered rows are detected"
like "$out" 'BROKEN at row 2:' "at the first row moved (2)"
restore; ok $? "restored"

# 3. A sealed row deleted, the rest renumbered, hashes recomputed.
tamper -c 'CREATE TEMP TABLE moved AS SELECT * FROM core.audit WHERE id > 5' -c 'DELETE FROM core.audit WHERE id >= 5' \
	-c 'INSERT INTO core.audit OVERRIDING SYSTEM VALUE SELECT id - 1, at, actor, action, object, detail, prev_hash, hash FROM moved' \
	-c "$recompute"
out=$(cd_ audit verify 2>&1); is $? 0 "deleted and renumbered: the plain check is fooled"
out=$(cd_ audit verify --public-key "$d/seal.key.pub" 2>&1); is $? 1 "a deleted, renumbered row is detected"
like "$out" 'BROKEN at row 5:' "at row 5"
restore; ok $? "restored"

# 4. A row deleted with no attempt to hide it.
tamper -c 'DELETE FROM core.audit WHERE id = 4'
out=$(cd_ audit verify --public-key "$d/seal.key.pub" 2>&1); is $? 1 "a plain deletion is detected"
like "$out" 'sealed audit chain is BROKEN at row 5: rows are missing before this row' "the gap is named"
restore; ok $? "restored"

# 5. The rows rewritten and the seals deleted: the seal file kept outside
# the database still catches it.
tamper -c "UPDATE core.audit SET actor = 'nobody' WHERE id = 2" -c "$recompute" -c 'DELETE FROM core.audit_seal'
out=$(cd_ audit verify --public-key "$d/seal.key.pub" 2>&1); is $? 1 "with every seal deleted, verify fails"
like "$out" 'No seal signed with this key' "saying there is no seal"
out=$(cd_ audit verify --public-key "$d/seal.key.pub" --seal "$d/seal1.txt" 2>&1); is $? 1 "the seal file catches the rewrite"
like "$out" 'BROKEN at row 2:' "naming row 2"
restore; ok $? "restored"

# 6. A seal forged: moved to cover more rows, or its hash replaced.
tamper -c "UPDATE core.audit_seal SET head_hash = (SELECT hash FROM core.audit WHERE id = 2) WHERE seal_no = 1"
out=$(cd_ audit verify --public-key "$d/seal.key.pub" 2>&1); is $? 1 "an altered seal is detected"
like "$out" 'Seal 1 is not signed by this key' "and named"
restore; ok $? "restored"
sed 's/^upto .*/upto 1/' "$d/seal1.txt" >"$d/forged.txt"
out=$(cd_ audit verify --public-key "$d/seal.key.pub" --seal "$d/forged.txt" 2>&1); is $? 1 "an edited seal file is detected"
like "$out" 'seal file is not signed by this key' "and named"

# 7. Rows slipped in after the seal by a superuser are beyond the seal, but
# a rewrite of the sealed part to hide them is not.
tamper -c 'CREATE TEMP TABLE moved AS SELECT * FROM core.audit WHERE id > 1' -c 'DELETE FROM core.audit WHERE id > 1' \
	-c 'INSERT INTO core.audit OVERRIDING SYSTEM VALUE SELECT id + 1, at, actor, action, object, detail, prev_hash, hash FROM moved' -c "INSERT INTO core.audit (id, at, actor, action, object, detail, prev_hash, hash)
	OVERRIDING SYSTEM VALUE VALUES (2, now(), 'ghost', 'dept_add', 'department:GHOST', '{}', ''::bytea, ''::bytea)" -c "$recompute"
out=$(cd_ audit verify --public-key "$d/seal.key.pub" 2>&1); is $? 1 "a row slipped into the sealed part is detected"
like "$out" 'BROKEN at row 2:' "at row 2"
restore; ok $? "restored"

# Sealing a chain that does not hold together is refused.
tamper -c "UPDATE core.audit SET detail = '{}' WHERE id = 3"
out=$(cd_ audit seal --secret-key "$d/seal.key" 2>&1); rc=$?
[ "$rc" -ne 0 ]; ok $? "seal refuses a broken chain (exit $rc)"
like "$out" 'broken' "saying the chain is broken"
restore; ok $? "restored"
is "$(sealdb -c 'SELECT count(*) FROM core.audit_seal')" 2 "no seal was added for the broken chain"

rm -rf "$d"
done_testing
