#pragma once
// The `report` section: how the monthly operations review is written.

#include "lib/policy/origin.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace opsctl::policy {

/// Validated `report` policy; every key has a default, so an absent section is valid.
struct ReportPolicy {
    std::string language = "en";                           // en | zh: default of --lang
    std::size_t top_assets = 10;                           // rows of "assets with most incidents"
    std::vector<std::string> incident_types{"incident"};   // ticket types counted as incidents
    std::vector<std::string> problem_types{"problem"};     // ticket types counted as problems
    std::vector<std::string> change_types{"change"};       // ticket types counted as changes
    std::vector<std::string> complaint_types{"complaint"}; // types counted as complaints
    bool defined = false;                                  // some file defines the section
    Origin origin;

    std::size_t count() const { return defined ? 1 : 0; }
};

} // namespace opsctl::policy
