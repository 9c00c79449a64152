#!/usr/bin/env bash
# Known errors (the known error database, 知识库): a problem publishes its symptom, cause,
# workaround and fix; kb list|show|search finds them (two Chinese characters are enough);
# ticket new names those that match its title on stderr (stdout stays the id); ticket resolve
# --kb records that a workaround solved an incident, and the review counts those.
source "$(dirname "$0")/lib.sh"

init_sample
export OPSCTL_NOW=2026-10-09T10:00:00+08:00
db() { db_sql "$1"; } # either engine (tests/CMakeLists.txt runs this on PostgreSQL too)

problem=$("$BIN" -q ticket new --no-kb --type problem --title '三楼打印机反复卡纸')
incident=$("$BIN" -q ticket new --no-kb --type incident --title '财务室断网')

# --- publish ----------------------------------------------------------------------------
run kb publish "$problem" --symptom '打印机卡纸，面板提示 E-07' --cause '搓纸轮老化' \
    --workaround '打开后盖取出卡纸，换用 70 克纸' --fix '更换搓纸轮'
expect_rc 0 "kb publish"
expect_out "published known error KE-1 from problem $problem" "publish names the new known error and its problem"
expect_eq "1|$problem|三楼打印机反复卡纸|published" "$(db "select id, problem_id, title, status from known_errors")" \
    "the title defaults to the problem's"
expect_eq "1" "$(db "select count(*) from events where entity='known_error' and entity_id='1' and action='published' and fields like '%搓纸轮老化%'")" \
    "publishing is an event with the fields"
expect_eq "1" "$(db "select count(*) from events where entity='ticket' and entity_id='$problem' and action='published-known-error'")" \
    "the problem's history says it published one"

run -q kb publish "$problem" --title 'VPN 断线' --symptom 'VPN 每小时断线一次' --cause '网关会话超时 3600 秒' \
    --workaround '重新连接；或在客户端打开保活'
expect_rc 0 "a second known error from the same problem"
expect_eq "KE-2" "$OUT" "-q prints only the id"

# Bad input: clear errors, nothing written.
before=$(db "select count(*) from events")
run kb publish "$incident" --symptom a --cause b --workaround c
expect_rc 65 "an incident cannot publish a known error"
expect_err "ticket $incident is of type 'incident', not a problem" "the error names the ticket and its type"
expect_err "report.problem_types" "the hint names the policy key"
run kb publish 999 --symptom a --cause b --workaround c
expect_rc 66 "no such ticket exits 66"
run kb publish "$problem" --symptom '  ' --cause b --workaround c
expect_rc 65 "an empty symptom is refused"
expect_err "--symptom is empty" "the error names the option"
run kb publish "$problem" --symptom a --cause b
expect_rc 64 "the workaround is required"
run kb publish "$problem" --symptom "$(printf 'a\033[2Jb')" --cause b --workaround c
expect_rc 65 "a terminal escape is refused"
expect_err "--symptom holds a control character" "the error names the option"
run kb publish "$problem" --symptom "$(head -c 70000 /dev/zero | tr '\0' x)" --cause b --workaround c
expect_rc 65 "an oversized field is refused"
run kb publish "$problem" --symptom - --cause - --workaround c
expect_rc 64 "two options cannot both read stdin"
expect_eq "$before" "$(db "select count(*) from events")" "refused publishes write no event"
expect_eq "2" "$(db "select count(*) from known_errors")" "and no known error"

# Text from stdin, SQL-looking text stored byte for byte.
run_in $'第一行\n第二行' kb publish "$problem" --title "x'); DROP TABLE known_errors; --" --symptom - --cause '100% _o_' \
    --workaround 'a\b'
expect_rc 0 "publish with the symptom from stdin"
expect_eq "$(printf '第一行\n第二行')" "$(db "select symptom from known_errors where id=3")" "the symptom from stdin, both lines"
expect_eq "x'); DROP TABLE known_errors; --" "$(db "select title from known_errors where id=3")" "SQL-looking text is data"

