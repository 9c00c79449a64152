#include "lib/policy/events.hpp"
#include "lib/policy/parsers.hpp"

#include <fmt/format.h>

namespace opsctl::policy {

void parse_notify(Reader& r, const Node& node, Policy& p) {
    if (!r.map(node, "section 'notify'", {"hooks"})) {
        return;
    }
    r.entries(node["hooks"], "notify hook", [&](const std::string& name, const Node& key, const Node& value) {
        if (auto it = p.notify.hooks.find(name); it != p.notify.hooks.end()) {
            r.error(key, fmt::format("notify hook '{}' is defined twice (first at {})", name, it->second.origin.str()));
            return;
        }
        if (!r.map(value, fmt::format("notify hook '{}'", name), {"command", "events", "timeout"})) {
            return;
        }
        NotifyHook hook;
        hook.name = name;
        hook.origin = r.origin(key);
        hook.command = r.strings(value, "command", true).value_or(std::vector<std::string>{});
        if (value["command"].is_defined() && hook.command.empty()) {
            r.error(value["command"], fmt::format("notify hook '{}' has an empty command", name));
        }
        hook.events = r.strings(value, "events").value_or(std::vector<std::string>{"*"});
        // A pattern that matches no kind is a hook that silently never runs.
        const Node events = value["events"];
        const auto check_pattern = [&](const Node& item) {
            if (!item.is_scalar()) {
                return;
            }
            if (auto hint = unmatched_event_hint(item.scalar()); !hint.empty()) {
                r.error(item, fmt::format("notify hook '{}': event pattern '{}' matches no event kind ({})", name,
                                          item.scalar(), hint));
            }
        };
        if (events.is_sequence()) {
            for (const auto& item : events) {
                check_pattern(item);
            }
        } else {
            check_pattern(events);
        }
        if (auto t = r.duration(value, "timeout")) {
            if (t->approx_seconds() <= 0 || t->approx_seconds() > 3600) {
                r.error(value["timeout"], "'timeout' must be between 1s and 1h");
            } else {
                hook.timeout = *t;
            }
        }
        p.notify.hooks.emplace(name, std::move(hook));
    });
}

void finish_notify(Diagnostics&, Policy&) {}

} // namespace opsctl::policy
