#pragma once
// Notify events: run the policy's hook commands with the event as JSON on stdin.

#include "lib/policy/notify.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace opsctl::notify {

/// True when a hook subscribed to `events` wants events of `kind` ("*", exact, or "ticket.*").
bool wants(const std::vector<std::string>& events, const std::string& kind);

/// Sends an event to every hook that wants it: {"kind", "at", "site", "data"} as JSON on
/// stdin, each under its timeout. A failing hook is reported as a warning and never fails
/// the command. Returns how many hooks ran successfully.
int emit(const policy::NotifyPolicy& policy, const std::string& site, const std::string& kind,
         const nlohmann::json& data, std::int64_t at);

} // namespace opsctl::notify
