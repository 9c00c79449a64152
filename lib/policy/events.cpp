#include "lib/policy/events.hpp"

#include "lib/util/text.hpp"

#include <algorithm>

namespace opsctl::policy {

const std::vector<EventKind>& event_kinds() {
    // Each kind here is emitted somewhere in lib/ (tests/cli/test_man.sh checks the two agree
    // and that opsctl-policy(5) lists them all).
    static const std::vector<EventKind> kinds = {
        {"ticket.created", "a ticket was opened (new, import, inspection)"},
        {"ticket.assigned", "a ticket was given to a person"},
        {"ticket.moved", "a ticket moved to another workflow state"},
        {"ticket.resolved", "a ticket was resolved"},
        {"ticket.closed", "a ticket was closed"},
        {"ticket.reopened", "a resolved or closed ticket was reopened"},
        {"ticket.escalated", "an SLA escalation step fired (ticket sla)"},
        {"approval.requested", "a ticket now awaits approval to enter a guarded state"},
        {"approval.granted", "an approver approved a ticket's request (ticket approve)"},
        {"approval.rejected", "an approver rejected a ticket's request (ticket reject)"},
        {"approval.emergency", "a ticket passed a guarded state by emergency; its approval is due afterwards"},
        {"asset.retired", "an asset was retired"},
        {"asset.transferred", "assets were handed over to another owner"},
        {"inspect.failed", "an inspection check failed"},
        {"inspect.recovered", "a failed inspection check passed again"},
        {"backup.failed", "a backup run failed"},
        {"backup.verification_failed", "a backup archive did not verify"},
        {"roster.override", "a duty override was recorded"},
        {"roster.handover", "a shift handover was written"},
    };
    return kinds;
}

bool event_pattern_matches(std::string_view pattern, std::string_view kind) {
    if (pattern == "*" || pattern == kind) {
        return true;
    }
    return pattern.size() > 2 && pattern.ends_with(".*") && kind.starts_with(pattern.substr(0, pattern.size() - 1));
}

std::string unmatched_event_hint(std::string_view pattern) {
    std::vector<std::string> names;
    for (const auto& k : event_kinds()) {
        if (event_pattern_matches(pattern, k.name)) {
            return {};
        }
        names.emplace_back(k.name);
    }
    std::vector<std::string> candidates = names;
    for (const auto& k : event_kinds()) {
        std::string group(k.name.substr(0, k.name.find('.')));
        group += ".*";
        if (std::find(candidates.begin(), candidates.end(), group) == candidates.end()) {
            candidates.push_back(std::move(group));
        }
    }
    if (auto near = util::closest(pattern, candidates); !near.empty()) {
        return "did you mean '" + near + "'?";
    }
    // A word of the pattern that names what a kind is about ("sla.*" -> ticket.escalated).
    const std::string lower = util::to_lower(pattern);
    for (const auto& word : util::split(lower, '.')) {
        if (word.size() < 3 || word == "*") {
            continue;
        }
        for (const auto& k : event_kinds()) {
            if (util::to_lower(k.when).find(word) != std::string::npos ||
                k.name.find(word) != std::string_view::npos) {
                return "did you mean '" + std::string(k.name) + "'?";
            }
        }
    }
    return "known: " + util::join(names, ", ") + "; or a prefix such as 'ticket.*'";
}

} // namespace opsctl::policy
