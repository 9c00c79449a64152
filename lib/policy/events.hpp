#pragma once
// The kinds of event that opsctl sends to notify hooks, and how a hook's pattern matches them.

#include <string>
#include <string_view>
#include <vector>

namespace opsctl::policy {

/// One kind of notify event and when it is sent (the list opsctl-policy(5) documents).
struct EventKind {
    std::string_view name;
    std::string_view when;
};

/// Every event kind opsctl sends, in the order the man page lists them.
const std::vector<EventKind>& event_kinds();

/// True when a hook pattern ("*", an exact kind, or a "ticket.*" prefix) matches `kind`.
bool event_pattern_matches(std::string_view pattern, std::string_view kind);

/// Empty when `pattern` matches at least one kind; else the hint for the error message
/// ("did you mean 'ticket.escalated'?" or the list of kinds).
std::string unmatched_event_hint(std::string_view pattern);

} // namespace opsctl::policy
