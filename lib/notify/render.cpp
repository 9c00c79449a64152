#include "lib/notify/render.hpp"

#include "lib/core/duration.hpp"
#include "lib/util/template.hpp"
#include "lib/util/unicode.hpp"

#include <fmt/format.h>

namespace opsctl::notify {

namespace {

struct Default {
    const char* zh_title;
    const char* zh_text;
    const char* en_title;
    const char* en_text;
};

constexpr const char* k_ticket_zh = "状态：{{status}}\n处理人：{{assignee}}\n资产：{{asset}}\nSLA 剩余：{{sla_left}}\n处理：{{command}}";
constexpr const char* k_ticket_en = "Status: {{status}}\nAssignee: {{assignee}}\nAsset: {{asset}}\nSLA left: {{sla_left}}\nAct: {{command}}";
constexpr Default k_ticket{"【{{priority}}】工单 #{{id}} {{action}}：{{title}}", k_ticket_zh,
                           "[{{priority}}] Ticket #{{id}} {{action}}: {{title}}", k_ticket_en};

// The defaults per kind; a kind without one here uses the ticket default when its data has a
// ticket, else the generic one (every value, one per line).
const Default* default_for(const std::string& kind) {
    static const std::map<std::string, Default> k_defaults = {
        {"inspect.failed",
         {"巡检失败：{{checklist}} / {{item}} @ {{target}}", "状态：{{status}}（之前：{{previous}}）\n{{message}}\n处理：{{command}}",
          "Inspection failed: {{checklist}} / {{item}} @ {{target}}",
          "Status: {{status}} (was: {{previous}})\n{{message}}\nAct: {{command}}"}},
        {"inspect.recovered",
         {"巡检恢复：{{checklist}} / {{item}} @ {{target}}", "状态：{{status}}（之前：{{previous}}）\n处理：{{command}}",
          "Inspection recovered: {{checklist}} / {{item}} @ {{target}}", "Status: {{status}} (was: {{previous}})\nAct: {{command}}"}},
        {"backup.failed",
         {"备份失败：{{job}}", "运行 #{{run}}\n错误：{{error}}\n处理：{{command}}", "Backup failed: {{job}}",
          "Run #{{run}}\nError: {{error}}\nAct: {{command}}"}},
        {"backup.verification_failed",
         {"备份校验失败：{{job}}", "运行 #{{run}}\n{{detail}}\n处理：{{command}}", "Backup did not verify: {{job}}",
          "Run #{{run}}\n{{detail}}\nAct: {{command}}"}},
        {"asset.retired",
         {"资产报废：{{tag}} {{name}}", "类别：{{class}}\n原因：{{reason}}\n查看：{{command}}", "Asset retired: {{tag}} {{name}}",
          "Class: {{class}}\nReason: {{reason}}\nSee: {{command}}"}},
        {"asset.transferred",
         {"资产移交：{{from}} → {{to}}", "资产：{{tags}}\n查看：{{command}}", "Assets handed over: {{from}} → {{to}}",
          "Assets: {{tags}}\nSee: {{command}}"}},
        {"roster.override",
         {"值班调整：{{rotation}}", "{{person}} 值班，{{starts_at}} 至 {{ends_at}}\n{{note}}\n查看：{{command}}",
          "Duty override: {{rotation}}", "{{person}} on duty from {{starts_at}} to {{ends_at}}\n{{note}}\nSee: {{command}}"}},
        {"page",
         {"【值班呼叫】{{person_name}}：{{title}}", "第 {{step}}/{{of}} 次呼叫（{{level}}）\n电话：{{phone}}\n确认：{{command}}",
          "[PAGE] {{person_name}}: {{title}}", "Page {{step}} of {{of}} ({{level}})\nPhone: {{phone}}\nAcknowledge: {{command}}"}},
        {"roster.handover",
         {"交接班：{{from}} → {{to}}",
          "未结工单 {{open_tickets}}，SLA 风险 {{at_risk_slas}}，巡检失败 {{failed_inspections}}，备份过期 {{stale_backups}}\n{{note}}\n查看：{{command}}",
          "Shift handover: {{from}} → {{to}}",
          "Open tickets {{open_tickets}}, SLAs at risk {{at_risk_slas}}, failed inspections {{failed_inspections}}, stale backups {{stale_backups}}\n{{note}}\nSee: {{command}}"}},
    };
    if (auto it = k_defaults.find(kind); it != k_defaults.end()) {
        return &it->second;
    }
    if (kind.starts_with("ticket.") || kind.starts_with("approval.")) {
        return &k_ticket;
    }
    return nullptr;
}

std::string action_word(const std::string& kind, bool zh) {
    static const std::map<std::string, std::pair<const char*, const char*>> k_words = {
        {"ticket.created", {"新建", "opened"}},
        {"ticket.assigned", {"已分派", "assigned"}},
        {"ticket.moved", {"状态变更", "moved"}},
        {"ticket.resolved", {"已解决", "resolved"}},
        {"ticket.closed", {"已关闭", "closed"}},
        {"ticket.reopened", {"重新打开", "reopened"}},
        {"ticket.escalated", {"升级", "escalated"}},
        {"approval.requested", {"待审批", "awaits approval"}},
        {"approval.granted", {"已批准", "approved"}},
        {"approval.rejected", {"被驳回", "rejected"}},
        {"approval.emergency", {"紧急放行，待补审批", "passed by emergency, approval due"}},
    };
    auto it = k_words.find(kind);
    return it == k_words.end() ? kind : (zh ? it->second.first : it->second.second);
}

std::string command_for(const std::string& kind, const std::map<std::string, std::string>& v) {
    const auto get = [&](const char* k) {
        auto it = v.find(k);
        return it == v.end() ? std::string() : it->second;
    };
    const auto word = [](const std::string& s) { return util::shell_quote(s); };
    if (kind == "page" && !get("id").empty()) {
        return "opsctl page ack " + get("id");
    }
    if ((kind.starts_with("ticket.") || kind.starts_with("approval.")) && !get("id").empty()) {
        return kind == "approval.requested" || kind == "approval.emergency" ? "opsctl ticket approve " + get("id")
                                                                          : "opsctl ticket show " + get("id");
    }
    if (kind.starts_with("inspect.") && !get("run").empty()) {
        return "opsctl inspect show " + get("run");
    }
    if (kind.starts_with("backup.") && !get("run").empty()) {
        return "opsctl backup show " + get("run");
    }
    if (kind == "asset.retired" && !get("tag").empty()) {
        return "opsctl asset show " + word(get("tag"));
    }
    if (kind == "asset.transferred" && !get("to").empty()) {
        return "opsctl asset list --owner " + word(get("to"));
    }
    if (kind == "roster.override" || kind == "roster.handover") {
        return kind == "roster.override" ? "opsctl roster override list" : "opsctl roster handovers";
    }
    return {};
}

std::string text_of(const nlohmann::json& v) {
    if (v.is_string()) {
        return v.get<std::string>();
    }
    if (v.is_null()) {
        return {};
    }
    if (v.is_array()) {
        std::string out;
        for (const auto& e : v) {
            out += (out.empty() ? "" : ", ") + text_of(e);
        }
        return out;
    }
    return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace

Format format_of(const std::string& type) {
    return type == "wecom" || type == "dingtalk" ? Format::markdown : Format::text;
}

std::string one_line(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (std::size_t i = 0; i < value.size();) {
        const auto cp = util::decode_utf8(value, i);
        const char32_t c = cp.value;
        if (!cp.valid || c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029) {
            out += ' ';
        } else {
            out.append(value.substr(i, cp.length));
        }
        i += cp.length;
    }
    return out;
}

std::string escape_markdown(std::string_view value) {
    std::string out;
    for (const char c : one_line(value)) {
        switch (c) {
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '&':
            out += "&amp;";
            break;
        case '\\': case '`': case '*': case '_': case '{': case '}': case '[': case ']': case '(': case ')':
        case '#': case '+': case '-': case '.': case '!': case '|': case '~': case '"':
            out += '\\';
            out += c;
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string cut(std::string_view text, std::size_t max) {
    if (text.size() <= max) {
        return std::string(text);
    }
    const std::string_view ellipsis = "…";
    std::size_t end = max > ellipsis.size() ? max - ellipsis.size() : 0;
    // Back to the start of a character: never half of one.
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
        --end;
    }
    return std::string(text.substr(0, end)) + std::string(ellipsis);
}

std::map<std::string, std::string> template_values(const std::string& kind, const nlohmann::json& data,
                                                   const std::string& site, const std::string& at_text,
                                                   std::int64_t now, const std::string& language) {
    std::map<std::string, std::string> v;
    if (data.is_object()) {
        for (const auto& [key, value] : data.items()) {
            if (!value.is_object()) {
                v[key] = cut(text_of(value), 1000);
            }
        }
    }
    const bool zh = language != "en";
    v["kind"] = kind;
    v["site"] = site;
    v["at"] = at_text;
    v["action"] = action_word(kind, zh);
    if (data.is_object() && data.contains("due") && data["due"].is_number_integer()) {
        const std::int64_t left = data["due"].get<std::int64_t>() - now;
        const auto d = core::format_seconds(left < 0 ? -left : left);
        v["sla_left"] = left >= 0 ? d : (zh ? "已超时 " + d : "overdue by " + d);
    }
    v["command"] = command_for(kind, v);
    return v;
}

Message render(const policy::NotifyPolicy& policy, const std::string& kind, const std::string& language,
               Format format, const std::map<std::string, std::string>& values) {
    const bool zh = language != "en";
    std::string title_tpl;
    std::string text_tpl;
    bool found = false;
    if (auto it = policy.templates.find(kind); it != policy.templates.end()) {
        // The team's template in the channel's language, else in the other one.
        auto t = it->second.find(language);
        if (t == it->second.end()) {
            t = it->second.begin();
        }
        if (t != it->second.end()) {
            title_tpl = t->second.title;
            text_tpl = t->second.text;
            found = true;
        }
    }
    if (!found) {
        if (const auto* d = default_for(kind)) {
            title_tpl = zh ? d->zh_title : d->en_title;
            text_tpl = zh ? d->zh_text : d->en_text;
        } else {
            title_tpl = "{{site}}: {{kind}}";
            for (const auto& [key, value] : values) {
                if (key != "kind" && key != "site" && key != "action" && key != "command") {
                    text_tpl += key + ": {{" + key + "}}\n";
                }
            }
        }
    }
    // Values in a title stay on one line (a mail subject, a heading); in a Markdown text they
    // are inert; a plain text keeps its lines.
    std::map<std::string, std::string> in_title;
    std::map<std::string, std::string> in_text;
    for (const auto& [key, value] : values) {
        const std::string shown = value.empty() ? "-" : value;
        in_title[key] = format == Format::markdown ? escape_markdown(shown) : one_line(shown);
        if (format == Format::markdown) {
            // The command is meant to be copied: in code quotes, where Markdown is not read.
            in_text[key] = key == "command" ? "`" + one_line(shown) + "`" : escape_markdown(shown);
        } else {
            in_text[key] = shown;
        }
    }
    auto title = util::expand_template(title_tpl, in_title, util::TemplateUse::text);
    auto text = util::expand_template(text_tpl, in_text, util::TemplateUse::text);
    // A placeholder the event has no value for reads "-".
    for (const auto& name : title.missing) {
        in_title[name] = "-";
    }
    for (const auto& name : text.missing) {
        in_text[name] = "-";
    }
    if (!title.missing.empty()) {
        title = util::expand_template(title_tpl, in_title, util::TemplateUse::text);
    }
    if (!text.missing.empty()) {
        text = util::expand_template(text_tpl, in_text, util::TemplateUse::text);
    }
    Message m;
    m.title = cut(one_line(title.text), 200);
    m.text = cut(text.text, 3500);
    if (format == Format::markdown) {
        // Lines of a Markdown text end with two spaces: a line break, not a joined paragraph.
        std::string broken;
        for (const char c : m.text) {
            broken += c == '\n' ? std::string("  \n") : std::string(1, c);
        }
        m.text = broken;
    }
    return m;
}

} // namespace opsctl::notify
