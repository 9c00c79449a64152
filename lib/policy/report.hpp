#pragma once
// The `report` section.

#include "lib/policy/origin.hpp"

#include <cstddef>

namespace opsctl::policy {

/// Validated `report` policy. Accepted but not yet interpreted.
struct ReportPolicy {
    std::size_t count() const { return 0; }
};

} // namespace opsctl::policy
