#include "lib/report/text.hpp"

#include "lib/core/error.hpp"

#include <map>

namespace opsctl::report {

namespace {

struct Text {
    std::string en;
    std::string zh;
};

// One table for both languages, so a label missing in one of them shows up side by side
// in review (and the unit test walks every key for an empty entry).
const std::map<std::string, Text, std::less<>>& texts() {
    static const std::map<std::string, Text, std::less<>> k_texts = {
        // The review itself.
        {"review.title", {"Monthly operations review", "月度运维例会报告"}},
        {"review.site", {"Site", "单位"}},
        {"review.month", {"Month", "月份"}},
        {"review.period", {"Period", "统计区间"}},
        {"review.generated", {"Generated", "生成时间"}},
        {"review.compared", {"Changes are against", "变化均与上月对比："}},
        {"review.empty", {"Nothing was recorded for this month.", "本月没有任何记录。"}},
        {"review.headline", {"headline figures", "主要指标"}},
        {"review.chart_note",
         {"Each chart's numbers are in the table that follows it.", "图表的数据见其后的表格。"}},
        // Figure table columns.
        {"col.key", {"Key", "键"}},
        {"col.metric", {"Metric", "指标"}},
        {"col.value", {"This month", "本月"}},
        {"col.previous", {"Previous month", "上月"}},
        {"col.change", {"Change", "变化"}},
        {"col.unit", {"Unit", "单位"}},
        {"col.section", {"Section", "部分"}},
        {"col.total", {"Total", "合计"}},
        {"col.type", {"Type", "类型"}},
        {"col.priority", {"Priority", "优先级"}},
        {"col.date", {"Date", "日期"}},
        {"col.opened", {"Opened", "新建"}},
        {"col.closed", {"Closed", "关闭"}},
        {"col.open_at_end", {"Open at month end", "月末未关闭"}},
        {"col.count", {"Count", "数量"}},
        {"col.share", {"Share %", "占比 %"}},
        {"col.bucket", {"Age", "积压时长"}},
        {"col.asset", {"Asset", "资产"}},
        {"col.incidents", {"Incidents", "事件数"}},
        {"col.open", {"Open at month end", "月末未关闭"}},
        {"col.id", {"Ticket", "工单"}},
        {"col.title", {"Title", "标题"}},
        {"col.status", {"Status", "状态"}},
        {"col.assignee", {"Assignee", "处理人"}},
        {"col.created", {"Created", "创建时间"}},
        {"col.breach", {"Breached (code)", "超时项（代码）"}},
        {"col.breach_label", {"Breached", "超时项"}},
        {"col.breached_at", {"Breached at", "超时时间"}},
        {"col.state_at_end", {"At month end (code)", "月末状态（代码）"}},
        {"col.severity", {"Severity", "严重程度"}},
        {"col.severity_label", {"Severity (label)", "严重程度（说明）"}},
        {"col.kind_label", {"Kind (label)", "类别（说明）"}},
        {"col.n", {"n", "样本数"}},
        {"col.target_value", {"Target", "目标"}},
        {"col.target_state", {"Met?", "是否达标"}},
        {"col.response_met", {"Response met", "响应达标"}},
        {"col.response_breached", {"Response breached", "响应超时"}},
        {"col.response_rate", {"Response %", "响应达标率 %"}},
        {"col.resolution_met", {"Resolution met", "解决达标"}},
        {"col.resolution_breached", {"Resolution breached", "解决超时"}},
        {"col.resolution_rate", {"Resolution %", "解决达标率 %"}},
        {"col.kind", {"Kind", "类别"}},
        {"col.item", {"Item", "事项"}},
        {"col.owner", {"Owner", "负责人"}},
        {"col.detail", {"Detail", "说明"}},
        {"col.since", {"Since", "起始"}},
        {"list.cut", {"{title} (first {shown} of {total})", "{title}（共 {total} 个，列出前 {shown} 个）"}},
        {"list.more", {"... and {more} more", "……另有 {more} 个"}},
        // Units.
        {"unit.count", {"count", "个"}},
        {"unit.percent", {"%", "%"}},
        {"unit.hours", {"h", "小时"}},
        {"unit.score", {"score (1-5)", "分 (1-5)"}},
        // Tickets.
        {"tickets.title", {"Tickets", "工单"}},
        {"fig.opened", {"Tickets opened", "新建工单"}},
        {"fig.closed", {"Tickets closed", "关闭工单"}},
        {"fig.backlog", {"Backlog at month end", "月末积压工单"}},
        {"fig.p1", {"Priority-1 tickets", "最高优先级工单"}},
        {"fig.response_sla", {"Response SLA met", "响应时限达标率"}},
        {"fig.resolution_sla", {"Resolution SLA met", "解决时限达标率"}},
        {"fig.top_resolution_sla", {"Resolution SLA met, top priority", "最高优先级解决时限达标率"}},
        {"fig.response_mean", {"Mean time to respond (business)", "平均响应时间（工作时间）"}},
        {"fig.response_p90", {"90th percentile time to respond (business)", "90% 响应时间（工作时间）"}},
        {"fig.resolution_mean", {"Mean time to resolve (business)", "平均解决时间（工作时间）"}},
        {"fig.resolution_p90", {"90th percentile time to resolve (business)", "90% 解决时间（工作时间）"}},
        {"fig.satisfaction", {"Satisfaction (average)", "满意度（平均）"}},
        {"fig.complaints", {"Complaints", "投诉数"}},
        {"tbl.by_type_priority", {"Tickets opened by type and priority", "按类型和优先级统计的新建工单"}},
        {"tbl.by_type", {"Tickets opened by type", "按类型统计的新建工单"}},
        {"tbl.daily", {"Tickets opened and closed per day", "每日新建与关闭工单"}},
        {"tbl.sla", {"SLA attainment per priority", "各优先级时限达标情况"}},
        {"tbl.backlog_age", {"Backlog at month end by age", "月末积压工单账龄"}},
        {"tbl.top_assets", {"Assets with the most incidents", "事件最多的资产"}},
        {"tbl.problems_changes", {"Problems and changes", "问题与变更"}},
        {"tbl.breached", {"Tickets that breached an SLA target", "超出时限的工单"}},
        {"tbl.complaints", {"Complaints by type", "按类型统计的投诉"}},
        {"chart.by_type", {"Tickets opened by type", "新建工单类型分布"}},
        {"chart.daily", {"Tickets opened (bars) and closed (line) per day", "每日新建（柱）与关闭（线）工单"}},
        {"chart.sla",
         {"SLA met per priority: response and resolution (bars), resolution target (line), %",
          "各优先级时限达标率：响应与解决（柱），解决目标（线），%"}},
        {"series.target", {"target", "目标"}},
        {"axis.tickets", {"Tickets", "工单数"}},
        {"axis.percent", {"Share met (%)", "达标率（%）"}},
        {"series.opened", {"opened", "新建"}},
        {"series.closed", {"closed", "关闭"}},
        {"series.response", {"response", "响应"}},
        {"series.resolution", {"resolution", "解决"}},
        {"bucket.1d", {"under 1 day", "1 天以内"}},
        {"bucket.3d", {"1 to 3 days", "1 至 3 天"}},
        {"bucket.7d", {"3 to 7 days", "3 至 7 天"}},
        {"bucket.30d", {"7 to 30 days", "7 至 30 天"}},
        {"bucket.more", {"over 30 days", "30 天以上"}},
        {"kind.problem", {"problems", "问题"}},
        {"kind.change", {"changes", "变更"}},
        {"breach.response", {"response", "响应"}},
        {"breach.resolution", {"resolution", "解决"}},
        {"breach.both", {"response, resolution", "响应、解决"}},
        {"sentence.tickets",
         {"{opened} {w_opened} opened and {closed} closed; {backlog} remained open at month end.",
          "本月新建工单 {opened} 个，关闭 {closed} 个，月末仍有 {backlog} 个未关闭。"}},
        {"sentence.sla",
         {"Of the {response_n} {response_tickets} whose response was due in the month, {response} "
          "were answered in time; of the {resolution_n} {resolution_tickets} whose resolution was "
          "due in the month, resolved or not, {resolution} were resolved in time.",
          "本月到期的响应时限共 {response_n} 个，按时响应 {response}；本月到期的解决时限共 {resolution_n} 个"
          "（无论是否已解决），按时解决 {resolution}。"}},
        {"noun.ticket", {"ticket|tickets", "个"}},
        {"noun.ticket_was", {"ticket was|tickets were", ""}},
        {"noun.complaint_was", {"complaint was|complaints were", ""}},
        {"noun.checklist_run", {"checklist run|checklist runs", ""}},
        {"noun.failing_result", {"failing result|failing results", ""}},
        {"noun.manual_item", {"manual item|manual items", ""}},
        {"noun.checklist", {"checklist|checklists", ""}},
        {"noun.backup_run", {"backup run|backup runs", ""}},
        {"noun.restore_drill", {"restore drill|restore drills", ""}},
        {"noun.handover", {"handover|handovers", ""}},
        {"noun.override", {"override|overrides", ""}},
        {"noun.gap_had", {"gap had|gaps had", ""}},
        {"noun.asset_was", {"asset was|assets were", ""}},
        {"noun.record", {"record|records", ""}},
        {"noun.warranty", {"warranty|warranties", ""}},
        {"noun.service_life", {"service life|service lives", ""}},
        {"owner.asset_owners", {"(each asset's owner)", "（各资产责任人）"}},
        {"tbl.assets_ending_by_owner",
         {"Warranties and service lives ending next month, by class and owner", "下月保修到期与达到使用年限的资产（按类别和责任人）"}},
        {"col.what_label", {"What (label)", "事项（说明）"}},
        {"word.not_in_policy", {"(no longer in the policy)", "（已不在策略中）"}},
        {"sentence.satisfaction",
         {"Customers rated the service {satisfaction} on average; {complaints} {w_complaints} received.",
          "客户满意度平均 {satisfaction} 分，收到投诉 {complaints} 个。"}},
        // Roster.
        {"roster.title", {"Duty roster", "值班"}},
        {"fig.duty_hours", {"Duty hours", "值班时长"}},
        {"fig.handovers", {"Shift handovers", "交接班次数"}},
        {"fig.overrides", {"Overrides (covers and swaps)", "调班/替班次数"}},
        {"fig.gap_hours", {"Hours with nobody on duty", "无人值班时长"}},
        {"fig.late_checkins", {"Late check-ins", "迟到签到"}},
        {"fig.missed_turns", {"Turns without a check-in", "未签到班次"}},
        {"tbl.roster_duty", {"Duty per person", "人员值班统计"}},
        {"tbl.roster_gaps", {"Coverage gaps", "值班空档"}},
        {"col.person", {"Person", "人员"}},
        {"col.name", {"Name", "姓名"}},
        {"col.shifts", {"Duties", "班次"}},
        {"col.hours", {"Hours", "小时"}},
        {"col.night_hours", {"Night hours", "夜间小时"}},
        {"col.offday_hours", {"Off-day hours", "休息日小时"}},
        {"col.handovers", {"Handovers", "交接班"}},
        {"col.late", {"Late", "迟到"}},
        {"col.missed", {"Missed", "未签到"}},
        {"col.start", {"Start", "开始"}},
        {"col.end", {"End", "结束"}},
        {"sentence.roster",
         {"The roster covered {hours} of duty with {handovers} {w_handovers} and {overrides} {w_overrides}; "
          "{gaps} {w_gaps} nobody on duty.",
          "本月值班共 {hours}，交接班 {handovers} 次，调班/替班 {overrides} 次，无人值班空档 {gaps} 个。"}},
        // Inspections.
        {"inspections.title", {"Inspections", "巡检"}},
        {"fig.inspection_runs", {"Checklist runs", "巡检次数"}},
        {"fig.pass_rate", {"Runs that passed", "巡检通过率"}},
        {"fig.failed_results", {"Failing results (warning or critical)", "异常结果（告警或严重）"}},
        {"fig.pending_manual", {"Manual items left pending", "未完成的人工检查项"}},
        {"fig.overdue_checklists", {"Checklists overdue at month end", "月末逾期未巡检的清单"}},
        {"tbl.inspections", {"Runs per checklist", "各巡检清单执行情况"}},
        {"tbl.failed_items", {"Items that failed most", "异常最多的检查项"}},
        {"tbl.pending_manual", {"Manual items left pending", "未完成的人工检查项"}},
        {"col.checklist", {"Checklist", "巡检清单"}},
        {"col.every", {"Every", "周期"}},
        {"col.runs", {"Runs", "次数"}},
        {"col.ok", {"OK", "正常"}},
        {"col.warning", {"Warning", "告警"}},
        {"col.critical", {"Critical", "严重"}},
        {"col.unknown", {"Unknown", "未知"}},
        {"col.pending", {"Pending", "待确认"}},
        {"col.pass_rate", {"Passed %", "通过率 %"}},
        {"col.last_run", {"Last run", "最近一次"}},
        {"col.overdue", {"Overdue", "逾期"}},
        {"col.failures", {"Failures", "异常次数"}},
        {"col.targets", {"Targets", "涉及对象"}},
        {"col.still_failing", {"Still failing", "仍异常"}},
        {"col.run", {"Run", "巡检记录"}},
        {"col.target", {"Target", "对象"}},
        {"col.started", {"Started", "开始时间"}},
        {"sentence.inspections",
         {"{runs} {w_runs}, {passed} of them passed ({rate}); {failed} {w_failed}; {pending} {w_pending} left "
          "pending; {overdue} {w_overdue} overdue at month end.",
          "本月巡检 {runs} 次，通过 {passed} 次（{rate}）；异常结果 {failed} 个；未完成的人工检查项 {pending} 个；"
          "月末逾期未巡检的清单 {overdue} 个。"}},
        // Backups.
        {"backups.title", {"Backups", "备份"}},
        {"fig.backup_runs", {"Backup runs", "备份次数"}},
        {"fig.backup_success", {"Backup runs that succeeded", "备份成功率"}},
        {"fig.backup_verified", {"Successful backups verified", "备份验证率"}},
        {"fig.days_past_max_age", {"Days past max_age (worst job)", "超过最长间隔的天数（最长的任务）"}},
        {"fig.restore_drills", {"Restore drills", "恢复演练次数"}},
        {"fig.restore_drills_ok", {"Restore drills that succeeded", "成功的恢复演练"}},
        {"tbl.backups", {"Runs per backup job", "各备份任务执行情况"}},
        {"tbl.restore_drills", {"Restore drills", "恢复演练"}},
        {"col.job", {"Job", "备份任务"}},
        {"col.backup_run", {"Run", "备份记录"}},
        {"col.success", {"Succeeded", "成功"}},
        {"col.failed", {"Failed", "失败"}},
        {"col.success_rate", {"Success %", "成功率 %"}},
        {"col.verified", {"Verified", "已验证"}},
        {"col.verification_rate", {"Verified %", "验证率 %"}},
        {"col.max_age", {"Max age", "最长间隔"}},
        {"col.days_past_max_age", {"Days past max age", "超期天数"}},
        {"col.at", {"At", "时间"}},
        {"col.duration_s", {"Duration (s)", "耗时（秒）"}},
        {"col.files", {"Files", "文件数"}},
        {"col.result", {"Result", "结果"}},
        {"col.by", {"By", "执行人"}},
        {"sentence.backups",
         {"{runs} {w_runs}, {success} succeeded and {verified} of the successful ones were verified by the "
          "month's end; the job longest past its max_age spent {stale} past it; {drills} {w_drills}, "
          "{drills_ok} succeeded.",
          "本月备份 {runs} 次，成功率 {success}，成功备份的验证率 {verified}；超过最长间隔最久的任务超期 {stale}；"
          "恢复演练 {drills} 次，成功 {drills_ok} 次。"}},
        // Assets.
        {"assets.title", {"Assets", "资产"}},
        {"fig.assets_in_service", {"Assets in service at month end", "月末在册资产"}},
        {"fig.assets_added", {"Assets added", "新增资产"}},
        {"fig.assets_retired", {"Assets retired", "报废资产"}},
        {"fig.maintenance_records", {"Maintenance records", "维护记录"}},
        {"fig.maintenance_due", {"Maintenance due (asset and kind)", "应维护（资产×类别）"}},
        {"fig.maintenance_done", {"Due maintenance done", "应维护完成率"}},
        {"fig.warranties_ending", {"Warranties ending next month", "下月保修到期"}},
        {"fig.service_lives_ending", {"Service lives ending next month", "下月达到使用年限"}},
        {"tbl.assets_by_class", {"Assets by class", "按类别统计的资产"}},
        {"tbl.maintenance_due", {"Maintenance done against due", "维护完成情况"}},
        {"tbl.assets_ending", {"Warranties and service lives ending next month", "下月保修到期与达到使用年限的资产"}},
        {"col.class", {"Class", "类别"}},
        {"col.in_service", {"In service", "在册"}},
        {"col.added", {"Added", "新增"}},
        {"col.retired", {"Retired", "报废"}},
        {"col.disposed", {"Disposed", "处置"}},
        {"col.due", {"Due", "应维护"}},
        {"col.done", {"Done", "已维护"}},
        {"col.not_done", {"Not done", "未维护"}},
        {"col.done_rate", {"Done %", "完成率 %"}},
        {"col.tag", {"Tag", "编号"}},
        {"col.asset_name", {"Name", "名称"}},
        {"col.what", {"What", "事项"}},
        {"col.ends", {"Ends", "到期日"}},
        {"ending.warranty", {"warranty", "保修到期"}},
        {"ending.service_life", {"service life", "达到使用年限"}},
        {"sentence.assets",
         {"{added} {w_added} added and {retired} retired; {in_service} in service at month end. "
          "Due maintenance tasks done: {done} of {due} ({records} {w_records}). Next month {warranties} "
          "{w_warranties} and {lives} {w_lives} end.",
          "本月新增资产 {added} 个，报废 {retired} 个，月末在册 {in_service} 个。应维护 {due} 项，完成 {done} 项"
          "（维护记录 {records} 条）。下月保修到期 {warranties} 个，达到使用年限 {lives} 个。"}},
        // Words.
        {"word.yes", {"yes", "是"}},
        {"word.breached", {"breached", "超时"}},
        {"word.met", {"✓ met", "✓ 达标"}},
        {"word.missed", {"✗ MISSED", "✗ 未达标"}},
        {"severity.1", {"critical", "紧急"}},
        {"severity.2", {"high", "高"}},
        {"severity.3", {"medium", "中"}},
        {"severity.4", {"low", "低"}},
        {"summary.title", {"Key figures", "关键指标"}},
        {"summary.intro",
         {"The month's key figures against their targets; n is the number of tickets, runs or tasks each "
          "share is taken over.",
          "本月关键指标与目标对比；n 为各比率所依据的工单、执行或任务数。"}},
        {"tbl.summary", {"Key figures against targets", "关键指标与目标"}},
        {"tbl.top_actions", {"Top action items", "首要待办事项"}},
        {"tbl.actions_by_owner", {"Action items by kind and owner", "按类别和负责人统计的待办事项"}},
        {"list.shown", {"The first {shown} of {total} rows; every row is in {file}.",
                        "列出 {total} 行中的前 {shown} 行；全部见 {file}。"}},
        {"appendix.title", {"Details", "明细"}},
        {"word.no", {"no", "否"}},
        {"word.ok", {"ok", "成功"}},
        {"word.failed", {"failed", "失败"}},
        {"word.never", {"never", "从未"}},
        {"unit.days", {"d", "天"}},
        // Action items.
        {"actions.title", {"Action items", "待办事项"}},
        {"actions.intro",
         {"What the meeting works through, as it stood at the month's end: the most severe first, then the "
          "oldest; an item nobody holds is owned by whoever was on duty at the month's end.",
          "例会逐项跟进（以月末状态为准）：按严重程度、再按时间先后排列；无人负责的事项由月末值班人员负责。"}},
        {"actions.none", {"No action items.", "没有待办事项。"}},
        {"tbl.actions", {"All action items", "全部待办事项"}},
        {"action.open_problem", {"open problem", "未关闭的问题"}},
        {"action.breached_open", {"breached ticket still open", "超时且未关闭的工单"}},
        {"action.overdue_maintenance", {"overdue maintenance", "逾期维护"}},
        {"action.failing_check", {"check still failing", "仍未通过的巡检项"}},
        {"action.stale_backup", {"backup past its max age", "备份已超期"}},
        {"action.pending_manual", {"manual check pending", "待完成的人工检查项"}},
        {"action.coverage_gap", {"duty coverage gap", "值班空档"}},
        {"action.overdue_checklist", {"checklist overdue", "逾期未巡检"}},
        {"action.backup_critical", {"backup critical", "备份异常"}},
    };
    return k_texts;
}

} // namespace

const std::string& tr(Language lang, std::string_view key) {
    const auto& all = texts();
    auto it = all.find(key);
    if (it == all.end()) {
        throw Failure("report text '" + std::string(key) + "' is missing");
    }
    return lang == Language::zh ? it->second.zh : it->second.en;
}

bool has_text(std::string_view key) { return texts().find(key) != texts().end(); }

std::string plural(Language lang, std::string_view key, std::int64_t n) {
    const std::string& text = tr(lang, key);
    const auto bar = text.find('|');
    if (bar == std::string::npos) {
        return text;
    }
    return n == 1 ? text.substr(0, bar) : text.substr(bar + 1);
}

} // namespace opsctl::report
