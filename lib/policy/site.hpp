#pragma once
// The `site` section: who we are, which time zone, where the database lives.

#include "lib/core/zone.hpp"
#include "lib/policy/origin.hpp"

#include <optional>
#include <string>

namespace opsctl::policy {

/// Site-wide settings.
struct Site {
    std::string name = "opsctl";
    std::string timezone = "UTC";
    core::Zone zone;                      // the zone named by `timezone`
    std::optional<std::string> database;  // path; relative paths are relative to the policy directory
    std::string database_group;           // when set, database files are group-readable by this group
    bool database_group_writes = false;   // and, when true, group-writable too
    Origin origin;
};

} // namespace opsctl::policy
