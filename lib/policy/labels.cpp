#include "lib/policy/labels.hpp"

namespace opsctl::policy {

const std::vector<ColumnLabels>& builtin_column_labels(std::string_view table) {
    // The words teams use in their own registers and exports; opsctl-asset(1) and
    // opsctl-ticket(1) list them. A label must name one column only within its table.
    static const std::vector<ColumnLabels> k_asset = {
        {"tag", {"Asset tag", "编号", "资产编号", "资产标签", "标签"}},
        {"class", {"Class", "类别", "资产类别", "分类", "资产分类"}},
        {"name", {"Name", "名称", "资产名称", "设备名称"}},
        {"model", {"Model", "型号", "规格型号"}},
        {"serial", {"Serial", "Serial number", "SN", "序列号"}},
        {"owner", {"Owner", "负责人", "责任人", "使用人", "保管人"}},
        {"location", {"Location", "位置", "存放位置", "所在位置", "地点"}},
        {"address", {"Address", "IP", "地址", "IP地址", "主机名"}},
        {"status", {"Status", "状态"}},
        {"purchased", {"Purchased", "Purchase date", "购买日期", "购置日期", "采购日期"}},
        {"warranty_until", {"Warranty until", "Warranty", "保修截止", "保修截止日期", "保修到期", "保修期至"}},
        {"parent", {"Parent", "上级资产", "所属设备"}},
    };
    static const std::vector<ColumnLabels> k_ticket = {
        {"id", {"ID", "Ticket", "编号", "工单号", "工单编号"}},
        {"type", {"Type", "类型", "工单类型"}},
        {"priority", {"Priority", "优先级"}},
        {"status", {"Status", "状态"}},
        {"title", {"Title", "Subject", "标题", "主题"}},
        {"body", {"Body", "Description", "描述", "内容", "详情", "问题描述"}},
        {"team", {"Team", "团队", "处理组"}},
        {"assignee", {"Assignee", "处理人", "指派给", "负责人"}},
        {"asset", {"Asset", "资产", "资产编号", "设备"}},
        {"reporter", {"Reporter", "报告人", "报修人", "提出人"}},
        {"source", {"Source", "来源"}},
        {"resolution", {"Resolution", "解决方案", "处理结果"}},
        {"created_at", {"Created", "创建时间", "提交时间"}},
        {"updated_at", {"Updated", "更新时间"}},
        {"responded_at", {"Responded", "响应时间"}},
        {"resolved_at", {"Resolved", "解决时间"}},
        {"closed_at", {"Closed", "关闭时间"}},
        {"satisfaction", {"Satisfaction", "满意度"}},
        {"complaint_type", {"Complaint type", "投诉类型"}},
        {"spent_secs", {"Spent (s)", "耗时（秒）", "耗时(秒)"}},
        {"paused_wall_secs", {"paused_secs"}}, // its name in exports before 2026-12
    };
    static const std::vector<ColumnLabels> k_none;
    if (table == "asset") {
        return k_asset;
    }
    if (table == "ticket") {
        return k_ticket;
    }
    return k_none;
}

} // namespace opsctl::policy
