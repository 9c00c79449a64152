#pragma once
// The `sla` section.

#include "lib/policy/origin.hpp"

#include <cstddef>

namespace opsctl::policy {

/// Validated `sla` policy. Accepted but not yet interpreted.
struct SlaPolicy {
    std::size_t count() const { return 0; }
};

} // namespace opsctl::policy
