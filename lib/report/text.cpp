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
        {"review.headline", {"Headline figures", "主要指标"}},
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
        {"col.open", {"Still open", "仍未关闭"}},
        {"col.id", {"Ticket", "工单"}},
        {"col.title", {"Title", "标题"}},
        {"col.status", {"Status", "状态"}},
        {"col.assignee", {"Assignee", "处理人"}},
        {"col.created", {"Created", "创建时间"}},
        {"col.breach", {"Breached", "超时项"}},
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
         {"SLA met per priority: response (bars), resolution (line), %", "各优先级时限达标率：响应（柱）、解决（线），%"}},
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
         {"{opened} tickets were opened and {closed} closed; {backlog} remained open at month end.",
          "本月新建工单 {opened} 个，关闭 {closed} 个，月末仍有 {backlog} 个未关闭。"}},
        {"sentence.sla",
         {"The response target was met for {response} of answered tickets and the resolution target "
          "for {resolution} of resolved ones.",
          "已响应工单的响应时限达标率为 {response}，已解决工单的解决时限达标率为 {resolution}。"}},
        {"sentence.satisfaction",
         {"Customers rated the service {satisfaction} on average; {complaints} complaints were received.",
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
         {"The roster covered {hours} of duty with {handovers} handovers and {overrides} overrides; "
          "{gaps} gaps had nobody on duty.",
          "本月值班共 {hours}，交接班 {handovers} 次，调班/替班 {overrides} 次，无人值班空档 {gaps} 个。"}},
        // Action items.
        {"actions.title", {"Action items", "待办事项"}},
        {"actions.intro",
         {"What the meeting works through: open problems, breached tickets still open, overdue "
          "maintenance and anything else left pending.",
          "例会逐项跟进：未关闭的问题、仍未关闭的超时工单、逾期维护及其他待处理事项。"}},
        {"actions.none", {"No action items.", "没有待办事项。"}},
        {"tbl.actions", {"Action items", "待办事项"}},
        {"action.open_problem", {"open problem", "未关闭的问题"}},
        {"action.breached_open", {"breached ticket still open", "超时且未关闭的工单"}},
        {"action.overdue_maintenance", {"overdue maintenance", "逾期维护"}},
        {"action.failing_check", {"check still failing", "仍未通过的巡检项"}},
        {"action.stale_backup", {"backup past its max age", "备份已超期"}},
        {"action.pending_manual", {"manual check pending", "待完成的人工检查项"}},
        {"action.coverage_gap", {"duty coverage gap", "值班空档"}},
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

} // namespace opsctl::report
