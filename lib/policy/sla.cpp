#include "lib/policy/parsers.hpp"
#include "lib/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace opsctl::policy {

bool SlaRule::matches(const std::string& type, const std::string& priority) const {
    auto in = [](const std::vector<std::string>& list, const std::string& v) {
        return list.empty() || std::find(list.begin(), list.end(), v) != list.end();
    };
    return in(types, type) && in(priorities, priority);
}

const SlaRule* SlaPolicy::match(const std::string& type, const std::string& priority) const {
    for (const auto& rule : rules) {
        if (rule.matches(type, priority)) {
            return &rule;
        }
    }
    return nullptr;
}

const char* to_string(SlaClockKind kind) { return kind == SlaClockKind::business ? "business" : "24x7"; }

void parse_sla(Reader& r, const Node& node, Policy& p) {
    if (!r.map(node, "section 'sla'", {"rules"})) {
        return;
    }
    r.entries(node["rules"], "sla rule", [&](const std::string& name, const Node& key, const Node& value) {
        for (const auto& existing : p.sla.rules) {
            if (existing.name == name) {
                r.error(key, fmt::format("sla rule '{}' is defined twice (first at {})", name, existing.origin.str()));
                return;
            }
        }
        if (!r.map(value, fmt::format("sla rule '{}'", name),
                   {"types", "priorities", "response", "resolution", "clock", "escalate"})) {
            return;
        }
        SlaRule rule;
        rule.name = name;
        rule.origin = r.origin(key);
        rule.types = r.strings(value, "types").value_or(std::vector<std::string>{});
        rule.priorities = r.strings(value, "priorities").value_or(std::vector<std::string>{});
        rule.response = r.duration(value, "response");
        rule.resolution = r.duration(value, "resolution");
        for (const char* k : {"response", "resolution"}) {
            const auto& d = std::string(k) == "response" ? rule.response : rule.resolution;
            if (d && d->months != 0) {
                r.error(value[k], fmt::format("'{}' of sla rule '{}' cannot be in months or years (use days)", k, name));
            }
        }
        if (auto clock = r.one_of(value, "clock", {"business", "24x7"})) {
            rule.clock = *clock == "24x7" ? SlaClockKind::around_the_clock : SlaClockKind::business;
        }
        const Node steps = value["escalate"];
        if (steps.is_defined() && !steps.is_null() && r.sequence(steps, fmt::format("'escalate' of sla rule '{}'", name))) {
            for (const auto& step : steps) {
                if (!r.map(step, "an escalation step", {"at", "reassign"})) {
                    continue;
                }
                Escalation e;
                e.origin = r.origin(step);
                e.at = r.percent(step, "at", true).value_or(1.0);
                // Resolved to a person or a team in finish_sla, once people are known.
                e.reassign_to = r.string(step, "reassign").value_or("");
                if (e.at <= 0) {
                    r.error(step["at"], "'at' must be above 0%");
                }
                rule.escalations.push_back(std::move(e));
            }
            std::sort(rule.escalations.begin(), rule.escalations.end(),
                      [](const Escalation& a, const Escalation& b) { return a.at < b.at; });
        }
        p.sla.rules.push_back(std::move(rule));
    });
}

void finish_sla(Diagnostics& d, Policy& p) {
    const bool tickets = p.loaded & section::k_tickets;
    const bool people = p.loaded & section::k_people;
    const auto teams = p.teams();
    for (auto& rule : p.sla.rules) {
        if (tickets) {
            for (const auto& t : rule.types) {
                if (!p.tickets.type(t)) {
                    d.error(rule.origin, fmt::format("sla rule '{}' names no ticket type '{}' ({})", rule.name, t,
                                                     util::suggest(t, p.tickets.type_names())));
                }
            }
            for (const auto& pr : rule.priorities) {
                if (!p.tickets.priority(pr)) {
                    d.error(rule.origin, fmt::format("sla rule '{}' names no priority '{}' ({})", rule.name, pr,
                                                     util::suggest(pr, p.tickets.priority_names())));
                }
            }
        }
        for (auto& e : rule.escalations) {
            if (e.reassign_to.empty() || !people) {
                continue;
            }
            if (p.person(e.reassign_to)) {
                continue;
            }
            if (std::find(teams.begin(), teams.end(), e.reassign_to) != teams.end()) {
                e.reassign_team = e.reassign_to;
                e.reassign_to.clear();
                continue;
            }
            std::vector<std::string> known = teams;
            for (const auto& [id, person] : p.people) {
                known.push_back(id);
            }
            d.error(e.origin, fmt::format("escalation of sla rule '{}' reassigns to '{}', neither a person nor a team ({})",
                                          rule.name, e.reassign_to, util::suggest(e.reassign_to, known)));
        }
    }
}

} // namespace opsctl::policy