# --- list, show, search -----------------------------------------------------------------
run kb list
expect_rc 0 "kb list"
expect_true "list shows KE-1 with its title and problem" grep -Eq "^KE-1 +三楼打印机反复卡纸 .* $problem +published" <<<"$OUT"
run -q kb list
expect_eq "KE-3 KE-2 KE-1" "$(xargs <<<"$OUT")" "newest first; -q prints the ids"
run --format json kb show KE-1
expect_rc 0 "kb show"
expect_true "show has every field" python3 -c "
import json,sys; d=json.loads(sys.argv[1])
assert d['id']=='KE-1' and d['workaround']=='打开后盖取出卡纸，换用 70 克纸' and d['fix']=='更换搓纸轮', d
assert d['problem']==int(sys.argv[2]) and d['status']=='published' and d['solved']==0, d" "$OUT" "$problem"
run kb show 1
expect_rc 0 "show takes the bare number too"
expect_out "History" "show lists the history"
expect_out "published" "the history has the publishing"
run kb show KE-99
expect_rc 66 "no such known error exits 66"
expect_err "no known error KE-99" "the error names it"
run kb show KX-1
expect_rc 64 "a malformed id is a usage error"

run -q kb search 卡纸
expect_eq "KE-1" "$OUT" "two Chinese characters find the known error"
run -q kb search 断线
expect_eq "KE-2" "$OUT" "two characters of the title or symptom"
run -q kb search '保活'
expect_eq "KE-2" "$OUT" "text of the workaround is searched too"
run -q kb search '会话超时'
expect_eq "KE-2" "$OUT" "four characters of the cause"
run -q kb search vpn
expect_eq "KE-2" "$OUT" "Latin letters ignore case"
run -q kb search '100% _'
expect_eq "KE-3" "$OUT" "% and _ are literal"
run -q kb search '_o'
expect_eq "KE-3" "$OUT" "a short text with _ is literal too"
run -q kb search '"'
expect_rc 0 "a quote is literal"
run -q kb search 复印
expect_eq "" "$OUT" "nothing matches: nothing printed"
run kb search ''
expect_rc 64 "an empty search is a usage error"

# --- ticket new names the known errors that match its title -----------------------------
run ticket new --type incident --title '二楼打印机卡纸了'
expect_rc 0 "ticket new"
new1=$(sed -n 's/^created ticket \([0-9]*\).*/\1/p' <<<"$OUT")
expect_eq "created ticket $new1" "$OUT" "stdout is unchanged: only the created line"
expect_err "known error that may match ticket $new1" "stderr names the match"
expect_err "KE-1  三楼打印机反复卡纸" "the known error's id and title"
expect_err "workaround: 打开后盖取出卡纸" "and its workaround"
expect_err "opsctl ticket resolve $new1 --kb KE-1" "and how to record that it solved the ticket"
run -q ticket new --type incident --title '二楼打印机卡纸了'
expect_true "-q: stdout is the id alone" grep -Eq '^[0-9]+$' <<<"$OUT"
expect_err "KE-1" "-q: the hint is on stderr"
run -q ticket new --no-kb --type incident --title '二楼打印机卡纸了'
expect_eq "" "$ERR" "--no-kb: nothing on stderr"
run ticket new --type incident --title '会议室投影仪不亮'
expect_eq "" "$ERR" "a title that matches nothing: nothing on stderr"
run ticket new --type incident --title 'VPN 每小时断线'
expect_err "KE-2" "a title in Latin and Chinese finds its known error"
expect_true "the title's only match" bash -c '! grep -q "KE-1" <<<"$1"' _ "$ERR"

# --- ticket resolve --kb ----------------------------------------------------------------
run ticket resolve "$new1" --resolution '按 KE-1 取出卡纸' --kb KE-1
expect_rc 0 "resolve --kb"
expect_out "resolved ticket $new1 by the workaround of KE-1" "resolve says which known error solved it"
expect_eq "1" "$(db "select known_error_id from ticket_known_errors where ticket_id=$new1")" "the ticket records the known error"
expect_eq "1" "$(db "select count(*) from events where entity='ticket' and entity_id='$new1' and action='resolved' and fields like '%\"known_error\":\"KE-1\"%'")" \
    "the resolved event names the known error"
run ticket show "$new1"
expect_true "ticket show names the known error" grep -Eq "Known error: +KE-1 三楼打印机反复卡纸" <<<"$OUT"
run --format json kb show KE-1
expect_true "the known error counts the ticket it solved" python3 -c "
import json,sys; assert json.loads(sys.argv[1])['solved']==1" "$OUT"
run ticket resolve "$incident" --resolution x --kb KE-99
expect_rc 66 "an unknown known error exits 66"
expect_eq "new" "$(db "select status from tickets where id=$incident")" "and resolves nothing"
run ticket resolve "$incident" --resolution x --kb nine
expect_rc 64 "a malformed known error id is a usage error"

