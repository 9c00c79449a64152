#!/usr/bin/env bash
# Spreadsheet imports: `asset import` and `ticket import` read a file as Excel or WPS export
# it ("CSV UTF-8": a byte order mark, CRLF line ends, Chinese headers), with the policy's
# labels for columns, classes and people, the year-first date forms of a Chinese locale, and
# --map for any other header; each problem is reported once, with its row and column.
source "$(dirname "$0")/lib.sh"

init_sample
export OPSCTL_NOW=2026-10-12T10:00:00+08:00

# sheet FILE LINE...: writes LINEs as a spreadsheet's CSV UTF-8 export (BOM, CRLF).
sheet() {
    local file=$1
    shift
    printf '\xEF\xBB\xBF' >"$file"
    printf '%s\r\n' "$@" >>"$file"
}

# Assets: Chinese headers for built-in columns and custom fields, class labels, display
# names and dates as a Chinese Excel writes them.
sheet "$WORK/assets.csv" \
    "名称,类别,型号,序列号,负责人,位置,购买日期,保修截止,内存(GB),操作系统,笔记本" \
    "数据库服务器,服务器,PowerEdge R740,SN-001,李娜,机房A,2023/5/6,2026年5月6日,64,linux," \
    "张伟的笔记本,电脑,ThinkPad X1,SN-002,zhangwei,办公区3F,2023.5.6,2027-05-06,16,windows,是"
run asset import "$WORK/assets.csv"
expect_rc 0 "an Excel export with Chinese headers imports"
run --format json asset list
expect_true "the labels became keys and ids, the dates ISO" python3 -c "
import json,sys
rows={r['serial']: r for r in json.loads(sys.argv[1])}
srv, pc = rows['SN-001'], rows['SN-002']
assert srv['class']=='server' and srv['owner']=='lina' and srv['name']=='数据库服务器', srv
assert pc['class']=='pc' and pc['owner']=='zhangwei', pc" "$OUT"
run --format json asset show SRV-0001
expect_true "dates and custom fields are stored in their canonical form" python3 -c "
import json,sys
a=json.loads(sys.argv[1])
assert a['purchased']=='2023-05-06' and a['warranty_until']=='2026-05-06', a
assert a['memory_gb']=='64' and a['os']=='linux', a" "$OUT"
run --format json asset show PC-0001
expect_true "a boolean field given as 是 is true" python3 -c "
import json,sys
a=json.loads(sys.argv[1])
assert a['purchased']=='2023-05-06' and a['laptop']=='true', a" "$OUT"

# A wrong class: one problem, naming the row, the column and the class, with a suggestion;
# never the misleading "tag '' must be 1-64 characters".
sheet "$WORK/bad-class.csv" "名称,类别" "打印机,打印机" "备用机,sever"
run asset import "$WORK/bad-class.csv"
expect_rc 65 "an unknown class is refused"
expect_err "bad-class.csv:2:2: column 'class': no asset class '打印机'" "row 2, column 2 names the class"
expect_err "bad-class.csv:3:2: column 'class': no asset class 'sever' (did you mean 'server'?)" "a misspelt class gets a suggestion"
expect_true "no complaint about an empty tag" test "$(grep -c "tag ''" <<<"$ERR")" -eq 0
expect_eq 1 "$(grep -c "no asset class '打印机'" <<<"$ERR")" "each problem is printed once"

# Year-last dates are refused, not guessed.
sheet "$WORK/us-date.csv" "名称,类别,内存(GB),购买日期" "web-02,server,8,5/6/2023"
run asset import "$WORK/us-date.csv"
expect_rc 65 "a year-last date is refused"
expect_err "us-date.csv:2:4: column 'purchased': '5/6/2023' is day-first in some places" "and says why, at its row and column"

# Unknown headers: each named once with its column; the valid columns are listed once.
sheet "$WORK/unknown.csv" "名称,类别,备注,采购人,资产原值,使用部门,品牌,规格,入账日期" "x,pc,a,b,1,c,d,e,2023/1/1"
run asset import "$WORK/unknown.csv"
expect_rc 65 "unknown headers are refused"
expect_err "unknown.csv:1:3: unknown column '备注'" "the first unknown header with its column"
expect_err "unknown.csv:1:9: unknown column '入账日期'" "the last one"
expect_eq 1 "$(grep -o "tag, class, name" <<<"$ERR" | wc -l)" "the list of valid columns is printed once"
# --map names any other header.
sheet "$WORK/mapped.csv" "设备,分类,内存" "backup-01,服务器,32"
run asset import "$WORK/mapped.csv" --map 设备=name --map 内存=memory_gb
expect_rc 0 "--map LABEL=column maps other headers"
run -q asset list --class server
expect_out "SRV-0002" "the mapped row was imported"
run asset import "$WORK/mapped.csv" --map 设备=nmae
expect_rc 64 "--map to an unknown column is a usage error"
expect_err "did you mean 'name'?" "with a suggestion"

# Tickets: Chinese headers, a display name and spreadsheet times.
sheet "$WORK/tickets.csv" \
    "标题,类型,优先级,处理人,创建时间,问题描述" \
    "打印机卡纸,incident,P3,李娜,2026/10/9 14:30,三楼打印机" \
    "邮箱满了,request,P4,wangfang,2026年10月10日,"
run ticket import "$WORK/tickets.csv"
expect_rc 0 "a ticket sheet with Chinese headers imports"
run --format json ticket show 1
expect_true "the display name became the id and the time ISO 8601 in the site's zone" python3 -c "
import json,sys
t=json.loads(sys.argv[1])
assert t['assignee']=='lina' and t['title']=='打印机卡纸' and t['body']=='三楼打印机', t
assert t['created']=='2026-10-09T14:30:00+08:00', t['created']" "$OUT"
run --format json ticket show 2
expect_true "a date alone is its midnight" python3 -c "
import json,sys
t=json.loads(sys.argv[1])
assert t['created']=='2026-10-10T00:00:00+08:00' and t['assignee']=='wangfang', t" "$OUT"

sheet "$WORK/bad-tickets.csv" "标题,处理人,创建时间,类型,来源编号,所属部门,联系电话,紧急程度,期望完成,附件,备注" \
    "x,李四,10/9/2026,incident,,,,,,,"
run ticket import "$WORK/bad-tickets.csv"
expect_rc 65 "unknown ticket headers are refused"
expect_eq 1 "$(grep -o "id, type, priority" <<<"$ERR" | wc -l)" "the list of valid columns is printed once, not once per header"
expect_eq 7 "$(grep -c "unknown column" <<<"$ERR")" "each of the 7 unknown headers is named once"
expect_err "line 1, column 5: unknown column '来源编号'" "with its column"
sheet "$WORK/bad-rows.csv" "标题,处理人,创建时间,类型" "x,李四,2026/10/9,incident" "y,lina,10/9/2026,incident"
run ticket import "$WORK/bad-rows.csv"
expect_rc 65 "bad cells are refused"
expect_err "line 2, column 2 '处理人': no person '李四'" "an unknown person with row and column"
expect_err "line 3, column 3 '创建时间': '10/9/2026' is day-first" "a year-last date with row and column"

finish
