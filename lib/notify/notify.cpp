#include "lib/notify/notify.hpp"

#include "lib/core/duration.hpp"
#include "lib/core/log.hpp"
#include "lib/policy/events.hpp"
#include "lib/util/process.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

namespace opsctl::notify {

bool wants(const std::vector<std::string>& events, const std::string& kind) {
    return std::any_of(events.begin(), events.end(),
                       [&](const std::string& e) { return policy::event_pattern_matches(e, kind); });
}

int emit(const policy::NotifyPolicy& policy, const std::string& site, const std::string& kind,
         const nlohmann::json& data, std::int64_t at) {
    int ok = 0;
    for (const auto& [name, hook] : policy.hooks) {
        if (!wants(hook.events, kind)) {
            continue;
        }
        nlohmann::json event = {{"kind", kind}, {"at", at}, {"site", site}, {"data", data}};
        util::ProcessOptions options;
        // Replace rather than throw on invalid UTF-8: a hook must never fail the command.
        options.stdin_data = event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
        // Clamped: a timeout written in days must not overflow into a negative one.
        options.timeout_ms = static_cast<int>(
            std::min<std::int64_t>(hook.timeout.approx_seconds() * 1000, INT32_MAX));
        options.env = util::minimal_environment();
        const auto r = util::run_process(hook.command, options);
        if (r.spawn_failed) {
            core::warn(fmt::format("notify hook '{}' could not run: {}", name, r.err));
        } else if (r.timed_out) {
            core::warn(fmt::format("notify hook '{}' timed out after {}", name,
                                   core::format_duration(hook.timeout)));
        } else if (r.exit_code != 0) {
            const auto first = r.err.substr(0, r.err.find('\n'));
            core::warn(fmt::format("notify hook '{}' failed with exit status {}{}{}", name,
                                   r.exit_code < 0 ? 128 + r.signal : r.exit_code, first.empty() ? "" : ": ", first));
        } else {
            ++ok;
        }
    }
    return ok;
}

} // namespace opsctl::notify
