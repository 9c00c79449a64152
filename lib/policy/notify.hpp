#pragma once
// The `notify` section: hook commands that receive events as JSON on stdin.

#include "lib/core/duration.hpp"
#include "lib/policy/origin.hpp"

#include <map>
#include <string>
#include <vector>

namespace opsctl::policy {

/// A command run for matching events (argv, never a shell).
struct NotifyHook {
    std::string name;
    std::vector<std::string> command;
    std::vector<std::string> events;  // event kinds (policy::event_kinds()), e.g. "ticket.created"; "*" or a "ticket.*" prefix
    core::Duration timeout{10, 0, 0};
    Origin origin;
};

/// Hooks keyed by name.
struct NotifyPolicy {
    std::map<std::string, NotifyHook> hooks;
    std::size_t count() const { return hooks.size(); }
};

} // namespace opsctl::policy
