#!/bin/bash
# The administrator's screens in tmux, in Chinese, 80x24: Staff lists the
# demo accounts, adds a reviewer through the form (who then logs in with
# the new password), refuses a duplicate login while the form keeps what
# was typed, sets a password and disables the account after a question;
# Departments adds one; Audit shows the chain intact with as many rows as
# core.audit holds. What the test creates is removed at the end (the audit
# rows stay: the log is append-only, and the chain stays intact).
#
# Polls capture-pane; no fixed sleeps.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/tap.sh
. "$here/../lib/tap.sh"
# shellcheck source=../lib/tmux.sh
. "$here/../lib/tmux.sh"

zh_setup "the administrator's screens" admin 80 24
run=$$
login="e2e.adm$run"
dept="TE$run"
cleanup() {
	sql counterdesk "DELETE FROM core.staff WHERE login = '$login'" >/dev/null
	sql counterdesk "DROP ROLE IF EXISTS \"$login\"" >/dev/null
	sql counterdesk "DELETE FROM core.ready_floor WHERE dept_code = '$dept'" >/dev/null
	sql counterdesk "DELETE FROM core.department WHERE code = '$dept'" >/dev/null
	zh_cleanup
}
trap cleanup EXIT

start adm
wait_for "登录" >/dev/null
type_text admin1
keys Tab
type_text admin1-demo
keys Enter
check "admin1 logs in" wait_for "周强，您好" 15
check "the menu no longer says 'later'" wait_match '1 +人员管理 +│'

# ---- Staff ----
keys 1
check "Staff lists the demo accounts" wait_match 'admin1 +周强 +系统管理员 +ZHCK +- +在岗'
check "with their windows" wait_match 'clerk1 +王芳 +综合窗口受理员 +ZHCK +1 +在岗'
keys a
check "a opens the form" wait_for "新增工作人员账号"
type_text "$login"
keys Tab
type_text "测试员"
keys Tab Space Space
check "Space picks the reviewer's role" wait_for "< 后台审批人员 >"
keys Tab
type_text m
check "a letter picks the department" wait_for "< MZ 民政 >"
keys Tab Tab
type_text "pw-first-1"
keys Tab
type_text "pw-other-1"
keys Enter
check "two different passwords are refused here" wait_for "两次输入的密码不一致"
keys Tab C-u
type_text "pw-first-1"
keys Enter
check "the account is added" wait_for "已新增工作人员账号 $login，角色：后台审批人员。"
check "and listed" wait_match "$login +测试员 +后台审批人员 +MZ +- +在岗"
is "$(sql counterdesk "SELECT role || ' ' || dept_code || ' ' || active FROM core.staff WHERE login = '$login'")" \
	"reviewer MZ true" "core.staff holds the reviewer of MZ"
is "$(PGPASSWORD=pw-first-1 psql -X -At -h "$PGHOST" -U "$login" -d counterdesk -c 'SELECT login, role FROM api.whoami()' 2>&1)" \
	"$login|reviewer" "the new account logs in with its password"

keys a
wait_for "新增工作人员账号" >/dev/null
type_text "$login"
keys Tab
type_text "重名者"
keys Tab Tab Tab Tab
type_text "pw-second-2"
keys Tab
type_text "pw-second-2"
keys Enter
check "a duplicate login is refused in words" wait_for "未能新增：该登录名已存在：$login"
check "the form keeps the login typed" wait_match "登录名 +$login"
check "and the name" wait_match "姓名 +重名者"
type_text "x"
check "the cursor waits in the login, where the fix goes" wait_match "登录名 +${login}x"
keys Escape
check "Esc closes the form" wait_gone "新增工作人员账号"

keys p
check "p asks for the new password" wait_for "重置 $login 的密码"
type_text "pw-third-33"
keys Tab
type_text "pw-third-33"
keys Enter
check "the password is set" wait_for "已为 $login 重置密码。"
is "$(PGPASSWORD=pw-third-33 psql -X -At -h "$PGHOST" -U "$login" -d counterdesk -c 'SELECT 1' 2>&1)" \
	1 "the account logs in with the new password"

keys d
check "d asks first" wait_for "确定停用账号"
keys n
check "n keeps it" wait_gone "确定停用账号"
is "$(sql counterdesk "SELECT active FROM core.staff WHERE login = '$login'")" t "still active after n"
keys d
wait_for "确定停用账号" >/dev/null
keys y
check "y disables it" wait_for "工作人员账号 $login 已停用"
check "the list shows it disabled" wait_match "$login +测试员 +后台审批人员 +MZ +- +已停用"
is "$(sql counterdesk "SELECT active FROM core.staff WHERE login = '$login'")" f "core.staff marks it inactive"
PGPASSWORD=pw-third-33 psql -X -At -h "$PGHOST" -U "$login" -d counterdesk -c 'SELECT 1' >/dev/null 2>&1
is $? 2 "it can no longer log in"
keys Escape
wait_for "周强，您好" >/dev/null

# ---- Departments ----
keys 2
check "Departments lists the demo departments" wait_match 'MZ +民政'
keys a
wait_for "新增部门" >/dev/null
type_text "$dept"
keys Tab
type_text "测试部门"
keys Enter
check "a department is added" wait_for "已新增部门 $dept。"
check "and listed" wait_match "$dept +测试部门"
is "$(sql counterdesk "SELECT name FROM core.department WHERE code = '$dept'")" "测试部门" "core.department holds it"
keys a
wait_for "新增部门" >/dev/null
type_text "$dept"
keys Tab
type_text "又一个"
keys Enter
check "the same code again is refused in words" wait_for "未能新增：部门已存在：$dept"
check "and the form keeps the name" wait_match "部门名称 +又一个"
keys Escape Escape
wait_for "周强，您好" >/dev/null

# ---- Audit ----
keys 3
check "Audit verifies the chain" wait_match "审计链完整：已校验 [0-9]+ 条记录。"
shown=$(screen_text | sed -n 's/.*审计链完整：已校验 \([0-9]*\) 条记录。.*/\1/p')
is "$shown" "$(sql counterdesk "SELECT count(*) FROM core.audit")" "the count is core.audit's ($shown)"
check "the newest rows are listed, the department first, its action in words" wait_match "admin1 +新增部门 +department:$dept"
keys F1
check "F1 explains r" wait_for "重新校验审计链"
keys Escape
wait_gone "重新校验审计链" >/dev/null
keys r
check "r verifies again" wait_for "已重新校验。"
keys Escape
wait_for "周强，您好" >/dev/null
keys F10
status=$(wait_exit)
ok $? "F10 quits"
is "$status" 0 "exit status 0"
done_testing