# --- edit and retire --------------------------------------------------------------------
run kb edit KE-1 --fix '更换搓纸轮（已订货）' --cause '搓纸轮老化'
expect_rc 0 "kb edit"
expect_out "updated known error KE-1" "edit says what it did"
expect_eq "1" "$(db "select count(*) from events where entity='known_error' and entity_id='1' and action='updated' and fields like '%已订货%' and fields not like '%cause%'")" \
    "the event holds only what changed"
run kb edit KE-1 --fix '更换搓纸轮（已订货）'
expect_rc 65 "an edit that changes nothing is refused"
run kb edit KE-1
expect_rc 64 "an edit without a field is a usage error"
run kb edit KE-1 --workaround ''
expect_rc 65 "the workaround cannot be emptied"
run -q kb search 订货
expect_eq "KE-1" "$OUT" "the search sees the edit"

run kb retire KE-3 --reason '重复'
expect_rc 0 "kb retire"
expect_out "retired known error KE-3" "retire says what it did"
run -q kb list
expect_eq "KE-2 KE-1" "$(xargs <<<"$OUT")" "a retired known error is not listed"
run -q kb list --all
expect_eq "KE-3 KE-2 KE-1" "$(xargs <<<"$OUT")" "--all lists it"
run -q kb search '_o'
expect_eq "" "$OUT" "nor searched"
run -q kb search '_o' --all
expect_eq "KE-3" "$OUT" "unless --all"
run kb retire KE-3
expect_rc 65 "retiring twice is refused"
run kb edit KE-3 --fix x
expect_rc 65 "a retired known error is not edited"
run ticket resolve "$incident" --resolution x --kb KE-3
expect_rc 65 "a retired known error solves nothing"
expect_err "known error KE-3 is retired" "the error says so"
run -q kb list --problem "$problem" --limit 1
expect_eq "KE-2" "$OUT" "--problem and --limit"
run kb list --limit -1
expect_rc 64 "a negative limit is a usage error"

# --- permissions: kb.publish and kb.retire ----------------------------------------------
me=$(id -un)
mkdir -p "$WORK/bound"
cp -r "$OPSCTL_CONFIG"/. "$WORK/bound/"
sed -i "s/    # logins: \[zhangwei\]/    logins: [$me]/" "$WORK/bound/opsctl.yaml"
OPSCTL_CONFIG="$WORK/bound" run --as wangfang kb publish "$problem" --symptom a --cause b --workaround c
expect_rc 77 "the service desk may not publish"
expect_err "kb.publish" "the error names the permission"
OPSCTL_CONFIG="$WORK/bound" run --as wangfang kb retire KE-2
expect_rc 77 "nor retire"
OPSCTL_CONFIG="$WORK/bound" run --as wangfang kb search 卡纸
expect_rc 0 "anyone may search"
OPSCTL_CONFIG="$WORK/bound" run --as lina kb edit KE-2 --fix '网关超时改为 8 小时'
expect_rc 0 "the 技术主管 may edit"

# --- the review counts the incidents solved by a known workaround ----------------------
run ticket resolve "$problem" --resolution '换件' --kb KE-1
expect_rc 0 "a problem resolved with --kb"
OPSCTL_NOW=2026-11-02T10:00:00+08:00 run --format md report monthly --month 2026-10
expect_rc 0 "the review runs"
expect_true "the review counts one incident solved by a known workaround (not the problem)" \
    grep -Eq "按已知错误临时方案解决的事件 *\| *1 *\|" <<<"$OUT"
OPSCTL_NOW=2026-11-02T10:00:00+08:00 run --format md report monthly --month 2026-09
expect_no_out "已知错误" "a month without one has no such row"

# Completion offers the group and its verbs.
run __complete -- k
expect_out $'kb\tKnown errors' "completion offers the kb group"
run __complete -- kb ""
expect_eq "edit list publish retire search show" "$(printf '%s\n' "$OUT" | cut -f1 | sort | xargs)" "kb offers its verbs"
run __complete -- ticket resolve 1 --k
expect_out "--kb" "ticket resolve offers --kb"

# db check: the known errors match their events; a change behind opsctl's back is found.
run db check
expect_rc 0 "db check passes"
db "update known_errors set workaround = 'x' where id = 2"
run db check
expect_rc 1 "a known error changed outside opsctl fails db check"
expect_out "known error 2" "db check names it"

finish
